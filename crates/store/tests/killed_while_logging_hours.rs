//! A process killed while it logs hours keeps every entry it had acknowledged, and the
//! database is whole.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use chrono::{Duration, Utc};
use common::*;
use mixwell_store::{NewHours, Store};

const CHILD_ENV: &str = "MIXWELL_TEST_HOURS_CHILD_DB";
const TEST_NAME: &str = "a_process_killed_while_logging_keeps_every_acknowledged_entry";
const PEOPLE: usize = 5;

/// In the child: log one entry after another, printing each id once `log_hours` has
/// returned, until the parent kills us.
fn child(path: &str) {
    let mut store = Store::open(
        std::path::Path::new(path),
        &mixwell_store::DatabaseKey::from_bytes([7; 32]),
    )
    .unwrap();
    let wave = store.find_wave(None, "Wave 1").unwrap();
    let people: Vec<String> = store
        .participants(wave.id)
        .unwrap()
        .into_iter()
        .map(|p| p.record.external_id)
        .collect();
    let today = mixwell_domain::hours::london_date(Utc::now());
    for i in 0.. {
        let row = NewHours {
            participant: people[i % PEOPLE].clone(),
            organisation: format!("Charity {}", i % 7),
            date: today - Duration::days((i % 300) as i64),
            minutes: 1,
            activity: String::new(),
            supervision: None,
        };
        let entry = store.log_hours(&[row], "Sam", true).unwrap().remove(0);
        println!("ack {}", entry.id);
        std::io::stdout().flush().unwrap();
    }
}

#[test]
fn a_process_killed_while_logging_keeps_every_acknowledged_entry() {
    if let Ok(path) = std::env::var(CHILD_ENV) {
        return child(&path);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixwell.sqlite");
    {
        let mut store =
            Store::open(&path, &mixwell_store::DatabaseKey::from_bytes([7; 32])).unwrap();
        let wave = wave(&mut store);
        let rows = mixwell_roster::demo::roster(3, PEOPLE);
        let csv = mixwell_roster::to_csv(rows.iter().map(|r| (&r.record, r.friends.as_slice())));
        store
            .import_roster(
                wave.id,
                mixwell_roster::parse(csv.as_bytes()),
                &mut |_, _| {},
            )
            .unwrap();
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let acknowledged: Vec<String> = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| l.strip_prefix("ack ").map(str::to_owned))
        .take(200)
        .collect();
    // The child is still writing: the kill lands in the middle of whatever it is doing.
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(acknowledged.len(), 200, "the child stopped logging early");

    let conn =
        mixwell_store::raw_connection(&path, &mixwell_store::DatabaseKey::from_bytes([7; 32]))
            .unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    let store = Store::open(&path, &mixwell_store::DatabaseKey::from_bytes([7; 32])).unwrap();
    let wave = store.find_wave(None, "Wave 1").unwrap();
    let mut kept = std::collections::HashSet::new();
    for p in store.participants(wave.id).unwrap() {
        for e in store.hours_timeline(p.id).unwrap().entries {
            kept.insert(e.original.id.to_string());
        }
    }
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !kept.contains(*id))
        .collect();
    assert!(lost.is_empty(), "acknowledged entries lost: {lost:?}");
    let outbox: usize = store
        .pending_changes()
        .unwrap()
        .iter()
        .filter(|c| c.entity == mixwell_domain::Entity::HourEntry)
        .count();
    assert_eq!(outbox, kept.len(), "every entry kept has its outbox change");
}
