//! Several laptops, each with its own database, exchanging their changes: every replica
//! ends with the same tables, whatever order the changes arrive in and however often.

mod common;

use chrono::NaiveDate;
use common::HEADER;
use mixwell_domain::hours::{Decision, VerifyMethod};
use mixwell_domain::{Change, ChangeOp, Entity, Id};
use mixwell_store::{Absence, NewHours, NewWave, ParticipantUpdate, Placement, Store};
use proptest::prelude::*;

struct Laptop {
    _dir: tempfile::TempDir,
    store: Store,
}

fn laptop() -> Laptop {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        &dir.path().join("mixwell.sqlite"),
        &mixwell_store::DatabaseKey::from_bytes([7; 32]),
    )
    .unwrap();
    Laptop { _dir: dir, store }
}

const ROSTER: &str = "\
A1,Asha,Khan,2010-03-01,Female,Asian or Asian British,Muslim,Oak College,S1 1AA,Yes,No,A2
A2,Ben,Quinn,2010-05-01,Male,White,No religion,Elm School,S1 2BB,No,No,
A3,Cara,Jones,2010-07-01,Female,Black or Black British,Christian,Oak College,S2 3CC,No,Yes,
A4,Dev,Patel,2010-09-01,Male,Asian or Asian British,Hindu,Ash Academy,S2 4DD,Yes,No,A1
A5,Ella,Smith,2010-11-01,Female,White,Christian,Elm School,S3 5EE,No,No,
A6,Femi,Adeyemi,2011-01-01,Male,Black or Black British,Muslim,Ash Academy,S3 6FF,No,No,";

/// A programme, a wave and its roster, as a coordinator sets them up on any laptop.
fn set_up(store: &mut Store) -> Id {
    let wave = common::wave(store);
    let text = format!("{HEADER}{ROSTER}\n");
    store
        .import_roster(
            wave.id,
            mixwell_roster::parse(text.as_bytes()),
            &mut |_, _| {},
        )
        .unwrap();
    wave.id
}

/// The wave's people dealt round `teams` teams, in roster order.
fn deal(store: &Store, wave: Id, teams: u32) -> Vec<Placement> {
    store
        .participants(wave)
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, p)| Placement {
            participant_id: p.id,
            team: i as u32 % teams,
            pinned: false,
        })
        .collect()
}

fn everything(store: &Store) -> Vec<Change> {
    store.changes_after(0).unwrap()
}

/// Gives `to` every change `from` has made.
fn deliver(from: &Store, to: &mut Store) {
    to.apply_changes(&everything(from)).unwrap();
}

fn participant(store: &Store, wave: Id, roster_id: &str) -> mixwell_domain::Participant {
    store.find_participant(wave, roster_id).unwrap()
}

fn edit(store: &mut Store, wave: Id, roster_id: &str, change: impl FnOnce(&mut ParticipantUpdate)) {
    let person = participant(store, wave, roster_id);
    let mut update = ParticipantUpdate {
        record: person.record.clone(),
        friends: Vec::new(),
        keep_apart: Vec::new(),
        keep_together: Vec::new(),
    };
    change(&mut update);
    store.update_participant(person.id, &update).unwrap();
}

#[test]
fn replaying_a_laptops_changes_into_an_empty_store_reproduces_it() {
    let mut a = laptop();
    let wave = set_up(&mut a.store);
    let people = a.store.participants(wave).unwrap();
    let mut placements = deal(&a.store, wave, 2);
    placements[0].pinned = true;
    let set = a
        .store
        .save_team_set(wave, "Day 1", "{}", &placements)
        .unwrap();
    a.store
        .set_rota_basis(
            wave,
            mixwell_store::RotaBasis {
                team_set_id: set.id,
                seed: 1,
            },
        )
        .unwrap();
    let programme = a.store.wave(wave).unwrap().programme_id;
    let session = a.store.sessions(programme).unwrap()[1].id;
    let absence = Absence {
        session_id: session,
        participant_id: people[2].id,
    };
    a.store.set_absence(wave, &absence, true).unwrap();
    edit(&mut a.store, wave, "A3", |u| {
        u.record.school = "Birch High".into()
    });
    let entries = a
        .store
        .log_hours(
            &[NewHours {
                participant: "A1".into(),
                organisation: "Food Bank".into(),
                date: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                minutes: 90,
                activity: "Sorting".into(),
                supervision: None,
            }],
            "Sam",
            false,
        )
        .unwrap();
    a.store
        .decide_hours(
            entries[0].id,
            Decision::Verified,
            VerifyMethod::Coordinator,
            "Priya",
            None,
        )
        .unwrap();
    a.store
        .void_hours(entries[0].id, "logged twice", "Priya")
        .unwrap();
    a.store
        .remove_session(a.store.sessions(programme).unwrap()[7].id)
        .unwrap();
    a.store
        .rename_programme(programme, "NCS Summer 2027")
        .unwrap();

    let mut b = laptop();
    let applied = b.store.apply_changes(&everything(&a.store)).unwrap();
    assert_eq!(applied.applied as usize, everything(&a.store).len());
    assert_eq!(applied.waiting, 0);
    assert_eq!(
        b.store.synced_rows().unwrap(),
        a.store.synced_rows().unwrap()
    );
    assert_eq!(
        b.store.pending_change_count().unwrap(),
        0,
        "nothing of A's is B's to send"
    );

    let again = b.store.apply_changes(&everything(&a.store)).unwrap();
    assert_eq!(
        (again.applied, again.duplicates as usize),
        (0, everything(&a.store).len())
    );
    assert_eq!(
        b.store.synced_rows().unwrap(),
        a.store.synced_rows().unwrap()
    );
}

/// School corrected on one laptop, faith on another: both corrections survive.
#[test]
fn concurrent_edits_of_different_fields_both_survive() {
    let (mut a, mut b) = (laptop(), laptop());
    let wave = set_up(&mut a.store);
    deliver(&a.store, &mut b.store);
    edit(&mut a.store, wave, "A2", |u| {
        u.record.school = "Birch High".into()
    });
    edit(&mut b.store, wave, "A2", |u| {
        u.record.faith = "Jewish".into()
    });
    let school_change = a
        .store
        .changes_after(0)
        .unwrap()
        .into_iter()
        .rfind(|c| c.entity == Entity::Participant)
        .unwrap();
    assert_eq!(school_change.op, ChangeOp::Update);
    assert_eq!(
        school_change.fields.keys().collect::<Vec<_>>(),
        ["school"],
        "only the field that changed travels"
    );
    deliver(&a.store, &mut b.store);
    deliver(&b.store, &mut a.store);
    for laptop in [&a, &b] {
        let person = participant(&laptop.store, wave, "A2");
        assert_eq!(person.record.school, "Birch High");
        assert_eq!(person.record.faith, "Jewish");
    }
    assert_eq!(
        a.store.synced_rows().unwrap(),
        b.store.synced_rows().unwrap()
    );
}

/// The same roster imported on two laptops that never met is one programme, one wave and
/// one record per young person once they sync.
#[test]
fn the_same_roster_set_up_on_two_laptops_is_one_record_per_young_person() {
    let (mut a, mut b) = (laptop(), laptop());
    let wave_a = set_up(&mut a.store);
    let wave_b = set_up(&mut b.store);
    assert_eq!(
        wave_a, wave_b,
        "the same name in the same programme is the same wave"
    );
    deliver(&a.store, &mut b.store);
    deliver(&b.store, &mut a.store);
    for laptop in [&a, &b] {
        assert_eq!(laptop.store.programmes(true).unwrap().len(), 1);
        assert_eq!(laptop.store.participants(wave_a).unwrap().len(), 6);
        let programme = laptop.store.wave(wave_a).unwrap().programme_id;
        assert_eq!(laptop.store.roles(programme).unwrap().len(), 5);
    }
    assert_eq!(
        a.store.synced_rows().unwrap(),
        b.store.synced_rows().unwrap()
    );
}

/// Two laptops each save a team set called "Day 1": after sync both are there, one renamed
/// where everyone can see it, the same way on both laptops.
#[test]
fn a_name_clash_is_settled_by_a_visible_rename_never_a_failed_sync() {
    let (mut a, mut b) = (laptop(), laptop());
    let wave = set_up(&mut a.store);
    deliver(&a.store, &mut b.store);
    a.store
        .save_team_set(wave, "Day 1", "{}", &deal(&a.store, wave, 2))
        .unwrap();
    b.store
        .save_team_set(wave, "day 1", "{}", &deal(&b.store, wave, 3))
        .unwrap();
    deliver(&a.store, &mut b.store);
    deliver(&b.store, &mut a.store);
    let names = |store: &Store| -> Vec<String> {
        let mut names: Vec<String> = store
            .team_sets(wave)
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(&a.store).len(), 2);
    assert!(
        names(&a.store).iter().any(|n| n.ends_with(" (2)")),
        "{:?}",
        names(&a.store)
    );
    assert_eq!(names(&a.store), names(&b.store));
    assert_eq!(
        a.store.synced_rows().unwrap(),
        b.store.synced_rows().unwrap()
    );

    // The renamed set's later edits do not turn the shown name into a change of its own.
    let before = b.store.pending_change_count().unwrap();
    b.store.acknowledge(before as u64 + 1_000).unwrap();
    assert_eq!(b.store.pending_change_count().unwrap(), 0);
}

/// A change from a newer version of Mixwell is refused, and nothing of its batch is kept.
#[test]
fn a_change_from_a_newer_schema_is_refused_and_changes_nothing() {
    let (mut a, mut b) = (laptop(), laptop());
    set_up(&mut a.store);
    let mut changes = everything(&a.store);
    changes.last_mut().unwrap().schema_version = 9_999;
    let refused = b.store.apply_changes(&changes).unwrap_err();
    assert_eq!(refused.code(), mixwell_domain::ErrorCode::NewerChange);
    assert!(b.store.programmes(true).unwrap().is_empty());
    assert_eq!(b.store.apply_changes(&changes[..1]).unwrap().applied, 1);
}

/// A laptop whose clock is set a year ahead: its changes are merged, the receiving clock
/// does not follow it, and the receipt says how many were too far ahead.
#[test]
fn a_stamp_far_in_the_future_is_clamped_and_flagged() {
    let (mut a, mut b) = (laptop(), laptop());
    set_up(&mut a.store);
    let mut changes = everything(&a.store);
    let year_ahead = mixwell_domain::Hlc {
        wall_ms: 4_102_444_800_000,
        counter: 0,
        device: a.store.device_id(),
    };
    changes[0].hlc = year_ahead.to_sortable_string();
    let applied = b.store.apply_changes(&changes).unwrap();
    assert_eq!(applied.clamped, 1);
    b.store.create_programme("Later").unwrap();
    let own = b.store.pending_changes().unwrap();
    assert!(
        own[0].hlc < year_ahead.to_sortable_string(),
        "the clock did not jump a year"
    );
}

/// Regression: a laptop received a school set under a clock more than a day ahead (clamped,
/// so its own clock stayed behind), then staff corrected the school on it. Its correction
/// was stamped before the value it replaced: it showed the correction, every other replica
/// kept the old school. Found by the sync simulation (`crates/hub/tests/simulation.rs`).
#[test]
fn a_correction_of_a_value_from_a_clock_far_ahead_stands_on_every_replica() {
    let (mut a, mut b) = (laptop(), laptop());
    let wave = set_up(&mut a.store);
    deliver(&a.store, &mut b.store);
    edit(&mut a.store, wave, "A1", |u| {
        u.record.school = "Far Ahead College".into()
    });
    let mut ahead = a.store.pending_changes().unwrap();
    let school = ahead
        .iter_mut()
        .rev()
        .find(|c| c.entity == Entity::Participant && c.fields.contains_key("school"))
        .unwrap();
    let mut stamp = mixwell_domain::Hlc::parse_sortable(&school.hlc).unwrap();
    stamp.wall_ms += 3 * 24 * 60 * 60 * 1000;
    school.hlc = stamp.to_sortable_string();
    let applied = b.store.apply_changes(&ahead).unwrap();
    assert_eq!(applied.clamped, 1);
    assert_eq!(
        participant(&b.store, wave, "A1").record.school,
        "Far Ahead College"
    );

    edit(&mut b.store, wave, "A1", |u| {
        u.record.school = "Oak College".into()
    });
    let mut c = laptop();
    c.store.apply_changes(&ahead).unwrap();
    deliver(&b.store, &mut c.store);
    a.store.apply_changes(&ahead).unwrap();
    deliver(&b.store, &mut a.store);
    for replica in [&a.store, &b.store, &c.store] {
        assert_eq!(
            participant(replica, wave, "A1").record.school,
            "Oak College"
        );
    }
}

/// A change that names a column its table does not have is refused with where it came from.
#[test]
fn a_change_naming_an_unknown_column_is_refused() {
    let (mut a, mut b) = (laptop(), laptop());
    set_up(&mut a.store);
    let mut changes = everything(&a.store);
    changes[1].fields.insert("colour".into(), "red".into());
    let refused = b.store.apply_changes(&changes).unwrap_err().to_string();
    assert!(refused.contains("colour"), "{refused}");
    assert!(refused.contains("change 2"), "{refused}");
    assert!(b.store.programmes(true).unwrap().is_empty());
}

#[test]
fn regression_a_removal_of_a_participant_is_refused_not_left_to_break_the_ledger() {
    let (mut a, mut b) = (laptop(), laptop());
    let wave = set_up(&mut a.store);
    deliver(&a.store, &mut b.store);
    let asha = participant(&a.store, wave, "A1");
    let mut removal = everything(&a.store)
        .into_iter()
        .find(|c| c.entity == Entity::Participant && c.entity_id == asha.id.to_string())
        .unwrap();
    removal.op = ChangeOp::Delete;
    removal.device_seq += 1_000;
    let refused = b.store.apply_changes(&[removal]).unwrap_err().to_string();
    assert!(refused.contains("never removed"), "{refused}");
    assert_eq!(b.store.participants(wave).unwrap().len(), 6);
}

/// What a person may do on a laptop, in the test's words.
#[derive(Debug, Clone)]
enum Step {
    School(usize, usize),
    Faith(usize, usize),
    Away(usize, usize, bool),
    TeamSet(usize, u32),
    Hours(usize, u32),
    VerifyLast,
    RenameProgramme(usize),
    RemoveSession(usize),
    NewWave(usize),
    Placement(usize, usize),
}

const SCHOOLS: [&str; 3] = ["Oak College", "Elm School", "Birch High"];
const NAMES: [&str; 3] = ["Day 1", "Day 2", "day 1"];
const ROSTER_IDS: [&str; 6] = ["A1", "A2", "A3", "A4", "A5", "A6"];

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..6usize, 0..3usize).prop_map(|(p, s)| Step::School(p, s)),
        (0..6usize, 0..3usize).prop_map(|(p, s)| Step::Faith(p, s)),
        (0..6usize, 0..8usize, any::<bool>()).prop_map(|(p, s, a)| Step::Away(p, s, a)),
        (0..3usize, 1..4u32).prop_map(|(n, t)| Step::TeamSet(n, t)),
        (0..6usize, 1..300u32).prop_map(|(p, m)| Step::Hours(p, m)),
        Just(Step::VerifyLast),
        (0..3usize).prop_map(Step::RenameProgramme),
        (0..8usize).prop_map(Step::RemoveSession),
        (0..2usize).prop_map(Step::NewWave),
        (0..6usize, 0..2usize).prop_map(|(p, o)| Step::Placement(p, o)),
    ]
}

/// Takes a step; a step the laptop refuses (a name taken, a session already gone) changes
/// nothing, as for a person.
fn take(store: &mut Store, wave: Id, step: &Step) {
    let programme = store.wave(wave).unwrap().programme_id;
    let person = |store: &Store, p: usize| participant(store, wave, ROSTER_IDS[p]);
    let _ = match step {
        Step::School(p, s) => {
            edit(store, wave, ROSTER_IDS[*p], |u| {
                u.record.school = SCHOOLS[*s].into()
            });
            Ok(())
        }
        Step::Faith(p, s) => {
            edit(store, wave, ROSTER_IDS[*p], |u| {
                u.record.faith = ["Muslim", "Christian", "Sikh"][*s].into()
            });
            Ok(())
        }
        Step::Away(p, s, away) => {
            let sessions = store.sessions(programme).unwrap();
            match sessions.get(*s) {
                Some(session) => {
                    let absence = Absence {
                        session_id: session.id,
                        participant_id: person(store, *p).id,
                    };
                    store.set_absence(wave, &absence, *away)
                }
                None => Ok(()),
            }
        }
        Step::TeamSet(n, teams) => {
            let placements = deal(store, wave, *teams);
            store
                .save_team_set(wave, NAMES[*n], "{}", &placements)
                .map(|_| ())
        }
        Step::Hours(p, minutes) => store
            .log_hours(
                &[NewHours {
                    participant: person(store, *p).id.to_string(),
                    organisation: "Food Bank".into(),
                    date: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
                    minutes: *minutes,
                    activity: String::new(),
                    supervision: None,
                }],
                "Sam",
                true,
            )
            .map(|_| ()),
        Step::VerifyLast => {
            let last = store
                .changes_after(0)
                .unwrap()
                .into_iter()
                .rfind(|c| c.entity == Entity::HourEntry);
            match last {
                Some(change) => store
                    .decide_hours(
                        change.entity_id.parse().unwrap(),
                        Decision::Verified,
                        VerifyMethod::Coordinator,
                        "Priya",
                        None,
                    )
                    .map(|_| ()),
                None => Ok(()),
            }
        }
        Step::RenameProgramme(n) => store
            .rename_programme(programme, ["NCS Summer", "NCS 2027", "Summer"][*n])
            .map(|_| ()),
        Step::RemoveSession(s) => match store.sessions(programme).unwrap().get(*s) {
            Some(session) => store.remove_session(session.id),
            None => Ok(()),
        },
        Step::NewWave(n) => store
            .create_wave(
                programme,
                &NewWave {
                    name: ["Wave 2", "wave 3"][*n].into(),
                    ..Default::default()
                },
            )
            .map(|_| ()),
        Step::Placement(p, o) => {
            let id = person(store, *p).id;
            store
                .save_volunteering_organisation(["Food Bank", "Library"][*o], "", "")
                .and_then(|place| store.place_volunteer(id, place.id, "Jo", None))
                .map(|_| ())
        }
    };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Three laptops share a wave, then work apart; each then receives the others'
    /// changes in its own shuffled order, some of them twice, in batches. Every laptop,
    /// and a new one given everything, ends with the same tables.
    #[test]
    fn replicas_converge_whatever_the_order_and_duplicates(
        steps in prop::collection::vec(prop::collection::vec(step(), 0..8), 3),
        order in prop::collection::vec(any::<u64>(), 3),
        batch in 1..20usize,
    ) {
        let mut laptops: Vec<Laptop> = (0..3).map(|_| laptop()).collect();
        let wave = set_up(&mut laptops[0].store);
        let base = everything(&laptops[0].store);
        for other in &mut laptops[1..] {
            other.store.apply_changes(&base).unwrap();
        }
        for (laptop, steps) in laptops.iter_mut().zip(&steps) {
            for step in steps {
                take(&mut laptop.store, wave, step);
            }
        }
        let all: Vec<Change> = laptops.iter().flat_map(|l| everything(&l.store)).collect();
        for (laptop, seed) in laptops.iter_mut().zip(&order) {
            let mut mine: Vec<Change> = all.clone();
            // A deterministic shuffle, with every fifth change sent again.
            let mut state = *seed | 1;
            let mut next = || { state ^= state << 13; state ^= state >> 7; state ^= state << 17; state };
            for i in (1..mine.len()).rev() {
                let j = (next() % (i as u64 + 1)) as usize;
                mine.swap(i, j);
            }
            let again: Vec<Change> = mine.iter().step_by(5).cloned().collect();
            mine.extend(again);
            for chunk in mine.chunks(batch) {
                laptop.store.apply_changes(chunk).unwrap();
            }
        }
        let mut fresh = laptop();
        fresh.store.apply_changes(&all).unwrap();
        let expected = fresh.store.synced_rows().unwrap();
        for (i, laptop) in laptops.iter().enumerate() {
            let rows = laptop.store.synced_rows().unwrap();
            for (table, held) in &rows {
                prop_assert_eq!(held, &expected[table], "laptop {} table {}", i, table);
            }
        }
    }
}

/// Two laptops revoke the same certificate offline, for different reasons: after sync
/// both show the same revocation (the earliest), and hold the same rows.
#[test]
fn a_certificate_revoked_on_two_laptops_shows_the_same_revocation_on_both() {
    let (mut a, mut b) = (laptop(), laptop());
    let wave = set_up(&mut a.store);
    let someone = participant(&a.store, wave, "A1").id;
    a.store
        .record_certificate(&mixwell_store::NewCertificate {
            number: "2027-AAAA-BBBB",
            code: "0000-0000-0001-1",
            participant_id: someone,
            facts_digest: "00",
            issued_at: "2027-08-21T09:30:00Z",
            issued_by: "Priya",
            credential: "{}",
            status: None,
        })
        .unwrap();
    deliver(&a.store, &mut b.store);
    a.store
        .revoke_certificate("2027-AAAA-BBBB", "hours voided", "Priya")
        .unwrap();
    b.store
        .revoke_certificate("2027-AAAA-BBBB", "logged for the wrong person", "Sam")
        .unwrap();
    deliver(&a.store, &mut b.store);
    deliver(&b.store, &mut a.store);
    let on_a = a.store.certificate_by_number("2027-AAAA-BBBB").unwrap();
    let on_b = b.store.certificate_by_number("2027-AAAA-BBBB").unwrap();
    assert!(on_a.revocation.is_some());
    assert_eq!(on_a.revocation, on_b.revocation);
    assert_eq!(
        a.store.synced_rows().unwrap(),
        b.store.synced_rows().unwrap()
    );
}
