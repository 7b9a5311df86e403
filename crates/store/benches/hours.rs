//! Volunteering hours with 100,000 entries in the database (ten waves of 600, about 17
//! entries each, half verified, one in twenty adjusted): a participant's totals and
//! milestones, a wave's board of 600, and logging a team's session of 15. Prints the median
//! and slowest of several runs; the figures are recorded in BENCHMARKS.md. Run with
//! `cargo bench -p mixwell-store --bench hours`.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use mixwell_domain::hours::{london_date, Decision, VerifyMethod};
use mixwell_domain::Id;
use mixwell_store::{NewHours, NewWave, Store};

const WAVES: usize = 10;
const PEOPLE: usize = 600;
const ENTRIES: usize = 100_000;
const RUNS: usize = 21;

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{what:<52} median {:>7.2} ms   slowest {:>7.2} ms",
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
}

fn day(today: NaiveDate, back: usize) -> NaiveDate {
    today - chrono::Duration::days(back as i64)
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(
        &dir.path().join("hours.sqlite"),
        &mixwell_store::DatabaseKey::from_bytes([7; 32]),
    )
    .expect("open");
    let programme = store.create_programme("HeadStart").expect("programme");
    let today = london_date(Utc::now());
    let start = Instant::now();
    let mut waves = Vec::new();
    let per_person = ENTRIES / (WAVES * PEOPLE);
    let mut logged = 0;
    for w in 0..WAVES {
        let wave = store
            .create_wave(
                programme.id,
                &NewWave {
                    name: format!("Wave {w}"),
                    ..Default::default()
                },
            )
            .expect("wave");
        let roster = mixwell_roster::demo::roster(w as u64, PEOPLE);
        let csv = mixwell_roster::to_csv(roster.iter().map(|r| (&r.record, r.friends.as_slice())));
        store
            .import_roster(
                wave.id,
                mixwell_roster::parse(csv.as_bytes()),
                &mut |_, _| {},
            )
            .expect("roster");
        let people: Vec<Id> = store
            .participants(wave.id)
            .expect("participants")
            .iter()
            .map(|p| p.id)
            .collect();
        let extra = (ENTRIES - per_person * WAVES * PEOPLE) / WAVES;
        for k in 0..per_person + 1 {
            let rows: Vec<NewHours> = people
                .iter()
                .enumerate()
                .filter(|&(i, _)| k < per_person || i < extra)
                .map(|(i, p)| NewHours {
                    participant: p.to_string(),
                    organisation: format!("Charity {}", (i + k) % 40),
                    date: day(today, 1 + k * 3 + i % 3),
                    minutes: 60 + ((i * 7 + k * 13) % 180) as u32,
                    activity: "Volunteering".into(),
                    supervision: None,
                })
                .collect();
            if rows.is_empty() {
                continue;
            }
            let entries = store.log_hours(&rows, "Bench", true).expect("log");
            logged += entries.len();
            for (n, e) in entries.iter().enumerate() {
                if n % 2 == 0 {
                    store
                        .decide_hours(
                            e.id,
                            Decision::Verified,
                            VerifyMethod::Coordinator,
                            "Coordinator",
                            None,
                        )
                        .expect("verify");
                } else if n % 20 == 1 {
                    store
                        .adjust_hours(e.id, 45, "left early", "Bench")
                        .expect("adjust");
                }
            }
        }
        waves.push((wave.id, people));
    }
    println!(
        "{logged} entries in {WAVES} waves of {PEOPLE}, set up in {:.0} s; {RUNS} runs each",
        start.elapsed().as_secs_f64()
    );
    let (wave, people) = &waves[WAVES / 2];

    let times = (0..RUNS)
        .map(|i| {
            let who = people[(i * 37) % PEOPLE];
            let t = Instant::now();
            let hours = store.participant_hours(who).expect("totals");
            let elapsed = t.elapsed();
            assert!(hours.totals.verified_minutes + hours.totals.pending_minutes > 0);
            elapsed
        })
        .collect();
    report("a participant's totals and milestones", times);

    let times = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            let board = store.wave_hours(*wave).expect("board");
            let elapsed = t.elapsed();
            assert_eq!(board.len(), PEOPLE);
            elapsed
        })
        .collect();
    report("a wave's board of 600", times);

    let times = (0..RUNS)
        .map(|run| {
            let team: Vec<NewHours> = people[run * 15..run * 15 + 15]
                .iter()
                .map(|p| NewHours {
                    participant: p.to_string(),
                    organisation: "Food Bank".into(),
                    date: today,
                    minutes: 180,
                    activity: "Food bank morning".into(),
                    supervision: None,
                })
                .collect();
            let t = Instant::now();
            store
                .log_hours(&team, "Bench", false)
                .expect("team session");
            t.elapsed()
        })
        .collect();
    report("logging a team's session of 15", times);
}
