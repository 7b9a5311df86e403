//! A passphrase, and stretching it into a database key with Argon2id (RFC 9106).

use base64::Engine;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use mixwell_store::DatabaseKey;

/// What a person typed. Wiped when dropped, never printed.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    pub fn new(text: impl Into<String>) -> Passphrase {
        Passphrase(Zeroizing::new(text.into()))
    }

    /// The shortest passphrase accepted for a new database. NCSC's advice is three random
    /// words, which are longer; the length alone is checked, so any language will do.
    pub const MIN_CHARS: usize = 10;

    pub(crate) fn check_new(&self) -> Result<(), PassphraseProblem> {
        if self.0.trim().chars().count() < Self::MIN_CHARS {
            return Err(PassphraseProblem::TooShort {
                min: Self::MIN_CHARS,
            });
        }
        Ok(())
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(redacted)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PassphraseProblem {
    #[error("the passphrase must be at least {min} characters long (three random words are easy to remember and hard to guess)")]
    TooShort { min: usize },
    #[error("the key file's Argon2id settings cannot be used: {0}")]
    Settings(String),
}

/// How a passphrase is stretched: Argon2id with its salt and cost, kept in the key file
/// so that the cost can be raised for new databases without stranding old ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stretching {
    /// Always "argon2id" (version 0x13).
    pub algorithm: String,
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    /// 16 random bytes, base64.
    pub salt: String,
}

impl Stretching {
    /// RFC 9106's second recommended option (64 MiB, three passes), with one lane so it
    /// costs the same on a two-core laptop as on a server.
    pub fn new(salt: [u8; 16]) -> Stretching {
        Stretching {
            algorithm: "argon2id".into(),
            memory_kib: 64 * 1024,
            iterations: 3,
            parallelism: 1,
            salt: base64::engine::general_purpose::STANDARD.encode(salt),
        }
    }

    pub fn key(&self, passphrase: &Passphrase) -> Result<DatabaseKey, PassphraseProblem> {
        let settings = |e: &dyn std::fmt::Display| PassphraseProblem::Settings(e.to_string());
        if self.algorithm != "argon2id" {
            return Err(settings(&format!("unknown algorithm {:?}", self.algorithm)));
        }
        let salt = base64::engine::general_purpose::STANDARD
            .decode(&self.salt)
            .map_err(|e| settings(&e))?;
        let params =
            argon2::Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
                .map_err(|e| settings(&e))?;
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut key = Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(passphrase.0.as_bytes(), &salt, &mut *key)
            .map_err(|e| settings(&e))?;
        Ok(DatabaseKey::from_bytes(*key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9106 section 5.3 gives Argon2id's test vector with a secret and associated
    /// data; without them, the same parameters are checked against the reference
    /// implementation's output (phc-winner-argon2, `argon2 somesalt -id -t 2 -m 16 -p 1
    /// -l 32` of "password").
    #[test]
    fn stretching_matches_the_reference_implementation() {
        let stretching = Stretching {
            algorithm: "argon2id".into(),
            memory_kib: 1 << 16,
            iterations: 2,
            parallelism: 1,
            salt: base64::engine::general_purpose::STANDARD.encode(b"somesalt"),
        };
        let key = stretching.key(&Passphrase::new("password")).unwrap();
        let hex: String = key.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7"
        );
    }

    #[test]
    fn the_same_passphrase_and_salt_give_the_same_key_and_another_salt_another() {
        let one = Stretching::new([1; 16]);
        let two = Stretching::new([2; 16]);
        let p = || Passphrase::new("correct horse battery staple");
        assert_eq!(
            one.key(&p()).unwrap().as_bytes(),
            one.key(&p()).unwrap().as_bytes()
        );
        assert_ne!(
            one.key(&p()).unwrap().as_bytes(),
            two.key(&p()).unwrap().as_bytes()
        );
    }

    #[test]
    fn a_short_passphrase_is_refused_for_a_new_database() {
        assert_eq!(
            Passphrase::new("  sunshine ").check_new(),
            Err(PassphraseProblem::TooShort { min: 10 })
        );
        assert!(Passphrase::new("otter kettle lamp").check_new().is_ok());
        assert_eq!(
            format!("{:?}", Passphrase::new("secret")),
            "Passphrase(redacted)"
        );
    }
}
