//! A wave's rota as read from the store, in the indices the planner and the checker work
//! in, and what the screens and sheets are made of.

use std::collections::HashMap;

use mixwell_domain::{Id, Participant, Wave};
use mixwell_rota::{Assignment, Attribute, FairnessReport, Names, Role, RotaProblem};
use mixwell_store::{Absence, ProgrammeRole, ProgrammeSession, Store, StoreError, TeamSet, Turn};

use super::{Fairness, RoleSpread, Rota, RotaWarning, StatusRow};
use crate::error::ActionResult;

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

/// A wave's rota as read from the database, with the indices the planner works in.
pub(super) struct Loaded {
    pub(super) wave: Wave,
    pub(super) roles: Vec<ProgrammeRole>,
    pub(super) sessions: Vec<ProgrammeSession>,
    pub(super) people: Vec<Participant>,
    pub(super) person: HashMap<Id, u32>,
    pub(super) set: Option<TeamSet>,
    pub(super) seed: u64,
    pub(super) turns: Vec<Turn>,
    pub(super) absences: Vec<Absence>,
}

impl Loaded {
    /// The wave's rota as the database holds it (inside the action's transaction).
    pub(super) fn read(store: &Store, wave_id: Id) -> ActionResult<Loaded> {
        let wave = store.wave(wave_id)?;
        let roles = store.all_roles(wave.programme_id)?;
        let sessions = store.sessions(wave.programme_id)?;
        let people = store.participants(wave_id)?;
        let person = people
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i as u32))
            .collect();
        let (set, seed) = match store.rota_basis(wave_id)? {
            Some(basis) => (Some(store.team_set(basis.team_set_id)?), basis.seed),
            None => (None, 1),
        };
        Ok(Loaded {
            turns: store.turns(wave_id)?,
            absences: store.absences(wave_id)?,
            wave,
            roles,
            sessions,
            people,
            person,
            set,
            seed,
        })
    }

    pub(super) fn session_index(&self, id: Id) -> Option<usize> {
        self.sessions.iter().position(|s| s.id == id)
    }

    /// A session's index and a participant's, or which of them is not this wave's.
    pub(super) fn session_and_person(
        &self,
        session_id: Id,
        participant_id: Id,
    ) -> ActionResult<(usize, u32)> {
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

    pub(super) fn role_index(&self, id: Id) -> Option<usize> {
        self.roles.iter().position(|r| r.id == id)
    }

    pub(super) fn teams(&self) -> Vec<Vec<u32>> {
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
    pub(super) fn first_open(&self) -> usize {
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

    pub(super) fn problem(&self, from: usize) -> RotaProblem {
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

    pub(super) fn view(&self) -> Rota {
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
                rule: b.rule(),
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

/// What a plan of the sessions from `from` on changes in what is stored, as turns to save
/// and turns to delete: a cell whose person is unchanged is left alone (with its marks), a
/// changed one keeps its id, cells the plan no longer fills go. Turns marked done are never
/// changed.
pub(super) fn plan_changes(
    loaded: &Loaded,
    from: usize,
    plan: &[Assignment],
) -> (Vec<Turn>, Vec<Turn>) {
    let mut save = Vec::new();
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
            Some(old) => save.push(Turn {
                participant_id,
                locked: false,
                ..old.clone()
            }),
            None => save.push(Turn {
                id: Turn::cell_id(loaded.wave.id, cell.0, cell.1, cell.2),
                wave_id: loaded.wave.id,
                session_id: cell.0,
                team: cell.1,
                role_id: cell.2,
                participant_id,
                locked: false,
                done: false,
            }),
        }
    }
    let delete = existing
        .values()
        .filter(|t| !t.done)
        .map(|&t| t.clone())
        .collect();
    (save, delete)
}

impl Loaded {
    /// One sheet per team: the sessions with who holds each role the team's sessions use,
    /// who is away, and the members.
    pub(super) fn sheets(&self) -> Vec<mixwell_print::RotaSheet> {
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
