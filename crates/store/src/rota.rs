//! A wave's leadership rota: who holds which role for each team in each session, planned by
//! `mixwell_rota` from the wave's team set and kept in the database. Staff mark turns done
//! and people away (which re-plans the sessions from then on, so whoever missed a turn
//! catches up first), and set turns by hand (kept by every later plan). Every change goes
//! through the outbox.

use std::collections::HashMap;

use mixwell_domain::{Id, Participant, Wave};
use mixwell_rota::{Assignment, Attribute, Breach, FairnessReport, Names, Role, RotaProblem};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::parse_id;
use crate::error::{StoreError, StoreResult};
use crate::outbox::{Op, Writer};
use crate::rota_setup::{ProgrammeRole, ProgrammeSession};
use crate::team_sets::TeamSet;
use crate::Store;

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

/// The fairness rule a warning is about, for the UI to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RotaRule {
    /// Everyone leads once before anyone leads twice.
    LeadsInTurn,
    /// Each role shared within one turn in a team.
    EvenRoles,
    /// Nobody holds a role two sessions running when a teammate could.
    NotTwoRunning,
    /// Leading turns equal across backgrounds.
    EqualStatus,
    /// Nobody away, in two roles, or outside their team; set turns kept.
    Placement,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RotaWarning {
    pub rule: RotaRule,
    pub message: String,
    pub session_id: Option<Id>,
    pub team: Option<u32>,
    pub participants: Vec<Id>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RoleSpread {
    pub team: u32,
    pub role_id: Id,
    pub fewest: u32,
    pub most: u32,
}

/// Leading turns of the people with one value of a balanced attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatusRow {
    pub attribute: String,
    pub value: String,
    pub people: u32,
    pub mean_leads: f64,
    /// Mean leading turns above each person's fair share of their team's: 0 is equal.
    pub mean_excess: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Fairness {
    pub warnings: Vec<RotaWarning>,
    /// Team members who hold no leading turn in the whole rota.
    pub not_led_yet: Vec<Id>,
    pub spreads: Vec<RoleSpread>,
    pub equal_status: Vec<StatusRow>,
}

/// Everything the rota screens show for a wave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Rota {
    pub wave_id: Id,
    /// The team set the rota follows: none until a rota is planned.
    pub team_set_id: Option<Id>,
    pub team_set_name: Option<String>,
    /// Every role of the programme, removed ones last (turns may still name them).
    pub roles: Vec<ProgrammeRole>,
    pub sessions: Vec<ProgrammeSession>,
    /// Each team's members, team 0 first.
    pub teams: Vec<Vec<Id>>,
    pub turns: Vec<Turn>,
    pub absences: Vec<Absence>,
    /// The first session with a turn not yet done: where the "today" view opens.
    pub current_session_id: Option<Id>,
    pub fairness: Fairness,
}

/// The attributes whose values must lead equally often: the default balanced attributes,
/// a blank counting as not recorded rather than as a background.
pub fn status_attributes(people: &[Participant]) -> Vec<Attribute> {
    mixwell_grouping::DEFAULT_BALANCE
        .iter()
        .map(|name| {
            let of: Vec<String> = people
                .iter()
                .map(|p| p.record.attribute(name).unwrap_or_default())
                .collect();
            let coded = mixwell_grouping::Coded::from_values(name, &of);
            Attribute {
                of_person: coded
                    .values
                    .iter()
                    .map(|&v| (!coded.names[v as usize].is_empty()).then_some(v))
                    .collect(),
                name: coded.name,
                values: coded.names,
            }
        })
        .collect()
}

fn invalid(message: impl Into<String>) -> StoreError {
    StoreError::InvalidRota(message.into())
}

/// A wave's rota as read from the database, with the indices the planner works in.
struct Loaded {
    wave: Wave,
    roles: Vec<ProgrammeRole>,
    sessions: Vec<ProgrammeSession>,
    people: Vec<Participant>,
    person: HashMap<Id, u32>,
    set: Option<TeamSet>,
    seed: u64,
    turns: Vec<Turn>,
    absences: Vec<Absence>,
}

impl Loaded {
    fn session_index(&self, id: Id) -> Option<usize> {
        self.sessions.iter().position(|s| s.id == id)
    }

    /// A session's index and a participant's, or which of them is not this wave's.
    fn session_and_person(&self, session_id: Id, participant_id: Id) -> StoreResult<(usize, u32)> {
        let session = self.session_index(session_id).ok_or(StoreError::NotFound {
            what: "session",
            id: session_id.to_string(),
        })?;
        let person = *self.person.get(&participant_id).ok_or_else(|| {
            StoreError::InvalidParticipant(format!(
                "participant {participant_id} is not in this wave"
            ))
        })?;
        Ok((session, person))
    }

    fn role_index(&self, id: Id) -> Option<usize> {
        self.roles.iter().position(|r| r.id == id)
    }

    fn teams(&self) -> Vec<Vec<u32>> {
        let Some(set) = &self.set else {
            return Vec::new();
        };
        let count = set.placements.iter().map(|p| p.team + 1).max().unwrap_or(0);
        let mut teams = vec![Vec::new(); count as usize];
        for p in &set.placements {
            if let Some(&i) = self.person.get(&p.participant_id) {
                teams[p.team as usize].push(i);
            }
        }
        teams.iter_mut().for_each(|t| t.sort_unstable());
        teams
    }

    fn assignment(&self, turn: &Turn) -> Option<Assignment> {
        Some(Assignment {
            session: self.session_index(turn.session_id)?,
            team: turn.team as usize,
            role: self.role_index(turn.role_id)?,
            person: *self.person.get(&turn.participant_id)?,
        })
    }

    /// The first session with no turn done: the sessions before it have happened.
    fn first_open(&self) -> usize {
        let last_done = self
            .turns
            .iter()
            .filter(|t| t.done)
            .filter_map(|t| self.session_index(t.session_id))
            .max();
        last_done.map_or(0, |s| s + 1)
    }

    fn current_session(&self) -> Option<Id> {
        self.sessions
            .iter()
            .find(|s| self.turns.iter().any(|t| t.session_id == s.id && !t.done))
            .map(|s| s.id)
    }

    fn problem(&self, from: usize) -> RotaProblem {
        let role_of = |id: &Id| self.role_index(*id);
        let mut history = Vec::new();
        let mut locked = Vec::new();
        for turn in &self.turns {
            let Some(a) = self.assignment(turn) else {
                continue;
            };
            if a.session < from {
                history.push(a);
            } else if turn.locked || turn.done {
                locked.push(a);
            }
        }
        RotaProblem {
            people: self.people.len(),
            roles: self
                .roles
                .iter()
                .map(|r| Role {
                    name: r.name.clone(),
                    leading: r.leading,
                })
                .collect(),
            sessions: self
                .sessions
                .iter()
                .map(|s| s.roles.iter().filter_map(role_of).collect())
                .collect(),
            teams: self.teams(),
            absent: self
                .absences
                .iter()
                .filter_map(|a| {
                    Some((
                        self.session_index(a.session_id)?,
                        *self.person.get(&a.participant_id)?,
                    ))
                })
                .collect(),
            from_session: from,
            history,
            locked,
            balance: status_attributes(&self.people),
        }
    }

    fn view(&self) -> Rota {
        let problem = self.problem(self.first_open());
        let rota: Vec<Assignment> = self
            .turns
            .iter()
            .filter_map(|t| self.assignment(t))
            .collect();
        let report = FairnessReport::check(&problem, &rota);
        let id_of = |p: u32| self.people[p as usize].id;
        let warnings = report
            .breaches
            .iter()
            .map(|b| RotaWarning {
                rule: rule_of(b),
                message: b.describe(self),
                session_id: b.session().map(|s| self.sessions[s].id),
                team: b.team().map(|t| t as u32),
                participants: b.people().into_iter().map(id_of).collect(),
            })
            .collect();
        Rota {
            wave_id: self.wave.id,
            team_set_id: self.set.as_ref().map(|s| s.id),
            team_set_name: self.set.as_ref().map(|s| s.name.clone()),
            roles: self.roles.clone(),
            sessions: self.sessions.clone(),
            teams: problem
                .teams
                .iter()
                .map(|t| t.iter().map(|&p| id_of(p)).collect())
                .collect(),
            turns: self.turns.clone(),
            absences: self.absences.clone(),
            current_session_id: self.current_session(),
            fairness: Fairness {
                warnings,
                not_led_yet: report.not_led_yet.iter().map(|&p| id_of(p)).collect(),
                spreads: report
                    .spreads
                    .iter()
                    .map(|s| RoleSpread {
                        team: s.team as u32,
                        role_id: self.roles[s.role].id,
                        fewest: s.fewest,
                        most: s.most,
                    })
                    .collect(),
                equal_status: report
                    .equal_status
                    .iter()
                    .map(|row| StatusRow {
                        attribute: row.attribute.clone(),
                        value: row.value.clone(),
                        people: row.people,
                        mean_leads: row.mean_leads,
                        mean_excess: row.mean_excess,
                    })
                    .collect(),
            },
        }
    }
}

impl Names for Loaded {
    fn person(&self, person: u32) -> String {
        self.people[person as usize].record.full_name()
    }
    fn team(&self, team: usize) -> String {
        format!("team {}", team + 1)
    }
    fn role(&self, role: usize) -> String {
        self.roles[role].name.clone()
    }
    fn session(&self, session: usize) -> String {
        self.sessions[session].name.clone()
    }
}

fn rule_of(breach: &Breach) -> RotaRule {
    match breach {
        Breach::LedAgainFirst { .. } => RotaRule::LeadsInTurn,
        Breach::UnevenRole { .. } => RotaRule::EvenRoles,
        Breach::TwoRunning { .. } => RotaRule::NotTwoRunning,
        Breach::UnequalStatus { .. } => RotaRule::EqualStatus,
        Breach::Absent { .. } | Breach::Misplaced { .. } | Breach::LockNotKept { .. } => {
            RotaRule::Placement
        }
    }
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
    w.record("rota_turn", turn.id, Op::Upsert, turn)
}

fn delete_turn(w: &mut Writer<'_>, turn: &Turn) -> StoreResult<()> {
    w.tx()
        .execute("DELETE FROM rota_turn WHERE id = ?1", [turn.id.to_string()])?;
    w.record("rota_turn", turn.id, Op::Delete, &turn.id)
}

/// Writes a plan of the sessions from `from` on over what is stored: a cell whose person
/// is unchanged is left alone (with its marks), a changed one keeps its id, cells the plan
/// no longer fills go. Turns marked done are never changed.
fn write_plan(
    w: &mut Writer<'_>,
    loaded: &Loaded,
    from: usize,
    plan: &[Assignment],
) -> StoreResult<()> {
    let key = |t: &Turn| (t.session_id, t.team, t.role_id);
    let mut existing: HashMap<(Id, u32, Id), &Turn> = loaded
        .turns
        .iter()
        .filter(|t| {
            loaded
                .session_index(t.session_id)
                .is_some_and(|s| s >= from)
        })
        .map(|t| (key(t), t))
        .collect();
    for a in plan {
        let cell = (
            loaded.sessions[a.session].id,
            a.team as u32,
            loaded.roles[a.role].id,
        );
        let participant_id = loaded.people[a.person as usize].id;
        match existing.remove(&cell) {
            Some(old) if old.done || old.participant_id == participant_id => {}
            Some(old) => save_turn(
                w,
                &Turn {
                    participant_id,
                    locked: false,
                    ..old.clone()
                },
            )?,
            None => save_turn(
                w,
                &Turn {
                    id: Id::now_v7(),
                    wave_id: loaded.wave.id,
                    session_id: cell.0,
                    team: cell.1,
                    role_id: cell.2,
                    participant_id,
                    locked: false,
                    done: false,
                },
            )?,
        }
    }
    for old in existing.values().filter(|t| !t.done) {
        delete_turn(w, old)?;
    }
    Ok(())
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

impl Loaded {
    /// One sheet per team: the sessions with who holds each role the team's sessions use,
    /// who is away, and the members.
    fn sheets(&self) -> Vec<mixwell_print::RotaSheet> {
        let name = |id: &Id| {
            self.person
                .get(id)
                .map(|&p| self.person(p))
                .unwrap_or_default()
        };
        self.teams()
            .iter()
            .enumerate()
            .map(|(team, members)| {
                let ours = |t: &&Turn| t.team as usize == team;
                let roles: Vec<&ProgrammeRole> = self
                    .roles
                    .iter()
                    .filter(|r| {
                        self.sessions.iter().any(|s| s.roles.contains(&r.id))
                            || self.turns.iter().filter(ours).any(|t| t.role_id == r.id)
                    })
                    .collect();
                let member_ids: Vec<Id> = members
                    .iter()
                    .map(|&p| self.people[p as usize].id)
                    .collect();
                mixwell_print::RotaSheet {
                    team: format!("Team {}", team + 1),
                    roles: roles.iter().map(|r| r.name.clone()).collect(),
                    rows: self
                        .sessions
                        .iter()
                        .map(|s| mixwell_print::RotaSessionRow {
                            session: s.name.clone(),
                            holders: roles
                                .iter()
                                .map(|r| {
                                    self.turns
                                        .iter()
                                        .filter(ours)
                                        .find(|t| t.session_id == s.id && t.role_id == r.id)
                                        .map(|t| name(&t.participant_id))
                                        .unwrap_or_default()
                                })
                                .collect(),
                            away: self
                                .absences
                                .iter()
                                .filter(|a| {
                                    a.session_id == s.id && member_ids.contains(&a.participant_id)
                                })
                                .map(|a| name(&a.participant_id))
                                .collect(),
                        })
                        .collect(),
                    members: member_ids.iter().map(name).collect(),
                }
            })
            .collect()
    }
}

impl Store {
    /// The wave's rota as sheets to print, one per team; `subtitle` says for example where
    /// and when it was printed.
    pub fn rota_sheets(
        &self,
        wave_id: Id,
        subtitle: &str,
    ) -> StoreResult<mixwell_print::RotaSheetDocument> {
        let loaded = self.load_rota(wave_id)?;
        if loaded.set.is_none() {
            return Err(invalid("this wave has no rota yet: plan one first"));
        }
        Ok(mixwell_print::RotaSheetDocument {
            title: loaded.wave.name.clone(),
            subtitle: subtitle.to_owned(),
            sheets: loaded.sheets(),
        })
    }

    fn load_rota(&self, wave_id: Id) -> StoreResult<Loaded> {
        let wave = self.wave(wave_id)?;
        let roles = self.all_roles(wave.programme_id)?;
        let sessions = self.sessions(wave.programme_id)?;
        let people = self.participants(wave_id)?;
        let person = people
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i as u32))
            .collect();
        let rota: Option<(String, i64)> = self
            .conn()
            .query_row(
                "SELECT team_set_id, seed FROM rota WHERE wave_id = ?1",
                [wave_id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (set, seed) = match rota {
            Some((set, seed)) => (Some(self.team_set(parse_id(&set)?)?), seed as u64),
            None => (None, 1),
        };
        let turns = self
            .conn()
            .prepare(&format!(
                "SELECT {TURN_COLUMNS} FROM rota_turn WHERE wave_id = ?1 ORDER BY team, id"
            ))?
            .query_map([wave_id.to_string()], |r| TurnRow::try_from(r))?
            .map(|row| to_turn(row?))
            .collect::<StoreResult<Vec<_>>>()?;
        let absences = self
            .conn()
            .prepare("SELECT session_id, participant_id FROM rota_absence WHERE wave_id = ?1 ORDER BY id")?
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
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Loaded {
            wave,
            roles,
            sessions,
            people,
            person,
            set,
            seed,
            turns,
            absences,
        })
    }

    /// The wave's rota with its fairness check; empty until one is planned.
    pub fn rota(&self, wave_id: Id) -> StoreResult<Rota> {
        Ok(self.load_rota(wave_id)?.view())
    }

    /// Plans the sessions from `from` on and saves the plan.
    fn replan(&mut self, loaded: &Loaded, from: usize) -> StoreResult<()> {
        if loaded.set.is_none() || from >= loaded.sessions.len() {
            return Ok(());
        }
        let plan = mixwell_rota::plan(&loaded.problem(from), loaded.seed)
            .map_err(|e| invalid(e.to_string()))?;
        self.write(|w| write_plan(w, loaded, from, &plan))
    }

    /// Plans the wave's rota for `team_set_id` (by default the one it follows, else the
    /// latest saved team set): every session not yet begun is planned again, keeping turns
    /// set by hand, and people keep the turns they have had in any team.
    pub fn plan_rota(&mut self, wave_id: Id, team_set_id: Option<Id>) -> StoreResult<Rota> {
        let loaded = self.load_rota(wave_id)?;
        let set = match team_set_id.or(loaded.set.as_ref().map(|s| s.id)) {
            Some(id) => self.team_set(id)?,
            None => self.team_sets(wave_id)?.pop().ok_or_else(|| {
                invalid("this wave has no saved team set: form and save teams first")
            })?,
        };
        if set.wave_id != wave_id {
            return Err(invalid(format!(
                "the team set {:?} belongs to another wave",
                set.name
            )));
        }
        if loaded.sessions.is_empty() {
            return Err(invalid("the programme has no sessions: add some first"));
        }
        self.write(|w| {
            w.tx().execute(
                "INSERT INTO rota (wave_id, team_set_id) VALUES (?1, ?2)
                 ON CONFLICT (wave_id) DO UPDATE SET team_set_id = excluded.team_set_id",
                params![wave_id.to_string(), set.id.to_string()],
            )?;
            w.record(
                "rota",
                wave_id,
                Op::Upsert,
                &serde_json::json!({ "wave_id": wave_id, "team_set_id": set.id, "seed": loaded.seed }),
            )
        })?;
        let loaded = self.load_rota(wave_id)?;
        self.replan(&loaded, loaded.first_open())?;
        self.rota(wave_id)
    }

    /// Marks someone away for a session (or back), and plans that session's open turns and
    /// every later session again, so whoever missed a turn catches up first.
    pub fn set_absent(
        &mut self,
        wave_id: Id,
        session_id: Id,
        participant_id: Id,
        absent: bool,
    ) -> StoreResult<Rota> {
        let loaded = self.load_rota(wave_id)?;
        let (session, person) = loaded.session_and_person(session_id, participant_id)?;
        if let Some(done) = loaded.turns.iter().find(|t| {
            absent && t.done && t.session_id == session_id && t.participant_id == participant_id
        }) {
            let role = &loaded.roles[loaded.role_index(done.role_id).unwrap_or(0)].name;
            return Err(invalid(format!(
                "{}'s turn as {role} in {} is marked done; undo that first",
                loaded.person(person),
                loaded.sessions[session].name
            )));
        }
        let existing: Option<String> = self
            .conn()
            .query_row(
                "SELECT id FROM rota_absence WHERE wave_id = ?1 AND session_id = ?2 AND participant_id = ?3",
                params![wave_id.to_string(), session_id.to_string(), participant_id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        self.write(|w| match (absent, existing) {
            (true, None) => {
                let id = Id::now_v7();
                w.tx().execute(
                    "INSERT INTO rota_absence (id, wave_id, session_id, participant_id) VALUES (?1, ?2, ?3, ?4)",
                    params![id.to_string(), wave_id.to_string(), session_id.to_string(), participant_id.to_string()],
                )?;
                w.record(
                    "rota_absence",
                    id,
                    Op::Upsert,
                    &serde_json::json!({ "wave_id": wave_id, "session_id": session_id, "participant_id": participant_id }),
                )
            }
            (false, Some(id)) => {
                w.tx()
                    .execute("DELETE FROM rota_absence WHERE id = ?1", [&id])?;
                w.record("rota_absence", parse_id(&id)?, Op::Delete, &id)
            }
            _ => Ok(()),
        })?;
        let loaded = self.load_rota(wave_id)?;
        self.replan(&loaded, session)?;
        self.rota(wave_id)
    }

    fn turn(&self, id: Id) -> StoreResult<Turn> {
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

    /// Marks a turn as having happened (or not).
    pub fn set_turn_done(&mut self, turn_id: Id, done: bool) -> StoreResult<Rota> {
        let turn = Turn {
            done,
            ..self.turn(turn_id)?
        };
        self.write(|w| save_turn(w, &turn))?;
        self.rota(turn.wave_id)
    }

    /// Lets the planner choose a turn staff set by hand again (from the next plan on).
    pub fn unlock_turn(&mut self, turn_id: Id) -> StoreResult<Rota> {
        let turn = Turn {
            locked: false,
            ..self.turn(turn_id)?
        };
        self.write(|w| save_turn(w, &turn))?;
        self.rota(turn.wave_id)
    }

    /// A hand edit: `participant_id` holds `role_id` for their team in the session, set so
    /// that later plans keep it. Whoever held it swaps to the person's old role in that
    /// session, if they had one. Later sessions are planned again around it; the rota's
    /// warnings say if the edit breaks a rule.
    pub fn assign_turn(
        &mut self,
        wave_id: Id,
        session_id: Id,
        role_id: Id,
        participant_id: Id,
    ) -> StoreResult<Rota> {
        let loaded = self.load_rota(wave_id)?;
        let (session, person) = loaded.session_and_person(session_id, participant_id)?;
        let name = loaded.person(person);
        let session_name = &loaded.sessions[session].name;
        let team = loaded
            .teams()
            .iter()
            .position(|t| t.contains(&person))
            .ok_or_else(|| invalid(format!("{name} is not in a team of the rota")))?
            as u32;
        let role = loaded.role_index(role_id).ok_or(StoreError::NotFound {
            what: "role",
            id: role_id.to_string(),
        })?;
        let role_name = &loaded.roles[role].name;
        if !loaded.sessions[session].roles.contains(&role_id) {
            return Err(invalid(format!(
                "{session_name} does not use the role {role_name}"
            )));
        }
        if loaded
            .absences
            .iter()
            .any(|a| a.session_id == session_id && a.participant_id == participant_id)
        {
            return Err(invalid(format!("{name} is away for {session_name}")));
        }
        let in_session = |t: &&Turn| t.session_id == session_id && t.team == team;
        let cell = loaded
            .turns
            .iter()
            .filter(in_session)
            .find(|t| t.role_id == role_id);
        let held = loaded
            .turns
            .iter()
            .filter(in_session)
            .find(|t| t.participant_id == participant_id);
        for turn in [cell, held].into_iter().flatten() {
            let unchanged = turn.participant_id == participant_id && turn.role_id == role_id;
            if turn.done && !unchanged {
                return Err(invalid(format!(
                    "the turns in {session_name} are marked done; undo that first"
                )));
            }
        }
        self.write(|w| {
            if let (Some(held), Some(cell)) = (held, cell) {
                if held.id != cell.id {
                    save_turn(
                        w,
                        &Turn {
                            participant_id: cell.participant_id,
                            ..held.clone()
                        },
                    )?;
                }
            } else if let Some(held) = held {
                delete_turn(w, held)?;
            }
            let turn = match cell {
                Some(cell) => Turn {
                    participant_id,
                    locked: true,
                    ..cell.clone()
                },
                None => Turn {
                    id: Id::now_v7(),
                    wave_id,
                    session_id,
                    team,
                    role_id,
                    participant_id,
                    locked: true,
                    done: false,
                },
            };
            save_turn(w, &turn)
        })?;
        let loaded = self.load_rota(wave_id)?;
        self.replan(&loaded, session + 1)?;
        self.rota(wave_id)
    }
}
