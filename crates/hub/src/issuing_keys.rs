//! The keys the organisation vouches for: every device's Ed25519 key, from its enrolment,
//! with the time it was withdrawn (the device revoked). Published as the organisation's
//! DID document (did:web) at `/.well-known/did.json` and sent to each laptop when it opens
//! a session, so a laptop's keys file is exactly what the hub publishes.

use mixwell_certificates::keys::{did_web, KeySet};
use mixwell_sync::wire::{HubErrorCode, IssuingKey};

use crate::devices::parse_time;
use crate::error::HubError;
use crate::Hub;

impl Hub {
    /// Every key a device of the organisation has signed with, oldest first, with when it
    /// was withdrawn: what the organisation vouches for.
    pub fn issuing_keys(&self) -> Result<Vec<IssuingKey>, HubError> {
        let hub_key = self.hub_signing_key()?;
        self.backend.transaction(|tx| {
            // The hub's own key first: it signs the organisation's status lists.
            let created = tx
                .query("SELECT created_at FROM hub_organisation", &[])?
                .first()
                .map(|row| row.text(0))
                .transpose()?
                .ok_or_else(|| HubError::corrupt("the hub has no organisation"))?;
            let hub = IssuingKey {
                public_key: base64::Engine::encode(
                    &base64::engine::general_purpose::STANDARD,
                    hub_key.verifying_key().as_bytes(),
                ),
                enrolled_at: parse_time(&created)?,
                revoked_at: None,
            };
            let devices = tx
                .query(
                    "SELECT public_key, enrolled_at, revoked_at FROM hub_device_key
                 ORDER BY enrolled_at, public_key",
                    &[],
                )?
                .iter()
                .map(|row| {
                    Ok(IssuingKey {
                        public_key: row.text(0)?,
                        enrolled_at: parse_time(&row.text(1)?)?,
                        revoked_at: row.opt_text(2)?.as_deref().map(parse_time).transpose()?,
                    })
                })
                .collect::<Result<Vec<_>, HubError>>()?;
            Ok(std::iter::once(hub).chain(devices).collect())
        })
    }

    /// The organisation's DID document for the did:web its hub is reached at (`origin`,
    /// `scheme://host[:port]` as the request named it): each key as a Multikey
    /// verification method.
    pub fn did_document(&self, origin: &str) -> Result<serde_json::Value, HubError> {
        let did = did_web(origin)
            .map_err(|e| HubError::refused(HubErrorCode::BadRequest, e.to_string()))?;
        Ok(published_keys(&did, &self.issuing_keys()?).document())
    }
}

/// The key set `issuing_keys` stand for under the organisation's `did`: what the hub
/// publishes and what an enrolled laptop checks certificates against.
pub fn published_keys(did: &str, issuing_keys: &[IssuingKey]) -> KeySet {
    KeySet::of_keys(
        did,
        issuing_keys
            .iter()
            .filter_map(|k| Some((k.key()?, k.revoked_at))),
    )
}
