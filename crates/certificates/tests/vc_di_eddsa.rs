//! Mixwell's Data Integrity proofs against the W3C vc-di-eddsa test vectors for
//! eddsa-rdfc-2022 (`tests/vectors/`, see its README), byte for byte at every step, for
//! both of the specification's credentials.

use mixwell_certificates::jsonld::Contexts;
use mixwell_certificates::proof::{
    self, canonical, hash_data, parse_public_multikey, parse_secret_multikey, ProofError,
    ProofOptions,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn vector(name: &str) -> String {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json(name: &str) -> Value {
    serde_json::from_str(&vector(name)).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn contexts() -> Contexts {
    Contexts::bundled()
        .with(
            "https://www.w3.org/ns/credentials/examples/v2",
            include_str!("vectors/contexts/examples-v2.jsonld"),
        )
        .with(
            "https://w3id.org/citizenship/v4rc1",
            include_str!("vectors/contexts/citizenship-v4rc1.jsonld"),
        )
}

fn keys() -> (ed25519_dalek::SigningKey, ed25519_dalek::VerifyingKey) {
    let pair = json("keyPair.json");
    let secret = parse_secret_multikey(pair["privateKeyMultibase"].as_str().unwrap()).unwrap();
    let public = parse_public_multikey(pair["publicKeyMultibase"].as_str().unwrap()).unwrap();
    assert_eq!(
        secret.verifying_key(),
        public,
        "the vectors' key pair is one pair"
    );
    (secret, public)
}

fn options(config: &Value) -> ProofOptions {
    ProofOptions {
        created: config["created"].as_str().unwrap().into(),
        verification_method: config["verificationMethod"].as_str().unwrap().into(),
        proof_purpose: config["proofPurpose"].as_str().unwrap().into(),
    }
}

/// Every step the specification publishes for one credential (`dir` holds its steps).
fn check_every_step(unsigned: &str, dir: &str) {
    let contexts = contexts();
    let step = |name: &str| vector(&format!("{dir}/{name}"));
    let unsigned = json(unsigned);
    let canon_doc = canonical(&unsigned, &contexts).unwrap();
    assert_eq!(canon_doc, step("canonDocDataInt.txt"));
    assert_eq!(
        hex(&Sha256::digest(&canon_doc)),
        step("docHashDataInt.txt").trim_end()
    );
    let config = json(&format!("{dir}/proofConfigDataInt.json"));
    let canon_proof = canonical(&config, &contexts).unwrap();
    assert_eq!(canon_proof, step("proofCanonDataInt.txt"));
    assert_eq!(
        hex(&Sha256::digest(&canon_proof)),
        step("proofHashDataInt.txt").trim_end()
    );
    assert_eq!(
        hex(&hash_data(&config, &unsigned, &contexts).unwrap()),
        step("combinedHashDataInt.txt").trim_end()
    );

    let (secret, public) = keys();
    let signed = proof::sign(
        unsigned.as_object().unwrap(),
        &options(&config),
        &secret,
        &contexts,
    )
    .unwrap();
    let value = signed["proof"]["proofValue"].as_str().unwrap();
    assert_eq!(value, step("sigBTC58DataInt.txt").trim_end());
    let raw = bs58::decode(&value[1..]).into_vec().unwrap();
    assert_eq!(hex(&raw), step("sigHexDataInt.txt").trim_end());
    assert_eq!(signed, json(&format!("{dir}/signedDataInt.json")));
    assert_eq!(
        proof::verify(&signed, &public, &contexts),
        Ok(options(&config))
    );
}

#[test]
fn every_step_of_the_alumni_credentials_proof_matches_the_specification() {
    check_every_step("unsigned.json", "eddsa-rdfc-2022");
}

#[test]
fn every_step_of_the_employment_credentials_proof_matches_the_specification() {
    check_every_step("employmentAuth.json", "eddsa-rdfc-2022/employ");
}

#[test]
fn the_specifications_signed_credential_verifies_and_any_edit_of_it_does_not() {
    let contexts = contexts();
    let (_, public) = keys();
    let signed = json("eddsa-rdfc-2022/signedDataInt.json");
    assert!(proof::verify(&signed, &public, &contexts).is_ok());

    let mut edited = signed.clone();
    edited["credentialSubject"]["alumniOf"] = "The School of Forgeries".into();
    assert_eq!(
        proof::verify(&edited, &public, &contexts),
        Err(ProofError::BadSignature)
    );
    let mut moved = signed.clone();
    moved["proof"]["created"] = "2024-02-24T23:36:38Z".into();
    assert_eq!(
        proof::verify(&moved, &public, &contexts),
        Err(ProofError::BadSignature)
    );

    let other = ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key();
    assert_eq!(
        proof::verify(&signed, &other, &contexts),
        Err(ProofError::BadSignature)
    );
    let mut stripped = signed.clone();
    stripped.as_object_mut().unwrap().remove("proof");
    assert_eq!(
        proof::verify(&stripped, &public, &contexts),
        Err(ProofError::Missing)
    );

    // A context Mixwell does not bundle is refused, never fetched.
    assert!(matches!(
        proof::verify(&signed, &public, &Contexts::bundled()),
        Err(ProofError::JsonLd(_))
    ));
}
