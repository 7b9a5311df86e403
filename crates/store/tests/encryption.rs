//! Encryption at rest: what is on disk, a key that does not fit, and a database from
//! before encryption turned into an encrypted one.

mod common;

use common::*;
use mixwell_store::{raw_connection, DatabaseFile, DatabaseKey, Store};

const NAME: &str = "Zebedee";

fn with_a_known_name(store: &mut Store) {
    let wave = wave(store);
    let roster = format!(
        "{HEADER}Z1,{NAME},Quartermaine,2010-03-04,Male,White British,Christian,Hope Valley College,S33 6RB,No,,\n"
    );
    store
        .import_roster(
            wave.id,
            mixwell_roster::parse(roster.as_bytes()),
            &mut |_, _| {},
        )
        .unwrap();
}

fn the_name(store: &Store) -> String {
    let programme = store.programmes(false).unwrap().remove(0);
    let wave = store.waves(programme.id, false).unwrap().remove(0);
    store.participants(wave.wave.id).unwrap()[0]
        .record
        .first_name
        .clone()
}

fn files_beside(path: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn no_file_the_database_writes_holds_a_known_name_in_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixwell.sqlite");
    let mut store = Store::open(&path, &key()).unwrap();
    with_a_known_name(&mut store);
    // While the store is open the newest pages are in the write-ahead log: check it too.
    let files = files_beside(&path);
    assert!(files.len() >= 2, "{files:?}");
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(
            !contains(&bytes, NAME.as_bytes()),
            "{} holds the name",
            file.display()
        );
        assert!(
            !contains(&bytes, b"SQLite format 3"),
            "{} is plain",
            file.display()
        );
    }
    drop(store);
    assert_eq!(DatabaseFile::at(&path).unwrap(), DatabaseFile::Encrypted);
    let bytes = std::fs::read(&path).unwrap();
    assert!(!contains(&bytes, NAME.as_bytes()));
    // The name is there for the right key.
    let store = Store::open(&path, &key()).unwrap();
    assert_eq!(the_name(&store), NAME);
}

#[test]
fn a_wrong_key_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixwell.sqlite");
    let mut store = Store::open(&path, &key()).unwrap();
    with_a_known_name(&mut store);
    drop(store);
    let before = std::fs::read(&path).unwrap();
    let wrong = DatabaseKey::from_bytes([8; 32]);
    let Err(error) = Store::open(&path, &wrong) else {
        panic!("opened with the wrong key")
    };
    assert_eq!(error.code(), "wrong_key");
    assert!(error.to_string().contains("nothing was changed"), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(Store::open(&path, &key()).is_ok());
}

/// A plain copy of a database of the current schema, as a Mixwell from before
/// encryption at rest left it.
fn plain_copy(encrypted: &std::path::Path, plain: &std::path::Path) {
    let conn = raw_connection(encrypted, &key()).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    conn.execute(
        "ATTACH DATABASE ?1 AS plaintext KEY ''",
        [plain.to_string_lossy()],
    )
    .unwrap();
    conn.query_row("SELECT sqlcipher_export('plaintext')", [], |_| Ok(()))
        .unwrap();
    conn.pragma_update(Some("plaintext"), "user_version", version)
        .unwrap();
    conn.execute_batch("DETACH DATABASE plaintext").unwrap();
    assert_eq!(DatabaseFile::at(plain).unwrap(), DatabaseFile::Plain);
}

/// A plain database holding [`NAME`], as a Mixwell before encryption left it, with the
/// changes its outbox holds.
fn a_plain_database_with_a_known_name() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    Vec<mixwell_domain::Change>,
) {
    let source = tempfile::tempdir().unwrap();
    let original = source.path().join("original.sqlite");
    let mut store = Store::open(&original, &key()).unwrap();
    with_a_known_name(&mut store);
    let changes = store.pending_changes().unwrap();
    drop(store);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixwell.sqlite");
    plain_copy(&original, &path);
    (dir, path, changes)
}

#[test]
fn a_plain_database_is_encrypted_on_first_open_with_its_data_and_its_backups() {
    let (dir, path, changes) = a_plain_database_with_a_known_name();
    let old_backup = dir.path().join("mixwell.sqlite.before-schema-9.1.bak");
    std::fs::copy(&path, &old_backup).unwrap();
    assert!(contains(&std::fs::read(&path).unwrap(), NAME.as_bytes()));

    let store = Store::open(&path, &key()).unwrap();
    assert_eq!(store.pending_changes().unwrap(), changes, "everything kept");
    assert_eq!(the_name(&store), NAME);
    drop(store);

    let files = files_beside(&path);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("mixwell.sqlite.before-encryption.")),
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n.ends_with(".encrypting")),
        "{names:?}"
    );
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(
            !contains(&bytes, NAME.as_bytes()),
            "{} holds the name",
            file.display()
        );
        if file.extension().is_some_and(|e| e == "bak") {
            let conn = raw_connection(file, &key()).unwrap();
            let first: String = conn
                .query_row("SELECT first_name FROM participant", [], |r| r.get(0))
                .unwrap();
            assert_eq!(first, NAME, "{} keeps the data", file.display());
        }
    }
}

#[test]
fn a_plain_database_that_cannot_be_read_whole_is_left_as_it_was() {
    let (_dir, path, _) = a_plain_database_with_a_known_name();
    // Damage every page after the schema's, keeping the header readable.
    let mut bytes = std::fs::read(&path).unwrap();
    let page = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    for byte in &mut bytes[page..] {
        *byte = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();

    assert!(Store::open(&path, &key()).is_err());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the plain file is untouched"
    );
    let names: Vec<_> = files_beside(&path)
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["mixwell.sqlite"]);
}
