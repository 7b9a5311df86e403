//! Who is signed in to the app, the screen lock, and the staff accounts' commands.
//!
//! The session lives in Rust, not in the web view: every command asks it for the
//! [`Access`] it runs with, and a session left alone longer than the lock time is ended
//! there, so a screen left open in a hall shows nothing more whatever the page does. Only a
//! person's own input keeps a session alive (the page reports it, [`keep_alive`]); the
//! page's background refreshes do not.

use std::time::{Duration, Instant};

use mixwell_actions::staff::{self, StaffChange};
use mixwell_actions::{Access, ActionError, SignedIn};
use mixwell_domain::{Id, Permission, StaffMember, StaffRole};
use mixwell_store::Store;
use mixwell_vault::StaffSecret;
use serde::Serialize;
use tauri::State;

use crate::{AppError, AppState};

type Reply<T> = Result<T, AppError>;

/// How long the app stays signed in without input: ten minutes unless
/// `MIXWELL_LOCK_AFTER_SECONDS` says otherwise (for a kiosk, or a test).
pub(crate) fn lock_after_from_environment() -> Duration {
    std::env::var("MIXWELL_LOCK_AFTER_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(Duration::from_secs(10 * 60), Duration::from_secs)
}

/// Wrong PINs in a row before signing in pauses, and for how long.
const TRIES: u32 = 5;
const PAUSE: Duration = Duration::from_secs(30);

pub(crate) struct Session {
    signed_in: Option<SignedIn>,
    last_input: Instant,
    lock_after: Duration,
    wrong_in_a_row: u32,
    paused_until: Option<Instant>,
}

impl Session {
    pub(crate) fn new(lock_after: Duration) -> Session {
        Session {
            signed_in: None,
            last_input: Instant::now(),
            lock_after,
            wrong_in_a_row: 0,
            paused_until: None,
        }
    }

    /// Who acts at `now`: the signed-in account as the store now holds it (sync may have
    /// changed its role or closed it), or `Open` on a device without accounts. Refused
    /// when nobody is signed in, or the session was left alone too long (which ends it).
    pub(crate) fn access(
        &mut self,
        store: &mut Store,
        now: Instant,
    ) -> Result<Access, ActionError> {
        let Some(who) = &self.signed_in else {
            store.set_actor(None);
            return if store.has_staff_accounts()? {
                Err(ActionError::SignedOut)
            } else {
                Ok(Access::Open)
            };
        };
        let current = store.staff_member(who.id).ok().filter(|m| m.active);
        match current {
            Some(m) if now.duration_since(self.last_input) <= self.lock_after => {
                let who = SignedIn {
                    id: m.id,
                    name: m.name,
                    role: m.role,
                };
                store.set_actor(Some(who.id));
                self.signed_in = Some(who.clone());
                Ok(Access::Staff(who))
            }
            _ => {
                self.lock(store);
                Err(ActionError::SignedOut)
            }
        }
    }

    pub(crate) fn lock(&mut self, store: &mut Store) {
        self.signed_in = None;
        store.set_actor(None);
    }

    pub(crate) fn input(&mut self, now: Instant) {
        self.last_input = now;
    }

    pub(crate) fn sign_in(
        &mut self,
        store: &mut Store,
        staff_id: Id,
        secret: &StaffSecret,
        now: Instant,
    ) -> Result<SignedIn, ActionError> {
        if let Some(until) = self.paused_until.filter(|&u| now < u) {
            return Err(ActionError::Invalid(format!(
                "too many wrong tries: wait {} seconds, then try again",
                until.duration_since(now).as_secs().max(1)
            )));
        }
        match staff::sign_in(store, staff_id, secret) {
            Ok(who) => {
                self.wrong_in_a_row = 0;
                self.paused_until = None;
                self.signed_in = Some(who.clone());
                self.last_input = now;
                Ok(who)
            }
            Err(e) => {
                self.wrong_in_a_row += 1;
                if self.wrong_in_a_row >= TRIES {
                    self.wrong_in_a_row = 0;
                    self.paused_until = Some(now + PAUSE);
                }
                Err(e)
            }
        }
    }
}

/// What the sign-in screen and the header need.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SessionStatus {
    /// Someone must sign in before anything is shown: the device has staff accounts.
    pub required: bool,
    pub signed_in: Option<SignedIn>,
    /// What the signed-in person (or anyone, on a device without accounts) may do.
    pub permissions: Vec<Permission>,
    /// The open accounts to pick from at sign-in.
    pub accounts: Vec<StaffAccount>,
    /// Minutes without input before the screen locks.
    pub lock_after_minutes: f64,
}

/// An account as the sign-in screen lists it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct StaffAccount {
    pub id: Id,
    pub name: String,
    pub role: StaffRole,
}

fn status(store: &mut Store, session: &mut Session) -> Result<SessionStatus, ActionError> {
    let access = session.access(store, Instant::now()).ok();
    let accounts: Vec<StaffAccount> = staff::accounts(store)?
        .into_iter()
        .map(|m| StaffAccount {
            id: m.id,
            name: m.name,
            role: m.role,
        })
        .collect();
    Ok(SessionStatus {
        required: !accounts.is_empty(),
        signed_in: match &access {
            Some(Access::Staff(who)) => Some(who.clone()),
            _ => None,
        },
        permissions: access.map(|a| a.permissions()).unwrap_or_default(),
        accounts,
        lock_after_minutes: session.lock_after.as_secs_f64() / 60.0,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn session_status(state: State<'_, AppState>) -> Reply<SessionStatus> {
    state.with_session(status).await
}

/// Signs in with an account picked from the list and its PIN or passphrase. Five wrong
/// tries in a row pause signing in for thirty seconds.
#[tauri::command]
#[specta::specta]
pub async fn sign_in(
    state: State<'_, AppState>,
    staff_id: Id,
    secret: String,
) -> Reply<SessionStatus> {
    let secret = StaffSecret::new(secret);
    state
        .with_session(move |store, session| {
            session.sign_in(store, staff_id, &secret, Instant::now())?;
            status(store, session)
        })
        .await
}

/// Locks the screen: signs out; the database stays open for sync.
#[tauri::command]
#[specta::specta]
pub async fn lock_screen(state: State<'_, AppState>) -> Reply<SessionStatus> {
    state
        .with_session(|store, session| {
            session.lock(store);
            status(store, session)
        })
        .await
}

/// The person is still there (they typed or clicked): the lock waits again.
#[tauri::command]
#[specta::specta]
pub async fn keep_alive(state: State<'_, AppState>) -> Reply<()> {
    state
        .with_session(|store, session| {
            session.access(store, Instant::now())?;
            session.input(Instant::now());
            Ok(())
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn list_staff(state: State<'_, AppState>) -> Reply<Vec<StaffMember>> {
    state
        .run_as(Permission::ManageStaff, |s, _, access| {
            staff::list(s, access)
        })
        .await
}

/// A new account with its first PIN or passphrase.
#[tauri::command]
#[specta::specta]
pub async fn add_staff(
    state: State<'_, AppState>,
    name: String,
    email: String,
    role: StaffRole,
    secret: String,
) -> Reply<StaffMember> {
    let secret = StaffSecret::new(secret);
    state
        .run_as(Permission::ManageStaff, move |s, _, access| {
            staff::add(s, access, &name, &email, role, &secret)
        })
        .await
}

/// A new role, a closed or reopened account, or (with `secret`) a new PIN.
#[tauri::command]
#[specta::specta]
pub async fn update_staff(
    state: State<'_, AppState>,
    staff_id: Id,
    change: StaffChange,
    secret: Option<String>,
) -> Reply<StaffMember> {
    let secret = secret.map(StaffSecret::new);
    state
        .run_as(Permission::ManageStaff, move |s, _, access| {
            staff::update(s, access, staff_id, &change, secret.as_ref())
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use mixwell_domain::ErrorCode;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(
            &dir.path().join("mixwell.sqlite"),
            &mixwell_store::DatabaseKey::from_bytes([7; 32]),
        )
        .unwrap();
        (dir, store)
    }

    fn account(store: &mut Store, name: &str, role: StaffRole, pin: &str) -> StaffMember {
        staff::add(store, &Access::Open, name, "", role, &StaffSecret::new(pin)).unwrap()
    }

    #[test]
    fn a_session_left_alone_past_the_lock_time_is_ended_and_input_keeps_it() {
        let (_dir, mut store) = store();
        let admin = account(&mut store, "Ada Admin", StaffRole::Administrator, "204863");
        let mut session = Session::new(Duration::from_secs(600));
        let t0 = Instant::now();
        assert_eq!(
            session.access(&mut store, t0).unwrap_err().code(),
            ErrorCode::SignedOut
        );
        session
            .sign_in(&mut store, admin.id, &StaffSecret::new("204863"), t0)
            .unwrap();
        session.input(t0 + Duration::from_secs(500));
        assert!(matches!(
            session.access(&mut store, t0 + Duration::from_secs(1000)),
            Ok(Access::Staff(_))
        ));
        assert_eq!(
            session
                .access(&mut store, t0 + Duration::from_secs(1101))
                .unwrap_err()
                .code(),
            ErrorCode::SignedOut
        );
        assert!(session.signed_in.is_none());
    }

    #[test]
    fn five_wrong_pins_pause_signing_in_even_with_the_right_one() {
        let (_dir, mut store) = store();
        let admin = account(&mut store, "Ada Admin", StaffRole::Administrator, "204863");
        let mut session = Session::new(Duration::from_secs(600));
        let t0 = Instant::now();
        for _ in 0..TRIES {
            let e = session
                .sign_in(&mut store, admin.id, &StaffSecret::new("111111"), t0)
                .unwrap_err();
            assert_eq!(e.code(), ErrorCode::WrongPin);
        }
        let paused = session
            .sign_in(&mut store, admin.id, &StaffSecret::new("204863"), t0)
            .unwrap_err();
        assert!(paused.to_string().contains("wait 30 seconds"), "{paused}");
        session
            .sign_in(
                &mut store,
                admin.id,
                &StaffSecret::new("204863"),
                t0 + PAUSE,
            )
            .unwrap();
    }

    #[test]
    fn a_role_changed_by_sync_applies_to_the_next_command() {
        let (_dir, mut store) = store();
        account(&mut store, "Ada Admin", StaffRole::Administrator, "204863");
        let sam = account(&mut store, "Sam Field", StaffRole::Coordinator, "314159");
        let mut session = Session::new(Duration::from_secs(600));
        let t0 = Instant::now();
        session
            .sign_in(&mut store, sam.id, &StaffSecret::new("314159"), t0)
            .unwrap();
        // As an update from the hub would arrive: straight into the store.
        store
            .update_staff_member(sam.id, Some(StaffRole::FieldStaff), None, None)
            .unwrap();
        let access = session.access(&mut store, t0).unwrap();
        assert!(!access.may(Permission::SeeSpecialCategory));
        store
            .update_staff_member(sam.id, None, None, Some(false))
            .unwrap();
        assert_eq!(
            session.access(&mut store, t0).unwrap_err().code(),
            ErrorCode::SignedOut
        );
    }
}
