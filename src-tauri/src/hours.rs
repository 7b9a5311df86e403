//! Hours commands: log (one entry, a team's session, a sign-in sheet), correct, decide,
//! the timelines, board and queue, milestones, and reports saved to Downloads. The work is
//! the store's.

use mixwell_domain::hours::{Decision, LedgerEntry, Verification, VerifyMethod};
use mixwell_domain::Id;
use mixwell_store::{
    operator_name, HoursReportKind, HoursTimeline, NewHours, ParticipantHours, PendingHours,
    ProgrammeMilestone, VolunteerPlacement, VolunteeringOrganisation,
};
use tauri::State;

use crate::{AppError, AppState};

type Reply<T> = Result<T, AppError>;

#[tauri::command]
#[specta::specta]
pub async fn list_volunteering_organisations(
    state: State<'_, AppState>,
) -> Reply<Vec<VolunteeringOrganisation>> {
    state.with_store(|s| s.volunteering_organisations())
}

#[tauri::command]
#[specta::specta]
pub async fn save_volunteering_organisation(
    state: State<'_, AppState>,
    name: String,
    contact: String,
    address: String,
) -> Reply<VolunteeringOrganisation> {
    state.with_store(|s| s.save_volunteering_organisation(&name, &contact, &address))
}

#[tauri::command]
#[specta::specta]
pub async fn list_placements(
    state: State<'_, AppState>,
    participant_id: Id,
) -> Reply<Vec<VolunteerPlacement>> {
    state.with_store(|s| s.placements(participant_id))
}

/// Places a participant with an organisation, or changes the supervisor there.
#[tauri::command]
#[specta::specta]
pub async fn place_volunteer(
    state: State<'_, AppState>,
    participant_id: Id,
    organisation_id: Id,
    supervisor: String,
    starts_on: Option<chrono::NaiveDate>,
) -> Reply<VolunteerPlacement> {
    state.with_store(|s| s.place_volunteer(participant_id, organisation_id, &supervisor, starts_on))
}

/// Saves every row or none; a refusal carries each problem with its row
/// (`details.kind = "hours_problems"`).
#[tauri::command]
#[specta::specta]
pub async fn log_hours(
    state: State<'_, AppState>,
    rows: Vec<NewHours>,
    allow_duplicate: bool,
) -> Reply<Vec<LedgerEntry>> {
    state.with_store(|s| s.log_hours(&rows, &operator_name(), allow_duplicate))
}

#[tauri::command]
#[specta::specta]
pub async fn void_hours(
    state: State<'_, AppState>,
    entry_id: Id,
    reason: String,
) -> Reply<LedgerEntry> {
    state.with_store(|s| s.void_hours(entry_id, &reason, &operator_name()))
}

#[tauri::command]
#[specta::specta]
pub async fn adjust_hours(
    state: State<'_, AppState>,
    entry_id: Id,
    minutes: u32,
    reason: String,
) -> Reply<LedgerEntry> {
    state.with_store(|s| s.adjust_hours(entry_id, minutes, &reason, &operator_name()))
}

/// A coordinator's decision from the queue, or a supervisor's with their signature.
#[tauri::command]
#[specta::specta]
pub async fn decide_hours(
    state: State<'_, AppState>,
    entry_id: Id,
    decision: Decision,
    method: VerifyMethod,
    by: String,
    signature: Option<String>,
) -> Reply<Verification> {
    state.with_store(|s| s.decide_hours(entry_id, decision, method, &by, signature))
}

#[tauri::command]
#[specta::specta]
pub async fn hours_timeline(
    state: State<'_, AppState>,
    participant_id: Id,
) -> Reply<HoursTimeline> {
    state.with_store(|s| s.hours_timeline(participant_id))
}

#[tauri::command]
#[specta::specta]
pub async fn wave_hours(state: State<'_, AppState>, wave_id: Id) -> Reply<Vec<ParticipantHours>> {
    state.with_store(|s| s.wave_hours(wave_id))
}

#[tauri::command]
#[specta::specta]
pub async fn pending_hours(state: State<'_, AppState>, wave_id: Id) -> Reply<Vec<PendingHours>> {
    state.with_store(|s| s.pending_hours(wave_id))
}

#[tauri::command]
#[specta::specta]
pub async fn list_milestones(
    state: State<'_, AppState>,
    programme_id: Id,
) -> Reply<Vec<ProgrammeMilestone>> {
    state.with_store(|s| s.milestones(programme_id))
}

#[tauri::command]
#[specta::specta]
pub async fn add_milestone(
    state: State<'_, AppState>,
    programme_id: Id,
    name: String,
    minutes: u32,
    within_months: Option<u32>,
) -> Reply<ProgrammeMilestone> {
    state.with_store(|s| s.add_milestone(programme_id, &name, minutes, within_months))
}

#[tauri::command]
#[specta::specta]
pub async fn update_milestone(
    state: State<'_, AppState>,
    milestone_id: Id,
    name: String,
    minutes: u32,
    within_months: Option<u32>,
) -> Reply<ProgrammeMilestone> {
    state.with_store(|s| s.update_milestone(milestone_id, &name, minutes, within_months))
}

#[tauri::command]
#[specta::specta]
pub async fn remove_milestone(state: State<'_, AppState>, milestone_id: Id) -> Reply<()> {
    state.with_store(|s| s.remove_milestone(milestone_id))
}

/// Saves a report of the wave's hours (CSV, or XLSX when `xlsx`) in the Downloads folder
/// and returns the path.
#[tauri::command]
#[specta::specta]
pub async fn export_hours(
    state: State<'_, AppState>,
    wave_id: Id,
    kind: HoursReportKind,
    xlsx: bool,
) -> Reply<String> {
    let (wave, table) =
        state.with_store(|s| Ok((s.wave(wave_id)?, s.hours_report(wave_id, kind)?)))?;
    let bytes = if xlsx {
        table.to_xlsx()
    } else {
        table.to_csv().map(String::into_bytes)
    }
    .map_err(AppError::from)?;
    crate::teams::save_export(
        &format!("{} {}", wave.name, kind.file_stem()),
        if xlsx { "xlsx" } else { "csv" },
        &bytes,
    )
}
