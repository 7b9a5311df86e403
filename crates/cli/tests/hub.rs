//! The hub and sync through the `mixwell` binary, as an administrator and staff run them:
//! the commands' contracts, a hub process killed in the middle of a push, and staff
//! accounts reaching every laptop through the hub.

mod common;
#[path = "../../hub/tests/common/mod.rs"]
mod hub_common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_mixwell");
use common::{open_store, PASSPHRASE};

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .env("MIXWELL_PASSPHRASE", PASSPHRASE)
        .args(args)
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "mixwell {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn laptop(db: &Path, args: &[&str]) -> Output {
    laptop_as(db, &[], args)
}

fn laptop_as(db: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    common::mixwell_as(db, env, args)
}

/// A hub process, ended when the test ends, passed or not.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `mixwell hub serve` on `listen`; its address.
fn serve(database: &str, listen: &str) -> (Running, String) {
    let mut child = Command::new(BIN)
        .env("MIXWELL_PASSPHRASE", PASSPHRASE)
        .args(["hub", "serve", "--database", database, "--listen", listen])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("the hub's first line: {line:?}"))
        .to_string();
    (Running(child), url)
}

fn code(database: &str, role: &str) -> String {
    let out = ok(&[
        "hub",
        "enrol-device",
        "--database",
        database,
        "--role",
        role,
    ]);
    out.lines().last().unwrap().to_string()
}

#[test]
fn hub_and_sync_commands_keep_their_contracts() {
    for db in hub_common::databases() {
        let dir = tempfile::tempdir().unwrap();
        let out = ok(&[
            "hub",
            "init",
            "--database",
            &db.url,
            "--org",
            "Peak Youth Trust",
        ]);
        assert!(
            out.starts_with("created the hub of Peak Youth Trust"),
            "{out}"
        );
        let again = run(&["hub", "init", "--database", &db.url, "--org", "Other"]);
        assert!(!again.status.success(), "a hub is made once");
        let field = run(&["hub", "enrol-device", "--database", &db.url]);
        assert!(!field.status.success(), "a field laptop needs a programme");
        let (hub, url) = serve(&db.url, "127.0.0.1:0");

        let a = dir.path().join("a.sqlite");
        let line = String::from_utf8(laptop(&a, &["sync", "status", "--json"]).stdout).unwrap();
        let at: Vec<usize> = ["\"device\"", "\"pending\"", "\"last_synced\"", "\"hub\""]
            .iter()
            .map(|key| line.find(key).unwrap_or_else(|| panic!("{key} in {line}")))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "keys in order: {line}");
        let status: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(status.as_object().unwrap().len(), 4, "{line}");
        assert!(status["hub"].is_null() && status["last_synced"].is_null());
        let not_yet = laptop(&a, &["sync", "now"]);
        assert!(!not_yet.status.success());
        assert!(String::from_utf8_lossy(&not_yet.stderr).contains("[not_enrolled]"));

        let enrolled = laptop(
            &a,
            &[
                "sync",
                "enrol",
                "--hub",
                &url,
                "--code",
                &code(&db.url, "coordinator"),
            ],
        );
        assert!(
            enrolled.status.success(),
            "{}",
            String::from_utf8_lossy(&enrolled.stderr)
        );
        assert!(laptop(&a, &["demo", "seed"]).status.success());
        let now = laptop(&a, &["sync", "now"]);
        assert!(now.status.success());
        let printed = String::from_utf8(now.stdout).unwrap();
        assert!(printed.starts_with("pushed "), "{printed}");
        let status: serde_json::Value =
            serde_json::from_slice(&laptop(&a, &["sync", "status", "--json"]).stdout).unwrap();
        assert_eq!(status["pending"], 0);
        assert_eq!(status["hub"].as_str().unwrap().trim_end_matches('/'), url);
        assert!(status["last_synced"].as_str().unwrap().ends_with('Z'));

        let compacted = ok(&["hub", "compact", "--database", &db.url]);
        let counts: Vec<u64> = compacted
            .split_whitespace()
            .filter_map(|word| word.parse().ok())
            .collect();
        assert!(
            compacted.starts_with("compacted the record: took out ")
                && counts.len() == 2
                && counts[0] <= counts[1]
                && counts[1] > 0,
            "{compacted}"
        );
        let listed = ok(&["hub", "devices", "list", "--database", &db.url]);
        let device = status["device"].as_str().unwrap();
        assert!(
            listed.contains(device) && listed.contains("active"),
            "{listed}"
        );
        ok(&["hub", "devices", "revoke", "--database", &db.url, device]);
        let refused = laptop(&a, &["sync", "now"]);
        assert!(!refused.status.success());
        let message = String::from_utf8_lossy(&refused.stderr);
        assert!(
            message.contains("revoked") && message.contains("[device_revoked]"),
            "{message}"
        );
        let back = laptop(
            &a,
            &[
                "sync",
                "enrol",
                "--hub",
                &url,
                "--code",
                &code(&db.url, "coordinator"),
            ],
        );
        assert!(
            back.status.success(),
            "a revoked laptop comes back with a new code: {}",
            String::from_utf8_lossy(&back.stderr)
        );
        assert!(laptop(&a, &["sync", "now"]).status.success());
        drop(hub);
    }
}

fn acked(database: &str) -> u64 {
    mixwell_hub::Hub::open(database)
        .unwrap()
        .devices()
        .unwrap()
        .iter()
        .map(|d| d.acked_seq)
        .max()
        .unwrap_or(0)
}

#[test]
fn a_hub_killed_mid_push_loses_nothing_it_acknowledged() {
    for db in hub_common::databases() {
        let dir = tempfile::tempdir().unwrap();
        ok(&[
            "hub",
            "init",
            "--database",
            &db.url,
            "--org",
            "Peak Youth Trust",
        ]);
        let (hub, url) = serve(&db.url, "127.0.0.1:0");
        let listen = url.trim_start_matches("http://").to_string();
        let a = dir.path().join("a.sqlite");
        laptop(
            &a,
            &[
                "sync",
                "enrol",
                "--hub",
                &url,
                "--code",
                &code(&db.url, "coordinator"),
            ],
        );
        laptop(&a, &["demo", "seed"]);
        // 30 HeadStart volunteers × 40 days × 5 short entries: five push batches and more.
        let today = chrono::Utc::now().date_naive();
        let mut sheet = String::from("participant_id,organisation,date,minutes,activity\n");
        for p in 1..=30 {
            for d in 1..=40 {
                let date = today - chrono::Duration::days(d);
                for _ in 0..5 {
                    sheet.push_str(&format!("HS-{p:04},Hope Food Bank,{date},10,Sorting\n"));
                }
            }
        }
        let file = dir.path().join("sheet.csv");
        std::fs::write(&file, sheet).unwrap();
        let imported = laptop(
            &a,
            &[
                "hours",
                "import",
                file.to_str().unwrap(),
                "--allow-duplicate",
            ],
        );
        assert!(
            imported.status.success(),
            "{}",
            String::from_utf8_lossy(&imported.stderr)
        );
        let total = 30 * 40 * 5;

        let mut pushing = Command::new(BIN)
            .env("MIXWELL_PASSPHRASE", PASSPHRASE)
            .arg("--db")
            .arg(&a)
            .args(["sync", "now"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while acked(&db.url) == 0 {
            assert!(Instant::now() < deadline, "the push never started");
            std::thread::sleep(Duration::from_millis(2));
        }
        drop(hub);
        let at_kill = acked(&db.url);
        let _ = pushing.wait();
        let laptop_acked = {
            let store = open_store(&a);
            store.acknowledged_seq().unwrap()
        };
        assert!(
            laptop_acked <= at_kill,
            "{}: the laptop was told of {laptop_acked}, the hub holds {at_kill}",
            db.kind
        );
        let pending = open_store(&a).pending_change_count().unwrap();
        assert!(pending > 0, "{}: the kill came mid-push", db.kind);

        let (hub, _) = serve(&db.url, &listen);
        let now = laptop(&a, &["sync", "now"]);
        assert!(
            now.status.success(),
            "{}",
            String::from_utf8_lossy(&now.stderr)
        );
        let entries = hub_common::hub_hour_entries(&mixwell_hub::Hub::open(&db.url).unwrap());
        let on_laptop = open_store(&a).synced_rows().unwrap()["hour_entry"].len();
        assert!(on_laptop >= total);
        assert_eq!(
            entries.len(),
            on_laptop,
            "{}: every entry reached the hub",
            db.kind
        );
        assert!(
            entries.values().all(|&n| n == 1),
            "{}: no entry twice",
            db.kind
        );
        drop(hub);
    }
}

#[test]
fn a_hub_serving_https_with_its_own_certificate_is_trusted_only_when_given() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("hub.sqlite").display().to_string();
    let issued = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert = dir.path().join("hub.pem");
    let key = dir.path().join("hub.key");
    std::fs::write(&cert, issued.cert.pem()).unwrap();
    std::fs::write(&key, issued.signing_key.serialize_pem()).unwrap();
    ok(&[
        "hub",
        "init",
        "--database",
        &database,
        "--org",
        "Peak Youth Trust",
    ]);
    let mut child = Command::new(BIN)
        .env("MIXWELL_PASSPHRASE", PASSPHRASE)
        .args([
            "hub",
            "serve",
            "--database",
            &database,
            "--listen",
            "127.0.0.1:0",
        ])
        .arg("--tls-cert")
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _hub = Running(child);
    let port = line
        .rsplit_once(':')
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("the hub's first line: {line:?}"));
    assert!(line.contains("https://"), "{line}");
    let url = format!("https://localhost:{port}");

    let untrusting = dir.path().join("a.sqlite");
    let refused = laptop(
        &untrusting,
        &[
            "sync",
            "enrol",
            "--hub",
            &url,
            "--code",
            &code(&database, "coordinator"),
        ],
    );
    assert!(
        !refused.status.success(),
        "an unknown certificate is not trusted"
    );
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("[hub_unreachable]"), "{message}");

    let trusting = dir.path().join("b.sqlite");
    let enrolled = laptop(
        &trusting,
        &[
            "sync",
            "enrol",
            "--hub",
            &url,
            "--code",
            &code(&database, "coordinator"),
            "--ca",
            cert.to_str().unwrap(),
        ],
    );
    assert!(
        enrolled.status.success(),
        "{}",
        String::from_utf8_lossy(&enrolled.stderr)
    );
    assert!(laptop(&trusting, &["demo", "seed"]).status.success());
    let now = laptop(&trusting, &["sync", "now"]);
    assert!(
        now.status.success(),
        "{}",
        String::from_utf8_lossy(&now.stderr)
    );
    assert_eq!(open_store(&trusting).pending_change_count().unwrap(), 0);
}

/// Staff accounts are made once, on the coordinator's laptop, and come to every other
/// laptop of the organisation from the hub: there they sign in with the same PIN, and a
/// laptop that has received accounts signs in before anything runs.
#[test]
fn an_account_made_on_one_laptop_signs_in_on_another_after_sync() {
    let ada = [
        ("MIXWELL_STAFF", "Ada Lovell"),
        ("MIXWELL_STAFF_PIN", "204863"),
    ];
    let sam = [
        ("MIXWELL_STAFF", "Sam Field"),
        ("MIXWELL_STAFF_PIN", "314159"),
    ];
    let succeeds = |out: Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    for db in hub_common::databases() {
        let dir = tempfile::tempdir().unwrap();
        ok(&[
            "hub",
            "init",
            "--database",
            &db.url,
            "--org",
            "Peak Youth Trust",
        ]);
        let (hub, url) = serve(&db.url, "127.0.0.1:0");
        let (a, b) = (dir.path().join("a.sqlite"), dir.path().join("b.sqlite"));
        for laptop_db in [&a, &b] {
            let code = code(&db.url, "coordinator");
            succeeds(laptop(
                laptop_db,
                &["sync", "enrol", "--hub", &url, "--code", &code],
            ));
        }
        succeeds(laptop(&a, &["demo", "seed"]));
        succeeds(laptop_as(
            &a,
            &[("MIXWELL_NEW_STAFF_PIN", "204863")],
            &["staff", "add", "Ada Lovell", "--role", "administrator"],
        ));
        succeeds(laptop_as(&a, &ada, &["sync", "now"]));

        // Laptop b has no accounts until it syncs; then it asks who is there.
        succeeds(laptop(&b, &["sync", "now"]));
        let refused = laptop(&b, &["programme", "list"]);
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains("[signed_out]"),
            "{}",
            db.kind
        );
        assert!(succeeds(laptop_as(&b, &ada, &["programme", "list"])).contains("NCS"));

        // A later account, and a change of role, travel the same way.
        let mut as_ada = ada.to_vec();
        as_ada.push(("MIXWELL_NEW_STAFF_PIN", "314159"));
        succeeds(laptop_as(
            &a,
            &as_ada,
            &["staff", "add", "Sam Field", "--role", "coordinator"],
        ));
        succeeds(laptop_as(
            &a,
            &ada,
            &["staff", "role", "Sam Field", "field-staff"],
        ));
        succeeds(laptop_as(&a, &ada, &["sync", "now"]));
        succeeds(laptop_as(&b, &ada, &["sync", "now"]));
        for replica in [&a, &b] {
            let listed = succeeds(laptop_as(replica, &ada, &["staff", "list"]));
            assert!(listed.contains("Sam Field\tfield staff"), "{listed}");
            let verify = laptop_as(
                replica,
                &sam,
                &["hours", "verify", "nothing", "--by", "Sam"],
            );
            assert!(
                String::from_utf8_lossy(&verify.stderr).contains("[forbidden]"),
                "{}",
                db.kind
            );
        }
        drop(hub);
    }
}
