//! Merging changes made on other devices.

use std::collections::BTreeSet;

use mixwell_domain::{Change, ChangeOp, Hlc};
use rusqlite::params;
use serde::Serialize;

use super::project::{name_group, Projector};
use super::schema::spec;
use super::{parked, shadow};
use crate::error::{StoreError, StoreResult};
use crate::outbox::Writer;
use crate::Store;

/// What merging a batch of changes did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// Changes merged for the first time.
    pub applied: u32,
    /// Changes this device already had (delivered twice, or its own coming back).
    pub duplicates: u32,
    /// Changes stamped more than a day ahead of this laptop's clock: merged, and flagged.
    pub clamped: u32,
    /// Ledger rows still waiting for the rows they refer to.
    pub waiting: u32,
}

impl Store {
    /// Merges changes made on other devices, in one transaction: each column takes the
    /// value with the latest stamp, each ledger row is added once, and a change seen before
    /// changes nothing. Any order of the same changes gives the same tables.
    pub fn apply_changes(&mut self, changes: &[Change]) -> StoreResult<Applied> {
        self.write(|w| w.apply(changes))
    }
}

impl Writer<'_> {
    fn apply(&mut self, changes: &[Change]) -> StoreResult<Applied> {
        let own = self.device();
        let mut summary = Applied::default();
        let mut fresh = Vec::new();
        for change in changes {
            check(self, change)?;
            let first_time = change.device != own
                && self
                    .tx()
                    .prepare_cached(
                        "INSERT INTO received_change (device_id, device_seq) VALUES (?1, ?2)
                         ON CONFLICT DO NOTHING",
                    )?
                    .execute(params![
                        change.device.to_string(),
                        i64::try_from(change.device_seq).unwrap_or(i64::MAX)
                    ])?
                    == 1;
            if !first_time {
                summary.duplicates += 1;
                continue;
            }
            let stamp = Hlc::parse_sortable(&change.hlc).ok_or_else(|| StoreError::Corrupt {
                what: "change",
                detail: format!("{:?} is not a clock stamp", change.hlc),
            })?;
            if self.observe(stamp) {
                summary.clamped += 1;
            }
            summary.applied += 1;
            fresh.push(change);
        }
        let conn = self.tx();
        let mut projector = Projector::new(conn, self.schema());
        let mut touched = BTreeSet::new();
        let mut ledger = Vec::new();
        for change in fresh {
            if spec(change.entity).append_only {
                ledger.push(change);
                continue;
            }
            let record = shadow::load(conn, change.entity, &change.entity_id)?;
            if record.alive() {
                projector.settle(name_group(change.entity, &record.values()));
            }
            let later = |stamp: Option<&String>| stamp.is_none_or(|s| *s < change.hlc);
            let existence = record.existence.as_ref().map(|(stamp, _)| stamp);
            match change.op {
                ChangeOp::Insert if later(existence) => {
                    shadow::set_existence(
                        conn,
                        change.entity,
                        &change.entity_id,
                        &change.hlc,
                        true,
                    )?;
                }
                ChangeOp::Delete if later(existence) => {
                    shadow::set_existence(
                        conn,
                        change.entity,
                        &change.entity_id,
                        &change.hlc,
                        false,
                    )?;
                }
                _ => {}
            }
            for (column, value) in &change.fields {
                if later(record.fields.get(column).map(|(_, stamp)| stamp)) {
                    shadow::set_field(
                        conn,
                        change.entity,
                        &change.entity_id,
                        column,
                        value,
                        &change.hlc,
                    )?;
                }
            }
            touched.insert((change.entity, change.entity_id.clone()));
        }
        for (entity, id) in &touched {
            projector.project(*entity, id)?;
        }
        ledger.sort_by_key(|change| change.entity);
        for change in ledger {
            parked::place(
                conn,
                &mut projector,
                change.entity,
                &change.entity_id,
                &change.fields,
            )?;
        }
        projector.finish()?;
        summary.waiting = parked::waiting(conn)?;
        Ok(summary)
    }
}

/// Refuses a change this version cannot read: from a newer schema, for an append-only
/// table other than an insert, or setting a column its table does not have.
fn check(w: &Writer<'_>, change: &Change) -> StoreResult<()> {
    let supported = u32::try_from(crate::db::SCHEMA_VERSION).unwrap_or(u32::MAX);
    if change.schema_version > supported {
        return Err(StoreError::NewerChange {
            found: change.schema_version,
            supported,
        });
    }
    let bad = |detail: String| StoreError::Corrupt {
        what: "change",
        detail,
    };
    if change.op == ChangeOp::Delete && !change.entity.removable() {
        return Err(bad(format!(
            "{} rows are never removed, but change {} of device {} removes one",
            change.entity.as_str(),
            change.device_seq,
            change.device
        )));
    }
    if spec(change.entity).append_only && change.op != ChangeOp::Insert {
        return Err(bad(format!(
            "{} rows are never changed or removed, but change {} of device {} does",
            change.entity.as_str(),
            change.device_seq,
            change.device
        )));
    }
    let columns = w.schema().columns(change.entity);
    if let Some(unknown) = change.fields.keys().find(|c| !columns.contains(c)) {
        return Err(bad(format!(
            "{} has no column {unknown:?} (change {} of device {})",
            change.entity.as_str(),
            change.device_seq,
            change.device
        )));
    }
    if change.op == ChangeOp::Insert && super::row::key_of(change.entity, &change.fields).is_none()
    {
        return Err(bad(format!(
            "an insert into {} without its key (change {} of device {})",
            change.entity.as_str(),
            change.device_seq,
            change.device
        )));
    }
    Ok(())
}
