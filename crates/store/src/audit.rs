//! This device's audit trail: a link for every change the outbox records (written by the
//! outbox's writer, in the same transaction) and for every read or export of sensitive
//! data ([`Store::note`]). See `mixwell_domain::audit` for the chain.

use mixwell_domain::audit::{check_chain, BrokenLink};
use mixwell_domain::{AuditAction, AuditLink, Id};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{StoreError, StoreResult};
use crate::Store;

/// The chain's last link (hash and number), or `None` before the first.
pub(crate) type Tip = Option<(String, u64)>;

pub(crate) fn tip(conn: &Connection) -> StoreResult<Tip> {
    let last: Option<(String, i64)> = conn
        .prepare_cached("SELECT hash, seq FROM audit_link ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(last.map(|(hash, seq)| (hash, u64::try_from(seq).unwrap_or(0))))
}

/// Appends the link after `tip` (the chain's last, as [`tip`] read it inside the same
/// transaction) and moves `tip` on to it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn append(
    conn: &Connection,
    tip: &mut Tip,
    device: Id,
    at_ms: u64,
    actor: Option<Id>,
    action: AuditAction,
    entity: &str,
    entity_id: &str,
) -> StoreResult<()> {
    let prev = tip.as_ref().map(|(hash, seq)| (hash.as_str(), *seq));
    let link = AuditLink::after(prev, device, at_ms, actor, action, entity, entity_id);
    conn.prepare_cached(
        "INSERT INTO audit_link (seq, at_ms, actor, action, entity, entity_id, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        i64::try_from(link.seq).unwrap_or(i64::MAX),
        i64::try_from(link.at_ms).unwrap_or(i64::MAX),
        link.actor.map(|a| a.to_string()),
        link.action.as_str(),
        link.entity,
        link.entity_id,
        link.prev_hash,
        link.hash,
    ])?;
    *tip = Some((link.hash, link.seq));
    Ok(())
}

/// What `mixwell audit verify` reports of this device's trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditVerdict {
    /// The links that fit: all of them, or those before the first broken one.
    pub links: u64,
    /// The first link that does not fit, if any.
    pub broken: Option<BrokenLink>,
}

impl Store {
    /// Notes a read or an export of sensitive data about `entity_id` (a wave, a
    /// participant, a certificate): ids only. Inside an action it joins the action's
    /// transaction; otherwise it is a short transaction of its own. Takes `&self` so that
    /// the reads it accompanies stay reads.
    pub fn note(&self, action: AuditAction, entity: &str, entity_id: &str) -> StoreResult<()> {
        let conn = self.conn();
        let append = || {
            append(
                conn,
                &mut tip(conn)?,
                self.device_id(),
                self.now_ms(),
                self.actor(),
                action,
                entity,
                entity_id,
            )
        };
        if !conn.is_autocommit() {
            return append();
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        match append() {
            Ok(()) => Ok(conn.execute_batch("COMMIT")?),
            Err(error) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(error)
            }
        }
    }

    /// At most `limit` links after `seq`, in order.
    pub fn audit_page(&self, seq: u64, limit: u32) -> StoreResult<Vec<AuditLink>> {
        self.audit_links(
            "WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            params![i64::try_from(seq).unwrap_or(i64::MAX), limit],
        )
    }

    /// The links about one row (a participant's changes and exports), in order.
    pub fn audit_about(&self, entity_id: &str) -> StoreResult<Vec<AuditLink>> {
        self.audit_links("WHERE entity_id = ?1 ORDER BY seq", params![entity_id])
    }

    /// This device's links that `tail` (a `WHERE … ORDER BY …` clause) picks.
    fn audit_links(
        &self,
        tail: &str,
        parameters: impl rusqlite::Params,
    ) -> StoreResult<Vec<AuditLink>> {
        let device = self.device_id();
        let mut statement = self.conn().prepare_cached(&format!(
            "SELECT seq, at_ms, actor, action, entity, entity_id, prev_hash, hash
             FROM audit_link {tail}"
        ))?;
        let rows = statement.query_map(parameters, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        let corrupt = |detail: String| StoreError::Corrupt {
            what: "audit link",
            detail,
        };
        rows.map(|row| {
            let (seq, at_ms, actor, action, entity, entity_id, prev_hash, hash) = row?;
            Ok(AuditLink {
                device,
                seq: u64::try_from(seq).map_err(|_| corrupt(format!("number {seq}")))?,
                at_ms: u64::try_from(at_ms).unwrap_or(0),
                actor: actor.as_deref().map(crate::db::parse_id).transpose()?,
                action: AuditAction::parse(&action)
                    .ok_or_else(|| corrupt(format!("action {action:?}")))?,
                entity,
                entity_id,
                prev_hash,
                hash,
            })
        })
        .collect()
    }

    /// Checks this device's whole trail, page by page, and names the first link that
    /// does not fit.
    pub fn verify_audit(&self) -> StoreResult<AuditVerdict> {
        const PAGE: u32 = 10_000;
        let device = self.device_id();
        let mut prev: Option<(String, u64)> = None;
        let mut links = 0;
        loop {
            let after = prev.as_ref().map_or(0, |(_, seq)| *seq);
            let page = self.audit_page(after, PAGE)?;
            let Some(last) = page.last() else {
                return Ok(AuditVerdict {
                    links,
                    broken: None,
                });
            };
            let from = prev.as_ref().map(|(hash, seq)| (hash.as_str(), *seq));
            if let Err(broken) = check_chain(device, from, &page) {
                return Ok(AuditVerdict {
                    links: broken.seq - 1,
                    broken: Some(broken),
                });
            }
            links += page.len() as u64;
            prev = Some((last.hash.clone(), last.seq));
        }
    }

    /// How many links the trail holds.
    pub fn audit_len(&self) -> StoreResult<u64> {
        let seq: i64 =
            self.conn()
                .query_row("SELECT coalesce(max(seq), 0) FROM audit_link", [], |r| {
                    r.get(0)
                })?;
        Ok(u64::try_from(seq).unwrap_or(0))
    }

    /// How far the hub holds this device's trail.
    pub fn audit_acked(&self) -> StoreResult<u64> {
        let seq: i64 = self
            .conn()
            .query_row("SELECT audit_acked FROM sync_state", [], |r| r.get(0))?;
        Ok(u64::try_from(seq).unwrap_or(0))
    }

    /// The hub holds the trail up to `seq`; only ever moves forward.
    pub fn acknowledge_audit(&mut self, seq: u64) -> StoreResult<()> {
        self.atomically(|store| {
            store.conn().execute(
                "UPDATE sync_state SET audit_acked = max(audit_acked, ?1)",
                [i64::try_from(seq).unwrap_or(i64::MAX)],
            )?;
            Ok(())
        })
    }
}
