//! Turning a database from before encryption at rest into an encrypted one, without ever
//! being left with neither.
//!
//! The plain file is exported into a new encrypted file beside it, the copy is checked
//! row for row against the original, an encrypted backup is kept, and only then does the
//! encrypted file take the plain one's place (a rename, so a crash at any point leaves
//! either the plain database or the verified encrypted one). Plain backups that earlier
//! migrations left beside the database are encrypted the same way.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use rusqlite::{types::Value, Connection};

use crate::clock::Clock;
use crate::db::keyed;
use crate::error::{StoreError, StoreResult};
use crate::key::{DatabaseFile, DatabaseKey};

pub(crate) fn encrypt_in_place(
    path: &Path,
    key: &DatabaseKey,
    clock: &dyn Clock,
) -> StoreResult<()> {
    let staging = with_suffix(path, ".encrypting");
    export_verified(path, &staging, key)?;
    let backup = with_suffix(path, &format!(".before-encryption.{}.bak", clock.now_ms()));
    std::fs::copy(&staging, &backup)?;
    std::fs::File::open(&backup)?.sync_all()?;
    std::fs::rename(&staging, path)?;
    sync_folder(path);
    for old in plain_backups_beside(path)? {
        let staging = with_suffix(&old, ".encrypting");
        export_verified(&old, &staging, key)?;
        std::fs::rename(&staging, &old)?;
    }
    sync_folder(path);
    Ok(())
}

/// Writes an encrypted copy of the plain database `plain` to `target` and checks that it
/// opens with `key` and holds exactly the same rows. A failed copy is removed.
fn export_verified(plain: &Path, target: &Path, key: &DatabaseKey) -> StoreResult<()> {
    remove_if_present(target)?;
    let outcome = export(plain, target, key);
    if outcome.is_err() {
        let _ = remove_if_present(target);
    }
    outcome
}

fn export(plain: &Path, target: &Path, key: &DatabaseKey) -> StoreResult<()> {
    let conn = crate::db::open_connection(plain)?;
    let not_a_database = |e: rusqlite::Error| StoreError::NotADatabase {
        path: plain.display().to_string(),
        detail: e.to_string(),
    };
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(not_a_database)?;
    // Everything the app wrote goes into the main file first, so the export holds it.
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
    conn.execute(
        "ATTACH DATABASE ?1 AS encrypted KEY ?2",
        rusqlite::params![target.to_string_lossy(), &*key.sqlcipher_literal()],
    )?;
    conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
    conn.pragma_update(Some("encrypted"), "user_version", version)?;
    conn.execute_batch("DETACH DATABASE encrypted")?;
    let copy = keyed(target, key)?;
    check_same(&conn, &copy, version)?;
    drop(copy);
    std::fs::File::open(target)?.sync_all()?;
    Ok(())
}

/// The copy holds the same schema version and, table by table, the same rows (as a
/// multiset, since a copy need not keep rowids of tables without an integer key).
fn check_same(original: &Connection, copy: &Connection, version: i64) -> StoreResult<()> {
    let differs = |what: String| StoreError::Corrupt {
        what: "encrypted copy",
        detail: format!("{what}; the plain database was left as it was"),
    };
    let integrity: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if integrity != "ok" {
        return Err(differs(format!("integrity check: {integrity}")));
    }
    let copied: i64 = copy.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if copied != version {
        return Err(differs(format!("schema {copied} instead of {version}")));
    }
    let tables: Vec<String> = original
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for table in tables {
        if row_digests(original, &table)? != row_digests(copy, &table)? {
            return Err(differs(format!("table {table} differs")));
        }
    }
    Ok(())
}

fn row_digests(conn: &Connection, table: &str) -> StoreResult<Vec<u64>> {
    let mut statement = conn.prepare(&format!("SELECT * FROM \"{table}\""))?;
    let columns = statement.column_count();
    let mut rows = statement.query([])?;
    let mut digests = Vec::new();
    while let Some(row) = rows.next()? {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for column in 0..columns {
            match row.get::<_, Value>(column)? {
                Value::Null => 0u8.hash(&mut hasher),
                Value::Integer(n) => (1u8, n).hash(&mut hasher),
                Value::Real(x) => (2u8, x.to_bits()).hash(&mut hasher),
                Value::Text(t) => (3u8, t).hash(&mut hasher),
                Value::Blob(b) => (4u8, b).hash(&mut hasher),
            }
        }
        digests.push(hasher.finish());
    }
    digests.sort_unstable();
    Ok(digests)
}

/// Backups an earlier migration left beside the database (`NAME.before-schema-N.T.bak`)
/// that are still plain.
fn plain_backups_beside(path: &Path) -> StoreResult<Vec<PathBuf>> {
    let (Some(folder), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str()))
    else {
        return Ok(Vec::new());
    };
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let prefix = format!("{name}.before-");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        if file_name.starts_with(&prefix)
            && file_name.ends_with(".bak")
            && DatabaseFile::at(&entry.path())? == DatabaseFile::Plain
        {
            found.push(entry.path());
        }
    }
    found.sort();
    Ok(found)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// A rename is only durable once the folder holding it is written out (POSIX); elsewhere
/// opening a folder fails and the platform keeps renames itself.
fn sync_folder(path: &Path) {
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(dir) = std::fs::File::open(folder) {
            let _ = dir.sync_all();
        }
    }
}
