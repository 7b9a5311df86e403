//! Rota commands: the programme's roles and sessions, and a wave's rota (plan, mark done or
//! away, set a turn by hand, print the sheets). Each is one call of `mixwell_actions` or the store.

use mixwell_actions::rota::{self, Rota};
use mixwell_domain::Id;
use mixwell_store::{ProgrammeRole, ProgrammeSession};

use crate::teams::save_in_downloads;
use mixwell_domain::Permission;
use tauri::State;

use crate::{AppError, AppState};

type Reply<T> = Result<T, AppError>;

#[tauri::command]
#[specta::specta]
pub async fn list_roles(state: State<'_, AppState>, programme_id: Id) -> Reply<Vec<ProgrammeRole>> {
    state
        .run(Permission::ViewWave, move |s, _| s.roles(programme_id))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn add_role(
    state: State<'_, AppState>,
    programme_id: Id,
    name: String,
    leading: bool,
) -> Reply<ProgrammeRole> {
    state
        .run(Permission::RunSessions, move |s, _| {
            s.add_role(programme_id, &name, leading)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn update_role(
    state: State<'_, AppState>,
    role_id: Id,
    name: String,
    leading: bool,
) -> Reply<ProgrammeRole> {
    state
        .run(Permission::RunSessions, move |s, _| {
            s.update_role(role_id, &name, leading)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn move_role(
    state: State<'_, AppState>,
    role_id: Id,
    earlier: bool,
) -> Reply<Vec<ProgrammeRole>> {
    state
        .run(Permission::RunSessions, move |s, _| {
            s.move_role(role_id, earlier)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn remove_role(state: State<'_, AppState>, role_id: Id) -> Reply<ProgrammeRole> {
    state
        .run(Permission::RunSessions, move |s, _| s.remove_role(role_id))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn list_sessions(
    state: State<'_, AppState>,
    programme_id: Id,
) -> Reply<Vec<ProgrammeSession>> {
    state
        .run(Permission::ViewWave, move |s, _| s.sessions(programme_id))
        .await
}

/// `roles`: the roles the session uses, or `null` for every role.
#[tauri::command]
#[specta::specta]
pub async fn add_session(
    state: State<'_, AppState>,
    programme_id: Id,
    name: String,
    roles: Option<Vec<Id>>,
) -> Reply<ProgrammeSession> {
    state
        .run(Permission::RunSessions, move |s, _| {
            s.add_session(programme_id, &name, roles.as_deref())
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn update_session(
    state: State<'_, AppState>,
    session_id: Id,
    name: String,
    roles: Option<Vec<Id>>,
) -> Reply<ProgrammeSession> {
    state
        .run(Permission::RunSessions, move |s, _| {
            s.update_session(session_id, &name, roles.as_deref())
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn remove_session(state: State<'_, AppState>, session_id: Id) -> Reply<()> {
    state
        .run(Permission::RunSessions, move |s, _| {
            s.remove_session(session_id)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn get_rota(state: State<'_, AppState>, wave_id: Id) -> Reply<Rota> {
    state
        .run(Permission::ViewWave, move |s, _| rota::show(s, wave_id))
        .await
}

/// Plans the sessions not yet begun, for `team_set_id` or the team set the rota follows.
#[tauri::command]
#[specta::specta]
pub async fn plan_rota(
    state: State<'_, AppState>,
    wave_id: Id,
    team_set_id: Option<Id>,
) -> Reply<Rota> {
    state
        .run(Permission::RunSessions, move |s, _| {
            rota::plan(s, wave_id, team_set_id)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn set_absent(
    state: State<'_, AppState>,
    wave_id: Id,
    session_id: Id,
    participant_id: Id,
    absent: bool,
) -> Reply<Rota> {
    state
        .run(Permission::RunSessions, move |s, _| {
            rota::set_absent(s, wave_id, session_id, participant_id, absent)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn set_turn_done(state: State<'_, AppState>, turn_id: Id, done: bool) -> Reply<Rota> {
    state
        .run(Permission::RunSessions, move |s, _| {
            rota::set_turn_done(s, turn_id, done)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn assign_turn(
    state: State<'_, AppState>,
    wave_id: Id,
    session_id: Id,
    role_id: Id,
    participant_id: Id,
) -> Reply<Rota> {
    state
        .run(Permission::RunSessions, move |s, _| {
            rota::assign_turn(s, wave_id, session_id, role_id, participant_id)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn unlock_turn(state: State<'_, AppState>, turn_id: Id) -> Reply<Rota> {
    state
        .run(Permission::RunSessions, move |s, _| {
            rota::unlock_turn(s, turn_id)
        })
        .await
}

/// Saves the rota sheets (PDF, one team to a sheet) in the Downloads folder and returns
/// the path.
#[tauri::command]
#[specta::specta]
pub async fn print_rota_sheets(state: State<'_, AppState>, wave_id: Id) -> Reply<String> {
    state
        .run(Permission::RunSessions, move |s, _| {
            save_in_downloads(rota::sheets_pdf(s, wave_id))
        })
        .await
}
