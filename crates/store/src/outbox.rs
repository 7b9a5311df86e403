//! The outbox: every change to a synced table, written in the same transaction.

use mixwell_domain::{Hlc, HlcClock, Id};
use rusqlite::{params, Connection, Savepoint};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::error::StoreResult;
use crate::Store;

/// A write (a savepoint inside an action's transaction) that records what it changes.
pub struct Writer<'a> {
    tx: Savepoint<'a>,
    /// The sequence number the next change of this device takes.
    next_seq: i64,
    clock: HlcClock,
    wall: &'a dyn Clock,
}

/// What a change in the outbox is about: one per synced table, so a change can only name
/// a table that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Organisation,
    Programme,
    Wave,
    Participant,
    Relationship,
    StaffMember,
    TeamSet,
    ProgrammeRole,
    ProgrammeSession,
    ProgrammeMilestone,
    Rota,
    RotaTurn,
    RotaAbsence,
    VolunteeringOrganisation,
    VolunteeringPlacement,
    HourEntry,
    HourVerification,
}

impl Entity {
    /// The name it is stored and shipped under (the table's).
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Organisation => "organisation",
            Entity::Programme => "programme",
            Entity::Wave => "wave",
            Entity::Participant => "participant",
            Entity::Relationship => "relationship",
            Entity::StaffMember => "staff_member",
            Entity::TeamSet => "team_set",
            Entity::ProgrammeRole => "programme_role",
            Entity::ProgrammeSession => "programme_session",
            Entity::ProgrammeMilestone => "programme_milestone",
            Entity::Rota => "rota",
            Entity::RotaTurn => "rota_turn",
            Entity::RotaAbsence => "rota_absence",
            Entity::VolunteeringOrganisation => "volunteering_organisation",
            Entity::VolunteeringPlacement => "volunteering_placement",
            Entity::HourEntry => "hour_entry",
            Entity::HourVerification => "hour_verification",
        }
    }
}

/// Whether a change writes a row or removes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Upsert,
    Delete,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(
        tx: Savepoint<'a>,
        clock: HlcClock,
        wall: &'a dyn Clock,
    ) -> StoreResult<Self> {
        // Inside the action's transaction: a change rolled back gives its number back, so
        // the numbers that ship have no gaps.
        let next_seq = tx.query_row(
            "SELECT coalesce(max(device_seq), 0) + 1 FROM outbox WHERE device_id = ?1",
            [clock.last().device.to_string()],
            |r| r.get(0),
        )?;
        Ok(Self {
            tx,
            next_seq,
            clock,
            wall,
        })
    }

    pub fn tx(&self) -> &Connection {
        &self.tx
    }

    /// Appends the change that writes a row; `payload` is the row's new state.
    pub fn upsert<T: Serialize>(
        &mut self,
        entity: Entity,
        entity_id: Id,
        payload: &T,
    ) -> StoreResult<()> {
        let stamp = self.stamp();
        self.record_stamped(stamp, entity, entity_id, Op::Upsert, payload)
    }

    /// Appends the change that removes a row: one shape for every table, the id alone.
    pub fn tombstone(&mut self, entity: Entity, entity_id: Id) -> StoreResult<()> {
        let stamp = self.stamp();
        let payload = serde_json::json!({ "id": entity_id });
        self.record_stamped(stamp, entity, entity_id, Op::Delete, &payload)
    }

    /// The next stamp of this device's clock, for a row that keeps the stamp it was
    /// recorded with (the hour ledger) and the mutation that carries it.
    pub(crate) fn stamp(&mut self) -> Hlc {
        self.clock.tick(self.wall.now_ms())
    }

    /// Appends the change that writes a row, under `stamp`, which [`Writer::stamp`] gave.
    pub(crate) fn upsert_stamped<T: Serialize>(
        &mut self,
        stamp: Hlc,
        entity: Entity,
        entity_id: Id,
        payload: &T,
    ) -> StoreResult<()> {
        self.record_stamped(stamp, entity, entity_id, Op::Upsert, payload)
    }

    fn record_stamped<T: Serialize>(
        &mut self,
        stamp: Hlc,
        entity: Entity,
        entity_id: Id,
        op: Op,
        payload: &T,
    ) -> StoreResult<()> {
        let mut statement = self.tx.prepare_cached(
            "INSERT INTO outbox (id, hlc, device_id, entity, entity_id, op, payload, device_seq,
                 schema_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        statement.execute(params![
            Id::now_v7().to_string(),
            stamp.to_sortable_string(),
            stamp.device.to_string(),
            entity.as_str(),
            entity_id.to_string(),
            match op {
                Op::Upsert => "upsert",
                Op::Delete => "delete",
            },
            serde_json::to_string(payload)?,
            self.next_seq,
            crate::db::SCHEMA_VERSION,
        ])?;
        self.next_seq += 1;
        Ok(())
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

/// One pending change, as the sync will ship it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// This device's gap-free sequence number of the change, from 1.
    pub device_seq: u64,
    /// The schema version the change was written under.
    pub schema_version: u32,
    pub hlc: String,
    pub entity: String,
    pub entity_id: String,
    pub op: String,
    pub payload: String,
}

impl Store {
    /// Changes not yet shipped to the hub, in HLC order.
    pub fn pending_changes(&self) -> StoreResult<Vec<OutboxEntry>> {
        let mut statement = self.conn().prepare(
            "SELECT device_seq, schema_version, hlc, entity, entity_id, op, payload
             FROM outbox WHERE shipped = 0 ORDER BY hlc",
        )?;
        let rows = statement.query_map([], |r| {
            Ok(OutboxEntry {
                device_seq: u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                schema_version: r.get(1)?,
                hlc: r.get(2)?,
                entity: r.get(3)?,
                entity_id: r.get(4)?,
                op: r.get(5)?,
                payload: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn pending_change_count(&self) -> StoreResult<u32> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM outbox WHERE shipped = 0", [], |r| {
                r.get(0)
            })?)
    }
}
