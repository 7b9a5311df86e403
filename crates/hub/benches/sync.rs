//! Sync through a real hub process on loopback (release build, `mixwell hub serve`):
//! one laptop pushing 10,000 hour entries, 50 laptops pushing 1,000 each at once, a new
//! laptop pulling the whole record (over 100,000 changes), compacting it after a term of
//! corrections and a new laptop pulling what is left, and the hub's memory. Every
//! laptop has its own database. Run with `cargo bench -p mixwell-hub --bench sync` after
//! `cargo build --release -p mixwell-cli`; `MIXWELL_BENCH_HUB_DB=postgres://…` runs the hub
//! on PostgreSQL instead of SQLite. The figures are recorded in BENCHMARKS.md.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use mixwell_domain::hours::london_date;
use mixwell_hub::{Hub, NewEnrolment};
use mixwell_store::{NewHours, NewWave, Store};
use mixwell_sync::wire::DeviceRole;
use mixwell_sync::{HttpTransport, HubClient};

const PEOPLE: usize = 1_000;
const DEVICES: usize = 50;
const BIG_PUSHES: usize = 5;

struct Laptop {
    store: Store,
    _dir: tempfile::TempDir,
}

fn laptop(hub: &Hub, url: &str, role: DeviceRole, programmes: &[&str]) -> Laptop {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(
        &dir.path().join("mixwell.sqlite"),
        &mixwell_store::DatabaseKey::from_bytes([7; 32]),
    )
    .expect("open");
    let code = hub
        .create_enrolment(&NewEnrolment {
            label: "Bench laptop".into(),
            role,
            programmes: programmes.iter().map(|p| p.to_string()).collect(),
        })
        .expect("code");
    mixwell_sync::enrol(&mut store, url, &code).expect("enrol");
    Laptop { store, _dir: dir }
}

fn programme_with_people(store: &mut Store, name: &str, seed: u64) {
    let programme = store.create_programme(name).expect("programme");
    let wave = store
        .create_wave(
            programme.id,
            &NewWave {
                name: "Wave 1".into(),
                starts_on: Some(NaiveDate::from_ymd_opt(2026, 1, 1).expect("date")),
                ..Default::default()
            },
        )
        .expect("wave");
    let roster = mixwell_roster::demo::roster(seed, PEOPLE);
    let csv = mixwell_roster::to_csv(roster.iter().map(|r| (&r.record, r.friends.as_slice())));
    store
        .import_roster(
            wave.id,
            mixwell_roster::parse(csv.as_bytes()),
            &mut |_, _| {},
        )
        .expect("roster");
}

/// `days` entries of 30 minutes for each of the programme's participants, one per day
/// from `first_day` days ago backwards.
fn log(store: &mut Store, programme: &str, first_day: usize, days: usize) -> usize {
    let wave = store.find_wave(Some(programme), "Wave 1").expect("wave");
    let people = store.participants(wave.id).expect("participants");
    let today = london_date(Utc::now());
    let mut rows = Vec::new();
    for d in 0..days {
        let date = today - chrono::Duration::days((first_day + d) as i64);
        for p in &people {
            rows.push(NewHours {
                participant: p.record.external_id.clone(),
                organisation: "Hope Food Bank".into(),
                date,
                minutes: 30,
                activity: "Sorting donations".into(),
                supervision: None,
            });
        }
    }
    for chunk in rows.chunks(2_000) {
        store.log_hours(chunk, "Bench", false).expect("hours");
    }
    rows.len()
}

fn sync(store: &mut Store) -> mixwell_sync::Report {
    mixwell_sync::sync_now(store).expect("sync")
}

fn memory_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The hub process, ended however the benchmark ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_hub(binary: &str, database: &str) -> (Running, String) {
    let mut child = Command::new(binary)
        .args([
            "hub",
            "serve",
            "--database",
            database,
            "--listen",
            "127.0.0.1:0",
            // The bench compacts at a moment of its own, to time it.
            "--compact-every",
            "0",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the release mixwell binary (cargo build --release -p mixwell-cli)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the hub's first line");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("the hub's address")
        .to_string();
    (Running(child), url)
}

fn seconds(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let binary = std::env::var("MIXWELL_BIN").unwrap_or(format!("{root}/target/release/mixwell"));
    let dir = tempfile::tempdir().expect("temp dir");
    let database = std::env::var("MIXWELL_BENCH_HUB_DB")
        .unwrap_or_else(|_| dir.path().join("hub.sqlite").display().to_string());
    let hub = Hub::open(&database).expect("hub database");
    hub.init("Bench Youth Trust").expect("init");
    let (server, url) = start_hub(&binary, &database);
    println!("hub: {} ({})", url, hub.backend_kind());

    let setup = Instant::now();
    let mut office = laptop(&hub, &url, DeviceRole::Coordinator, &[]);
    programme_with_people(&mut office.store, "Bench solo", 1);
    programme_with_people(&mut office.store, "Bench fifty", 2);
    sync(&mut office.store);
    eprintln!("setup: the office laptop in {}", seconds(setup.elapsed()));

    // 50 laptops at once, 1,000 entries each.
    let mut fifty: Vec<Laptop> = (0..DEVICES)
        .map(|_| {
            let mut l = laptop(&hub, &url, DeviceRole::FieldStaff, &["Bench fifty"]);
            sync(&mut l.store);
            l
        })
        .collect();
    eprintln!(
        "setup: {DEVICES} laptops enrolled and synced in {}",
        seconds(setup.elapsed())
    );
    for (i, l) in fifty.iter_mut().enumerate() {
        log(&mut l.store, "Bench fifty", i % 200, 1);
    }
    eprintln!("setup: their hours logged in {}", seconds(setup.elapsed()));
    let before = hub.record_counts().expect("counts").0;
    let started = Instant::now();
    let pushed: u32 = std::thread::scope(|scope| {
        let handles: Vec<_> = fifty
            .iter_mut()
            .map(|l| {
                scope.spawn(move || {
                    let url = l
                        .store
                        .sync_link()
                        .expect("link")
                        .expect("enrolled")
                        .hub_url;
                    let client = HubClient::new(HttpTransport::new(&url).expect("address"));
                    mixwell_sync::push_only(&mut l.store, &client)
                        .expect("push")
                        .pushed
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("laptop")).sum()
    });
    let fifty_time = started.elapsed();
    let after = hub.record_counts().expect("counts").0;
    // Each laptop's entries, and its own first sight of the volunteering organisation
    // (the same row on every laptop: one id by its name).
    assert_eq!(
        after - before,
        (DEVICES * (PEOPLE + 1)) as u64,
        "nothing lost"
    );
    let peak = memory_kib(server.0.id(), "VmHWM:");
    let resident = memory_kib(server.0.id(), "VmRSS:");
    println!(
        "{DEVICES} laptops × {PEOPLE} entries pushed at once: {} ({pushed} changes, all on the hub)",
        seconds(fifty_time)
    );
    println!(
        "hub memory after them: {} MiB resident, {} MiB at the peak",
        resident / 1024,
        peak / 1024
    );
    drop(fifty);

    // One laptop pushing 10,000 entries, a fresh laptop each run.
    let mut times = Vec::new();
    for run in 0..BIG_PUSHES {
        let mut l = laptop(&hub, &url, DeviceRole::FieldStaff, &["Bench solo"]);
        sync(&mut l.store);
        let logged = log(&mut l.store, "Bench solo", run * 10, 10);
        let started = Instant::now();
        let report = sync(&mut l.store);
        times.push(started.elapsed());
        assert!(report.pushed as usize >= logged, "every entry");
    }
    times.sort();
    println!(
        "one laptop pushing 10,000 entries: median {}, slowest {} ({BIG_PUSHES} runs)",
        seconds(times[BIG_PUSHES / 2]),
        seconds(times[BIG_PUSHES - 1])
    );

    // A new coordinator laptop pulls the whole record.
    let total = hub.record_counts().expect("counts").0;
    let mut newcomer = laptop(&hub, &url, DeviceRole::Coordinator, &[]);
    let started = Instant::now();
    let report = sync(&mut newcomer.store);
    let pull_time = started.elapsed();
    println!(
        "a new laptop pulling the record of {total} changes: {} ({} merged)",
        seconds(pull_time),
        report.pulled
    );
    // A term of corrections at the office (every young person's school, five times over),
    // then the record compacted and pulled by another new laptop.
    let wave = office
        .store
        .find_wave(Some("Bench fifty"), "Wave 1")
        .expect("wave");
    let people = office.store.participants(wave.id).expect("participants");
    for round in 0..5 {
        for p in &people {
            let mut record = p.record.clone();
            record.school = format!("School {round}");
            let update = mixwell_store::ParticipantUpdate {
                record,
                friends: p.friends.clone(),
                keep_apart: p.keep_apart.clone(),
                keep_together: p.keep_together.clone(),
            };
            office
                .store
                .update_participant(p.id, &update)
                .expect("update");
        }
    }
    sync(&mut office.store);
    let started = Instant::now();
    let compacted = hub.compact().expect("compact");
    println!(
        "compacting the record of {} changes: {} ({} taken out)",
        compacted.before,
        seconds(started.elapsed()),
        compacted.removed
    );
    let mut another = laptop(&hub, &url, DeviceRole::Coordinator, &[]);
    let started = Instant::now();
    let report = sync(&mut another.store);
    println!(
        "a new laptop pulling the compacted record: {} ({} merged)",
        seconds(started.elapsed()),
        report.pulled
    );
    assert_eq!(
        another.store.synced_rows().expect("rows"),
        office.store.synced_rows().expect("rows"),
        "the compacted record gives what the office holds"
    );
    println!(
        "hub memory at the end: {} MiB resident, {} MiB at the peak",
        memory_kib(server.0.id(), "VmRSS:") / 1024,
        memory_kib(server.0.id(), "VmHWM:") / 1024
    );
    drop(server);
}
