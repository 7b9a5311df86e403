//! Sync between a laptop and its organisation's hub.
//!
//! - [`wire`]: the messages both sides exchange (the hub depends on them too);
//! - [`keys`]: the device's key pair and the session secrets;
//! - [`client`]: the transport (HTTP, or anything a simulation puts in its place) and the
//!   typed client over it;
//! - [`round`]: enrolment and one round of push then pull over the store.

pub mod bundle;
pub mod client;
mod error;
pub mod keys;
pub mod round;
pub mod usb;
pub mod wire;

pub use client::{hub_url, HttpTransport, HubClient, Transport};
pub use error::SyncError;
pub use keys::DeviceKey;
pub use round::{
    enrol, enrol_trusting, enrol_with, push_only, round, sync_now, sync_with_retries, Backoff,
    Report, CLOCK_WARNING_SECONDS, PULL_PAGE, PUSH_BATCH,
};
pub use usb::{export_bundle, import_bundle, BundleReport};
