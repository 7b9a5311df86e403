//! Keys in a real Secret Service: gnome-keyring in a D-Bus session of the test's own.
//!
//! Each test runs itself again under `dbus-run-session` (which ends the bus, and the
//! keyring daemon with it, when the test ends), starts gnome-keyring-daemon unlocked with
//! a throwaway password and a throwaway home, and only then touches the keychain. Nothing
//! is mocked and the developer's own keychain is never reached.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use mixwell_store::Store;
use mixwell_vault::{unlock, KeyInfo, KeyState, Vault};

const INSIDE: &str = "MIXWELL_TEST_SECRET_SERVICE";

/// Runs `test` in a fresh D-Bus session with an unlocked gnome-keyring, or, with
/// `keychain: false`, with no session bus at all. Returns false in the outer process,
/// which has then checked that the inner run passed.
fn isolated(test: &str, keychain: bool) -> bool {
    if std::env::var_os(INSIDE).is_some() {
        if keychain {
            start_gnome_keyring();
        }
        return true;
    }
    let home = tempfile::tempdir().unwrap();
    let me = std::env::current_exe().unwrap();
    let mut command = if keychain {
        let mut c = Command::new("dbus-run-session");
        c.arg("--").arg(&me);
        c
    } else {
        let mut c = Command::new(&me);
        c.env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/mixwell-test-bus",
        );
        c
    };
    let output = command
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(INSIDE, "1")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_RUNTIME_DIR", home.path())
        .output()
        .expect("dbus-run-session (package dbus; `make deps` installs it)");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{test} failed inside its session:\n{text}"
    );
    assert!(
        text.contains("1 passed"),
        "{test} did not run inside its session:\n{text}"
    );
    false
}

fn start_gnome_keyring() {
    let mut daemon = Command::new("gnome-keyring-daemon")
        .args(["--unlock", "--components=secrets", "--daemonize"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon (package gnome-keyring; `make deps` installs it)");
    daemon
        .stdin
        .take()
        .unwrap()
        .write_all(b"throwaway test keyring password")
        .unwrap();
    assert!(
        daemon.wait().unwrap().success(),
        "gnome-keyring-daemon did not start"
    );
    // The daemon's parent returns once it is initialised; the name on the bus is the
    // sign it serves. Bounded: 100 looks, 50 ms apart.
    for _ in 0..100 {
        let owned = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .output()
            .expect("dbus-send");
        if String::from_utf8_lossy(&owned.stdout).contains("boolean true") {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("gnome-keyring-daemon never took org.freedesktop.secrets");
}

fn keychain_id(db: &Path) -> uuid::Uuid {
    let text = std::fs::read_to_string(Vault::for_database(db).key_file()).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["keeper"], "keychain", "{text}");
    value["id"].as_str().unwrap().parse().unwrap()
}

/// What `secret-tool` (libsecret, another client of the same service) finds.
fn secret_tool_lookup(id: uuid::Uuid) -> Option<Vec<u8>> {
    let output = Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            "Mixwell",
            "username",
            &format!("database {id}"),
        ])
        .output()
        .expect("secret-tool (package libsecret-tools; `make deps` installs it)");
    output.status.success().then_some(output.stdout)
}

#[test]
fn a_new_database_keeps_a_random_key_in_the_keychain_and_opens_with_it_again() {
    if !isolated(
        "a_new_database_keeps_a_random_key_in_the_keychain_and_opens_with_it_again",
        true,
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mixwell.sqlite");
    let key = unlock(&db, None).unwrap();
    drop(Store::open(&db, &key).unwrap());
    assert_eq!(
        Vault::for_database(&db).state().unwrap(),
        KeyState::Keychain
    );

    let id = keychain_id(&db);
    let stored = secret_tool_lookup(id).expect("the key is in the Secret Service");
    assert_eq!(stored.len(), 32);
    assert_eq!(stored.as_slice(), key.as_bytes());
    let info = std::fs::read(Vault::for_database(&db).key_file()).unwrap();
    assert!(!info.windows(32).any(|w| w == key.as_bytes()));

    let again = unlock(&db, None).unwrap();
    assert_eq!(again.as_bytes(), key.as_bytes());
    assert!(Store::open(&db, &again).is_ok());

    let other = dir.path().join("other.sqlite");
    let other_key = unlock(&other, None).unwrap();
    assert_ne!(
        other_key.as_bytes(),
        key.as_bytes(),
        "one random key per database"
    );
}

#[test]
fn a_key_gone_from_the_keychain_is_reported_as_key_missing_and_nothing_changes() {
    if !isolated(
        "a_key_gone_from_the_keychain_is_reported_as_key_missing_and_nothing_changes",
        true,
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mixwell.sqlite");
    let key = unlock(&db, None).unwrap();
    drop(Store::open(&db, &key).unwrap());
    let id = keychain_id(&db);
    let cleared = Command::new("secret-tool")
        .args([
            "clear",
            "service",
            "Mixwell",
            "username",
            &format!("database {id}"),
        ])
        .status()
        .unwrap();
    assert!(cleared.success());
    let before = std::fs::read(&db).unwrap();
    let Err(error) = unlock(&db, None) else {
        panic!("found a key that was removed")
    };
    assert_eq!(error.code(), "key_missing");
    assert!(
        error.to_string().contains("holds no key for this database"),
        "{error}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert_eq!(
        mixwell_vault::KeyInfo::Keychain { id },
        KeyInfo::Keychain {
            id: keychain_id(&db)
        },
        "the key file still names the same entry"
    );
}

#[test]
fn without_a_keychain_a_new_database_asks_for_a_passphrase_and_writes_nothing() {
    if !isolated(
        "without_a_keychain_a_new_database_asks_for_a_passphrase_and_writes_nothing",
        false,
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mixwell.sqlite");
    let Err(error) = unlock(&db, None) else {
        panic!("made a key with no keychain and no passphrase")
    };
    assert_eq!(error.code(), "passphrase_needed");
    assert!(matches!(
        error,
        mixwell_vault::VaultError::PassphraseNeeded { new: true, .. }
    ));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
