//! The desktop shell. Each command decodes its arguments, calls one library function and
//! maps the error; anything a command does, the CLI can do with the same call.

mod certificates;
mod commands;
mod error;
mod hours;
mod rota;
mod session;
mod sync;
mod teams;

use std::sync::{Arc, Mutex};

use mixwell_actions::teams::Forming;
use mixwell_actions::{Access, ActionError, Opened, Operator};
use mixwell_domain::Permission;
use mixwell_store::Store;
use mixwell_vault::{Passphrase, VaultError};

pub use commands::DatabaseAccess;
pub use error::AppError;

/// The database as the app holds it (one per app, so the open store's size is no matter).
#[allow(clippy::large_enum_variant)]
pub(crate) enum Slot {
    Open(Store),
    /// Kept under a passphrase that has not been typed yet (`new`: none chosen yet, as
    /// on a computer with no keychain).
    Locked {
        new: bool,
    },
    /// Why it could not be opened (shown by the UI instead of a crash).
    Unavailable(AppError),
}

pub struct AppState {
    path: std::path::PathBuf,
    store: Arc<Mutex<Slot>>,
    /// Who is at the keyboard, named once for every action.
    operator: Operator,
    /// The team search in progress, if any.
    forming: Arc<Forming>,
    /// The wave's certificates being exported, if any.
    exporting: Arc<mixwell_actions::certificates::Exporting>,
    sync: Arc<sync::SyncWorker>,
    /// Who is signed in, and when they last gave input.
    session: Arc<Mutex<session::Session>>,
}

impl AppState {
    /// Opens the database at `path` with its key from the keychain (or, in tests and
    /// scripts, the passphrase given); one kept under a passphrase waits, locked, for
    /// [`AppState::unlock`].
    pub fn open(path: &std::path::Path, passphrase: Option<&Passphrase>) -> Self {
        let state = AppState {
            path: path.to_path_buf(),
            store: Arc::new(Mutex::new(Slot::Locked { new: false })),
            operator: Operator::from_environment(),
            forming: Default::default(),
            exporting: Default::default(),
            sync: Arc::new(sync::SyncWorker::new(path.to_path_buf())),
            session: Arc::new(Mutex::new(session::Session::new(
                session::lock_after_from_environment(),
            ))),
        };
        let slot = state.opened(passphrase);
        *state.slot() = slot;
        state
    }

    fn opened(&self, passphrase: Option<&Passphrase>) -> Slot {
        match mixwell_actions::open_store(&self.path, passphrase) {
            Ok(Opened { store, key }) => {
                self.sync.unlocked(key);
                Slot::Open(store)
            }
            Err(ActionError::Vault(VaultError::PassphraseNeeded { new, .. })) => {
                Slot::Locked { new }
            }
            Err(e) => Slot::Unavailable(e.into()),
        }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Slot> {
        // A panic in another command must not lock staff out of their data.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Opens a database kept under a passphrase with the one typed (or chooses it, when
    /// none was chosen yet). A wrong one is refused (`wrong_key`) and the app stays
    /// locked. Stretching the passphrase takes a moment, so not on the async runtime.
    pub(crate) async fn unlock(&self, passphrase: Passphrase) -> Result<(), AppError> {
        let (path, store, sync) = (
            self.path.clone(),
            Arc::clone(&self.store),
            Arc::clone(&self.sync),
        );
        off_runtime(move || {
            let mut slot = store.lock().unwrap_or_else(|p| p.into_inner());
            if !matches!(*slot, Slot::Locked { .. }) {
                return Ok(());
            }
            let Opened { store, key } = mixwell_actions::open_store(&path, Some(&passphrase))?;
            sync.unlocked(key);
            *slot = Slot::Open(store);
            Ok::<(), AppError>(())
        })
        .await
    }

    pub(crate) fn access(&self) -> DatabaseAccess {
        let path = self.path.display().to_string();
        match &*self.slot() {
            Slot::Open(_) => DatabaseAccess::Open { path },
            Slot::Locked { new: false } => DatabaseAccess::Passphrase { path },
            Slot::Locked { new: true } => DatabaseAccess::ChoosePassphrase { path },
            Slot::Unavailable(problem) => DatabaseAccess::Unavailable {
                path,
                problem: problem.clone(),
            },
        }
    }

    /// Runs one action on a blocking thread (SQLite and the planners never hold up the
    /// async runtime). A panic inside it becomes an `internal` error: the action's
    /// transaction is rolled back and the app keeps working.
    pub(crate) async fn run<T, E>(
        &self,
        permission: Permission,
        action: impl FnOnce(&mut Store, &Operator) -> Result<T, E> + Send + 'static,
    ) -> Result<T, AppError>
    where
        T: Send + 'static,
        E: Into<AppError>,
    {
        self.run_as(permission, move |store, operator, _| {
            action(store, operator)
        })
        .await
    }

    /// [`AppState::run`] for an action that needs to know who acts (to hide what their
    /// role may not see). Refused before the action starts when nobody is signed in, the
    /// screen locked itself, or the role lacks `permission`. Whoever is signed in is the
    /// operator hours are logged by and the actor of the audit trail.
    pub(crate) async fn run_as<T, E>(
        &self,
        permission: Permission,
        action: impl FnOnce(&mut Store, &Operator, &Access) -> Result<T, E> + Send + 'static,
    ) -> Result<T, AppError>
    where
        T: Send + 'static,
        E: Into<AppError>,
    {
        let operator = self.operator.clone();
        self.with_session(move |store, session| {
            let access = session.access(store, std::time::Instant::now())?;
            access.require(permission)?;
            let operator = match &access {
                Access::Staff(who) => Operator::named(&who.name),
                Access::Open => operator,
            };
            Ok(action(store, &operator, &access).map_err(Into::into))
        })
        .await?
    }

    /// Refused unless whoever is signed in may do `permission` (for commands that work
    /// on sync's own connection).
    pub(crate) async fn allow(&self, permission: Permission) -> Result<(), AppError> {
        self.run(permission, |_, _| Ok::<(), AppError>(())).await
    }

    /// `work` with the open store and the session, on a blocking thread.
    pub(crate) async fn with_session<T>(
        &self,
        work: impl FnOnce(&mut Store, &mut session::Session) -> Result<T, ActionError> + Send + 'static,
    ) -> Result<T, AppError>
    where
        T: Send + 'static,
    {
        let (store, session) = (Arc::clone(&self.store), Arc::clone(&self.session));
        off_runtime(move || {
            // A panic in another command must not lock staff out of their data.
            let mut guard = store.lock().unwrap_or_else(|p| p.into_inner());
            match &mut *guard {
                Slot::Open(store) => {
                    let mut session = session.lock().unwrap_or_else(|p| p.into_inner());
                    work(store, &mut session).map_err(AppError::from)
                }
                Slot::Locked { .. } => Err(AppError::locked()),
                Slot::Unavailable(reason) => Err(AppError::database_unavailable(reason)),
            }
        })
        .await
    }
}

/// Runs `work` on a blocking thread, so SQLite and the planners never hold up the async
/// runtime; a panic inside it becomes an `internal` error instead of ending the app.
pub(crate) async fn off_runtime<T, E>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, AppError>
where
    T: Send + 'static,
    E: Into<AppError>,
{
    let outcome = tauri::async_runtime::spawn_blocking(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work().map_err(Into::into)))
            .unwrap_or_else(|panic| Err(AppError::internal(&panic_message(&*panic))))
    })
    .await;
    outcome.unwrap_or_else(|e| Err(AppError::internal(&e.to_string())))
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an unexpected fault".to_owned())
}

/// The commands and types the UI sees, exported to ui/src/bindings.ts.
pub fn specta_builder<R: tauri::Runtime>() -> tauri_specta::Builder<R> {
    use commands::*;
    tauri_specta::Builder::<R>::new().commands(tauri_specta::collect_commands![
        app_status,
        database_access,
        unlock_database,
        session::session_status,
        session::sign_in,
        session::lock_screen,
        session::keep_alive,
        session::list_staff,
        session::add_staff,
        session::update_staff,
        seed_demo,
        list_programmes,
        create_programme,
        rename_programme,
        set_programme_archived,
        list_waves,
        create_wave,
        update_wave,
        set_wave_archived,
        list_participants,
        attribute_counts,
        update_participant,
        export_subject_access,
        preview_import,
        import_roster,
        teams::form_teams,
        teams::forming_progress,
        teams::cancel_forming,
        teams::check_teams,
        teams::save_team_set,
        teams::list_team_sets,
        teams::export_teams_csv,
        teams::print_team_lists,
        rota::list_roles,
        rota::add_role,
        rota::update_role,
        rota::move_role,
        rota::remove_role,
        rota::list_sessions,
        rota::add_session,
        rota::update_session,
        rota::remove_session,
        rota::get_rota,
        rota::plan_rota,
        rota::set_absent,
        rota::set_turn_done,
        rota::assign_turn,
        rota::unlock_turn,
        rota::print_rota_sheets,
        hours::list_volunteering_organisations,
        hours::save_volunteering_organisation,
        hours::list_placements,
        hours::place_volunteer,
        hours::log_hours,
        hours::void_hours,
        hours::adjust_hours,
        hours::decide_hours,
        hours::decide_many_hours,
        hours::hours_timeline,
        hours::wave_hours,
        hours::pending_hours,
        hours::list_milestones,
        hours::add_milestone,
        hours::update_milestone,
        hours::remove_milestone,
        hours::export_hours,
        certificates::export_certificate,
        certificates::export_wave_certificates,
        certificates::certificates_progress,
        certificates::cancel_certificates,
        certificates::list_certificates,
        certificates::revoke_certificate,
        sync::sync_status,
        sync::enrol_with_hub,
        sync::sync_now,
        sync::refused_changes,
        sync::export_sync_bundle,
        sync::import_sync_bundle,
    ])
}

pub fn bindings_header() -> &'static str {
    "// Generated from the Rust commands by tauri-specta (src-tauri/src/lib.rs). Do not edit:\n// run `make bindings` after changing a command or an exported type.\n"
}

/// The TypeScript bindings as they should be committed.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    let typescript = specta_typescript::Typescript::default().header(bindings_header());
    specta_builder::<tauri::Wry>()
        .export(typescript, path)
        .map_err(|e| e.to_string())
}

/// The app's commands and state on a Tauri builder: the real one, or a mock in tests.
pub fn app<R: tauri::Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .manage(state)
        .invoke_handler(specta_builder::<R>().invoke_handler())
}

pub fn run() {
    let state = AppState::open(&mixwell_store::default_database_path(), None);
    let worker = Arc::clone(&state.sync);
    app(tauri::Builder::default(), state)
        .setup(move |_| {
            tauri::async_runtime::spawn(sync::background(worker));
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("the Mixwell window could not be opened");
}

#[cfg(test)]
mod tests {
    use super::*;
    use mixwell_domain::ErrorCode;
    use mixwell_store::StoreError;

    #[test]
    fn a_panic_inside_a_command_is_an_internal_error_and_keeps_nothing_of_it() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(
            &dir.path().join("mixwell.sqlite"),
            Some(&Passphrase::new("otter kettle lamp")),
        );
        let failed = tauri::async_runtime::block_on(state.run(Permission::ViewWave, |store, _| {
            store.atomically(|s| {
                s.create_programme("Half made")?;
                panic!("a fault in the middle of an action");
                #[allow(unreachable_code)]
                Ok::<(), StoreError>(())
            })
        }))
        .unwrap_err();
        assert_eq!(failed.code, ErrorCode::Internal);
        assert!(
            failed.message.contains("nothing was changed"),
            "{}",
            failed.message
        );

        // The app goes on: the next command works, and the half-made action left nothing.
        let programmes = tauri::async_runtime::block_on(
            state.run(Permission::ViewWave, |store, _| store.programmes(true)),
        )
        .unwrap();
        assert!(programmes.is_empty());
        let made = tauri::async_runtime::block_on(state.run(Permission::ViewWave, |store, _| {
            store.create_programme("Whole")
        }))
        .unwrap();
        assert_eq!(made.name, "Whole");
    }
}
