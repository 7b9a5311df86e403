//! Certificates of an enrolled organisation: a laptop signs with the key its hub vouches
//! for, the hub publishes every such key as the organisation's DID document (did:web), and
//! a certificate signed after its laptop was revoked never verifies while one signed
//! before still does. Both back ends.

mod common;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{Duration, Utc};
use common::{databases, serve, supervised, wave_with, Laptop, PROGRAMME};
use mixwell_actions::certificates as act;
use mixwell_actions::Operator;
use mixwell_certificates::keys::{did_web, KeySet};
use mixwell_certificates::verify::Verdict;
use mixwell_store::Store;
use mixwell_sync::wire::DeviceRole;

/// A laptop clock the test moves.
#[derive(Clone)]
struct Moving(Arc<AtomicI64>);

impl mixwell_store::Clock for Moving {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst) as u64
    }
}

/// The hub's DID document as a standard resolver fetches it.
fn published(url: &str) -> serde_json::Value {
    let address = format!("{}/.well-known/did.json", url.trim_end_matches('/'));
    ureq::get(&address)
        .call()
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap()
}

#[test]
fn a_certificate_signed_before_its_laptop_was_revoked_verifies_and_one_signed_after_does_not() {
    for db in databases() {
        let hub = common::hub(&db);
        let served = serve(&hub);
        // The laptop's clock runs two days behind the hub's until the test moves it on.
        let clock = Moving(Arc::new(AtomicI64::new(
            (Utc::now() - Duration::days(2)).timestamp_millis(),
        )));
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_with_clock(
            &dir.path().join("m.sqlite"),
            &mixwell_store::DatabaseKey::from_bytes([7; 32]),
            Box::new(clock.clone()),
        )
        .unwrap();
        let mut laptop = Laptop::from_store(store, dir);
        laptop.enrol(&hub, &served.url, DeviceRole::Coordinator, &[]);
        let wave = wave_with(&mut laptop.store, PROGRAMME, &["H1", "H2"]);
        let today = laptop.store.today();
        laptop
            .store
            .log_hours(
                &[supervised("H1", today, 120), supervised("H2", today, 90)],
                "Priya",
                false,
            )
            .unwrap();
        let h1 = laptop.store.find_participant(wave.id, "H1").unwrap().id;
        let h2 = laptop.store.find_participant(wave.id, "H2").unwrap().id;
        let operator = Operator::named("Priya");
        let before = act::export_certificate(&mut laptop.store, h1, &operator).unwrap();

        // Signed for the organisation, by the hub's did:web, with this laptop's key.
        let credential =
            mixwell_certificates::pdf::attached_credential(&before.file.bytes).unwrap();
        let did = did_web(&served.url).unwrap();
        assert_eq!(credential["issuer"]["id"], did.as_str(), "{}", db.kind);
        laptop.sync();

        // The hub publishes the laptop's key; the laptop's keys file is the same document.
        let document = published(&served.url);
        assert_eq!(document["id"], did.as_str());
        assert_eq!(
            act::organisation_keys(&mut laptop.store)
                .unwrap()
                .document(),
            document,
            "{}: the keys file is what the hub publishes",
            db.kind
        );
        let keys = [KeySet::from_document(&document).unwrap()];
        assert!(matches!(
            act::check_pdf(None, &before.file.bytes, &keys),
            Verdict::Genuine(_)
        ));

        // The laptop is lost and revoked; whoever has it signs a certificate afterwards.
        hub.revoke(laptop.store.device_id()).unwrap();
        clock
            .0
            .fetch_add(Duration::days(3).num_milliseconds(), Ordering::SeqCst);
        let after = act::export_certificate(&mut laptop.store, h2, &operator).unwrap();
        let document = published(&served.url);
        let withdrawn = document["verificationMethod"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["revoked"].is_string())
            .count();
        assert_eq!(withdrawn, 1, "{document}");
        let keys = [KeySet::from_document(&document).unwrap()];
        assert!(
            matches!(
                act::check_pdf(None, &before.file.bytes, &keys),
                Verdict::Genuine(_)
            ),
            "{}: signed before the revocation",
            db.kind
        );
        match act::check_pdf(None, &after.file.bytes, &keys) {
            Verdict::NotGenuine(why) => assert!(why.contains("withdrew"), "{why}"),
            other => panic!("{}: signed after the revocation: {other:?}", db.kind),
        }
    }
}

#[test]
fn a_laptop_let_back_in_signs_with_a_new_key_and_its_old_one_stays_published_as_withdrawn() {
    for db in databases() {
        let hub = common::hub(&db);
        let served = serve(&hub);
        let mut laptop = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        hub.revoke(laptop.store.device_id()).unwrap();
        laptop.enrol(&hub, &served.url, DeviceRole::Coordinator, &[]);
        laptop.sync();
        let document = published(&served.url);
        let methods = document["verificationMethod"].as_array().unwrap();
        // The hub's own key (it signs status lists), and the laptop's old and new keys.
        assert_eq!(methods.len(), 3, "{}: {document}", db.kind);
        assert_eq!(
            methods
                .iter()
                .filter(|m| m.get("revoked").is_some())
                .count(),
            1
        );
        assert_eq!(
            act::organisation_keys(&mut laptop.store)
                .unwrap()
                .document(),
            document
        );
    }
}

/// `GET url`: the status and the body, whatever the status.
fn get(url: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut answer = agent.get(url).call().unwrap();
    let status = answer.status().as_u16();
    (status, answer.body_mut().read_to_string().unwrap())
}

#[test]
fn the_verification_page_says_genuine_revoked_or_not_genuine_and_slows_down_guessing() {
    for db in databases() {
        let hub = common::hub(&db);
        let served = serve(&hub);
        let (mut laptop, issued) = common::laptop_with_a_certificate(&hub, &served.url, 150);
        let operator = Operator::named("Priya");
        let base = served.url.trim_end_matches('/');

        // From the QR code's address, and typed into the form in lower case.
        for address in [
            format!("{base}/verify/{}", issued.code),
            format!(
                "{base}/verify?code={}",
                issued.code.to_lowercase().replace('-', "")
            ),
        ] {
            let (status, page) = get(&address);
            assert_eq!(status, 200, "{}: {page}", db.kind);
            assert!(
                page.contains("data-verdict=\"genuine\""),
                "{}: {page}",
                db.kind
            );
            assert!(page.contains("Young Person 0"), "{page}");
            assert!(page.contains("2 h 30 min"), "{page}");
            assert!(
                page.contains("https://www.linkedin.com/profile/add?"),
                "{page}"
            );
        }
        let (status, json) = get(&format!("{base}/verify/{}/credential.json", issued.code));
        assert_eq!(status, 200);
        let credential: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            credential,
            mixwell_certificates::pdf::attached_credential(&issued.file.bytes).unwrap()
        );

        let agent: ureq::Agent = ureq::Agent::config_builder().build().into();
        let badge = agent
            .get(&format!("{base}/verify/{}/badge.png", issued.code))
            .call()
            .unwrap()
            .body_mut()
            .read_to_vec()
            .unwrap();
        assert_eq!(
            mixwell_certificates::badge::unbake(&badge).unwrap(),
            credential
        );

        // A code that adds up but belongs to no certificate, and one mistyped.
        let made_up = mixwell_certificates::VerificationCode::from_bits(42).to_string();
        let (_, page) = get(&format!("{base}/verify/{made_up}"));
        assert!(page.contains("data-verdict=\"not-genuine\""), "{page}");
        let (status, _) = get(&format!("{base}/verify/{made_up}/credential.json"));
        assert_eq!(status, 404);

        // Its place in the laptop's status list, which the hub signs.
        let status = &credential["credentialStatus"];
        assert_eq!(status["type"], "BitstringStatusListEntry");
        assert_eq!(
            status["statusListIndex"], "0",
            "the laptop's first certificate"
        );
        let list_url = status["statusListCredential"].as_str().unwrap().to_owned();
        let index: usize = status["statusListIndex"].as_str().unwrap().parse().unwrap();
        let revoked_in_list = || {
            let (status, body) = get(&list_url);
            assert_eq!(status, 200, "{body}");
            let list: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(
                list["id"],
                list_url.as_str(),
                "the list is the one the certificate names"
            );
            let keys = KeySet::from_document(&published(&served.url)).unwrap();
            let method = list["proof"]["verificationMethod"].as_str().unwrap();
            let key = keys
                .get(method)
                .expect("the hub's key is in its document")
                .key;
            mixwell_certificates::proof::verify(
                &list,
                &key,
                &mixwell_certificates::jsonld::Contexts::bundled(),
            )
            .expect("the status list is signed by the hub");
            mixwell_hub::is_revoked_in(
                list["credentialSubject"]["encodedList"].as_str().unwrap(),
                index,
            )
            .unwrap()
        };
        assert!(!revoked_in_list());

        // Revoked on the laptop, the revocation reaches the hub by sync.
        act::revoke_certificate(
            &mut laptop.store,
            &issued.number,
            "hours voided <after review>",
            &operator,
        )
        .unwrap();
        laptop.sync();
        let (_, page) = get(&format!("{base}/verify/{}", issued.code));
        assert!(
            page.contains("data-verdict=\"revoked\""),
            "{}: {page}",
            db.kind
        );
        assert!(
            page.contains("hours voided &lt;after review&gt;"),
            "the reason, escaped: {page}"
        );
        assert!(
            revoked_in_list(),
            "{}: the status list says revoked",
            db.kind
        );
        let (_, list) = get(&format!("{base}/certificates/revoked.json"));
        let list: serde_json::Value = serde_json::from_str(&list).unwrap();
        assert_eq!(list[0]["number"], issued.number.as_str());

        // Guessing: after WRONG_CODES wrong codes from one address, 429 until the window
        // has passed; a right code is refused too meanwhile (nothing to learn by trying).
        let already = 2; // the made-up code, page and JSON
        for n in already..mixwell_hub::WRONG_CODES {
            let wrong =
                mixwell_certificates::VerificationCode::from_bits(1000 + n as u64).to_string();
            let (status, _) = get(&format!("{base}/verify/{wrong}"));
            assert_eq!(status, 200, "wrong code {n}");
        }
        let (status, page) = get(&format!("{base}/verify/{}", issued.code));
        assert_eq!(status, 429, "{}: {page}", db.kind);
        assert!(page.contains("too many wrong codes"), "{page}");
    }
}
