//! The laptop database.
//!
//! [`Store::open`] is the one place a database file is opened (encryption at rest will be
//! added there). Every change to a synced table goes through [`Store::write`], which
//! appends the change to the outbox in the same transaction, stamped with the device's
//! hybrid logical clock.

mod clock;
mod db;
mod demo;
mod error;
mod hours;
mod hours_report;
mod import;
mod milestones;
mod outbox;
mod participants;
mod programmes;
mod rota;
mod rota_setup;
mod staff;
mod team_sets;

pub use clock::{Clock, SystemClock};
pub use db::{default_database_path, SCHEMA_VERSION};
pub use demo::{DEMO_HOURS_PROGRAMME, DEMO_HOURS_WAVE, DEMO_PROGRAMME, DEMO_WAVE};
pub use error::{StoreError, StoreResult};
pub use hours::{
    operator_name, EntryHistory, HoursTimeline, NewHours, ParticipantHours, PendingHours,
    ProgrammeMilestone, Supervision, VolunteerPlacement, VolunteeringOrganisation,
};
pub use hours_report::{Cell, HoursReportKind, Table};
pub use import::{ImportPreview, ImportSummary, RowChange, RowStatus, UpdatedParticipant};
pub use outbox::OutboxEntry;
pub use participants::ParticipantUpdate;
pub use programmes::{NewWave, WaveSummary, WaveUpdate};
pub use rota::{
    status_attributes, Absence, Fairness, RoleSpread, Rota, RotaRule, RotaWarning, StatusRow, Turn,
};
pub use rota_setup::{ProgrammeRole, ProgrammeSession};
pub use team_sets::{
    earlier_teams, Placement, SizeChoice, TeamRequest, TeamSet, WeightedAttribute,
};

use mixwell_domain::{HlcClock, Id};
use rusqlite::Connection;

pub struct Store {
    conn: Connection,
    clock: Box<dyn Clock>,
    device: Id,
}

impl Store {
    /// Opens (creating if needed) the database at `path`, migrating it forward after a
    /// backup. Refuses a database written by a newer version of Mixwell.
    pub fn open(path: &std::path::Path) -> StoreResult<Store> {
        Self::open_with_clock(path, Box::new(SystemClock))
    }

    pub fn open_with_clock(path: &std::path::Path, clock: Box<dyn Clock>) -> StoreResult<Store> {
        let conn = db::open(path, clock.as_ref())?;
        let device = db::device_id(&conn)?;
        let mut store = Store {
            conn,
            clock,
            device,
        };
        store.add_missing_rota_setup()?;
        store.add_missing_milestones()?;
        Ok(store)
    }

    pub fn device_id(&self) -> Id {
        self.device
    }

    /// Runs `change` in one transaction with the outbox: all of it is saved, or none.
    pub(crate) fn write<R>(
        &mut self,
        change: impl FnOnce(&mut outbox::Writer<'_>) -> StoreResult<R>,
    ) -> StoreResult<R> {
        let tx = self.conn.transaction()?;
        let last = db::last_stamp(&tx, self.device)?;
        let mut writer = outbox::Writer::new(tx, HlcClock::resume(last), self.clock.as_ref());
        let result = change(&mut writer)?;
        writer.commit()?;
        Ok(result)
    }

    pub(crate) fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}
