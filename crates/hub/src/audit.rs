//! Devices' audit trails: each push's links are checked to follow on from the last link
//! the hub keeps of that device (numbered on, chained by hash), then kept. A trail edited,
//! cut or rewritten on a laptop after it was sent no longer fits, and the push is refused
//! naming the first link that does not.

use mixwell_domain::audit::check_chain;
use mixwell_domain::AuditLink;
use mixwell_sync::wire::HubErrorCode;

use crate::error::HubError;
use crate::log::insert_rows;
use crate::storage::{Tx, Value};

/// The last link of `device`'s trail the hub holds: its hash and number.
fn tip(tx: &mut dyn Tx, device: mixwell_domain::Id) -> Result<Option<(String, u64)>, HubError> {
    let held = tx.query(
        "SELECT seq, hash FROM hub_audit_link WHERE device_id = $1 ORDER BY seq DESC LIMIT 1",
        &[device.to_string().into()],
    )?;
    match held.first() {
        Some(row) => Ok(Some((
            row.text(1)?,
            u64::try_from(row.int(0)?).unwrap_or(0),
        ))),
        None => Ok(None),
    }
}

/// How much of `device`'s trail the hub holds (0: none).
pub(crate) fn held(tx: &mut dyn Tx, device: mixwell_domain::Id) -> Result<u64, HubError> {
    Ok(tip(tx, device)?.map_or(0, |(_, seq)| seq))
}

/// Keeps the links of `device` that are new to the hub, after checking them; returns the
/// last link the hub then holds (0: none).
pub(crate) fn take(
    tx: &mut dyn Tx,
    device: mixwell_domain::Id,
    links: &[AuditLink],
    now: &str,
) -> Result<u64, HubError> {
    let tip = tip(tx, device)?;
    let held_seq = tip.as_ref().map_or(0, |(_, seq)| *seq);
    // A link the hub holds already (a retry) is acknowledged, not kept twice.
    let fresh: Vec<&AuditLink> = links.iter().filter(|l| l.seq > held_seq).collect();
    if fresh.is_empty() {
        return Ok(held_seq);
    }
    if fresh[0].seq != held_seq + 1 {
        // A hub restored from a backup holds less than the laptop was told: the laptop
        // still has every link, and sends again from here.
        return Err(HubError::Refused {
            code: HubErrorCode::AuditBroken,
            message: format!(
                "the hub holds this laptop's audit trail up to link {held_seq}; send from {}",
                held_seq + 1
            ),
            expected_seq: Some(held_seq + 1),
        });
    }
    let owned: Vec<AuditLink> = fresh.iter().map(|l| (*l).clone()).collect();
    if let Err(broken) = check_chain(
        device,
        tip.as_ref().map(|(hash, seq)| (hash.as_str(), *seq)),
        &owned,
    ) {
        return Err(HubError::refused(
            HubErrorCode::AuditBroken,
            format!("{broken}; nothing of this push was kept"),
        ));
    }
    let rows = owned
        .iter()
        .map(|link| {
            vec![
                device.to_string().into(),
                Value::Int(i64::try_from(link.seq).unwrap_or(i64::MAX)),
                Value::Int(i64::try_from(link.at_ms).unwrap_or(i64::MAX)),
                link.actor.map_or(Value::Null, |a| a.to_string().into()),
                link.action.as_str().into(),
                link.entity.clone().into(),
                link.entity_id.clone().into(),
                link.prev_hash.clone().into(),
                link.hash.clone().into(),
                now.into(),
            ]
        })
        .collect();
    insert_rows(
        tx,
        "hub_audit_link",
        &[
            "device_id",
            "seq",
            "at_ms",
            "actor",
            "action",
            "entity",
            "entity_id",
            "prev_hash",
            "hash",
            "received_at",
        ],
        "",
        rows,
    )?;
    Ok(owned.last().map_or(held_seq, |l| l.seq))
}
