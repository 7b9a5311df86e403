//! Which programme each change belongs to, and whether the device that sent it may make it.
//!
//! A field laptop sees and changes only the programmes it was enrolled for; a coordinator's
//! laptop, the whole organisation. Every row's programme follows from the row it hangs off
//! (an hour entry's participant, a participant's wave, a wave's programme), so the hub
//! keeps one scope row per synced row it has received and looks changes up by it. The
//! decisions here are pure: the storage back ends load the rows asked for and write what
//! is decided, in the pushing transaction.

use std::collections::HashMap;

use mixwell_domain::{name_key, Change, ChangeOp, Entity};
use mixwell_sync::wire::DeviceRole;

use crate::devices::Device;

/// Where a row's programme comes from.
enum Source {
    /// Shared by the whole organisation (its name, staff, volunteering organisations).
    Organisation,
    /// The row is a programme.
    Itself,
    /// The row named by this column, of this table.
    Via(&'static str, Entity),
}

fn source(entity: Entity) -> Source {
    match entity {
        Entity::Organisation | Entity::StaffMember | Entity::VolunteeringOrganisation => {
            Source::Organisation
        }
        Entity::Programme => Source::Itself,
        Entity::Wave
        | Entity::ProgrammeRole
        | Entity::ProgrammeSession
        | Entity::ProgrammeMilestone => Source::Via("programme_id", Entity::Programme),
        Entity::Participant
        | Entity::Relationship
        | Entity::TeamSet
        | Entity::Rota
        | Entity::RotaTurn
        | Entity::RotaAbsence => Source::Via("wave_id", Entity::Wave),
        Entity::TeamMember => Source::Via("team_set_id", Entity::TeamSet),
        Entity::VolunteeringPlacement
        | Entity::HourEntry
        | Entity::HourVerification
        | Entity::Certificate => Source::Via("participant_id", Entity::Participant),
        Entity::CertificateRevocation => Source::Via("certificate_id", Entity::Certificate),
    }
}

/// A row's programme, and for a programme its name key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeRow {
    pub programme_id: String,
    pub name_key: Option<String>,
}

pub type Key = (Entity, String);

/// Scope rows loaded so far; `None`: looked up, and the hub has no such row.
pub type Known = HashMap<Key, Option<ScopeRow>>;

/// What the hub does with a batch of new changes.
#[derive(Debug, Default)]
pub struct Decision {
    /// Changes for the record, each with its programme (`None`: the whole organisation).
    pub accepted: Vec<(Change, Option<String>)>,
    /// Changes kept out of it, each with the reason staff will read.
    pub refused: Vec<(Change, String)>,
    /// Scope rows to add or update.
    pub scopes: Vec<(Key, ScopeRow)>,
}

/// The scope rows deciding `changes` needs that are not in `known` yet. Load them and ask
/// again until nothing is missing (at most three rounds: own row, parent, programme).
pub fn missing(changes: &[Change], device: &Device, known: &Known) -> Vec<Key> {
    let mut walk = Walk::new(known);
    for change in changes {
        // Only the lookups matter here; `decide` judges again with everything loaded.
        let _ = walk.judge(change, device);
    }
    let mut missing = walk.missing;
    missing.sort();
    missing.dedup();
    missing
}

pub fn decide(changes: Vec<Change>, device: &Device, known: &Known) -> Decision {
    let mut walk = Walk::new(known);
    let mut decision = Decision::default();
    for change in changes {
        match walk.judge(&change, device) {
            Ok(scope) => decision.accepted.push((change, scope)),
            Err(reason) => decision.refused.push((change, reason)),
        }
    }
    decision.scopes = walk.added.into_iter().collect();
    decision.scopes.sort_by(|a, b| a.0.cmp(&b.0));
    decision
}

/// Judges changes in order, so a row inserted earlier in the batch scopes those after it.
struct Walk<'a> {
    known: &'a Known,
    added: HashMap<Key, ScopeRow>,
    missing: Vec<Key>,
}

impl<'a> Walk<'a> {
    fn new(known: &'a Known) -> Walk<'a> {
        Walk {
            known,
            added: HashMap::new(),
            missing: Vec::new(),
        }
    }

    fn lookup(&mut self, entity: Entity, id: &str) -> Option<ScopeRow> {
        let key = (entity, id.to_string());
        if let Some(row) = self.added.get(&key) {
            return Some(row.clone());
        }
        match self.known.get(&key) {
            Some(row) => row.clone(),
            None => {
                self.missing.push(key);
                None
            }
        }
    }

    fn judge(&mut self, change: &Change, device: &Device) -> Result<Option<String>, String> {
        if change.op == ChangeOp::Delete && !change.entity.removable() {
            return Err(format!(
                "it removes a {}, which is never removed",
                change.entity.as_str().replace('_', " ")
            ));
        }
        let text = |column: &str| change.fields.get(column).and_then(|v| v.as_str());
        let scope = match source(change.entity) {
            Source::Organisation => None,
            Source::Itself => Some(change.entity_id.clone()),
            Source::Via(column, parent) => {
                let (table, id) = match (text(column), change.op) {
                    (Some(id), _) => (parent, id.to_string()),
                    (None, ChangeOp::Insert) => {
                        return Err(format!("it has no {column}"));
                    }
                    (None, _) => (change.entity, change.entity_id.clone()),
                };
                let row = self.lookup(table, &id).ok_or_else(|| {
                    format!(
                        "it belongs to a {} the hub has not received",
                        table.as_str().replace('_', " ")
                    )
                })?;
                Some(row.programme_id)
            }
        };
        let new_name = (change.entity == Entity::Programme)
            .then(|| text("name").map(name_key))
            .flatten();
        if let (DeviceRole::FieldStaff, Some(programme)) = (device.role, &scope) {
            let name = match &new_name {
                Some(name) => Some(name.clone()),
                None => self
                    .lookup(Entity::Programme, programme)
                    .and_then(|row| row.name_key),
            };
            if !name.is_some_and(|n| device.programmes.iter().any(|p| name_key(p) == n)) {
                return Err("it belongs to a programme this laptop is not enrolled for".into());
            }
        }
        if let Some(programme_id) = &scope {
            let key = (change.entity, change.entity_id.clone());
            if change.op == ChangeOp::Insert || new_name.is_some() {
                let name_key = match change.entity {
                    Entity::Programme => new_name.or_else(|| {
                        self.lookup(change.entity, &change.entity_id)
                            .and_then(|row| row.name_key)
                    }),
                    _ => None,
                };
                self.added.insert(
                    key,
                    ScopeRow {
                        programme_id: programme_id.clone(),
                        name_key,
                    },
                );
            }
        }
        Ok(scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mixwell_domain::{Fields, Id};
    use serde_json::json;

    fn device(role: DeviceRole, programmes: &[&str]) -> Device {
        Device {
            id: Id::nil(),
            label: "Laptop".into(),
            role,
            public_key: String::new(),
            enrolled_at: chrono::DateTime::default(),
            revoked_at: None,
            last_seen: None,
            acked_seq: 0,
            pull_cursor: 0,
            bundle_recipient: String::new(),
            programmes: programmes.iter().map(|p| p.to_string()).collect(),
        }
    }

    fn change(entity: Entity, id: &str, op: ChangeOp, fields: serde_json::Value) -> Change {
        let fields: Fields = fields.as_object().cloned().unwrap_or_default();
        Change {
            device: Id::nil(),
            device_seq: 1,
            hlc: String::new(),
            schema_version: 8,
            entity,
            entity_id: id.into(),
            op,
            fields,
        }
    }

    /// Loads what is asked for from `hub` until nothing is missing, as a back end does.
    fn settle(changes: &[Change], device: &Device, hub: &HashMap<Key, ScopeRow>) -> Known {
        let mut known = Known::new();
        loop {
            let wanted = missing(changes, device, &known);
            if wanted.is_empty() {
                return known;
            }
            for key in wanted {
                let row = hub.get(&key).cloned();
                known.insert(key, row);
            }
        }
    }

    fn batch() -> Vec<Change> {
        vec![
            change(
                Entity::Programme,
                "p1",
                ChangeOp::Insert,
                json!({"id": "p1", "name": "Summer 2027"}),
            ),
            change(
                Entity::Wave,
                "w1",
                ChangeOp::Insert,
                json!({"id": "w1", "programme_id": "p1"}),
            ),
            change(
                Entity::Participant,
                "a",
                ChangeOp::Insert,
                json!({"id": "a", "wave_id": "w1"}),
            ),
            change(
                Entity::HourEntry,
                "h",
                ChangeOp::Insert,
                json!({"id": "h", "participant_id": "a"}),
            ),
            change(
                Entity::VolunteeringOrganisation,
                "v",
                ChangeOp::Insert,
                json!({"id": "v"}),
            ),
        ]
    }

    #[test]
    fn every_row_takes_the_programme_of_the_row_it_hangs_off() {
        let field = device(DeviceRole::FieldStaff, &["summer 2027"]);
        let changes = batch();
        let known = settle(&changes, &field, &HashMap::new());
        let decision = decide(changes, &field, &known);
        assert!(decision.refused.is_empty(), "{:?}", decision.refused);
        let scopes: Vec<Option<&str>> = decision
            .accepted
            .iter()
            .map(|(_, s)| s.as_deref())
            .collect();
        assert_eq!(
            scopes,
            [Some("p1"), Some("p1"), Some("p1"), Some("p1"), None]
        );
        assert_eq!(decision.scopes.len(), 4, "{:?}", decision.scopes);
    }

    #[test]
    fn a_field_laptop_cannot_change_a_programme_it_is_not_enrolled_for() {
        let field = device(DeviceRole::FieldStaff, &["Autumn 2027"]);
        let changes = batch();
        let known = settle(&changes, &field, &HashMap::new());
        let decision = decide(changes, &field, &known);
        assert_eq!(decision.accepted.len(), 1, "only the organisation-wide row");
        assert_eq!(decision.refused.len(), 4);
        assert!(decision.refused[0].1.contains("not enrolled for"));
        let coordinator = device(DeviceRole::Coordinator, &[]);
        let changes = batch();
        let known = settle(&changes, &coordinator, &HashMap::new());
        assert!(decide(changes, &coordinator, &known).refused.is_empty());
    }

    #[test]
    fn an_update_finds_its_programme_through_the_row_the_hub_already_has() {
        let field = device(DeviceRole::FieldStaff, &["summer 2027"]);
        let hub: HashMap<Key, ScopeRow> = [
            (
                (Entity::Programme, "p1".to_string()),
                ScopeRow {
                    programme_id: "p1".into(),
                    name_key: Some("summer 2027".into()),
                },
            ),
            (
                (Entity::Participant, "a".to_string()),
                ScopeRow {
                    programme_id: "p1".into(),
                    name_key: None,
                },
            ),
        ]
        .into_iter()
        .collect();
        let changes = vec![
            change(
                Entity::Participant,
                "a",
                ChangeOp::Update,
                json!({"school": "Hope Valley College"}),
            ),
            change(Entity::Participant, "b", ChangeOp::Update, json!({"x": 1})),
        ];
        let known = settle(&changes, &field, &hub);
        let decision = decide(changes, &field, &known);
        assert_eq!(decision.accepted.len(), 1);
        assert_eq!(decision.accepted[0].1.as_deref(), Some("p1"));
        assert_eq!(decision.refused.len(), 1);
        assert!(decision.refused[0].1.contains("has not received"));
        assert!(decision.scopes.is_empty(), "an update adds no scope row");
    }

    #[test]
    fn regression_a_removed_participant_is_refused_rather_than_left_to_break_the_laptops_holding_their_hours(
    ) {
        let coordinator = device(DeviceRole::Coordinator, &[]);
        let mut changes = batch();
        changes.push(change(
            Entity::Participant,
            "a",
            ChangeOp::Delete,
            json!({"wave_id": "w1"}),
        ));
        changes.push(change(
            Entity::RotaTurn,
            "t",
            ChangeOp::Delete,
            json!({"wave_id": "w1"}),
        ));
        let known = settle(&changes, &coordinator, &HashMap::new());
        let decision = decide(changes, &coordinator, &known);
        assert_eq!(decision.refused.len(), 1, "{:?}", decision.refused);
        assert_eq!(decision.refused[0].0.entity, Entity::Participant);
        assert!(decision.refused[0].1.contains("never removed"));
        assert_eq!(
            decision.accepted.last().map(|(c, _)| c.entity),
            Some(Entity::RotaTurn)
        );
    }
}
