//! The organisation's hub: devices enrol with it, push their changes into the
//! organisation's record and pull everyone else's.
//!
//! The hub keeps no state outside its database ([`storage`]: SQLite or PostgreSQL), so
//! any number of hub processes can serve one PostgreSQL database. Its logic is
//! synchronous and written once over [`storage::Tx`]; [`server`] runs it off the async
//! threads behind axum.

mod audit;
mod bundles;
mod compact;
mod devices;
mod error;
mod issuing_keys;
mod log;
mod migrate;
mod page;
mod scope;
pub mod server;
pub mod storage;
mod verification;

use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use bundles::{BundleImport, PublicKeys};
pub use compact::{superseded, Compacted, Held};
pub use devices::{normalise_code, Device, NewEnrolment, CODE_LIFETIME};
pub use error::HubError;
pub use log::{Page, Pushed, MAX_PAGE};
pub use server::{router, serve, serve_tls, spawn, Background};
pub use verification::{is_revoked_in, CodeCheck, Revoked, STATUS_LIST_BITS, WRONG_CODES};

/// The hub's sense of time, injected so simulations can move it.
pub trait HubClock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl HubClock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A hub over its database.
pub struct Hub {
    backend: storage::Backend,
    clock: Arc<dyn HubClock>,
}

impl Hub {
    /// Opens the hub's database (a SQLite path or a `postgres://` URL), bringing its
    /// tables up to date.
    pub fn open(database: &str) -> Result<Hub, HubError> {
        Self::open_with_clock(database, Arc::new(SystemClock))
    }

    pub fn open_with_clock(database: &str, clock: Arc<dyn HubClock>) -> Result<Hub, HubError> {
        let backend = storage::Backend::open(database)?;
        migrate::migrate(&backend)?;
        Ok(Hub { backend, clock })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// "SQLite" or "PostgreSQL".
    pub fn backend_kind(&self) -> &'static str {
        self.backend.kind()
    }
}

/// Times as the hub's tables keep them: RFC 3339 UTC with milliseconds, which sort as
/// they compare.
pub(crate) fn time_text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
