//! PDF documents staff print: each is laid out here from plain data, with DejaVu Sans
//! embedded (subsetted) so every name prints as written, accents and all.

mod layout;
mod rota_sheets;
mod team_lists;

pub use rota_sheets::{rota_sheets, RotaSessionRow, RotaSheet, RotaSheetDocument};
pub use team_lists::{team_lists, TeamList, TeamListDocument};

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}
