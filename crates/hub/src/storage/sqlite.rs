//! The hub in one SQLite file: a small organisation's hub on the office machine, with
//! nothing else to install. One connection, behind a lock; `BEGIN IMMEDIATE` takes the
//! write lock first, so a second hub process on the same file waits instead of failing.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ToSql};

use super::{Row, Tx, Value};
use crate::error::HubError;

pub struct SqliteDb {
    conn: Mutex<Connection>,
}

impl SqliteDb {
    pub fn open(path: &Path) -> Result<SqliteDb, HubError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| HubError::storage(e.to_string()))?;
        }
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(Duration::from_secs(10))?;
        Ok(SqliteDb {
            conn: Mutex::new(conn),
        })
    }

    pub fn transaction<R>(
        &self,
        work: &mut dyn FnMut(&mut dyn Tx) -> Result<R, HubError>,
    ) -> Result<R, HubError> {
        // A panic in another request leaves the connection usable: its transaction is
        // rolled back below before this one begins.
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        if !conn.is_autocommit() {
            conn.execute_batch("ROLLBACK")?;
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let mut tx = SqliteTx { conn: &conn };
        match work(&mut tx) {
            Ok(result) => {
                conn.execute_batch("COMMIT")?;
                Ok(result)
            }
            Err(error) => {
                conn.execute_batch("ROLLBACK")?;
                Err(error)
            }
        }
    }
}

struct SqliteTx<'a> {
    conn: &'a Connection,
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
            Value::Bool(b) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*b))),
        })
    }
}

/// The statement in SQLite's spelling: `$1` becomes `?1`. (SQLite reads `$1` as a named
/// parameter and numbers named ones by first appearance, not by their digits.)
fn numbered(sql: &str) -> std::borrow::Cow<'_, str> {
    if !sql.contains('$') {
        return sql.into();
    }
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out.into()
}

fn params(values: &[Value]) -> Vec<&dyn ToSql> {
    values.iter().map(|v| v as &dyn ToSql).collect()
}

impl Tx for SqliteTx<'_> {
    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64, HubError> {
        let changed = self
            .conn
            .prepare_cached(&numbered(sql))?
            .execute(params(values).as_slice())?;
        Ok(changed as u64)
    }

    fn query(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Row>, HubError> {
        let mut statement = self.conn.prepare_cached(&numbered(sql))?;
        let width = statement.column_count();
        let rows = statement.query_map(params(values).as_slice(), |r| {
            (0..width)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        ValueRef::Null => Value::Null,
                        ValueRef::Integer(v) => Value::Int(v),
                        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                        ValueRef::Real(v) => Value::Text(v.to_string()),
                        ValueRef::Blob(b) => Value::Text(String::from_utf8_lossy(b).into_owned()),
                    })
                })
                .collect::<rusqlite::Result<Vec<Value>>>()
                .map(Row)
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<Row>>>()?)
    }

    fn batch(&mut self, sql: &str) -> Result<(), HubError> {
        Ok(self.conn.execute_batch(sql)?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parameters_keep_their_numbers_in_any_order() {
        assert_eq!(
            super::numbered("UPDATE t SET a = $2 WHERE b = $1 AND c = $12"),
            "UPDATE t SET a = ?2 WHERE b = ?1 AND c = ?12"
        );
    }
}
