//! A wave's leadership rota as rows: which team set it follows, who holds which role for
//! each team in each session (`rota_turn`), and who is away (`rota_absence`). Planning and
//! checking are the use-case layer's; every change here goes through the outbox.

use mixwell_domain::Id;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::parse_id;
use crate::error::{StoreError, StoreResult};
use crate::outbox::Writer;
use crate::Store;
use mixwell_domain::Entity;

/// One person holding one role for one team in one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Turn {
    pub id: Id,
    pub wave_id: Id,
    pub session_id: Id,
    /// The team in the rota's team set, from 0.
    pub team: u32,
    pub role_id: Id,
    pub participant_id: Id,
    /// Set by staff; every later plan keeps it.
    pub locked: bool,
    /// It happened.
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Absence {
    pub session_id: Id,
    pub participant_id: Id,
}

impl Turn {
    /// The id of the cell (a team's role in a session of a wave): the same on every
    /// laptop, so a cell planned on two laptops is one row once they sync.
    pub fn cell_id(wave_id: Id, session_id: Id, team: u32, role_id: Id) -> Id {
        mixwell_domain::natural_id(
            "rota_turn",
            &[
                &wave_id.to_string(),
                &session_id.to_string(),
                &team.to_string(),
                &role_id.to_string(),
            ],
        )
    }
}

/// The team set a wave's rota follows and the seed its plans are drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RotaBasis {
    pub team_set_id: Id,
    pub seed: u64,
}

const TURN_COLUMNS: &str = "id, wave_id, session_id, team, role_id, participant_id, locked, done";

type TurnRow = (String, String, String, u32, String, String, bool, bool);

fn to_turn(
    (id, wave, session, team, role, participant, locked, done): TurnRow,
) -> StoreResult<Turn> {
    Ok(Turn {
        id: parse_id(&id)?,
        wave_id: parse_id(&wave)?,
        session_id: parse_id(&session)?,
        team,
        role_id: parse_id(&role)?,
        participant_id: parse_id(&participant)?,
        locked,
        done,
    })
}

fn save_turn(w: &mut Writer<'_>, turn: &Turn) -> StoreResult<()> {
    w.tx().execute(
        "INSERT INTO rota_turn (id, wave_id, session_id, team, role_id, participant_id, locked, done)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET participant_id = excluded.participant_id,
             locked = excluded.locked, done = excluded.done",
        params![
            turn.id.to_string(),
            turn.wave_id.to_string(),
            turn.session_id.to_string(),
            turn.team,
            turn.role_id.to_string(),
            turn.participant_id.to_string(),
            turn.locked,
            turn.done
        ],
    )?;
    w.record(Entity::RotaTurn, turn.id)
}

fn delete_turn(w: &mut Writer<'_>, turn: &Turn) -> StoreResult<()> {
    w.tx()
        .execute("DELETE FROM rota_turn WHERE id = ?1", [turn.id.to_string()])?;
    w.record(Entity::RotaTurn, turn.id)
}

impl Store {
    /// The team set the wave's rota follows, once one has been planned.
    pub fn rota_basis(&self, wave_id: Id) -> StoreResult<Option<RotaBasis>> {
        let row: Option<(String, i64)> = self
            .conn()
            .query_row(
                "SELECT team_set_id, seed FROM rota WHERE wave_id = ?1",
                [wave_id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(set, seed)| {
            Ok(RotaBasis {
                team_set_id: parse_id(&set)?,
                seed: seed as u64,
            })
        })
        .transpose()
    }

    /// Makes the wave's rota follow `basis.team_set_id`.
    pub fn set_rota_basis(&mut self, wave_id: Id, basis: RotaBasis) -> StoreResult<()> {
        self.write(|w| {
            w.tx().execute(
                "INSERT INTO rota (wave_id, team_set_id) VALUES (?1, ?2)
                 ON CONFLICT (wave_id) DO UPDATE SET team_set_id = excluded.team_set_id",
                params![wave_id.to_string(), basis.team_set_id.to_string()],
            )?;
            w.record(Entity::Rota, wave_id)
        })
    }

    /// The wave's turns, team by team.
    pub fn turns(&self, wave_id: Id) -> StoreResult<Vec<Turn>> {
        self.conn()
            .prepare(&format!(
                "SELECT {TURN_COLUMNS} FROM rota_turn WHERE wave_id = ?1 ORDER BY team, id"
            ))?
            .query_map([wave_id.to_string()], |r| TurnRow::try_from(r))?
            .map(|row| to_turn(row?))
            .collect()
    }

    pub fn turn(&self, id: Id) -> StoreResult<Turn> {
        let row = self
            .conn()
            .query_row(
                &format!("SELECT {TURN_COLUMNS} FROM rota_turn WHERE id = ?1"),
                [id.to_string()],
                |r| TurnRow::try_from(r),
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "turn",
                id: id.to_string(),
            })?;
        to_turn(row)
    }

    /// Who is away for which session of the wave.
    pub fn absences(&self, wave_id: Id) -> StoreResult<Vec<Absence>> {
        self.conn()
            .prepare(
                "SELECT session_id, participant_id FROM rota_absence WHERE wave_id = ?1 ORDER BY id",
            )?
            .query_map([wave_id.to_string()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .map(|row| {
                let (session, participant) = row?;
                Ok(Absence {
                    session_id: parse_id(&session)?,
                    participant_id: parse_id(&participant)?,
                })
            })
            .collect()
    }

    /// Records someone as away for a session of the wave, or as there after all.
    pub fn set_absence(&mut self, wave_id: Id, absence: &Absence, absent: bool) -> StoreResult<()> {
        let key = params![
            wave_id.to_string(),
            absence.session_id.to_string(),
            absence.participant_id.to_string()
        ];
        self.write(|w| {
            let existing: Option<String> = w
                .tx()
                .query_row(
                    "SELECT id FROM rota_absence WHERE wave_id = ?1 AND session_id = ?2 AND participant_id = ?3",
                    key,
                    |r| r.get(0),
                )
                .optional()?;
            match (absent, existing) {
                (true, None) => {
                    let id = mixwell_domain::natural_id(
                        "rota_absence",
                        &[
                            &wave_id.to_string(),
                            &absence.session_id.to_string(),
                            &absence.participant_id.to_string(),
                        ],
                    );
                    w.tx().execute(
                        "INSERT INTO rota_absence (id, wave_id, session_id, participant_id) VALUES (?1, ?2, ?3, ?4)",
                        params![
                            id.to_string(),
                            wave_id.to_string(),
                            absence.session_id.to_string(),
                            absence.participant_id.to_string()
                        ],
                    )?;
                    w.record(Entity::RotaAbsence, id)
                }
                (false, Some(id)) => {
                    w.tx()
                        .execute("DELETE FROM rota_absence WHERE id = ?1", [&id])?;
                    w.record(Entity::RotaAbsence, parse_id(&id)?)
                }
                _ => Ok(()),
            }
        })
    }

    /// Saves `save` (new turns and changed ones, by id) and deletes `delete`, together.
    pub fn write_turns(&mut self, save: &[Turn], delete: &[Turn]) -> StoreResult<()> {
        self.write(|w| {
            for turn in save {
                save_turn(w, turn)?;
            }
            for turn in delete {
                delete_turn(w, turn)?;
            }
            Ok(())
        })
    }
}
