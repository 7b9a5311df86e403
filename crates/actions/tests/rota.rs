//! A wave's rota in the database: the programme's roles and sessions, planning from a saved
//! team set, absences that re-plan, hand edits that stick, done turns that never change,
//! and every change through the outbox.

#[path = "../../store/tests/common/mod.rs"]
mod common;

use common::{save_dealt_teams, store, wave, wave_in_teams};
use mixwell_actions::rota::{self, Rota, RotaRule};
use mixwell_domain::ErrorCode;
use mixwell_domain::{Id, Wave};
use mixwell_store::{Store, StoreError};

/// A wave of 120 from the sample roster in 10 teams of 12, saved as a team set.
fn wave_with_teams(store: &mut Store) -> Wave {
    wave_in_teams(store, "Day 1", 10)
}

fn holder(rota: &Rota, session: Id, team: u32, role: Id) -> Option<Id> {
    rota.turns
        .iter()
        .find(|t| t.session_id == session && t.team == team && t.role_id == role)
        .map(|t| t.participant_id)
}

fn leading_role(rota: &Rota) -> Id {
    rota.roles.iter().find(|r| r.leading).unwrap().id
}

#[test]
fn a_new_programme_has_the_default_roles_and_sessions_and_staff_can_change_them() {
    let (_dir, mut store) = store();
    let wave = wave(&mut store);
    let programme = wave.programme_id;
    let roles = store.roles(programme).unwrap();
    assert_eq!(
        roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        mixwell_domain::programme::DEFAULT_ROLES
    );
    assert_eq!(
        roles.iter().filter(|r| r.leading).count(),
        1,
        "only Team Leader leads"
    );
    assert_eq!(store.sessions(programme).unwrap().len(), 8);

    let before = store.pending_change_count().unwrap();
    let captain = store.update_role(roles[0].id, "Captain", true).unwrap();
    assert_eq!(captain.name, "Captain");
    let planner = store.add_role(programme, "Planner", true).unwrap();
    store.remove_role(roles[4].id).unwrap();
    assert_eq!(store.pending_change_count().unwrap(), before + 3);
    let names: Vec<String> = store
        .roles(programme)
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(
        names,
        ["Captain", "Timekeeper", "Scribe", "Spokesperson", "Planner"]
    );
    // Sessions using every role follow the change.
    let first = &store.sessions(programme).unwrap()[0];
    assert!(first.all_roles);
    assert_eq!(first.roles.len(), 5);
    assert_eq!(first.roles[4], planner.id);

    let taken = store.add_role(programme, "captain", false);
    assert!(
        matches!(taken, Err(StoreError::NameTaken { .. })),
        "{taken:?}"
    );
    store.update_role(planner.id, "Planner", false).unwrap();
    let last_leader = store.update_role(captain.id, "Captain", false);
    assert_eq!(last_leader.unwrap_err().code(), "invalid_rota");
    let removed = store.remove_role(captain.id);
    assert_eq!(removed.unwrap_err().code(), "invalid_rota");

    let evening = store
        .add_session(programme, "Day 5 evening", Some(&[roles[1].id, captain.id]))
        .unwrap();
    assert!(!evening.all_roles);
    assert_eq!(evening.roles, [captain.id, roles[1].id], "programme order");
    let none = store.update_session(evening.id, "Day 5 evening", Some(&[]));
    assert_eq!(none.unwrap_err().code(), "invalid_rota");
}

#[test]
fn planning_needs_a_saved_team_set() {
    let (_dir, mut store) = store();
    let wave = wave(&mut store);
    let err = rota::plan(&mut store, wave.id, None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidRota);
    assert!(err.to_string().contains("team set"), "{err}");
    assert!(rota::show(&store, wave.id).unwrap().turns.is_empty());
}

#[test]
fn a_planned_rota_fills_every_role_of_every_team_in_every_session_fairly() {
    let (_dir, mut store) = store();
    let wave = wave_with_teams(&mut store);
    let before = store.pending_change_count().unwrap();
    let rota = rota::plan(&mut store, wave.id, None).unwrap();
    assert_eq!(rota.team_set_name.as_deref(), Some("Day 1"));
    assert_eq!(rota.teams.len(), 10);
    assert_eq!(rota.turns.len(), 8 * 10 * 5);
    assert!(store.pending_change_count().unwrap() >= before + 400);
    for turn in &rota.turns {
        assert!(rota.teams[turn.team as usize].contains(&turn.participant_id));
    }
    let breaking: Vec<_> = rota
        .fairness
        .warnings
        .iter()
        .filter(|w| w.rule != RotaRule::EqualStatus)
        .collect();
    assert!(breaking.is_empty(), "{breaking:?}");
    // Twelve per team and eight sessions: four in each team have not led.
    assert_eq!(rota.fairness.not_led_yet.len(), 40);
    assert_eq!(rota.current_session_id, Some(rota.sessions[0].id));
    // Planning again changes nothing and writes nothing.
    let count = store.pending_change_count().unwrap();
    let again = rota::plan(&mut store, wave.id, None).unwrap();
    assert_eq!(again.turns, rota.turns);
    assert_eq!(store.pending_change_count().unwrap(), count);
}

#[test]
fn marking_someone_away_replans_from_that_session_and_they_catch_up_next() {
    let (_dir, mut store) = store();
    let wave = wave_with_teams(&mut store);
    let rota = rota::plan(&mut store, wave.id, None).unwrap();
    let leader = leading_role(&rota);
    let (first, second) = (rota.sessions[0].id, rota.sessions[1].id);
    for turn in rota.turns.iter().filter(|t| t.session_id == first) {
        rota::set_turn_done(&mut store, turn.id, true).unwrap();
    }
    let away = holder(&rota, second, 0, leader).unwrap();
    let after = rota::set_absent(&mut store, wave.id, second, away, true).unwrap();

    assert!(after
        .turns
        .iter()
        .all(|t| !(t.session_id == second && t.participant_id == away)));
    let done_before: Vec<_> = rota
        .turns
        .iter()
        .filter(|t| t.session_id == first)
        .collect();
    for turn in done_before {
        let now = after.turns.iter().find(|t| t.id == turn.id).unwrap();
        assert_eq!(now.participant_id, turn.participant_id);
        assert!(now.done);
    }
    // They missed a turn: they catch up with one in the next session.
    let third = after.sessions[2].id;
    assert!(after
        .turns
        .iter()
        .any(|t| t.session_id == third && t.participant_id == away));
    let broken: Vec<_> = after
        .fairness
        .warnings
        .iter()
        .filter(|w| w.rule != RotaRule::EqualStatus)
        .collect();
    assert!(broken.is_empty(), "{broken:?}");
    assert_eq!(after.absences.len(), 1);

    // A done turn cannot have its holder marked away.
    let done = after.turns.iter().find(|t| t.done).unwrap();
    let err = rota::set_absent(&mut store, wave.id, first, done.participant_id, true).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidRota);

    let back = rota::set_absent(&mut store, wave.id, second, away, false).unwrap();
    assert!(back.absences.is_empty());
}

#[test]
fn a_hand_edit_is_kept_swaps_the_roles_and_warns_when_it_breaks_a_rule() {
    let (_dir, mut store) = store();
    let wave = wave_with_teams(&mut store);
    let rota = rota::plan(&mut store, wave.id, None).unwrap();
    let leader = leading_role(&rota);
    let (first, second) = (rota.sessions[0].id, rota.sessions[1].id);
    let led_first = holder(&rota, first, 3, leader).unwrap();
    let led_second = holder(&rota, second, 3, leader).unwrap();
    let old_role = rota
        .turns
        .iter()
        .find(|t| t.session_id == second && t.participant_id == led_first)
        .map(|t| t.role_id);

    let edited = rota::assign_turn(&mut store, wave.id, second, leader, led_first).unwrap();
    let cell = edited
        .turns
        .iter()
        .find(|t| t.session_id == second && t.team == 3 && t.role_id == leader)
        .unwrap();
    assert_eq!(cell.participant_id, led_first);
    assert!(cell.locked);
    if let Some(role) = old_role {
        assert_eq!(holder(&edited, second, 3, role), Some(led_second));
    }
    let warning = edited
        .fairness
        .warnings
        .iter()
        .find(|w| w.rule == RotaRule::LeadsInTurn)
        .expect("leading twice before the others is named");
    assert_eq!(warning.session_id, Some(second));
    assert_eq!(warning.team, Some(3));
    assert!(warning.participants.contains(&led_first));
    assert!(
        warning.message.contains("leads again in team 4"),
        "{}",
        warning.message
    );

    let replanned = rota::plan(&mut store, wave.id, None).unwrap();
    assert_eq!(holder(&replanned, second, 3, leader), Some(led_first));
    let unlocked = rota::unlock_turn(&mut store, cell.id).unwrap();
    assert!(
        !unlocked
            .turns
            .iter()
            .find(|t| t.id == cell.id)
            .unwrap()
            .locked
    );
}

#[test]
fn a_session_that_has_happened_cannot_be_removed_but_a_planned_one_goes_with_its_turns() {
    let (_dir, mut store) = store();
    let wave = wave_with_teams(&mut store);
    let rota = rota::plan(&mut store, wave.id, None).unwrap();
    let (first, last) = (rota.sessions[0].id, rota.sessions[7].id);
    rota::set_turn_done(
        &mut store,
        rota.turns
            .iter()
            .find(|t| t.session_id == first)
            .unwrap()
            .id,
        true,
    )
    .unwrap();
    let err = store.remove_session(first).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidRota);
    store.remove_session(last).unwrap();
    let after = rota::show(&store, wave.id).unwrap();
    assert_eq!(after.sessions.len(), 7);
    assert!(after.turns.iter().all(|t| t.session_id != last));
    assert_eq!(after.turns.len(), 7 * 10 * 5);
}

#[test]
fn a_later_team_set_keeps_everyones_turns_so_far() {
    let (_dir, mut store) = store();
    let wave = wave_with_teams(&mut store);
    let rota = rota::plan(&mut store, wave.id, None).unwrap();
    let first = rota.sessions[0].id;
    for turn in rota.turns.iter().filter(|t| t.session_id == first) {
        rota::set_turn_done(&mut store, turn.id, true).unwrap();
    }
    let set = save_dealt_teams(&mut store, &wave, "Day 2", 8);
    let moved = rota::plan(&mut store, wave.id, Some(set.id)).unwrap();
    assert_eq!(moved.teams.len(), 8);
    assert_eq!(moved.team_set_name.as_deref(), Some("Day 2"));
    let leader = leading_role(&moved);
    let led_on_day_one: Vec<Id> = moved
        .turns
        .iter()
        .filter(|t| t.session_id == first && t.role_id == leader)
        .map(|t| t.participant_id)
        .collect();
    assert_eq!(led_on_day_one.len(), 10, "done turns stay");
    let second = moved.sessions[1].id;
    for turn in moved
        .turns
        .iter()
        .filter(|t| t.session_id == second && t.role_id == leader)
    {
        assert!(
            !led_on_day_one.contains(&turn.participant_id),
            "someone who led in session 1 leads again at once"
        );
    }
}

/// A rota cell's id is its natural key (wave, session, team, role), so the same cell
/// planned on two laptops is one row once they sync; so is an absence.
#[test]
fn rota_cells_and_absences_have_the_ids_of_their_natural_keys() {
    let (_dir, mut store) = store();
    let wave = wave_with_teams(&mut store);
    let rota = rota::plan(&mut store, wave.id, None).unwrap();
    for turn in &rota.turns {
        assert_eq!(
            turn.id,
            mixwell_store::Turn::cell_id(wave.id, turn.session_id, turn.team, turn.role_id)
        );
    }
    let (session, person) = (rota.sessions[1].id, rota.teams[0][0]);
    rota::set_absent(&mut store, wave.id, session, person, true).unwrap();
    let absence_id = store
        .pending_changes()
        .unwrap()
        .into_iter()
        .rfind(|c| c.entity == mixwell_domain::Entity::RotaAbsence)
        .unwrap()
        .entity_id;
    let expected = mixwell_domain::natural_id(
        "rota_absence",
        &[
            &wave.id.to_string(),
            &session.to_string(),
            &person.to_string(),
        ],
    );
    assert_eq!(absence_id, expected.to_string());
}

/// Every removal reaches the outbox in one shape, whatever the table: the row named, no
/// columns.
#[test]
fn every_removal_is_one_tombstone_shape() {
    let (_dir, mut store) = store();
    let wave = wave_with_teams(&mut store);
    let rota = rota::plan(&mut store, wave.id, None).unwrap();
    let (session, person) = (rota.sessions[1].id, rota.teams[0][0]);
    rota::set_absent(&mut store, wave.id, session, person, true).unwrap();
    rota::set_absent(&mut store, wave.id, session, person, false).unwrap();
    rota::set_absent(&mut store, wave.id, rota.sessions[2].id, person, true).unwrap();
    store.remove_session(rota.sessions[2].id).unwrap();
    let removals: Vec<_> = store
        .pending_changes()
        .unwrap()
        .into_iter()
        .filter(|c| c.op == mixwell_domain::ChangeOp::Delete)
        .collect();
    let entities: std::collections::BTreeSet<&str> =
        removals.iter().map(|c| c.entity.as_str()).collect();
    assert_eq!(
        entities,
        ["programme_session", "rota_absence", "rota_turn"].into()
    );
    for removal in &removals {
        assert!(removal.fields.is_empty(), "{removal:?}");
    }
}
