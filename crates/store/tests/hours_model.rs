//! The hours ledger in the database against a model of it, on random sequences of logging,
//! voids, adjustments and decisions: the store accepts exactly what the model allows, and
//! every total it reports equals the model's and the sum of the entries' effective history.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use common::HEADER;
use mixwell_domain::hours::{Decision, Status, VerifyMethod, MINUTES_IN_A_DAY};
use mixwell_domain::Id;
use mixwell_store::{Clock, NewHours, NewWave, Store};
use proptest::prelude::*;

struct Ticking(Arc<AtomicU64>);

impl Clock for Ticking {
    fn now_ms(&self) -> u64 {
        // Every call a millisecond later, so recorded order is the order of the calls.
        self.0.fetch_add(1, Ordering::SeqCst)
    }
}

const PEOPLE: usize = 3;

#[derive(Debug, Clone)]
enum Op {
    Log {
        person: usize,
        day: i64,
        minutes: u32,
    },
    Void {
        entry: usize,
    },
    Adjust {
        entry: usize,
        minutes: u32,
    },
    Decide {
        entry: usize,
        verified: bool,
    },
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        4 => (0..PEOPLE, 0..5i64, prop_oneof![1u32..400, 700u32..1440]).prop_map(|(person, day, minutes)| Op::Log { person, day, minutes }),
        1 => (0..40usize).prop_map(|entry| Op::Void { entry }),
        1 => (0..40usize, 1u32..900).prop_map(|(entry, minutes)| Op::Adjust { entry, minutes }),
        2 => (0..40usize, any::<bool>()).prop_map(|(entry, verified)| Op::Decide { entry, verified }),
    ];
    prop::collection::vec(op, 1..30)
}

/// What each original entry should count for.
#[derive(Clone)]
struct Model {
    person: usize,
    day: i64,
    minutes: u32,
    status: Status,
}

fn standing_on(model: &[Model], person: usize, day: i64, except: Option<usize>) -> u32 {
    model
        .iter()
        .enumerate()
        .filter(|&(i, m)| {
            Some(i) != except
                && m.person == person
                && m.day == day
                && matches!(m.status, Status::Pending | Status::Verified)
        })
        .map(|(_, m)| m.minutes)
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_store_counts_what_the_model_counts(ops in ops()) {
        let dir = tempfile::tempdir().unwrap();
        let start = Utc.with_ymd_and_hms(2027, 7, 21, 11, 0, 0).unwrap().timestamp_millis();
        let clock = Ticking(Arc::new(AtomicU64::new(u64::try_from(start).unwrap())));
        let mut store = Store::open_with_clock(&dir.path().join("m.sqlite"), &mixwell_store::DatabaseKey::from_bytes([7; 32]), Box::new(clock)).unwrap();
        let programme = store.create_programme("HeadStart").unwrap();
        let wave = store
            .create_wave(
                programme.id,
                &NewWave { name: "W".into(), starts_on: NaiveDate::from_ymd_opt(2027, 7, 1), ..Default::default() },
            )
            .unwrap();
        let csv = format!("{HEADER}P0,A,A,,,,,,,,,\nP1,B,B,,,,,,,,,\nP2,C,C,,,,,,,,,\n");
        store.import_roster(wave.id, mixwell_roster::parse(csv.as_bytes()), &mut |_, _| {}).unwrap();
        let ids: Vec<Id> = (0..PEOPLE)
            .map(|p| store.find_participant_ref(&format!("P{p}")).unwrap())
            .collect();
        let first_day = NaiveDate::from_ymd_opt(2027, 7, 14).unwrap();
        let mut model: Vec<Model> = Vec::new();
        let mut entry_ids: Vec<Id> = Vec::new();
        for op in ops {
            match op {
                Op::Log { person, day, minutes } => {
                    let allowed = standing_on(&model, person, day, None) + minutes <= MINUTES_IN_A_DAY;
                    let result = store.log_hours(
                        &[NewHours {
                            participant: format!("P{person}"),
                            organisation: "Food Bank".into(),
                            date: first_day + Duration::days(day),
                            minutes,
                            activity: String::new(),
                            supervision: None,
                        }],
                        "Test",
                        true,
                    );
                    prop_assert_eq!(result.is_ok(), allowed, "log {} min for P{} on day {}", minutes, person, day);
                    if let Ok(mut entries) = result {
                        entry_ids.push(entries.remove(0).id);
                        model.push(Model { person, day, minutes, status: Status::Pending });
                    }
                }
                Op::Void { entry } if entry < model.len() => {
                    let allowed = model[entry].status != Status::Voided;
                    let result = store.void_hours(entry_ids[entry], "test", "Test");
                    prop_assert_eq!(result.is_ok(), allowed);
                    if allowed {
                        model[entry].status = Status::Voided;
                        model[entry].minutes = 0;
                    }
                }
                Op::Adjust { entry, minutes } if entry < model.len() => {
                    let m = &model[entry];
                    let allowed = m.status != Status::Voided
                        && standing_on(&model, m.person, m.day, Some(entry)) + minutes <= MINUTES_IN_A_DAY;
                    let result = store.adjust_hours(entry_ids[entry], minutes, "test", "Test");
                    prop_assert_eq!(result.is_ok(), allowed);
                    if allowed {
                        model[entry].minutes = minutes;
                        model[entry].status = Status::Pending;
                    }
                }
                Op::Decide { entry, verified } if entry < model.len() => {
                    let (decision, status) = if verified {
                        (Decision::Verified, Status::Verified)
                    } else {
                        (Decision::Rejected, Status::Rejected)
                    };
                    let allowed = !matches!(model[entry].status, Status::Voided) && model[entry].status != status;
                    let result = store.decide_hours(entry_ids[entry], decision, VerifyMethod::Coordinator, "Priya", None);
                    prop_assert_eq!(result.is_ok(), allowed);
                    if allowed {
                        model[entry].status = status;
                    }
                }
                _ => {}
            }
        }
        let board: HashMap<Id, (u32, u32)> = store
            .wave_hours(wave.id)
            .unwrap()
            .into_iter()
            .map(|p| (p.participant_id, (p.totals.verified_minutes, p.totals.pending_minutes)))
            .collect();
        for (person, id) in ids.iter().enumerate() {
            let sum = |status: Status| -> u32 {
                model.iter().filter(|m| m.person == person && m.status == status).map(|m| m.minutes).sum()
            };
            let expected = (sum(Status::Verified), sum(Status::Pending));
            let mine = store.participant_hours(*id).unwrap().totals;
            prop_assert_eq!((mine.verified_minutes, mine.pending_minutes), expected);
            prop_assert_eq!(board[id], expected);
            let timeline = store.hours_timeline(*id).unwrap();
            let from_history: u32 = timeline.entries.iter().map(|e| e.effective.verified()).sum();
            prop_assert_eq!(from_history, expected.0);
            prop_assert_eq!(
                timeline.entries.len(),
                model.iter().filter(|m| m.person == person).count()
            );
        }
    }
}
