//! Every message a device or the hub receives, fuzzed with generated input: USB bundles in
//! both directions (damaged copies of real ones and arbitrary bytes) and each HTTP
//! endpoint's body. Nothing panics, each is refused with a clear error, and nothing held
//! changes. `make fuzz` runs a longer campaign (`MIXWELL_FUZZ_CASES`).

mod common;

use std::sync::Arc;

use common::{serve, wave_with, Laptop, PROGRAMME};
use mixwell_hub::Hub;
use mixwell_sync::wire::{path, DeviceRole, ErrorBody};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Cases per property: a few dozen in `make test`, as many as asked for in `make fuzz`.
fn runner() -> TestRunner {
    let cases = std::env::var("MIXWELL_FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(48);
    TestRunner::new(Config::with_cases(cases))
}

/// How a message is damaged: a byte changed, the end cut off, bytes put in, or replaced
/// by arbitrary bytes altogether.
#[derive(Debug, Clone)]
enum Damage {
    Flip { at: usize, mask: u8 },
    Cut { keep: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Replace(Vec<u8>),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(at, mask)| Damage::Flip { at, mask }),
        any::<usize>().prop_map(|keep| Damage::Cut { keep }),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..64))
            .prop_map(|(at, bytes)| Damage::Insert { at, bytes }),
        prop::collection::vec(any::<u8>(), 0..2048).prop_map(Damage::Replace),
    ]
}

fn damaged(original: &[u8], damage: &Damage) -> Vec<u8> {
    let mut bytes = original.to_vec();
    match damage {
        Damage::Flip { at, mask } if !bytes.is_empty() => {
            let at = at % bytes.len();
            bytes[at] ^= mask;
        }
        Damage::Flip { .. } => {}
        Damage::Cut { keep } => bytes.truncate(keep % original.len().max(1)),
        Damage::Insert { at, bytes: more } => {
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, more.iter().copied());
        }
        Damage::Replace(other) => bytes.clone_from(other),
    }
    bytes
}

/// A hub with a coordinator's laptop holding a wave, and a bundle each way.
struct Pair {
    hub: Arc<Hub>,
    laptop: Laptop,
    to_hub: Vec<u8>,
    to_laptop: Vec<u8>,
    _served: mixwell_hub::Background,
}

fn pair() -> Pair {
    let db = common::databases().remove(0);
    let hub = common::hub(&db);
    let served = serve(&hub);
    let mut laptop = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
    let mut other = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
    wave_with(&mut other.store, PROGRAMME, &["F1", "F2"]);
    other.sync();
    wave_with(&mut laptop.store, "Another programme", &["G1"]);
    let (to_hub, _) = mixwell_sync::export_bundle(&laptop.store).unwrap();
    let (to_laptop, _) = hub.export_bundle(laptop.store.device_id()).unwrap();
    Pair {
        hub,
        laptop,
        to_hub,
        to_laptop,
        _served: served,
    }
}

#[test]
fn a_laptop_refuses_every_damaged_bundle_and_keeps_what_it_held() {
    let p = pair();
    // The property runs as `Fn`: the laptop is borrowed afresh for each case.
    let laptop = std::cell::RefCell::new(p.laptop);
    let held = |laptop: &Laptop| {
        (
            laptop.store.sync_status().unwrap(),
            laptop.store.programmes(true).unwrap(),
        )
    };
    let before = held(&laptop.borrow());
    runner()
        .run(&damage(), |d| {
            let bytes = damaged(&p.to_laptop, &d);
            prop_assume!(bytes != p.to_laptop);
            let mut laptop = laptop.borrow_mut();
            let refused = mixwell_sync::import_bundle(&mut laptop.store, &bytes);
            prop_assert!(refused.is_err(), "{d:?} was taken");
            prop_assert!(!refused.unwrap_err().to_string().is_empty());
            prop_assert_eq!(&held(&laptop), &before);
            Ok(())
        })
        .unwrap();
    // The real bundle still applies afterwards: the refusals left nothing half done.
    let report = mixwell_sync::import_bundle(&mut laptop.borrow_mut().store, &p.to_laptop).unwrap();
    assert!(report.pulled >= 1, "{report:?}");
}

#[test]
fn the_hub_refuses_every_damaged_bundle_and_keeps_what_it_held() {
    let p = pair();
    let before = p.hub.record_counts().unwrap();
    runner()
        .run(&damage(), |d| {
            let bytes = damaged(&p.to_hub, &d);
            prop_assume!(bytes != p.to_hub);
            let refused = p.hub.import_bundle(&bytes);
            prop_assert!(refused.is_err(), "{d:?} was taken");
            prop_assert_eq!(p.hub.record_counts().unwrap(), before);
            Ok(())
        })
        .unwrap();
    let taken = p.hub.import_bundle(&p.to_hub).unwrap();
    assert!(taken.pushed.accepted >= 1);
}

/// JSON-ish bodies: arbitrary bytes, arbitrary JSON values, and objects with the fields
/// the messages use holding values of the wrong kind.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        ".{0,24}".prop_map(serde_json::Value::from),
    ];
    let value = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("code".to_owned()),
                    Just("device".to_owned()),
                    Just("changes".to_owned()),
                    Just("audit".to_owned()),
                    Just("signature".to_owned()),
                    Just("cursor".to_owned()),
                    "[a-z_]{1,10}",
                ],
                inner,
                0..5
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        value.prop_map(|v| serde_json::to_vec(&v).unwrap()),
    ]
}

#[test]
fn every_endpoint_refuses_a_malformed_body_with_a_typed_error_and_keeps_what_it_held() {
    let p = pair();
    let base = p._served.url.trim_end_matches('/').to_owned();
    // A new connection per request, as separate devices make them.
    let agent = || -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_idle_connections(0)
            .build()
            .into()
    };
    let before = p.hub.record_counts().unwrap();
    // The challenge reads no body: any request gets a fresh nonce.
    let endpoints = [path::ENROL, path::SESSION, path::PUSH, path::PULL];
    runner()
        .run(&(0..endpoints.len(), body()), |(e, body)| {
            let mut answer = agent()
                .post(&format!("{base}{}", endpoints[e]))
                .header("content-type", "application/json")
                .send(&body[..])
                .unwrap();
            let status = answer.status().as_u16();
            prop_assert!(
                (400..500).contains(&status),
                "{}: {status} for {:?}",
                endpoints[e],
                String::from_utf8_lossy(&body)
            );
            let text = answer.body_mut().read_to_string().unwrap();
            let error: ErrorBody = serde_json::from_str(&text)
                .map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
            prop_assert!(!error.message.is_empty());
            prop_assert_eq!(p.hub.record_counts().unwrap(), before);
            Ok(())
        })
        .unwrap();
}
