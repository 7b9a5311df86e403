//! The key file beside a database: how its key is kept, never the key.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::passphrase::Stretching;
use crate::{VaultError, VaultResult};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyInfo {
    /// In the keychain, under `Mixwell` / `database ID`.
    Keychain { id: uuid::Uuid },
    /// Stretched from a passphrase.
    Passphrase { stretching: Stretching },
}

/// The file as written: one flat object, read field by field so that a mistake is
/// reported at its line and column.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    keeper: Keeper,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<uuid::Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stretching: Option<Stretching>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Keeper {
    Keychain,
    Passphrase,
}

impl From<&KeyInfo> for KeyFile {
    fn from(info: &KeyInfo) -> KeyFile {
        match info {
            KeyInfo::Keychain { id } => KeyFile {
                keeper: Keeper::Keychain,
                id: Some(*id),
                stretching: None,
            },
            KeyInfo::Passphrase { stretching } => KeyFile {
                keeper: Keeper::Passphrase,
                id: None,
                stretching: Some(stretching.clone()),
            },
        }
    }
}

/// The file's contents, or `None` when there is none.
pub(crate) fn read(path: &Path) -> VaultResult<Option<KeyInfo>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(VaultError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let unreadable = |line, column, detail: String| VaultError::KeyFileUnreadable {
        path: path.to_path_buf(),
        line,
        column,
        detail,
    };
    let file: KeyFile =
        serde_json::from_str(&text).map_err(|e| unreadable(e.line(), e.column(), e.to_string()))?;
    match file {
        KeyFile {
            keeper: Keeper::Keychain,
            id: Some(id),
            stretching: None,
        } => Ok(Some(KeyInfo::Keychain { id })),
        KeyFile {
            keeper: Keeper::Passphrase,
            id: None,
            stretching: Some(stretching),
        } => Ok(Some(KeyInfo::Passphrase { stretching })),
        KeyFile {
            keeper: Keeper::Keychain,
            ..
        } => Err(unreadable(
            1,
            1,
            "a key kept in the keychain needs \"id\" and no \"stretching\"".into(),
        )),
        KeyFile {
            keeper: Keeper::Passphrase,
            ..
        } => Err(unreadable(
            1,
            1,
            "a key kept under a passphrase needs \"stretching\" and no \"id\"".into(),
        )),
    }
}

/// Written whole or not at all: a new file beside it, flushed to disk, then renamed.
pub(crate) fn write(path: &Path, info: &KeyInfo) -> std::io::Result<()> {
    let mut text =
        serde_json::to_string_pretty(&KeyFile::from(info)).map_err(std::io::Error::other)?;
    text.push('\n');
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".new");
    let staging = path.with_file_name(name);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::File::create(&staging)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&staging, path)?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(folder) = std::fs::File::open(parent) {
            let _ = folder.sync_all();
        }
    }
    Ok(())
}
