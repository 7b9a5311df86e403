//! The volunteering-hours ledger (HeadStart): append-only entries, their corrections and
//! verifications, what each entry finally counts for, and the milestones a participant
//! reaches with verified minutes.
//!
//! Nothing is ever edited or deleted. An original entry starts a *chain*; a later entry
//! voids it or adjusts its minutes (with a reason); verifications and rejections are
//! records of their own. Folding a chain's events in the order they were recorded gives
//! the entry's effective minutes and status, so every minute is counted once, from the
//! last word on it. Minutes are whole numbers; a volunteering day is a calendar date.

use std::collections::HashMap;

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::Id;

/// The most minutes one person can volunteer on one day.
pub const MINUTES_IN_A_DAY: u32 = 1440;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A new piece of volunteering.
    Original,
    /// Takes an earlier entry out of the count.
    Void,
    /// Sets an earlier entry's minutes to this entry's minutes.
    Adjust,
}

/// One row of the ledger, as recorded. `corrects` names the original entry a void or an
/// adjustment is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LedgerEntry {
    pub id: Id,
    pub kind: EntryKind,
    pub corrects: Option<Id>,
    pub participant_id: Id,
    pub organisation_id: Id,
    pub date: NaiveDate,
    pub minutes: u32,
    pub activity: String,
    /// Why a void or adjustment was made (empty for an original).
    pub reason: String,
    pub logged_by: String,
    pub device_id: Id,
    /// When it was recorded (UTC), by the recording laptop's clock: shown to staff, never
    /// used to order the ledger.
    pub logged_at: DateTime<Utc>,
    /// The hybrid logical clock stamp of its recording (`Hlc::to_sortable_string`): the
    /// ledger folds in this order, so a laptop whose clock is wrong cannot reorder
    /// corrections and decisions.
    pub hlc: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Verified,
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum VerifyMethod {
    /// A coordinator approved it from the verification queue.
    Coordinator,
    /// The placement's supervisor confirmed it on the spot.
    Supervisor,
}

/// A coordinator's or supervisor's word on an entry (its chain's original).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Verification {
    pub id: Id,
    pub entry_id: Id,
    pub decision: Decision,
    pub method: VerifyMethod,
    pub by: String,
    /// The supervisor's signature, when there is one: SVG path data as drawn in a 300 × 100
    /// box, or `typed:` and the name they typed from the keyboard.
    pub signature: Option<String>,
    pub device_id: Id,
    /// When it was made (UTC), by the deciding laptop's clock: shown, never used to order.
    pub at: DateTime<Utc>,
    /// The hybrid logical clock stamp of its recording: the order the ledger folds in.
    pub hlc: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    Verified,
    Rejected,
    Voided,
}

/// What an original entry finally counts for, after every correction and decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Effective {
    pub entry_id: Id,
    pub participant_id: Id,
    pub organisation_id: Id,
    pub date: NaiveDate,
    /// The minutes as last adjusted (0 once voided).
    pub minutes: u32,
    pub status: Status,
}

impl Effective {
    /// Minutes that count towards milestones.
    pub fn verified(&self) -> u32 {
        if self.status == Status::Verified {
            self.minutes
        } else {
            0
        }
    }

    /// Minutes still waiting for a decision.
    pub fn pending(&self) -> u32 {
        if self.status == Status::Pending {
            self.minutes
        } else {
            0
        }
    }

    /// Whether it still stands as volunteering done (pending or verified).
    pub fn stands(&self) -> bool {
        matches!(self.status, Status::Pending | Status::Verified)
    }
}

/// One event in a chain, in the order events are folded.
enum Event<'a> {
    Entry(&'a LedgerEntry),
    Decision(&'a Verification),
}

impl Event<'_> {
    fn key(&self) -> (&str, Id) {
        match self {
            Event::Entry(e) => (e.hlc.as_str(), e.id),
            Event::Decision(v) => (v.hlc.as_str(), v.id),
        }
    }
}

/// Folds the ledger into one `Effective` per original entry, in the originals' order.
/// Corrections and decisions apply in the order they were recorded, by their hybrid logical
/// clock stamps (ties by id), never by a laptop's wall clock: an adjustment sets the minutes and makes the entry pending again, since
/// changed minutes need a new decision; a decision sets the status; a void is final.
/// Corrections of an entry that is not in `entries` are ignored.
pub fn effective(entries: &[LedgerEntry], verifications: &[Verification]) -> Vec<Effective> {
    let mut events: HashMap<Id, Vec<Event<'_>>> = HashMap::new();
    for entry in entries.iter().filter(|e| e.kind != EntryKind::Original) {
        if let Some(of) = entry.corrects {
            events.entry(of).or_default().push(Event::Entry(entry));
        }
    }
    for v in verifications {
        events
            .entry(v.entry_id)
            .or_default()
            .push(Event::Decision(v));
    }
    entries
        .iter()
        .filter(|e| e.kind == EntryKind::Original)
        .map(|original| {
            let mut state = Effective {
                entry_id: original.id,
                participant_id: original.participant_id,
                organisation_id: original.organisation_id,
                date: original.date,
                minutes: original.minutes,
                status: Status::Pending,
            };
            let mut chain = events.remove(&original.id).unwrap_or_default();
            chain.sort_by(|a, b| a.key().cmp(&b.key()));
            for event in chain {
                if state.status == Status::Voided {
                    break;
                }
                match event {
                    Event::Entry(e) if e.kind == EntryKind::Void => {
                        state.minutes = 0;
                        state.status = Status::Voided;
                    }
                    Event::Entry(e) => {
                        state.minutes = e.minutes;
                        state.status = Status::Pending;
                    }
                    Event::Decision(v) => {
                        state.status = match v.decision {
                            Decision::Verified => Status::Verified,
                            Decision::Rejected => Status::Rejected,
                        };
                    }
                }
            }
            state
        })
        .collect()
}

/// A participant's verified and pending minutes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Totals {
    pub verified_minutes: u32,
    pub pending_minutes: u32,
}

pub fn totals<'a>(chains: impl IntoIterator<Item = &'a Effective>) -> Totals {
    chains.into_iter().fold(Totals::default(), |t, e| Totals {
        verified_minutes: t.verified_minutes + e.verified(),
        pending_minutes: t.pending_minutes + e.pending(),
    })
}

/// A threshold of verified minutes that unlocks something, optionally within a window of
/// calendar months from the first volunteering day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Milestone {
    pub name: String,
    pub minutes: u32,
    pub within_months: Option<u32>,
}

/// HeadStart's: after 1 hour, workshops and training; 16 hours within two months of the
/// first volunteering day, a guaranteed job interview.
pub fn headstart_milestones() -> Vec<Milestone> {
    vec![
        Milestone {
            name: "Workshops and training".into(),
            minutes: 60,
            within_months: None,
        },
        Milestone {
            name: "Guaranteed interview".into(),
            minutes: 16 * 60,
            within_months: Some(2),
        },
    ]
}

/// Days before a window closes from which someone short of its milestone is at risk.
pub const AT_RISK_DAYS: u32 = 14;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MilestoneProgress {
    pub name: String,
    pub minutes: u32,
    /// Verified minutes that count towards it (within the window, if it has one).
    pub counted_minutes: u32,
    /// The volunteering day on which the verified minutes first reached it.
    pub reached_on: Option<NaiveDate>,
    /// The last day whose minutes count, for a milestone with a window once volunteering
    /// has started.
    pub last_day: Option<NaiveDate>,
    /// Days left including today (0 once the last day has passed).
    pub days_left: Option<u32>,
    pub at_risk: bool,
    pub missed: bool,
}

/// The last day of a window of `months` calendar months starting on `first`: the day
/// before the same date `months` later (clamped to the month's end, so 31 December plus
/// two months ends on the last day of February).
pub fn window_last_day(first: NaiveDate, months: u32) -> NaiveDate {
    first
        .checked_add_months(Months::new(months))
        .and_then(|end| end.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// Where a participant stands on each milestone on `today` (a Europe/London date), from
/// their chains.
pub fn progress(
    chains: &[&Effective],
    milestones: &[Milestone],
    today: NaiveDate,
) -> Vec<MilestoneProgress> {
    let first = chains.iter().filter(|c| c.stands()).map(|c| c.date).min();
    let mut verified: Vec<(NaiveDate, u32)> = chains
        .iter()
        .filter(|c| c.verified() > 0)
        .map(|c| (c.date, c.verified()))
        .collect();
    verified.sort_unstable();
    milestones
        .iter()
        .map(|m| {
            let last_day = first
                .zip(m.within_months)
                .map(|(f, months)| window_last_day(f, months));
            let mut counted = 0u32;
            let mut reached_on = None;
            for &(date, minutes) in &verified {
                if last_day.is_some_and(|last| date > last) {
                    break;
                }
                counted += minutes;
                if reached_on.is_none() && counted >= m.minutes {
                    reached_on = Some(date);
                }
            }
            let days_left =
                last_day.map(|last| u32::try_from((last - today).num_days() + 1).unwrap_or(0));
            let open = reached_on.is_none() && days_left.is_some_and(|d| d > 0);
            MilestoneProgress {
                name: m.name.clone(),
                minutes: m.minutes,
                counted_minutes: counted,
                reached_on,
                last_day,
                days_left,
                at_risk: open && days_left.is_some_and(|d| d <= AT_RISK_DAYS),
                missed: reached_on.is_none() && days_left == Some(0),
            }
        })
        .collect()
}

/// Why a piece of hours cannot be recorded; the app and scripts branch on these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum HoursProblemCode {
    /// A field could not be read (a date that is not YYYY-MM-DD, minutes that are not a
    /// whole number, a missing column).
    Unreadable,
    UnknownParticipant,
    UnknownEntry,
    MissingOrganisation,
    MissingReason,
    FutureDate,
    BeforeProgramme,
    MinutesOutOfRange,
    /// More than 1440 minutes for one person on one day in total.
    DayOverfull,
    /// The same person, organisation and date as an entry that stands: asks for a
    /// confirmation in the app, refused by the CLI unless `--allow-duplicate`.
    LikelyDuplicate,
    /// A void, adjustment or decision on an entry already voided, or a decision the entry
    /// already has.
    AlreadyDecided,
}

/// One problem with one row of hours: `row` counts the rows given from 0 (a file's reader
/// turns it into a line), `field` names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HoursProblem {
    pub row: u32,
    pub field: String,
    pub code: HoursProblemCode,
    pub message: String,
}

impl HoursProblem {
    pub fn new(
        row: usize,
        field: &str,
        code: HoursProblemCode,
        message: impl Into<String>,
    ) -> Self {
        HoursProblem {
            row: u32::try_from(row).unwrap_or(u32::MAX),
            field: field.to_owned(),
            code,
            message: message.into(),
        }
    }
}

/// Dates shown to people: 21/07/2027.
pub fn uk_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// Minutes shown to people: "1 h 30 min", "45 min", "16 h".
pub fn hours_and_minutes(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// A day's volunteering is from 1 to 1440 minutes.
pub fn check_minutes(row: usize, minutes: u32) -> Option<HoursProblem> {
    (!(1..=MINUTES_IN_A_DAY).contains(&minutes)).then(|| {
        HoursProblem::new(
            row,
            "minutes",
            HoursProblemCode::MinutesOutOfRange,
            format!(
                "{minutes} minutes: a day's volunteering is from 1 to {MINUTES_IN_A_DAY} minutes"
            ),
        )
    })
}

/// One person logs at most 1440 minutes on one day: `minutes` more on `date`, beside the
/// `others` that stand already. Minutes out of range are `check_minutes`'s to report.
pub fn check_day_total(
    row: usize,
    date: NaiveDate,
    minutes: u32,
    others: u32,
) -> Option<HoursProblem> {
    let total = others + minutes;
    (minutes <= MINUTES_IN_A_DAY && total > MINUTES_IN_A_DAY).then(|| {
        HoursProblem::new(
            row,
            "minutes",
            HoursProblemCode::DayOverfull,
            format!(
                "{} on {} would make {} that day; one person can log at most 24 h a day",
                hours_and_minutes(minutes),
                uk_date(date),
                hours_and_minutes(total)
            ),
        )
    })
}

/// The checks on one new piece of volunteering that need nothing but its own fields: the
/// minutes are 1 to 1440, and the day is neither after `today` (Europe/London) nor before
/// the participant's programme started.
pub fn check_day_and_minutes(
    row: usize,
    date: NaiveDate,
    minutes: u32,
    today: NaiveDate,
    programme_starts: Option<NaiveDate>,
) -> Vec<HoursProblem> {
    let mut problems: Vec<HoursProblem> = check_minutes(row, minutes).into_iter().collect();
    if date > today {
        problems.push(HoursProblem::new(
            row,
            "date",
            HoursProblemCode::FutureDate,
            format!(
                "{} is in the future (today is {})",
                uk_date(date),
                uk_date(today)
            ),
        ));
    }
    if let Some(start) = programme_starts.filter(|&start| date < start) {
        problems.push(HoursProblem::new(
            row,
            "date",
            HoursProblemCode::BeforeProgramme,
            format!(
                "{} is before the participant's programme started on {}",
                uk_date(date),
                uk_date(start)
            ),
        ));
    }
    problems
}

/// The calendar date in Europe/London at an instant: the volunteering day and "today" as
/// staff in the UK mean them, whatever the clocks did.
pub fn london_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::London).date_naive()
}

/// An instant as staff read it: Europe/London date and time, "21/07/2027 14:05".
pub fn london_date_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::London)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn chain(date: &str, minutes: u32, status: Status) -> Effective {
        Effective {
            entry_id: Id::nil(),
            participant_id: Id::nil(),
            organisation_id: Id::nil(),
            date: day(date),
            minutes,
            status,
        }
    }

    #[test]
    fn the_window_ends_the_day_before_the_same_date_two_months_on() {
        assert_eq!(window_last_day(day("2027-07-21"), 2), day("2027-09-20"));
        assert_eq!(window_last_day(day("2027-12-31"), 2), day("2028-02-28"));
        assert_eq!(window_last_day(day("2027-01-31"), 1), day("2027-02-27"));
    }

    #[test]
    fn minutes_on_the_last_day_count_and_the_day_after_do_not() {
        let interview = &headstart_milestones()[1..];
        let first = chain("2027-07-21", 900, Status::Verified);
        let last = chain("2027-09-20", 60, Status::Verified);
        let after = chain("2027-09-21", 60, Status::Verified);
        let on_time = progress(&[&first, &last], interview, day("2027-09-20"));
        assert_eq!(on_time[0].reached_on, Some(day("2027-09-20")));
        let late = progress(&[&first, &after], interview, day("2027-09-21"));
        assert_eq!((late[0].reached_on, late[0].counted_minutes), (None, 900));
        assert!(late[0].missed && !late[0].at_risk);
    }

    #[test]
    fn short_with_two_weeks_left_is_at_risk_and_pending_minutes_do_not_count() {
        let interview = &headstart_milestones()[1..];
        let first = chain("2027-07-21", 600, Status::Verified);
        let waiting = chain("2027-07-22", 600, Status::Pending);
        let at = |today| progress(&[&first, &waiting], interview, day(today)).remove(0);
        assert!(!at("2027-09-06").at_risk, "15 days left");
        let risky = at("2027-09-07");
        assert_eq!(
            (risky.days_left, risky.at_risk, risky.counted_minutes),
            (Some(14), true, 600)
        );
        assert!(at("2027-09-20").at_risk);
    }

    #[test]
    fn a_day_is_checked_against_today_the_programme_start_and_its_length() {
        let today = day("2027-07-21");
        let start = Some(day("2027-07-01"));
        assert!(check_day_and_minutes(0, today, 1440, today, start).is_empty());
        let codes = |date, minutes| -> Vec<HoursProblemCode> {
            check_day_and_minutes(3, day(date), minutes, today, start)
                .into_iter()
                .map(|p| p.code)
                .collect()
        };
        assert_eq!(codes("2027-07-22", 60), [HoursProblemCode::FutureDate]);
        assert_eq!(codes("2027-06-30", 60), [HoursProblemCode::BeforeProgramme]);
        assert_eq!(
            codes("2027-07-01", 0),
            [HoursProblemCode::MinutesOutOfRange]
        );
        assert_eq!(
            codes("2027-07-01", 1441),
            [HoursProblemCode::MinutesOutOfRange]
        );
        let problem = &check_day_and_minutes(3, day("2027-07-22"), 60, today, start)[0];
        assert_eq!((problem.row, problem.field.as_str()), (3, "date"));
        assert_eq!(
            problem.message,
            "22/07/2027 is in the future (today is 21/07/2027)"
        );
    }

    #[test]
    fn minutes_read_as_hours_and_minutes() {
        assert_eq!(hours_and_minutes(45), "45 min");
        assert_eq!(hours_and_minutes(960), "16 h");
        assert_eq!(hours_and_minutes(90), "1 h 30 min");
    }

    #[test]
    fn the_london_day_follows_the_clocks() {
        // 23:30 UTC on the last Saturday of March 2027 is still Saturday in London (GMT);
        // an hour later the clocks have gone forward and it is Sunday 01:30 BST.
        let before = Utc.with_ymd_and_hms(2027, 3, 27, 23, 30, 0).unwrap();
        assert_eq!(london_date(before), day("2027-03-27"));
        assert_eq!(
            london_date(before + chrono::Duration::hours(1)),
            day("2027-03-28")
        );
        // In summer, 23:30 UTC is already tomorrow in London.
        let summer = Utc.with_ymd_and_hms(2027, 7, 21, 23, 30, 0).unwrap();
        assert_eq!(london_date(summer), day("2027-07-22"));
        // The last Sunday of October: 00:30 UTC is 01:30 BST, the same day.
        let autumn = Utc.with_ymd_and_hms(2027, 10, 31, 0, 30, 0).unwrap();
        assert_eq!(london_date(autumn), day("2027-10-31"));
    }
}
