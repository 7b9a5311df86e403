//! Volunteering hours: the places young people volunteer, the append-only ledger and the
//! decisions on it (see `mixwell_domain::hours` for how they fold), every write through the
//! outbox. A batch of new hours (one entry, a team's session or a paper sheet) is checked
//! as a whole and saved whole or not at all.

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
use crate::outbox::{Op, Writer};
use crate::Store;

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

const ENTRY_COLUMNS: &str = "e.id, e.kind, e.corrects, e.participant_id, e.organisation_id, \
    e.date, e.minutes, e.activity, e.reason, e.logged_by, e.device_id, e.logged_at";

type EntryRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    NaiveDate,
    u32,
    String,
    String,
    String,
    String,
    String,
);

fn to_entry(row: EntryRow) -> StoreResult<LedgerEntry> {
    let (id, kind, corrects, participant, organisation, date, minutes, activity, reason) = (
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8,
    );
    Ok(LedgerEntry {
        id: parse_id(&id)?,
        kind: match kind.as_str() {
            "void" => EntryKind::Void,
            "adjust" => EntryKind::Adjust,
            _ => EntryKind::Original,
        },
        corrects: corrects.as_deref().map(parse_id).transpose()?,
        participant_id: parse_id(&participant)?,
        organisation_id: parse_id(&organisation)?,
        date,
        minutes,
        activity,
        reason,
        logged_by: row.9,
        device_id: parse_id(&row.10)?,
        logged_at: instant(&row.11)?,
    })
}

const DECISION_COLUMNS: &str =
    "v.id, v.entry_id, v.decision, v.method, v.by_name, v.signature, v.device_id, v.at";

type DecisionRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
);

fn to_decision(
    (id, entry, decision, method, by, signature, device, at): DecisionRow,
) -> StoreResult<Verification> {
    Ok(Verification {
        id: parse_id(&id)?,
        entry_id: parse_id(&entry)?,
        decision: if decision == "rejected" {
            Decision::Rejected
        } else {
            Decision::Verified
        },
        method: if method == "supervisor" {
            VerifyMethod::Supervisor
        } else {
            VerifyMethod::Coordinator
        },
        by,
        signature,
        device_id: parse_id(&device)?,
        at: instant(&at)?,
    })
}

/// Entries and decisions, found by the participants they are about: `scope` filters
/// `participant p` with `?1`. In no particular order: the fold orders each chain itself.
pub(crate) struct Ledger {
    pub(crate) entries: Vec<LedgerEntry>,
    pub(crate) decisions: Vec<Verification>,
}

impl Ledger {
    fn load(conn: &Connection, scope: &str, key: &str) -> StoreResult<Ledger> {
        let entries = conn
            .prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS} FROM participant p CROSS JOIN hour_entry e
                 WHERE e.participant_id = p.id AND {scope}"
            ))?
            .query_map([key], |r| EntryRow::try_from(r))?
            .collect::<Result<Vec<_>, _>>()?;
        let decisions = conn
            .prepare_cached(&format!(
                "SELECT {DECISION_COLUMNS} FROM participant p CROSS JOIN hour_verification v
                 WHERE v.participant_id = p.id AND {scope}"
            ))?
            .query_map([key], |r| DecisionRow::try_from(r))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Ledger {
            entries: entries
                .into_iter()
                .map(to_entry)
                .collect::<StoreResult<_>>()?,
            decisions: decisions
                .into_iter()
                .map(to_decision)
                .collect::<StoreResult<_>>()?,
        })
    }

    fn of_participant(conn: &Connection, participant: Id) -> StoreResult<Ledger> {
        Self::load(conn, "p.id = ?1", &participant.to_string())
    }

    pub(crate) fn of_wave(conn: &Connection, wave: Id) -> StoreResult<Ledger> {
        Self::load(conn, "p.wave_id = ?1", &wave.to_string())
    }

    pub(crate) fn chains(&self) -> Vec<Effective> {
        effective(&self.entries, &self.decisions)
    }
}

fn insert_entry(w: &mut Writer<'_>, e: &LedgerEntry) -> StoreResult<()> {
    w.tx()
        .prepare_cached(
            "INSERT INTO hour_entry (id, kind, corrects, participant_id, organisation_id, date,
                 minutes, activity, reason, logged_by, device_id, logged_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            e.id.to_string(),
            match e.kind {
                EntryKind::Original => "original",
                EntryKind::Void => "void",
                EntryKind::Adjust => "adjust",
            },
            e.corrects.map(|c| c.to_string()),
            e.participant_id.to_string(),
            e.organisation_id.to_string(),
            e.date,
            e.minutes,
            e.activity,
            e.reason,
            e.logged_by,
            e.device_id.to_string(),
            stamp(e.logged_at),
        ])?;
    w.record("hour_entry", e.id, Op::Upsert, e)
}

/// Records a decision on an entry of `participant`.
fn insert_decision(w: &mut Writer<'_>, v: &Verification, participant: Id) -> StoreResult<()> {
    w.tx()
        .prepare_cached(
            "INSERT INTO hour_verification (id, entry_id, participant_id, decision, method,
                 by_name, signature, device_id, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            v.id.to_string(),
            v.entry_id.to_string(),
            participant.to_string(),
            match v.decision {
                Decision::Verified => "verified",
                Decision::Rejected => "rejected",
            },
            match v.method {
                VerifyMethod::Coordinator => "coordinator",
                VerifyMethod::Supervisor => "supervisor",
            },
            v.by,
            v.signature,
            v.device_id.to_string(),
            stamp(v.at),
        ])?;
    w.record("hour_verification", v.id, Op::Upsert, v)
}

/// Who a batch row is about, once found.
#[derive(Clone, Copy)]
struct Found {
    participant: Id,
    starts_on: Option<NaiveDate>,
}

/// The participant a row names, by id or roster id.
fn find_participant(conn: &Connection, text: &str) -> Result<Found, (HoursProblemCode, String)> {
    let text = text.trim();
    if text.is_empty() {
        return Err((
            HoursProblemCode::UnknownParticipant,
            "no participant given".to_owned(),
        ));
    }
    let found: Vec<(String, Option<NaiveDate>)> = conn
        .prepare_cached(
            "SELECT p.id, w.starts_on FROM participant p JOIN wave w ON w.id = p.wave_id
             WHERE p.id = ?1 OR p.external_id = ?1",
        )
        .and_then(|mut s| {
            s.query_map([text], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(|e| (HoursProblemCode::UnknownParticipant, e.to_string()))?;
    match found.as_slice() {
        [(id, starts_on)] => Ok(Found {
            participant: Id::parse_str(id)
                .map_err(|_| (HoursProblemCode::UnknownParticipant, id.clone()))?,
            starts_on: *starts_on,
        }),
        [] => Err((
            HoursProblemCode::UnknownParticipant,
            format!("there is no participant {text:?} in any programme on this laptop"),
        )),
        several => Err((
            HoursProblemCode::UnknownParticipant,
            format!(
                "{} participants in different waves have the roster id {text:?}: use the participant's Mixwell id",
                several.len()
            ),
        )),
    }
}

fn organisation_id_by_name(conn: &Connection, name: &str) -> StoreResult<Option<Id>> {
    conn.query_row(
        "SELECT id FROM volunteering_organisation WHERE name = ?1 COLLATE NOCASE",
        [name.trim()],
        |r| r.get::<_, String>(0),
    )
    .optional()?
    .map(|id| parse_id(&id))
    .transpose()
}

fn save_organisation(w: &mut Writer<'_>, o: &VolunteeringOrganisation) -> StoreResult<()> {
    w.tx().execute(
        "INSERT INTO volunteering_organisation (id, name, contact, address) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, contact = excluded.contact,
             address = excluded.address",
        params![o.id.to_string(), o.name, o.contact, o.address],
    )?;
    w.record("volunteering_organisation", o.id, Op::Upsert, o)
}

/// The day's standing minutes and the organisations already logged, per participant and
/// date, as a batch is checked row by row.
#[derive(Default)]
struct DayBook {
    minutes: HashMap<(Id, NaiveDate), u32>,
    logged_at: HashMap<(Id, NaiveDate), Vec<Option<Id>>>,
    /// Organisations this batch adds, by lower-case name.
    new_names: HashMap<(Id, NaiveDate), Vec<String>>,
    /// Participants whose ledger is in.
    loaded: std::collections::HashSet<Id>,
}

impl DayBook {
    /// The problems with one row, given the ledger and the rows before it that had none
    /// (a refused row does not count towards the day, so one mistake is reported once).
    fn check(
        &self,
        row: usize,
        hours: &NewHours,
        who: Found,
        organisation_id: Option<Id>,
        today: NaiveDate,
        allow_duplicate: bool,
    ) -> Vec<HoursProblem> {
        let organisation = hours.organisation.trim();
        let mut problems = Vec::new();
        if organisation.is_empty() {
            problems.push(HoursProblem::new(
                row,
                "organisation",
                HoursProblemCode::MissingOrganisation,
                "no organisation given",
            ));
        }
        problems.extend(check_day_and_minutes(
            row,
            hours.date,
            hours.minutes,
            today,
            who.starts_on,
        ));
        let key = (who.participant, hours.date);
        let others = self.minutes.get(&key).copied().unwrap_or(0);
        problems.extend(check_day_total(row, hours.date, hours.minutes, others));
        let same_place = |o: &Option<Id>| match (o, organisation_id) {
            (Some(a), Some(b)) => *a == b,
            _ => false,
        };
        let new_place_again = organisation_id.is_none()
            && self
                .new_names
                .get(&key)
                .is_some_and(|names| names.contains(&organisation.to_lowercase()));
        let logged = self.logged_at.get(&key).map(Vec::as_slice).unwrap_or(&[]);
        if !allow_duplicate
            && !organisation.is_empty()
            && (logged.iter().any(same_place) || new_place_again)
        {
            problems.push(HoursProblem::new(
                row,
                "organisation",
                HoursProblemCode::LikelyDuplicate,
                format!(
                    "hours at {organisation} on {} are already logged for this participant",
                    uk_date(hours.date)
                ),
            ));
        }
        problems
    }

    fn add(&mut self, hours: &NewHours, who: Found, organisation_id: Option<Id>) {
        let key = (who.participant, hours.date);
        *self.minutes.entry(key).or_default() += hours.minutes;
        match organisation_id {
            Some(id) => self.logged_at.entry(key).or_default().push(Some(id)),
            None => self
                .new_names
                .entry(key)
                .or_default()
                .push(hours.organisation.trim().to_lowercase()),
        }
    }

    fn add_ledger(&mut self, chains: &[Effective]) {
        for c in chains.iter().filter(|c| c.stands()) {
            *self.minutes.entry((c.participant_id, c.date)).or_default() += c.minutes;
            self.logged_at
                .entry((c.participant_id, c.date))
                .or_default()
                .push(Some(c.organisation_id));
        }
    }
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

    /// The participant a script names, by Mixwell id or roster id.
    pub fn find_participant_ref(&self, text: &str) -> StoreResult<Id> {
        find_participant(self.conn(), text)
            .map(|f| f.participant)
            .map_err(|(_, message)| StoreError::InvalidParticipant(message))
    }

    pub fn volunteering_organisations(&self) -> StoreResult<Vec<VolunteeringOrganisation>> {
        let rows = self
            .conn()
            .prepare(
                "SELECT id, name, contact, address FROM volunteering_organisation
                 ORDER BY name COLLATE NOCASE",
            )?
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, name, contact, address)| {
                Ok(VolunteeringOrganisation {
                    id: parse_id(&id)?,
                    name,
                    contact,
                    address,
                })
            })
            .collect()
    }

    /// Each organisation's name, by id.
    pub(crate) fn organisation_names(&self) -> StoreResult<HashMap<Id, String>> {
        Ok(self
            .volunteering_organisations()?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect())
    }

    /// Adds an organisation, or updates the contact and address of the one with that name.
    pub fn save_volunteering_organisation(
        &mut self,
        name: &str,
        contact: &str,
        address: &str,
    ) -> StoreResult<VolunteeringOrganisation> {
        self.atomically(|store| {
            let name = validate_name("organisation", name)?;
            // The name stays as first written: "food bank" finds "Food Bank" (the same match as
            // logging uses, and the unique index).
            let existing = match organisation_id_by_name(store.conn(), &name)? {
                Some(id) => store
                    .volunteering_organisations()?
                    .into_iter()
                    .find(|o| o.id == id),
                None => None,
            };
            let organisation = VolunteeringOrganisation {
                id: existing.as_ref().map_or_else(Id::now_v7, |o| o.id),
                name: existing.map_or(name, |o| o.name),
                contact: contact.trim().to_owned(),
                address: address.trim().to_owned(),
            };
            store.write(|w| save_organisation(w, &organisation))?;
            Ok(organisation)
        })
    }

    /// Places a participant with an organisation (or changes the supervisor and start).
    pub fn place_volunteer(
        &mut self,
        participant_id: Id,
        organisation_id: Id,
        supervisor: &str,
        starts_on: Option<NaiveDate>,
    ) -> StoreResult<VolunteerPlacement> {
        self.atomically(|store| {
            let existing: Option<String> = store
                .conn()
                .query_row(
                    "SELECT id FROM volunteering_placement WHERE participant_id = ?1 AND organisation_id = ?2",
                    params![participant_id.to_string(), organisation_id.to_string()],
                    |r| r.get(0),
                )
                .optional()?;
            let placement = VolunteerPlacement {
                id: existing
                    .as_deref()
                    .map(parse_id)
                    .transpose()?
                    .unwrap_or_else(Id::now_v7),
                participant_id,
                organisation_id,
                supervisor: supervisor.trim().to_owned(),
                starts_on,
            };
            store.write(|w| {
                w.tx().execute(
                    "INSERT INTO volunteering_placement (id, participant_id, organisation_id, supervisor, starts_on)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (id) DO UPDATE SET supervisor = excluded.supervisor, starts_on = excluded.starts_on",
                    params![
                        placement.id.to_string(),
                        placement.participant_id.to_string(),
                        placement.organisation_id.to_string(),
                        placement.supervisor,
                        placement.starts_on
                    ],
                )?;
                w.record("volunteering_placement", placement.id, Op::Upsert, &placement)
            })?;
            Ok(placement)
        })
    }

    pub fn placements(&self, participant_id: Id) -> StoreResult<Vec<VolunteerPlacement>> {
        let rows = self
            .conn()
            .prepare(
                "SELECT id, organisation_id, supervisor, starts_on FROM volunteering_placement
                 WHERE participant_id = ?1",
            )?
            .query_map([participant_id.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, organisation, supervisor, starts_on)| {
                Ok(VolunteerPlacement {
                    id: parse_id(&id)?,
                    participant_id,
                    organisation_id: parse_id(&organisation)?,
                    supervisor,
                    starts_on,
                })
            })
            .collect()
    }

    /// Records a batch of volunteering (one entry, a team's session, a sign-in sheet):
    /// every row is checked first, against the ledger and the rows before it, and nothing
    /// is saved if any row has a problem. A likely duplicate (the same person, organisation
    /// and day as an entry that stands) is a problem unless `allow_duplicate`. Rows with a
    /// supervision are verified on the spot. Returns the new entries in the rows' order.
    pub fn log_hours(
        &mut self,
        rows: &[NewHours],
        logged_by: &str,
        allow_duplicate: bool,
    ) -> StoreResult<Vec<LedgerEntry>> {
        self.atomically(|store| {
            let today = store.today();
            let mut problems = Vec::new();
            let mut book = DayBook::default();
            let mut found: HashMap<String, Found> = HashMap::new();
            let mut planned: Vec<(Found, Option<Id>)> = Vec::new();
            for (row, hours) in rows.iter().enumerate() {
                let who = match found.get(hours.participant.trim()) {
                    Some(f) => Ok(*f),
                    None => find_participant(store.conn(), &hours.participant).inspect(|f| {
                        found.insert(hours.participant.trim().to_owned(), *f);
                    }),
                };
                let who = match who {
                    Ok(f) => f,
                    Err((code, message)) => {
                        problems.push(HoursProblem::new(row, "participant_id", code, message));
                        continue;
                    }
                };
                if book.loaded.insert(who.participant) {
                    book.add_ledger(
                        &Ledger::of_participant(store.conn(), who.participant)?.chains(),
                    );
                }
                let organisation = hours.organisation.trim();
                let organisation_id = if organisation.is_empty() {
                    None
                } else {
                    organisation_id_by_name(store.conn(), organisation)?
                };
                let mine = book.check(row, hours, who, organisation_id, today, allow_duplicate);
                if mine.is_empty() {
                    book.add(hours, who, organisation_id);
                }
                problems.extend(mine);
                planned.push((who, organisation_id));
            }
            if !problems.is_empty() {
                return Err(rejected(problems));
            }
            let device = store.device_id();
            let at = store.instant_now();
            let logged_by = logged_by.trim().to_owned();
            store.write(|w| {
                let mut new_organisations: HashMap<String, Id> = HashMap::new();
                let mut entries = Vec::with_capacity(rows.len());
                for (hours, (who, organisation_id)) in rows.iter().zip(planned) {
                    let organisation_id = match organisation_id {
                        Some(id) => id,
                        None => {
                            let name = validate_name("organisation", &hours.organisation)?;
                            match new_organisations.get(&name.to_lowercase()) {
                                Some(id) => *id,
                                None => {
                                    let organisation = VolunteeringOrganisation {
                                        id: Id::now_v7(),
                                        name: name.clone(),
                                        contact: String::new(),
                                        address: String::new(),
                                    };
                                    save_organisation(w, &organisation)?;
                                    new_organisations.insert(name.to_lowercase(), organisation.id);
                                    organisation.id
                                }
                            }
                        }
                    };
                    let entry = LedgerEntry {
                        id: Id::now_v7(),
                        kind: EntryKind::Original,
                        corrects: None,
                        participant_id: who.participant,
                        organisation_id,
                        date: hours.date,
                        minutes: hours.minutes,
                        activity: hours.activity.trim().to_owned(),
                        reason: String::new(),
                        logged_by: logged_by.clone(),
                        device_id: device,
                        logged_at: at,
                    };
                    insert_entry(w, &entry)?;
                    if let Some(s) = &hours.supervision {
                        insert_decision(
                            w,
                            &Verification {
                                id: Id::now_v7(),
                                entry_id: entry.id,
                                decision: Decision::Verified,
                                method: VerifyMethod::Supervisor,
                                by: validate_name("supervisor", &s.by)?,
                                signature: s.signature.clone(),
                                device_id: device,
                                at,
                            },
                            who.participant,
                        )?;
                    }
                    entries.push(entry);
                }
                Ok(entries)
            })
        })
    }

    /// The original entry an id names (the id of a correction names its original), with
    /// its chain as it stands.
    fn chain_of(&self, entry_id: Id) -> StoreResult<(LedgerEntry, Effective, Ledger)> {
        let row = self
            .conn()
            .query_row(
                &format!(
                    "SELECT {ENTRY_COLUMNS} FROM hour_entry e WHERE e.id =
                     (SELECT coalesce(corrects, id) FROM hour_entry WHERE id = ?1)"
                ),
                [entry_id.to_string()],
                |r| EntryRow::try_from(r),
            )
            .optional()?
            .ok_or_else(|| {
                one_problem(
                    "entry_id",
                    HoursProblemCode::UnknownEntry,
                    format!("there is no hour entry {entry_id}"),
                )
            })?;
        let original = to_entry(row)?;
        let ledger = Ledger::of_participant(self.conn(), original.participant_id)?;
        let state = ledger
            .chains()
            .into_iter()
            .find(|c| c.entry_id == original.id)
            .ok_or(StoreError::NotFound {
                what: "hour entry",
                id: entry_id.to_string(),
            })?;
        Ok((original, state, ledger))
    }

    fn correct(
        &mut self,
        entry_id: Id,
        kind: EntryKind,
        minutes: u32,
        reason: &str,
        by: &str,
    ) -> StoreResult<LedgerEntry> {
        self.atomically(|store| {
            let (original, state, ledger) = store.chain_of(entry_id)?;
            let mut problems = Vec::new();
            if reason.trim().is_empty() {
                problems.push(HoursProblem::new(
                    0,
                    "reason",
                    HoursProblemCode::MissingReason,
                    "say why the entry is being corrected",
                ));
            }
            if state.status == Status::Voided {
                problems.push(HoursProblem::new(
                    0,
                    "entry_id",
                    HoursProblemCode::AlreadyDecided,
                    "this entry has already been voided",
                ));
            }
            if kind == EntryKind::Adjust {
                let others: u32 = ledger
                    .chains()
                    .iter()
                    .filter(|c| c.stands() && c.date == original.date && c.entry_id != original.id)
                    .map(|c| c.minutes)
                    .sum();
                problems.extend(check_minutes(0, minutes));
                problems.extend(check_day_total(0, original.date, minutes, others));
            }
            if !problems.is_empty() {
                return Err(rejected(problems));
            }
            let entry = LedgerEntry {
                id: Id::now_v7(),
                kind,
                corrects: Some(original.id),
                minutes: if kind == EntryKind::Void { 0 } else { minutes },
                reason: reason.trim().to_owned(),
                logged_by: by.trim().to_owned(),
                device_id: store.device_id(),
                logged_at: store.instant_now(),
                ..original
            };
            store.write(|w| insert_entry(w, &entry))?;
            Ok(entry)
        })
    }

    /// Takes an entry out of the count, for good, with the reason.
    pub fn void_hours(&mut self, entry_id: Id, reason: &str, by: &str) -> StoreResult<LedgerEntry> {
        self.correct(entry_id, EntryKind::Void, 0, reason, by)
    }

    /// Sets an entry's minutes, with the reason; the entry then waits for a new decision.
    pub fn adjust_hours(
        &mut self,
        entry_id: Id,
        minutes: u32,
        reason: &str,
        by: &str,
    ) -> StoreResult<LedgerEntry> {
        self.correct(entry_id, EntryKind::Adjust, minutes, reason, by)
    }

    /// Records a decision on an entry: a coordinator's from the queue, or a supervisor's
    /// with their signature.
    pub fn decide_hours(
        &mut self,
        entry_id: Id,
        decision: Decision,
        method: VerifyMethod,
        by: &str,
        signature: Option<String>,
    ) -> StoreResult<Verification> {
        self.atomically(|store| {
            let by = validate_name("name of whoever decides", by)?;
            let (original, state, _) = store.chain_of(entry_id)?;
            let already = match (state.status, decision) {
                (Status::Voided, _) => Some("this entry has been voided"),
                (Status::Verified, Decision::Verified) => Some("this entry is already verified"),
                (Status::Rejected, Decision::Rejected) => Some("this entry is already rejected"),
                _ => None,
            };
            if let Some(message) = already {
                return Err(one_problem(
                    "entry_id",
                    HoursProblemCode::AlreadyDecided,
                    message,
                ));
            }
            let verification = Verification {
                id: Id::now_v7(),
                entry_id: original.id,
                decision,
                method,
                by,
                signature,
                device_id: store.device_id(),
                at: store.instant_now(),
            };
            store.write(|w| insert_decision(w, &verification, original.participant_id))?;
            Ok(verification)
        })
    }

    /// The same decision on many entries (the queue's ticked ones), as one action: every
    /// entry is checked and all of them are decided, or none is. A refusal lists each
    /// entry's problem with its position in `entry_ids` as the row.
    pub fn decide_many_hours(
        &mut self,
        entry_ids: &[Id],
        decision: Decision,
        method: VerifyMethod,
        by: &str,
    ) -> StoreResult<Vec<Verification>> {
        self.atomically(|store| {
            let mut decided = Vec::with_capacity(entry_ids.len());
            let mut problems = Vec::new();
            for (row, &entry_id) in entry_ids.iter().enumerate() {
                match store.decide_hours(entry_id, decision, method, by, None) {
                    Ok(verification) => decided.push(verification),
                    Err(StoreError::HoursRejected { problems: found }) => {
                        problems.extend(found.into_iter().map(|p| HoursProblem {
                            row: u32::try_from(row).unwrap_or(u32::MAX),
                            ..p
                        }));
                    }
                    Err(other) => return Err(other),
                }
            }
            if problems.is_empty() {
                Ok(decided)
            } else {
                Err(rejected(problems))
            }
        })
    }

    fn milestones_as_rules(&self, programme_id: Id) -> StoreResult<Vec<Milestone>> {
        Ok(self
            .milestones(programme_id)?
            .into_iter()
            .map(|m| Milestone {
                name: m.name,
                minutes: m.minutes,
                within_months: m.within_months,
            })
            .collect())
    }

    /// A participant's totals and milestones today.
    pub fn participant_hours(&self, participant_id: Id) -> StoreResult<ParticipantHours> {
        Ok(self.hours_timeline_parts(participant_id)?.0)
    }

    fn hours_timeline_parts(
        &self,
        participant_id: Id,
    ) -> StoreResult<(ParticipantHours, Ledger, Vec<Effective>)> {
        let participant = self.participant(participant_id)?;
        let wave = self.wave(participant.wave_id)?;
        let rules = self.milestones_as_rules(wave.programme_id)?;
        let ledger = Ledger::of_participant(self.conn(), participant_id)?;
        let chains = ledger.chains();
        let refs: Vec<&Effective> = chains.iter().collect();
        let hours = standing(&participant, &refs, &rules, self.today());
        Ok((hours, ledger, chains))
    }

    /// A participant's page: totals, milestones and every entry with its history.
    pub fn hours_timeline(&self, participant_id: Id) -> StoreResult<HoursTimeline> {
        let (hours, ledger, chains) = self.hours_timeline_parts(participant_id)?;
        let names = self.organisation_names()?;
        let mut entries: Vec<EntryHistory> = chains
            .into_iter()
            .filter_map(|state| {
                let original = ledger.entries.iter().find(|e| e.id == state.entry_id)?;
                Some(EntryHistory {
                    organisation: names
                        .get(&original.organisation_id)
                        .cloned()
                        .unwrap_or_default(),
                    corrections: in_order(
                        ledger
                            .entries
                            .iter()
                            .filter(|e| e.corrects == Some(original.id)),
                        |e| (e.logged_at, e.id),
                    ),
                    decisions: in_order(
                        ledger
                            .decisions
                            .iter()
                            .filter(|d| d.entry_id == original.id),
                        |d| (d.at, d.id),
                    ),
                    original: original.clone(),
                    effective: state,
                })
            })
            .collect();
        entries.sort_by(|a, b| {
            (b.original.date, b.original.logged_at).cmp(&(a.original.date, a.original.logged_at))
        });
        Ok(HoursTimeline { hours, entries })
    }

    /// Every participant of a wave with their totals and milestones today, in the wave's
    /// order of participants.
    pub fn wave_hours(&self, wave_id: Id) -> StoreResult<Vec<ParticipantHours>> {
        let wave = self.wave(wave_id)?;
        let rules = self.milestones_as_rules(wave.programme_id)?;
        let participants = self.participants(wave_id)?;
        let chains = Ledger::of_wave(self.conn(), wave_id)?.chains();
        let mut by_participant: HashMap<Id, Vec<&Effective>> = HashMap::new();
        for c in &chains {
            by_participant.entry(c.participant_id).or_default().push(c);
        }
        let today = self.today();
        Ok(participants
            .iter()
            .map(|p| {
                let mine = by_participant.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
                standing(p, mine, &rules, today)
            })
            .collect())
    }

    /// The wave's entries waiting for a decision, oldest day first.
    pub fn pending_hours(&self, wave_id: Id) -> StoreResult<Vec<PendingHours>> {
        self.wave(wave_id)?;
        let ledger = Ledger::of_wave(self.conn(), wave_id)?;
        let names = self.organisation_names()?;
        let people: HashMap<Id, String> = self
            .participants(wave_id)?
            .into_iter()
            .map(|p| (p.id, p.record.full_name()))
            .collect();
        let mut pending: Vec<PendingHours> = ledger
            .chains()
            .into_iter()
            .filter(|c| c.status == Status::Pending)
            .filter_map(|c| {
                let original = ledger.entries.iter().find(|e| e.id == c.entry_id)?;
                Some(PendingHours {
                    entry_id: c.entry_id,
                    participant_id: c.participant_id,
                    participant_name: people.get(&c.participant_id).cloned().unwrap_or_default(),
                    organisation: names.get(&c.organisation_id).cloned().unwrap_or_default(),
                    date: c.date,
                    minutes: c.minutes,
                    activity: original.activity.clone(),
                    logged_by: original.logged_by.clone(),
                })
            })
            .collect();
        pending.sort_by(|a, b| (a.date, &a.participant_name).cmp(&(b.date, &b.participant_name)));
        Ok(pending)
    }
}

/// What happened to an entry, in the order it was recorded.
fn in_order<'a, T: Clone + 'a>(
    items: impl Iterator<Item = &'a T>,
    key: impl Fn(&T) -> (DateTime<Utc>, Id),
) -> Vec<T> {
    let mut items: Vec<T> = items.cloned().collect();
    items.sort_by_key(key);
    items
}

fn standing(
    participant: &mixwell_domain::Participant,
    chains: &[&Effective],
    rules: &[Milestone],
    today: NaiveDate,
) -> ParticipantHours {
    ParticipantHours {
        participant_id: participant.id,
        external_id: participant.record.external_id.clone(),
        name: participant.record.full_name(),
        totals: totals(chains.iter().copied()),
        first_day: chains.iter().filter(|c| c.stands()).map(|c| c.date).min(),
        milestones: progress(chains, rules, today),
    }
}
