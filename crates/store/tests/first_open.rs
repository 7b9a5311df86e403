//! Regression: SQLCipher finishes initialising only after SQLite says it is initialised, so
//! a thread that opened a database while another was making the process's first connection
//! was refused its key ("An error occurred with PRAGMA key or rekey"), seen in CI as a
//! test that failed to open its store. This binary holds one test so that its threads
//! make the process's first connections.

use std::sync::{Arc, Barrier};

use mixwell_store::{DatabaseKey, Store};

#[test]
fn stores_opened_at_once_by_the_first_threads_of_a_process_all_open() {
    const THREADS: usize = 8;
    let start = Arc::new(Barrier::new(THREADS));
    let opened: Vec<_> = (0..THREADS)
        .map(|_| {
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                let dir = tempfile::tempdir().unwrap();
                start.wait();
                Store::open(
                    &dir.path().join("mixwell.sqlite"),
                    &DatabaseKey::from_bytes([7; 32]),
                )
                .map(|_| ())
                .map_err(|e| e.to_string())
            })
        })
        .collect();
    for thread in opened {
        let result = thread.join().unwrap();
        assert!(result.is_ok(), "{result:?}");
    }
}
