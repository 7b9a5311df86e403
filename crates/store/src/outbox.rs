//! The outbox: every change this device makes to a synced table, written in the same
//! transaction, numbered without gaps, for the hub to take in order.

use mixwell_domain::{AuditAction, Change, ChangeOp, Entity, Fields, Hlc, HlcClock, Id};
use rusqlite::{params, Connection, Savepoint};

use crate::clock::Clock;
use crate::error::{StoreError, StoreResult};
use crate::replica::Schema;
use crate::Store;

/// A write (a savepoint inside an action's transaction) that records what it changes.
pub struct Writer<'a> {
    tx: Savepoint<'a>,
    schema: &'a Schema,
    /// The sequence number the next change of this device takes.
    next_seq: i64,
    clock: HlcClock,
    wall: &'a dyn Clock,
    /// Named on the audit link of each change.
    actor: Option<Id>,
    /// The audit trail's last link, read once per write.
    audit_tip: crate::audit::Tip,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(
        tx: Savepoint<'a>,
        schema: &'a Schema,
        clock: HlcClock,
        wall: &'a dyn Clock,
        actor: Option<Id>,
    ) -> StoreResult<Self> {
        // Inside the action's transaction: a change rolled back gives its number back, so
        // the numbers that ship have no gaps.
        let next_seq = tx.query_row(
            "SELECT coalesce(max(device_seq), 0) + 1 FROM outbox",
            [],
            |r| r.get(0),
        )?;
        let audit_tip = crate::audit::tip(&tx)?;
        Ok(Self {
            tx,
            schema,
            next_seq,
            clock,
            wall,
            actor,
            audit_tip,
        })
    }

    pub fn tx(&self) -> &Connection {
        &self.tx
    }

    pub(crate) fn schema(&self) -> &'a Schema {
        self.schema
    }

    pub(crate) fn device(&self) -> Id {
        self.clock.last().device
    }

    /// The next stamp of this device's clock, for a row that keeps the stamp it was
    /// recorded with (the hour ledger) and the change that carries it.
    pub(crate) fn stamp(&mut self) -> Hlc {
        self.clock.tick(self.wall.now_ms())
    }

    /// The next stamp, after `floor` too (see [`HlcClock::tick_after`]).
    pub(crate) fn stamp_after(&mut self, floor: Option<Hlc>) -> Hlc {
        match floor {
            Some(floor) => self.clock.tick_after(floor, self.wall.now_ms()),
            None => self.stamp(),
        }
    }

    /// Moves this device's clock past a stamp received from another; true when the stamp
    /// was too far ahead to follow (see [`HlcClock::observe`]).
    pub(crate) fn observe(&mut self, remote: Hlc) -> bool {
        self.clock.observe(remote, self.wall.now_ms()).clamped
    }

    pub(crate) fn append(
        &mut self,
        stamp: Hlc,
        entity: Entity,
        entity_id: &str,
        op: ChangeOp,
        fields: &Fields,
    ) -> StoreResult<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO outbox (device_seq, hlc, schema_version, entity, entity_id, op, fields)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                self.next_seq,
                stamp.to_sortable_string(),
                crate::db::SCHEMA_VERSION,
                entity.as_str(),
                entity_id,
                op.as_str(),
                serde_json::to_string(fields)?,
            ])?;
        self.next_seq += 1;
        let action = match op {
            ChangeOp::Insert => AuditAction::Insert,
            ChangeOp::Update => AuditAction::Update,
            ChangeOp::Delete => AuditAction::Delete,
        };
        let device = self.device();
        crate::audit::append(
            &self.tx,
            &mut self.audit_tip,
            device,
            self.wall.now_ms(),
            self.actor,
            action,
            entity.as_str(),
            entity_id,
        )
    }

    pub(crate) fn commit(self) -> StoreResult<()> {
        let last = self.clock.last();
        self.tx.execute(
            "UPDATE device SET hlc_wall = ?1, hlc_counter = ?2",
            params![
                i64::try_from(last.wall_ms).unwrap_or(i64::MAX),
                i64::from(last.counter)
            ],
        )?;
        self.tx.commit()?;
        Ok(())
    }
}

impl Store {
    /// This device's changes the hub has not acknowledged, in sequence.
    pub fn pending_changes(&self) -> StoreResult<Vec<Change>> {
        self.changes_after(self.acknowledged_seq()?)
    }

    /// This device's changes after sequence number `seq`, in sequence.
    pub fn changes_after(&self, seq: u64) -> StoreResult<Vec<Change>> {
        self.changes_page(seq, u32::MAX)
    }

    /// At most `limit` of this device's changes after sequence number `seq`, in sequence.
    pub fn changes_page(&self, seq: u64, limit: u32) -> StoreResult<Vec<Change>> {
        let device = self.device_id();
        let mut statement = self.conn().prepare_cached(
            "SELECT device_seq, hlc, schema_version, entity, entity_id, op, fields
             FROM outbox WHERE device_seq > ?1 ORDER BY device_seq LIMIT ?2",
        )?;
        let seq = i64::try_from(seq).unwrap_or(i64::MAX);
        let rows = statement.query_map(params![seq, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        rows.map(|row| {
            let (seq, hlc, schema_version, entity, entity_id, op, fields) = row?;
            let corrupt = |detail: String| StoreError::Corrupt {
                what: "outbox change",
                detail,
            };
            Ok(Change {
                device,
                device_seq: u64::try_from(seq).unwrap_or(0),
                hlc,
                schema_version,
                entity: Entity::parse(&entity)
                    .ok_or_else(|| corrupt(format!("{entity:?} is not a synced table")))?,
                entity_id,
                op: ChangeOp::parse(&op)
                    .ok_or_else(|| corrupt(format!("{op:?} is not a change")))?,
                fields: serde_json::from_str(&fields)?,
            })
        })
        .collect()
    }

    pub fn pending_change_count(&self) -> StoreResult<u32> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM outbox WHERE device_seq > (SELECT acked_seq FROM sync_state)",
            [],
            |r| r.get(0),
        )?)
    }

    /// The last of this device's changes the hub has acknowledged (0: none).
    pub fn acknowledged_seq(&self) -> StoreResult<u64> {
        let seq: i64 = self
            .conn()
            .query_row("SELECT acked_seq FROM sync_state", [], |r| r.get(0))?;
        Ok(u64::try_from(seq).unwrap_or(0))
    }

    /// The hub holds this device's changes up to `seq`. The position only moves forward.
    pub fn acknowledge(&mut self, seq: u64) -> StoreResult<()> {
        self.atomically(|store| {
            store.conn().execute(
                "UPDATE sync_state SET acked_seq = max(acked_seq, ?1)",
                [i64::try_from(seq).unwrap_or(i64::MAX)],
            )?;
            Ok(())
        })
    }
}
