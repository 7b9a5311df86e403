//! How errors reach the UI: `{ code, message, details }`, where `code` is one
//! [`ErrorCode`] the UI branches on, never the message, and `details` is typed by kind.

use mixwell_actions::error::ErrorDetails;
use mixwell_actions::ActionError;
use mixwell_domain::ErrorCode;
use mixwell_store::StoreError;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// Anything the UI can show beyond the message, such as the roster's problems.
    pub details: Option<ErrorDetails>,
}

impl From<ActionError> for AppError {
    fn from(error: ActionError) -> Self {
        AppError {
            code: error.code(),
            message: error.to_string(),
            details: error.details(),
        }
    }
}

impl From<mixwell_sync::SyncError> for AppError {
    fn from(error: mixwell_sync::SyncError) -> Self {
        ActionError::from(error).into()
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        ActionError::from(error).into()
    }
}

impl AppError {
    /// A fault in Mixwell itself, such as a panic: nothing of the action was kept.
    pub fn internal(detail: &str) -> Self {
        AppError {
            code: ErrorCode::Internal,
            message: format!("Something went wrong inside Mixwell ({detail}); nothing was changed. Try again, and tell your administrator if it happens again."),
            details: None,
        }
    }

    /// The database waits for its passphrase; nothing can be read before it is typed.
    pub fn locked() -> Self {
        AppError {
            code: ErrorCode::PassphraseNeeded,
            message: "Mixwell is locked: type its passphrase to open your programmes.".into(),
            details: None,
        }
    }

    pub fn database_unavailable(reason: &AppError) -> Self {
        AppError {
            code: ErrorCode::DatabaseUnavailable,
            message: format!("The database could not be opened: {}", reason.message),
            details: Some(ErrorDetails::Cause { code: reason.code }),
        }
    }
}
