//! Certificates of an enrolled organisation: a laptop signs with the key its hub vouches
//! for, the hub publishes every such key as the organisation's DID document (did:web), and
//! a certificate signed after its laptop was revoked never verifies while one signed
//! before still does. Both back ends.

mod common;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{Duration, Utc};
use common::{databases, serve, wave_with, Laptop, PROGRAMME};
use mixwell_actions::certificates as act;
use mixwell_actions::Operator;
use mixwell_certificates::keys::{did_web, KeySet};
use mixwell_certificates::verify::Verdict;
use mixwell_store::{NewHours, Store, Supervision};
use mixwell_sync::wire::DeviceRole;

/// A laptop clock the test moves.
#[derive(Clone)]
struct Moving(Arc<AtomicI64>);

impl mixwell_store::Clock for Moving {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst) as u64
    }
}

fn supervised(participant: &str, date: chrono::NaiveDate, minutes: u32) -> NewHours {
    NewHours {
        participant: participant.into(),
        organisation: "Hope Food Bank".into(),
        date,
        minutes,
        activity: "Sorting donations".into(),
        supervision: Some(Supervision {
            by: "Pat Supervisor".into(),
            signature: None,
        }),
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
        let store =
            Store::open_with_clock(&dir.path().join("m.sqlite"), Box::new(clock.clone())).unwrap();
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
        assert!(
            document["verificationMethod"][0]["revoked"].is_string(),
            "{document}"
        );
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
        assert_eq!(methods.len(), 2, "{}: {document}", db.kind);
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
