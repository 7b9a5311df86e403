use mixwell_sync::wire::{ErrorBody, HubErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// A request the hub turns down, with the code and words the device is given.
    #[error("{message}")]
    Refused {
        code: HubErrorCode,
        message: String,
        expected_seq: Option<u64>,
    },
    /// Something an administrator asked for that cannot be done as asked.
    #[error("{0}")]
    Usage(String),
    #[error("the hub's database: {0}")]
    Storage(String),
    /// The database turned the transaction down for a concurrent one: run it again.
    #[error("the hub's database was busy: {0}")]
    Retry(String),
    #[error("the hub's database holds something it cannot read ({0})")]
    Corrupt(String),
}

impl HubError {
    pub fn refused(code: HubErrorCode, message: impl Into<String>) -> HubError {
        HubError::Refused {
            code,
            message: message.into(),
            expected_seq: None,
        }
    }

    pub fn storage(detail: impl Into<String>) -> HubError {
        HubError::Storage(detail.into())
    }

    pub fn corrupt(detail: impl Into<String>) -> HubError {
        HubError::Corrupt(detail.into())
    }

    /// What the device is told. A fault of the hub's own says only that: its details stay
    /// in the hub's log.
    pub fn body(&self) -> ErrorBody {
        match self {
            HubError::Refused {
                code,
                message,
                expected_seq,
            } => ErrorBody {
                code: *code,
                message: message.clone(),
                expected_seq: *expected_seq,
            },
            HubError::Retry(_) => ErrorBody {
                code: HubErrorCode::Internal,
                message: "the hub is busy; try again in a moment".into(),
                expected_seq: None,
            },
            _ => ErrorBody {
                code: HubErrorCode::Internal,
                message: "the hub could not do this because of a fault of its own".into(),
                expected_seq: None,
            },
        }
    }
}

impl From<rusqlite::Error> for HubError {
    fn from(e: rusqlite::Error) -> HubError {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                HubError::Retry(e.to_string())
            }
            _ => HubError::Storage(e.to_string()),
        }
    }
}

impl From<postgres::Error> for HubError {
    fn from(e: postgres::Error) -> HubError {
        use postgres::error::SqlState;
        match e.code() {
            Some(code)
                if *code == SqlState::T_R_SERIALIZATION_FAILURE
                    || *code == SqlState::T_R_DEADLOCK_DETECTED =>
            {
                HubError::Retry(e.to_string())
            }
            _ => HubError::Storage(e.to_string()),
        }
    }
}
