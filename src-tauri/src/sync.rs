//! Sync with the organisation's hub, in the background and on "Sync now".
//!
//! Sync has a database connection of its own: a round waits on the network, and the
//! screens must not wait on it. Its writes (acknowledgements, pulled pages) are short
//! transactions of their own, so an action on the screen waits for one of them at most.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mixwell_domain::Permission;
use mixwell_store::{DatabaseKey, RefusedChange, Store, SyncStatus};
use mixwell_sync::{Backoff, Report, SyncError};
use tauri::State;

use crate::{off_runtime, AppError, AppState};

type Reply<T> = Result<T, AppError>;

/// How often a laptop that is enrolled syncs when nothing goes wrong.
const EVERY: Duration = Duration::from_secs(60);
/// The first round waits for the app to finish opening.
const FIRST: Duration = Duration::from_secs(5);

pub struct SyncWorker {
    path: PathBuf,
    /// The database's key, once the app has opened it; no round runs before.
    key: Mutex<Option<DatabaseKey>>,
    /// Opened on first use; one round at a time.
    store: Mutex<Option<Store>>,
    wake: tokio::sync::Notify,
}

impl SyncWorker {
    pub fn new(path: PathBuf) -> SyncWorker {
        SyncWorker {
            path,
            key: Mutex::new(None),
            store: Mutex::new(None),
            wake: tokio::sync::Notify::new(),
        }
    }

    /// The app opened the database with `key`: sync may open its own connection.
    pub(crate) fn unlocked(&self, key: DatabaseKey) {
        *self.key.lock().unwrap_or_else(|p| p.into_inner()) = Some(key);
    }

    /// `work` on sync's own connection, refused while the app is still locked.
    fn with_store<T>(
        &self,
        work: impl FnOnce(&mut Store) -> Result<T, SyncError>,
    ) -> Result<T, AppError> {
        self.when_open(work)?.ok_or_else(AppError::locked)
    }

    /// `work` on sync's own connection; `None` while the app is still locked.
    fn when_open<T>(
        &self,
        work: impl FnOnce(&mut Store) -> Result<T, SyncError>,
    ) -> Result<Option<T>, SyncError> {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            let key = self.key.lock().unwrap_or_else(|p| p.into_inner()).clone();
            let Some(key) = key else { return Ok(None) };
            *guard = Some(Store::open(&self.path, &key)?);
        }
        let store = guard.as_mut().expect("opened just above");
        work(store).map(Some)
    }

    /// One round, when the laptop is enrolled (`None` when it is not, or is locked).
    fn round(&self) -> Result<Option<Report>, SyncError> {
        self.when_open(|store| {
            if store.sync_link()?.is_none() {
                return Ok(None);
            }
            mixwell_sync::sync_now(store).map(Some)
        })
        .map(Option::flatten)
    }
}

/// Syncs every minute while the app runs, sooner after "Sync now"; after a failure that may
/// pass (no network, the hub restarting) it tries again by [`Backoff`], not at the next
/// minute and not at the next change.
pub async fn background(worker: Arc<SyncWorker>) {
    let mut backoff = Backoff::new();
    let mut delay = FIRST;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = worker.wake.notified() => {}
        }
        let round = Arc::clone(&worker);
        let outcome = tauri::async_runtime::spawn_blocking(move || round.round()).await;
        delay = match outcome {
            Ok(Err(error)) if error.is_transient() => backoff.next_delay(),
            _ => {
                backoff.reset();
                EVERY
            }
        };
    }
}

#[tauri::command]
#[specta::specta]
pub async fn sync_status(state: State<'_, AppState>) -> Reply<SyncStatus> {
    state
        .run(Permission::ViewWave, move |s, _| s.sync_status())
        .await
}

/// Links this laptop to the organisation's hub with a one-time code; `ca` is the hub's own
/// certificate (PEM) when it serves HTTPS with one that is not publicly trusted.
#[tauri::command]
#[specta::specta]
pub async fn enrol_with_hub(
    state: State<'_, AppState>,
    hub: String,
    code: String,
    ca: Option<String>,
) -> Reply<SyncStatus> {
    state.allow(Permission::ManageDevice).await?;
    let worker = Arc::clone(&state.sync);
    let status = off_runtime(move || {
        worker.with_store(|store| {
            mixwell_sync::enrol_trusting(store, &hub, &code, ca)?;
            Ok(store.sync_status()?)
        })
    })
    .await?;
    state.sync.wake.notify_one();
    Ok(status)
}

/// A round now: push what waits, pull what is new. The screen stays usable meanwhile.
#[tauri::command]
#[specta::specta]
pub async fn sync_now(state: State<'_, AppState>) -> Reply<Report> {
    state.allow(Permission::Sync).await?;
    let worker = Arc::clone(&state.sync);
    off_runtime(move || worker.round()?.ok_or(SyncError::NotEnrolled)).await
}

#[tauri::command]
#[specta::specta]
pub async fn refused_changes(state: State<'_, AppState>) -> Reply<Vec<RefusedChange>> {
    state
        .run(Permission::ViewWave, move |s, _| s.refused_changes())
        .await
}

/// This laptop's waiting changes for the hub, as a file in Downloads to copy to a USB
/// stick: the file's path.
#[tauri::command]
#[specta::specta]
pub async fn export_sync_bundle(state: State<'_, AppState>) -> Reply<String> {
    state.allow(Permission::Sync).await?;
    let worker = Arc::clone(&state.sync);
    off_runtime(move || {
        let (bytes, _) = worker.with_store(|store| mixwell_sync::export_bundle(store))?;
        let name = format!(
            "mixwell-for-hub-{}",
            chrono::Utc::now().format("%Y-%m-%d-%H%M")
        );
        let file = mixwell_actions::export::ExportFile {
            name,
            extension: "bundle",
            bytes,
        };
        crate::teams::save_in_downloads(Ok(file)).map_err(AppError::from)
    })
    .await
}

/// Reads the hub's bundle for this laptop (the file's bytes, from the file picker).
#[tauri::command]
#[specta::specta]
pub async fn import_sync_bundle(
    state: State<'_, AppState>,
    bytes: Vec<u8>,
) -> Reply<mixwell_sync::BundleReport> {
    state.allow(Permission::Sync).await?;
    let worker = Arc::clone(&state.sync);
    off_runtime(move || worker.with_store(|store| mixwell_sync::import_bundle(store, &bytes))).await
}
