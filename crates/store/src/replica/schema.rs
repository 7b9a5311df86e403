//! What the replica needs to know of each synced table: its key, whether its rows ever
//! change, which rows it refers to, and which names in it must be unique.

use std::collections::HashMap;

use mixwell_domain::{natural_id, Entity};
use rusqlite::Connection;

use crate::error::{StoreError, StoreResult};

/// Names unique within a scope (a wave's team sets): a clash that arrives by sync is
/// settled by renaming, never by failing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NameRule {
    /// The columns the name is unique within (none: unique in the whole organisation).
    pub scope: &'static [&'static str],
    /// A 0/1 column that takes a row out of the rule when 1 (a removed role keeps its
    /// name beside a new one).
    pub unless: Option<&'static str>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    pub key: &'static [&'static str],
    /// [`Entity::append_only`].
    pub append_only: bool,
    pub names: Option<NameRule>,
}

pub(crate) const NAME: &str = "name";

pub(crate) fn spec(entity: Entity) -> Spec {
    let id: &'static [&'static str] = &["id"];
    let named = |scope: &'static [&'static str]| {
        Some(NameRule {
            scope,
            unless: None,
        })
    };
    let (key, names) = match entity {
        Entity::Organisation | Entity::StaffMember => (id, None),
        Entity::Programme => (id, named(&["organisation_id"])),
        Entity::Wave => (id, named(&["programme_id"])),
        Entity::TeamSet => (id, named(&["wave_id"])),
        Entity::TeamMember => (&["team_set_id", "participant_id"][..], None),
        Entity::ProgrammeSession => (id, named(&["programme_id"])),
        Entity::ProgrammeRole | Entity::ProgrammeMilestone => (
            id,
            Some(NameRule {
                scope: &["programme_id"],
                unless: Some("removed"),
            }),
        ),
        Entity::VolunteeringOrganisation => (id, named(&[])),
        Entity::Rota => (&["wave_id"][..], None),
        Entity::HourEntry
        | Entity::HourVerification
        | Entity::Certificate
        | Entity::CertificateRevocation => (id, None),
        Entity::Participant
        | Entity::Relationship
        | Entity::RotaTurn
        | Entity::RotaAbsence
        | Entity::VolunteeringPlacement => (id, None),
    };
    Spec {
        key,
        append_only: entity.append_only(),
        names,
    }
}

/// The id a change names its row by: the key itself, or for a row keyed by several
/// columns, the natural id of them.
pub(crate) fn entity_id(entity: Entity, key: &[String]) -> String {
    match key {
        [one] => one.clone(),
        many => {
            let parts: Vec<&str> = many.iter().map(String::as_str).collect();
            natural_id(entity.as_str(), &parts).to_string()
        }
    }
}

/// A column that refers to another synced table's row.
#[derive(Debug, Clone)]
pub(crate) struct Reference {
    pub column: String,
    pub parent: Entity,
    pub parent_column: String,
}

/// The synced tables as the database declares them (columns and foreign keys), read once
/// when the store opens.
#[derive(Debug, Default)]
pub(crate) struct Schema {
    columns: HashMap<Entity, Vec<String>>,
    references: HashMap<Entity, Vec<Reference>>,
    /// For each entity, the references to it, with the entity that holds each.
    referrers: HashMap<Entity, Vec<(Entity, Reference)>>,
}

impl Schema {
    pub(crate) fn read(conn: &Connection) -> StoreResult<Schema> {
        let mut schema = Schema::default();
        for entity in Entity::ALL {
            let table = entity.as_str();
            let columns = conn
                .prepare(&format!(
                    "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
                ))?
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            let references = conn
                .prepare(&format!(
                    "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list('{table}')"
                ))?
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .filter_map(|(column, parent, parent_column)| {
                    Entity::parse(&parent).map(|parent| Reference {
                        column,
                        parent,
                        parent_column,
                    })
                })
                .collect::<Vec<_>>();
            for reference in &references {
                // Rows referring to a row are found through an index over reference
                // fields only (migration 0013): one it does not cover would never be found.
                if !super::shadow::is_reference_field(&reference.column) {
                    return Err(StoreError::Corrupt {
                        what: "schema",
                        detail: format!(
                            "{table}.{} refers to {} but the index of references does not cover it",
                            reference.column,
                            reference.parent.as_str()
                        ),
                    });
                }
                schema
                    .referrers
                    .entry(reference.parent)
                    .or_default()
                    .push((entity, reference.clone()));
            }
            schema.columns.insert(entity, columns);
            schema.references.insert(entity, references);
        }
        Ok(schema)
    }

    pub(crate) fn columns(&self, entity: Entity) -> &[String] {
        self.columns.get(&entity).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn references(&self, entity: Entity) -> &[Reference] {
        self.references.get(&entity).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn referrers(&self, entity: Entity) -> &[(Entity, Reference)] {
        self.referrers.get(&entity).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entity_is_a_table_with_its_key_columns() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::Store::open(
            &dir.path().join("s.sqlite"),
            &crate::DatabaseKey::from_bytes([7; 32]),
        )
        .unwrap();
        let schema = Schema::read(store.conn()).unwrap();
        for entity in Entity::ALL {
            let columns = schema.columns(entity);
            for key in spec(entity).key {
                assert!(columns.iter().any(|c| c == key), "{entity:?} has no {key}");
            }
            if spec(entity).names.is_some() {
                assert!(columns.iter().any(|c| c == NAME), "{entity:?} has no name");
            }
        }
    }

    #[test]
    fn every_entity_comes_after_the_entities_it_refers_to() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::Store::open(
            &dir.path().join("s.sqlite"),
            &crate::DatabaseKey::from_bytes([7; 32]),
        )
        .unwrap();
        let schema = Schema::read(store.conn()).unwrap();
        let position = |e: Entity| Entity::ALL.iter().position(|x| *x == e).unwrap();
        for entity in Entity::ALL {
            for reference in schema.references(entity) {
                assert!(
                    reference.parent == entity || position(reference.parent) < position(entity),
                    "{entity:?} refers to {:?}, listed later",
                    reference.parent
                );
            }
        }
    }
}
