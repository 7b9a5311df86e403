//! The replica's own record of every synced row: whether it exists, and each column's last
//! value with the stamp it was set at. The tables are what this record makes.

use std::collections::BTreeMap;

use mixwell_domain::{Entity, Fields, Hlc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value as Json;

use crate::error::StoreResult;

#[derive(Debug, Clone, Default)]
pub(crate) struct Shadow {
    /// The stamp of the latest insert or delete, and whether it was an insert.
    pub existence: Option<(String, bool)>,
    pub shown_name: Option<String>,
    /// Column → (value, stamp).
    pub fields: BTreeMap<String, (Json, String)>,
}

impl Shadow {
    pub(crate) fn alive(&self) -> bool {
        matches!(self.existence, Some((_, true)))
    }

    pub(crate) fn values(&self) -> Fields {
        self.fields
            .iter()
            .map(|(column, (value, _))| (column.clone(), value.clone()))
            .collect()
    }

    pub(crate) fn value(&self, column: &str) -> Option<&Json> {
        self.fields.get(column).map(|(value, _)| value)
    }

    /// The latest stamp anything of the row was set at.
    pub(crate) fn latest_stamp(&self) -> Option<Hlc> {
        self.existence
            .iter()
            .map(|(hlc, _)| hlc)
            .chain(self.fields.values().map(|(_, hlc)| hlc))
            .filter_map(|hlc| Hlc::parse_sortable(hlc))
            .max()
    }
}

pub(crate) fn load(conn: &Connection, entity: Entity, id: &str) -> StoreResult<Shadow> {
    let row = conn
        .prepare_cached(
            "SELECT hlc, alive, shown_name FROM replica_row WHERE entity = ?1 AND entity_id = ?2",
        )?
        .query_row(params![entity.as_str(), id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?, r.get(2)?))
        })
        .optional()?;
    let mut shadow = Shadow::default();
    if let Some((hlc, alive, shown_name)) = row {
        shadow.existence = Some((hlc, alive));
        shadow.shown_name = shown_name;
    }
    let mut statement = conn.prepare_cached(
        "SELECT field, value, hlc FROM replica_field WHERE entity = ?1 AND entity_id = ?2",
    )?;
    let fields = statement.query_map(params![entity.as_str(), id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for field in fields {
        let (column, value, hlc) = field?;
        shadow
            .fields
            .insert(column, (serde_json::from_str(&value)?, hlc));
    }
    Ok(shadow)
}

pub(crate) fn set_existence(
    conn: &Connection,
    entity: Entity,
    id: &str,
    hlc: &str,
    alive: bool,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO replica_row (entity, entity_id, alive, hlc) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (entity, entity_id) DO UPDATE SET alive = excluded.alive, hlc = excluded.hlc",
    )?
    .execute(params![entity.as_str(), id, alive, hlc])?;
    Ok(())
}

pub(crate) fn set_field(
    conn: &Connection,
    entity: Entity,
    id: &str,
    column: &str,
    value: &Json,
    hlc: &str,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO replica_field (entity, entity_id, field, value, hlc) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (entity, entity_id, field) DO UPDATE SET value = excluded.value, hlc = excluded.hlc",
    )?
    .execute(params![entity.as_str(), id, column, serde_json::to_string(value)?, hlc])?;
    Ok(())
}

pub(crate) fn set_shown_name(
    conn: &Connection,
    entity: Entity,
    id: &str,
    shown: Option<&str>,
) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE replica_row SET shown_name = ?3 WHERE entity = ?1 AND entity_id = ?2",
    )?
    .execute(params![entity.as_str(), id, shown])?;
    Ok(())
}

/// The ids of the rows of `entity` whose `column` was last set to `value`.
pub(crate) fn ids_where(
    conn: &Connection,
    entity: Entity,
    column: &str,
    value: &Json,
) -> StoreResult<Vec<String>> {
    let mut statement = conn.prepare_cached(
        "SELECT entity_id FROM replica_field WHERE entity = ?1 AND field = ?2 AND value = ?3",
    )?;
    let ids = statement
        .query_map(
            params![entity.as_str(), column, serde_json::to_string(value)?],
            |r| r.get(0),
        )?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}

/// The ids of the rows of `entity` whose name was last set to `name`, in any case.
pub(crate) fn ids_named(conn: &Connection, entity: Entity, name: &str) -> StoreResult<Vec<String>> {
    let mut statement = conn.prepare_cached(
        "SELECT entity_id FROM replica_field
         WHERE entity = ?1 AND field = 'name' AND value = ?2 COLLATE NOCASE",
    )?;
    let ids = statement
        .query_map(
            params![entity.as_str(), serde_json::to_string(&Json::from(name))?],
            |r| r.get(0),
        )?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}
