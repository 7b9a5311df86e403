//! Is this certificate genuine? The answer comes from the signed credential and the
//! organisation's keys only: the proof must verify under a key the organisation lists for
//! assertions, made before that key was withdrawn, for the issuer the credential names;
//! then the certificate may still have been revoked.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::credential::{read, Certificate};
use crate::jsonld::Contexts;
use crate::keys::KeySet;
use crate::proof;

/// A revocation the verifier knows of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    pub reason: String,
    pub revoked_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Genuine(Certificate),
    Revoked(Certificate, Revocation),
    /// Why it is not genuine, in words for the person checking.
    NotGenuine(String),
}

impl Verdict {
    /// The last line `mixwell certificates verify` prints.
    pub fn word(&self) -> &'static str {
        match self {
            Verdict::Genuine(_) => "genuine",
            Verdict::Revoked(..) => "revoked",
            Verdict::NotGenuine(_) => "not genuine",
        }
    }

    pub fn certificate(&self) -> Option<&Certificate> {
        match self {
            Verdict::Genuine(c) | Verdict::Revoked(c, _) => Some(c),
            Verdict::NotGenuine(_) => None,
        }
    }
}

/// Checks `credential` against the keys of the organisation it names as its issuer, among
/// `organisations`; `revocation` looks a certificate number up.
pub fn verify(
    credential: &Value,
    organisations: &[KeySet],
    revocation: impl Fn(&str) -> Option<Revocation>,
    contexts: &Contexts,
) -> Verdict {
    let issuer = credential.pointer("/issuer/id").and_then(Value::as_str);
    let Some(keys) = organisations
        .iter()
        .find(|k| Some(k.controller.as_str()) == issuer)
    else {
        return Verdict::NotGenuine(
            "it names an issuer whose keys this check does not have".into(),
        );
    };
    match check(credential, keys, contexts) {
        Ok(certificate) => match revocation(&certificate.number) {
            Some(revoked) => Verdict::Revoked(certificate, revoked),
            None => Verdict::Genuine(certificate),
        },
        Err(why) => Verdict::NotGenuine(why),
    }
}

fn check(credential: &Value, keys: &KeySet, contexts: &Contexts) -> Result<Certificate, String> {
    let method = credential
        .pointer("/proof/verificationMethod")
        .and_then(Value::as_str)
        .ok_or("it carries no signature")?;
    let key = keys
        .get(method)
        .ok_or("it is signed with a key the organisation does not list")?;
    let options = proof::verify(credential, &key.key, contexts).map_err(|e| e.to_string())?;
    if options.proof_purpose != "assertionMethod" {
        return Err("its signature is not one that issues credentials".into());
    }
    let certificate = read(credential).map_err(|e| e.to_string())?;
    if certificate.issuer_id != keys.controller
        || !method.starts_with(&format!("{}#", keys.controller))
    {
        return Err("it names an issuer other than the organisation whose key signed it".into());
    }
    let created = DateTime::parse_from_rfc3339(&options.created)
        .map_err(|_| "its signature's time is not a time")?
        .with_timezone(&Utc);
    if key.revoked.is_some_and(|revoked| created >= revoked) {
        return Err("it was signed after the organisation withdrew the key".into());
    }
    Ok(certificate)
}
