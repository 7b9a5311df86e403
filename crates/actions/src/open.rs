//! Opening the laptop database: its key found (or made) by the vault, then the store.

use std::path::Path;

use mixwell_store::{DatabaseKey, Store};
use mixwell_vault::Passphrase;

use crate::ActionResult;

/// The open database and the key it opened with (for a second connection, such as the
/// app's background sync).
pub struct Opened {
    pub store: Store,
    pub key: DatabaseKey,
}

/// Opens the database at `path`: the key from the keychain, or stretched from
/// `passphrase`; a new or plain database gets a key first (see [`mixwell_vault::unlock`]).
/// A passphrase that does not fit is refused as `wrong_key` and changes nothing.
pub fn open_store(path: &Path, passphrase: Option<&Passphrase>) -> ActionResult<Opened> {
    let key = mixwell_vault::unlock(path, passphrase)?;
    let store = Store::open(path, &key)?;
    Ok(Opened { store, key })
}
