//! The ledger's rows: reading entries and decisions back, and appending them.

use super::*;

pub(super) const ENTRY_COLUMNS: &str =
    "e.id, e.kind, e.corrects, e.participant_id, e.organisation_id, \
    e.date, e.minutes, e.activity, e.reason, e.logged_by, e.device_id, e.logged_at, e.hlc";

pub(super) type EntryRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    NaiveDate,
    u32,
    String,
    String,
    String,
    String,
    String,
    String,
);

pub(super) fn to_entry(row: EntryRow) -> StoreResult<LedgerEntry> {
    let (id, kind, corrects, participant, organisation, date, minutes, activity, reason) = (
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8,
    );
    Ok(LedgerEntry {
        id: parse_id(&id)?,
        kind: match kind.as_str() {
            "void" => EntryKind::Void,
            "adjust" => EntryKind::Adjust,
            _ => EntryKind::Original,
        },
        corrects: corrects.as_deref().map(parse_id).transpose()?,
        participant_id: parse_id(&participant)?,
        organisation_id: parse_id(&organisation)?,
        date,
        minutes,
        activity,
        reason,
        logged_by: row.9,
        device_id: parse_id(&row.10)?,
        logged_at: instant(&row.11)?,
        hlc: row.12,
    })
}

pub(super) const DECISION_COLUMNS: &str =
    "v.id, v.entry_id, v.decision, v.method, v.by_name, v.signature, v.device_id, v.at, v.hlc";

pub(super) type DecisionRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
);

pub(super) fn to_decision(
    (id, entry, decision, method, by, signature, device, at, hlc): DecisionRow,
) -> StoreResult<Verification> {
    Ok(Verification {
        id: parse_id(&id)?,
        entry_id: parse_id(&entry)?,
        decision: if decision == "rejected" {
            Decision::Rejected
        } else {
            Decision::Verified
        },
        method: if method == "supervisor" {
            VerifyMethod::Supervisor
        } else {
            VerifyMethod::Coordinator
        },
        by,
        signature,
        device_id: parse_id(&device)?,
        at: instant(&at)?,
        hlc,
    })
}

/// Entries and decisions, found by the participants they are about: `scope` filters
/// `participant p` with `?1`. In no particular order: the fold orders each chain itself.
pub(crate) struct Ledger {
    pub(crate) entries: Vec<LedgerEntry>,
    pub(crate) decisions: Vec<Verification>,
}

impl Ledger {
    pub(super) fn load(conn: &Connection, scope: &str, key: &str) -> StoreResult<Ledger> {
        let entries = conn
            .prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS} FROM participant p CROSS JOIN hour_entry e
                 WHERE e.participant_id = p.id AND {scope}"
            ))?
            .query_map([key], |r| EntryRow::try_from(r))?
            .collect::<Result<Vec<_>, _>>()?;
        let decisions = conn
            .prepare_cached(&format!(
                "SELECT {DECISION_COLUMNS} FROM participant p CROSS JOIN hour_verification v
                 WHERE v.participant_id = p.id AND {scope}"
            ))?
            .query_map([key], |r| DecisionRow::try_from(r))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Ledger {
            entries: entries
                .into_iter()
                .map(to_entry)
                .collect::<StoreResult<_>>()?,
            decisions: decisions
                .into_iter()
                .map(to_decision)
                .collect::<StoreResult<_>>()?,
        })
    }

    pub(super) fn of_participant(conn: &Connection, participant: Id) -> StoreResult<Ledger> {
        Self::load(conn, "p.id = ?1", &participant.to_string())
    }

    pub(crate) fn of_wave(conn: &Connection, wave: Id) -> StoreResult<Ledger> {
        Self::load(conn, "p.wave_id = ?1", &wave.to_string())
    }

    pub(crate) fn chains(&self) -> Vec<Effective> {
        effective(&self.entries, &self.decisions)
    }
}

/// Appends an entry stamped with the next HLC stamp (whatever `hlc` it came with), and
/// returns it as stored.
pub(super) fn insert_entry(w: &mut Writer<'_>, e: &LedgerEntry) -> StoreResult<LedgerEntry> {
    let hlc = w.stamp();
    let e = &LedgerEntry {
        hlc: hlc.to_sortable_string(),
        ..e.clone()
    };
    w.tx()
        .prepare_cached(
            "INSERT INTO hour_entry (id, kind, corrects, participant_id, organisation_id, date,
                 minutes, activity, reason, logged_by, device_id, logged_at, hlc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
            e.id.to_string(),
            match e.kind {
                EntryKind::Original => "original",
                EntryKind::Void => "void",
                EntryKind::Adjust => "adjust",
            },
            e.corrects.map(|c| c.to_string()),
            e.participant_id.to_string(),
            e.organisation_id.to_string(),
            e.date,
            e.minutes,
            e.activity,
            e.reason,
            e.logged_by,
            e.device_id.to_string(),
            stamp(e.logged_at),
            e.hlc,
        ])?;
    w.record_at(hlc, Entity::HourEntry, e.id)?;
    Ok(e.clone())
}

/// Records a decision on an entry of `participant`, stamped with the next HLC stamp, and
/// returns it as stored.
pub(super) fn insert_decision(
    w: &mut Writer<'_>,
    v: &Verification,
    participant: Id,
) -> StoreResult<Verification> {
    let hlc = w.stamp();
    let v = &Verification {
        hlc: hlc.to_sortable_string(),
        ..v.clone()
    };
    w.tx()
        .prepare_cached(
            "INSERT INTO hour_verification (id, entry_id, participant_id, decision, method,
                 by_name, signature, device_id, at, hlc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            v.id.to_string(),
            v.entry_id.to_string(),
            participant.to_string(),
            match v.decision {
                Decision::Verified => "verified",
                Decision::Rejected => "rejected",
            },
            match v.method {
                VerifyMethod::Coordinator => "coordinator",
                VerifyMethod::Supervisor => "supervisor",
            },
            v.by,
            v.signature,
            v.device_id.to_string(),
            stamp(v.at),
            v.hlc,
        ])?;
    w.record_at(hlc, Entity::HourVerification, v.id)?;
    Ok(v.clone())
}
