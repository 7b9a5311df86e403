//! A deterministic simulation of several laptops and a hub over the real protocol code:
//! the hub's axum router (called in-process), the laptops' sync rounds, and between them a
//! seeded network that drops requests, loses answers after the hub committed (a crash
//! between commit and acknowledgement), delivers twice, holds messages back and delivers
//! them later out of order, and cuts laptops off for a while. Laptop clocks are off by up
//! to a day either way. Afterwards, with the network healed: every hour entry is on the
//! hub exactly once, every replica holds the same record, replaying every message ever sent
//! changes nothing, pull cursors only moved forward, and no queue is left stuck. The hub
//! compacts its record now and then throughout, and a laptop enrolled at the end pulls
//! the compacted record and holds what the others hold.

mod common;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use common::{databases, wave_with, Database, PROGRAMME};
use mixwell_domain::Wave;
use mixwell_hub::{Hub, NewEnrolment};
use mixwell_store::{Clock, NewHours, ParticipantUpdate, Store};
use mixwell_sync::wire::DeviceRole;
use mixwell_sync::{HubClient, SyncError, Transport};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tower::ServiceExt;

const LAPTOPS: usize = 3;
const STEPS: usize = 40;
const SEEDS: u64 = 12;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A message as it left a laptop: path, session token, body.
type Message = (String, Option<String>, Vec<u8>);

struct Network {
    router: axum::Router,
    runtime: tokio::runtime::Runtime,
    rng: ChaCha8Rng,
    faults: bool,
    /// Laptops cut off this round.
    cut_off: HashSet<usize>,
    /// Messages held back, delivered later out of order.
    held: Vec<Message>,
    /// Every message sent, for the replay at the end.
    sent: Vec<Message>,
}

impl Network {
    fn deliver(&self, (path, token, body): &Message) -> (u16, Vec<u8>) {
        let mut request = Request::post(path.as_str()).header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = request.body(Body::from(body.clone())).expect("request");
        self.runtime.block_on(async {
            let answer = self.router.clone().oneshot(request).await.expect("router");
            let status = answer.status().as_u16();
            let bytes = axum::body::to_bytes(answer.into_body(), usize::MAX)
                .await
                .expect("body");
            (status, bytes.to_vec())
        })
    }
}

/// One laptop's way onto the simulated network.
struct Link {
    net: Rc<RefCell<Network>>,
    laptop: usize,
}

impl Transport for Link {
    fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<(u16, Vec<u8>), SyncError> {
        let mut net = self.net.borrow_mut();
        let message: Message = (path.to_string(), token.map(str::to_string), body);
        net.sent.push(message.clone());
        if !net.faults {
            return Ok(net.deliver(&message));
        }
        if net.cut_off.contains(&self.laptop) {
            return Err(SyncError::Unreachable("cut off".into()));
        }
        let roll = net.rng.random_range(0..100);
        if roll < 8 && !net.held.is_empty() {
            // A message held back earlier arrives now, before this one.
            let held = net.held.len();
            let at = net.rng.random_range(0..held);
            let late = net.held.swap_remove(at);
            net.deliver(&late);
        }
        match roll {
            0..10 => Err(SyncError::Unreachable("request dropped".into())),
            10..20 => {
                net.deliver(&message);
                Err(SyncError::Unreachable("answer lost".into()))
            }
            20..28 => {
                net.deliver(&message);
                Ok(net.deliver(&message))
            }
            28..36 => {
                net.held.push(message.clone());
                Ok(net.deliver(&message))
            }
            _ => Ok(net.deliver(&message)),
        }
    }
}

/// A laptop clock a fixed offset from the real one.
struct SkewedClock {
    offset_ms: i64,
}

impl Clock for SkewedClock {
    fn now_ms(&self) -> u64 {
        let now = chrono::Utc::now().timestamp_millis() + self.offset_ms;
        u64::try_from(now).unwrap_or(0)
    }
}

struct Laptop {
    store: Store,
    client: HubClient<Link>,
    _dir: tempfile::TempDir,
}

fn laptop(net: &Rc<RefCell<Network>>, hub: &Hub, index: usize, offset_ms: i64) -> Laptop {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_with_clock(
        &dir.path().join("mixwell.sqlite"),
        &mixwell_store::DatabaseKey::from_bytes([7; 32]),
        Box::new(SkewedClock { offset_ms }),
    )
    .unwrap();
    let client = HubClient::new(Link {
        net: Rc::clone(net),
        laptop: index,
    });
    let code = hub
        .create_enrolment(&NewEnrolment {
            label: format!("Laptop {index}"),
            role: DeviceRole::Coordinator,
            programmes: Vec::new(),
        })
        .unwrap();
    mixwell_sync::enrol_with(&mut store, &client, "http://127.0.0.1", &code, None).unwrap();
    Laptop {
        store,
        client,
        _dir: dir,
    }
}

fn run(db: &Database, seed: u64) {
    let hub = Arc::new(Hub::open(&db.url).unwrap());
    hub.init(common::ORGANISATION).unwrap();
    let net = Rc::new(RefCell::new(Network {
        router: mixwell_hub::router(Arc::clone(&hub)),
        runtime: tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
        rng: ChaCha8Rng::seed_from_u64(seed),
        faults: false,
        cut_off: HashSet::new(),
        held: Vec::new(),
        sent: Vec::new(),
    }));
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let mut laptops: Vec<Laptop> = (0..LAPTOPS)
        .map(|i| laptop(&net, &hub, i, rng.random_range(-DAY_MS..=DAY_MS)))
        .collect();
    let wave: Wave = wave_with(
        &mut laptops[0].store,
        PROGRAMME,
        &["P1", "P2", "P3", "P4", "P5", "P6"],
    );
    for laptop in laptops.iter_mut() {
        mixwell_sync::round(&mut laptop.store, &laptop.client).unwrap();
    }
    let first = &mut laptops[0];
    mixwell_sync::round(&mut first.store, &first.client).unwrap();

    net.borrow_mut().faults = true;
    let counter = AtomicU64::new(0);
    let mut logged = 0usize;
    let mut cursors = [0u64; LAPTOPS];
    let schools = ["Hope Valley College", "Lady Manners", "Chapel High"];
    for step in 0..STEPS {
        {
            let mut n = net.borrow_mut();
            n.cut_off.clear();
            if rng.random_bool(0.2) {
                let who = rng.random_range(0..LAPTOPS);
                n.cut_off.insert(who);
            }
        }
        let who = rng.random_range(0..LAPTOPS);
        let laptop = &mut laptops[who];
        if rng.random_bool(0.7) {
            // Days well before any laptop's "today", one entry per laptop and day each.
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let date = laptop.store.today() - chrono::Duration::days(3 + n as i64);
            let person = format!("P{}", rng.random_range(1..=6));
            laptop
                .store
                .log_hours(
                    &[NewHours {
                        participant: person,
                        organisation: "Food Bank".into(),
                        date,
                        minutes: rng.random_range(15..=240),
                        activity: format!("step {step}"),
                        supervision: None,
                    }],
                    "Sam",
                    true,
                )
                .unwrap();
            logged += 1;
        } else {
            let people = laptop.store.participants(wave.id).unwrap();
            if let Some(p) = people.get(rng.random_range(0..people.len().max(1))) {
                let mut record = p.record.clone();
                record.school = schools[rng.random_range(0..schools.len())].into();
                laptop
                    .store
                    .update_participant(
                        p.id,
                        &ParticipantUpdate {
                            record,
                            friends: p.friends.clone(),
                            keep_apart: p.keep_apart.clone(),
                            keep_together: p.keep_together.clone(),
                        },
                    )
                    .unwrap();
            }
        }
        if rng.random_bool(0.1) {
            // The hub compacts its record under laptops at every distance from it.
            hub.compact().unwrap();
        }
        let syncing = rng.random_range(0..LAPTOPS);
        let laptop = &mut laptops[syncing];
        match mixwell_sync::round(&mut laptop.store, &laptop.client) {
            Ok(_) | Err(SyncError::Unreachable(_)) => {}
            Err(SyncError::Hub(body)) => {
                // A message lost on the way can leave a session or challenge spent; the
                // next round starts afresh.
                assert!(
                    matches!(
                        body.code,
                        mixwell_sync::wire::HubErrorCode::Unauthorised
                            | mixwell_sync::wire::HubErrorCode::SequenceGap
                    ),
                    "seed {seed}: {body:?}"
                );
            }
            Err(other) => panic!("seed {seed}, step {step}: {other}"),
        }
        for (i, laptop) in laptops.iter().enumerate() {
            let cursor = laptop.store.pull_cursor().unwrap();
            assert!(cursor >= cursors[i], "seed {seed}: a cursor moved back");
            cursors[i] = cursor;
        }
    }

    // The network heals; a few rounds each leave nothing waiting.
    {
        let mut n = net.borrow_mut();
        n.faults = false;
        n.cut_off.clear();
        let held = std::mem::take(&mut n.held);
        for message in &held {
            n.deliver(message);
        }
    }
    for _ in 0..2 {
        for laptop in laptops.iter_mut() {
            mixwell_sync::round(&mut laptop.store, &laptop.client).unwrap();
        }
    }
    let settle = |laptops: &mut Vec<Laptop>| -> Vec<BTreeMap<&'static str, Vec<_>>> {
        for laptop in laptops.iter_mut() {
            mixwell_sync::round(&mut laptop.store, &laptop.client).unwrap();
        }
        laptops
            .iter()
            .map(|l| {
                assert_eq!(
                    l.store.pending_change_count().unwrap(),
                    0,
                    "seed {seed}: stuck"
                );
                l.store.synced_rows().unwrap()
            })
            .collect()
    };
    let states = settle(&mut laptops);
    for (i, state) in states.iter().enumerate().skip(1) {
        for (table, rows) in state {
            let first = &states[0][table];
            let has: Vec<_> = rows.iter().filter(|r| !first.contains(r)).collect();
            let lacks: Vec<_> = first.iter().filter(|r| !rows.contains(r)).collect();
            assert!(
                has.is_empty() && lacks.is_empty(),
                "seed {seed} ({}): laptop {i} differs in {table}: has {has:?}, lacks {lacks:?}",
                db.kind
            );
        }
    }
    let entries = common::hub_hour_entries(&hub);
    assert_eq!(
        entries.len(),
        logged,
        "seed {seed}: every entry reached the hub"
    );
    assert!(
        entries.values().all(|&n| n == 1),
        "seed {seed}: an entry is on the hub twice"
    );

    // Replaying every message ever sent changes nothing.
    let counts = hub.record_counts().unwrap();
    {
        let n = net.borrow();
        for message in n.sent.clone().iter() {
            n.deliver(message);
        }
    }
    assert_eq!(
        hub.record_counts().unwrap(),
        counts,
        "seed {seed}: a replay changed the hub"
    );
    let again = settle(&mut laptops);
    assert_eq!(again, states, "seed {seed}: a replay changed a laptop");

    // A laptop enrolled now pulls the compacted record and holds what the others do.
    hub.compact().unwrap();
    let mut newcomer = laptop(&net, &hub, LAPTOPS, 0);
    mixwell_sync::round(&mut newcomer.store, &newcomer.client).unwrap();
    assert_eq!(
        newcomer.store.synced_rows().unwrap(),
        states[0],
        "seed {seed} ({}): a newcomer differs",
        db.kind
    );
}

#[test]
fn laptops_and_a_hub_over_a_faulty_network_converge_with_every_hour_once() {
    for db in databases() {
        for seed in 0..SEEDS {
            let fresh = if seed == 0 {
                None
            } else {
                Some(
                    common::databases()
                        .into_iter()
                        .find(|d| d.kind == db.kind)
                        .unwrap(),
                )
            };
            run(fresh.as_ref().unwrap_or(&db), seed);
        }
    }
}
