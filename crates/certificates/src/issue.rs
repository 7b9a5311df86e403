//! Issuing a certificate: its number and verification code, and its signed credential.
//!
//! Both are derived, never counted, so that laptops issuing offline never clash and an
//! unchanged certificate comes out the same again: the number from the issuing key, the
//! facts, the day and a revision (how many certificates the participant was issued before),
//! the code from the same with the issuing key's secret, so that nobody can work a code out
//! from what a certificate shows.

use chrono::{DateTime, Datelike, Utc};
use ed25519_dalek::SigningKey;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::code::{grouped_base32, VerificationCode};
use crate::credential::{build, Facts, Issue, Issuer, StatusEntry};
use crate::jsonld::Contexts;
use crate::proof::{self, ProofError, ProofOptions};

#[derive(Debug, Clone, PartialEq)]
pub struct Issued {
    /// `2027-K3M9-Q4XD`: the year of issue and 40 bits.
    pub number: String,
    pub code: VerificationCode,
    pub credential: Value,
}

/// Signs a certificate of `facts` issued at `issued_at` (its `revision`-th for the
/// participant, from 0), at `status` in a revocation list if it has one.
pub fn issue(
    facts: &Facts,
    issuer: &Issuer,
    key: &SigningKey,
    issued_at: DateTime<Utc>,
    revision: u32,
    status: Option<StatusEntry>,
    contexts: &Contexts,
) -> Result<Issued, ProofError> {
    let seed = |purpose: &str, secret: &[u8]| -> [u8; 32] {
        let mut hash = Sha256::new();
        hash.update(purpose.as_bytes());
        hash.update(secret);
        hash.update(key.verifying_key().as_bytes());
        hash.update(facts.digest());
        hash.update(issued_at.timestamp().to_be_bytes());
        hash.update(revision.to_be_bytes());
        hash.finalize().into()
    };
    let number_bits = u64::from_be_bytes(
        seed("mixwell certificate number", &[])[..8]
            .try_into()
            .expect("8 bytes"),
    );
    let number = format!("{}-{}", issued_at.year(), grouped_base32(number_bits, 8));
    let code = VerificationCode::from_digest(&seed("mixwell verification code", key.as_bytes()));
    let unsigned = build(
        facts,
        issuer,
        &Issue {
            number: number.clone(),
            code: code.to_string(),
            issued_at,
            status,
        },
    );
    let options = ProofOptions {
        created: issued_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        verification_method: issuer.verification_method.clone(),
        proof_purpose: "assertionMethod".into(),
    };
    let credential = proof::sign(&unsigned, &options, key, contexts)?;
    Ok(Issued {
        number,
        code,
        credential,
    })
}
