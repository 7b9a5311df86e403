//! The organisation's public keys as a DID document (W3C DID 1.0, keys as Multikey), the
//! form the hub publishes and `mixwell certificates keys` writes, so that any standard
//! verifier can check a certificate with no network; and reading one back.
//!
//! A laptop that is not enrolled with a hub is its own organisation, named by its key:
//! `did:key:z6Mk…` (the did:key method, whose document follows from the key itself).
//! A key that has been withdrawn carries `revoked` (the time it was withdrawn): proofs made
//! before then still verify; proofs made after do not.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use serde_json::{json, Value};

use crate::proof::{parse_public_multikey, public_multikey};

pub const DID_V1: &str = "https://www.w3.org/ns/did/v1";
pub const MULTIKEY_V1: &str = "https://w3id.org/security/multikey/v1";

/// One key of the organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedKey {
    /// The key's id: `DID#fragment`.
    pub id: String,
    pub key: VerifyingKey,
    pub revoked: Option<DateTime<Utc>>,
}

/// The keys a verifier trusts, by id, with the DID that controls them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySet {
    pub controller: String,
    keys: BTreeMap<String, PublishedKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the keys file is not a DID document Mixwell can read: {0}")]
pub struct KeysError(pub String);

/// The did:web DID of the organisation whose hub is at `url` (`https://host[:port][/path]`):
/// the host, its port as `%3A`, and each path segment after a colon, as did:web writes
/// them; its document is then served at `/.well-known/did.json` (or `/path/did.json`).
pub fn did_web(url: &str) -> Result<String, KeysError> {
    let fail = || KeysError(format!("{url:?} is not a hub's address"));
    let rest = url
        .split_once("://")
        .filter(|(scheme, _)| matches!(*scheme, "http" | "https"))
        .ok_or_else(fail)?
        .1;
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = authority
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if host.is_empty() || host.contains(['%', ' ']) {
        return Err(fail());
    }
    let mut did = format!("did:web:{}", host.replace(':', "%3A"));
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        did.push(':');
        did.push_str(segment);
    }
    Ok(did)
}

/// The fragment naming one key in a hub's document: `key-` and the first 16 hex digits of
/// the SHA-256 of the key, so a laptop and its hub name the same key alike.
pub fn key_fragment(key: &VerifyingKey) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(key.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("key-{hex}")
}

/// The did:key DID of an Ed25519 key.
pub fn did_key(key: &VerifyingKey) -> String {
    format!("did:key:{}", public_multikey(key))
}

/// A did:key's one key: `did:key:z…#z…`.
pub fn did_key_method(key: &VerifyingKey) -> String {
    format!("{}#{}", did_key(key), public_multikey(key))
}

impl KeySet {
    pub fn new(controller: impl Into<String>, keys: Vec<PublishedKey>) -> KeySet {
        KeySet {
            controller: controller.into(),
            keys: keys.into_iter().map(|k| (k.id.clone(), k)).collect(),
        }
    }

    /// An organisation's keys under its `did`, each named by [`key_fragment`], with when it
    /// was withdrawn, if it was.
    pub fn of_keys(
        did: &str,
        keys: impl IntoIterator<Item = (VerifyingKey, Option<DateTime<Utc>>)>,
    ) -> KeySet {
        KeySet::new(
            did,
            keys.into_iter()
                .map(|(key, revoked)| PublishedKey {
                    id: format!("{did}#{}", key_fragment(&key)),
                    key,
                    revoked,
                })
                .collect(),
        )
    }

    /// A laptop's own organisation: its key under did:key.
    pub fn of_did_key(key: &VerifyingKey) -> KeySet {
        KeySet::new(
            did_key(key),
            vec![PublishedKey {
                id: did_key_method(key),
                key: *key,
                revoked: None,
            }],
        )
    }

    pub fn get(&self, id: &str) -> Option<&PublishedKey> {
        self.keys.get(id)
    }

    /// The DID document, keys in the order of their ids.
    pub fn document(&self) -> Value {
        let methods: Vec<Value> = self
            .keys
            .values()
            .map(|k| {
                let mut method = json!({
                    "id": k.id,
                    "type": "Multikey",
                    "controller": self.controller,
                    "publicKeyMultibase": public_multikey(&k.key),
                });
                if let Some(revoked) = k.revoked {
                    method["revoked"] = revoked
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                        .into();
                }
                method
            })
            .collect();
        let ids: Vec<&String> = self.keys.keys().collect();
        json!({
            "@context": [DID_V1, MULTIKEY_V1],
            "id": self.controller,
            "verificationMethod": methods,
            "assertionMethod": ids,
        })
    }

    /// Reads a DID document as [`KeySet::document`] writes it. Only the keys listed for
    /// assertions (signing credentials) are taken.
    pub fn from_document(document: &Value) -> Result<KeySet, KeysError> {
        let fail = |what: &str| KeysError(what.to_owned());
        let controller = document
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| fail("it has no id"))?;
        let assertion: Vec<&str> = document
            .get("assertionMethod")
            .and_then(Value::as_array)
            .ok_or_else(|| fail("it lists no assertionMethod"))?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let mut keys = Vec::new();
        for (i, method) in document
            .get("verificationMethod")
            .and_then(Value::as_array)
            .ok_or_else(|| fail("it has no verificationMethod"))?
            .iter()
            .enumerate()
        {
            let field = |name: &str| {
                method
                    .get(name)
                    .and_then(Value::as_str)
                    .ok_or_else(|| KeysError(format!("verificationMethod {} has no {name}", i + 1)))
            };
            let id = field("id")?;
            if !assertion.contains(&id) {
                continue;
            }
            if field("type")? != "Multikey" || field("controller")? != controller {
                return Err(KeysError(format!(
                    "verificationMethod {} is not a Multikey of {controller}",
                    i + 1
                )));
            }
            let key = parse_public_multikey(field("publicKeyMultibase")?)
                .map_err(|e| KeysError(format!("verificationMethod {}: {e}", i + 1)))?;
            let revoked = match method.get("revoked") {
                None => None,
                Some(value) => Some(
                    value
                        .as_str()
                        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                        .map(|t| t.with_timezone(&Utc))
                        .ok_or_else(|| {
                            KeysError(format!(
                                "verificationMethod {}: revoked is not a time",
                                i + 1
                            ))
                        })?,
                ),
            };
            keys.push(PublishedKey {
                id: id.to_owned(),
                key,
                revoked,
            });
        }
        Ok(KeySet::new(controller, keys))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hubs_address_gives_the_did_web_that_names_it() {
        for (url, did) in [
            (
                "https://hub.peakyouth.org.uk",
                "did:web:hub.peakyouth.org.uk",
            ),
            (
                "https://hub.peakyouth.org.uk/",
                "did:web:hub.peakyouth.org.uk",
            ),
            ("https://Hub.Example:8443", "did:web:hub.example%3A8443"),
            ("http://127.0.0.1:41234/", "did:web:127.0.0.1%3A41234"),
            (
                "https://example.org/youth/mixwell",
                "did:web:example.org:youth:mixwell",
            ),
        ] {
            assert_eq!(did_web(url).unwrap(), did, "{url}");
        }
        for bad in [
            "hub.example",
            "ftp://hub.example",
            "https://",
            "https:///path",
        ] {
            assert!(did_web(bad).is_err(), "{bad}");
        }
    }
}
