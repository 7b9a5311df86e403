//! The key a laptop database is encrypted under, and telling a plain file from an
//! encrypted one before anything is read from it.

use std::io::Read;
use std::path::Path;

use zeroize::Zeroizing;

/// A random 256-bit key. SQLCipher uses it as it is (a raw key: no key derivation inside
/// SQLCipher), so where it comes from, the keychain or a passphrase stretched with
/// Argon2id, is decided outside the store. The bytes are wiped when it is dropped and are
/// never printed.
#[derive(Clone)]
pub struct DatabaseKey(Zeroizing<[u8; 32]>);

impl DatabaseKey {
    pub fn from_bytes(bytes: [u8; 32]) -> DatabaseKey {
        DatabaseKey(Zeroizing::new(bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The key as SQLCipher's `PRAGMA key` and `ATTACH … KEY` take a raw key: `x'…'`.
    pub(crate) fn sqlcipher_literal(&self) -> Zeroizing<String> {
        let mut text = Zeroizing::new(String::with_capacity(67));
        text.push_str("x'");
        for byte in self.0.iter() {
            text.push(char::from(HEX[usize::from(byte >> 4)]));
            text.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        text.push('\'');
        text
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

impl std::fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseKey(redacted)")
    }
}

/// What is at a database's path, judged by its first bytes only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseFile {
    /// No file, or an empty one: a new database.
    Missing,
    /// An unencrypted SQLite file (from a Mixwell before encryption at rest).
    Plain,
    /// Anything else: an encrypted database, or a file that is not a database at all
    /// (only the key can tell which).
    Encrypted,
}

/// Every SQLite file starts with these 16 bytes; an SQLCipher file starts with its salt.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

impl DatabaseFile {
    pub fn at(path: &Path) -> std::io::Result<DatabaseFile> {
        let mut file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(DatabaseFile::Missing),
            Err(e) => return Err(e),
        };
        let mut head = Vec::with_capacity(16);
        file.by_ref().take(16).read_to_end(&mut head)?;
        Ok(if head.is_empty() {
            DatabaseFile::Missing
        } else if head == SQLITE_HEADER {
            DatabaseFile::Plain
        } else {
            DatabaseFile::Encrypted
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_written_as_sqlciphers_raw_key_and_never_printed() {
        let key = DatabaseKey::from_bytes(std::array::from_fn(|i| i as u8 * 8));
        let literal = key.sqlcipher_literal();
        assert_eq!(literal.len(), 67);
        assert!(literal.starts_with("x'0008101820"));
        assert!(literal.ends_with("F0F8'"));
        assert_eq!(format!("{key:?}"), "DatabaseKey(redacted)");
    }
}
