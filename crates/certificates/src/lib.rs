//! Volunteer-hour certificates an employer can check: the verification code printed on
//! each one ([`code`]); the signed credential, the PDF and verification build on it.

pub mod badge;
pub mod code;
pub mod credential;
pub mod issue;
pub mod jsonld;
pub mod keys;
pub mod pdf;
pub mod proof;
pub mod verify;

pub use code::{CodeError, VerificationCode};
