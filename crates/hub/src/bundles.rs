//! USB bundles at the hub: a laptop's changes carried in on a stick, and the record's
//! changes a laptop lacks carried out. Both go through the same push and pull as a round
//! over the network, so a bundle applies exactly once however often it is imported.

use mixwell_domain::Id;
use mixwell_sync::bundle::{self, Body, BundleError, Contents, Signer};
use mixwell_sync::keys::DeviceKey;
use mixwell_sync::wire::{HubErrorCode, Refusal};

use crate::devices::{load_device, Device};
use crate::error::HubError;
use crate::log::{Pushed, MAX_PAGE};
use crate::Hub;

/// The hub's public keys, as devices receive them at enrolment.
#[derive(Debug, Clone)]
pub struct PublicKeys {
    /// Ed25519, base64: it signs the bundles the hub writes.
    pub signing: String,
    /// age: bundles for the hub are encrypted to it.
    pub bundles: String,
}

/// What importing a laptop's bundle did.
#[derive(Debug, Clone)]
pub struct BundleImport {
    pub device: Device,
    pub pushed: Pushed,
}

fn bundle_refused(error: BundleError) -> HubError {
    HubError::refused(HubErrorCode::BadRequest, error.to_string())
}

/// The hub's secret keys: (signing key, bundle identity).
struct SecretKeys {
    signing: DeviceKey,
    bundles: String,
}

impl Hub {
    fn secret_keys(&self) -> Result<SecretKeys, HubError> {
        let rows = self.backend.transaction(|tx| {
            tx.query(
                "SELECT signing_key, bundle_identity FROM hub_organisation",
                &[],
            )
        })?;
        let row = rows.first().ok_or_else(|| {
            HubError::Usage("this hub has no organisation yet: run `mixwell hub init` first".into())
        })?;
        Ok(SecretKeys {
            signing: DeviceKey::from_base64(&row.text(0)?)
                .ok_or_else(|| HubError::corrupt("the hub's signing key"))?,
            bundles: row.text(1)?,
        })
    }

    /// The hub's own Ed25519 key: it signs bundles and the organisation's status lists.
    pub(crate) fn hub_signing_key(&self) -> Result<ed25519_dalek::SigningKey, HubError> {
        Ok(self.secret_keys()?.signing.ed25519().clone())
    }

    pub fn public_keys(&self) -> Result<PublicKeys, HubError> {
        let keys = self.secret_keys()?;
        Ok(PublicKeys {
            signing: keys.signing.public_base64(),
            bundles: bundle::public_of(&keys.bundles).map_err(bundle_refused)?,
        })
    }

    /// Applies a laptop's bundle: decrypted with the hub's key, checked against the
    /// laptop's signature, pushed like a round. Refused, with nothing changed, when it is not
    /// for this hub, was changed on the way, or comes from a device that is not enrolled here.
    pub fn import_bundle(&self, bytes: &[u8]) -> Result<BundleImport, HubError> {
        let keys = self.secret_keys()?;
        let organisation = self.organisation()?;
        let opened = bundle::open(bytes, &keys.bundles, "hub").map_err(bundle_refused)?;
        let Signer::Device { id } = opened.signer.clone() else {
            return Err(bundle_refused(BundleError::Foreign(
                "a hub, not a laptop".into(),
            )));
        };
        let device = self
            .backend
            .transaction(|tx| load_device(tx, id))?
            .ok_or_else(|| {
                bundle_refused(BundleError::Foreign(
                    "a device this hub does not know".into(),
                ))
            })?;
        if device.revoked_at.is_some() {
            return Err(HubError::refused(
                HubErrorCode::DeviceRevoked,
                format!(
                    "this bundle comes from {}, which was revoked; nothing was imported",
                    device.label
                ),
            ));
        }
        let contents = opened.verify(&device.public_key).map_err(bundle_refused)?;
        let Body::ToHub {
            device: carried,
            pull_cursor,
            changes,
            audit,
        } = contents.body
        else {
            return Err(bundle_refused(BundleError::Foreign(
                "the hub, for a laptop".into(),
            )));
        };
        if contents.organisation != organisation.id || carried != id {
            return Err(bundle_refused(BundleError::Foreign(
                "another organisation".into(),
            )));
        }
        let pushed = self.push(&device, &changes, &audit)?;
        self.note_cursor(id, pull_cursor)?;
        Ok(BundleImport { device, pushed })
    }

    /// A bundle for `device`: what the hub holds of its changes, and every change of the
    /// record it may see after where it last said it stands. Signed by the hub, readable
    /// only by that device. Returns the bundle and the number of changes in it.
    pub fn export_bundle(&self, device: Id) -> Result<(Vec<u8>, usize), HubError> {
        let keys = self.secret_keys()?;
        let organisation = self.organisation()?;
        let device = self
            .backend
            .transaction(|tx| load_device(tx, device))?
            .ok_or_else(|| HubError::Usage(format!("no device {device} is enrolled here")))?;
        if device.revoked_at.is_some() {
            return Err(HubError::Usage(format!(
                "{} ({}) was revoked: it gets no more of the record",
                device.label, device.id
            )));
        }
        let mut page = self.pull_from(&device, device.pull_cursor, MAX_PAGE)?;
        let refresh = page.refresh;
        let mut changes = std::mem::take(&mut page.changes);
        while page.more {
            page = self.pull_from(&device, page.cursor, MAX_PAGE)?;
            changes.append(&mut page.changes);
        }
        let (cursor, mark) = (page.cursor, page.mark);
        let refused = self.backend.transaction(|tx| {
            tx.query(
                "SELECT device_seq, reason FROM hub_refused WHERE device_id = $1 ORDER BY device_seq",
                &[device.id.to_string().into()],
            )?
            .iter()
            .map(|r| {
                Ok(Refusal {
                    device_seq: u64::try_from(r.int(0)?).unwrap_or(0),
                    reason: r.text(1)?,
                })
            })
            .collect::<Result<Vec<_>, HubError>>()
        })?;
        let count = changes.len();
        let contents = Contents {
            organisation: organisation.id,
            created_at: self.now(),
            schema_version: mixwell_sync::round::schema_version(),
            body: Body::ToDevice {
                device: device.id,
                acked_seq: device.acked_seq,
                refused,
                cursor,
                mark,
                refresh,
                changes,
                issuing_keys: self.issuing_keys()?,
                audit_acked: Some(
                    self.backend
                        .transaction(|tx| crate::audit::held(tx, device.id))?,
                ),
            },
        };
        let sealed = bundle::seal(
            &contents,
            Signer::Hub {
                organisation: organisation.id,
            },
            &keys.signing,
            &device.bundle_recipient,
        )
        .map_err(bundle_refused)?;
        Ok((sealed, count))
    }
}
