//! Hours commands: log (one entry, a team's session, a sign-in sheet), correct, decide,
//! the timelines, board and queue, milestones, and reports saved to Downloads. The work is
//! the store's.

use mixwell_actions::hours;
use mixwell_domain::hours::{Decision, LedgerEntry, Verification, VerifyMethod};
use mixwell_domain::Id;
use mixwell_domain::Permission;
use mixwell_store::{
    HoursReportKind, HoursTimeline, NewHours, ParticipantHours, PendingHours, ProgrammeMilestone,
    VolunteerPlacement, VolunteeringOrganisation,
};
use tauri::State;

use crate::teams::save_in_downloads;
use crate::{AppError, AppState};

type Reply<T> = Result<T, AppError>;

#[tauri::command]
#[specta::specta]
pub async fn list_volunteering_organisations(
    state: State<'_, AppState>,
) -> Reply<Vec<VolunteeringOrganisation>> {
    state
        .run(Permission::ViewWave, move |s, _| {
            s.volunteering_organisations()
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn save_volunteering_organisation(
    state: State<'_, AppState>,
    name: String,
    contact: String,
    address: String,
) -> Reply<VolunteeringOrganisation> {
    state
        .run(Permission::LogHours, move |s, _| {
            s.save_volunteering_organisation(&name, &contact, &address)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn list_placements(
    state: State<'_, AppState>,
    participant_id: Id,
) -> Reply<Vec<VolunteerPlacement>> {
    state
        .run(Permission::ViewWave, move |s, _| {
            s.placements(participant_id)
        })
        .await
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
    state
        .run(Permission::LogHours, move |s, _| {
            s.place_volunteer(participant_id, organisation_id, &supervisor, starts_on)
        })
        .await
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
    state
        .run(Permission::LogHours, move |s, op| {
            hours::log(s, op, &rows, allow_duplicate)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn void_hours(
    state: State<'_, AppState>,
    entry_id: Id,
    reason: String,
) -> Reply<LedgerEntry> {
    state
        .run(Permission::LogHours, move |s, op| {
            hours::void(s, op, entry_id, &reason)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn adjust_hours(
    state: State<'_, AppState>,
    entry_id: Id,
    minutes: u32,
    reason: String,
) -> Reply<LedgerEntry> {
    state
        .run(Permission::LogHours, move |s, op| {
            hours::adjust(s, op, entry_id, minutes, &reason)
        })
        .await
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
    state
        .run(Permission::ApproveHours, move |s, _| {
            hours::decide(s, entry_id, decision, method, &by, signature)
        })
        .await
}

/// The same decision on every entry ticked in the queue, as one action: all of them are
/// decided or none is (a refusal lists each entry's problem, its row its position).
#[tauri::command]
#[specta::specta]
pub async fn decide_many_hours(
    state: State<'_, AppState>,
    entry_ids: Vec<Id>,
    decision: Decision,
    by: String,
) -> Reply<Vec<Verification>> {
    state
        .run(Permission::ApproveHours, move |s, _| {
            hours::decide_many(s, &entry_ids, decision, VerifyMethod::Coordinator, &by)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn hours_timeline(
    state: State<'_, AppState>,
    participant_id: Id,
) -> Reply<HoursTimeline> {
    state
        .run(Permission::ViewWave, move |s, _| {
            s.hours_timeline(participant_id)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn wave_hours(state: State<'_, AppState>, wave_id: Id) -> Reply<Vec<ParticipantHours>> {
    state
        .run(Permission::ViewWave, move |s, _| s.wave_hours(wave_id))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn pending_hours(state: State<'_, AppState>, wave_id: Id) -> Reply<Vec<PendingHours>> {
    state
        .run(Permission::ViewWave, move |s, _| s.pending_hours(wave_id))
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn list_milestones(
    state: State<'_, AppState>,
    programme_id: Id,
) -> Reply<Vec<ProgrammeMilestone>> {
    state
        .run(Permission::ViewWave, move |s, _| s.milestones(programme_id))
        .await
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
    state
        .run(Permission::SetUpProgrammes, move |s, _| {
            s.add_milestone(programme_id, &name, minutes, within_months)
        })
        .await
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
    state
        .run(Permission::SetUpProgrammes, move |s, _| {
            s.update_milestone(milestone_id, &name, minutes, within_months)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn remove_milestone(state: State<'_, AppState>, milestone_id: Id) -> Reply<()> {
    state
        .run(Permission::SetUpProgrammes, move |s, _| {
            s.remove_milestone(milestone_id)
        })
        .await
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
    state
        .run(Permission::ExportReports, move |s, _| {
            save_in_downloads(hours::report(s, wave_id, kind, xlsx).map(|r| r.file))
        })
        .await
}
