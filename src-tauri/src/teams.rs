//! Team commands: form teams for a wave (with progress and cancel), check a team set staff
//! changed by hand, save or list team sets, and export them. Each is one call of
//! `mixwell_actions::teams`.

use mixwell_actions::export::{downloads_folder, save_in_folder, ExportFile};
use mixwell_actions::teams::{
    self, FormedTeams, FormingProgress, TeamCheck, TeamRequest, TeamSearch,
};
use mixwell_actions::ActionResult;
use mixwell_domain::Id;
use mixwell_domain::Permission;
use mixwell_store::{Placement, TeamSet};
use tauri::State;

use crate::{AppError, AppState};

type Reply<T> = Result<T, AppError>;

/// Saves a file an action made in the Downloads folder, under a name not yet taken there,
/// and returns the path.
pub(crate) fn save_in_downloads(file: ActionResult<ExportFile>) -> ActionResult<String> {
    let path = save_in_folder(&downloads_folder()?, &file?)?;
    Ok(path.display().to_string())
}

/// Forms teams for the wave, keeping pinned people where they are. Only one search runs
/// at a time; `forming_progress` and `cancel_forming` follow and stop it. The wave is read
/// under the database's lock, the search runs without it.
#[tauri::command]
#[specta::specta]
pub async fn form_teams(
    state: State<'_, AppState>,
    wave_id: Id,
    request: TeamRequest,
    pinned: Vec<Placement>,
) -> Reply<FormedTeams> {
    let search = state
        .run(Permission::RunSessions, move |s, _| {
            TeamSearch::prepare(s, wave_id, &request, &pinned)
        })
        .await?;
    let forming = state.forming.clone();
    crate::off_runtime(move || search.run(&forming).map(|judged| judged.formed())).await
}

#[tauri::command]
#[specta::specta]
pub async fn forming_progress(state: State<'_, AppState>) -> Reply<FormingProgress> {
    Ok(state.forming.progress())
}

/// Stops the running search; it returns the best team set found so far.
#[tauri::command]
#[specta::specta]
pub async fn cancel_forming(state: State<'_, AppState>) -> Reply<()> {
    state.forming.cancel();
    Ok(())
}

/// Checks a team set as staff arranged it, for the live rule checks while they move people.
#[tauri::command]
#[specta::specta]
pub async fn check_teams(
    state: State<'_, AppState>,
    wave_id: Id,
    request: TeamRequest,
    placements: Vec<Placement>,
) -> Reply<TeamCheck> {
    state
        .run(Permission::RunSessions, move |s, _| {
            teams::check(s, wave_id, &request, &placements)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn save_team_set(
    state: State<'_, AppState>,
    wave_id: Id,
    name: String,
    request: TeamRequest,
    placements: Vec<Placement>,
) -> Reply<TeamSet> {
    state
        .run(Permission::RunSessions, move |s, _| {
            teams::save(s, wave_id, &name, &request, &placements)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn list_team_sets(state: State<'_, AppState>, wave_id: Id) -> Reply<Vec<TeamSet>> {
    state
        .run(Permission::ViewWave, move |s, _| s.team_sets(wave_id))
        .await
}

/// Saves the teams as `participant_id,group` in the Downloads folder and returns the path.
#[tauri::command]
#[specta::specta]
pub async fn export_teams_csv(
    state: State<'_, AppState>,
    wave_id: Id,
    name: String,
    placements: Vec<Placement>,
) -> Reply<String> {
    state
        .run(Permission::RunSessions, move |s, _| {
            save_in_downloads(teams::teams_csv(s, wave_id, &name, &placements))
        })
        .await
}

/// Saves printable team lists (PDF) of the teams on screen in the Downloads folder and
/// returns the path.
#[tauri::command]
#[specta::specta]
pub async fn print_team_lists(
    state: State<'_, AppState>,
    wave_id: Id,
    title: String,
    placements: Vec<Placement>,
) -> Reply<String> {
    state
        .run(Permission::RunSessions, move |s, _| {
            save_in_downloads(teams::team_lists_pdf(s, wave_id, &title, &placements))
        })
        .await
}
