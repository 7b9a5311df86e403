#![allow(dead_code)]

use mixwell_domain::Wave;
use mixwell_store::{NewWave, Store};

pub const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/sample_roster_120.csv"
);
pub const HEADER: &str = "id,first_name,last_name,date_of_birth,gender,ethnicity,faith,school,postcode,fsm,additional_needs,friends\n";

pub fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("mixwell.sqlite")).unwrap();
    (dir, store)
}

pub fn wave(store: &mut Store) -> Wave {
    let programme = store.create_programme("NCS Summer 2027").unwrap();
    store
        .create_wave(
            programme.id,
            &NewWave {
                name: "Wave 1".into(),
                site: "Castleton".into(),
                ..Default::default()
            },
        )
        .unwrap()
}

pub fn outbox_len(store: &Store) -> usize {
    store.pending_changes().unwrap().len()
}
