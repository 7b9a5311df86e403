//! Organisations, programmes and waves.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Id;

/// The roles a programme starts with; the first counts as leading.
pub const DEFAULT_ROLES: [&str; 5] = [
    "Team Leader",
    "Timekeeper",
    "Scribe",
    "Spokesperson",
    "Wellbeing Champion",
];
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Organisation {
    pub id: Id,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Programme {
    pub id: Id,
    pub organisation_id: Id,
    pub name: String,
    pub archived: bool,
}

/// A cohort of young people at one site, between two dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Wave {
    pub id: Id,
    pub programme_id: Id,
    pub name: String,
    pub site: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub archived: bool,
}

/// Names are what staff search and print by: they must say something.
pub fn validate_name(what: &'static str, name: &str) -> Result<String, NameError> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(NameError::Empty { what });
    }
    if trimmed.chars().count() > 120 {
        return Err(NameError::TooLong { what });
    }
    Ok(trimmed.to_owned())
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("the {what} name is empty")]
    Empty { what: &'static str },
    #[error("the {what} name is longer than 120 characters")]
    TooLong { what: &'static str },
}

/// A wave's dates must be in order when both are known.
pub fn validate_wave_dates(
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
) -> Result<(), WaveDatesError> {
    match (starts_on, ends_on) {
        (Some(s), Some(e)) if e < s => Err(WaveDatesError {
            starts_on: s,
            ends_on: e,
        }),
        _ => Ok(()),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the wave ends on {} before it starts on {}", ends_on.format("%d/%m/%Y"), starts_on.format("%d/%m/%Y"))]
pub struct WaveDatesError {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}
