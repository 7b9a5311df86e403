//! Pure types and rules of Mixwell.
//!
//! Nothing here reads a clock, makes a random number or touches a file: time and
//! identifiers are passed in, so every result can be reproduced from its inputs.

pub mod attributes;
pub mod audit;
pub mod change;
pub mod error_code;
pub mod hlc;
pub mod hours;
pub mod participant;
pub mod programme;
pub mod sensitive;
pub mod staff;

pub use attributes::{attribute_counts, AttributeCount, ValueCount};
pub use audit::{AuditAction, AuditLink};
pub use change::{name_key, Change, ChangeOp, Entity, Fields};
pub use error_code::ErrorCode;
pub use hlc::{Hlc, HlcClock, Observed};
pub use participant::{
    normalise_header, Participant, ParticipantRecord, Relationship, RelationshipKind, StandardField,
};
pub use programme::{Organisation, Programme, Wave};
pub use sensitive::Sensitive;
pub use staff::{Permission, StaffMember, StaffRole};

/// Every id is made on the device that creates the row: a UUIDv7, or, for a row two laptops
/// can create for the same thing, [`natural_id`].
pub type Id = uuid::Uuid;

/// Mixwell's namespace for ids made from natural keys (a fixed, random UUID).
const NATURAL_KEYS: Id = uuid::uuid!("6a1c2f0e-93b4-4d57-9e2a-5b8f1c7d3e40");

/// The id of a row two laptops can create for the same thing (a participant of a wave by
/// their roster id, a programme's default role, a rota cell): a UUIDv5 of `kind` and the
/// natural key's `parts`, so both laptops make the same id and sync finds one row, not two.
pub fn natural_id(kind: &str, parts: &[&str]) -> Id {
    // A unit separator between the parts: ("ab", "c") and ("a", "bc") are different keys.
    let mut key = String::from(kind);
    for part in parts {
        key.push('\u{1f}');
        key.push_str(part);
    }
    uuid::Uuid::new_v5(&NATURAL_KEYS, key.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::natural_id;

    #[test]
    fn a_natural_key_gives_the_same_id_everywhere_and_another_key_another_id() {
        let wave = "0190f0f0-0000-7000-8000-000000000001";
        let a = natural_id("participant", &[wave, "NCS27-0001"]);
        assert_eq!(a, natural_id("participant", &[wave, "NCS27-0001"]));
        assert_ne!(a, natural_id("participant", &[wave, "NCS27-0002"]));
        assert_ne!(a, natural_id("default_role", &[wave, "NCS27-0001"]));
        assert_ne!(natural_id("k", &["ab", "c"]), natural_id("k", &["a", "bc"]));
        assert_eq!(a.get_version_num(), 5);
    }
}
