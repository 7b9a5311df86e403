//! Where a laptop database's key is kept.
//!
//! Every encrypted database has a key file beside it, `NAME.keyinfo`, that holds no
//! secret: it says how the key is kept (the keychain, under an id; or a passphrase, with
//! the Argon2id salt and cost) so that the folder can be moved, and a database whose key
//! is lost is told apart from a new one. The key itself is either a random 256-bit key in
//! the operating system's keychain, or derived from a passphrase with Argon2id where no
//! keychain can be reached (a machine with no desktop session, a script).
//!
//! [`unlock`] is the one policy the app and the CLI share: it finds the key of an
//! existing database, or makes one for a new (or plain, to be encrypted) database.

mod keychain;
mod keyinfo;
mod passphrase;
mod staff_secret;

use std::path::{Path, PathBuf};

use mixwell_domain::ErrorCode;
use mixwell_store::{DatabaseFile, DatabaseKey};

pub use keychain::KeychainError;
pub use keyinfo::KeyInfo;
pub use passphrase::{Passphrase, PassphraseProblem, Stretching};
pub use staff_secret::{StaffSecret, StaffSecretProblem};

/// How the key of the database at a path is kept, as its key file says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// In this computer's keychain.
    Keychain,
    /// Derived from a passphrase a person types.
    Passphrase,
    /// No key yet: the database is new, or plain from before encryption at rest.
    NoKeyYet,
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("{0}")]
    Keychain(#[from] KeychainError),
    #[error("{}", passphrase_needed(database, *new))]
    PassphraseNeeded {
        database: PathBuf,
        /// No passphrase was ever chosen: a new one is to be chosen (and typed twice).
        new: bool,
    },
    #[error("{0}")]
    Passphrase(#[from] PassphraseProblem),
    #[error("{0}")]
    StaffSecret(#[from] StaffSecretProblem),
    #[error("the key file {} is missing, so {} cannot be opened: if it is an encrypted Mixwell database, restore the key file beside it", key_file.display(), database.display())]
    KeyFileMissing {
        database: PathBuf,
        key_file: PathBuf,
    },
    #[error("the key file {} cannot be read (line {line}, column {column}): {detail}", path.display())]
    KeyFileUnreadable {
        path: PathBuf,
        line: usize,
        column: usize,
        detail: String,
    },
    #[error("the key file {} could not be written: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl VaultError {
    pub fn code(&self) -> ErrorCode {
        match self {
            VaultError::Keychain(KeychainError::NoEntry { .. }) => ErrorCode::KeyMissing,
            VaultError::Keychain(_) => ErrorCode::Keychain,
            VaultError::PassphraseNeeded { .. } => ErrorCode::PassphraseNeeded,
            VaultError::Passphrase(_) | VaultError::StaffSecret(_) => ErrorCode::InvalidRequest,
            VaultError::KeyFileMissing { .. } => ErrorCode::KeyMissing,
            VaultError::KeyFileUnreadable { .. } => ErrorCode::CorruptData,
            VaultError::Io { .. } => ErrorCode::Io,
        }
    }
}

fn passphrase_needed(database: &Path, new: bool) -> String {
    if new {
        format!("this computer has no keychain Mixwell can reach, so {} needs a passphrase: choose one at a terminal, or set MIXWELL_PASSPHRASE for scripts", database.display())
    } else {
        format!(
            "{} is kept under a passphrase: type it, or set MIXWELL_PASSPHRASE for scripts",
            database.display()
        )
    }
}

pub type VaultResult<T> = Result<T, VaultError>;

/// The key of one database file.
pub struct Vault {
    database: PathBuf,
    key_file: PathBuf,
}

impl Vault {
    pub fn for_database(database: &Path) -> Vault {
        let mut name = database.file_name().unwrap_or_default().to_os_string();
        name.push(".keyinfo");
        Vault {
            database: database.to_path_buf(),
            key_file: database.with_file_name(name),
        }
    }

    pub fn key_file(&self) -> &Path {
        &self.key_file
    }

    pub fn state(&self) -> VaultResult<KeyState> {
        match self.key_info()? {
            Some(KeyInfo::Keychain { .. }) => Ok(KeyState::Keychain),
            Some(KeyInfo::Passphrase { .. }) => Ok(KeyState::Passphrase),
            None => match DatabaseFile::at(&self.database).map_err(|source| self.io(source))? {
                DatabaseFile::Missing | DatabaseFile::Plain => Ok(KeyState::NoKeyYet),
                DatabaseFile::Encrypted => Err(VaultError::KeyFileMissing {
                    database: self.database.clone(),
                    key_file: self.key_file.clone(),
                }),
            },
        }
    }

    /// The key from the keychain, for a database whose key file says it is kept there.
    pub fn from_keychain(&self) -> VaultResult<DatabaseKey> {
        match self.key_info()? {
            Some(KeyInfo::Keychain { id }) => Ok(keychain::read(id)?),
            _ => Err(self.not_kept_so()),
        }
    }

    /// The key stretched from `passphrase`. Whether it is the right one, only opening the
    /// database tells (`wrong_key`).
    pub fn from_passphrase(&self, passphrase: &Passphrase) -> VaultResult<DatabaseKey> {
        match self.key_info()? {
            Some(KeyInfo::Passphrase { stretching }) => Ok(stretching.key(passphrase)?),
            _ => Err(self.not_kept_so()),
        }
    }

    /// A new random key kept in the keychain, for a database that has none yet. Fails
    /// with [`KeychainError::Unavailable`] where no keychain can be reached.
    pub fn create_in_keychain(&self) -> VaultResult<DatabaseKey> {
        self.refuse_if_keyed()?;
        let id = uuid::Uuid::now_v7();
        let key = random_key();
        keychain::store(id, &key)?;
        self.write_key_info(&KeyInfo::Keychain { id })?;
        Ok(key)
    }

    /// A key stretched from a newly chosen passphrase, for a database that has none yet.
    pub fn create_with_passphrase(&self, passphrase: &Passphrase) -> VaultResult<DatabaseKey> {
        self.refuse_if_keyed()?;
        passphrase.check_new()?;
        let stretching = Stretching::new(random_salt());
        let key = stretching.key(passphrase)?;
        self.write_key_info(&KeyInfo::Passphrase { stretching })?;
        Ok(key)
    }

    fn refuse_if_keyed(&self) -> VaultResult<()> {
        match self.state()? {
            KeyState::NoKeyYet => Ok(()),
            _ => Err(self.not_kept_so()),
        }
    }

    fn not_kept_so(&self) -> VaultError {
        VaultError::KeyFileUnreadable {
            path: self.key_file.clone(),
            line: 1,
            column: 1,
            detail: "it keeps the key another way; use the way it names".into(),
        }
    }

    fn key_info(&self) -> VaultResult<Option<KeyInfo>> {
        keyinfo::read(&self.key_file)
    }

    fn write_key_info(&self, info: &KeyInfo) -> VaultResult<()> {
        keyinfo::write(&self.key_file, info).map_err(|source| self.io(source))
    }

    fn io(&self, source: std::io::Error) -> VaultError {
        VaultError::Io {
            path: self.key_file.clone(),
            source,
        }
    }
}

/// The key for the database at `database`, as the app and the CLI both find it:
/// - kept in the keychain: read from there;
/// - kept under a passphrase: stretched from `passphrase`, or `passphrase_needed` when
///   none was given;
/// - no key yet: a passphrase given is a choice (scripts set `MIXWELL_PASSPHRASE`) and the
///   key is stretched from it; otherwise a new key goes into the keychain, and where there
///   is no keychain, `passphrase_needed` asks for a new passphrase.
pub fn unlock(database: &Path, passphrase: Option<&Passphrase>) -> VaultResult<DatabaseKey> {
    let vault = Vault::for_database(database);
    match (vault.state()?, passphrase) {
        (KeyState::Keychain, _) => vault.from_keychain(),
        (KeyState::Passphrase, Some(passphrase)) => vault.from_passphrase(passphrase),
        (KeyState::Passphrase, None) => Err(VaultError::PassphraseNeeded {
            database: database.to_path_buf(),
            new: false,
        }),
        (KeyState::NoKeyYet, Some(passphrase)) => vault.create_with_passphrase(passphrase),
        (KeyState::NoKeyYet, None) => match vault.create_in_keychain() {
            Err(VaultError::Keychain(KeychainError::Unavailable { .. })) => {
                Err(VaultError::PassphraseNeeded {
                    database: database.to_path_buf(),
                    new: true,
                })
            }
            found => found,
        },
    }
}

fn random_key() -> DatabaseKey {
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::fill(&mut *bytes).expect("the operating system's random source");
    DatabaseKey::from_bytes(*bytes)
}

fn random_salt() -> [u8; 16] {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system's random source");
    salt
}
