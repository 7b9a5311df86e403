use mixwell_domain::ErrorCode;
use mixwell_store::StoreError;

use crate::wire::{ErrorBody, HubErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// No answer (offline, the hub down, a timeout): normal for a laptop in the field.
    #[error("the hub could not be reached ({0}); Mixwell will try again later")]
    Unreachable(String),
    #[error("{address} cannot be used as the hub's address: {reason}")]
    BadHubAddress { address: String, reason: String },
    #[error("the hub refused: {}", .0.message)]
    Hub(ErrorBody),
    #[error("the hub's answer could not be understood ({0}); is this address a Mixwell hub?")]
    Protocol(String),
    #[error("this laptop is not enrolled with a hub yet: ask a coordinator for an enrolment code")]
    NotEnrolled,
    #[error("the hub keeps refusing this laptop's change {0}; nothing was lost, and it is tried again at the next sync")]
    Stuck(u64),
    #[error("{0}")]
    Bundle(#[from] crate::bundle::BundleError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl SyncError {
    pub fn code(&self) -> ErrorCode {
        match self {
            SyncError::Unreachable(_) => ErrorCode::HubUnreachable,
            SyncError::BadHubAddress { .. } => ErrorCode::InvalidRequest,
            SyncError::Hub(body) if body.code == HubErrorCode::DeviceRevoked => {
                ErrorCode::DeviceRevoked
            }
            SyncError::Hub(body) if body.code == HubErrorCode::AlreadyEnrolled => {
                ErrorCode::AlreadyEnrolled
            }
            SyncError::Hub(body) if body.code == HubErrorCode::AuditBroken => {
                ErrorCode::AuditBroken
            }
            SyncError::Hub(_) | SyncError::Protocol(_) | SyncError::Stuck(_) => {
                ErrorCode::HubRefused
            }
            SyncError::NotEnrolled => ErrorCode::NotEnrolled,
            SyncError::Bundle(_) => ErrorCode::BundleRefused,
            SyncError::Store(e) => e.code(),
        }
    }

    /// Worth another try in a moment: the network or the hub may recover by itself.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Unreachable(_) => true,
            SyncError::Hub(body) => matches!(
                body.code,
                HubErrorCode::Internal | HubErrorCode::TooManyRequests
            ),
            _ => false,
        }
    }
}
