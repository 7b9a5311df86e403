//! The organisation's record: the changes devices push, in the order the hub committed
//! them, and the pages devices pull from it.
//!
//! A push is one transaction: the device's row is locked first (two hub processes taking
//! the same retry cannot both apply it), duplicates are acknowledged without being applied
//! again, and the device's last applied sequence number moves with the changes. Positions
//! are taken from one counter row inside that transaction, so they follow commit order
//! and a puller never skips a change that commits later under a lower number.

use mixwell_domain::{AuditLink, Change};
use mixwell_sync::wire::{DeviceRole, HubErrorCode, Refusal};

use crate::devices::Device;
use crate::error::HubError;
use crate::scope::{self, Known, ScopeRow};
use crate::storage::{Tx, Value};
use crate::{time_text, Hub};

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    pub acked_seq: u64,
    /// The last link of the device's audit trail the hub holds (0: none).
    pub audit_acked: u64,
    pub accepted: u32,
    pub duplicates: u32,
    pub refused: Vec<Refusal>,
}

/// A page of the record for one device: the changes, or their JSON as the hub keeps it.
#[derive(Debug, Clone)]
pub struct Page<C = Change> {
    pub changes: Vec<C>,
    pub cursor: u64,
    /// What held the record at `cursor` ([`mark_at`]).
    pub mark: Option<String>,
    pub more: bool,
    /// The cursor asked from was not in this record (it was restored from a backup, or the
    /// mark does not match): the page starts from the beginning.
    pub refresh: bool,
}

impl Page<String> {
    fn parsed(self) -> Result<Page, HubError> {
        let changes = self
            .changes
            .iter()
            .map(|body| serde_json::from_str(body))
            .collect::<Result<Vec<Change>, _>>()
            .map_err(|e| HubError::corrupt(format!("a change in the record: {e}")))?;
        Ok(Page {
            changes,
            cursor: self.cursor,
            mark: self.mark,
            more: self.more,
            refresh: self.refresh,
        })
    }
}

/// The most changes one pull page carries.
pub const MAX_PAGE: u32 = 10_000;
/// Rows per multi-row `INSERT`: far below either database's parameter limit.
pub(crate) const ROWS_PER_INSERT: usize = 200;

fn seq(value: u64) -> Value {
    Value::Int(i64::try_from(value).unwrap_or(i64::MAX))
}

/// A change as the record keeps it: its JSON.
fn body(change: &Change) -> Result<Value, HubError> {
    serde_json::to_string(change)
        .map(Value::Text)
        .map_err(|e| HubError::corrupt(e.to_string()))
}

fn bad(message: impl Into<String>) -> HubError {
    HubError::refused(HubErrorCode::BadRequest, message)
}

/// Inserts `rows` into `table (columns)` a few hundred at a time, each statement ending
/// with `tail` (a conflict clause).
pub(crate) fn insert_rows(
    tx: &mut dyn Tx,
    table: &str,
    columns: &[&str],
    tail: &str,
    rows: Vec<Vec<Value>>,
) -> Result<(), HubError> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut params = Vec::with_capacity(chunk.len() * columns.len());
        for (i, row) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let marks: Vec<String> = (0..row.len())
                .map(|j| format!("${}", params.len() + j + 1))
                .collect();
            sql.push('(');
            sql.push_str(&marks.join(", "));
            sql.push(')');
            params.extend(row.iter().cloned());
        }
        sql.push(' ');
        sql.push_str(tail);
        tx.execute(&sql, &params)?;
    }
    Ok(())
}

fn load_scopes(tx: &mut dyn Tx, changes: &[Change], device: &Device) -> Result<Known, HubError> {
    let mut known = Known::new();
    loop {
        let wanted = scope::missing(changes, device, &known);
        if wanted.is_empty() {
            return Ok(known);
        }
        for (entity, id) in wanted {
            let rows = tx.query(
                "SELECT programme_id, name_key FROM hub_scope WHERE entity = $1 AND entity_id = $2",
                &[entity.as_str().into(), id.clone().into()],
            )?;
            let row = rows
                .first()
                .map(|r| {
                    Ok::<_, HubError>(ScopeRow {
                        programme_id: r.text(0)?,
                        name_key: r.opt_text(1)?,
                    })
                })
                .transpose()?;
            known.insert((entity, id), row);
        }
    }
}

impl Hub {
    /// Takes a batch of `device`'s changes into the record (see the module's comment), and
    /// the links of its audit trail after those the hub holds (see [`crate::audit`]):
    /// a trail that does not follow on refuses the whole push.
    pub fn push(
        &self,
        device: &Device,
        changes: &[Change],
        audit: &[AuditLink],
    ) -> Result<Pushed, HubError> {
        if let Some(stranger) = changes.iter().find(|c| c.device != device.id) {
            return Err(bad(format!(
                "a push carries only the pushing device's own changes, not {}'s",
                stranger.device
            )));
        }
        if changes
            .windows(2)
            .any(|w| w[1].device_seq != w[0].device_seq + 1)
        {
            return Err(bad("a push carries changes in sequence with no gaps"));
        }
        let now = time_text(self.now());
        self.backend.transaction(|tx| {
            let locked = tx.query(
                "UPDATE hub_device SET last_seen = $2 WHERE id = $1
                 RETURNING acked_seq, revoked_at",
                &[device.id.to_string().into(), now.clone().into()],
            )?;
            let row = locked
                .first()
                .ok_or_else(|| HubError::corrupt("a session of a device that is not enrolled"))?;
            if row.opt_text(1)?.is_some() {
                return Err(HubError::refused(
                    HubErrorCode::DeviceRevoked,
                    "this laptop was revoked at the hub",
                ));
            }
            let acked = u64::try_from(row.int(0)?).unwrap_or(0);
            let audit_acked = crate::audit::take(tx, device.id, audit, &now)?;
            let fresh: Vec<Change> = changes
                .iter()
                .filter(|c| c.device_seq > acked)
                .cloned()
                .collect();
            let duplicates = u32::try_from(changes.len() - fresh.len()).unwrap_or(u32::MAX);
            let Some(first) = fresh.first() else {
                return Ok(Pushed {
                    acked_seq: acked,
                    audit_acked,
                    accepted: 0,
                    duplicates,
                    refused: Vec::new(),
                });
            };
            if first.device_seq != acked + 1 {
                return Err(HubError::Refused {
                    code: HubErrorCode::SequenceGap,
                    message: format!(
                        "the hub holds this laptop's changes up to {acked}; send from {}",
                        acked + 1
                    ),
                    expected_seq: Some(acked + 1),
                });
            }
            let last_seq = fresh.last().map_or(acked, |c| c.device_seq);
            let known = load_scopes(tx, &fresh, device)?;
            let decision = scope::decide(fresh, device, &known);
            let accepted = decision.accepted.len();
            if accepted > 0 {
                let top = tx.query(
                    "UPDATE hub_counter SET position = position + $1 RETURNING position",
                    &[Value::Int(accepted as i64)],
                )?;
                let last = top
                    .first()
                    .ok_or_else(|| HubError::corrupt("no position counter"))?
                    .int(0)?;
                let first_position = last - accepted as i64 + 1;
                let rows = decision
                    .accepted
                    .iter()
                    .enumerate()
                    .map(|(i, (change, scope))| {
                        Ok(vec![
                            Value::Int(first_position + i as i64),
                            device.id.to_string().into(),
                            seq(change.device_seq),
                            scope.clone().into(),
                            body(change)?,
                            now.clone().into(),
                        ])
                    })
                    .collect::<Result<Vec<_>, HubError>>()?;
                insert_rows(
                    tx,
                    "hub_change",
                    &[
                        "position",
                        "device_id",
                        "device_seq",
                        "scope",
                        "body",
                        "received_at",
                    ],
                    "",
                    rows,
                )?;
            }
            crate::verification::record_certificates(tx, &decision.accepted, &now)?;
            let refused_rows = decision
                .refused
                .iter()
                .map(|(change, reason)| {
                    Ok(vec![
                        device.id.to_string().into(),
                        seq(change.device_seq),
                        reason.clone().into(),
                        body(change)?,
                        now.clone().into(),
                    ])
                })
                .collect::<Result<Vec<_>, HubError>>()?;
            insert_rows(
                tx,
                "hub_refused",
                &["device_id", "device_seq", "reason", "body", "received_at"],
                "ON CONFLICT DO NOTHING",
                refused_rows,
            )?;
            let scope_rows = decision
                .scopes
                .iter()
                .map(|((entity, id), row)| {
                    vec![
                        entity.as_str().into(),
                        id.clone().into(),
                        row.programme_id.clone().into(),
                        row.name_key.clone().into(),
                    ]
                })
                .collect();
            insert_rows(
                tx,
                "hub_scope",
                &["entity", "entity_id", "programme_id", "name_key"],
                "ON CONFLICT (entity, entity_id) DO UPDATE SET name_key = excluded.name_key",
                scope_rows,
            )?;
            tx.execute(
                "UPDATE hub_device SET acked_seq = $2 WHERE id = $1",
                &[device.id.to_string().into(), seq(last_seq)],
            )?;
            Ok(Pushed {
                acked_seq: last_seq,
                audit_acked,
                accepted: u32::try_from(accepted).unwrap_or(u32::MAX),
                duplicates,
                refused: decision
                    .refused
                    .into_iter()
                    .map(|(change, reason)| Refusal {
                        device_seq: change.device_seq,
                        reason,
                    })
                    .collect(),
            })
        })
    }

    /// Other devices' changes after `cursor` that `device` may see, at most `limit`. The
    /// device holds everything up to `cursor`, which held `mark` when it was given out: a
    /// USB bundle for it would start there.
    pub fn pull(
        &self,
        device: &Device,
        cursor: u64,
        mark: Option<&str>,
        limit: u32,
    ) -> Result<Page, HubError> {
        self.pull_raw(device, cursor, mark, limit)?.parsed()
    }

    /// [`Hub::pull`] with each change as the JSON the record keeps: what the server
    /// sends on without reading it.
    pub fn pull_raw(
        &self,
        device: &Device,
        cursor: u64,
        mark: Option<&str>,
        limit: u32,
    ) -> Result<Page<String>, HubError> {
        let page = self.pull_from_raw(device, cursor, mark, limit)?;
        if !page.refresh {
            self.note_cursor(device.id, cursor)?;
        }
        Ok(page)
    }

    /// The device says it holds the record up to `cursor` (the mark never moves back).
    pub(crate) fn note_cursor(
        &self,
        device: mixwell_domain::Id,
        cursor: u64,
    ) -> Result<(), HubError> {
        self.backend.transaction(|tx| {
            tx.execute(
                "UPDATE hub_device SET pull_cursor = $2 WHERE id = $1 AND pull_cursor < $2",
                &[device.to_string().into(), seq(cursor)],
            )
        })?;
        Ok(())
    }

    /// [`Hub::pull`] without noting where the device stands.
    pub(crate) fn pull_from(
        &self,
        device: &Device,
        cursor: u64,
        limit: u32,
    ) -> Result<Page, HubError> {
        self.pull_from_raw(device, cursor, None, limit)?.parsed()
    }

    fn pull_from_raw(
        &self,
        device: &Device,
        cursor: u64,
        mark: Option<&str>,
        limit: u32,
    ) -> Result<Page<String>, HubError> {
        let limit = limit.clamp(1, MAX_PAGE);
        self.backend.transaction(|tx| {
            // Every position up to the counter's committed value is committed (positions
            // are taken under the counter row's lock), so nothing below `top` can appear
            // later.
            let top = tx
                .query("SELECT position FROM hub_counter", &[])?
                .first()
                .ok_or_else(|| HubError::corrupt("no position counter"))?
                .int(0)?;
            let top = u64::try_from(top).unwrap_or(0);
            // A device that older Mixwell sent no mark is checked by position alone.
            let refresh = cursor > 0
                && (cursor > top
                    || match (mark_at(tx, cursor)?, mark) {
                        (Some(held), Some(said)) => held != said,
                        (Some(_), None) => false,
                        (None, _) => true,
                    });
            let from = if refresh { 0 } else { cursor };
            let rows = tx.query(
                "SELECT position, body FROM hub_change
                 WHERE position > $1 AND position <= $2 AND device_id <> $3
                   AND ($4 OR scope IS NULL OR scope IN (
                       SELECT s.entity_id FROM hub_scope s
                       JOIN hub_device_programme p ON p.name_key = s.name_key
                       WHERE s.entity = 'programme' AND p.device_id = $3))
                 ORDER BY position
                 LIMIT $5",
                &[
                    seq(from),
                    seq(top),
                    device.id.to_string().into(),
                    (device.role == DeviceRole::Coordinator).into(),
                    Value::Int(i64::from(limit) + 1),
                ],
            )?;
            let more = rows.len() > limit as usize;
            let mut changes = Vec::with_capacity(rows.len().min(limit as usize));
            let mut last = from;
            for row in rows.iter().take(limit as usize) {
                last = u64::try_from(row.int(0)?).unwrap_or(0);
                changes.push(row.text(1)?);
            }
            let cursor = if more { last } else { from.max(top) };
            Ok(Page {
                changes,
                cursor,
                mark: mark_at(tx, cursor)?,
                more,
                refresh,
            })
        })
    }

    /// How many changes the record holds, and how many were refused (for `hub status`).
    pub fn record_counts(&self) -> Result<(u64, u64), HubError> {
        self.backend.transaction(|tx| {
            let count = |tx: &mut dyn Tx, table: &str| -> Result<u64, HubError> {
                let rows = tx.query(&format!("SELECT count(*) FROM {table}"), &[])?;
                Ok(u64::try_from(rows.first().map_or(Ok(0), |r| r.int(0))?).unwrap_or(0))
            };
            Ok((count(tx, "hub_change")?, count(tx, "hub_refused")?))
        })
    }
}

/// What held the record at `position`: the device and sequence number of the change put
/// there, whether still in the record or compacted out. `None` for 0 and for a position
/// this record never gave out.
pub(crate) fn mark_at(tx: &mut dyn Tx, position: u64) -> Result<Option<String>, HubError> {
    if position == 0 {
        return Ok(None);
    }
    let rows = tx.query(
        "SELECT device_id, device_seq FROM hub_change WHERE position = $1
         UNION ALL
         SELECT device_id, device_seq FROM hub_compacted WHERE position = $1",
        &[seq(position)],
    )?;
    rows.first()
        .map(|row| Ok(format!("{}:{}", row.text(0)?, row.int(1)?)))
        .transpose()
}
