//! A process killed in the middle of an import leaves the database as it was before.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use common::*;
use mixwell_store::Store;

const CHILD_ENV: &str = "MIXWELL_TEST_KILL_CHILD_DB";
const TEST_NAME: &str = "a_process_killed_during_an_import_leaves_the_database_as_before";

fn demo_csv(size: usize) -> String {
    let rows = mixwell_roster::demo::roster(3, size);
    mixwell_roster::to_csv(rows.iter().map(|r| (&r.record, r.friends.as_slice())))
}

/// In the child: import a large roster and stop half way through, inside the transaction,
/// until the parent kills us.
fn child(path: &str) {
    let mut store = Store::open(
        std::path::Path::new(path),
        &mixwell_store::DatabaseKey::from_bytes([7; 32]),
    )
    .unwrap();
    let wave = store.find_wave(None, "Wave 1").unwrap();
    let roster = mixwell_roster::parse(demo_csv(2_000).as_bytes());
    let _ = store.import_roster(wave.id, roster, &mut |done, total| {
        if done == total / 2 {
            println!("halfway");
            std::io::stdout().flush().unwrap();
            loop {
                std::thread::park();
            }
        }
    });
    unreachable!("the parent kills this process half way through the import");
}

#[test]
fn a_process_killed_during_an_import_leaves_the_database_as_before() {
    if let Ok(path) = std::env::var(CHILD_ENV) {
        return child(&path);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixwell.sqlite");
    let (before_people, before_outbox) = {
        let mut store =
            Store::open(&path, &mixwell_store::DatabaseKey::from_bytes([7; 32])).unwrap();
        let wave = wave(&mut store);
        let small = mixwell_roster::parse(demo_csv(5).as_bytes());
        store.import_roster(wave.id, small, &mut |_, _| {}).unwrap();
        (store.participants(wave.id).unwrap(), outbox_len(&store))
    };

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reached_halfway = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|line| line.contains("halfway"));
    assert!(
        reached_halfway,
        "the child never reached the middle of the import"
    );
    child.kill().unwrap();
    child.wait().unwrap();

    let store = Store::open(&path, &mixwell_store::DatabaseKey::from_bytes([7; 32])).unwrap();
    let wave = store.find_wave(None, "Wave 1").unwrap();
    assert_eq!(store.participants(wave.id).unwrap(), before_people);
    assert_eq!(outbox_len(&store), before_outbox);
}
