//! PDF documents staff print: each is laid out here from plain data, with DejaVu Sans
//! embedded (subsetted) so every name prints as written, accents and all.

mod certificate;
mod layout;
mod rota_sheets;
mod sections;
mod team_lists;

pub use certificate::{certificate, CertificatePage, ATTACHMENT_NAME};
pub use rota_sheets::{rota_sheets, RotaSessionRow, RotaSheet, RotaSheetDocument};
pub use sections::{sections, Section, SectionsDocument};
pub use team_lists::{team_lists, TeamList, TeamListDocument};

/// "Site · printed 21/07/2027": what a printout says about where and when it was made.
pub fn printed_subtitle(site: &str, today: chrono::NaiveDate) -> String {
    let printed = format!("printed {}", today.format("%d/%m/%Y"));
    [site.trim(), printed.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}
