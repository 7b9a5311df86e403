//! The device's key pair and the secrets of a session: how a device proves who it is.
//!
//! A device makes an Ed25519 key pair when it enrols and keeps the private half; the hub
//! keeps only the public half. To open a session the device signs a single-use challenge
//! from the hub, so nothing a listener could replay ever travels. Session tokens and
//! enrolment codes are kept at the hub only as SHA-256 hashes.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use mixwell_domain::Id;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A device's (or the hub's) private signing key.
pub struct DeviceKey(SigningKey);

impl DeviceKey {
    pub fn generate() -> DeviceKey {
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        DeviceKey(SigningKey::from_bytes(&secret))
    }

    /// The private key as base64, for the device's own database.
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.0.to_bytes())
    }

    pub fn from_base64(text: &str) -> Option<DeviceKey> {
        let bytes: [u8; 32] = BASE64.decode(text).ok()?.try_into().ok()?;
        Some(DeviceKey(SigningKey::from_bytes(&bytes)))
    }

    /// The public key as base64: what the hub keeps.
    pub fn public_base64(&self) -> String {
        BASE64.encode(self.0.verifying_key().to_bytes())
    }

    /// The Ed25519 key itself: the laptop of an enrolled organisation signs its
    /// certificates with it, and the hub publishes its public half.
    pub fn ed25519(&self) -> &SigningKey {
        &self.0
    }

    pub fn sign(&self, message: &[u8]) -> String {
        BASE64.encode(self.0.sign(message).to_bytes())
    }
}

/// Whether `text` is an Ed25519 public key in base64.
pub fn is_public_key(text: &str) -> bool {
    verifying_key(text).is_some()
}

/// An Ed25519 public key written in base64.
pub fn verifying_key(text: &str) -> Option<VerifyingKey> {
    BASE64
        .decode(text)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
}

/// Whether `signature` (base64) is the holder of `public_key` (base64) signing `message`.
pub fn verify(public_key: &str, message: &[u8], signature: &str) -> bool {
    let Some(key) = verifying_key(public_key) else {
        return false;
    };
    let Some(signature) = BASE64
        .decode(signature)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b))
    else {
        return false;
    };
    key.verify(message, &signature).is_ok()
}

/// What a device signs to open a session: the purpose, the hub's nonce and its own id, so
/// a signature can serve for nothing else.
pub fn session_message(nonce: &str, device: Id) -> Vec<u8> {
    format!("mixwell session\n{nonce}\n{device}").into_bytes()
}

/// A random secret of `bytes` bytes as URL-safe text (nonces, session tokens).
pub fn random_secret(bytes: usize) -> String {
    let mut secret = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut secret);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret)
}

/// How a secret is kept where it is checked: its SHA-256, hex.
pub fn hash_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_message_and_key() {
        let key = DeviceKey::generate();
        let other = DeviceKey::generate();
        let device = Id::nil();
        let message = session_message("abc", device);
        let signature = key.sign(&message);
        assert!(verify(&key.public_base64(), &message, &signature));
        assert!(!verify(&other.public_base64(), &message, &signature));
        assert!(!verify(
            &key.public_base64(),
            &session_message("abd", device),
            &signature
        ));
        assert!(!verify(&key.public_base64(), &message, "not base64!"));
    }

    #[test]
    fn a_key_survives_its_text_form() {
        let key = DeviceKey::generate();
        let again = DeviceKey::from_base64(&key.to_base64()).expect("decodes");
        assert_eq!(key.public_base64(), again.public_base64());
        assert!(DeviceKey::from_base64("c2hvcnQ=").is_none());
    }
}
