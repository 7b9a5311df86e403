//! Applying a parsed roster to a wave: new participants are added, known ones (by the
//! sign-up system's id) updated, nobody duplicated, all in one transaction.

use std::collections::HashMap;

use mixwell_domain::{Id, ParticipantRecord, Relationship, RelationshipKind};
use mixwell_roster::{ParsedRoster, Problem};
use serde::{Deserialize, Serialize};

use crate::error::{StoreError, StoreResult};
use crate::participants::{add_relationship, ids_by_external, relationships, save_participant};
use crate::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    New,
    Updated,
    Unchanged,
    /// The row has an error, so nothing in the file can be imported yet.
    Invalid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RowChange {
    pub line: u32,
    pub status: RowStatus,
    /// For an updated participant, the fields that change.
    pub changed_fields: Vec<String>,
}

/// What importing a file would do, shown before anything is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportPreview {
    pub roster: ParsedRoster,
    /// One per roster row, in file order.
    pub changes: Vec<RowChange>,
    pub new: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// Participants already in the wave that the file does not mention; they are kept.
    pub not_in_file: u32,
    pub new_friendships: u32,
}

impl ImportPreview {
    pub fn can_import(&self) -> bool {
        !self.roster.has_errors()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UpdatedParticipant {
    pub external_id: String,
    pub name: String,
    pub fields: Vec<String>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportSummary {
    pub added: u32,
    pub updated: Vec<UpdatedParticipant>,
    pub unchanged: u32,
    pub not_in_file: u32,
    pub friendships_added: u32,
    pub warnings: Vec<Problem>,
}

struct Plan {
    preview: ImportPreview,
    existing: HashMap<String, (Id, ParticipantRecord)>,
    friend_pairs: Vec<(String, String)>,
}

fn count(changes: &[RowChange], status: RowStatus) -> u32 {
    changes.iter().filter(|c| c.status == status).count() as u32
}

impl Store {
    fn plan_import(&self, wave_id: Id, roster: ParsedRoster) -> StoreResult<Plan> {
        let existing: HashMap<String, (Id, ParticipantRecord)> = self
            .participants(wave_id)?
            .into_iter()
            .map(|p| (p.record.external_id.clone(), (p.id, p.record)))
            .collect();
        let error_lines: std::collections::HashSet<u32> =
            roster.errors().filter_map(|p| p.line).collect();
        let changes: Vec<RowChange> = roster
            .rows
            .iter()
            .map(|row| {
                let (status, changed_fields) = if error_lines.contains(&row.line) {
                    (RowStatus::Invalid, Vec::new())
                } else {
                    match existing.get(&row.record.external_id) {
                        None => (RowStatus::New, Vec::new()),
                        Some((_, old)) => {
                            let fields = old.changed_fields(&row.record);
                            let status = if fields.is_empty() {
                                RowStatus::Unchanged
                            } else {
                                RowStatus::Updated
                            };
                            (status, fields)
                        }
                    }
                };
                RowChange {
                    line: row.line,
                    status,
                    changed_fields,
                }
            })
            .collect();
        let in_file: std::collections::HashSet<&str> = roster
            .rows
            .iter()
            .map(|r| r.record.external_id.as_str())
            .collect();
        let not_in_file = existing
            .keys()
            .filter(|k| !in_file.contains(k.as_str()))
            .count() as u32;
        let friend_pairs = roster.friend_pairs();
        let known: std::collections::HashSet<(Id, Id)> = relationships(self.conn(), wave_id)?
            .into_iter()
            .filter(|r| r.kind == RelationshipKind::Friend)
            .map(|r| (r.a, r.b))
            .collect();
        let resolvable = |id: &str| in_file.contains(id) || existing.contains_key(id);
        let new_friendships = friend_pairs
            .iter()
            .filter(|(x, y)| resolvable(x) && resolvable(y))
            .filter(|(x, y)| match (existing.get(x), existing.get(y)) {
                (Some((a, _)), Some((b, _))) => !known.contains(&(*a.min(b), *a.max(b))),
                _ => true,
            })
            .count() as u32;
        Ok(Plan {
            preview: ImportPreview {
                new: count(&changes, RowStatus::New),
                updated: count(&changes, RowStatus::Updated),
                unchanged: count(&changes, RowStatus::Unchanged),
                changes,
                not_in_file,
                new_friendships,
                roster,
            },
            existing,
            friend_pairs,
        })
    }

    /// What importing `roster` into the wave would change. Saves nothing.
    pub fn preview_import(&self, wave_id: Id, roster: ParsedRoster) -> StoreResult<ImportPreview> {
        Ok(self.plan_import(wave_id, roster)?.preview)
    }

    /// Imports a roster into a wave: all of it, or nothing when it has any error.
    /// `progress(done, total)` is called as rows are written.
    pub fn import_roster(
        &mut self,
        wave_id: Id,
        roster: ParsedRoster,
        progress: &mut dyn FnMut(usize, usize),
    ) -> StoreResult<ImportSummary> {
        self.atomically(|store| {
            let error_count = roster.errors().count();
            if error_count > 0 {
                return Err(StoreError::RosterHasErrors { count: error_count });
            }
            let Plan {
                preview,
                existing,
                friend_pairs,
            } = store.plan_import(wave_id, roster)?;
            let rows = &preview.roster.rows;
            let total = rows.len();
            let mut updated = Vec::new();
            let friendships_added = store.write(|w| {
                let mut ids: HashMap<String, Id> = ids_by_external(w.tx(), wave_id)?;
                for (done, (row, change)) in rows.iter().zip(&preview.changes).enumerate() {
                    match change.status {
                        RowStatus::New => {
                            // The same on every laptop that imports this roster.
                            let id = mixwell_domain::natural_id(
                                "participant",
                                &[&wave_id.to_string(), &row.record.external_id],
                            );
                            save_participant(w, id, wave_id, &row.record)?;
                            ids.insert(row.record.external_id.clone(), id);
                        }
                        RowStatus::Updated => {
                            let (id, _) = &existing[&row.record.external_id];
                            save_participant(w, *id, wave_id, &row.record)?;
                            updated.push(UpdatedParticipant {
                                external_id: row.record.external_id.clone(),
                                name: row.record.full_name(),
                                fields: change.changed_fields.clone(),
                            });
                        }
                        RowStatus::Unchanged | RowStatus::Invalid => {}
                    }
                    progress(done + 1, total);
                }
                let mut added = 0;
                for (x, y) in &friend_pairs {
                    let (Some(a), Some(b)) = (ids.get(x), ids.get(y)) else {
                        continue;
                    };
                    if let Some(r) = Relationship::new(*a, *b, RelationshipKind::Friend) {
                        added += u32::from(add_relationship(w, wave_id, r)?);
                    }
                }
                Ok(added)
            })?;
            Ok(ImportSummary {
                added: preview.new,
                updated,
                unchanged: preview.unchanged,
                not_in_file: preview.not_in_file,
                friendships_added,
                warnings: preview.roster.warnings().cloned().collect(),
            })
        })
    }
}
