//! Ledger rows (and a saved team set's members) that arrive before the rows they refer
//! to wait here, and take their place as soon as those arrive.

use mixwell_domain::{Entity, Fields};
use rusqlite::{params, Connection};

use super::project::Projector;
use super::row;
use crate::error::StoreResult;

/// Places a row of an append-only table, or parks it until what it refers to is there.
pub(crate) fn place(
    conn: &Connection,
    projector: &mut Projector<'_>,
    entity: Entity,
    id: &str,
    fields: &Fields,
) -> StoreResult<()> {
    let Some(key) = row::key_of(entity, fields) else {
        return Ok(());
    };
    if row::exists(conn, entity, &key)? {
        return Ok(());
    }
    if projector.references_present(entity, fields)? {
        row::write(conn, entity, fields)?;
        projector.arrived(entity, fields)?;
    } else {
        conn.prepare_cached(
            "INSERT INTO parked_change (entity, entity_id, fields) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![entity.as_str(), id, serde_json::to_string(fields)?])?;
    }
    Ok(())
}

/// Places every parked row whose references are now there, until no more can be.
pub(crate) fn place_waiting(conn: &Connection, projector: &Projector<'_>) -> StoreResult<()> {
    loop {
        let mut parked: Vec<(Entity, String, Fields)> = Vec::new();
        let mut statement =
            conn.prepare_cached("SELECT entity, entity_id, fields FROM parked_change")?;
        for row in statement.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (entity, id, fields) = row?;
            if let Some(entity) = Entity::parse(&entity) {
                parked.push((entity, id, serde_json::from_str(&fields)?));
            }
        }
        parked.sort_by_key(|(entity, id, _)| (*entity, id.clone()));
        let mut placed = false;
        for (entity, id, fields) in parked {
            if projector.references_present(entity, &fields)? {
                row::write(conn, entity, &fields)?;
                conn.prepare_cached(
                    "DELETE FROM parked_change WHERE entity = ?1 AND entity_id = ?2",
                )?
                .execute(params![entity.as_str(), id])?;
                placed = true;
            }
        }
        if !placed {
            return Ok(());
        }
    }
}

pub(crate) fn waiting(conn: &Connection) -> StoreResult<u32> {
    Ok(conn.query_row("SELECT count(*) FROM parked_change", [], |r| r.get(0))?)
}
