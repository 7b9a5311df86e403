//! Opening the database file: pragmas, the device identity, forward-only migrations.

use std::path::{Path, PathBuf};

use mixwell_domain::{Hlc, Id};
use rusqlite::{Connection, OptionalExtension};

use crate::clock::Clock;
use crate::error::{StoreError, StoreResult};
use crate::key::{DatabaseFile, DatabaseKey};

/// Migrations in order; the schema version is the number applied. Never edit one that has
/// shipped: add the next.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_initial",
        include_str!("../../../migrations/local/0001_initial.sql"),
    ),
    (
        "0002_team_sets",
        include_str!("../../../migrations/local/0002_team_sets.sql"),
    ),
    (
        "0003_rota",
        include_str!("../../../migrations/local/0003_rota.sql"),
    ),
    (
        "0004_hours",
        include_str!("../../../migrations/local/0004_hours.sql"),
    ),
    (
        "0005_ledger_hlc",
        include_str!("../../../migrations/local/0005_ledger_hlc.sql"),
    ),
    (
        "0006_outbox_sequence",
        include_str!("../../../migrations/local/0006_outbox_sequence.sql"),
    ),
    (
        "0007_replica",
        include_str!("../../../migrations/local/0007_replica.sql"),
    ),
    (
        "0008_sync_link",
        include_str!("../../../migrations/local/0008_sync_link.sql"),
    ),
    (
        "0009_pull_mark",
        include_str!("../../../migrations/local/0009_pull_mark.sql"),
    ),
    (
        "0010_certificates",
        include_str!("../../../migrations/local/0010_certificates.sql"),
    ),
    (
        "0011_issuing_keys",
        include_str!("../../../migrations/local/0011_issuing_keys.sql"),
    ),
    (
        "0012_audit",
        include_str!("../../../migrations/local/0012_audit.sql"),
    ),
    (
        "0013_replica_indexes",
        include_str!("../../../migrations/local/0013_replica_indexes.sql"),
    ),
    (
        "0014_staff_accounts",
        include_str!("../../../migrations/local/0014_staff_accounts.sql"),
    ),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Where the app keeps its database: `$XDG_DATA_HOME/mixwell/mixwell.sqlite` on Linux, the
/// platform's data folder elsewhere. The desktop app and the CLI share it.
pub fn default_database_path() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(platform_data_dir)
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("mixwell").join("mixwell.sqlite")
}

fn platform_data_dir() -> Option<PathBuf> {
    if cfg!(windows) {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Application Support"))
    } else {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share"))
    }
}

pub fn open(path: &Path, key: &DatabaseKey, clock: &dyn Clock) -> StoreResult<Connection> {
    open_with(path, key, clock, MIGRATIONS)
}

fn open_with(
    path: &Path,
    key: &DatabaseKey,
    clock: &dyn Clock,
    migrations: &[(&str, &str)],
) -> StoreResult<Connection> {
    let latest = migrations.len() as i64;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let file = DatabaseFile::at(path)?;
    if file == DatabaseFile::Plain {
        crate::encrypt::encrypt_in_place(path, key, clock)?;
    }
    let existed = file != DatabaseFile::Missing;
    let mut conn = keyed(path, key)?;
    // WAL keeps readers going while the app writes and survives a killed process;
    // FULL sync makes an acknowledged write survive a power cut too.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Savepoints (every write inside an action) keep their rollback data in memory.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Every page read past the cache is decrypted and its HMAC checked: a cache that holds
    // a laptop's working set (64 MiB at most, taken only as pages are read) keeps that rare.
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;

    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > latest {
        return Err(StoreError::NewerDatabase {
            found: version,
            supported: latest,
        });
    }
    if version < latest {
        if existed && version > 0 {
            backup(&conn, path, version, clock)?;
        }
        migrate(&mut conn, version, migrations)?;
    }
    ensure_device(&conn)?;
    Ok(conn)
}

/// A connection to the encrypted database at `path`, refused with [`StoreError::WrongKey`]
/// unless `key` opens it. Nothing is written to the file before the key is known to fit.
pub(crate) fn keyed(path: &Path, key: &DatabaseKey) -> StoreResult<Connection> {
    let conn = open_connection(path)?;
    // SQLCipher would print every refused key to stderr; the refusal is reported instead.
    conn.pragma_update(None, "cipher_log_level", "NONE")?;
    conn.pragma_update(None, "key", &*key.sqlcipher_literal())?;
    // SQLCipher only tries the key when the first page is read.
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(conn),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
            Err(StoreError::WrongKey {
                path: path.display().to_string(),
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// Every connection to a database file, plain or encrypted, is made here.
pub(crate) fn open_connection(path: &Path) -> StoreResult<Connection> {
    sqlcipher_ready();
    Ok(Connection::open(path)?)
}

/// SQLite marks itself initialised before SQLCipher's own start-up (run after SQLite's, and
/// outside its lock) has finished, so a thread that opens a database while another makes
/// the process's first connection was refused its key. The first connection of the process
/// waits here, once, until SQLCipher takes a key; the rest go straight on.
fn sqlcipher_ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        // SQLCipher's start-up takes well under a millisecond; a broken build never gets
        // there, and then the open that follows reports the real error.
        for _ in 0..1000 {
            if takes_a_key().is_ok() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    });
}

fn takes_a_key() -> rusqlite::Result<()> {
    let conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "cipher_log_level", "NONE")?;
    // A raw key, so no key derivation is run for the probe.
    conn.pragma_update(None, "key", format!("x'{}'", "00".repeat(32)))?;
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
}

/// A copy of the database as it was before migrating, beside it.
fn backup(conn: &Connection, path: &Path, version: i64, clock: &dyn Clock) -> StoreResult<PathBuf> {
    let name = format!(
        "{}.before-schema-{}.{}.bak",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("mixwell.sqlite"),
        version + 1,
        clock.now_ms()
    );
    let target = path.with_file_name(name);
    conn.execute("VACUUM INTO ?1", [target.to_string_lossy()])?;
    Ok(target)
}

fn migrate(conn: &mut Connection, from: i64, migrations: &[(&str, &str)]) -> StoreResult<()> {
    for (index, (_name, sql)) in migrations.iter().enumerate().skip(from as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

fn ensure_device(conn: &Connection) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO device (singleton, device_id, hlc_wall, hlc_counter)
         VALUES (1, ?1, 0, 0) ON CONFLICT (singleton) DO NOTHING",
        [Id::now_v7().to_string()],
    )?;
    Ok(())
}

pub fn device_id(conn: &Connection) -> StoreResult<Id> {
    let text: String = conn.query_row("SELECT device_id FROM device", [], |r| r.get(0))?;
    parse_id(&text)
}

pub fn last_stamp(conn: &Connection, device: Id) -> StoreResult<Hlc> {
    let (wall, counter): (i64, i64) = conn
        .query_row("SELECT hlc_wall, hlc_counter FROM device", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .unwrap_or((0, 0));
    Ok(Hlc {
        wall_ms: u64::try_from(wall).unwrap_or(0),
        counter: u32::try_from(counter).unwrap_or(0),
        device,
    })
}

pub fn parse_id(text: &str) -> StoreResult<Id> {
    Id::parse_str(text).map_err(|_| StoreError::Corrupt {
        what: "row id",
        detail: format!("{text:?} is not an id"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DatabaseKey {
        DatabaseKey::from_bytes([7; 32])
    }

    struct FixedClock;
    impl Clock for FixedClock {
        fn now_ms(&self) -> u64 {
            42
        }
    }

    const NEXT: &str = "ALTER TABLE organisation ADD COLUMN motto TEXT NOT NULL DEFAULT '';";

    #[test]
    fn migrating_from_the_previous_schema_keeps_the_data_and_leaves_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite");
        {
            let conn = open_with(&path, &key(), &FixedClock, MIGRATIONS).unwrap();
            conn.execute(
                "INSERT INTO organisation (id, name) VALUES ('o1', 'Trust')",
                [],
            )
            .unwrap();
        }
        let mut next = MIGRATIONS.to_vec();
        next.push(("9999_motto", NEXT));
        let conn = open_with(&path, &key(), &FixedClock, &next).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, next.len() as i64);
        let row: (String, String) = conn
            .query_row("SELECT name, motto FROM organisation", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(row, ("Trust".to_owned(), String::new()));

        let backup = dir
            .path()
            .join(format!("m.sqlite.before-schema-{}.42.bak", next.len()));
        assert_eq!(DatabaseFile::at(&backup).unwrap(), DatabaseFile::Encrypted);
        let old = keyed(&backup, &key()).unwrap();
        let old_version: i64 = old
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(old_version, SCHEMA_VERSION);
        let name: String = old
            .query_row("SELECT name FROM organisation", [], |r| r.get(0))
            .unwrap();
        assert_eq!(name, "Trust");
    }

    #[test]
    fn a_failing_migration_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite");
        drop(open_with(&path, &key(), &FixedClock, MIGRATIONS).unwrap());
        let mut next = MIGRATIONS.to_vec();
        next.push((
            "9999_broken",
            "ALTER TABLE organisation ADD COLUMN x TEXT; SELECT * FROM no_such_table;",
        ));
        assert!(open_with(&path, &key(), &FixedClock, &next).is_err());
        let conn = open_with(&path, &key(), &FixedClock, MIGRATIONS).unwrap();
        let columns: i64 = conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info('organisation')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(columns, 2);
    }

    /// The real step from the first shipped schema to the current one, on a database
    /// holding a wave and a participant.
    #[test]
    fn a_first_schema_database_gains_team_sets_and_keeps_its_participants() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite");
        {
            let conn = open_with(&path, &key(), &FixedClock, &MIGRATIONS[..1]).unwrap();
            conn.execute_batch(
                "INSERT INTO organisation (id, name) VALUES ('o1', 'Trust');
                 INSERT INTO programme (id, organisation_id, name) VALUES ('p1', 'o1', 'NCS');
                 INSERT INTO wave (id, programme_id, name) VALUES ('w1', 'p1', 'Wave 1');
                 INSERT INTO participant (id, wave_id, external_id, first_name) VALUES ('x1', 'w1', 'A1', 'Ann');",
            )
            .unwrap();
        }
        let conn = open_with(&path, &key(), &FixedClock, MIGRATIONS).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        conn.execute(
            "INSERT INTO team_set (id, wave_id, name, saved_ms) VALUES ('t1', 'w1', 'Day 1', 0)",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO team_member (team_set_id, participant_id, team) VALUES ('t1', 'x1', 0)",
            [],
        )
        .unwrap();
        let name: String = conn
            .query_row("SELECT first_name FROM participant", [], |r| r.get(0))
            .unwrap();
        assert_eq!(name, "Ann");
        assert!(dir.path().join("m.sqlite.before-schema-2.42.bak").exists());
    }

    /// Programmes made before rotas and hours existed get the default roles, sessions and
    /// milestones, through the outbox, when the database is next opened.
    #[test]
    fn a_second_schema_programme_gains_the_default_roles_sessions_and_milestones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite");
        let programme = Id::now_v7();
        {
            let conn = open_with(&path, &key(), &FixedClock, &MIGRATIONS[..2]).unwrap();
            conn.execute_batch(&format!(
                "INSERT INTO organisation (id, name) VALUES ('{org}', 'Trust');
                 INSERT INTO programme (id, organisation_id, name) VALUES ('{programme}', '{org}', 'NCS');",
                org = Id::now_v7()
            ))
            .unwrap();
        }
        let store = crate::Store::open(&path, &key()).unwrap();
        let roles = store.roles(programme).unwrap();
        assert_eq!(roles.len(), mixwell_domain::programme::DEFAULT_ROLES.len());
        assert!(roles[0].leading);
        assert_eq!(store.sessions(programme).unwrap().len(), 8);
        assert_eq!(store.milestones(programme).unwrap().len(), 2);
        // The organisation and the programme as they were, then what was added.
        assert_eq!(store.pending_change_count().unwrap(), 2 + 15);
        drop(store);
        let again = crate::Store::open(&path, &key()).unwrap();
        assert_eq!(again.roles(programme).unwrap().len(), 5, "added once");
    }

    /// Hours logged before the ledger kept its stamps get the stamp their outbox entry
    /// carries (or, without one, one made from their wall-clock time), and stay
    /// append-only afterwards.
    #[test]
    fn a_fourth_schema_ledger_gains_the_stamps_its_outbox_entries_carry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite");
        let device = "0190f0f0-0000-7000-8000-000000000001";
        let stamped = "001700000000000-0000000003-0190f0f0000070008000000000000001";
        {
            let conn = open_with(&path, &key(), &FixedClock, &MIGRATIONS[..4]).unwrap();
            conn.execute_batch(&format!(
                "INSERT INTO organisation (id, name) VALUES ('o1', 'Trust');
                 INSERT INTO programme (id, organisation_id, name) VALUES ('p1', 'o1', 'HeadStart');
                 INSERT INTO wave (id, programme_id, name) VALUES ('w1', 'p1', 'Sheffield');
                 INSERT INTO participant (id, wave_id, external_id, first_name) VALUES ('x1', 'w1', 'H1', 'Ann');
                 INSERT INTO volunteering_organisation (id, name) VALUES ('v1', 'Food Bank');
                 INSERT INTO hour_entry (id, kind, participant_id, organisation_id, date, minutes,
                     logged_by, device_id, logged_at)
                 VALUES ('e1', 'original', 'x1', 'v1', '2027-07-10', 60, 'Sam', '{device}',
                     '2027-07-10T12:00:00.000Z'),
                        ('e2', 'original', 'x1', 'v1', '2027-07-11', 30, 'Sam', '{device}',
                     '2027-07-11T12:00:00.000Z');
                 INSERT INTO hour_verification (id, entry_id, participant_id, decision, method,
                     by_name, device_id, at)
                 VALUES ('d1', 'e1', 'x1', 'verified', 'coordinator', 'Priya', '{device}',
                     '2027-07-12T09:00:00.000Z');
                 INSERT INTO outbox (id, hlc, device_id, entity, entity_id, op, payload)
                 VALUES ('m1', '{stamped}', '{device}', 'hour_entry', 'e1', 'upsert', '{{}}'),
                        ('m2', 'z-decision', '{device}', 'hour_verification', 'd1', 'upsert', '{{}}');"
            ))
            .unwrap();
        }
        let conn = open_with(&path, &key(), &FixedClock, &MIGRATIONS[..6]).unwrap();
        let hlc = |table: &str, id: &str| -> String {
            conn.query_row(
                &format!("SELECT hlc FROM {table} WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert_eq!(hlc("hour_entry", "e1"), stamped);
        assert_eq!(hlc("hour_verification", "d1"), "z-decision");
        // 2027-07-11T12:00:00Z is 1,815,307,200,000 ms after the epoch.
        assert_eq!(
            hlc("hour_entry", "e2"),
            "001815307200000-0000000000-0190f0f0000070008000000000000001"
        );
        // Changes written before the sequence shipped are numbered in the order written.
        let seqs: Vec<(String, i64)> = conn
            .prepare("SELECT id, device_seq FROM outbox ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(seqs, vec![("m1".to_owned(), 1), ("m2".to_owned(), 2)]);
        let refused = conn.execute("UPDATE hour_entry SET minutes = 90 WHERE id = 'e1'", []);
        assert!(refused.is_err(), "the ledger must stay append-only");
        let refused = conn.execute("UPDATE hour_verification SET by_name = 'X'", []);
        assert!(refused.is_err(), "decisions must stay append-only");
    }

    /// A database from before changes could travel enters the outbox as it stands: one
    /// insert per row, parents first, the ledger under its own stamps.
    #[test]
    fn a_sixth_schema_database_enters_the_outbox_as_inserts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite");
        let [org, programme, wave, person, place, entry] =
            std::array::from_fn(|i| Id::from_u128(i as u128 + 1).to_string());
        let stamped = "001700000000000-0000000003-0190f0f0000070008000000000000001";
        {
            let conn = open_with(&path, &key(), &FixedClock, &MIGRATIONS[..6]).unwrap();
            conn.execute_batch(&format!(
                "INSERT INTO organisation (id, name) VALUES ('{org}', 'Trust');
                 INSERT INTO programme (id, organisation_id, name) VALUES ('{programme}', '{org}', 'HeadStart');
                 INSERT INTO wave (id, programme_id, name) VALUES ('{wave}', '{programme}', 'Sheffield');
                 INSERT INTO participant (id, wave_id, external_id, first_name) VALUES ('{person}', '{wave}', 'H1', 'Ann');
                 INSERT INTO volunteering_organisation (id, name) VALUES ('{place}', 'Food Bank');
                 INSERT INTO hour_entry (id, kind, participant_id, organisation_id, date, minutes,
                     logged_by, device_id, logged_at, hlc)
                 VALUES ('{entry}', 'original', '{person}', '{place}', '2027-07-10', 60, 'Sam',
                     '{org}', '2027-07-10T12:00:00.000Z', '{stamped}');"
            ))
            .unwrap();
        }
        let store = crate::Store::open(&path, &key()).unwrap();
        let changes = store.pending_changes().unwrap();
        let shipped: Vec<(&str, &str)> = changes
            .iter()
            .filter(|c| !c.entity.as_str().starts_with("programme_"))
            .map(|c| (c.entity.as_str(), c.entity_id.as_str()))
            .collect();
        assert_eq!(
            shipped,
            [
                ("organisation", org.as_str()),
                ("programme", &programme),
                ("wave", &wave),
                ("participant", &person),
                ("volunteering_organisation", &place),
                ("hour_entry", &entry),
            ]
        );
        assert!(changes
            .iter()
            .all(|c| c.op == mixwell_domain::ChangeOp::Insert));
        let entry_change = changes.iter().find(|c| c.entity_id == entry).unwrap();
        assert_eq!(entry_change.hlc, stamped);
        assert_eq!(changes[3].fields["first_name"], "Ann");
        assert_eq!(
            changes.iter().map(|c| c.device_seq).collect::<Vec<_>>(),
            (1..=changes.len() as u64).collect::<Vec<_>>()
        );
        drop(store);
        let again = crate::Store::open(&path, &key()).unwrap();
        assert_eq!(again.pending_changes().unwrap(), changes, "entered once");
    }
}
