//! Volunteering hours in the database: logging with every check and nothing saved on a
//! problem, corrections and decisions appended (never edited), milestones per programme,
//! and every change through the outbox.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use common::{outbox_len, HEADER};
use mixwell_domain::hours::{Decision, HoursProblemCode, Status, VerifyMethod};
use mixwell_domain::Wave;
use mixwell_store::{Clock, NewHours, NewWave, Store, StoreError, Supervision};

/// A clock the test moves by hand.
#[derive(Clone)]
struct TestClock(Arc<AtomicU64>);

impl Clock for TestClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

impl TestClock {
    fn at(&self, y: i32, m: u32, d: u32, h: u32) {
        let t = Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap();
        self.0.store(
            u64::try_from(t.timestamp_millis()).unwrap(),
            Ordering::SeqCst,
        );
    }
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A store whose clock says 21/07/2027 midday, with a HeadStart wave that started on
/// 01/07/2027 and three participants (H1, H2, H3).
fn setup() -> (tempfile::TempDir, Store, TestClock, Wave) {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock(Arc::new(AtomicU64::new(0)));
    clock.at(2027, 7, 21, 12);
    let mut store = Store::open_with_clock(
        &dir.path().join("mixwell.sqlite"),
        &mixwell_store::DatabaseKey::from_bytes([7; 32]),
        Box::new(clock.clone()),
    )
    .unwrap();
    let programme = store.create_programme("HeadStart 2027").unwrap();
    let wave = store
        .create_wave(
            programme.id,
            &NewWave {
                name: "Sheffield".into(),
                starts_on: Some(day("2027-07-01")),
                ..Default::default()
            },
        )
        .unwrap();
    let csv = format!(
        "{HEADER}H1,Amara,Okafor,,,,,,,,,\nH2,Ben,Quinn,,,,,,,,,\nH3,Chloe,Evans,,,,,,,,,\n"
    );
    store
        .import_roster(
            wave.id,
            mixwell_roster::parse(csv.as_bytes()),
            &mut |_, _| {},
        )
        .unwrap();
    (dir, store, clock, wave)
}

fn hours(participant: &str, organisation: &str, date: &str, minutes: u32) -> NewHours {
    NewHours {
        participant: participant.into(),
        organisation: organisation.into(),
        date: day(date),
        minutes,
        activity: "Sorting donations".into(),
        supervision: None,
    }
}

fn problems(error: StoreError) -> Vec<(u32, String, HoursProblemCode)> {
    match error {
        StoreError::HoursRejected { problems } => problems
            .into_iter()
            .map(|p| (p.row, p.field, p.code))
            .collect(),
        other => panic!("expected rejected hours, got {other:?}"),
    }
}

/// A coordinator's approval.
fn verify(store: &mut Store, entry: mixwell_domain::Id) {
    store
        .decide_hours(
            entry,
            Decision::Verified,
            VerifyMethod::Coordinator,
            "Priya",
            None,
        )
        .unwrap();
}

fn participant_id(store: &Store, wave: &Wave, external: &str) -> mixwell_domain::Id {
    store
        .participants(wave.id)
        .unwrap()
        .into_iter()
        .find(|p| p.record.external_id == external)
        .unwrap()
        .id
}

#[test]
fn logged_hours_wait_for_a_decision_and_count_once_verified() {
    let (_dir, mut store, _clock, wave) = setup();
    let before = outbox_len(&store);
    let entry = store
        .log_hours(&[hours("H1", "Food Bank", "2027-07-20", 90)], "Sam", false)
        .unwrap()
        .remove(0);
    assert_eq!(entry.logged_by, "Sam");
    // The entry and the new organisation, through the outbox.
    assert_eq!(outbox_len(&store), before + 2);
    let h1 = participant_id(&store, &wave, "H1");
    let totals = store.participant_hours(h1).unwrap().totals;
    assert_eq!((totals.verified_minutes, totals.pending_minutes), (0, 90));

    verify(&mut store, entry.id);
    let standing = store.participant_hours(h1).unwrap();
    assert_eq!(
        (
            standing.totals.verified_minutes,
            standing.totals.pending_minutes
        ),
        (90, 0)
    );
    assert_eq!(
        standing.milestones[0].reached_on,
        Some(day("2027-07-20")),
        "1 hour unlocks workshops"
    );
    assert_eq!(standing.milestones[1].last_day, Some(day("2027-09-19")));
    let again = store
        .decide_hours(
            entry.id,
            Decision::Verified,
            VerifyMethod::Coordinator,
            "Priya",
            None,
        )
        .unwrap_err();
    assert_eq!(problems(again)[0].2, HoursProblemCode::AlreadyDecided);
}

#[test]
fn every_problem_in_a_batch_is_reported_with_its_row_and_nothing_is_saved() {
    let (_dir, mut store, _clock, wave) = setup();
    store
        .log_hours(
            &[hours("H2", "Food Bank", "2027-07-10", 1000)],
            "Sam",
            false,
        )
        .unwrap();
    let before = outbox_len(&store);
    let batch = [
        hours("H1", "Food Bank", "2027-07-20", 60),
        hours("H1", "Food Bank", "2027-07-22", 60),
        hours("H1", "Food Bank", "2027-06-30", 60),
        hours("H1", "Food Bank", "2027-07-19", 0),
        hours("H1", "Food Bank", "2027-07-18", 1441),
        hours("H2", "Park Trust", "2027-07-10", 500),
        hours("NOPE", "Food Bank", "2027-07-10", 60),
        hours("H2", "Food Bank", "2027-07-10", 30),
        hours("H3", "", "2027-07-10", 30),
    ];
    let found = problems(store.log_hours(&batch, "Sam", false).unwrap_err());
    use HoursProblemCode::*;
    assert_eq!(
        found,
        vec![
            (1, "date".into(), FutureDate),
            (2, "date".into(), BeforeProgramme),
            (3, "minutes".into(), MinutesOutOfRange),
            (4, "minutes".into(), MinutesOutOfRange),
            (5, "minutes".into(), DayOverfull),
            (6, "participant_id".into(), UnknownParticipant),
            (7, "organisation".into(), LikelyDuplicate),
            (8, "organisation".into(), MissingOrganisation),
        ]
    );
    assert_eq!(outbox_len(&store), before, "nothing saved");
    let h1 = participant_id(&store, &wave, "H1");
    assert_eq!(store.hours_timeline(h1).unwrap().entries.len(), 0);
    assert!(store.volunteering_organisations().unwrap().len() == 1);
}

#[test]
fn a_likely_duplicate_is_saved_only_when_allowed() {
    let (_dir, mut store, _clock, wave) = setup();
    let row = hours("H1", "Food Bank", "2027-07-20", 60);
    store
        .log_hours(std::slice::from_ref(&row), "Sam", false)
        .unwrap();
    let refused = store
        .log_hours(std::slice::from_ref(&row), "Sam", false)
        .unwrap_err();
    assert_eq!(
        problems(refused),
        vec![(0, "organisation".into(), HoursProblemCode::LikelyDuplicate)]
    );
    // Any spelling of the organisation's name is the same organisation.
    let shouting = hours("H1", "FOOD BANK", "2027-07-20", 60);
    assert!(store
        .log_hours(std::slice::from_ref(&shouting), "Sam", false)
        .is_err());
    store.log_hours(&[shouting], "Sam", true).unwrap();
    let h1 = participant_id(&store, &wave, "H1");
    assert_eq!(
        store.participant_hours(h1).unwrap().totals.pending_minutes,
        120
    );
    assert_eq!(store.volunteering_organisations().unwrap().len(), 1);
}

#[test]
fn corrections_are_new_entries_and_the_history_keeps_every_step() {
    let (dir, mut store, clock, wave) = setup();
    let entry = store
        .log_hours(&[hours("H1", "Food Bank", "2027-07-20", 120)], "Sam", false)
        .unwrap()
        .remove(0);
    verify(&mut store, entry.id);
    clock.at(2027, 7, 21, 13);
    let missing_reason = store.adjust_hours(entry.id, 90, " ", "Sam").unwrap_err();
    assert_eq!(
        problems(missing_reason)[0].2,
        HoursProblemCode::MissingReason
    );
    store
        .adjust_hours(entry.id, 90, "left at half past eleven", "Sam")
        .unwrap();
    let h1 = participant_id(&store, &wave, "H1");
    let totals = store.participant_hours(h1).unwrap().totals;
    assert_eq!(
        (totals.verified_minutes, totals.pending_minutes),
        (0, 90),
        "changed minutes need a new decision"
    );
    clock.at(2027, 7, 21, 14);
    let void = store
        .void_hours(entry.id, "logged for the wrong person", "Sam")
        .unwrap();
    assert_eq!(void.corrects, Some(entry.id));
    let timeline = store.hours_timeline(h1).unwrap();
    assert_eq!(timeline.entries.len(), 1);
    let history = &timeline.entries[0];
    assert_eq!(history.effective.status, Status::Voided);
    assert_eq!(history.corrections.len(), 2);
    assert_eq!(history.decisions.len(), 1);
    assert_eq!(history.organisation, "Food Bank");
    assert_eq!(timeline.hours.totals.pending_minutes, 0);
    let twice = store.void_hours(void.id, "again", "Sam").unwrap_err();
    assert_eq!(problems(twice)[0].2, HoursProblemCode::AlreadyDecided);

    // The ledger refuses edits and deletions at the database itself.
    drop(store);
    let conn = mixwell_store::raw_connection(
        dir.path().join("mixwell.sqlite"),
        &mixwell_store::DatabaseKey::from_bytes([7; 32]),
    )
    .unwrap();
    assert!(conn
        .execute("UPDATE hour_entry SET minutes = 600", [])
        .is_err());
    assert!(conn.execute("DELETE FROM hour_entry", []).is_err());
    assert!(conn.execute("DELETE FROM hour_verification", []).is_err());
}

#[test]
fn a_team_session_is_one_entry_each_and_a_supervisor_verifies_on_the_spot() {
    let (_dir, mut store, _clock, wave) = setup();
    let signed = Supervision {
        by: "Jo Malik".into(),
        signature: Some("M 1 1 L 20 5".into()),
    };
    let team: Vec<NewHours> = ["H1", "H2", "H3"]
        .iter()
        .map(|p| NewHours {
            supervision: Some(signed.clone()),
            ..hours(p, "Food Bank", "2027-07-17", 180)
        })
        .collect();
    let entries = store.log_hours(&team, "Sam", false).unwrap();
    assert_eq!(entries.len(), 3);
    let board = store.wave_hours(wave.id).unwrap();
    assert!(board.iter().all(|p| p.totals.verified_minutes == 180));
    assert!(store.pending_hours(wave.id).unwrap().is_empty());
    let h2 = participant_id(&store, &wave, "H2");
    let decision = &store.hours_timeline(h2).unwrap().entries[0].decisions[0];
    assert_eq!(decision.method, VerifyMethod::Supervisor);
    assert_eq!(decision.by, "Jo Malik");
    assert_eq!(decision.signature.as_deref(), Some("M 1 1 L 20 5"));
}

#[test]
fn the_interview_window_closes_two_calendar_months_after_the_first_day() {
    let (_dir, mut store, clock, wave) = setup();
    let first = store
        .log_hours(&[hours("H1", "Food Bank", "2027-07-05", 600)], "Sam", false)
        .unwrap()
        .remove(0);
    verify(&mut store, first.id);
    clock.at(2027, 8, 22, 9);
    let at_risk = |store: &Store| -> Vec<String> {
        store
            .wave_hours(wave.id)
            .unwrap()
            .into_iter()
            .filter(|p| p.milestones[1].at_risk)
            .map(|p| p.external_id)
            .collect()
    };
    assert_eq!(at_risk(&store), ["H1"], "14 days left, 10 of 16 hours");
    let last = store
        .log_hours(&[hours("H1", "Food Bank", "2027-08-21", 360)], "Sam", false)
        .unwrap()
        .remove(0);
    verify(&mut store, last.id);
    let h1 = participant_id(&store, &wave, "H1");
    let interview = store.participant_hours(h1).unwrap().milestones.remove(1);
    assert_eq!(interview.reached_on, Some(day("2027-08-21")));
    assert!(at_risk(&store).is_empty());
}

#[test]
fn milestones_are_the_programmes_own() {
    let (_dir, mut store, _clock, wave) = setup();
    let programme = wave.programme_id;
    let defaults = store.milestones(programme).unwrap();
    assert_eq!(
        defaults
            .iter()
            .map(|m| (m.minutes, m.within_months))
            .collect::<Vec<_>>(),
        [(60, None), (960, Some(2))]
    );
    store
        .update_milestone(defaults[1].id, "Interview", 1200, Some(3))
        .unwrap();
    store.add_milestone(programme, "Award", 3000, None).unwrap();
    assert!(matches!(
        store.add_milestone(programme, "award", 10, None),
        Err(StoreError::NameTaken { .. })
    ));
    assert!(matches!(
        store.add_milestone(programme, "Nothing", 0, None),
        Err(StoreError::InvalidMilestone(_))
    ));
    store.remove_milestone(defaults[0].id).unwrap();
    let names: Vec<String> = store
        .milestones(programme)
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(names, ["Interview", "Award"]);
    let h1 = participant_id(&store, &wave, "H1");
    assert_eq!(store.participant_hours(h1).unwrap().milestones.len(), 2);
}

#[test]
fn reports_per_participant_organisation_and_entry_add_up_in_csv_and_xlsx() {
    use calamine::Reader;
    use mixwell_store::HoursReportKind;
    let (_dir, mut store, _clock, wave) = setup();
    let logged = store
        .log_hours(
            &[
                hours("H1", "Food Bank", "2027-07-17", 180),
                hours("H2", "Food Bank", "2027-07-17", 120),
                hours("H2", "Park Trust", "2027-07-18", 60),
            ],
            "Sam",
            false,
        )
        .unwrap();
    verify(&mut store, logged[0].id);
    store.void_hours(logged[2].id, "wrong day", "Sam").unwrap();

    let people = store
        .hours_report(wave.id, HoursReportKind::Participants)
        .unwrap()
        .to_csv()
        .unwrap();
    let lines: Vec<&str> = people.lines().collect();
    assert!(lines[0].starts_with("participant_id,name,verified_minutes,pending_minutes,first_day"));
    assert!(
        lines.contains(&"H1,Amara Okafor,180,0,17/07/2027,17/07/2027,,,16/09/2027"),
        "{people}"
    );
    assert!(
        lines.contains(&"H2,Ben Quinn,0,120,17/07/2027,,,,16/09/2027"),
        "{people}"
    );
    assert_eq!(
        lines.last(),
        Some(&"Wave total,3 participants,180,120,,,,,")
    );

    let places = store
        .hours_report(wave.id, HoursReportKind::Organisations)
        .unwrap()
        .to_csv()
        .unwrap();
    assert_eq!(
        places.lines().collect::<Vec<_>>(),
        [
            "organisation,participants,entries,verified_minutes,pending_minutes",
            "Food Bank,2,2,180,120",
            "Wave total,2,2,180,120"
        ],
        "the voided entry is out of the count"
    );

    let entries = store
        .hours_report(wave.id, HoursReportKind::Entries)
        .unwrap();
    let xlsx = entries.to_xlsx().unwrap();
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = book.worksheet_range("Hours").unwrap();
    let cell = |r: u32, c: u32| {
        sheet
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(cell(0, 6), "status");
    let statuses: Vec<String> = (1..=3).map(|r| cell(r, 6)).collect();
    assert_eq!(statuses, ["Verified", "Pending", "Voided"]);
    assert_eq!(cell(1, 5), "180");
    assert_eq!(cell(1, 8), "Priya");
}

#[test]
fn ticked_entries_are_decided_together_or_not_at_all() {
    let (_dir, mut store, _clock, _wave) = setup();
    let entries = store
        .log_hours(
            &[
                hours("H1", "Food Bank", "2027-07-10", 60),
                hours("H2", "Food Bank", "2027-07-10", 90),
                hours("H3", "Food Bank", "2027-07-11", 30),
            ],
            "Sam",
            false,
        )
        .unwrap();
    let ids: Vec<_> = entries.iter().map(|e| e.id).collect();
    verify(&mut store, ids[1]);
    let before = outbox_len(&store);

    // The second is verified already: nothing of the batch is saved, and the refusal
    // names it by its place in the batch.
    let refused = store
        .decide_many_hours(&ids, Decision::Verified, VerifyMethod::Coordinator, "Priya")
        .unwrap_err();
    assert_eq!(
        problems(refused),
        vec![(1, "entry_id".to_owned(), HoursProblemCode::AlreadyDecided)]
    );
    assert_eq!(outbox_len(&store), before);
    assert_eq!(
        store
            .participant_hours(entries[0].participant_id)
            .unwrap()
            .totals
            .verified_minutes,
        0
    );

    let decided = store
        .decide_many_hours(
            &[ids[0], ids[2]],
            Decision::Verified,
            VerifyMethod::Coordinator,
            "Priya",
        )
        .unwrap();
    assert_eq!(decided.len(), 2);
    assert_eq!(
        store
            .participant_hours(entries[0].participant_id)
            .unwrap()
            .totals
            .verified_minutes,
        60
    );
    assert_eq!(
        store
            .participant_hours(entries[2].participant_id)
            .unwrap()
            .totals
            .verified_minutes,
        30
    );
    assert_eq!(outbox_len(&store), before + 2);
}

/// Regression: the ledger folded by each laptop's wall clock, so a correction made after
/// the clock went back sorted before the decision it followed and kept it verified.
#[test]
fn a_correction_made_after_the_clock_went_back_still_needs_a_new_decision() {
    let (_dir, mut store, clock, _wave) = setup();
    let entry = store
        .log_hours(&[hours("H1", "Food Bank", "2027-07-10", 60)], "Sam", false)
        .unwrap()
        .remove(0);
    verify(&mut store, entry.id);
    // The laptop's clock is set back two hours (a flat battery, a wrong time zone).
    clock.at(2027, 7, 21, 10);
    let adjusted = store
        .adjust_hours(entry.id, 90, "they stayed longer", "Sam")
        .unwrap();
    assert!(
        adjusted.logged_at
            < store.hours_timeline(entry.participant_id).unwrap().entries[0].decisions[0].at
    );
    let totals = store
        .participant_hours(entry.participant_id)
        .unwrap()
        .totals;
    assert_eq!((totals.verified_minutes, totals.pending_minutes), (0, 90));
    let timeline = store.hours_timeline(entry.participant_id).unwrap();
    assert_eq!(timeline.entries[0].effective.status, Status::Pending);
    assert!(timeline.entries[0].decisions[0].hlc < timeline.entries[0].corrections[0].hlc);
}
