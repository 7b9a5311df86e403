//! Recording a local write: the row as the action left it, against the replica's record.

use mixwell_domain::{ChangeOp, Entity, Fields, Hlc, Id};
use serde_json::Value as Json;

use super::project::{name_group, Projector};
use super::schema::{entity_id, spec, NAME};
use super::{row, shadow};
use crate::error::StoreResult;
use crate::outbox::Writer;

impl Writer<'_> {
    /// Records what an action did to the row `id` of `entity`: it was inserted, some of
    /// its columns changed, or it was deleted. A write that changed nothing records nothing.
    pub(crate) fn record(&mut self, entity: Entity, id: Id) -> StoreResult<()> {
        self.record_key(entity, &[id.to_string()], None)
    }

    /// [`Writer::record`] for a row keyed by several columns (a team member).
    pub(crate) fn record_keyed(&mut self, entity: Entity, key: &[String]) -> StoreResult<()> {
        self.record_key(entity, key, None)
    }

    /// [`Writer::record`] under a stamp the row itself keeps (the hour ledger's).
    pub(crate) fn record_at(&mut self, stamp: Hlc, entity: Entity, id: Id) -> StoreResult<()> {
        self.record_key(entity, &[id.to_string()], Some(stamp))
    }

    pub(crate) fn record_keyed_at(
        &mut self,
        stamp: Hlc,
        entity: Entity,
        key: &[String],
    ) -> StoreResult<()> {
        self.record_key(entity, key, Some(stamp))
    }

    fn record_key(
        &mut self,
        entity: Entity,
        key: &[String],
        stamp: Option<Hlc>,
    ) -> StoreResult<()> {
        let now = row::read(self.tx(), entity, key)?;
        let id = entity_id(entity, key);
        if spec(entity).append_only {
            let Some(fields) = now else {
                return Ok(());
            };
            let stamp = stamp.unwrap_or_else(|| self.stamp());
            return self.append(stamp, entity, &id, ChangeOp::Insert, &fields);
        }
        let record = shadow::load(self.tx(), entity, &id)?;
        let (op, fields) = match (now, record.alive()) {
            (None, false) => return Ok(()),
            (None, true) => (ChangeOp::Delete, Fields::new()),
            (Some(now), false) => (ChangeOp::Insert, now),
            (Some(now), true) => {
                let changed: Fields = now
                    .into_iter()
                    .filter(|(column, value)| !unchanged(&record, column, value))
                    .collect();
                if changed.is_empty() {
                    return Ok(());
                }
                (ChangeOp::Update, changed)
            }
        };
        // After everything it replaces, so the write stands on every replica.
        let stamp = stamp.unwrap_or_else(|| self.stamp_after(record.latest_stamp()));
        let hlc = stamp.to_sortable_string();
        {
            let conn = self.tx();
            let mut projector = Projector::new(conn, self.schema());
            if record.alive() {
                projector.settle(name_group(entity, &record.values()));
            }
            match op {
                ChangeOp::Insert => shadow::set_existence(conn, entity, &id, &hlc, true)?,
                ChangeOp::Delete => shadow::set_existence(conn, entity, &id, &hlc, false)?,
                ChangeOp::Update => {}
            }
            for (column, value) in &fields {
                shadow::set_field(conn, entity, &id, column, value, &hlc)?;
            }
            if fields.contains_key(NAME) {
                shadow::set_shown_name(conn, entity, &id, None)?;
            }
            if op != ChangeOp::Delete {
                // The record as it now stands, without reading it back.
                let mut values = record.values();
                values.extend(fields.clone());
                projector.settle(name_group(entity, &values));
            }
            projector.finish()?;
        }
        self.append(stamp, entity, &id, op, &fields)
    }
}

/// Whether a column holds what the record has: its value, or for a name that gave way to
/// another row's, the name it is shown under.
fn unchanged(record: &shadow::Shadow, column: &str, value: &Json) -> bool {
    record.value(column) == Some(value)
        || (column == NAME
            && record.shown_name.is_some()
            && record.shown_name.as_deref() == value.as_str())
}
