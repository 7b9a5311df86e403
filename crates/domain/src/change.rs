//! A change as it travels between a laptop and the organisation's hub.
//!
//! One shape for every synced table: who made it (device and its gap-free sequence
//! number), when (the hybrid logical clock), under which schema, which row of which table,
//! and only the columns it set. A removal is the same shape with no columns.

use serde::{Deserialize, Serialize};

use crate::Id;

/// The columns a change sets, by column name, as JSON values (text, integers, null).
pub type Fields = serde_json::Map<String, serde_json::Value>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The device that made the change.
    pub device: Id,
    /// That device's sequence number of the change: 1, 2, 3… with no gaps.
    pub device_seq: u64,
    /// The hybrid logical clock stamp, in its sortable text form ([`crate::Hlc`]).
    pub hlc: String,
    /// The schema version the change was written under.
    pub schema_version: u32,
    pub entity: Entity,
    /// The row's id (for a row keyed by several columns, the natural id of those).
    pub entity_id: String,
    pub op: ChangeOp,
    /// Every column for an insert, the changed ones for an update, none for a delete.
    pub fields: Fields,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    /// The row comes into being (again) with every column.
    Insert,
    /// Some columns of a row that exists take new values.
    Update,
    /// The row is removed.
    Delete,
}

impl ChangeOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOp::Insert => "insert",
            ChangeOp::Update => "update",
            ChangeOp::Delete => "delete",
        }
    }

    pub fn parse(text: &str) -> Option<ChangeOp> {
        [ChangeOp::Insert, ChangeOp::Update, ChangeOp::Delete]
            .into_iter()
            .find(|op| op.as_str() == text)
    }
}

/// What a change is about: one per synced table, so a change can only name a table that
/// exists. [`Entity::ALL`] lists them parents first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Organisation,
    StaffMember,
    Programme,
    Wave,
    Participant,
    Relationship,
    TeamSet,
    TeamMember,
    ProgrammeRole,
    ProgrammeSession,
    ProgrammeMilestone,
    Rota,
    RotaTurn,
    RotaAbsence,
    VolunteeringOrganisation,
    VolunteeringPlacement,
    HourEntry,
    HourVerification,
    Certificate,
    CertificateRevocation,
}

impl Entity {
    /// Every entity, each after the ones its rows refer to.
    pub const ALL: [Entity; 20] = [
        Entity::Organisation,
        Entity::StaffMember,
        Entity::Programme,
        Entity::Wave,
        Entity::Participant,
        Entity::Relationship,
        Entity::TeamSet,
        Entity::TeamMember,
        Entity::ProgrammeRole,
        Entity::ProgrammeSession,
        Entity::ProgrammeMilestone,
        Entity::Rota,
        Entity::RotaTurn,
        Entity::RotaAbsence,
        Entity::VolunteeringOrganisation,
        Entity::VolunteeringPlacement,
        Entity::HourEntry,
        Entity::HourVerification,
        Entity::Certificate,
        Entity::CertificateRevocation,
    ];

    /// The name it is stored and shipped under: its table's.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Organisation => "organisation",
            Entity::StaffMember => "staff_member",
            Entity::Programme => "programme",
            Entity::Wave => "wave",
            Entity::Participant => "participant",
            Entity::Relationship => "relationship",
            Entity::TeamSet => "team_set",
            Entity::TeamMember => "team_member",
            Entity::ProgrammeRole => "programme_role",
            Entity::ProgrammeSession => "programme_session",
            Entity::ProgrammeMilestone => "programme_milestone",
            Entity::Rota => "rota",
            Entity::RotaTurn => "rota_turn",
            Entity::RotaAbsence => "rota_absence",
            Entity::VolunteeringOrganisation => "volunteering_organisation",
            Entity::VolunteeringPlacement => "volunteering_placement",
            Entity::HourEntry => "hour_entry",
            Entity::HourVerification => "hour_verification",
            Entity::Certificate => "certificate",
            Entity::CertificateRevocation => "certificate_revocation",
        }
    }

    pub fn parse(text: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.as_str() == text)
    }

    /// Rows are only ever inserted, each once: the hour ledger, a saved team set's
    /// members, certificates and their revocations.
    pub fn append_only(self) -> bool {
        matches!(
            self,
            Entity::TeamMember
                | Entity::HourEntry
                | Entity::HourVerification
                | Entity::Certificate
                | Entity::CertificateRevocation
        )
    }

    /// Whether a row of this entity may ever be removed. Only what staff can take back is
    /// (a duty, an absence, a relationship, a session and what hangs off it): everything
    /// else is referred to by the ledger or a saved team set, or outlives its use (a
    /// programme is archived, never removed), so a removal of it is refused wherever it
    /// arrives rather than left to break a replica.
    pub fn removable(self) -> bool {
        matches!(
            self,
            Entity::Relationship
                | Entity::ProgrammeSession
                | Entity::RotaTurn
                | Entity::RotaAbsence
        )
    }
}

/// The key of a name two laptops may both give: what SQLite's NOCASE compares (ASCII case
/// folded), after trimming.
pub fn name_key(name: &str) -> String {
    name.trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entity_and_op_reads_back_from_its_name() {
        for entity in Entity::ALL {
            assert_eq!(Entity::parse(entity.as_str()), Some(entity));
            let json = serde_json::to_string(&entity).unwrap();
            assert_eq!(json, format!("\"{}\"", entity.as_str()));
        }
        for op in [ChangeOp::Insert, ChangeOp::Update, ChangeOp::Delete] {
            assert_eq!(ChangeOp::parse(op.as_str()), Some(op));
        }
        assert_eq!(Entity::parse("outbox"), None);
    }
}
