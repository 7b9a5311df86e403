//! A database kept under a passphrase, and key files that are missing or broken.

use mixwell_store::Store;
use mixwell_vault::{unlock, KeyState, Passphrase, Vault};

fn phrase(text: &str) -> Passphrase {
    Passphrase::new(text)
}

#[test]
fn a_passphrase_chosen_for_a_new_database_opens_it_again_and_a_wrong_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mixwell.sqlite");
    let key = unlock(&db, Some(&phrase("otter kettle lamp"))).unwrap();
    drop(Store::open(&db, &key).unwrap());
    assert_eq!(
        Vault::for_database(&db).state().unwrap(),
        KeyState::Passphrase
    );

    let again = unlock(&db, Some(&phrase("otter kettle lamp"))).unwrap();
    assert_eq!(again.as_bytes(), key.as_bytes());
    assert!(Store::open(&db, &again).is_ok());

    let before = std::fs::read(&db).unwrap();
    let wrong = unlock(&db, Some(&phrase("otter kettle lump"))).unwrap();
    let Err(error) = Store::open(&db, &wrong) else {
        panic!("a wrong passphrase opened the database")
    };
    assert_eq!(error.code(), "wrong_key");
    assert_eq!(std::fs::read(&db).unwrap(), before);

    let Err(error) = unlock(&db, None) else {
        panic!("opened without the passphrase")
    };
    assert_eq!(error.code(), "passphrase_needed");
    // The key file says how, never what: no key bytes in it.
    let info = std::fs::read_to_string(Vault::for_database(&db).key_file()).unwrap();
    let hex: String = key.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
    assert!(!info.to_lowercase().contains(&hex), "{info}");
    assert!(info.contains("argon2id"), "{info}");
}

#[test]
fn a_short_passphrase_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mixwell.sqlite");
    let Err(error) = unlock(&db, Some(&phrase("kettle"))) else {
        panic!("took a six-letter passphrase")
    };
    assert_eq!(error.code(), "invalid_request");
    assert!(
        error.to_string().contains("at least 10 characters"),
        "{error}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn an_encrypted_database_without_its_key_file_is_refused_as_key_missing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mixwell.sqlite");
    let key = unlock(&db, Some(&phrase("otter kettle lamp"))).unwrap();
    drop(Store::open(&db, &key).unwrap());
    let vault = Vault::for_database(&db);
    std::fs::remove_file(vault.key_file()).unwrap();
    let Err(error) = unlock(&db, Some(&phrase("otter kettle lamp"))) else {
        panic!("made a new key for an encrypted database")
    };
    assert_eq!(error.code(), "key_missing");
    assert!(
        error.to_string().contains("mixwell.sqlite.keyinfo"),
        "{error}"
    );
    assert!(!vault.key_file().exists(), "no new key file is made");
}

#[test]
fn a_broken_key_file_is_refused_with_where_it_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mixwell.sqlite");
    let vault = Vault::for_database(&db);
    std::fs::write(
        vault.key_file(),
        "{\n  \"keeper\": \"keychain\",\n  \"id\": 7\n}\n",
    )
    .unwrap();
    let Err(error) = unlock(&db, None) else {
        panic!("read a broken key file")
    };
    assert_eq!(error.code(), "corrupt_data");
    assert!(error.to_string().contains("line 3"), "{error}");
}

#[test]
fn a_plain_database_given_a_passphrase_is_encrypted_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mixwell.sqlite");
    let plain = rusqlite::Connection::open(&db).unwrap();
    plain
        .execute_batch("CREATE TABLE note (text TEXT); INSERT INTO note VALUES ('Zebedee');")
        .unwrap();
    drop(plain);
    assert_eq!(
        Vault::for_database(&db).state().unwrap(),
        KeyState::NoKeyYet
    );
    let key = unlock(&db, Some(&phrase("otter kettle lamp"))).unwrap();
    drop(Store::open(&db, &key).unwrap());
    let bytes = std::fs::read(&db).unwrap();
    assert!(!bytes.windows(7).any(|w| w == b"Zebedee"));
    let conn = mixwell_store::raw_connection(&db, &key).unwrap();
    let kept: String = conn
        .query_row("SELECT text FROM note", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, "Zebedee");
}
