//! Rosters from sign-up exports: what importing one would change, and the import itself,
//! all of it or nothing.

use mixwell_domain::Id;
use mixwell_roster::ParsedRoster;
use mixwell_store::{ImportPreview, ImportSummary, Store, StoreError};

use crate::error::{ActionError, ActionResult};

/// What importing the roster into the wave would change; saves nothing.
pub fn preview(store: &Store, wave_id: Id, roster: ParsedRoster) -> ActionResult<ImportPreview> {
    Ok(store.preview_import(wave_id, roster)?)
}

/// Imports the roster into the wave, or nothing when it has any error: then the refusal
/// carries every problem with its line and column. `progress(done, total)` is called as
/// rows are written.
pub fn import(
    store: &mut Store,
    wave_id: Id,
    roster: ParsedRoster,
    progress: &mut dyn FnMut(usize, usize),
) -> ActionResult<ImportSummary> {
    let problems = roster.problems.clone();
    store
        .import_roster(wave_id, roster, progress)
        .map_err(|error| match error {
            StoreError::RosterHasErrors { .. } => ActionError::RosterRejected { problems },
            other => other.into(),
        })
}
