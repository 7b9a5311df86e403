//! Logging a batch of hours: every row checked against the ledger and the rows before it,
//! all saved or none.

use super::ledger::{insert_decision, insert_entry};
use super::organisations::{organisation_id_by_name, save_organisation};
use super::*;

/// Who a batch row is about, once found.
#[derive(Clone, Copy)]
pub(super) struct Found {
    participant: Id,
    starts_on: Option<NaiveDate>,
}

/// The participant a row names, by id or roster id.
pub(super) fn find_participant(
    conn: &Connection,
    text: &str,
) -> Result<Found, (HoursProblemCode, String)> {
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

/// The day's standing minutes and the organisations already logged, per participant and
/// date, as a batch is checked row by row.
#[derive(Default)]
pub(super) struct DayBook {
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
    pub(super) fn check(
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

    pub(super) fn add(&mut self, hours: &NewHours, who: Found, organisation_id: Option<Id>) {
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

    pub(super) fn add_ledger(&mut self, chains: &[Effective]) {
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
    /// The participant a script names, by Mixwell id or roster id.
    pub fn find_participant_ref(&self, text: &str) -> StoreResult<Id> {
        find_participant(self.conn(), text)
            .map(|f| f.participant)
            .map_err(|(_, message)| StoreError::InvalidParticipant(message))
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
                                    // Named like the same place typed on another
                                    // laptop, so the two are one after sync.
                                    let organisation = VolunteeringOrganisation {
                                        id: crate::replica::id_for_name(
                                            w.tx(),
                                            mixwell_domain::Entity::VolunteeringOrganisation,
                                            &[],
                                            &name,
                                        )?,
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
                        hlc: String::new(),
                    };
                    let entry = insert_entry(w, &entry)?;
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
                                hlc: String::new(),
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
}
