//! A year of HeadStart completions: 2,500 young people in one wave, each with five
//! supervised (so verified) pieces of volunteering at two organisations, and every
//! certificate exported at once into a folder: issued (signed with eddsa-rdfc-2022,
//! recorded, laid out as a PDF/A-3 with its credential attached), then exported again
//! unchanged (the stored credentials laid out again), then into a ZIP. Figures are recorded
//! in BENCHMARKS.md. Run with `cargo bench -p mixwell-actions --bench certificates`.

use std::time::Instant;

use chrono::Utc;
use mixwell_actions::certificates::{export_wave_certificates, WaveSelection};
use mixwell_actions::Operator;
use mixwell_domain::hours::london_date;
use mixwell_store::{NewHours, NewWave, Store, Supervision};

const PEOPLE: usize = 2_500;
const ENTRIES_EACH: usize = 5;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(
        &dir.path().join("certificates.sqlite"),
        &mixwell_store::DatabaseKey::from_bytes([7; 32]),
    )
    .expect("open");
    let programme = store.create_programme("HeadStart").expect("programme");
    let today = london_date(Utc::now());
    let wave = store
        .create_wave(
            programme.id,
            &NewWave {
                name: "2027 completions".into(),
                starts_on: Some(today - chrono::Duration::days(50)),
                ..Default::default()
            },
        )
        .expect("wave");
    let roster = mixwell_roster::demo::roster(7, PEOPLE);
    let csv = mixwell_roster::to_csv(roster.iter().map(|r| (&r.record, r.friends.as_slice())));
    store
        .import_roster(
            wave.id,
            mixwell_roster::parse(csv.as_bytes()),
            &mut |_, _| {},
        )
        .expect("roster");
    let people = store.participants(wave.id).expect("participants");
    let rows: Vec<NewHours> = people
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            (0..ENTRIES_EACH).map(move |e| NewHours {
                participant: p.id.to_string(),
                organisation: ["Hope Food Bank", "Peak Park Conservation Trust"][e % 2].into(),
                date: today - chrono::Duration::days((e * 7 + i % 5) as i64 + 1),
                minutes: 60 + ((i * 37 + e * 53) % 240) as u32,
                activity: "Volunteering".into(),
                supervision: Some(Supervision {
                    by: "Supervisor".into(),
                    signature: None,
                }),
            })
        })
        .collect();
    store.log_hours(&rows, "Bench", true).expect("hours");
    let operator = Operator::named("Coordinator");

    let run = |store: &mut Store, what: &str, out: &std::path::Path| {
        let start = Instant::now();
        let report = export_wave_certificates(
            store,
            wave.id,
            WaveSelection::Verified,
            out,
            &operator,
            &mut |_, _| true,
        )
        .expect("export");
        let seconds = start.elapsed().as_secs_f64();
        assert_eq!(report.written as usize, PEOPLE);
        let bytes: u64 = if out.is_dir() {
            std::fs::read_dir(out)
                .expect("folder")
                .map(|e| e.expect("entry").metadata().expect("size").len())
                .sum()
        } else {
            std::fs::metadata(out).expect("zip").len()
        };
        println!(
            "{what:<58} {seconds:>6.2} s  ({:.1} ms each, {} newly issued, {:.0} MiB)",
            seconds * 1e3 / PEOPLE as f64,
            report.newly_issued,
            bytes as f64 / (1 << 20) as f64
        );
    };
    run(
        &mut store,
        "2,500 certificates issued and written to a folder",
        &dir.path().join("first"),
    );
    run(
        &mut store,
        "the same 2,500 again, unchanged, to another folder",
        &dir.path().join("again"),
    );
    run(
        &mut store,
        "the same 2,500 into a ZIP",
        &dir.path().join("wave.zip"),
    );
}
