//! What a rota is planned from, and the running tally of turns that planning and checking
//! share.

use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    /// Whether holding it counts as leading (the turns that must be shared out first).
    pub leading: bool,
}

/// One person holding one role for one team in one session. Sessions and teams are indices
/// into the problem; people are indices from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Assignment {
    pub session: usize,
    pub team: usize,
    pub role: usize,
    pub person: u32,
}

/// An attribute whose values must get equal shares of leading, e.g. gender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub name: String,
    pub values: Vec<String>,
    /// Each person's value, as an index into `values`; `None` when not recorded.
    pub of_person: Vec<Option<u32>>,
}

#[derive(Debug, Clone, Default)]
pub struct RotaProblem {
    pub people: usize,
    pub roles: Vec<Role>,
    /// For each session, the roles in use, in the order they are filled: a team with fewer
    /// people present than roles fills the first ones.
    pub sessions: Vec<Vec<usize>>,
    /// Each team's members (as they are now; history keeps earlier teams' turns).
    pub teams: Vec<Vec<u32>>,
    /// (session, person) pairs: who is away when.
    pub absent: Vec<(usize, u32)>,
    /// Sessions before this one have happened: their turns are in `history` and are kept.
    pub from_session: usize,
    /// Turns already taken, in any team (people who moved keep theirs).
    pub history: Vec<Assignment>,
    /// Assignments staff fixed by hand in the sessions still to plan.
    pub locked: Vec<Assignment>,
    /// Attributes whose values must lead equally often.
    pub balance: Vec<Attribute>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RotaError {
    #[error("there are no roles to rotate")]
    NoRoles,
    #[error("session {session} uses role {role}, which does not exist")]
    UnknownRole { session: usize, role: usize },
    #[error("session {session} uses the role {name:?} twice")]
    RoleTwice { session: usize, name: String },
    #[error("person {person} is in two teams")]
    TwoTeams { person: u32 },
    #[error("person {person} is not one of the {people} people")]
    UnknownPerson { person: u32, people: usize },
    #[error("session {session} is not one of the {sessions} sessions")]
    UnknownSession { session: usize, sessions: usize },
}

impl RotaProblem {
    pub fn check(&self) -> Result<(), RotaError> {
        if self.roles.is_empty() {
            return Err(RotaError::NoRoles);
        }
        let person = |p: u32| {
            if (p as usize) < self.people {
                Ok(())
            } else {
                Err(RotaError::UnknownPerson {
                    person: p,
                    people: self.people,
                })
            }
        };
        let session = |s: usize| {
            if s < self.sessions.len() {
                Ok(())
            } else {
                Err(RotaError::UnknownSession {
                    session: s,
                    sessions: self.sessions.len(),
                })
            }
        };
        for (s, roles) in self.sessions.iter().enumerate() {
            let mut seen = HashSet::new();
            for &r in roles {
                let role = self.roles.get(r).ok_or(RotaError::UnknownRole {
                    session: s,
                    role: r,
                })?;
                if !seen.insert(r) {
                    return Err(RotaError::RoleTwice {
                        session: s,
                        name: role.name.clone(),
                    });
                }
            }
        }
        let mut placed = HashSet::new();
        for &p in self.teams.iter().flatten() {
            person(p)?;
            if !placed.insert(p) {
                return Err(RotaError::TwoTeams { person: p });
            }
        }
        for &(s, p) in &self.absent {
            session(s)?;
            person(p)?;
        }
        for a in self.history.iter().chain(&self.locked) {
            session(a.session)?;
            person(a.person)?;
            if a.role >= self.roles.len() {
                return Err(RotaError::UnknownRole {
                    session: a.session,
                    role: a.role,
                });
            }
        }
        Ok(())
    }

    pub(crate) fn absences(&self) -> HashSet<(usize, u32)> {
        self.absent.iter().copied().collect()
    }

    /// Each person's team now, if any.
    pub(crate) fn team_of(&self) -> Vec<Option<usize>> {
        let mut team = vec![None; self.people];
        for (t, members) in self.teams.iter().enumerate() {
            for &p in members {
                team[p as usize] = Some(t);
            }
        }
        team
    }
}

/// Turns so far: per person per role, leading turns, and who held a role in each session.
#[derive(Debug, Clone)]
pub(crate) struct Tally {
    roles: usize,
    turns: Vec<u32>,
    leads: Vec<u32>,
    held: Vec<HashSet<u32>>,
}

impl Tally {
    pub fn new(problem: &RotaProblem) -> Tally {
        Tally {
            roles: problem.roles.len(),
            turns: vec![0; problem.people * problem.roles.len()],
            leads: vec![0; problem.people],
            held: vec![HashSet::new(); problem.sessions.len()],
        }
    }

    pub fn record(&mut self, problem: &RotaProblem, a: &Assignment) {
        self.turns[a.person as usize * self.roles + a.role] += 1;
        if problem.roles[a.role].leading {
            self.leads[a.person as usize] += 1;
        }
        if let Some(held) = self.held.get_mut(a.session) {
            held.insert(a.person);
        }
    }

    pub fn turns(&self, person: u32, role: usize) -> u32 {
        self.turns[person as usize * self.roles + role]
    }

    pub fn leads(&self, person: u32) -> u32 {
        self.leads[person as usize]
    }

    pub fn total(&self, person: u32) -> u32 {
        let start = person as usize * self.roles;
        self.turns[start..start + self.roles].iter().sum()
    }

    /// Whether the person held any role in the session.
    pub fn held(&self, session: usize, person: u32) -> bool {
        self.held.get(session).is_some_and(|h| h.contains(&person))
    }
}
