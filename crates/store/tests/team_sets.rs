//! Saved team sets: kept in order, named uniquely per wave, only of the wave's people,
//! and written through the outbox.

mod common;

use common::{store, wave, SAMPLE};
use mixwell_store::{Placement, StoreError};

#[test]
fn team_sets_are_saved_in_order_with_their_placements_and_reach_the_outbox() {
    let (_dir, mut store) = store();
    let wave = wave(&mut store);
    let text = std::fs::read(SAMPLE).unwrap();
    store
        .import_roster(wave.id, mixwell_roster::parse(&text), &mut |_, _| {})
        .unwrap();
    let people = store.participants(wave.id).unwrap();
    let placements: Vec<Placement> = people
        .iter()
        .enumerate()
        .map(|(i, p)| Placement {
            participant_id: p.id,
            team: (i % 10) as u32,
            pinned: i == 0,
        })
        .collect();
    let before = store.pending_change_count().unwrap();
    let first = store
        .save_team_set(
            wave.id,
            "Day 1 – raft build",
            "{\"team_size\":12}",
            &placements,
        )
        .unwrap();
    // The set, then each of its members.
    assert_eq!(
        store.pending_change_count().unwrap(),
        before + 1 + placements.len() as u32
    );
    let second = store
        .save_team_set(wave.id, "Day 2", "{}", &placements[..10])
        .unwrap();

    let sets = store.team_sets(wave.id).unwrap();
    assert_eq!(
        sets.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["Day 1 – raft build", "Day 2"]
    );
    assert_eq!(sets[0].id, first.id);
    assert_eq!(sets[1].id, second.id);
    let mut saved = sets[0].placements.clone();
    let mut expected = placements.clone();
    saved.sort_by_key(|p| p.participant_id);
    expected.sort_by_key(|p| p.participant_id);
    assert_eq!(saved, expected);
    assert_eq!(sets[0].settings, "{\"team_size\":12}");

    let again = store.save_team_set(wave.id, "day 1 – RAFT build", "{}", &placements);
    assert!(
        matches!(again, Err(StoreError::NameTaken { .. })),
        "{again:?}"
    );
}

#[test]
fn a_team_set_cannot_place_someone_from_another_wave() {
    let (_dir, mut store) = store();
    let first = wave(&mut store);
    let programme = store.programmes(false).unwrap().remove(0);
    let other = store
        .create_wave(
            programme.id,
            &mixwell_store::NewWave {
                name: "Wave 2".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let text = std::fs::read(SAMPLE).unwrap();
    store
        .import_roster(other.id, mixwell_roster::parse(&text), &mut |_, _| {})
        .unwrap();
    let stranger = store.participants(other.id).unwrap()[0].id;
    let before = store.pending_change_count().unwrap();
    let result = store.save_team_set(
        first.id,
        "Day 1",
        "{}",
        &[Placement {
            participant_id: stranger,
            team: 0,
            pinned: false,
        }],
    );
    assert_eq!(result.unwrap_err().code(), "invalid_participant");
    assert!(store.team_sets(first.id).unwrap().is_empty());
    assert_eq!(store.pending_change_count().unwrap(), before);
}
