#![allow(dead_code)]

//! What the hub's tests share: a hub database on each back end, laptops with databases of
//! their own, and a hub served on loopback.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use mixwell_domain::Wave;
use mixwell_hub::{Background, Hub, HubClock, NewEnrolment};
use mixwell_store::{NewHours, NewWave, Store};
use mixwell_sync::wire::DeviceRole;

/// A hub database on one back end, dropped with its files.
pub struct Database {
    pub url: String,
    pub kind: &'static str,
    _dir: Option<tempfile::TempDir>,
}

fn sqlite() -> Database {
    let dir = tempfile::tempdir().unwrap();
    Database {
        url: dir.path().join("hub.sqlite").display().to_string(),
        kind: "SQLite",
        _dir: Some(dir),
    }
}

/// A new, empty PostgreSQL database in the cluster `MIXWELL_TEST_POSTGRES` points at
/// (`scripts/with-postgres.sh` starts one; `make test` always does).
fn postgres() -> Option<Database> {
    let Ok(base) = std::env::var("MIXWELL_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("MIXWELL_REQUIRE_POSTGRES").is_none(),
            "MIXWELL_REQUIRE_POSTGRES is set but MIXWELL_TEST_POSTGRES is not"
        );
        eprintln!("no PostgreSQL for this run (use scripts/with-postgres.sh): SQLite only");
        return None;
    };
    let name = format!("hub_{}", uuid::Uuid::now_v7().simple());
    let mut admin = postgres::Client::connect(&base, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let (root, _) = base.rsplit_once('/').unwrap();
    Some(Database {
        url: format!("{root}/{name}"),
        kind: "PostgreSQL",
        _dir: None,
    })
}

/// Every back end this run can reach: SQLite always, PostgreSQL when there is one.
pub fn databases() -> Vec<Database> {
    let mut all = vec![sqlite()];
    all.extend(postgres());
    all
}

/// A clock the test moves by hand, shared by a hub and its copies.
#[derive(Clone)]
pub struct TestClock(Arc<AtomicI64>);

impl TestClock {
    pub fn new() -> TestClock {
        TestClock(Arc::new(AtomicI64::new(Utc::now().timestamp_millis())))
    }

    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(by.num_milliseconds(), Ordering::SeqCst);
    }
}

impl HubClock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.0.load(Ordering::SeqCst)).unwrap()
    }
}

pub const ORGANISATION: &str = "Peak Youth Trust";
pub const PROGRAMME: &str = "HeadStart 2027";

/// A hub with its organisation, on `database`.
pub fn hub(database: &Database) -> Arc<Hub> {
    let hub = Hub::open(&database.url).unwrap();
    hub.init(ORGANISATION).unwrap();
    Arc::new(hub)
}

pub fn serve(hub: &Arc<Hub>) -> Background {
    mixwell_hub::spawn(Arc::clone(hub), "127.0.0.1:0").unwrap()
}

/// A laptop with its own database.
pub struct Laptop {
    pub store: Store,
    _dir: tempfile::TempDir,
}

impl Laptop {
    pub fn new() -> Laptop {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(
            &dir.path().join("mixwell.sqlite"),
            &mixwell_store::DatabaseKey::from_bytes([7; 32]),
        )
        .unwrap();
        Laptop { store, _dir: dir }
    }

    /// A laptop on a store opened by the test (with its own clock, say) in `dir`.
    pub fn from_store(store: Store, dir: tempfile::TempDir) -> Laptop {
        Laptop { store, _dir: dir }
    }

    /// Enrolled with `hub` (served at `url`) in `role`, for `programmes`.
    pub fn enrolled(hub: &Hub, url: &str, role: DeviceRole, programmes: &[&str]) -> Laptop {
        let mut laptop = Laptop::new();
        laptop.enrol(hub, url, role, programmes);
        laptop
    }

    pub fn enrol(&mut self, hub: &Hub, url: &str, role: DeviceRole, programmes: &[&str]) {
        let code = hub
            .create_enrolment(&NewEnrolment {
                label: "Test laptop".into(),
                role,
                programmes: programmes.iter().map(|p| p.to_string()).collect(),
            })
            .unwrap();
        mixwell_sync::enrol(&mut self.store, url, &code).unwrap();
    }

    pub fn sync(&mut self) -> mixwell_sync::Report {
        mixwell_sync::sync_now(&mut self.store).unwrap()
    }

    /// A bare connection to the laptop's database, to tamper with it as someone holding
    /// its key could.
    pub fn raw(&self) -> rusqlite::Connection {
        mixwell_store::raw_connection(
            self._dir.path().join("mixwell.sqlite"),
            &mixwell_store::DatabaseKey::from_bytes([7; 32]),
        )
        .unwrap()
    }
}

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A wave of `programme` with the participants `ids` (roster ids).
pub fn wave_with(store: &mut Store, programme: &str, ids: &[&str]) -> Wave {
    let programme = store.create_programme(programme).unwrap();
    let wave = store
        .create_wave(
            programme.id,
            &NewWave {
                name: "Sheffield".into(),
                starts_on: Some(day("2026-09-01")),
                ..Default::default()
            },
        )
        .unwrap();
    let mut csv = String::from(
        "id,first_name,last_name,date_of_birth,gender,ethnicity,faith,school,postcode,fsm,additional_needs,friends\n",
    );
    for (i, id) in ids.iter().enumerate() {
        csv.push_str(&format!("{id},Young,Person {i},,,,,,,,,\n"));
    }
    store
        .import_roster(
            wave.id,
            mixwell_roster::parse(csv.as_bytes()),
            &mut |_, _| {},
        )
        .unwrap();
    wave
}

pub fn hours(participant: &str, organisation: &str, date: &str, minutes: u32) -> NewHours {
    NewHours {
        participant: participant.into(),
        organisation: organisation.into(),
        date: day(date),
        minutes,
        activity: "Sorting donations".into(),
        supervision: None,
    }
}

/// Volunteering a supervisor confirmed on the spot: verified at once, so it counts on a
/// certificate.
pub fn supervised(participant: &str, date: NaiveDate, minutes: u32) -> NewHours {
    NewHours {
        supervision: Some(mixwell_store::Supervision {
            by: "Pat Supervisor".into(),
            signature: None,
        }),
        date,
        ..hours(participant, "Hope Food Bank", "2026-01-01", minutes)
    }
}

/// A coordinator's laptop enrolled with `hub` (served at `url`), with one young person (H1)
/// who did `minutes` of supervised volunteering today, their certificate issued and the
/// laptop synced: what the hub's verification page then has to show.
pub fn laptop_with_a_certificate(
    hub: &Hub,
    url: &str,
    minutes: u32,
) -> (Laptop, mixwell_actions::certificates::CertificateExport) {
    let mut laptop = Laptop::enrolled(hub, url, DeviceRole::Coordinator, &[]);
    let wave = wave_with(&mut laptop.store, PROGRAMME, &["H1"]);
    let today = laptop.store.today();
    laptop
        .store
        .log_hours(&[supervised("H1", today, minutes)], "Priya", false)
        .unwrap();
    let h1 = laptop.store.find_participant(wave.id, "H1").unwrap().id;
    let operator = mixwell_actions::Operator::named("Priya");
    let issued =
        mixwell_actions::certificates::export_certificate(&mut laptop.store, h1, &operator)
            .unwrap();
    laptop.sync();
    (laptop, issued)
}

/// Minutes logged for each participant of `wave` (verified plus pending), by roster id.
pub fn minutes_by_participant(store: &Store, wave: &Wave) -> Vec<(String, u32)> {
    store
        .wave_hours(wave.id)
        .unwrap()
        .into_iter()
        .map(|p| {
            (
                p.external_id,
                p.totals.verified_minutes + p.totals.pending_minutes,
            )
        })
        .collect()
}

/// Every hour entry in the hub's record, by id, with how many times the record holds it:
/// read as a coordinator device that never pushed anything, so nothing is left out.
pub fn hub_hour_entries(hub: &Hub) -> std::collections::HashMap<String, usize> {
    let code = hub
        .create_enrolment(&NewEnrolment {
            label: "Reader".into(),
            role: DeviceRole::Coordinator,
            programmes: Vec::new(),
        })
        .unwrap();
    let (_, recipient) = mixwell_sync::bundle::new_bundle_key();
    let key = mixwell_sync::DeviceKey::generate();
    let reader = hub
        .enrol(
            &code,
            mixwell_domain::Id::now_v7(),
            &key.public_base64(),
            &recipient,
        )
        .unwrap();
    let mut seen = std::collections::HashMap::new();
    let (mut cursor, mut mark) = (0, None);
    loop {
        let page = hub.pull(&reader, cursor, mark.as_deref(), 1_000).unwrap();
        for change in page
            .changes
            .iter()
            .filter(|c| c.entity == mixwell_domain::Entity::HourEntry)
        {
            *seen.entry(change.entity_id.clone()).or_insert(0) += 1;
        }
        (cursor, mark) = (page.cursor, page.mark);
        if !page.more {
            return seen;
        }
    }
}
