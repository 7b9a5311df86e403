//! Certificate commands: one participant's certificate saved to Downloads, a wave's into a
//! folder or a ZIP there (with progress and cancel), the wave's list, and revoking one.
//! Each is one call of `mixwell_actions::certificates`.

use mixwell_actions::certificates::{
    self, CertificateSummary, ExportProgress, WaveExport, WaveSelection,
};
use mixwell_actions::export::{downloads_folder, unused_path};
use mixwell_domain::Id;
use mixwell_domain::Permission;
use serde::Serialize;
use tauri::State;

use crate::teams::save_in_downloads;
use crate::{AppError, AppState};

type Reply<T> = Result<T, AppError>;

/// A certificate saved for staff.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SavedCertificate {
    pub path: String,
    pub number: String,
    pub code: String,
    /// False when it is the certificate issued before, unchanged since.
    pub newly_issued: bool,
}

/// Saves the participant's certificate in the Downloads folder.
#[tauri::command]
#[specta::specta]
pub async fn export_certificate(
    state: State<'_, AppState>,
    participant_id: Id,
) -> Reply<SavedCertificate> {
    state
        .run(Permission::IssueCertificates, move |s, operator| {
            let export = certificates::export_certificate(s, participant_id, operator)?;
            Ok::<_, AppError>(SavedCertificate {
                path: save_in_downloads(Ok(export.file))?,
                number: export.number,
                code: export.code,
                newly_issued: export.newly_issued,
            })
        })
        .await
}

/// Saves the wave's certificates in Downloads, in a new folder "Certificates WAVE" or
/// (when `zip`) a ZIP of that name. `certificates_progress` and `cancel_certificates`
/// follow and stop it.
#[tauri::command]
#[specta::specta]
pub async fn export_wave_certificates(
    state: State<'_, AppState>,
    wave_id: Id,
    selection: WaveSelection,
    zip: bool,
) -> Reply<WaveExport> {
    let exporting = state.exporting.clone();
    state
        .run(Permission::IssueCertificates, move |s, operator| {
            let wave = s.wave(wave_id)?;
            let name = format!("Certificates {}", wave.name);
            let out = unused_path(&downloads_folder()?, &name, zip.then_some("zip"));
            exporting.follow(|progress| {
                certificates::export_wave_certificates(
                    s, wave_id, selection, &out, operator, progress,
                )
            })
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn certificates_progress(state: State<'_, AppState>) -> Reply<ExportProgress> {
    Ok(state.exporting.progress())
}

/// Stops the wave's export after the certificate being written; those issued stay issued.
#[tauri::command]
#[specta::specta]
pub async fn cancel_certificates(state: State<'_, AppState>) -> Reply<()> {
    state.exporting.cancel();
    Ok(())
}

/// The certificates issued to the wave's participants, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn list_certificates(
    state: State<'_, AppState>,
    wave_id: Id,
) -> Reply<Vec<CertificateSummary>> {
    state
        .run(Permission::ViewWave, move |s, _| {
            certificates::wave_certificates(s, wave_id)
        })
        .await
}

/// Revokes a certificate with the reason whoever checks it will read.
#[tauri::command]
#[specta::specta]
pub async fn revoke_certificate(
    state: State<'_, AppState>,
    number: String,
    reason: String,
) -> Reply<()> {
    state
        .run(Permission::IssueCertificates, move |s, operator| {
            certificates::revoke_certificate(s, &number, &reason, operator).map(|_| ())
        })
        .await
}
