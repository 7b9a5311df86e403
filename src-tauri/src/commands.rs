//! Tauri commands: decode, call one library function, map the error.

use mixwell_domain::{AttributeCount, Id, Participant, Programme, Wave};
use mixwell_store::{ImportPreview, ImportSummary, NewWave, ParticipantUpdate, WaveSummary};
use serde::Serialize;
use tauri::State;

use crate::error::ErrorDetails;
use crate::{AppError, AppState};

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
    let pending_changes = state.with_store(|s| s.pending_change_count())?;
    Ok(AppStatus {
        pending_changes,
        database_path: mixwell_store::default_database_path().display().to_string(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn seed_demo(state: State<'_, AppState>) -> Reply<Wave> {
    state.with_store(|s| s.seed_demo().map(|(wave, _)| wave))
}

#[tauri::command]
#[specta::specta]
pub async fn list_programmes(
    state: State<'_, AppState>,
    include_archived: bool,
) -> Reply<Vec<Programme>> {
    state.with_store(|s| s.programmes(include_archived))
}

#[tauri::command]
#[specta::specta]
pub async fn create_programme(state: State<'_, AppState>, name: String) -> Reply<Programme> {
    state.with_store(|s| s.create_programme(&name))
}

#[tauri::command]
#[specta::specta]
pub async fn rename_programme(
    state: State<'_, AppState>,
    id: Id,
    name: String,
) -> Reply<Programme> {
    state.with_store(|s| s.rename_programme(id, &name))
}

#[tauri::command]
#[specta::specta]
pub async fn set_programme_archived(
    state: State<'_, AppState>,
    id: Id,
    archived: bool,
) -> Reply<Programme> {
    state.with_store(|s| s.set_programme_archived(id, archived))
}

#[tauri::command]
#[specta::specta]
pub async fn list_waves(
    state: State<'_, AppState>,
    programme_id: Id,
    include_archived: bool,
) -> Reply<Vec<WaveSummary>> {
    state.with_store(|s| s.waves(programme_id, include_archived))
}

#[tauri::command]
#[specta::specta]
pub async fn create_wave(
    state: State<'_, AppState>,
    programme_id: Id,
    wave: NewWave,
) -> Reply<Wave> {
    state.with_store(|s| s.create_wave(programme_id, &wave))
}

#[tauri::command]
#[specta::specta]
pub async fn update_wave(state: State<'_, AppState>, id: Id, wave: NewWave) -> Reply<Wave> {
    state.with_store(|s| s.update_wave(id, &wave))
}

#[tauri::command]
#[specta::specta]
pub async fn set_wave_archived(state: State<'_, AppState>, id: Id, archived: bool) -> Reply<Wave> {
    state.with_store(|s| s.set_wave_archived(id, archived))
}

#[tauri::command]
#[specta::specta]
pub async fn list_participants(state: State<'_, AppState>, wave_id: Id) -> Reply<Vec<Participant>> {
    state.with_store(|s| s.participants(wave_id))
}

#[tauri::command]
#[specta::specta]
pub async fn attribute_counts(
    state: State<'_, AppState>,
    wave_id: Id,
) -> Reply<Vec<AttributeCount>> {
    state.with_store(|s| Ok(mixwell_domain::attribute_counts(&s.participants(wave_id)?)))
}

#[tauri::command]
#[specta::specta]
pub async fn update_participant(
    state: State<'_, AppState>,
    id: Id,
    update: ParticipantUpdate,
) -> Reply<Participant> {
    state.with_store(|s| s.update_participant(id, &update))
}

/// What importing the file would change; saves nothing. `bytes` is the file as read.
#[tauri::command]
#[specta::specta]
pub async fn preview_import(
    state: State<'_, AppState>,
    wave_id: Id,
    bytes: Vec<u8>,
) -> Reply<ImportPreview> {
    let roster = mixwell_roster::parse(&bytes);
    state.with_store(|s| s.preview_import(wave_id, roster))
}

#[tauri::command]
#[specta::specta]
pub async fn import_roster(
    state: State<'_, AppState>,
    wave_id: Id,
    bytes: Vec<u8>,
) -> Reply<ImportSummary> {
    let roster = mixwell_roster::parse(&bytes);
    let problems = roster.problems.clone();
    state
        .with_store(|s| s.import_roster(wave_id, roster, &mut |_, _| {}))
        .map_err(|mut e| {
            if e.code == "roster_has_errors" {
                e.details = Some(ErrorDetails::RosterProblems { problems });
            }
            e
        })
}
