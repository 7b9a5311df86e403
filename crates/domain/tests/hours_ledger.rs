//! The ledger's arithmetic on random histories: corrections and decisions in any order,
//! voids, adjustments and re-verifications, never counting a minute twice. Each event is
//! recorded at step `at` of the hybrid logical clock while the laptop's wall clock runs
//! backwards, so the fold is shown to follow the clock stamps, never the wall time.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use mixwell_domain::hours::{
    effective, totals, Decision, EntryKind, LedgerEntry, Status, Verification, VerifyMethod,
};
use mixwell_domain::{Hlc, Id};
use proptest::prelude::*;

/// One correction or decision about original `of`, recorded at `at` seconds.
#[derive(Debug, Clone)]
enum Step {
    Void { of: usize, at: i64 },
    Adjust { of: usize, at: i64, minutes: u32 },
    Decide { of: usize, at: i64, verified: bool },
}

fn instant(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 7, 1, 9, 0, 0).unwrap() + Duration::seconds(seconds)
}

/// The wall time a laptop whose clock runs backwards gives the event recorded at `at`.
fn wall(at: i64) -> DateTime<Utc> {
    instant(1_000 - at)
}

/// The hybrid logical clock stamp of the event recorded at `at`.
fn stamp(at: i64) -> String {
    Hlc {
        wall_ms: u64::try_from(at).unwrap(),
        counter: 0,
        device: id(3_000),
    }
    .to_sortable_string()
}

fn id(n: u128) -> Id {
    Id::from_u128(n)
}

fn entry(
    n: u128,
    kind: EntryKind,
    corrects: Option<Id>,
    person: u128,
    minutes: u32,
    at: i64,
) -> LedgerEntry {
    LedgerEntry {
        id: id(n),
        kind,
        corrects,
        participant_id: id(1_000 + person),
        organisation_id: id(2_000),
        date: NaiveDate::from_ymd_opt(2027, 7, 1).unwrap(),
        minutes,
        activity: String::new(),
        reason: String::new(),
        logged_by: "staff".into(),
        device_id: id(3_000),
        logged_at: wall(at),
        hlc: stamp(at),
    }
}

fn arb_history() -> impl Strategy<Value = (Vec<(u128, u32)>, Vec<Step>)> {
    prop::collection::vec((0u128..4, 1u32..=1440), 1..12).prop_flat_map(|originals| {
        let n = originals.len();
        let step = prop_oneof![
            (0..n, 1i64..1000).prop_map(|(of, at)| Step::Void { of, at }),
            (0..n, 1i64..1000, 1u32..=1440).prop_map(|(of, at, minutes)| Step::Adjust {
                of,
                at,
                minutes
            }),
            (0..n, 1i64..1000, any::<bool>()).prop_map(|(of, at, verified)| Step::Decide {
                of,
                at,
                verified
            }),
        ];
        (Just(originals), prop::collection::vec(step, 0..30))
    })
}

fn build(originals: &[(u128, u32)], steps: &[Step]) -> (Vec<LedgerEntry>, Vec<Verification>) {
    let mut entries: Vec<LedgerEntry> = originals
        .iter()
        .enumerate()
        .map(|(i, &(person, minutes))| {
            entry(i as u128 + 1, EntryKind::Original, None, person, minutes, 0)
        })
        .collect();
    let mut decisions = Vec::new();
    for (k, step) in steps.iter().enumerate() {
        let n = 100 + k as u128;
        match *step {
            Step::Void { of, at } => {
                let o = &entries[of];
                let e = entry(n, EntryKind::Void, Some(o.id), 0, 0, at);
                entries.push(LedgerEntry {
                    participant_id: o.participant_id,
                    ..e
                });
            }
            Step::Adjust { of, at, minutes } => {
                let o = &entries[of];
                let e = entry(n, EntryKind::Adjust, Some(o.id), 0, minutes, at);
                entries.push(LedgerEntry {
                    participant_id: o.participant_id,
                    ..e
                });
            }
            Step::Decide { of, at, verified } => decisions.push(Verification {
                id: id(n),
                entry_id: entries[of].id,
                decision: if verified {
                    Decision::Verified
                } else {
                    Decision::Rejected
                },
                method: VerifyMethod::Coordinator,
                by: "coordinator".into(),
                signature: None,
                device_id: id(3_000),
                at: wall(at),
                hlc: stamp(at),
            }),
        }
    }
    (entries, decisions)
}

/// What an original counts for, worked out another way: voided if any void names it;
/// otherwise the minutes of its latest adjustment, verified or rejected only when the
/// latest decision came after the latest adjustment.
fn expected(i: usize, minutes: u32, steps: &[Step]) -> (u32, Status) {
    let key = |at: i64, k: usize| (at, 100 + k);
    let mine = steps.iter().enumerate().filter(|(_, s)| match s {
        Step::Void { of, .. } | Step::Adjust { of, .. } | Step::Decide { of, .. } => *of == i,
    });
    if mine.clone().any(|(_, s)| matches!(s, Step::Void { .. })) {
        return (0, Status::Voided);
    }
    let adjusted = mine
        .clone()
        .filter_map(|(k, s)| match s {
            Step::Adjust { at, minutes, .. } => Some((key(*at, k), *minutes)),
            _ => None,
        })
        .max_by_key(|&(k, _)| k);
    let decided = mine
        .filter_map(|(k, s)| match s {
            Step::Decide { at, verified, .. } => Some((key(*at, k), *verified)),
            _ => None,
        })
        .max_by_key(|&(k, _)| k);
    let minutes = adjusted.map_or(minutes, |(_, m)| m);
    let status = match (adjusted, decided) {
        (_, None) => Status::Pending,
        (Some((a, _)), Some((d, _))) if a > d => Status::Pending,
        (_, Some((_, true))) => Status::Verified,
        (_, Some((_, false))) => Status::Rejected,
    };
    (minutes, status)
}

proptest! {
    #[test]
    fn totals_are_the_sum_of_each_entrys_last_word_counted_once(
        (originals, steps) in arb_history(), rotate in 0usize..40
    ) {
        let (mut entries, mut decisions) = build(&originals, &steps);
        // The order rows come in (from the database, from a sync) changes nothing.
        let len = entries.len();
        entries.rotate_left(rotate % len);
        if !decisions.is_empty() {
            let len = decisions.len();
            decisions.rotate_right(rotate % len);
        }
        let chains = effective(&entries, &decisions);
        prop_assert_eq!(chains.len(), originals.len(), "one chain per original");
        let mut verified = 0;
        let mut pending = 0;
        for (i, &(_, minutes)) in originals.iter().enumerate() {
            let chain = chains.iter().find(|c| c.entry_id == id(i as u128 + 1)).unwrap();
            let (m, status) = expected(i, minutes, &steps);
            prop_assert_eq!((chain.minutes, chain.status), (m, status), "entry {}", i);
            match status {
                Status::Verified => verified += m,
                Status::Pending => pending += m,
                _ => {}
            }
        }
        let all = totals(&chains);
        prop_assert_eq!((all.verified_minutes, all.pending_minutes), (verified, pending));
        // Per participant, the totals add up to the whole.
        let per_person: u32 = (0u128..4)
            .map(|p| totals(chains.iter().filter(|c| c.participant_id == id(1_000 + p))).verified_minutes)
            .sum();
        prop_assert_eq!(per_person, verified);
    }
}
