//! A staff member's PIN or passphrase, kept only as an Argon2id hash (a PHC string).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use crate::Passphrase;

/// What a person typed to sign in. Wiped when dropped, never printed.
pub struct StaffSecret(Zeroizing<String>);

/// The cost OWASP's password storage guidance gives for Argon2id (19 MiB, two passes, one
/// lane): signing in after the screen locks stays well under a second, while each guess of
/// a copied hash costs as much.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;

impl StaffSecret {
    /// The fewest digits of a PIN.
    pub const MIN_PIN_DIGITS: usize = 6;

    pub fn new(text: impl Into<String>) -> StaffSecret {
        StaffSecret(Zeroizing::new(text.into()))
    }

    /// A new PIN (digits only) must have at least six digits; anything else is a
    /// passphrase and must be as long as a database passphrase.
    pub fn check_new(&self) -> Result<(), StaffSecretProblem> {
        let text = self.0.trim();
        if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
            if text.len() < Self::MIN_PIN_DIGITS {
                return Err(StaffSecretProblem::ShortPin {
                    min: Self::MIN_PIN_DIGITS,
                });
            }
        } else if text.chars().count() < Passphrase::MIN_CHARS {
            return Err(StaffSecretProblem::ShortPassphrase {
                min: Passphrase::MIN_CHARS,
                pin: Self::MIN_PIN_DIGITS,
            });
        }
        Ok(())
    }

    /// The hash to keep, with a fresh random salt.
    pub fn hash(&self) -> Result<String, StaffSecretProblem> {
        self.check_new()?;
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| StaffSecretProblem::Hashing(e.to_string()))?;
        let salt = SaltString::encode_b64(&salt)
            .map_err(|e| StaffSecretProblem::Hashing(e.to_string()))?;
        let params = Params::new(MEMORY_KIB, ITERATIONS, 1, None)
            .map_err(|e| StaffSecretProblem::Hashing(e.to_string()))?;
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(self.0.trim().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| StaffSecretProblem::Hashing(e.to_string()))
    }

    /// Whether this is the secret `hash` was made from, with the cost written in the hash
    /// (so hashes made at an older cost still check). An empty or unreadable hash matches
    /// nothing.
    pub fn matches(&self, hash: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        Argon2::default()
            .verify_password(self.0.trim().as_bytes(), &parsed)
            .is_ok()
    }
}

impl std::fmt::Debug for StaffSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaffSecret(redacted)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaffSecretProblem {
    #[error("a PIN must have at least {min} digits")]
    ShortPin { min: usize },
    #[error("a passphrase must be at least {min} characters long (or use a PIN of at least {pin} digits)")]
    ShortPassphrase { min: usize, pin: usize },
    #[error("the PIN could not be protected: {0}")]
    Hashing(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_matches_its_own_pin_only_and_is_salted_afresh_each_time() {
        let pin = StaffSecret::new("204863");
        let first = pin.hash().unwrap();
        let second = pin.hash().unwrap();
        assert!(
            first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{first}"
        );
        assert_ne!(first, second);
        assert!(pin.matches(&first) && pin.matches(&second));
        assert!(!StaffSecret::new("204864").matches(&first));
        assert!(!pin.matches(""));
        assert!(!pin.matches("not a hash"));
    }

    #[test]
    fn short_pins_and_short_passphrases_are_refused_with_what_is_needed() {
        assert_eq!(
            StaffSecret::new("12345").check_new(),
            Err(StaffSecretProblem::ShortPin { min: 6 })
        );
        assert!(matches!(
            StaffSecret::new("kettle").check_new(),
            Err(StaffSecretProblem::ShortPassphrase { min: 10, .. })
        ));
        assert!(StaffSecret::new("123456").check_new().is_ok());
        assert!(StaffSecret::new("otter kettle lamp").check_new().is_ok());
    }

    #[test]
    fn a_hash_from_another_argon2id_cost_still_checks() {
        let params = Params::new(8 * 1024, 1, 1, None).unwrap();
        let salt = SaltString::encode_b64(&[9; 16]).unwrap();
        let hash = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"otter kettle lamp", &salt)
            .unwrap()
            .to_string();
        assert!(StaffSecret::new("otter kettle lamp").matches(&hash));
    }

    #[test]
    fn it_never_prints_what_was_typed() {
        assert_eq!(
            format!("{:?}", StaffSecret::new("204863")),
            "StaffSecret(redacted)"
        );
    }
}
