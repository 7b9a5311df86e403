//! What a person can do in Mixwell, one function per action: import a roster, form and
//! check teams, save a team set, plan and re-plan a rota, mark someone away, log, correct
//! and decide hours, print and export.
//!
//! The desktop shell's commands and the CLI's handlers decode their arguments and call one
//! function here; neither decides anything itself. Below this layer, the store keeps rows
//! (SQL, migrations, the outbox) and the pure crates plan and check. Every action that
//! changes something runs in one [`Store::atomically`](mixwell_store::Store::atomically)
//! transaction: its checks, its writes and whatever they cause (a re-plan) are kept
//! together or not at all. "Today" is the store's (its injected clock, Europe/London) and
//! who acts is the [`hours::Operator`] the shell names, never read here from anywhere else.

pub mod certificates;
pub mod error;
pub mod export;
pub mod hours;
pub mod open;
pub mod participants;
pub mod print;
pub mod roster;
pub mod rota;
pub mod staff;
pub mod subject;
pub mod teams;

pub use error::{ActionError, ActionResult};
pub use hours::Operator;
pub use open::{open_store, Opened};
pub use staff::{Access, SignedIn};
