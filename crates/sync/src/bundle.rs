//! USB bundles: the same changes as a round of sync, carried as a file, for venues with
//! no network at all.
//!
//! A bundle is an [age](https://age-encryption.org) file (X25519) addressed to its one
//! recipient, the hub or one laptop, holding an envelope: the signer (a device or the hub),
//! the contents as JSON, and the signer's Ed25519 signature of those exact bytes. Only the
//! recipient can read it; anyone changing it breaks the encryption or the signature; and
//! what it carries is applied by sequence number and by change, so importing it twice, or
//! an older one after a newer one, changes nothing.

use age::secrecy::ExposeSecret;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use chrono::{DateTime, Utc};
use mixwell_domain::{Change, Id};
use serde::{Deserialize, Serialize};

use crate::keys::{self, DeviceKey};
use crate::wire::Refusal;

/// What the first field of every envelope says.
pub const FORMAT: &str = "mixwell-bundle/1";

/// Who signed a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Signer {
    Device { id: Id },
    Hub { organisation: Id },
}

/// What a bundle carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contents {
    pub organisation: Id,
    pub created_at: DateTime<Utc>,
    pub schema_version: u32,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Body {
    /// A laptop's changes the hub has not acknowledged, and how far the laptop has the
    /// organisation's record (so the hub knows what to send back).
    ToHub {
        device: Id,
        pull_cursor: u64,
        changes: Vec<Change>,
        /// The laptop's audit trail after what the hub last said it holds (older apps
        /// send none).
        #[serde(default)]
        audit: Vec<mixwell_domain::AuditLink>,
    },
    /// What the hub holds of the laptop's changes, and the record's changes the laptop
    /// lacks, up to `cursor`.
    ToDevice {
        device: Id,
        acked_seq: u64,
        refused: Vec<Refusal>,
        cursor: u64,
        /// The hub's mark for `cursor` (see [`crate::wire::PullResponse::mark`]).
        #[serde(default)]
        mark: Option<String>,
        /// The changes start from the beginning of a record rewritten behind the laptop.
        #[serde(default)]
        refresh: bool,
        changes: Vec<Change>,
        /// The keys the organisation vouches for, as a session gives them (older hubs do
        /// not say).
        #[serde(default)]
        issuing_keys: Vec<crate::wire::IssuingKey>,
        /// How much of the laptop's audit trail the hub holds (older hubs do not say).
        #[serde(default)]
        audit_acked: Option<u64>,
    },
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    format: String,
    signer: Signer,
    /// The contents' JSON, base64: the bytes signed.
    payload: String,
    signature: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BundleError {
    #[error("this file is not a Mixwell sync bundle")]
    NotABundle,
    #[error("this bundle is addressed to another {0}; nothing was imported")]
    WrongRecipient(&'static str),
    #[error("this bundle was changed after it was made or is damaged; nothing was imported")]
    Tampered,
    #[error("this bundle comes from {0}; nothing was imported")]
    Foreign(String),
    #[error("a key for bundles is missing or unreadable ({0})")]
    Key(String),
}

/// A new X25519 key pair for receiving bundles: (secret, public) in age's text forms.
pub fn new_bundle_key() -> (String, String) {
    let identity = age::x25519::Identity::generate();
    let public = identity.to_public().to_string();
    (identity.to_string().expose_secret().to_string(), public)
}

/// The public key of an age secret key.
pub fn public_of(identity: &str) -> Result<String, BundleError> {
    let identity: age::x25519::Identity = identity
        .parse()
        .map_err(|e: &str| BundleError::Key(e.to_string()))?;
    Ok(identity.to_public().to_string())
}

/// Whether `text` is an age public key bundles can be encrypted to.
pub fn is_bundle_recipient(text: &str) -> bool {
    text.parse::<age::x25519::Recipient>().is_ok()
}

/// Signs `contents` as `signer` with `key` and encrypts the whole for `recipient` (an
/// age public key).
pub fn seal(
    contents: &Contents,
    signer: Signer,
    key: &DeviceKey,
    recipient: &str,
) -> Result<Vec<u8>, BundleError> {
    let recipient: age::x25519::Recipient = recipient
        .parse()
        .map_err(|e: &str| BundleError::Key(e.to_string()))?;
    let payload =
        serde_json::to_vec(contents).map_err(|e| BundleError::Key(format!("contents: {e}")))?;
    let envelope = Envelope {
        format: FORMAT.to_string(),
        signer,
        signature: key.sign(&payload),
        payload: BASE64.encode(&payload),
    };
    let plain =
        serde_json::to_vec(&envelope).map_err(|e| BundleError::Key(format!("envelope: {e}")))?;
    age::encrypt(&recipient, &plain).map_err(|e| BundleError::Key(e.to_string()))
}

/// A bundle decrypted but not yet trusted: look up the signer's key, then [`Opened::verify`].
pub struct Opened {
    pub signer: Signer,
    payload: Vec<u8>,
    signature: String,
}

/// Decrypts a bundle with `identity` (an age secret key); `recipient` names who we are in
/// the message when it is not for us ("hub" or "laptop").
pub fn open(bytes: &[u8], identity: &str, recipient: &'static str) -> Result<Opened, BundleError> {
    let identity: age::x25519::Identity = identity
        .parse()
        .map_err(|e: &str| BundleError::Key(e.to_string()))?;
    let plain = age::decrypt(&identity, bytes).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => BundleError::WrongRecipient(recipient),
        age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => {
            BundleError::NotABundle
        }
        _ => BundleError::Tampered,
    })?;
    let envelope: Envelope = serde_json::from_slice(&plain).map_err(|_| BundleError::NotABundle)?;
    if envelope.format != FORMAT {
        return Err(BundleError::NotABundle);
    }
    let payload = BASE64
        .decode(&envelope.payload)
        .map_err(|_| BundleError::Tampered)?;
    Ok(Opened {
        signer: envelope.signer,
        payload,
        signature: envelope.signature,
    })
}

impl Opened {
    /// The contents, if the signer's `public_key` (Ed25519, base64) signed them.
    pub fn verify(self, public_key: &str) -> Result<Contents, BundleError> {
        if !keys::verify(public_key, &self.payload, &self.signature) {
            return Err(BundleError::Tampered);
        }
        serde_json::from_slice(&self.payload).map_err(|_| BundleError::Tampered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents() -> Contents {
        Contents {
            organisation: Id::nil(),
            created_at: DateTime::default(),
            schema_version: 8,
            body: Body::ToHub {
                device: Id::nil(),
                pull_cursor: 3,
                changes: Vec::new(),
                audit: Vec::new(),
            },
        }
    }

    /// A device's bundle for the hub: the device's key, the hub's secret, the bundle.
    fn sealed_for_hub() -> (DeviceKey, String, Vec<u8>) {
        let signer = DeviceKey::generate();
        let (secret, public) = new_bundle_key();
        let sealed = seal(
            &contents(),
            Signer::Device { id: Id::nil() },
            &signer,
            &public,
        )
        .unwrap();
        (signer, secret, sealed)
    }

    #[test]
    fn only_the_recipient_reads_a_bundle_and_only_the_signer_made_it() {
        let (signer, secret, sealed) = sealed_for_hub();
        let opened = open(&sealed, &secret, "hub").unwrap();
        assert_eq!(opened.signer, Signer::Device { id: Id::nil() });
        assert_eq!(opened.verify(&signer.public_base64()).unwrap(), contents());

        let (other_secret, _) = new_bundle_key();
        assert_eq!(
            open(&sealed, &other_secret, "hub").err(),
            Some(BundleError::WrongRecipient("hub"))
        );
        let stranger = DeviceKey::generate();
        let opened = open(&sealed, &secret, "hub").unwrap();
        assert_eq!(
            opened.verify(&stranger.public_base64()).err(),
            Some(BundleError::Tampered)
        );
        assert_eq!(
            open(b"hello", &secret, "hub").err(),
            Some(BundleError::NotABundle)
        );
    }

    #[test]
    fn a_changed_byte_is_refused() {
        let (_, secret, sealed) = sealed_for_hub();
        for at in [sealed.len() / 2, sealed.len() - 1] {
            let mut changed = sealed.clone();
            changed[at] ^= 0x01;
            let refused = open(&changed, &secret, "hub").err();
            assert!(
                matches!(
                    refused,
                    Some(BundleError::Tampered | BundleError::NotABundle)
                ),
                "byte {at}: {refused:?}"
            );
        }
    }
}
