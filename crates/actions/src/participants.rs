//! Showing and exporting a wave's participants: the reads of sensitive data (ethnicity,
//! faith, additional needs), each noted on the audit trail.

use mixwell_domain::{AuditAction, Id, Participant};
use mixwell_store::Store;

use crate::ActionResult;

/// A wave's participants with their records, as a screen or `participants list` shows
/// them; the read is noted on the audit trail (the wave's id, nothing of the people).
pub fn shown(store: &Store, wave: Id) -> ActionResult<Vec<Participant>> {
    let participants = store.participants(wave)?;
    store.note(AuditAction::Read, "wave", &wave.to_string())?;
    Ok(participants)
}

/// A wave's roster written out of Mixwell, in the sign-up contract; the export is noted.
pub fn roster_csv(store: &Store, wave: Id) -> ActionResult<String> {
    let participants = store.participants(wave)?;
    store.note(AuditAction::Export, "wave", &wave.to_string())?;
    Ok(mixwell_roster::to_csv(
        participants
            .iter()
            .map(|p| (&p.record, p.friends.as_slice())),
    ))
}
