//! Volunteering hours: log (one entry, a team's session, a sign-in sheet), correct, decide
//! one entry or many at once, and reports. Every entry and decision records who made it,
//! the [`Operator`] the shell names once at start-up.

use mixwell_domain::hours::{Decision, LedgerEntry, Verification, VerifyMethod};
use mixwell_domain::Id;
use mixwell_store::{HoursReportKind, NewHours, Store};

use crate::error::ActionResult;
use crate::export::ExportFile;

/// Who is at the keyboard, for "logged by": the app and the CLI name them the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    name: String,
}

impl Operator {
    /// The account's name on this laptop, or "this laptop" when the system gives none.
    pub fn from_environment() -> Operator {
        let name = ["USER", "USERNAME", "LOGNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
            .unwrap_or_else(|| "this laptop".to_owned());
        Operator::named(&name)
    }

    pub fn named(name: &str) -> Operator {
        Operator {
            name: name.trim().to_owned(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Saves every row or none; a refusal carries each problem with its row.
pub fn log(
    store: &mut Store,
    operator: &Operator,
    rows: &[NewHours],
    allow_duplicate: bool,
) -> ActionResult<Vec<LedgerEntry>> {
    Ok(store.log_hours(rows, operator.name(), allow_duplicate)?)
}

/// Takes an entry out of the count, for good, with the reason.
pub fn void(
    store: &mut Store,
    operator: &Operator,
    entry_id: Id,
    reason: &str,
) -> ActionResult<LedgerEntry> {
    Ok(store.void_hours(entry_id, reason, operator.name())?)
}

/// Sets an entry's minutes, with the reason; the entry then waits for a new decision.
pub fn adjust(
    store: &mut Store,
    operator: &Operator,
    entry_id: Id,
    minutes: u32,
    reason: &str,
) -> ActionResult<LedgerEntry> {
    Ok(store.adjust_hours(entry_id, minutes, reason, operator.name())?)
}

/// One decision: a coordinator's from the queue (`by` is the name they type), or a
/// supervisor's on the spot with their signature.
pub fn decide(
    store: &mut Store,
    entry_id: Id,
    decision: Decision,
    method: VerifyMethod,
    by: &str,
    signature: Option<String>,
) -> ActionResult<Verification> {
    Ok(store.decide_hours(entry_id, decision, method, by, signature)?)
}

/// The same decision on every entry ticked in the queue: all of them or none.
pub fn decide_many(
    store: &mut Store,
    entry_ids: &[Id],
    decision: Decision,
    method: VerifyMethod,
    by: &str,
) -> ActionResult<Vec<Verification>> {
    Ok(store.decide_many_hours(entry_ids, decision, method, by)?)
}

/// A report of the wave's hours: the file, and how many rows it has below the heading.
pub struct HoursReport {
    pub file: ExportFile,
    pub rows: usize,
}

/// A report of the wave's hours: CSV, or XLSX when `xlsx`.
pub fn report(
    store: &Store,
    wave_id: Id,
    kind: HoursReportKind,
    xlsx: bool,
) -> ActionResult<HoursReport> {
    let wave = store.wave(wave_id)?;
    let table = store.hours_report(wave_id, kind)?;
    store.note(
        mixwell_domain::AuditAction::Export,
        "wave",
        &wave_id.to_string(),
    )?;
    let bytes = if xlsx {
        table.to_xlsx()?
    } else {
        table.to_csv()?.into_bytes()
    };
    Ok(HoursReport {
        file: ExportFile {
            name: format!("{} {}", wave.name, kind.file_stem()),
            extension: if xlsx { "xlsx" } else { "csv" },
            bytes,
        },
        rows: table.rows.len(),
    })
}
