//! Compaction: taking out of the record the changes that later changes overwrite entirely,
//! so a new laptop, or one that was away for a season, pulls what the organisation holds
//! now rather than every edit ever made. That pull is the full refresh.
//!
//! Replicas merge each column, and a row's existence, by the latest clock stamp
//! ([`mixwell_store`]'s replica). A change none of whose parts is the latest of its row
//! can be dropped without changing what any device ends up with, wherever its cursor
//! stands: a device past the change already holds it, and a device before it will pull the
//! later changes that overwrite it, since the latest change of every part is never dropped.
//! Stamps are unique (they end with the device id), so "latest" is never a tie.
//!
//! Kept whatever happens: the ledger and team-set members (append-only: every row counts),
//! and anything a change's part is the latest of. Changes of one row under different
//! programmes are judged apart, because a field laptop pulls only its programmes' changes.
//!
//! The record is read a page at a time and only a glance of each change that can be
//! overwritten is kept (no values, no ledger rows), so compacting a record of 100,000
//! changes takes little memory.

use std::collections::{BTreeSet, HashMap};

use mixwell_domain::{ChangeOp, Entity};
use serde::Deserialize;

use crate::error::HubError;
use crate::log::{insert_rows, ROWS_PER_INSERT};
use crate::storage::{Tx, Value};
use crate::{time_text, Hub};

/// What compaction needs of one change of the record: where it is, which row's parts it
/// sets, and when.
#[derive(Debug, Clone)]
pub struct Held {
    pub position: i64,
    pub scope: Option<String>,
    pub device: String,
    pub device_seq: u64,
    pub entity: Entity,
    pub entity_id: String,
    pub op: ChangeOp,
    pub hlc: String,
    pub columns: Vec<String>,
}

/// A change's JSON as compaction reads it: the values are skipped, not decoded.
#[derive(Deserialize)]
struct Glance {
    device: String,
    device_seq: u64,
    hlc: String,
    entity: Entity,
    entity_id: String,
    op: ChangeOp,
    fields: std::collections::BTreeMap<String, serde::de::IgnoredAny>,
}

/// The latest stamp of each part of one row.
#[derive(Default)]
struct Latest<'a> {
    existence: Option<&'a str>,
    fields: HashMap<&'a str, &'a str>,
}

fn sets_existence(op: ChangeOp) -> bool {
    matches!(op, ChangeOp::Insert | ChangeOp::Delete)
}

type RowKey<'a> = (Entity, &'a str, Option<&'a str>);

fn key(held: &Held) -> RowKey<'_> {
    (held.entity, held.entity_id.as_str(), held.scope.as_deref())
}

/// The positions of the changes in `record` that later changes overwrite entirely.
pub fn superseded(record: &[Held]) -> Vec<i64> {
    let mut latest: HashMap<RowKey<'_>, Latest<'_>> = HashMap::new();
    for held in record.iter().filter(|h| !h.entity.append_only()) {
        let row = latest.entry(key(held)).or_default();
        let stamp = held.hlc.as_str();
        if sets_existence(held.op) && row.existence.is_none_or(|s| s < stamp) {
            row.existence = Some(stamp);
        }
        for column in &held.columns {
            let slot = row.fields.entry(column).or_insert(stamp);
            if *slot < stamp {
                *slot = stamp;
            }
        }
    }
    record
        .iter()
        .filter(|held| {
            let Some(row) = latest.get(&key(held)) else {
                return false;
            };
            let stamp = held.hlc.as_str();
            let existence_overwritten =
                !sets_existence(held.op) || row.existence.is_some_and(|s| s > stamp);
            existence_overwritten
                && held
                    .columns
                    .iter()
                    .all(|column| row.fields.get(column.as_str()).is_some_and(|s| *s > stamp))
        })
        .map(|held| held.position)
        .collect()
}

/// What a compaction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compacted {
    /// Changes the record held before.
    pub before: u64,
    /// Changes taken out.
    pub removed: u64,
}

/// Rows of the record read at a time.
const READ_PAGE: i64 = 5_000;

impl Hub {
    /// Takes the overwritten changes out of the record (see the module's comment), in one
    /// transaction. Safe while devices push and pull, and while another hub process
    /// compacts: later changes only ever make more of the record overwritten.
    pub fn compact(&self) -> Result<Compacted, HubError> {
        let now = time_text(self.now());
        self.backend.transaction(|tx| {
            let (record, before) = read_record(tx)?;
            let removed: BTreeSet<i64> = superseded(&record).into_iter().collect();
            let remembered = record
                .iter()
                .filter(|held| removed.contains(&held.position))
                .map(|held| {
                    vec![
                        Value::Int(held.position),
                        held.device.clone().into(),
                        Value::Int(i64::try_from(held.device_seq).unwrap_or(i64::MAX)),
                        now.clone().into(),
                    ]
                })
                .collect();
            insert_rows(
                tx,
                "hub_compacted",
                &["position", "device_id", "device_seq", "compacted_at"],
                "ON CONFLICT DO NOTHING",
                remembered,
            )?;
            let removed: Vec<i64> = removed.into_iter().collect();
            for chunk in removed.chunks(ROWS_PER_INSERT) {
                let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
                let positions: Vec<Value> = chunk.iter().map(|p| Value::Int(*p)).collect();
                tx.execute(
                    &format!(
                        "DELETE FROM hub_change WHERE position IN ({})",
                        marks.join(", ")
                    ),
                    &positions,
                )?;
            }
            Ok(Compacted {
                before,
                removed: removed.len() as u64,
            })
        })
    }
}

/// Every change of the record that can be overwritten, at a glance, and how many changes
/// the record holds in all.
fn read_record(tx: &mut dyn Tx) -> Result<(Vec<Held>, u64), HubError> {
    let mut record = Vec::new();
    let mut count = 0;
    let mut after = 0;
    loop {
        let rows = tx.query(
            "SELECT position, scope, body FROM hub_change WHERE position > $1
             ORDER BY position LIMIT $2",
            &[Value::Int(after), Value::Int(READ_PAGE)],
        )?;
        for row in &rows {
            after = row.int(0)?;
            count += 1;
            let glance: Glance = serde_json::from_str(&row.text(2)?)
                .map_err(|e| HubError::corrupt(format!("a change in the record: {e}")))?;
            if glance.entity.append_only() {
                continue;
            }
            record.push(Held {
                position: after,
                scope: row.opt_text(1)?,
                device: glance.device,
                device_seq: glance.device_seq,
                entity: glance.entity,
                entity_id: glance.entity_id,
                op: glance.op,
                hlc: glance.hlc,
                columns: glance.fields.into_keys().collect(),
            });
        }
        if (rows.len() as i64) < READ_PAGE {
            return Ok((record, count));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use mixwell_domain::{Fields, Id};
    use proptest::prelude::*;

    use super::*;

    const COLUMNS: [&str; 3] = ["school", "faith", "postcode"];

    /// One generated change: entity (0: a participant, 1: an hour entry), row, op,
    /// which columns it sets, its stamp and its programme.
    fn held() -> impl Strategy<Value = (u8, u8, u8, Vec<bool>, u32, bool)> {
        (
            0..2u8,
            0..3u8,
            0..3u8,
            proptest::collection::vec(any::<bool>(), 3),
            0..1_000_000u32,
            proptest::bool::weighted(0.1),
        )
    }

    /// A change as sent: what compaction sees of it, and its values for the model.
    struct Sent {
        held: Held,
        fields: Fields,
    }

    fn record(generated: Vec<(u8, u8, u8, Vec<bool>, u32, bool)>) -> Vec<Sent> {
        let mut stamps = BTreeSet::new();
        generated
            .into_iter()
            .enumerate()
            .filter(|(_, g)| stamps.insert(g.4))
            .map(|(i, (entity, row, op, columns, stamp, elsewhere))| {
                let entity = if entity == 0 {
                    Entity::Participant
                } else {
                    Entity::HourEntry
                };
                let op = match (entity.append_only(), op) {
                    (true, _) | (false, 0) => ChangeOp::Insert,
                    (false, 1) => ChangeOp::Update,
                    (false, _) => ChangeOp::Delete,
                };
                let fields: Fields = if op == ChangeOp::Delete {
                    Fields::new()
                } else {
                    COLUMNS
                        .iter()
                        .zip(&columns)
                        .filter(|(_, set)| **set || op == ChangeOp::Insert)
                        .map(|(column, _)| (column.to_string(), serde_json::json!(i)))
                        .collect()
                };
                Sent {
                    held: Held {
                        position: i as i64 + 1,
                        scope: Some(if elsewhere { "p2" } else { "p1" }.into()),
                        device: Id::nil().to_string(),
                        device_seq: i as u64 + 1,
                        entity,
                        entity_id: format!("row{row}"),
                        op,
                        hlc: format!("{stamp:015}-0000000000-{}", "0".repeat(32)),
                        columns: fields.keys().cloned().collect(),
                    },
                    fields,
                }
            })
            .collect()
    }

    type State = BTreeMap<(Entity, String), (bool, BTreeMap<String, serde_json::Value>)>;

    /// What a replica holds after merging `changes` in any order: each row's existence
    /// and each column by the latest stamp, every ledger row.
    fn merged<'a>(changes: impl IntoIterator<Item = &'a Sent>) -> State {
        let mut parts: BTreeMap<(Entity, String, String), (&str, serde_json::Value)> =
            BTreeMap::new();
        for sent in changes {
            let change = &sent.held;
            let mut set = |part: String, value: serde_json::Value| {
                let key = (change.entity, change.entity_id.clone(), part);
                if parts
                    .get(&key)
                    .is_none_or(|(stamp, _)| *stamp < change.hlc.as_str())
                {
                    parts.insert(key, (change.hlc.as_str(), value));
                }
            };
            if sets_existence(change.op) {
                set("\u{0}exists".into(), (change.op == ChangeOp::Insert).into());
            }
            for (column, value) in &sent.fields {
                set(column.clone(), value.clone());
            }
        }
        let mut state = State::new();
        for ((entity, id, part), (_, value)) in parts {
            let row = state.entry((entity, id)).or_default();
            if part == "\u{0}exists" {
                row.0 = value == serde_json::Value::Bool(true);
            } else {
                row.1.insert(part, value);
            }
        }
        state
    }

    proptest! {
        /// Wherever a device's cursor stands, and whichever programmes it sees, what it
        /// holds after pulling the compacted record is what the whole record gives.
        #[test]
        fn a_compacted_record_gives_every_device_what_the_whole_record_does(
            generated in proptest::collection::vec(held(), 0..40)
        ) {
            let record = record(generated);
            let held: Vec<Held> = record.iter().map(|s| s.held.clone()).collect();
            let removed: BTreeSet<i64> = superseded(&held).into_iter().collect();
            for sees in [None, Some("p1"), Some("p2")] {
                let visible: Vec<&Sent> = record
                    .iter()
                    .filter(|s| sees.is_none_or(|p| s.held.scope.as_deref() == Some(p)))
                    .collect();
                let whole = merged(visible.iter().copied());
                for cursor in 0..=record.len() as i64 {
                    let pulled = visible.iter().copied().filter(|s| {
                        s.held.position <= cursor || !removed.contains(&s.held.position)
                    });
                    prop_assert_eq!(&merged(pulled), &whole, "cursor {}", cursor);
                }
            }
            for sent in &record {
                if sent.held.entity.append_only() {
                    prop_assert!(!removed.contains(&sent.held.position), "the ledger is kept");
                }
            }
        }
    }

    #[test]
    fn a_value_set_three_times_keeps_only_the_last() {
        let generated = (0..3)
            .map(|i| (0, 0, 1, vec![true, false, false], 10 + i, false))
            .collect();
        let held: Vec<Held> = record(generated).into_iter().map(|s| s.held).collect();
        assert_eq!(superseded(&held), [1, 2]);
    }
}
