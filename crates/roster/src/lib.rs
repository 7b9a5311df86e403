//! Roster import: sign-up exports in CSV or XLSX become validated participant records.
//!
//! The contract (columns, encodings, what is an error and what a warning) is described in
//! the README's "Roster files" section. Parsing is pure: bytes in, a [`ParsedRoster`] out,
//! with every problem found at once. Saving is the store's job and happens only when the
//! parsed roster has no errors.

mod decode;
pub mod demo;
mod export;
mod problem;
mod table;
mod validate;

pub use export::{teams_to_csv, to_csv};
pub use problem::{Problem, ProblemCode, Severity};
pub use table::FileFormat;
pub use validate::{ColumnInfo, ParsedRoster, RosterRow};

/// Reads a roster from the bytes of a CSV or XLSX file. Never panics, whatever the bytes.
pub fn parse(bytes: &[u8]) -> ParsedRoster {
    match table::read(bytes) {
        Ok(table) => validate::validate(table),
        Err(problem) => ParsedRoster::refused(problem),
    }
}
