//! How errors reach the UI: `{ code, message, details }`, where `code` is stable and the
//! UI branches on it, never on the message.

use mixwell_store::StoreError;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AppError {
    /// One of the store's codes (`not_found`, `name_taken`, `invalid_name`, `invalid_dates`,
    /// `invalid_participant`, `hours_rejected`, `invalid_milestone`, `roster_has_errors`,
    /// `newer_database`, `not_a_database`,
    /// `disk_full`, `database`, …) or the shell's own `database_unavailable`,
    /// `invalid_request` and `invalid_teams`.
    pub code: String,
    pub message: String,
    /// Anything the UI can show beyond the message, such as the roster's problems.
    pub details: Option<ErrorDetails>,
}

/// Structured context for an error, typed so the UI can branch on `kind`.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ErrorDetails {
    /// Every problem found in a roster file, with line and column.
    RosterProblems {
        problems: Vec<mixwell_roster::Problem>,
    },
    /// Every problem with a batch of hours, with its row and field.
    HoursProblems {
        problems: Vec<mixwell_domain::hours::HoursProblem>,
    },
    /// The code of the underlying error, when this one wraps it.
    Cause { code: String },
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        let code = error.code().to_owned();
        let message = error.to_string();
        let details = match error {
            StoreError::HoursRejected { problems } => {
                Some(ErrorDetails::HoursProblems { problems })
            }
            _ => None,
        };
        AppError {
            code,
            message,
            details,
        }
    }
}

impl AppError {
    /// Input the UI sent that cannot be used, with what is wrong.
    pub fn invalid(message: &str) -> Self {
        AppError {
            code: "invalid_request".to_owned(),
            message: message.to_owned(),
            details: None,
        }
    }

    /// A team request the wave cannot satisfy as asked (sizes, unknown attributes).
    pub fn grouping(error: mixwell_grouping::GroupingError) -> Self {
        AppError {
            code: "invalid_teams".to_owned(),
            message: error.to_string(),
            details: None,
        }
    }

    pub fn database_unavailable(reason: &AppError) -> Self {
        AppError {
            code: "database_unavailable".to_owned(),
            message: format!("The database could not be opened: {}", reason.message),
            details: Some(ErrorDetails::Cause {
                code: reason.code.clone(),
            }),
        }
    }
}
