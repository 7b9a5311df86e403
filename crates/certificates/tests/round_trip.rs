//! A certificate issued, then checked as an employer's verifier would.

use chrono::{NaiveDate, TimeZone, Utc};
use ed25519_dalek::SigningKey;
use mixwell_certificates::credential::{Facts, Issuer, OrganisationMinutes, Reached};
use mixwell_certificates::issue::issue;
use mixwell_certificates::jsonld::Contexts;
use mixwell_certificates::keys::{did_key, did_key_method, KeySet, PublishedKey};
use mixwell_certificates::proof::canonical;
use mixwell_certificates::verify::{verify, Revocation, Verdict};
use serde_json::Value;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn facts() -> Facts {
    Facts {
        organisation: "Peak Youth Trust".into(),
        participant_name: "Amira Okafor-Lindqvist".into(),
        programme: "HeadStart Derbyshire".into(),
        wave: "Summer 2027".into(),
        minutes: 17 * 60 + 30,
        first_day: day(2027, 7, 5),
        last_day: day(2027, 8, 20),
        by_organisation: vec![
            OrganisationMinutes {
                name: "Bakewell Food Bank".into(),
                minutes: 10 * 60,
            },
            OrganisationMinutes {
                name: "Hope Valley Parkrun".into(),
                minutes: 7 * 60 + 30,
            },
        ],
        milestones: vec![
            Reached {
                name: "Workshops and training".into(),
                reached_on: day(2027, 7, 5),
            },
            Reached {
                name: "16 hours completed — guaranteed interview".into(),
                reached_on: day(2027, 8, 14),
            },
        ],
    }
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

fn issuer(key: &SigningKey) -> Issuer {
    Issuer {
        id: did_key(&key.verifying_key()),
        verification_method: did_key_method(&key.verifying_key()),
        url: Some("https://hub.peakyouth.example".into()),
    }
}

fn issued_at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 8, 21, 9, 30, 0).unwrap()
}

fn signed() -> (Value, String) {
    let key = key();
    let issued = issue(
        &facts(),
        &issuer(&key),
        &key,
        issued_at(),
        0,
        None,
        &Contexts::bundled(),
    )
    .unwrap();
    (issued.credential, issued.number)
}

fn no_revocations(_: &str) -> Option<Revocation> {
    None
}

#[test]
fn an_issued_certificate_verifies_and_states_exactly_its_facts() {
    let (credential, number) = signed();
    let keys = KeySet::of_did_key(&key().verifying_key());
    match verify(
        &credential,
        std::slice::from_ref(&keys),
        no_revocations,
        &Contexts::bundled(),
    ) {
        Verdict::Genuine(certificate) => {
            assert_eq!(certificate.facts, facts());
            assert_eq!(certificate.number, number);
            assert_eq!(certificate.issued_at, issued_at());
            let url = certificate.verify_url().unwrap();
            assert_eq!(
                url,
                format!("https://hub.peakyouth.example/verify/{}", certificate.code)
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_term_of_the_credential_is_defined_by_its_contexts() {
    // A term no context defines falls to the VC vocabulary's catch-all, which no other
    // verifier would read as Mixwell means it.
    let (credential, _) = signed();
    let quads = canonical(&credential, &Contexts::bundled()).unwrap();
    assert!(!quads.contains("issuer-dependent"), "{quads}");
    assert!(quads.contains("Amira Okafor-Lindqvist"));
}

#[test]
fn the_same_facts_on_the_same_day_give_the_same_number_code_and_credential() {
    let key = key();
    let contexts = Contexts::bundled();
    let a = issue(
        &facts(),
        &issuer(&key),
        &key,
        issued_at(),
        0,
        None,
        &contexts,
    )
    .unwrap();
    let b = issue(
        &facts(),
        &issuer(&key),
        &key,
        issued_at(),
        0,
        None,
        &contexts,
    )
    .unwrap();
    assert_eq!(a, b);
    let next = issue(
        &facts(),
        &issuer(&key),
        &key,
        issued_at(),
        1,
        None,
        &contexts,
    )
    .unwrap();
    assert_ne!(a.number, next.number);
    assert_ne!(a.code, next.code);
    let mut more = facts();
    more.minutes += 60;
    let changed = issue(&more, &issuer(&key), &key, issued_at(), 0, None, &contexts).unwrap();
    assert_ne!(a.number, changed.number);
}

#[test]
fn edited_hours_names_or_days_never_verify() {
    let (credential, _) = signed();
    let keys = KeySet::of_did_key(&key().verifying_key());
    let edits: Vec<(&str, Value)> = vec![
        ("/credentialSubject/result/0/value", "27 h 30 min".into()),
        ("/credentialSubject/name", "Someone Else".into()),
        (
            "/credentialSubject/identifier/0/identityHash",
            "Someone Else".into(),
        ),
        (
            "/credentialSubject/activityEndDate",
            "2027-09-20T00:00:00Z".into(),
        ),
        (
            "/credentialSubject/achievement/resultDescription/1/name",
            "Another Charity".into(),
        ),
        ("/issuer/name", "Another Trust".into()),
        ("/validFrom", "2026-08-21T09:30:00Z".into()),
        (
            "/credentialSubject/achievement/otherIdentifier/0/identifier",
            "0000-0000-0000-0".into(),
        ),
        ("/issuer/url", "https://forged.example".into()),
    ];
    for (pointer, value) in edits {
        let mut edited = credential.clone();
        *edited.pointer_mut(pointer).unwrap() = value;
        assert!(
            matches!(
                verify(
                    &edited,
                    std::slice::from_ref(&keys),
                    no_revocations,
                    &Contexts::bundled()
                ),
                Verdict::NotGenuine(_)
            ),
            "{pointer} edited still verified"
        );
    }
}

#[test]
fn another_key_or_a_swapped_proof_never_verifies() {
    let (credential, _) = signed();
    let other = SigningKey::from_bytes(&[9; 32]);
    // Signed by another laptop that claims the first one's name.
    let forged = issue(
        &facts(),
        &issuer(&key()),
        &other,
        issued_at(),
        0,
        None,
        &Contexts::bundled(),
    )
    .unwrap();
    let keys = KeySet::of_did_key(&key().verifying_key());
    assert!(matches!(
        verify(
            &forged.credential,
            std::slice::from_ref(&keys),
            no_revocations,
            &Contexts::bundled()
        ),
        Verdict::NotGenuine(_)
    ));
    // A genuine proof from another certificate moved onto this one.
    let mut more = facts();
    more.minutes = 40 * 60;
    let other_certificate = issue(
        &more,
        &issuer(&key()),
        &key(),
        issued_at(),
        0,
        None,
        &Contexts::bundled(),
    )
    .unwrap();
    let mut swapped = other_certificate.credential.clone();
    swapped["proof"] = credential["proof"].clone();
    assert!(matches!(
        verify(
            &swapped,
            std::slice::from_ref(&keys),
            no_revocations,
            &Contexts::bundled()
        ),
        Verdict::NotGenuine(_)
    ));
}

#[test]
fn a_key_withdrawn_after_signing_still_verifies_one_withdrawn_before_does_not() {
    let (credential, _) = signed();
    let key = key().verifying_key();
    let withdrawn = |at| {
        KeySet::new(
            did_key(&key),
            vec![PublishedKey {
                id: did_key_method(&key),
                key,
                revoked: Some(at),
            }],
        )
    };
    let later = withdrawn(issued_at() + chrono::Duration::days(1));
    assert!(matches!(
        verify(
            &credential,
            std::slice::from_ref(&later),
            no_revocations,
            &Contexts::bundled()
        ),
        Verdict::Genuine(_)
    ));
    let earlier = withdrawn(issued_at() - chrono::Duration::days(1));
    assert!(matches!(
        verify(
            &credential,
            std::slice::from_ref(&earlier),
            no_revocations,
            &Contexts::bundled()
        ),
        Verdict::NotGenuine(_)
    ));
}

#[test]
fn a_revoked_certificate_says_so_with_its_reason() {
    let (credential, number) = signed();
    let keys = KeySet::of_did_key(&key().verifying_key());
    let revoked = |n: &str| {
        (n == number).then(|| Revocation {
            reason: "hours voided".into(),
            revoked_at: issued_at(),
        })
    };
    match verify(
        &credential,
        std::slice::from_ref(&keys),
        revoked,
        &Contexts::bundled(),
    ) {
        Verdict::Revoked(_, revocation) => assert_eq!(revocation.reason, "hours voided"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_keys_document_reads_back_as_the_same_keys() {
    let key = key().verifying_key();
    let keys = KeySet::new(
        "did:web:hub.example:orgs:peak",
        vec![
            PublishedKey {
                id: "did:web:hub.example:orgs:peak#device-1".into(),
                key,
                revoked: Some(issued_at()),
            },
            PublishedKey {
                id: "did:web:hub.example:orgs:peak#device-2".into(),
                key: SigningKey::from_bytes(&[3; 32]).verifying_key(),
                revoked: None,
            },
        ],
    );
    assert_eq!(KeySet::from_document(&keys.document()).unwrap(), keys);
}

#[test]
fn a_baked_badge_carries_the_credential_that_still_verifies() {
    let (credential, _) = signed();
    let png = mixwell_certificates::badge::bake(&credential).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(png, mixwell_certificates::badge::bake(&credential).unwrap());
    let baked = mixwell_certificates::badge::unbake(&png).unwrap();
    assert_eq!(baked, credential);
    let keys = KeySet::of_did_key(&key().verifying_key());
    assert!(matches!(
        verify(
            &baked,
            std::slice::from_ref(&keys),
            no_revocations,
            &Contexts::bundled()
        ),
        Verdict::Genuine(_)
    ));
    assert!(mixwell_certificates::badge::unbake(b"not a png").is_err());
}

#[test]
fn a_credential_with_its_place_in_a_status_list_is_defined_by_its_contexts_and_verifies() {
    let key = key();
    let status = mixwell_certificates::credential::StatusEntry {
        list: "https://hub.peakyouth.example/certificates/status/0190f5c2".into(),
        index: 41,
    };
    let issued = issue(
        &facts(),
        &issuer(&key),
        &key,
        issued_at(),
        0,
        Some(status),
        &Contexts::bundled(),
    )
    .unwrap();
    assert_eq!(
        issued.credential["credentialStatus"]["statusListIndex"],
        "41"
    );
    let quads = canonical(&issued.credential, &Contexts::bundled()).unwrap();
    assert!(!quads.contains("issuer-dependent"), "{quads}");
    assert!(
        quads.contains("https://www.w3.org/ns/credentials/status#statusListIndex"),
        "{quads}"
    );
    let keys = KeySet::of_did_key(&key.verifying_key());
    assert!(matches!(
        verify(
            &issued.credential,
            std::slice::from_ref(&keys),
            no_revocations,
            &Contexts::bundled()
        ),
        Verdict::Genuine(_)
    ));
}
