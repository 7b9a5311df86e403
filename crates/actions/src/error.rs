//! What can go wrong with an action, each failure with its stable [`ErrorCode`].

use mixwell_domain::ErrorCode;
use mixwell_store::StoreError;

pub type ActionResult<T> = Result<T, ActionError>;

/// Structured context for an error, typed so the UI can branch on `kind`.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ErrorDetails {
    /// Every problem found in a roster file, with line and column.
    RosterProblems {
        problems: Vec<mixwell_roster::Problem>,
    },
    /// Every problem with a batch of hours or decisions, with its row and field.
    HoursProblems {
        problems: Vec<mixwell_domain::hours::HoursProblem>,
    },
    /// What the signed-in staff member's role may not do.
    Forbidden {
        permission: mixwell_domain::Permission,
    },
    /// The code of the underlying error, when this one wraps it.
    Cause { code: ErrorCode },
}

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A team request the wave cannot satisfy as asked.
    #[error("{0}")]
    Teams(#[from] mixwell_grouping::GroupingError),
    #[error("{0}")]
    Pdf(#[from] mixwell_print::PrintError),
    #[error("{path}: {error}")]
    File { path: String, error: std::io::Error },
    /// A roster with errors: nothing was imported.
    #[error("the roster has {} error(s); nothing was imported", problems.iter().filter(|p| p.is_error()).count())]
    RosterRejected {
        problems: Vec<mixwell_roster::Problem>,
    },
    /// Input that cannot be used as it is, with what is wrong.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Sync(#[from] mixwell_sync::SyncError),
    #[error(transparent)]
    Vault(#[from] mixwell_vault::VaultError),
    #[error("{} has no verified hours yet, so there is nothing to certify", name.expose())]
    NoVerifiedHours {
        /// Shown to staff in the message; a log or a panic that prints the error shows
        /// it redacted.
        name: mixwell_domain::Sensitive<String>,
    },
    #[error("certificate {number} was revoked already")]
    AlreadyRevoked { number: String },
    #[error("{0}")]
    Certificate(String),
    #[error("your role ({}) may not {}", role.label(), permission.describe())]
    Forbidden {
        role: mixwell_domain::StaffRole,
        permission: mixwell_domain::Permission,
    },
    #[error("sign in first: the screen locks after it is left alone")]
    SignedOut,
    #[error("that PIN or passphrase does not match the account")]
    WrongPin,
}

impl ActionError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ActionError::Store(e) => e.code(),
            ActionError::Teams(_) => ErrorCode::InvalidTeams,
            ActionError::Pdf(_) => ErrorCode::Pdf,
            ActionError::File { error, .. } if is_disk_full(error) => ErrorCode::DiskFull,
            ActionError::File { .. } => ErrorCode::Io,
            ActionError::Invalid(_) => ErrorCode::InvalidRequest,
            ActionError::RosterRejected { .. } => ErrorCode::RosterHasErrors,
            ActionError::Sync(e) => e.code(),
            ActionError::Vault(e) => e.code(),
            ActionError::NoVerifiedHours { .. } => ErrorCode::NoVerifiedHours,
            ActionError::AlreadyRevoked { .. } => ErrorCode::AlreadyRevoked,
            ActionError::Certificate(_) => ErrorCode::Certificate,
            ActionError::Forbidden { .. } => ErrorCode::Forbidden,
            ActionError::SignedOut => ErrorCode::SignedOut,
            ActionError::WrongPin => ErrorCode::WrongPin,
        }
    }

    /// What the UI can show beyond the message, typed by kind.
    pub fn details(&self) -> Option<ErrorDetails> {
        match self {
            ActionError::RosterRejected { problems } => Some(ErrorDetails::RosterProblems {
                problems: problems.clone(),
            }),
            ActionError::Store(StoreError::HoursRejected { problems }) => {
                Some(ErrorDetails::HoursProblems {
                    problems: problems.clone(),
                })
            }
            ActionError::Forbidden { permission, .. } => Some(ErrorDetails::Forbidden {
                permission: *permission,
            }),
            _ => None,
        }
    }

    pub(crate) fn file(path: &std::path::Path, error: std::io::Error) -> Self {
        ActionError::File {
            path: path.display().to_string(),
            error,
        }
    }
}

fn is_disk_full(error: &std::io::Error) -> bool {
    error.kind() == std::io::ErrorKind::StorageFull
}

/// A rota change that cannot be made as asked.
pub(crate) fn invalid_rota(message: impl Into<String>) -> ActionError {
    ActionError::Store(StoreError::InvalidRota(message.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error, ErrorKind};

    #[test]
    fn files_pdfs_and_corrupt_rows_have_codes_of_their_own() {
        let path = std::path::Path::new("/media/usb/teams.pdf");
        assert_eq!(
            ActionError::file(path, Error::from(ErrorKind::StorageFull)).code(),
            ErrorCode::DiskFull
        );
        let denied = ActionError::file(path, Error::from(ErrorKind::PermissionDenied));
        assert_eq!(denied.code(), ErrorCode::Io);
        assert!(
            denied.to_string().starts_with("/media/usb/teams.pdf: "),
            "{denied}"
        );
        let pdf = ActionError::from(mixwell_print::PrintError::Pdf("no font".into()));
        assert_eq!(pdf.code(), ErrorCode::Pdf);
        let corrupt = ActionError::from(StoreError::Corrupt {
            what: "row id",
            detail: "\"x\" is not an id".into(),
        });
        assert_eq!(corrupt.code(), ErrorCode::CorruptData);
        assert_eq!(
            ActionError::Invalid("no".into()).code(),
            ErrorCode::InvalidRequest
        );
    }
}
