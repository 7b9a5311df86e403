use mixwell_domain::ErrorCode;

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: String },
    #[error("there is no {what} called {name:?}")]
    NoSuchName { what: &'static str, name: String },
    #[error("{count} {what}s are called {name:?}; name the programme too")]
    AmbiguousName {
        what: &'static str,
        name: String,
        count: usize,
    },
    #[error("a {what} called {name:?} already exists")]
    NameTaken { what: &'static str, name: String },
    #[error("{0}")]
    InvalidName(#[from] mixwell_domain::programme::NameError),
    #[error("{0}")]
    InvalidDates(#[from] mixwell_domain::programme::WaveDatesError),
    #[error("{0}")]
    InvalidParticipant(String),
    #[error("{0}")]
    InvalidRota(String),
    #[error("{}", hours_rejected(problems))]
    HoursRejected {
        problems: Vec<mixwell_domain::hours::HoursProblem>,
    },
    #[error("{0}")]
    InvalidMilestone(String),
    #[error("the roster has {count} error(s); nothing was imported")]
    RosterHasErrors { count: usize },
    #[error("this database was written by a newer version of Mixwell (schema {found}, this version knows up to {supported}); update Mixwell to open it")]
    NewerDatabase { found: i64, supported: i64 },
    #[error("a change from another device was written by a newer version of Mixwell (schema {found}, this version knows up to {supported}); update Mixwell to take it")]
    NewerChange { found: u32, supported: u32 },
    #[error("this laptop is already enrolled with the hub at {hub}")]
    AlreadyEnrolled { hub: String },
    #[error("{path} cannot be opened with this key: the key or passphrase is wrong, or the file is not a Mixwell database; nothing was changed")]
    WrongKey { path: String },
    #[error("the database file {path} is not a Mixwell database: {detail}")]
    NotADatabase { path: String, detail: String },
    #[error("the database holds a {what} that cannot be read ({detail}); restore a backup or ask for help")]
    Corrupt { what: &'static str, detail: String },
    #[error("the database could not be saved to: {0}")]
    Io(#[from] std::io::Error),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("could not encode a change for the outbox: {0}")]
    Encode(#[from] serde_json::Error),
}

impl StoreError {
    /// A stable code the app and scripts branch on; never changes with the message.
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::NotFound { .. } => ErrorCode::NotFound,
            StoreError::NoSuchName { .. } => ErrorCode::NoSuchName,
            StoreError::AmbiguousName { .. } => ErrorCode::AmbiguousName,
            StoreError::NameTaken { .. } => ErrorCode::NameTaken,
            StoreError::InvalidName(_) => ErrorCode::InvalidName,
            StoreError::InvalidDates(_) => ErrorCode::InvalidDates,
            StoreError::InvalidParticipant(_) => ErrorCode::InvalidParticipant,
            StoreError::InvalidRota(_) => ErrorCode::InvalidRota,
            StoreError::HoursRejected { .. } => ErrorCode::HoursRejected,
            StoreError::InvalidMilestone(_) => ErrorCode::InvalidMilestone,
            StoreError::RosterHasErrors { .. } => ErrorCode::RosterHasErrors,
            StoreError::NewerDatabase { .. } => ErrorCode::NewerDatabase,
            StoreError::NewerChange { .. } => ErrorCode::NewerChange,
            StoreError::AlreadyEnrolled { .. } => ErrorCode::AlreadyEnrolled,
            StoreError::WrongKey { .. } => ErrorCode::WrongKey,
            StoreError::NotADatabase { .. } => ErrorCode::NotADatabase,
            StoreError::Corrupt { .. } => ErrorCode::CorruptData,
            StoreError::Io(_) => ErrorCode::Io,
            StoreError::Sqlite(e) if is_disk_full(e) => ErrorCode::DiskFull,
            StoreError::Sqlite(e) if is_corrupt(e) => ErrorCode::CorruptData,
            StoreError::Sqlite(_) => ErrorCode::Database,
            StoreError::Encode(_) => ErrorCode::Encode,
        }
    }
}

fn hours_rejected(problems: &[mixwell_domain::hours::HoursProblem]) -> String {
    match problems {
        [one] => format!("{}; nothing was saved", one.message),
        _ => format!(
            "{} problems with the hours; nothing was saved",
            problems.len()
        ),
    }
}

fn is_disk_full(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DiskFull))
}

/// A value read back that is not what its column holds, or a damaged file.
fn is_corrupt(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
    ) || matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt)
    )
}
