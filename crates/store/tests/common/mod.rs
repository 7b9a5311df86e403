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
    let store = Store::open(
        &dir.path().join("mixwell.sqlite"),
        &mixwell_store::DatabaseKey::from_bytes([7; 32]),
    )
    .unwrap();
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

/// A wave of 120 from the sample roster, dealt round `teams` teams saved as the team set
/// `name`.
pub fn wave_in_teams(store: &mut Store, name: &str, teams: usize) -> Wave {
    let wave = wave(store);
    let text = std::fs::read(SAMPLE).unwrap();
    store
        .import_roster(wave.id, mixwell_roster::parse(&text), &mut |_, _| {})
        .unwrap();
    save_dealt_teams(store, &wave, name, teams);
    wave
}

/// Saves the wave's people dealt round `teams` teams as the team set `name`.
pub fn save_dealt_teams(
    store: &mut Store,
    wave: &Wave,
    name: &str,
    teams: usize,
) -> mixwell_store::TeamSet {
    let placements: Vec<mixwell_store::Placement> = store
        .participants(wave.id)
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, p)| mixwell_store::Placement {
            participant_id: p.id,
            team: (i % teams) as u32,
            pinned: false,
        })
        .collect();
    store
        .save_team_set(wave.id, name, "{}", &placements)
        .unwrap()
}

/// The key every test database is encrypted under.
pub fn key() -> mixwell_store::DatabaseKey {
    mixwell_store::DatabaseKey::from_bytes([7; 32])
}
