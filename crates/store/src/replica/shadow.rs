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

/// The fields the index of references covers: migration 0013's partial index condition,
/// word for word (SQLite uses a partial index only for a query holding its condition).
pub(crate) const REFERENCE_FIELD: &str = "field IN ('a', 'b', 'certificate_id', 'corrects', 'entry_id', 'organisation_id', 'participant_id', 'programme_id', 'role_id', 'session_id', 'team_set_id', 'wave_id')";

/// The same fields, for the check when the store opens that every foreign key of a
/// synced table is among them.
const REFERENCE_FIELDS: [&str; 12] = [
    "a",
    "b",
    "certificate_id",
    "corrects",
    "entry_id",
    "organisation_id",
    "participant_id",
    "programme_id",
    "role_id",
    "session_id",
    "team_set_id",
    "wave_id",
];

/// Whether a foreign-key column is one [`REFERENCE_FIELD`] covers.
pub(crate) fn is_reference_field(column: &str) -> bool {
    REFERENCE_FIELDS.contains(&column)
}

/// The last term is the partial index's own, word for word, so the index serves.
fn ids_where_sql() -> String {
    format!(
        "SELECT entity_id FROM replica_field
         WHERE entity = ?1 AND field = ?2 AND value = ?3 AND {REFERENCE_FIELD}"
    )
}

const IDS_NAMED_SQL: &str = "SELECT entity_id FROM replica_field
     WHERE entity = ?1 AND field = 'name' AND value = ?2 COLLATE NOCASE";

/// The ids of the rows of `entity` whose `column` was last set to `value`.
pub(crate) fn ids_where(
    conn: &Connection,
    entity: Entity,
    column: &str,
    value: &Json,
) -> StoreResult<Vec<String>> {
    let mut statement = conn.prepare_cached(&ids_where_sql())?;
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
    let mut statement = conn.prepare_cached(IDS_NAMED_SQL)?;
    let ids = statement
        .query_map(
            params![entity.as_str(), serde_json::to_string(&Json::from(name))?],
            |r| r.get(0),
        )?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    /// The lookups must use the partial indexes of migration 0013: one that did not
    /// would scan every recorded value of a kind of row (every participant's every field).
    #[test]
    fn the_reference_condition_lists_exactly_the_reference_fields() {
        let listed = super::REFERENCE_FIELDS.map(|f| format!("'{f}'")).join(", ");
        assert_eq!(super::REFERENCE_FIELD, format!("field IN ({listed})"));
    }

    #[test]
    fn the_reference_and_name_lookups_use_their_partial_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite");
        let store = crate::Store::open(&path, &crate::DatabaseKey::from_bytes([7; 32])).unwrap();
        let plan = |sql: &str, arguments: &[&str]| -> String {
            let mut statement = store
                .conn()
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            let rows = statement
                .query_map(rusqlite::params_from_iter(arguments), |r| {
                    r.get::<_, String>(3)
                })
                .unwrap();
            rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
        };
        let reference = plan(
            &super::ids_where_sql(),
            &["participant", "wave_id", "\"w\""],
        );
        assert!(reference.contains("replica_field_reference"), "{reference}");
        let named = plan(super::IDS_NAMED_SQL, &["wave", "\"Wave 1\""]);
        assert!(named.contains("replica_field_name"), "{named}");
    }
}
