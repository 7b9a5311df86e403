//! Tauri commands: decode, call one library function, map the error.

use mixwell_domain::Permission;
use mixwell_domain::{AttributeCount, Id, Participant, Programme, Wave};
use mixwell_store::{ImportPreview, ImportSummary, NewWave, ParticipantUpdate, WaveSummary};
use serde::Serialize;
use tauri::State;

use crate::{AppError, AppState};
use mixwell_actions::roster;

type Reply<T> = Result<T, AppError>;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AppStatus {
    /// Changes saved on this laptop that have not reached the organisation's hub yet.
    pub pending_changes: u32,
    pub database_path: String,
    pub version: String,
}

#[tauri::command]
#[specta::specta]
pub async fn app_status(state: State<'_, AppState>) -> Reply<AppStatus> {
    let pending_changes = state
        .run(Permission::ViewWave, move |s, _| s.pending_change_count())
        .await?;
    Ok(AppStatus {
        pending_changes,
        database_path: mixwell_store::default_database_path().display().to_string(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    })
}

/// Whether the database is open, waits for its passphrase (or for one to be chosen, on a
/// computer with no keychain), or could not be opened.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DatabaseAccess {
    Open { path: String },
    Passphrase { path: String },
    ChoosePassphrase { path: String },
    Unavailable { path: String, problem: AppError },
}

#[tauri::command]
#[specta::specta]
pub async fn database_access(state: State<'_, AppState>) -> Reply<DatabaseAccess> {
    Ok(state.access())
}

/// Opens the database with the passphrase typed, or keeps it under a newly chosen one.
#[tauri::command]
#[specta::specta]
pub async fn unlock_database(state: State<'_, AppState>, passphrase: String) -> Reply<()> {
    state
        .unlock(mixwell_vault::Passphrase::new(passphrase))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn seed_demo(state: State<'_, AppState>) -> Reply<Wave> {
    state
        .run(Permission::SetUpProgrammes, move |s, _| {
            s.seed_demo().map(|(wave, _)| wave)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn list_programmes(
    state: State<'_, AppState>,
    include_archived: bool,
) -> Reply<Vec<Programme>> {
    state
        .run(Permission::ViewWave, move |s, _| {
            s.programmes(include_archived)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn create_programme(state: State<'_, AppState>, name: String) -> Reply<Programme> {
    state
        .run(Permission::SetUpProgrammes, move |s, _| {
            s.create_programme(&name)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn rename_programme(
    state: State<'_, AppState>,
    id: Id,
    name: String,
) -> Reply<Programme> {
    state
        .run(Permission::SetUpProgrammes, move |s, _| {
            s.rename_programme(id, &name)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn set_programme_archived(
    state: State<'_, AppState>,
    id: Id,
    archived: bool,
) -> Reply<Programme> {
    state
        .run(Permission::SetUpProgrammes, move |s, _| {
            s.set_programme_archived(id, archived)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn list_waves(
    state: State<'_, AppState>,
    programme_id: Id,
    include_archived: bool,
) -> Reply<Vec<WaveSummary>> {
    state
        .run(Permission::ViewWave, move |s, _| {
            s.waves(programme_id, include_archived)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn create_wave(
    state: State<'_, AppState>,
    programme_id: Id,
    wave: NewWave,
) -> Reply<Wave> {
    state
        .run(Permission::SetUpProgrammes, move |s, _| {
            s.create_wave(programme_id, &wave)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn update_wave(state: State<'_, AppState>, id: Id, wave: NewWave) -> Reply<Wave> {
    state
        .run(Permission::SetUpProgrammes, move |s, _| {
            s.update_wave(id, &wave)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn set_wave_archived(state: State<'_, AppState>, id: Id, archived: bool) -> Reply<Wave> {
    state
        .run(Permission::SetUpProgrammes, move |s, _| {
            s.set_wave_archived(id, archived)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn list_participants(state: State<'_, AppState>, wave_id: Id) -> Reply<Vec<Participant>> {
    state
        .run_as(Permission::ViewWave, move |s, _, access| {
            mixwell_actions::participants::shown(s, wave_id).map(|p| access.redact(p))
        })
        .await
}

/// Everything held about one young person (subject access), as a readable PDF or as JSON,
/// saved in Downloads: the file's path.
#[tauri::command]
#[specta::specta]
pub async fn export_subject_access(
    state: State<'_, AppState>,
    participant_id: Id,
    pdf: bool,
) -> Reply<String> {
    state
        .run(Permission::HandleRights, move |s, _| {
            crate::teams::save_in_downloads(mixwell_actions::subject::export(
                s,
                participant_id,
                pdf,
            ))
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn attribute_counts(
    state: State<'_, AppState>,
    wave_id: Id,
) -> Reply<Vec<AttributeCount>> {
    state
        .run(Permission::ViewWave, move |s, _| {
            s.participants(wave_id)
                .map(|p| mixwell_domain::attribute_counts(&p))
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn update_participant(
    state: State<'_, AppState>,
    id: Id,
    update: ParticipantUpdate,
) -> Reply<Participant> {
    state
        .run(Permission::EditParticipants, move |s, _| {
            s.update_participant(id, &update)
        })
        .await
}

/// What importing the file would change; saves nothing. `bytes` is the file as read.
#[tauri::command]
#[specta::specta]
pub async fn preview_import(
    state: State<'_, AppState>,
    wave_id: Id,
    bytes: Vec<u8>,
) -> Reply<ImportPreview> {
    state
        .run(Permission::EditParticipants, move |s, _| {
            roster::preview(s, wave_id, mixwell_roster::parse(&bytes))
        })
        .await
}

/// Imports every row or none; a refusal carries every problem with its line and column
/// (`details.kind = "roster_problems"`).
#[tauri::command]
#[specta::specta]
pub async fn import_roster(
    state: State<'_, AppState>,
    wave_id: Id,
    bytes: Vec<u8>,
) -> Reply<ImportSummary> {
    state
        .run(Permission::EditParticipants, move |s, _| {
            roster::import(s, wave_id, mixwell_roster::parse(&bytes), &mut |_, _| {})
        })
        .await
}
