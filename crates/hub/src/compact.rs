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

use std::collections::HashMap;

use mixwell_domain::{Change, ChangeOp, Entity};

use crate::error::HubError;
use crate::log::{insert_rows, ROWS_PER_INSERT};
use crate::storage::{Tx, Value};
use crate::{time_text, Hub};

/// One change of the record, as compaction looks at it.
#[derive(Debug, Clone)]
pub struct Held {
    pub position: i64,
    pub scope: Option<String>,
    pub change: Change,
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

/// The positions of the changes in `record` that later changes overwrite entirely.
pub fn superseded(record: &[Held]) -> Vec<i64> {
    type RowKey<'a> = (Entity, &'a str, Option<&'a str>);
    let mut latest: HashMap<RowKey<'_>, Latest<'_>> = HashMap::new();
    for held in record {
        let change = &held.change;
        if change.entity.append_only() {
            continue;
        }
        let row = latest
            .entry((change.entity, &change.entity_id, held.scope.as_deref()))
            .or_default();
        if sets_existence(change.op) && row.existence.is_none_or(|s| s < change.hlc.as_str()) {
            row.existence = Some(&change.hlc);
        }
        for column in change.fields.keys() {
            let slot = row.fields.entry(column).or_insert(&change.hlc);
            if *slot < change.hlc.as_str() {
                *slot = &change.hlc;
            }
        }
    }
    record
        .iter()
        .filter(|held| {
            let change = &held.change;
            if change.entity.append_only() {
                return false;
            }
            let Some(row) = latest.get(&(
                change.entity,
                change.entity_id.as_str(),
                held.scope.as_deref(),
            )) else {
                return false;
            };
            let stamp = change.hlc.as_str();
            let existence_overwritten =
                !sets_existence(change.op) || row.existence.is_some_and(|s| s > stamp);
            existence_overwritten
                && change
                    .fields
                    .keys()
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

impl Hub {
    /// Takes the overwritten changes out of the record (see the module's comment), in one
    /// transaction. Safe while devices push and pull, and while another hub process
    /// compacts: later changes only ever make more of the record overwritten.
    pub fn compact(&self) -> Result<Compacted, HubError> {
        let now = time_text(self.now());
        self.backend.transaction(|tx| {
            let record = read_record(tx)?;
            let removed = superseded(&record);
            let by_position: HashMap<i64, &Held> =
                record.iter().map(|held| (held.position, held)).collect();
            let remembered = removed
                .iter()
                .map(|position| {
                    let change = &by_position[position].change;
                    vec![
                        Value::Int(*position),
                        change.device.to_string().into(),
                        Value::Int(i64::try_from(change.device_seq).unwrap_or(i64::MAX)),
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
                before: record.len() as u64,
                removed: removed.len() as u64,
            })
        })
    }
}

fn read_record(tx: &mut dyn Tx) -> Result<Vec<Held>, HubError> {
    tx.query(
        "SELECT position, scope, body FROM hub_change ORDER BY position",
        &[],
    )?
    .iter()
    .map(|row| {
        let change: Change = serde_json::from_str(&row.text(2)?)
            .map_err(|e| HubError::corrupt(format!("a change in the record: {e}")))?;
        Ok(Held {
            position: row.int(0)?,
            scope: row.opt_text(1)?,
            change,
        })
    })
    .collect()
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

    fn record(generated: Vec<(u8, u8, u8, Vec<bool>, u32, bool)>) -> Vec<Held> {
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
                Held {
                    position: i as i64 + 1,
                    scope: Some(if elsewhere { "p2" } else { "p1" }.into()),
                    change: Change {
                        device: Id::nil(),
                        device_seq: i as u64 + 1,
                        hlc: format!("{stamp:015}-0000000000-{}", "0".repeat(32)),
                        schema_version: 9,
                        entity,
                        entity_id: format!("row{row}"),
                        op,
                        fields,
                    },
                }
            })
            .collect()
    }

    type State = BTreeMap<(Entity, String), (bool, BTreeMap<String, serde_json::Value>)>;

    /// What a replica holds after merging `changes` in any order: each row's existence
    /// and each column by the latest stamp, every ledger row.
    fn merged<'a>(changes: impl IntoIterator<Item = &'a Held>) -> State {
        let mut parts: BTreeMap<(Entity, String, String), (&str, serde_json::Value)> =
            BTreeMap::new();
        for held in changes {
            let change = &held.change;
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
            for (column, value) in &change.fields {
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
            let removed: BTreeSet<i64> = superseded(&record).into_iter().collect();
            for sees in [None, Some("p1"), Some("p2")] {
                let visible: Vec<&Held> = record
                    .iter()
                    .filter(|h| sees.is_none_or(|p| h.scope.as_deref() == Some(p)))
                    .collect();
                let whole = merged(visible.iter().copied());
                for cursor in 0..=record.len() as i64 {
                    let pulled = visible.iter().copied().filter(|h| {
                        h.position <= cursor || !removed.contains(&h.position)
                    });
                    prop_assert_eq!(&merged(pulled), &whole, "cursor {}", cursor);
                }
            }
            for held in &record {
                if held.change.entity.append_only() {
                    prop_assert!(!removed.contains(&held.position), "the ledger is kept");
                }
            }
        }
    }

    #[test]
    fn a_value_set_three_times_keeps_only_the_last() {
        let generated = (0..3)
            .map(|i| (0, 0, 1, vec![true, false, false], 10 + i, false))
            .collect();
        let record = record(generated);
        assert_eq!(superseded(&record), [1, 2]);
    }
}
