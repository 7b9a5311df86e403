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
    #[error("the database file {path} is not a Mixwell database: {detail}")]
    NotADatabase { path: String, detail: String },
    #[error("the database could not be saved to: {0}")]
    Io(#[from] std::io::Error),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("could not encode a change for the outbox: {0}")]
    Encode(#[from] serde_json::Error),
}

impl StoreError {
    /// A stable code the app and scripts branch on; never changes with the message.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound { .. } => "not_found",
            StoreError::NoSuchName { .. } => "no_such_name",
            StoreError::AmbiguousName { .. } => "ambiguous_name",
            StoreError::NameTaken { .. } => "name_taken",
            StoreError::InvalidName(_) => "invalid_name",
            StoreError::InvalidDates(_) => "invalid_dates",
            StoreError::InvalidParticipant(_) => "invalid_participant",
            StoreError::InvalidRota(_) => "invalid_rota",
            StoreError::HoursRejected { .. } => "hours_rejected",
            StoreError::InvalidMilestone(_) => "invalid_milestone",
            StoreError::RosterHasErrors { .. } => "roster_has_errors",
            StoreError::NewerDatabase { .. } => "newer_database",
            StoreError::NotADatabase { .. } => "not_a_database",
            StoreError::Io(_) => "io",
            StoreError::Sqlite(e) if is_disk_full(e) => "disk_full",
            StoreError::Sqlite(_) => "database",
            StoreError::Encode(_) => "encode",
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
