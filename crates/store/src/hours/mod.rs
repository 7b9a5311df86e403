//! Volunteering hours: the places young people volunteer, the append-only ledger and the
//! decisions on it (see `mixwell_domain::hours` for how they fold), every write through the
//! outbox. A batch of new hours (one entry, a team's session or a paper sheet) is checked
//! as a whole and saved whole or not at all.

mod decisions;
mod ledger;
mod logging;
mod organisations;
mod views;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use mixwell_domain::hours::{
    check_day_and_minutes, check_day_total, check_minutes, effective, london_date, progress,
    totals, uk_date, Decision, Effective, EntryKind, HoursProblem, HoursProblemCode, LedgerEntry,
    Milestone, MilestoneProgress, Status, Totals, Verification, VerifyMethod,
};
use mixwell_domain::programme::validate_name;
use mixwell_domain::Id;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::parse_id;
use crate::error::{StoreError, StoreResult};
use crate::outbox::Writer;
use crate::Store;
use mixwell_domain::Entity;

pub(crate) use ledger::Ledger;

/// A charity or other place young people volunteer at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VolunteeringOrganisation {
    pub id: Id,
    pub name: String,
    pub contact: String,
    pub address: String,
}

/// A participant placed with an organisation, and who supervises them there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VolunteerPlacement {
    pub id: Id,
    pub participant_id: Id,
    pub organisation_id: Id,
    pub supervisor: String,
    pub starts_on: Option<NaiveDate>,
}

/// A supervisor's confirmation on the spot, with the signature drawn on the laptop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Supervision {
    pub by: String,
    /// SVG path data of the signature.
    pub signature: Option<String>,
}

/// One piece of volunteering to record. `participant` is the participant's id or their
/// roster id; `organisation` a name (a new name adds the organisation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewHours {
    pub participant: String,
    pub organisation: String,
    pub date: NaiveDate,
    pub minutes: u32,
    pub activity: String,
    pub supervision: Option<Supervision>,
}

/// What verified minutes unlock in a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProgrammeMilestone {
    pub id: Id,
    pub programme_id: Id,
    pub name: String,
    pub minutes: u32,
    /// The window, in calendar months from the first volunteering day, if it has one.
    pub within_months: Option<u32>,
    pub position: u32,
}

/// A participant's totals and where they stand on each milestone today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ParticipantHours {
    pub participant_id: Id,
    pub external_id: String,
    pub name: String,
    pub totals: Totals,
    pub first_day: Option<NaiveDate>,
    pub milestones: Vec<MilestoneProgress>,
}

/// An original entry with everything recorded about it since, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EntryHistory {
    pub original: LedgerEntry,
    pub organisation: String,
    pub effective: Effective,
    pub corrections: Vec<LedgerEntry>,
    pub decisions: Vec<Verification>,
}

/// A participant's page: totals, milestones and every entry, newest day first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HoursTimeline {
    pub hours: ParticipantHours,
    pub entries: Vec<EntryHistory>,
}

/// An entry waiting for a coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PendingHours {
    pub entry_id: Id,
    pub participant_id: Id,
    pub participant_name: String,
    pub organisation: String,
    pub date: NaiveDate,
    pub minutes: u32,
    pub activity: String,
    pub logged_by: String,
}

fn rejected(problems: Vec<HoursProblem>) -> StoreError {
    StoreError::HoursRejected { problems }
}

fn one_problem(field: &str, code: HoursProblemCode, message: impl Into<String>) -> StoreError {
    rejected(vec![HoursProblem::new(0, field, code, message)])
}

fn instant(text: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::NotFound {
            what: "timestamp",
            id: text.to_owned(),
        })
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Store {
    /// Today in Europe/London by the store's clock: the one "today" of every action.
    pub fn today(&self) -> NaiveDate {
        london_date(self.instant_now())
    }

    fn instant_now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(i64::try_from(self.now_ms()).unwrap_or(0))
            .unwrap_or_default()
    }
}
