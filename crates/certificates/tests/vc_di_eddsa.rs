//! Mixwell's Data Integrity proofs against the W3C vc-di-eddsa test vectors for
//! eddsa-jcs-2022 (`tests/vectors/`, see its README), byte for byte at every step.

use mixwell_certificates::proof::{
    self, canonical, hash_data, parse_public_multikey, parse_secret_multikey, ProofError,
    ProofOptions,
};
use serde_json::Value;

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

fn options() -> ProofOptions {
    let config = json("eddsa-jcs-2022/proofConfigJCS.json");
    ProofOptions {
        created: config["created"].as_str().unwrap().into(),
        verification_method: config["verificationMethod"].as_str().unwrap().into(),
        proof_purpose: config["proofPurpose"].as_str().unwrap().into(),
    }
}

#[test]
fn every_step_of_an_eddsa_jcs_2022_proof_matches_the_specifications_vectors() {
    let unsigned = json("unsigned.json");
    assert_eq!(
        String::from_utf8(canonical(&unsigned)).unwrap(),
        vector("eddsa-jcs-2022/canonDocJCS.txt").trim_end()
    );
    let config = json("eddsa-jcs-2022/proofConfigJCS.json");
    assert_eq!(
        String::from_utf8(canonical(&config)).unwrap(),
        vector("eddsa-jcs-2022/proofCanonJCS.txt").trim_end()
    );
    assert_eq!(
        hex(&hash_data(&config, &unsigned)),
        vector("eddsa-jcs-2022/combinedHashJCS.txt").trim_end()
    );

    let (secret, public) = keys();
    let signed = proof::sign(unsigned.as_object().unwrap(), &options(), &secret);
    let value = signed["proof"]["proofValue"].as_str().unwrap();
    assert_eq!(value, vector("eddsa-jcs-2022/sigBTC58JCS.txt").trim_end());
    let raw = bs58::decode(&value[1..]).into_vec().unwrap();
    assert_eq!(hex(&raw), vector("eddsa-jcs-2022/sigHexJCS.txt").trim_end());
    assert_eq!(signed, json("eddsa-jcs-2022/signedJCS.json"));
    assert_eq!(proof::verify(&signed, &public), Ok(options()));
}

#[test]
fn the_specifications_signed_credential_verifies_and_any_edit_of_it_does_not() {
    let (_, public) = keys();
    let signed = json("eddsa-jcs-2022/signedJCS.json");
    assert!(proof::verify(&signed, &public).is_ok());

    let mut edited = signed.clone();
    edited["credentialSubject"]["alumniOf"] = "The School of Forgeries".into();
    assert_eq!(
        proof::verify(&edited, &public),
        Err(ProofError::BadSignature)
    );
    let mut moved = signed.clone();
    moved["proof"]["created"] = "2024-02-24T23:36:38Z".into();
    assert_eq!(
        proof::verify(&moved, &public),
        Err(ProofError::BadSignature)
    );

    let other = ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key();
    assert_eq!(
        proof::verify(&signed, &other),
        Err(ProofError::BadSignature)
    );
    let mut stripped = signed;
    stripped.as_object_mut().unwrap().remove("proof");
    assert_eq!(proof::verify(&stripped, &public), Err(ProofError::Missing));
}
