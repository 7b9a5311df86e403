//! Data Integrity proofs with Ed25519 (W3C "Data Integrity EdDSA Cryptosuites v1.0",
//! <https://www.w3.org/TR/vc-di-eddsa/>), the signature a certificate's credential carries.
//!
//! A proof is made in three steps the specification names: the document and the proof's
//! options (the proof without its value) are each canonicalised, each hashed with SHA-256,
//! and Ed25519 signs the options' hash followed by the document's. The value is written as
//! multibase base58btc (`z…`). The cryptosuite is `eddsa-rdfc-2022`, canonicalising by
//! RDFC-1.0 (see [`crate::jsonld`]), the one badge wallets and verifiers accept;
//! `tests/vc_di_eddsa.rs` checks it against the specification's vectors.

use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::jsonld::{canonical_nquads, Contexts, JsonLdError};

/// The cryptosuite Mixwell signs with.
pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";

/// The multicodec prefixes of an Ed25519 public key (0xed) and private key (0x1300), as
/// unsigned varints, in multikey form.
const PUBLIC_PREFIX: [u8; 2] = [0xed, 0x01];
const SECRET_PREFIX: [u8; 2] = [0x80, 0x26];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("the credential has no proof")]
    Missing,
    #[error("the proof is not one this version can check ({0})")]
    Unsupported(String),
    #[error("the proof's {0} is missing or malformed")]
    Malformed(&'static str),
    #[error("the signature does not match the credential: it was changed after it was signed, or signed with another key")]
    BadSignature,
    #[error("a key is not an Ed25519 multikey ({0})")]
    Key(&'static str),
    #[error(transparent)]
    JsonLd(#[from] JsonLdError),
}

/// The proof's options: everything in it but its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofOptions {
    /// When the proof was made (XML Schema dateTime, UTC).
    pub created: String,
    /// The key that signs, as a URL a verifier resolves (`did:web:…#key-1`).
    pub verification_method: String,
    pub proof_purpose: String,
}

/// The canonical form of a JSON-LD value: RDFC-1.0 N-Quads.
pub fn canonical(value: &Value, contexts: &Contexts) -> Result<String, ProofError> {
    Ok(canonical_nquads(&value.to_string(), contexts)?)
}

/// What Ed25519 signs: SHA-256 of the canonical proof options, then of the canonical
/// document.
pub fn hash_data(
    proof_config: &Value,
    document: &Value,
    contexts: &Contexts,
) -> Result<[u8; 64], ProofError> {
    let mut data = [0u8; 64];
    data[..32].copy_from_slice(&Sha256::digest(
        contexts.canonical_remembered(&proof_config.to_string())?,
    ));
    data[32..].copy_from_slice(&Sha256::digest(canonical(document, contexts)?));
    Ok(data)
}

/// The proof's options as the specification lays them out, with the document's
/// `@context`, under which the options are read as JSON-LD.
fn proof_config(document: &Map<String, Value>, options: &ProofOptions) -> Value {
    let mut config = Map::new();
    config.insert("type".into(), "DataIntegrityProof".into());
    config.insert("cryptosuite".into(), CRYPTOSUITE.into());
    config.insert("created".into(), options.created.clone().into());
    config.insert(
        "verificationMethod".into(),
        options.verification_method.clone().into(),
    );
    config.insert("proofPurpose".into(), options.proof_purpose.clone().into());
    if let Some(context) = document.get("@context") {
        config.insert("@context".into(), context.clone());
    }
    Value::Object(config)
}

/// `document` with a proof by `key` under `options`.
pub fn sign(
    document: &Map<String, Value>,
    options: &ProofOptions,
    key: &SigningKey,
    contexts: &Contexts,
) -> Result<Value, ProofError> {
    let mut unsecured = document.clone();
    unsecured.remove("proof");
    let mut proof = proof_config(&unsecured, options);
    let signature = key.sign(&hash_data(
        &proof,
        &Value::Object(unsecured.clone()),
        contexts,
    )?);
    let fields = proof.as_object_mut().expect("the proof is an object");
    // The context is the document's: the options are read under it, and it is not repeated.
    fields.remove("@context");
    fields.insert("proofValue".into(), multibase(&signature.to_bytes()).into());
    unsecured.insert("proof".into(), proof);
    Ok(Value::Object(unsecured))
}

/// Checks the proof of `secured` against `key`; returns the proof's options.
pub fn verify(
    secured: &Value,
    key: &VerifyingKey,
    contexts: &Contexts,
) -> Result<ProofOptions, ProofError> {
    let mut document = secured.as_object().cloned().ok_or(ProofError::Missing)?;
    let Some(Value::Object(mut proof)) = document.remove("proof") else {
        return Err(ProofError::Missing);
    };
    let text = |proof: &Map<String, Value>, field: &'static str| {
        proof
            .get(field)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or(ProofError::Malformed(field))
    };
    if text(&proof, "type")? != "DataIntegrityProof" {
        return Err(ProofError::Unsupported(text(&proof, "type")?));
    }
    let suite = text(&proof, "cryptosuite")?;
    if suite != CRYPTOSUITE {
        return Err(ProofError::Unsupported(suite));
    }
    let value = text(&proof, "proofValue")?;
    proof.remove("proofValue");
    // The options sign the document's context: a proof moved to another document whose
    // context differs does not verify.
    if proof
        .get("@context")
        .is_some_and(|c| Some(c) != document.get("@context"))
    {
        return Err(ProofError::BadSignature);
    }
    if let Some(context) = document.get("@context") {
        proof.insert("@context".into(), context.clone());
    }
    let signature = unmultibase(&value)
        .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
        .map(|bytes| ed25519_dalek::Signature::from_bytes(&bytes))
        .ok_or(ProofError::Malformed("proofValue"))?;
    let options = ProofOptions {
        created: text(&proof, "created")?,
        verification_method: text(&proof, "verificationMethod")?,
        proof_purpose: text(&proof, "proofPurpose")?,
    };
    key.verify(
        &hash_data(&Value::Object(proof), &Value::Object(document), contexts)?,
        &signature,
    )
    .map_err(|_| ProofError::BadSignature)?;
    Ok(options)
}

/// Multibase base58btc: `z` and the base58 of `bytes`.
pub fn multibase(bytes: &[u8]) -> String {
    format!("z{}", bs58::encode(bytes).into_string())
}

fn unmultibase(text: &str) -> Option<Vec<u8>> {
    bs58::decode(text.strip_prefix('z')?).into_vec().ok()
}

/// An Ed25519 public key as a multikey (`z6Mk…`), as DID documents publish it.
pub fn public_multikey(key: &VerifyingKey) -> String {
    let mut bytes = PUBLIC_PREFIX.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    multibase(&bytes)
}

/// Reads an Ed25519 public multikey.
pub fn parse_public_multikey(text: &str) -> Result<VerifyingKey, ProofError> {
    let bytes = unmultibase(text).ok_or(ProofError::Key("not multibase base58btc"))?;
    let raw = bytes
        .strip_prefix(&PUBLIC_PREFIX[..])
        .and_then(|raw| <[u8; 32]>::try_from(raw).ok())
        .ok_or(ProofError::Key("not an Ed25519 public key"))?;
    VerifyingKey::from_bytes(&raw).map_err(|_| ProofError::Key("not a point on the curve"))
}

/// Reads an Ed25519 secret multikey (`z3u2…`).
pub fn parse_secret_multikey(text: &str) -> Result<SigningKey, ProofError> {
    let bytes = unmultibase(text).ok_or(ProofError::Key("not multibase base58btc"))?;
    let raw = bytes
        .strip_prefix(&SECRET_PREFIX[..])
        .and_then(|raw| <[u8; 32]>::try_from(raw).ok())
        .ok_or(ProofError::Key("not an Ed25519 secret key"))?;
    Ok(SigningKey::from_bytes(&raw))
}
