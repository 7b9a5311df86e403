//! One action, one transaction: when anything fails after an action's edit (here the
//! re-plan it causes, made to fail by a trigger the test installs in the real database
//! file), nothing of the action is kept: not the edit, not a turn, not an outbox entry.

#[path = "../../store/tests/common/mod.rs"]
mod common;

use common::{store, wave_in_teams};
use mixwell_actions::rota;
use mixwell_domain::{ErrorCode, Id};
use mixwell_store::Store;

/// A wave of 120 in 10 teams with its rota planned.
fn planned(store: &mut Store) -> (Id, rota::Rota) {
    let wave = wave_in_teams(store, "Day 1", 10);
    let planned = rota::plan(store, wave.id, None).unwrap();
    (wave.id, planned)
}

/// Makes every later write of a rota turn fail, as a full disk or a crash would.
fn break_turn_writes(path: &std::path::Path) {
    let conn =
        mixwell_store::raw_connection(path, &mixwell_store::DatabaseKey::from_bytes([7; 32]))
            .unwrap();
    conn.execute_batch(
        "CREATE TRIGGER injected_insert BEFORE INSERT ON rota_turn
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;
         CREATE TRIGGER injected_update BEFORE UPDATE ON rota_turn
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
    )
    .unwrap();
}

fn absences(path: &std::path::Path) -> i64 {
    let conn =
        mixwell_store::raw_connection(path, &mixwell_store::DatabaseKey::from_bytes([7; 32]))
            .unwrap();
    conn.query_row("SELECT count(*) FROM rota_absence", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_absence_whose_replan_fails_is_not_kept() {
    let (dir, mut store) = store();
    let path = dir.path().join("mixwell.sqlite");
    let (wave_id, before) = planned(&mut store);
    let leader = before.roles.iter().find(|r| r.leading).unwrap().id;
    let first = before.sessions[0].id;
    let away = before
        .turns
        .iter()
        .find(|t| t.session_id == first && t.role_id == leader)
        .unwrap()
        .participant_id;
    let changes = store.pending_change_count().unwrap();
    break_turn_writes(&path);

    let err = rota::set_absent(&mut store, wave_id, first, away, true).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Database, "{err}");

    assert_eq!(
        absences(&path),
        0,
        "the absence was kept without its re-plan"
    );
    assert_eq!(store.pending_change_count().unwrap(), changes);
    let after = rota::show(&store, wave_id).unwrap();
    assert_eq!(after.turns, before.turns);
    assert!(after.absences.is_empty());
}

#[test]
fn a_hand_edit_whose_replan_fails_is_not_kept() {
    let (dir, mut store) = store();
    let path = dir.path().join("mixwell.sqlite");
    let (wave_id, before) = planned(&mut store);
    let leader = before.roles.iter().find(|r| r.leading).unwrap().id;
    let second = before.sessions[1].id;
    let cell = before
        .turns
        .iter()
        .find(|t| t.session_id == second && t.role_id == leader && t.team == 0)
        .unwrap();
    let other = before.teams[0]
        .iter()
        .copied()
        .find(|&p| p != cell.participant_id)
        .unwrap();
    let changes = store.pending_change_count().unwrap();
    break_turn_writes(&path);

    rota::assign_turn(&mut store, wave_id, second, leader, other).unwrap_err();

    assert_eq!(store.pending_change_count().unwrap(), changes);
    assert_eq!(rota::show(&store, wave_id).unwrap().turns, before.turns);
}

/// After a failed action the store goes on, and the sequence numbers a device's changes
/// ship with still have no gap.
#[test]
fn the_store_keeps_working_after_a_failed_action() {
    let (dir, mut store) = store();
    let path = dir.path().join("mixwell.sqlite");
    let (wave_id, before) = planned(&mut store);
    let first = before.sessions[0].id;
    let away = before.teams[0][0];
    break_turn_writes(&path);
    rota::set_absent(&mut store, wave_id, first, away, true).unwrap_err();

    let conn =
        mixwell_store::raw_connection(&path, &mixwell_store::DatabaseKey::from_bytes([7; 32]))
            .unwrap();
    conn.execute_batch("DROP TRIGGER injected_insert; DROP TRIGGER injected_update;")
        .unwrap();
    let after = rota::set_absent(&mut store, wave_id, first, away, true).unwrap();
    assert_eq!(after.absences.len(), 1);
    assert!(after
        .turns
        .iter()
        .all(|t| !(t.session_id == first && t.participant_id == away)));
    assert_eq!(absences(&path), 1);
    // The numbers its changes ship with run 1, 2, 3… without a gap: the failed
    // action gave its numbers back.
    let mut seqs: Vec<u64> = store
        .pending_changes()
        .unwrap()
        .iter()
        .map(|c| c.device_seq)
        .collect();
    seqs.sort_unstable();
    let expected: Vec<u64> = (1..=seqs.len() as u64).collect();
    assert_eq!(seqs, expected);
    assert!(store
        .pending_changes()
        .unwrap()
        .iter()
        .all(|c| c.schema_version == mixwell_store::SCHEMA_VERSION as u32));
}
