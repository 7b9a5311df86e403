//! The laptop's link to its organisation's hub and the record of its sync rounds.
//!
//! The store keeps what a round needs to resume after a crash (the device key, how far the
//! hub has acknowledged, how far this laptop has pulled) and what staff are shown (when it
//! last synced, what is waiting, what went wrong, what the hub refused). The rounds
//! themselves belong to the sync crate.

use chrono::{DateTime, Utc};
use mixwell_domain::{Change, Entity, ErrorCode, Id, Organisation};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::error::{StoreError, StoreResult};
use crate::{Applied, Store};

/// What enrolment with a hub settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncLink {
    pub hub_url: String,
    /// The device's private key, base64.
    pub device_key: String,
    /// The hub's organisation: this laptop's organisation from enrolment on.
    pub organisation: Organisation,
    /// `field_staff` or `coordinator`.
    pub role: String,
    pub programmes: Vec<String>,
    pub label: String,
    pub enrolled_at: DateTime<Utc>,
    /// The hub's Ed25519 public key, base64.
    pub hub_key: String,
    /// The age public key bundles for the hub are encrypted to.
    pub hub_recipient: String,
    /// The age secret key bundles for this laptop are encrypted to.
    pub bundle_identity: String,
    /// A certificate (PEM) to trust for the hub, beyond the system's.
    pub hub_ca: Option<String>,
}

/// Where this laptop stands in the organisation's record: the hub position it holds every
/// other device's changes up to, and the hub's mark for what held that position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullPosition {
    pub cursor: u64,
    pub mark: Option<String>,
}

/// Sync as staff see it, and as `mixwell sync status` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncStatus {
    pub device: Id,
    /// This laptop's changes the hub has not acknowledged yet.
    pub pending: u32,
    pub last_synced: Option<DateTime<Utc>>,
    /// The hub's address, once enrolled.
    pub hub: Option<String>,
    pub organisation: Option<String>,
    /// The last round that did not finish, in plain words (none once one succeeds).
    pub problem: Option<String>,
    /// Its code: `hub_unreachable` is the normal state of a laptop in the field.
    pub problem_code: Option<ErrorCode>,
    pub last_attempt: Option<DateTime<Utc>>,
    /// How many seconds this laptop's clock was ahead of the hub's (negative: behind) at
    /// the last round.
    pub clock_offset_seconds: Option<i32>,
    /// Changes of this laptop the hub kept out of the organisation's record.
    pub refused: u32,
    /// Changes the last round took that were stamped more than a day ahead of this
    /// laptop's clock: merged, but some laptop's clock is wrong.
    pub clamped: u32,
}

/// A change of this laptop the hub refused, for staff to see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RefusedChange {
    pub device_seq: u32,
    pub entity: String,
    pub entity_id: String,
    pub reason: String,
    pub refused_at: DateTime<Utc>,
}

fn sql_seq(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

fn parse_time(text: Option<String>) -> StoreResult<Option<DateTime<Utc>>> {
    text.map(|t| {
        DateTime::parse_from_rfc3339(&t)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|e| StoreError::Corrupt {
                what: "sync time",
                detail: e.to_string(),
            })
    })
    .transpose()
}

fn time_text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Store {
    pub fn sync_link(&self) -> StoreResult<Option<SyncLink>> {
        let row = self
            .conn()
            .query_row(
                "SELECT hub_url, device_key, organisation_id, organisation_name, role,
                        programmes, label, enrolled_at, hub_key, hub_recipient, bundle_identity,
                        hub_ca
                 FROM sync_link",
                [],
                |r| {
                    let text = (0..11)
                        .map(|i| r.get::<_, String>(i))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok((text, r.get::<_, Option<String>>(11)?))
                },
            )
            .optional()?;
        let Some((columns, hub_ca)) = row else {
            return Ok(None);
        };
        let [hub_url, device_key, org_id, org_name, role, programmes, label, at, hub_key, hub_recipient, bundle_identity] =
            <[String; 11]>::try_from(columns).expect("eleven columns were asked for");
        let corrupt = |detail: String| StoreError::Corrupt {
            what: "sync link",
            detail,
        };
        Ok(Some(SyncLink {
            hub_url,
            device_key,
            organisation: Organisation {
                id: org_id.parse().map_err(|e| corrupt(format!("{e}")))?,
                name: org_name,
            },
            role,
            programmes: serde_json::from_str(&programmes)?,
            label,
            enrolled_at: parse_time(Some(at))?.ok_or_else(|| corrupt("no time".into()))?,
            hub_key,
            hub_recipient,
            bundle_identity,
            hub_ca,
        }))
    }

    /// Links this laptop to a hub. The laptop's organisation takes the hub's name (a change
    /// that syncs like any other), so what this laptop holds joins the organisation's record
    /// with its first push. Linking again to the same organisation replaces the link.
    pub fn link_to_hub(&mut self, link: &SyncLink) -> StoreResult<()> {
        self.atomically(|store| {
            if let Some(existing) = store.sync_link()? {
                // Enrolled again with the same organisation (a revoked laptop let back in):
                // the new key and grant replace the old; where sync stands is kept.
                if existing.organisation.id != link.organisation.id {
                    return Err(StoreError::AlreadyEnrolled {
                        hub: existing.hub_url,
                    });
                }
                store.conn().execute("DELETE FROM sync_link", [])?;
                store.conn().execute(
                    "UPDATE sync_state SET last_problem = NULL, last_problem_code = NULL",
                    [],
                )?;
            }
            store.conn().execute(
                "INSERT INTO sync_link (singleton, hub_url, device_key, organisation_id,
                     organisation_name, role, programmes, label, enrolled_at, hub_key,
                     hub_recipient, bundle_identity, hub_ca)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    link.hub_url,
                    link.device_key,
                    link.organisation.id.to_string(),
                    link.organisation.name,
                    link.role,
                    serde_json::to_string(&link.programmes)?,
                    link.label,
                    time_text(link.enrolled_at),
                    link.hub_key,
                    link.hub_recipient,
                    link.bundle_identity,
                    link.hub_ca,
                ],
            )?;
            let organisation = store.ensure_organisation(&link.organisation.name)?;
            if organisation.name != link.organisation.name {
                store.write(|w| {
                    w.tx().execute(
                        "UPDATE organisation SET name = ?2 WHERE id = ?1",
                        params![organisation.id.to_string(), link.organisation.name],
                    )?;
                    w.record(Entity::Organisation, organisation.id)
                })?;
            }
            Ok(())
        })
    }

    pub fn sync_status(&self) -> StoreResult<SyncStatus> {
        let link = self.sync_link()?;
        let (last_synced, last_attempt, problem, problem_code, clock_offset_ms, clamped) =
            self.conn().query_row(
                "SELECT last_synced, last_attempt, last_problem, last_problem_code,
                        clock_offset_ms, last_clamped
                 FROM sync_state",
                [],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                        r.get::<_, u32>(5)?,
                    ))
                },
            )?;
        let clock_offset_seconds = clock_offset_ms
            .map(|ms| i32::try_from(ms / 1000).unwrap_or(if ms < 0 { i32::MIN } else { i32::MAX }));
        let refused = self
            .conn()
            .query_row("SELECT count(*) FROM refused_change", [], |r| r.get(0))?;
        Ok(SyncStatus {
            device: self.device_id(),
            pending: self.pending_change_count()?,
            last_synced: parse_time(last_synced)?,
            hub: link.as_ref().map(|l| l.hub_url.clone()),
            organisation: link.map(|l| l.organisation.name),
            problem,
            problem_code: problem_code
                .and_then(|code| ErrorCode::ALL.into_iter().find(|c| c.as_str() == code)),
            last_attempt: parse_time(last_attempt)?,
            clock_offset_seconds,
            refused,
            clamped,
        })
    }

    /// The hub acknowledged this laptop's changes up to `acked_seq`, keeping out `refused`
    /// (sequence number and reason). One transaction: a crash leaves both or neither.
    pub fn record_push(&mut self, acked_seq: u64, refused: &[(u64, String)]) -> StoreResult<()> {
        let at = self.now();
        self.atomically(|store| {
            for (seq, reason) in refused {
                store.conn().execute(
                    "INSERT INTO refused_change (device_seq, reason, refused_at)
                     SELECT device_seq, ?2, ?3 FROM outbox WHERE device_seq = ?1
                     ON CONFLICT DO NOTHING",
                    params![sql_seq(*seq), reason, time_text(at)],
                )?;
            }
            store.acknowledge(acked_seq)
        })
    }

    /// The hub position up to which this laptop holds the other devices' changes.
    pub fn pull_cursor(&self) -> StoreResult<u64> {
        Ok(self.pull_position()?.cursor)
    }

    /// The pull cursor with the hub's mark for it.
    pub fn pull_position(&self) -> StoreResult<PullPosition> {
        let (cursor, mark): (i64, Option<String>) =
            self.conn()
                .query_row("SELECT pull_cursor, pull_mark FROM sync_state", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
        Ok(PullPosition {
            cursor: u64::try_from(cursor).unwrap_or(0),
            mark,
        })
    }

    /// Merges a page of changes pulled from the hub and moves the cursor to `to`, in one
    /// transaction. The cursor never moves back, except where the hub says it rewrote its
    /// record (`restarted`: restored from a backup) and sends it again from the start:
    /// changes this laptop already holds are then recognised and not applied twice.
    pub fn apply_pulled(
        &mut self,
        changes: &[Change],
        to: &PullPosition,
        restarted: bool,
    ) -> StoreResult<Applied> {
        self.atomically(|store| {
            let applied = store.apply_changes(changes)?;
            store.conn().execute(
                "UPDATE sync_state SET pull_cursor = ?1, pull_mark = ?2
                 WHERE ?3 OR pull_cursor <= ?1",
                params![sql_seq(to.cursor), to.mark, restarted],
            )?;
            Ok(applied)
        })
    }

    /// A round finished now; the laptop's clock was `clock_offset_ms` off the hub's (`None`:
    /// not measured, as with a USB bundle, and the last measure stands), and `clamped` of
    /// the changes it took were stamped more than a day ahead of this laptop's clock.
    pub fn record_sync(&mut self, clock_offset_ms: Option<i64>, clamped: u32) -> StoreResult<()> {
        let at = self.now();
        self.atomically(|store| {
            store.conn().execute(
                "UPDATE sync_state SET last_synced = ?1, last_attempt = ?1, last_problem = NULL,
                        last_problem_code = NULL,
                        clock_offset_ms = coalesce(?2, clock_offset_ms), last_clamped = ?3",
                params![time_text(at), clock_offset_ms, clamped],
            )?;
            Ok(())
        })
    }

    /// A round did not finish, for the reason given in plain words and its code.
    pub fn record_sync_problem(&mut self, code: ErrorCode, problem: &str) -> StoreResult<()> {
        let at = self.now();
        self.atomically(|store| {
            store.conn().execute(
                "UPDATE sync_state SET last_attempt = ?1, last_problem = ?2, last_problem_code = ?3",
                params![time_text(at), problem, code.as_str()],
            )?;
            Ok(())
        })
    }

    pub fn refused_changes(&self) -> StoreResult<Vec<RefusedChange>> {
        let mut statement = self.conn().prepare(
            "SELECT r.device_seq, o.entity, o.entity_id, r.reason, r.refused_at
             FROM refused_change r JOIN outbox o ON o.device_seq = r.device_seq
             ORDER BY r.device_seq",
        )?;
        let rows = statement.query_map([], |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        rows.map(|row| {
            let (device_seq, entity, entity_id, reason, at) = row?;
            Ok(RefusedChange {
                device_seq,
                entity,
                entity_id,
                reason,
                refused_at: parse_time(Some(at))?.unwrap_or_default(),
            })
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_keeps_its_clock_measure_and_clamped_count_until_the_next_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(
            &dir.path().join("mixwell.sqlite"),
            &crate::DatabaseKey::from_bytes([7; 32]),
        )
        .unwrap();
        store.record_sync(Some(-600_000), 2).unwrap();
        let status = store.sync_status().unwrap();
        assert_eq!(
            (status.clock_offset_seconds, status.clamped),
            (Some(-600), 2)
        );
        assert!(status.last_synced.is_some() && status.problem.is_none());

        store
            .record_sync_problem(ErrorCode::HubUnreachable, "the hub could not be reached")
            .unwrap();
        let status = store.sync_status().unwrap();
        assert_eq!(status.problem_code, Some(ErrorCode::HubUnreachable));
        assert_eq!(status.clamped, 2, "a failed round changes neither measure");

        // A USB bundle measures no clock: the last measure stands.
        store.record_sync(None, 0).unwrap();
        let status = store.sync_status().unwrap();
        assert_eq!(
            (status.clock_offset_seconds, status.clamped),
            (Some(-600), 0)
        );
        assert!(status.problem.is_none());
    }
}
