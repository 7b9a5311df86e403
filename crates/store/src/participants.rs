//! Participants of a wave and the relationships between them.

use std::collections::{BTreeMap, HashMap};

use mixwell_domain::{Id, Participant, ParticipantRecord, Relationship, RelationshipKind};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::db::parse_id;
use crate::error::{StoreError, StoreResult};
use crate::outbox::Writer;
use crate::Store;
use mixwell_domain::Entity;

/// What staff can change about a participant: the record and the people they are related
/// to, by external id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ParticipantUpdate {
    pub record: ParticipantRecord,
    pub friends: Vec<String>,
    pub keep_apart: Vec<String>,
    pub keep_together: Vec<String>,
}

const COLUMNS: &str = "id, wave_id, external_id, first_name, last_name, date_of_birth, gender, \
    ethnicity, faith, school, postcode, fsm, additional_needs, custom";

fn read_row(row: &Row<'_>) -> rusqlite::Result<(String, String, ParticipantRecord)> {
    let custom: String = row.get(13)?;
    Ok((
        row.get(0)?,
        row.get(1)?,
        ParticipantRecord {
            external_id: row.get(2)?,
            first_name: row.get(3)?,
            last_name: row.get(4)?,
            date_of_birth: row.get(5)?,
            gender: row.get(6)?,
            ethnicity: row.get(7)?,
            faith: row.get(8)?,
            school: row.get(9)?,
            postcode: row.get(10)?,
            fsm: row.get(11)?,
            additional_needs: row.get(12)?,
            custom: serde_json::from_str::<BTreeMap<String, String>>(&custom).unwrap_or_default(),
        },
    ))
}

pub(crate) fn save_participant(
    w: &mut Writer<'_>,
    id: Id,
    wave_id: Id,
    record: &ParticipantRecord,
) -> StoreResult<()> {
    let mut statement = w.tx().prepare_cached(
        "INSERT INTO participant (id, wave_id, external_id, first_name, last_name, date_of_birth, gender,
             ethnicity, faith, school, postcode, fsm, additional_needs, custom)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT (id) DO UPDATE SET external_id = excluded.external_id,
             first_name = excluded.first_name, last_name = excluded.last_name,
             date_of_birth = excluded.date_of_birth, gender = excluded.gender,
             ethnicity = excluded.ethnicity, faith = excluded.faith, school = excluded.school,
             postcode = excluded.postcode, fsm = excluded.fsm,
             additional_needs = excluded.additional_needs, custom = excluded.custom",
    )?;
    statement.execute(params![
        id.to_string(),
        wave_id.to_string(),
        record.external_id,
        record.first_name,
        record.last_name,
        record.date_of_birth,
        record.gender,
        record.ethnicity,
        record.faith,
        record.school,
        record.postcode,
        record.fsm,
        record.additional_needs,
        serde_json::to_string(&record.custom)?,
    ])?;
    drop(statement);
    w.record(Entity::Participant, id)
}

/// Adds the relationship unless it is already there; true when it was added.
pub(crate) fn add_relationship(
    w: &mut Writer<'_>,
    wave_id: Id,
    relationship: Relationship,
) -> StoreResult<bool> {
    let id = mixwell_domain::natural_id(
        "relationship",
        &[
            &relationship.a.to_string(),
            &relationship.b.to_string(),
            relationship.kind.as_str(),
        ],
    );
    let added = w
        .tx()
        .prepare_cached(
            "INSERT INTO relationship (id, wave_id, a, b, kind) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (a, b, kind) DO NOTHING",
        )?
        .execute(params![
            id.to_string(),
            wave_id.to_string(),
            relationship.a.to_string(),
            relationship.b.to_string(),
            relationship.kind.as_str()
        ])?;
    if added == 1 {
        w.record(Entity::Relationship, id)?;
    }
    Ok(added == 1)
}

fn remove_relationship(w: &mut Writer<'_>, relationship: Relationship) -> StoreResult<()> {
    let id: Option<String> = w
        .tx()
        .query_row(
            "DELETE FROM relationship WHERE a = ?1 AND b = ?2 AND kind = ?3 RETURNING id",
            params![
                relationship.a.to_string(),
                relationship.b.to_string(),
                relationship.kind.as_str()
            ],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = id {
        let id = parse_id(&id)?;
        w.record(Entity::Relationship, id)?;
    }
    Ok(())
}

/// The relationships of a wave, as participant id pairs.
pub(crate) fn relationships(
    conn: &rusqlite::Connection,
    wave_id: Id,
) -> StoreResult<Vec<Relationship>> {
    let mut statement =
        conn.prepare_cached("SELECT a, b, kind FROM relationship WHERE wave_id = ?1")?;
    let rows = statement
        .query_map([wave_id.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .filter_map(|(a, b, kind)| Some((a, b, RelationshipKind::parse(&kind)?)))
        .map(|(a, b, kind)| {
            Ok(Relationship {
                a: parse_id(&a)?,
                b: parse_id(&b)?,
                kind,
            })
        })
        .collect()
}

/// Participant id by external id, for one wave.
pub(crate) fn ids_by_external(
    conn: &rusqlite::Connection,
    wave_id: Id,
) -> StoreResult<HashMap<String, Id>> {
    let mut statement =
        conn.prepare_cached("SELECT external_id, id FROM participant WHERE wave_id = ?1")?;
    let rows = statement
        .query_map([wave_id.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(ext, id)| Ok((ext, parse_id(&id)?)))
        .collect()
}

impl Store {
    /// Everyone in a wave, by last name then first name, with their relationships.
    pub fn participants(&self, wave_id: Id) -> StoreResult<Vec<Participant>> {
        self.wave(wave_id)?;
        let mut statement = self.conn().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM participant WHERE wave_id = ?1
             ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE, external_id"
        ))?;
        let rows = statement
            .query_map([wave_id.to_string()], read_row)?
            .collect::<Result<Vec<_>, _>>()?;
        let mut participants: Vec<Participant> = rows
            .into_iter()
            .map(|(id, wave, record)| {
                Ok(Participant {
                    id: parse_id(&id)?,
                    wave_id: parse_id(&wave)?,
                    record,
                    friends: Vec::new(),
                    keep_apart: Vec::new(),
                    keep_together: Vec::new(),
                })
            })
            .collect::<StoreResult<_>>()?;
        let index: HashMap<Id, usize> = participants
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        for relationship in relationships(self.conn(), wave_id)? {
            let (Some(&a), Some(&b)) = (index.get(&relationship.a), index.get(&relationship.b))
            else {
                continue;
            };
            for (me, other) in [(a, b), (b, a)] {
                let other_id = participants[other].record.external_id.clone();
                let list = match relationship.kind {
                    RelationshipKind::Friend => &mut participants[me].friends,
                    RelationshipKind::KeepApart => &mut participants[me].keep_apart,
                    RelationshipKind::KeepTogether => &mut participants[me].keep_together,
                };
                list.push(other_id);
            }
        }
        for p in &mut participants {
            p.friends.sort();
            p.keep_apart.sort();
            p.keep_together.sort();
        }
        Ok(participants)
    }

    /// One participant, with their relationships (read on their own: a page or a
    /// certificate for one young person never reads the whole wave).
    pub fn participant(&self, id: Id) -> StoreResult<Participant> {
        let not_found = || StoreError::NotFound {
            what: "participant",
            id: id.to_string(),
        };
        let row = self
            .conn()
            .prepare_cached(&format!("SELECT {COLUMNS} FROM participant WHERE id = ?1"))?
            .query_row([id.to_string()], read_row)
            .optional()?
            .ok_or_else(not_found)?;
        let (_, wave, record) = row;
        let mut participant = Participant {
            id,
            wave_id: parse_id(&wave)?,
            record,
            friends: Vec::new(),
            keep_apart: Vec::new(),
            keep_together: Vec::new(),
        };
        let mut statement = self.conn().prepare_cached(
            "SELECT o.external_id, r.kind FROM relationship r
             JOIN participant o ON o.id = CASE WHEN r.a = ?1 THEN r.b ELSE r.a END
             WHERE r.a = ?1 OR r.b = ?1",
        )?;
        let rows = statement
            .query_map([id.to_string()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        for (other, kind) in rows {
            match RelationshipKind::parse(&kind) {
                Some(RelationshipKind::Friend) => participant.friends.push(other),
                Some(RelationshipKind::KeepApart) => participant.keep_apart.push(other),
                Some(RelationshipKind::KeepTogether) => participant.keep_together.push(other),
                None => {}
            }
        }
        participant.friends.sort();
        participant.keep_apart.sort();
        participant.keep_together.sort();
        Ok(participant)
    }

    /// Saves an edit to a participant, replacing their relationships with the lists given.
    pub fn update_participant(
        &mut self,
        id: Id,
        update: &ParticipantUpdate,
    ) -> StoreResult<Participant> {
        self.atomically(|store| {
            let current = store.participant(id)?;
            let wave_id = current.wave_id;
            let record = tidy(&update.record)?;
            let ids = ids_by_external(store.conn(), wave_id)?;
            if ids
                .get(&record.external_id)
                .is_some_and(|other| *other != id)
            {
                return Err(StoreError::InvalidParticipant(format!(
                    "another participant in this wave already has the id {}",
                    record.external_id
                )));
            }
            let mut wanted = Vec::new();
            for (kind, list) in [
                (RelationshipKind::Friend, &update.friends),
                (RelationshipKind::KeepApart, &update.keep_apart),
                (RelationshipKind::KeepTogether, &update.keep_together),
            ] {
                for external in list {
                    let other = ids.get(external.trim()).ok_or_else(|| {
                        StoreError::InvalidParticipant(format!(
                            "there is no participant with the id {external} in this wave"
                        ))
                    })?;
                    if let Some(r) = Relationship::new(id, *other, kind) {
                        wanted.push(r);
                    }
                }
            }
            let existing: Vec<Relationship> = relationships(store.conn(), wave_id)?
                .into_iter()
                .filter(|r| r.a == id || r.b == id)
                .collect();
            if wanted.iter().any(|r| {
                r.kind == RelationshipKind::KeepTogether
                    && wanted
                        .iter()
                        .any(|o| o.a == r.a && o.b == r.b && o.kind != RelationshipKind::KeepTogether)
            }) {
                return Err(StoreError::InvalidParticipant(
                    "someone cannot be both kept together with and kept apart from (or a friend of) the same person".into(),
                ));
            }
            store.write(|w| {
                save_participant(w, id, wave_id, &record)?;
                for r in existing.iter().filter(|r| !wanted.contains(r)) {
                    remove_relationship(w, *r)?;
                }
                for r in &wanted {
                    add_relationship(w, wave_id, *r)?;
                }
                Ok(())
            })?;
            store.participant(id)
        })
    }
}

/// Trims every field and checks what a participant must have.
fn tidy(record: &ParticipantRecord) -> StoreResult<ParticipantRecord> {
    let trim = |s: &String| s.trim().to_owned();
    let record = ParticipantRecord {
        external_id: trim(&record.external_id),
        first_name: trim(&record.first_name),
        last_name: trim(&record.last_name),
        date_of_birth: record.date_of_birth,
        gender: trim(&record.gender),
        ethnicity: trim(&record.ethnicity),
        faith: trim(&record.faith),
        school: trim(&record.school),
        postcode: trim(&record.postcode).to_uppercase(),
        fsm: record.fsm,
        additional_needs: record.additional_needs,
        custom: record
            .custom
            .iter()
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect(),
    };
    if record.external_id.is_empty() {
        return Err(StoreError::InvalidParticipant("the id is empty".into()));
    }
    if record.first_name.is_empty() {
        return Err(StoreError::InvalidParticipant(
            "the first name is empty".into(),
        ));
    }
    Ok(record)
}

impl Store {
    /// A participant of a wave by the sign-up system's id.
    pub fn find_participant(&self, wave_id: Id, external_id: &str) -> StoreResult<Participant> {
        self.participants(wave_id)?
            .into_iter()
            .find(|p| p.record.external_id == external_id.trim())
            .ok_or(StoreError::NoSuchName {
                what: "participant",
                name: external_id.to_owned(),
            })
    }
}
