//! Saved team sets: the teams of one activity, kept for printing and so that later team
//! sets of the wave can avoid putting the same people together again.

use mixwell_domain::programme::validate_name;
use mixwell_domain::Id;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::parse_id;
use crate::error::{StoreError, StoreResult};
use crate::Store;
use mixwell_domain::Entity;

/// One participant's place in a team set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Placement {
    pub participant_id: Id,
    /// From 0; shown from 1.
    pub team: u32,
    /// Staff fixed this person in this team.
    pub pinned: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TeamSet {
    pub id: Id,
    pub wave_id: Id,
    pub name: String,
    /// When it was saved, as an RFC 3339 UTC time.
    pub saved_at: String,
    /// The options it was formed with, as JSON text.
    pub settings: String,
    pub placements: Vec<Placement>,
}

impl Store {
    /// Saves a wave's team set under a name unique in the wave. Every participant placed
    /// must belong to the wave.
    pub fn save_team_set(
        &mut self,
        wave_id: Id,
        name: &str,
        settings: &str,
        placements: &[Placement],
    ) -> StoreResult<TeamSet> {
        self.atomically(|store| store.save_team_set_checked(wave_id, name, settings, placements))
    }

    fn save_team_set_checked(
        &mut self,
        wave_id: Id,
        name: &str,
        settings: &str,
        placements: &[Placement],
    ) -> StoreResult<TeamSet> {
        self.wave(wave_id)?;
        let name = validate_name("team set", name)?;
        let in_wave: std::collections::HashSet<Id> = self
            .participants(wave_id)?
            .into_iter()
            .map(|p| p.id)
            .collect();
        if let Some(stranger) = placements
            .iter()
            .find(|p| !in_wave.contains(&p.participant_id))
        {
            return Err(StoreError::InvalidParticipant(format!(
                "participant {} is not in this wave",
                stranger.participant_id
            )));
        }
        let saved_ms = i64::try_from(self.now_ms()).unwrap_or(i64::MAX);
        let set = TeamSet {
            id: Id::now_v7(),
            wave_id,
            name,
            saved_at: chrono::DateTime::from_timestamp_millis(saved_ms)
                .unwrap_or_default()
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            settings: settings.to_owned(),
            placements: placements.to_vec(),
        };
        self.write(|w| {
            let taken: Option<String> = w
                .tx()
                .query_row(
                    "SELECT id FROM team_set WHERE wave_id = ?1 AND name = ?2 COLLATE NOCASE",
                    params![wave_id.to_string(), set.name],
                    |r| r.get(0),
                )
                .optional()?;
            if taken.is_some() {
                return Err(StoreError::NameTaken {
                    what: "team set",
                    name: set.name.clone(),
                });
            }
            w.tx().execute(
                "INSERT INTO team_set (id, wave_id, name, saved_ms, settings) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![set.id.to_string(), wave_id.to_string(), set.name, saved_ms, set.settings],
            )?;
            for p in &set.placements {
                w.tx().execute(
                    "INSERT INTO team_member (team_set_id, participant_id, team, pinned) VALUES (?1, ?2, ?3, ?4)",
                    params![set.id.to_string(), p.participant_id.to_string(), p.team, p.pinned],
                )?;
            }
            w.record(Entity::TeamSet, set.id)?;
            for p in &set.placements {
                w.record_keyed(
                    Entity::TeamMember,
                    &[set.id.to_string(), p.participant_id.to_string()],
                )?;
            }
            Ok(())
        })?;
        Ok(set)
    }

    /// A wave's saved team sets, oldest first.
    pub fn team_sets(&self, wave_id: Id) -> StoreResult<Vec<TeamSet>> {
        let ids: Vec<String> = self
            .conn()
            .prepare("SELECT id FROM team_set WHERE wave_id = ?1 ORDER BY saved_ms, id")?
            .query_map(params![wave_id.to_string()], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.iter().map(|id| self.team_set(parse_id(id)?)).collect()
    }

    pub fn team_set(&self, id: Id) -> StoreResult<TeamSet> {
        let row = self
            .conn()
            .query_row(
                "SELECT wave_id, name, saved_ms, settings FROM team_set WHERE id = ?1",
                params![id.to_string()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "team set",
                id: id.to_string(),
            })?;
        let placements = self
            .conn()
            .prepare(
                "SELECT participant_id, team, pinned FROM team_member WHERE team_set_id = ?1 ORDER BY team, participant_id",
            )?
            .query_map(params![id.to_string()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?, r.get::<_, bool>(2)?))
            })?
            .map(|row| {
                let (participant, team, pinned) = row?;
                Ok(Placement {
                    participant_id: parse_id(&participant)?,
                    team,
                    pinned,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(TeamSet {
            id,
            wave_id: parse_id(&row.0)?,
            name: row.1,
            saved_at: chrono::DateTime::from_timestamp_millis(row.2)
                .unwrap_or_default()
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            settings: row.3,
            placements,
        })
    }
}
