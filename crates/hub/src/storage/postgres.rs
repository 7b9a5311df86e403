//! The hub over PostgreSQL: several hub processes (behind a load balancer) serve one
//! organisation at once. Nothing here depends on a single server: no advisory or table
//! locks, row locks only through `UPDATE`, and a transaction the database refuses as a
//! serialisation failure or deadlock is run again.

use std::time::Duration;

use postgres::types::{ToSql, Type};
use postgres::NoTls;
use r2d2_postgres::PostgresConnectionManager;

use super::{Row, Tx, Value};
use crate::error::HubError;

pub struct PostgresDb {
    /// Always `Some` until dropped.
    pool: Option<r2d2::Pool<PostgresConnectionManager<NoTls>>>,
}

impl Drop for PostgresDb {
    /// The synchronous client closes a connection by blocking on a runtime of its own,
    /// which panics on an async thread, and the last reference to a hub can end on one
    /// (a server shutting down): close the pool on a plain thread.
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            let _ = std::thread::spawn(move || drop(pool)).join();
        }
    }
}

/// How many times work refused for a concurrent transaction is run again.
const RETRIES: u32 = 8;

impl PostgresDb {
    pub fn open(url: &str) -> Result<PostgresDb, HubError> {
        let config: postgres::Config = url
            .parse()
            .map_err(|e: postgres::Error| HubError::storage(format!("{url}: {e}")))?;
        let pool = r2d2::Pool::builder()
            .max_size(16)
            .connection_timeout(Duration::from_secs(10))
            .build(PostgresConnectionManager::new(config, NoTls))
            .map_err(|e| HubError::storage(format!("PostgreSQL: {e}")))?;
        Ok(PostgresDb { pool: Some(pool) })
    }

    pub fn transaction<R>(
        &self,
        work: &mut dyn FnMut(&mut dyn Tx) -> Result<R, HubError>,
    ) -> Result<R, HubError> {
        let mut client = self
            .pool
            .as_ref()
            .expect("the pool lives as long as the database")
            .get()
            .map_err(|e| HubError::storage(format!("PostgreSQL: {e}")))?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut tx = PgTx {
                tx: client.transaction()?,
            };
            let outcome = work(&mut tx).and_then(|r| {
                tx.tx.commit()?;
                Ok(r)
            });
            match outcome {
                Err(HubError::Retry(_)) if attempt < RETRIES => {
                    std::thread::sleep(Duration::from_millis(5 * u64::from(attempt)));
                }
                outcome => return outcome,
            }
        }
    }
}

struct PgTx<'a> {
    tx: postgres::Transaction<'a>,
}

fn params(values: &[Value]) -> Vec<Box<dyn ToSql + Sync>> {
    values
        .iter()
        .map(|v| -> Box<dyn ToSql + Sync> {
            match v {
                Value::Null => Box::new(None::<String>),
                Value::Int(i) => Box::new(*i),
                Value::Text(t) => Box::new(t.clone()),
                Value::Bool(b) => Box::new(*b),
            }
        })
        .collect()
}

fn refs(boxed: &[Box<dyn ToSql + Sync>]) -> Vec<&(dyn ToSql + Sync)> {
    boxed.iter().map(|b| b.as_ref()).collect()
}

fn value(row: &postgres::Row, i: usize) -> Result<Value, postgres::Error> {
    let column = &row.columns()[i];
    Ok(match *column.type_() {
        Type::INT8 => row.get::<_, Option<i64>>(i).map_or(Value::Null, Value::Int),
        Type::INT4 => row
            .get::<_, Option<i32>>(i)
            .map_or(Value::Null, |v| Value::Int(i64::from(v))),
        Type::INT2 => row
            .get::<_, Option<i16>>(i)
            .map_or(Value::Null, |v| Value::Int(i64::from(v))),
        Type::BOOL => row
            .get::<_, Option<bool>>(i)
            .map_or(Value::Null, Value::Bool),
        _ => row
            .try_get::<_, Option<String>>(i)?
            .map_or(Value::Null, Value::Text),
    })
}

impl Tx for PgTx<'_> {
    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64, HubError> {
        let boxed = params(values);
        Ok(self.tx.execute(sql, &refs(&boxed))?)
    }

    fn query(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Row>, HubError> {
        let boxed = params(values);
        let rows = self.tx.query(sql, &refs(&boxed))?;
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| value(r, i))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Row)
                    .map_err(HubError::from)
            })
            .collect()
    }

    fn batch(&mut self, sql: &str) -> Result<(), HubError> {
        Ok(self.tx.batch_execute(sql)?)
    }
}
