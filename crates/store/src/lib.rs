//! The laptop database.
//!
//! [`Store::open`] is the one place a database file is opened: encrypted at rest with
//! SQLCipher under a [`DatabaseKey`], converting a plain database from before encryption. Every change to a synced table goes through [`Store::write`], which
//! appends the change to the outbox in the same transaction, stamped with the device's
//! hybrid logical clock.

mod audit;
mod certificates;
mod clock;
mod db;
mod demo;
mod encrypt;
mod error;
mod hours;
mod hours_report;
mod import;
mod key;
mod milestones;
mod outbox;
mod participants;
mod programmes;
mod replica;
mod rota;
mod rota_setup;
mod staff;
mod sync_link;
mod team_sets;

pub use audit::AuditVerdict;
pub use certificates::{CertificateRevocation, IssuedCertificate, NewCertificate};
pub use clock::{Clock, SystemClock};
pub use db::{default_database_path, SCHEMA_VERSION};
pub use demo::{DEMO_HOURS_PROGRAMME, DEMO_HOURS_WAVE, DEMO_PROGRAMME, DEMO_WAVE};
pub use error::{StoreError, StoreResult};
pub use hours::{
    EntryHistory, HoursTimeline, NewHours, ParticipantHours, PendingHours, ProgrammeMilestone,
    Supervision, VolunteerPlacement, VolunteeringOrganisation,
};
pub use hours_report::{Cell, HoursReportKind, Table};
pub use import::{ImportPreview, ImportSummary, RowChange, RowStatus, UpdatedParticipant};
pub use key::{DatabaseFile, DatabaseKey};
pub use participants::ParticipantUpdate;
pub use programmes::{NewWave, WaveSummary, WaveUpdate};
pub use replica::Applied;
pub use rota::{Absence, RotaBasis, Turn};
pub use rota_setup::{ProgrammeRole, ProgrammeSession};
pub use sync_link::{PullPosition, RefusedChange, SyncLink, SyncStatus};
pub use team_sets::{Placement, TeamSet};

use mixwell_domain::{HlcClock, Id};
use rusqlite::Connection;

pub struct Store {
    conn: Connection,
    schema: replica::Schema,
    clock: Box<dyn Clock>,
    device: Id,
    /// An action's transaction is open (see [`Store::atomically`]).
    in_action: bool,
    /// The staff account signed in, named on every audit link.
    actor: Option<Id>,
}

impl Store {
    /// Opens (creating if needed) the database at `path`, encrypted under `key`, and
    /// migrates it forward after a backup. A plain database (from before encryption at
    /// rest) is encrypted first. Refuses a key that does not fit ([`StoreError::WrongKey`])
    /// and a database written by a newer version of Mixwell, changing nothing.
    pub fn open(path: &std::path::Path, key: &DatabaseKey) -> StoreResult<Store> {
        Self::open_with_clock(path, key, Box::new(SystemClock))
    }

    pub fn open_with_clock(
        path: &std::path::Path,
        key: &DatabaseKey,
        clock: Box<dyn Clock>,
    ) -> StoreResult<Store> {
        let conn = db::open(path, key, clock.as_ref())?;
        let device = db::device_id(&conn)?;
        let schema = replica::Schema::read(&conn)?;
        let mut store = Store {
            conn,
            schema,
            clock,
            device,
            in_action: false,
            actor: None,
        };
        store.seed_replica()?;
        store.add_missing_rota_setup()?;
        store.add_missing_milestones()?;
        Ok(store)
    }

    pub fn device_id(&self) -> Id {
        self.device
    }

    /// Runs `action` as one `BEGIN IMMEDIATE` transaction: its reads, its checks and its
    /// writes (with whatever they cause, such as a re-plan) are committed together, or
    /// nothing of them is kept. The write lock is taken first, so nothing another process
    /// writes can slip between a check and the write it allows. Inside an action, a nested
    /// call joins the action that is already open.
    pub fn atomically<R, E: From<StoreError>>(
        &mut self,
        action: impl FnOnce(&mut Store) -> Result<R, E>,
    ) -> Result<R, E> {
        if self.in_action {
            return action(self);
        }
        if !self.conn.is_autocommit() {
            // Left open by an action that panicked: what it did is not kept.
            self.conn
                .execute_batch("ROLLBACK")
                .map_err(StoreError::from)?;
        }
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(StoreError::from)?;
        self.in_action = true;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| action(self)));
        self.in_action = false;
        let result = match outcome {
            Ok(result) => result,
            Err(panic) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                std::panic::resume_unwind(panic);
            }
        };
        let finished = match &result {
            Ok(_) => self.conn.execute_batch("COMMIT"),
            Err(_) => self.conn.execute_batch("ROLLBACK"),
        };
        if let Err(error) = finished {
            if !self.conn.is_autocommit() {
                let _ = self.conn.execute_batch("ROLLBACK");
            }
            return Err(StoreError::from(error).into());
        }
        result
    }

    /// Runs `change` with the outbox, inside the action that is open or as an action of its
    /// own: all of it is saved, or none.
    pub(crate) fn write<R>(
        &mut self,
        change: impl FnOnce(&mut outbox::Writer<'_>) -> StoreResult<R>,
    ) -> StoreResult<R> {
        self.atomically(|store| {
            let device = store.device;
            let savepoint = store.conn.savepoint()?;
            let last = db::last_stamp(&savepoint, device)?;
            let mut writer = outbox::Writer::new(
                savepoint,
                &store.schema,
                HlcClock::resume(last),
                store.clock.as_ref(),
                store.actor,
            )?;
            let result = change(&mut writer)?;
            writer.commit()?;
            Ok(result)
        })
    }

    /// The staff account whose actions the audit trail names from now on.
    pub fn set_actor(&mut self, actor: Option<Id>) {
        self.actor = actor;
    }

    pub(crate) fn actor(&self) -> Option<Id> {
        self.actor
    }

    pub(crate) fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    /// The time by this laptop's clock (the one its changes are stamped with).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        let ms = i64::try_from(self.now_ms()).unwrap_or(i64::MAX);
        chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// A bare connection to an encrypted database, for tests and tools that must look under
/// the store (a tampered row, a trigger that makes a write fail). Nothing in the app uses
/// it: the app goes through [`Store`].
#[doc(hidden)]
pub fn raw_connection(
    path: impl AsRef<std::path::Path>,
    key: &DatabaseKey,
) -> StoreResult<Connection> {
    db::keyed(path.as_ref(), key)
}
