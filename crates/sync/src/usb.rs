//! A laptop's side of USB bundles: its changes written for the hub, and the hub's bundle
//! for it read back. Both keep the same positions a round over the network keeps, so a
//! laptop can mix the two freely.

use mixwell_store::{PullPosition, Store, StoreError};
use serde::Serialize;

use crate::bundle::{self, Body, BundleError, Contents, Signer};
use crate::error::SyncError;
use crate::round::{device_key, schema_version};

/// What importing the hub's bundle did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BundleReport {
    /// Other devices' changes merged here.
    pub pulled: u32,
    /// Changes this laptop already had.
    pub already_here: u32,
    /// This laptop's changes the hub newly acknowledged.
    pub acknowledged: u32,
    /// This laptop's changes the hub refused (each kept with its reason).
    pub refused: u32,
}

impl BundleReport {
    /// Nothing in the bundle was new: it was imported before, or an older one.
    pub fn changed_nothing(&self) -> bool {
        self.pulled == 0 && self.acknowledged == 0
    }
}

/// This laptop's changes the hub has not acknowledged, signed by the laptop and encrypted
/// for the hub: the bundle and how many changes it carries.
pub fn export_bundle(store: &Store) -> Result<(Vec<u8>, usize), SyncError> {
    let link = store.sync_link()?.ok_or(SyncError::NotEnrolled)?;
    let changes = store.pending_changes()?;
    let audit = store.audit_page(store.audit_acked()?, u32::MAX)?;
    let count = changes.len();
    let contents = Contents {
        organisation: link.organisation.id,
        created_at: store.now(),
        schema_version: schema_version(),
        body: Body::ToHub {
            device: store.device_id(),
            pull_cursor: store.pull_cursor()?,
            changes,
            audit,
        },
    };
    let sealed = bundle::seal(
        &contents,
        Signer::Device {
            id: store.device_id(),
        },
        &device_key(&link)?,
        &link.hub_recipient,
    )?;
    Ok((sealed, count))
}

/// Reads the hub's bundle for this laptop: the record's changes it lacks, merged, and what
/// the hub holds of its own. Refused, with nothing changed, when the bundle is for another
/// laptop, from another organisation, or changed on the way.
pub fn import_bundle(store: &mut Store, bytes: &[u8]) -> Result<BundleReport, SyncError> {
    let link = store.sync_link()?.ok_or(SyncError::NotEnrolled)?;
    let opened = bundle::open(bytes, &link.bundle_identity, "laptop")?;
    if opened.signer
        != (Signer::Hub {
            organisation: link.organisation.id,
        })
    {
        return Err(BundleError::Foreign(
            "another organisation or a laptop, not this laptop's hub".into(),
        )
        .into());
    }
    let contents = opened.verify(&link.hub_key)?;
    let Body::ToDevice {
        device,
        acked_seq,
        refused,
        cursor,
        mark,
        refresh,
        changes,
        issuing_keys,
        audit_acked,
    } = contents.body
    else {
        return Err(BundleError::Foreign("a laptop, for the hub".into()).into());
    };
    if device != store.device_id() || contents.organisation != link.organisation.id {
        return Err(BundleError::WrongRecipient("laptop").into());
    }
    let before = store.acknowledged_seq()?;
    let refused: Vec<(u64, String)> = refused
        .into_iter()
        .map(|r| (r.device_seq, r.reason))
        .collect();
    let keys =
        serde_json::to_string(&issuing_keys).map_err(|e| SyncError::Protocol(e.to_string()))?;
    let report = store.atomically(|store| {
        let applied = store.apply_pulled(&changes, &PullPosition { cursor, mark }, refresh)?;
        if !issuing_keys.is_empty() {
            store.set_issuing_keys(&keys)?;
        }
        store.record_push(acked_seq, &refused)?;
        if let Some(audit_acked) = audit_acked {
            store.acknowledge_audit(audit_acked)?;
        }
        store.record_sync(None, applied.clamped)?;
        Ok::<_, StoreError>(BundleReport {
            pulled: applied.applied,
            already_here: applied.duplicates,
            acknowledged: u32::try_from(acked_seq.saturating_sub(before)).unwrap_or(u32::MAX),
            refused: u32::try_from(refused.len()).unwrap_or(u32::MAX),
        })
    })?;
    Ok(report)
}
