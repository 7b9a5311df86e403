//! The operating system's keychain, through the `keyring` crate's platform stores.

use mixwell_store::DatabaseKey;
use zeroize::Zeroizing;

const SERVICE: &str = "Mixwell";

#[derive(Debug, thiserror::Error)]
pub enum KeychainError {
    /// No keychain can be reached (no desktop session, no Secret Service), or it is locked
    /// and would not open.
    #[error("this computer's keychain cannot be reached ({detail})")]
    Unavailable { detail: String },
    #[error("this computer's keychain holds no key for this database (entry {entry:?}); it may have been removed, or the database was copied here from another computer")]
    NoEntry { entry: String },
    #[error("the keychain's entry {entry:?} is not a Mixwell key")]
    NotAKey { entry: String },
    #[error("the keychain refused: {detail}")]
    Refused { detail: String },
}

fn entry_name(id: uuid::Uuid) -> String {
    format!("database {id}")
}

fn entry(id: uuid::Uuid) -> Result<keyring::Entry, KeychainError> {
    keyring::Entry::new(SERVICE, &entry_name(id)).map_err(|e| classify(e, id))
}

pub(crate) fn read(id: uuid::Uuid) -> Result<DatabaseKey, KeychainError> {
    let secret = Zeroizing::new(entry(id)?.get_secret().map_err(|e| classify(e, id))?);
    let bytes: [u8; 32] = secret
        .as_slice()
        .try_into()
        .map_err(|_| KeychainError::NotAKey {
            entry: entry_name(id),
        })?;
    Ok(DatabaseKey::from_bytes(bytes))
}

/// Stores the key and reads it back, so a keychain that accepts a secret and keeps
/// nothing is found out before a database is encrypted under a key that is then lost.
pub(crate) fn store(id: uuid::Uuid, key: &DatabaseKey) -> Result<(), KeychainError> {
    entry(id)?
        .set_secret(key.as_bytes())
        .map_err(|e| classify(e, id))?;
    let back = read(id)?;
    if back.as_bytes() != key.as_bytes() {
        return Err(KeychainError::Refused {
            detail: "it did not give back the key it was given".into(),
        });
    }
    Ok(())
}

fn classify(error: keyring::Error, id: uuid::Uuid) -> KeychainError {
    match error {
        keyring::Error::NoEntry => KeychainError::NoEntry {
            entry: entry_name(id),
        },
        keyring::Error::NoStorageAccess(e) => KeychainError::Unavailable {
            detail: e.to_string(),
        },
        keyring::Error::PlatformFailure(e) => KeychainError::Unavailable {
            detail: e.to_string(),
        },
        keyring::Error::BadEncoding(_) => KeychainError::NotAKey {
            entry: entry_name(id),
        },
        other => KeychainError::Refused {
            detail: other.to_string(),
        },
    }
}
