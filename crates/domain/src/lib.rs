//! Pure types and rules of Mixwell.
//!
//! Nothing here reads a clock, makes a random number or touches a file: time and
//! identifiers are passed in, so every result can be reproduced from its inputs.

pub mod attributes;
pub mod error_code;
pub mod hlc;
pub mod hours;
pub mod participant;
pub mod programme;

pub use attributes::{attribute_counts, AttributeCount, ValueCount};
pub use error_code::ErrorCode;
pub use hlc::{Hlc, HlcClock};
pub use participant::{
    normalise_header, Participant, ParticipantRecord, Relationship, RelationshipKind, StandardField,
};
pub use programme::{Organisation, Programme, StaffMember, StaffRole, Wave};

/// Every id is a UUIDv7 made on the device that creates the row.
pub type Id = uuid::Uuid;
