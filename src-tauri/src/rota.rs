//! Rota commands: the programme's roles and sessions, and a wave's rota (plan, mark done or
//! away, set a turn by hand, print the sheets). The work is the store's and the planner's.

use mixwell_domain::Id;
use mixwell_store::{ProgrammeRole, ProgrammeSession, Rota};
use tauri::State;

use crate::{AppError, AppState};

type Reply<T> = Result<T, AppError>;

#[tauri::command]
#[specta::specta]
pub async fn list_roles(state: State<'_, AppState>, programme_id: Id) -> Reply<Vec<ProgrammeRole>> {
    state.with_store(|s| s.roles(programme_id))
}

#[tauri::command]
#[specta::specta]
pub async fn add_role(
    state: State<'_, AppState>,
    programme_id: Id,
    name: String,
    leading: bool,
) -> Reply<ProgrammeRole> {
    state.with_store(|s| s.add_role(programme_id, &name, leading))
}

#[tauri::command]
#[specta::specta]
pub async fn update_role(
    state: State<'_, AppState>,
    role_id: Id,
    name: String,
    leading: bool,
) -> Reply<ProgrammeRole> {
    state.with_store(|s| s.update_role(role_id, &name, leading))
}

#[tauri::command]
#[specta::specta]
pub async fn move_role(
    state: State<'_, AppState>,
    role_id: Id,
    earlier: bool,
) -> Reply<Vec<ProgrammeRole>> {
    state.with_store(|s| s.move_role(role_id, earlier))
}

#[tauri::command]
#[specta::specta]
pub async fn remove_role(state: State<'_, AppState>, role_id: Id) -> Reply<ProgrammeRole> {
    state.with_store(|s| s.remove_role(role_id))
}

#[tauri::command]
#[specta::specta]
pub async fn list_sessions(
    state: State<'_, AppState>,
    programme_id: Id,
) -> Reply<Vec<ProgrammeSession>> {
    state.with_store(|s| s.sessions(programme_id))
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
    state.with_store(|s| s.add_session(programme_id, &name, roles.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub async fn update_session(
    state: State<'_, AppState>,
    session_id: Id,
    name: String,
    roles: Option<Vec<Id>>,
) -> Reply<ProgrammeSession> {
    state.with_store(|s| s.update_session(session_id, &name, roles.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub async fn remove_session(state: State<'_, AppState>, session_id: Id) -> Reply<()> {
    state.with_store(|s| s.remove_session(session_id))
}

#[tauri::command]
#[specta::specta]
pub async fn get_rota(state: State<'_, AppState>, wave_id: Id) -> Reply<Rota> {
    state.with_store(|s| s.rota(wave_id))
}

/// Plans the sessions not yet begun, for `team_set_id` or the team set the rota follows.
#[tauri::command]
#[specta::specta]
pub async fn plan_rota(
    state: State<'_, AppState>,
    wave_id: Id,
    team_set_id: Option<Id>,
) -> Reply<Rota> {
    state.with_store(|s| s.plan_rota(wave_id, team_set_id))
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
    state.with_store(|s| s.set_absent(wave_id, session_id, participant_id, absent))
}

#[tauri::command]
#[specta::specta]
pub async fn set_turn_done(state: State<'_, AppState>, turn_id: Id, done: bool) -> Reply<Rota> {
    state.with_store(|s| s.set_turn_done(turn_id, done))
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
    state.with_store(|s| s.assign_turn(wave_id, session_id, role_id, participant_id))
}

#[tauri::command]
#[specta::specta]
pub async fn unlock_turn(state: State<'_, AppState>, turn_id: Id) -> Reply<Rota> {
    state.with_store(|s| s.unlock_turn(turn_id))
}

/// Saves the rota sheets (PDF, one team to a sheet) in the Downloads folder and returns
/// the path.
#[tauri::command]
#[specta::specta]
pub async fn print_rota_sheets(state: State<'_, AppState>, wave_id: Id) -> Reply<String> {
    let (wave, document) = state.with_store(|s| {
        let wave = s.wave(wave_id)?;
        let subtitle = crate::teams::printed_subtitle(&wave.site);
        Ok((wave, s.rota_sheets(wave_id, &subtitle)?))
    })?;
    let pdf =
        mixwell_print::rota_sheets(&document).map_err(|e| AppError::invalid(&e.to_string()))?;
    crate::teams::save_export(&format!("{} rota", wave.name), "pdf", &pdf)
}
