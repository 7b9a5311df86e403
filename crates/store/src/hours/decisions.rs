//! Corrections (void, adjust) and decisions on an entry, one at a time or many at once.

use super::ledger::{insert_decision, insert_entry, to_entry, EntryRow, ENTRY_COLUMNS};
use super::*;

impl Store {
    /// The original entry an id names (the id of a correction names its original), with
    /// its chain as it stands.
    pub(super) fn chain_of(&self, entry_id: Id) -> StoreResult<(LedgerEntry, Effective, Ledger)> {
        let row = self
            .conn()
            .query_row(
                &format!(
                    "SELECT {ENTRY_COLUMNS} FROM hour_entry e WHERE e.id =
                     (SELECT coalesce(corrects, id) FROM hour_entry WHERE id = ?1)"
                ),
                [entry_id.to_string()],
                |r| EntryRow::try_from(r),
            )
            .optional()?
            .ok_or_else(|| {
                one_problem(
                    "entry_id",
                    HoursProblemCode::UnknownEntry,
                    format!("there is no hour entry {entry_id}"),
                )
            })?;
        let original = to_entry(row)?;
        let ledger = Ledger::of_participant(self.conn(), original.participant_id)?;
        let state = ledger
            .chains()
            .into_iter()
            .find(|c| c.entry_id == original.id)
            .ok_or(StoreError::NotFound {
                what: "hour entry",
                id: entry_id.to_string(),
            })?;
        Ok((original, state, ledger))
    }

    pub(super) fn correct(
        &mut self,
        entry_id: Id,
        kind: EntryKind,
        minutes: u32,
        reason: &str,
        by: &str,
    ) -> StoreResult<LedgerEntry> {
        self.atomically(|store| {
            let (original, state, ledger) = store.chain_of(entry_id)?;
            let mut problems = Vec::new();
            if reason.trim().is_empty() {
                problems.push(HoursProblem::new(
                    0,
                    "reason",
                    HoursProblemCode::MissingReason,
                    "say why the entry is being corrected",
                ));
            }
            if state.status == Status::Voided {
                problems.push(HoursProblem::new(
                    0,
                    "entry_id",
                    HoursProblemCode::AlreadyDecided,
                    "this entry has already been voided",
                ));
            }
            if kind == EntryKind::Adjust {
                let others: u32 = ledger
                    .chains()
                    .iter()
                    .filter(|c| c.stands() && c.date == original.date && c.entry_id != original.id)
                    .map(|c| c.minutes)
                    .sum();
                problems.extend(check_minutes(0, minutes));
                problems.extend(check_day_total(0, original.date, minutes, others));
            }
            if !problems.is_empty() {
                return Err(rejected(problems));
            }
            let entry = LedgerEntry {
                id: Id::now_v7(),
                kind,
                corrects: Some(original.id),
                minutes: if kind == EntryKind::Void { 0 } else { minutes },
                reason: reason.trim().to_owned(),
                logged_by: by.trim().to_owned(),
                device_id: store.device_id(),
                logged_at: store.instant_now(),
                ..original
            };
            store.write(|w| insert_entry(w, &entry))
        })
    }

    /// Takes an entry out of the count, for good, with the reason.
    pub fn void_hours(&mut self, entry_id: Id, reason: &str, by: &str) -> StoreResult<LedgerEntry> {
        self.correct(entry_id, EntryKind::Void, 0, reason, by)
    }

    /// Sets an entry's minutes, with the reason; the entry then waits for a new decision.
    pub fn adjust_hours(
        &mut self,
        entry_id: Id,
        minutes: u32,
        reason: &str,
        by: &str,
    ) -> StoreResult<LedgerEntry> {
        self.correct(entry_id, EntryKind::Adjust, minutes, reason, by)
    }

    /// Records a decision on an entry: a coordinator's from the queue, or a supervisor's
    /// with their signature.
    pub fn decide_hours(
        &mut self,
        entry_id: Id,
        decision: Decision,
        method: VerifyMethod,
        by: &str,
        signature: Option<String>,
    ) -> StoreResult<Verification> {
        self.atomically(|store| {
            let by = validate_name("name of whoever decides", by)?;
            let (original, state, _) = store.chain_of(entry_id)?;
            let already = match (state.status, decision) {
                (Status::Voided, _) => Some("this entry has been voided"),
                (Status::Verified, Decision::Verified) => Some("this entry is already verified"),
                (Status::Rejected, Decision::Rejected) => Some("this entry is already rejected"),
                _ => None,
            };
            if let Some(message) = already {
                return Err(one_problem(
                    "entry_id",
                    HoursProblemCode::AlreadyDecided,
                    message,
                ));
            }
            let verification = Verification {
                id: Id::now_v7(),
                entry_id: original.id,
                decision,
                method,
                by,
                signature,
                device_id: store.device_id(),
                at: store.instant_now(),
                hlc: String::new(),
            };
            store.write(|w| insert_decision(w, &verification, original.participant_id))
        })
    }

    /// The same decision on many entries (the queue's ticked ones), as one action: every
    /// entry is checked and all of them are decided, or none is. A refusal lists each
    /// entry's problem with its position in `entry_ids` as the row.
    pub fn decide_many_hours(
        &mut self,
        entry_ids: &[Id],
        decision: Decision,
        method: VerifyMethod,
        by: &str,
    ) -> StoreResult<Vec<Verification>> {
        self.atomically(|store| {
            let mut decided = Vec::with_capacity(entry_ids.len());
            let mut problems = Vec::new();
            for (row, &entry_id) in entry_ids.iter().enumerate() {
                match store.decide_hours(entry_id, decision, method, by, None) {
                    Ok(verification) => decided.push(verification),
                    Err(StoreError::HoursRejected { problems: found }) => {
                        problems.extend(found.into_iter().map(|p| HoursProblem {
                            row: u32::try_from(row).unwrap_or(u32::MAX),
                            ..p
                        }));
                    }
                    Err(other) => return Err(other),
                }
            }
            if problems.is_empty() {
                Ok(decided)
            } else {
                Err(rejected(problems))
            }
        })
    }
}
