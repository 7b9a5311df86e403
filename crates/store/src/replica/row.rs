//! Rows of the synced tables as [`Fields`]: column name to JSON value.

use mixwell_domain::{Entity, Fields};
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::{params_from_iter, Connection};
use serde_json::Value as Json;

use super::schema::{spec, Spec};
use crate::error::{StoreError, StoreResult};

pub(crate) fn to_json(value: ValueRef<'_>) -> StoreResult<Json> {
    Ok(match value {
        ValueRef::Null => Json::Null,
        ValueRef::Integer(n) => Json::from(n),
        ValueRef::Real(x) => serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number),
        ValueRef::Text(bytes) => Json::String(String::from_utf8_lossy(bytes).into_owned()),
        ValueRef::Blob(_) => {
            return Err(StoreError::Corrupt {
                what: "synced column",
                detail: "binary values do not sync".into(),
            })
        }
    })
}

pub(crate) fn to_sql(value: &Json) -> StoreResult<Sql> {
    Ok(match value {
        Json::Null => Sql::Null,
        Json::Bool(b) => Sql::Integer(i64::from(*b)),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Sql::Integer(i),
            None => Sql::Real(n.as_f64().unwrap_or_default()),
        },
        Json::String(s) => Sql::Text(s.clone()),
        Json::Array(_) | Json::Object(_) => {
            return Err(StoreError::Corrupt {
                what: "change",
                detail: "a column's value is a list or an object".into(),
            })
        }
    })
}

fn key_clause(spec: &Spec) -> String {
    spec.key
        .iter()
        .enumerate()
        .map(|(i, column)| format!("{column} = ?{}", i + 1))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The rows a query gives, each as its columns by name.
pub(crate) fn select(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> StoreResult<Vec<Fields>> {
    let mut statement = conn.prepare_cached(sql)?;
    let names: Vec<String> = statement.column_names().map(String::from).collect();
    let mut rows = Vec::new();
    let mut cursor = statement.query(params)?;
    while let Some(found) = cursor.next()? {
        let mut fields = Fields::new();
        for (i, name) in names.iter().enumerate() {
            fields.insert(name.clone(), to_json(found.get_ref(i)?)?);
        }
        rows.push(fields);
    }
    Ok(rows)
}

/// The row of `entity` with this key, as it is in its table now.
pub(crate) fn read(
    conn: &Connection,
    entity: Entity,
    key: &[String],
) -> StoreResult<Option<Fields>> {
    let sql = format!(
        "SELECT * FROM {} WHERE {}",
        entity.as_str(),
        key_clause(&spec(entity))
    );
    Ok(select(conn, &sql, params_from_iter(key))?.pop())
}

pub(crate) fn exists(conn: &Connection, entity: Entity, key: &[String]) -> StoreResult<bool> {
    let spec = spec(entity);
    let mut statement = conn.prepare_cached(&format!(
        "SELECT 1 FROM {} WHERE {}",
        entity.as_str(),
        key_clause(&spec)
    ))?;
    Ok(statement.exists(params_from_iter(key))?)
}

/// Whether a row of `entity` has `value` in `column` (a referenced row is there).
pub(crate) fn exists_where(
    conn: &Connection,
    entity: Entity,
    column: &str,
    value: &Json,
) -> StoreResult<bool> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT 1 FROM {} WHERE {column} = ?1",
        entity.as_str()
    ))?;
    Ok(statement.exists([to_sql(value)?])?)
}

/// The keys of the rows of `entity` whose `column` is `value`.
pub(crate) fn keys_where(
    conn: &Connection,
    entity: Entity,
    column: &str,
    value: &Json,
) -> StoreResult<Vec<Vec<String>>> {
    let spec = spec(entity);
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {} FROM {} WHERE {column} = ?1",
        spec.key.join(", "),
        entity.as_str()
    ))?;
    let keys = statement
        .query_map([to_sql(value)?], |r| {
            (0..spec.key.len())
                .map(|i| r.get::<_, String>(i))
                .collect::<Result<Vec<_>, _>>()
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(keys)
}

/// The key of a row from its fields, if they hold it.
pub(crate) fn key_of(entity: Entity, fields: &Fields) -> Option<Vec<String>> {
    spec(entity)
        .key
        .iter()
        .map(|column| fields.get(*column).and_then(Json::as_str).map(String::from))
        .collect()
}

/// Writes the row these fields make: inserted, or its columns set if it is there (a row
/// of an append-only table that is there is left as it is).
pub(crate) fn write(conn: &Connection, entity: Entity, fields: &Fields) -> StoreResult<()> {
    let spec = spec(entity);
    let columns: Vec<&String> = fields.keys().collect();
    let values = fields
        .values()
        .map(to_sql)
        .collect::<StoreResult<Vec<_>>>()?;
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let updates: Vec<String> = columns
        .iter()
        .filter(|c| !spec.key.contains(&c.as_str()))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let on_conflict = if updates.is_empty() || spec.append_only {
        "DO NOTHING".to_owned()
    } else {
        format!("DO UPDATE SET {}", updates.join(", "))
    };
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) {on_conflict}",
        entity.as_str(),
        columns
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        placeholders.join(", "),
        spec.key.join(", "),
    );
    conn.prepare_cached(&sql)?
        .execute(params_from_iter(values))?;
    Ok(())
}

pub(crate) fn delete(conn: &Connection, entity: Entity, key: &[String]) -> StoreResult<()> {
    let spec = spec(entity);
    conn.prepare_cached(&format!(
        "DELETE FROM {} WHERE {}",
        entity.as_str(),
        key_clause(&spec)
    ))?
    .execute(params_from_iter(key))?;
    Ok(())
}

pub(crate) fn set_name(
    conn: &Connection,
    entity: Entity,
    key: &[String],
    name: &str,
) -> StoreResult<()> {
    let spec = spec(entity);
    let mut params: Vec<String> = key.to_vec();
    params.push(name.to_owned());
    conn.prepare_cached(&format!(
        "UPDATE {} SET name = ?{} WHERE {}",
        entity.as_str(),
        key.len() + 1,
        key_clause(&spec)
    ))?
    .execute(params_from_iter(params))?;
    Ok(())
}
