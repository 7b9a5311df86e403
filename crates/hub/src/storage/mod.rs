//! Where the hub keeps everything: SQLite (one file, nothing else to install) or
//! PostgreSQL (several hub processes at once). The hub's logic is written once, over
//! [`Tx`], with SQL both databases read the same way (`$1` parameters, portable types);
//! a back end only opens transactions, converts values, and retries what the database
//! asks to be retried.

mod postgres;
mod sqlite;

use crate::error::HubError;

/// A value passed to or read from the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// One row of a result, read by column position.
#[derive(Debug, Clone)]
pub struct Row(pub Vec<Value>);

impl Row {
    pub fn text(&self, i: usize) -> Result<String, HubError> {
        match self.0.get(i) {
            Some(Value::Text(t)) => Ok(t.clone()),
            other => Err(HubError::corrupt(format!(
                "column {i}: text expected, {other:?}"
            ))),
        }
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>, HubError> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(None),
            _ => self.text(i).map(Some),
        }
    }

    pub fn int(&self, i: usize) -> Result<i64, HubError> {
        match self.0.get(i) {
            Some(Value::Int(v)) => Ok(*v),
            other => Err(HubError::corrupt(format!(
                "column {i}: integer expected, {other:?}"
            ))),
        }
    }
}

/// The statements of one transaction.
pub trait Tx {
    /// Runs a statement; the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, HubError>;
    /// Runs a query; its rows.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, HubError>;
    /// Runs a script of several statements with no parameters (migrations).
    fn batch(&mut self, sql: &str) -> Result<(), HubError>;
}

/// The database behind a hub.
pub enum Backend {
    Sqlite(sqlite::SqliteDb),
    Postgres(postgres::PostgresDb),
}

impl Backend {
    /// `database` is a `postgres://` (or `postgresql://`) URL, or else a SQLite file path.
    pub fn open(database: &str) -> Result<Backend, HubError> {
        if database.starts_with("postgres://") || database.starts_with("postgresql://") {
            Ok(Backend::Postgres(postgres::PostgresDb::open(database)?))
        } else {
            Ok(Backend::Sqlite(sqlite::SqliteDb::open(
                std::path::Path::new(database),
            )?))
        }
    }

    /// Runs `work` as one transaction, committed if it returns `Ok`. Work the database
    /// refuses because a concurrent transaction got there first (a serialisation failure
    /// or a deadlock) is run again from the start, a few times.
    pub fn transaction<R>(
        &self,
        mut work: impl FnMut(&mut dyn Tx) -> Result<R, HubError>,
    ) -> Result<R, HubError> {
        match self {
            Backend::Sqlite(db) => db.transaction(&mut work),
            Backend::Postgres(db) => db.transaction(&mut work),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }
}
