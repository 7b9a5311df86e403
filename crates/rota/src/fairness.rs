//! Checking a rota (planned, edited by hand, or both) against the fairness rules, with the
//! figures staff see: who has not led yet, the spread of each role within each team, and
//! leading turns by background.

use std::collections::{HashMap, HashSet};

use crate::problem::{Assignment, RotaProblem, Tally};
use crate::status::{self, excess_leads, mean_by_value};

/// The fairness rule a breach is about, for staff and the UI to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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

/// A rule the rota breaks, with who is concerned. Sessions, teams and roles are indices.
#[derive(Debug, Clone, PartialEq)]
pub enum Breach {
    /// Rule 1: `person` leads for the `(leads_before + 1)`th time while `waiting`, present
    /// and not leading, has led fewer times.
    LedAgainFirst {
        session: usize,
        team: usize,
        person: u32,
        waiting: u32,
    },
    /// Rule 2: in `team`, the turns at `role` of people present throughout differ by more
    /// than one.
    UnevenRole {
        team: usize,
        role: usize,
        fewest: u32,
        most: u32,
    },
    /// Rule 3: `person` holds a role two sessions running although a teammate present, who
    /// had none last session, could have taken it without leading more often or holding the
    /// role more often than they (so without giving up rule 1 or 2 for it).
    TwoRunning {
        session: usize,
        team: usize,
        person: u32,
    },
    /// Rule 4: people with one value of `attribute` lead more often, beyond what rounding
    /// forces, than people with another.
    UnequalStatus {
        attribute: String,
        ahead: String,
        behind: String,
    },
    /// Rule 5: someone absent holds a role.
    Absent {
        session: usize,
        team: usize,
        role: usize,
        person: u32,
    },
    /// A person holds two roles in one session, or a role for a team they are not in.
    Misplaced {
        session: usize,
        team: usize,
        role: usize,
        person: u32,
    },
    /// An assignment staff locked is not in the rota (the person is away, or the team has
    /// fewer people present than roles).
    LockNotKept {
        session: usize,
        team: usize,
        role: usize,
        person: u32,
    },
}

/// Within a team, the fewest and most turns at a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSpread {
    pub team: usize,
    pub role: usize,
    pub fewest: u32,
    pub most: u32,
}

/// Leading turns of the people with one value of a balanced attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueTurns {
    pub attribute: String,
    pub value: String,
    pub people: u32,
    pub mean_leads: f64,
    /// Mean leading turns above each person's fair share of their team's: 0 is equal status.
    pub mean_excess: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FairnessReport {
    pub breaches: Vec<Breach>,
    /// Team members who have not held a leading role in `rota`.
    pub not_led_yet: Vec<u32>,
    pub spreads: Vec<RoleSpread>,
    pub equal_status: Vec<ValueTurns>,
}

impl FairnessReport {
    /// Checks `rota`: every assignment, done and planned. Rules about order (1 and 3) are
    /// checked from `problem.from_session` on, where today's teams apply.
    pub fn check(problem: &RotaProblem, rota: &[Assignment]) -> FairnessReport {
        let absent = problem.absences();
        let team_of = problem.team_of();
        let mut breaches = Vec::new();
        let mut by_session: Vec<Vec<&Assignment>> = vec![Vec::new(); problem.sessions.len()];
        for a in rota.iter().filter(|a| a.session < problem.sessions.len()) {
            by_session[a.session].push(a);
        }
        let mut tally = Tally::new(problem);
        let mut targets = status::Targets::default();
        for (session, assignments) in by_session.iter().enumerate() {
            let ordered = session >= problem.from_session;
            if ordered {
                // The planner's share-out, from the same turns: what it may do is what passes.
                status::update_targets(&mut targets, problem, &tally, &absent, session);
            }
            let slack = if ordered {
                status::slack(problem, &tally, &absent, &targets, session)
            } else {
                Vec::new()
            };
            let mut holding = HashSet::new();
            for a in assignments {
                if absent.contains(&(session, a.person)) {
                    breaches.push(Breach::Absent {
                        session,
                        team: a.team,
                        role: a.role,
                        person: a.person,
                    });
                }
                let wrong_team = ordered && team_of[a.person as usize] != Some(a.team);
                if !holding.insert(a.person) || wrong_team {
                    breaches.push(Breach::Misplaced {
                        session,
                        team: a.team,
                        role: a.role,
                        person: a.person,
                    });
                }
            }
            // Team by team, as the planner goes: each team sees the teams before it.
            for (team, members) in problem.teams.iter().enumerate() {
                if ordered {
                    let present: Vec<u32> = members
                        .iter()
                        .copied()
                        .filter(|&p| !absent.contains(&(session, p)))
                        .collect();
                    breaches.extend(led_again_first(
                        problem,
                        &tally,
                        assignments,
                        session,
                        team,
                        &present,
                    ));
                    let moment = Moment {
                        session,
                        team,
                        present: &present,
                        holding: &holding,
                        targets: &targets,
                        slack: &slack,
                    };
                    breaches.extend(two_running(problem, &tally, assignments, &moment));
                }
                for a in assignments.iter().filter(|a| a.team == team) {
                    tally.record(problem, a);
                }
            }
            for a in assignments.iter().filter(|a| a.team >= problem.teams.len()) {
                tally.record(problem, a);
            }
        }
        let kept: HashSet<&Assignment> = rota.iter().collect();
        breaches.extend(
            problem
                .locked
                .iter()
                .filter(|l| !kept.contains(l))
                .map(|l| Breach::LockNotKept {
                    session: l.session,
                    team: l.team,
                    role: l.role,
                    person: l.person,
                }),
        );
        let spreads = spreads(problem, &tally);
        breaches.extend(uneven_roles(problem, &tally, &absent).into_iter().map(|s| {
            Breach::UnevenRole {
                team: s.team,
                role: s.role,
                fewest: s.fewest,
                most: s.most,
            }
        }));
        let (equal_status, unequal) = equal_status(problem, &tally, &absent);
        breaches.extend(unequal);
        let not_led_yet = problem
            .teams
            .iter()
            .flatten()
            .copied()
            .filter(|&p| tally.leads(p) == 0)
            .collect();
        FairnessReport {
            breaches,
            not_led_yet,
            spreads,
            equal_status,
        }
    }
}

/// Rule 1 at one session for one team: a leader may not have led more often than anyone
/// present who is not leading now.
fn led_again_first(
    problem: &RotaProblem,
    tally: &Tally,
    assignments: &[&Assignment],
    session: usize,
    team: usize,
    present: &[u32],
) -> Vec<Breach> {
    let leaders: HashSet<u32> = assignments
        .iter()
        .filter(|a| a.team == team && problem.roles[a.role].leading)
        .map(|a| a.person)
        .collect();
    let Some(waiting) = present
        .iter()
        .copied()
        .filter(|p| !leaders.contains(p))
        .min_by_key(|&p| (tally.leads(p), p))
    else {
        return Vec::new();
    };
    let mut leaders: Vec<u32> = leaders.into_iter().collect();
    leaders.sort_unstable();
    leaders
        .into_iter()
        .filter(|&p| tally.leads(p) > tally.leads(waiting))
        .map(|person| Breach::LedAgainFirst {
            session,
            team,
            person,
            waiting,
        })
        .collect()
}

/// One team at one session, as rule 3 needs it.
struct Moment<'a> {
    session: usize,
    team: usize,
    present: &'a [u32],
    holding: &'a HashSet<u32>,
    /// Everyone's leading turns as the wave's share-out plans them: a spare leading turn
    /// goes by it before rule 3.
    targets: &'a status::Targets,
    /// How long each person can wait for those turns (`status::slack`).
    slack: &'a [u32],
}

/// Rule 3 at one session for one team: holding a role again straight away is a breach when
/// a teammate present who held none last session and holds none now could have taken it
/// without giving up a rule ranked above: for a leading role, leading turns and the wave's
/// share-out of spare ones (which leading role each leader holds is evened out later); for
/// any other role, turns of the role.
fn two_running(
    problem: &RotaProblem,
    tally: &Tally,
    assignments: &[&Assignment],
    moment: &Moment,
) -> Vec<Breach> {
    let Moment {
        session,
        team,
        present,
        holding,
        targets,
        slack,
    } = *moment;
    if session == 0 {
        return Vec::new();
    }
    let idle: Vec<u32> = present
        .iter()
        .copied()
        .filter(|&p| !holding.contains(&p) && !tally.held(session - 1, p))
        .collect();
    let mut again: Vec<u32> = assignments
        .iter()
        .filter(|a| a.team == team && tally.held(session - 1, a.person))
        .filter(|a| {
            let leading = problem.roles[a.role].leading;
            idle.iter().any(|&q| {
                if leading {
                    status::lead_order(tally, targets, slack, (session, q))
                        <= status::lead_order(tally, targets, slack, (session, a.person))
                } else {
                    tally.turns(q, a.role) <= tally.turns(a.person, a.role)
                }
            })
        })
        .map(|a| a.person)
        .collect();
    again.sort_unstable();
    again.dedup();
    again
        .into_iter()
        .map(|person| Breach::TwoRunning {
            session,
            team,
            person,
        })
        .collect()
}

fn spread_of(tally: &Tally, people: &[u32], team: usize, role: usize) -> Option<RoleSpread> {
    let turns = people.iter().map(|&p| tally.turns(p, role));
    Some(RoleSpread {
        team,
        role,
        fewest: turns.clone().min()?,
        most: turns.max()?,
    })
}

fn spreads(problem: &RotaProblem, tally: &Tally) -> Vec<RoleSpread> {
    problem
        .teams
        .iter()
        .enumerate()
        .flat_map(|(team, members)| {
            (0..problem.roles.len()).filter_map(move |role| spread_of(tally, members, team, role))
        })
        .collect()
}

/// Rule 2: spreads above one among the people who were there for every session.
fn uneven_roles(
    problem: &RotaProblem,
    tally: &Tally,
    absent: &HashSet<(usize, u32)>,
) -> Vec<RoleSpread> {
    let ever_away: HashSet<u32> = absent.iter().map(|&(_, p)| p).collect();
    problem
        .teams
        .iter()
        .enumerate()
        .flat_map(|(team, members)| {
            let steady: Vec<u32> = members
                .iter()
                .copied()
                .filter(|p| !ever_away.contains(p))
                .collect();
            (0..problem.roles.len())
                .filter_map(move |role| spread_of(tally, &steady, team, role))
                .filter(|s| s.most > s.fewest + 1)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Rule 4: per attribute, the values' mean excess may differ by at most what one turn more
/// or fewer for each of the two groups makes (1/n + 1/m): the rounding that sharing whole
/// turns forces.
fn equal_status(
    problem: &RotaProblem,
    tally: &Tally,
    absent: &HashSet<(usize, u32)>,
) -> (Vec<ValueTurns>, Vec<Breach>) {
    let excess = excess_leads(problem, tally, absent);
    let leads: Vec<Option<f64>> = excess
        .iter()
        .enumerate()
        .map(|(p, e)| e.map(|_| f64::from(tally.leads(p as u32))))
        .collect();
    let mut rows = Vec::new();
    let mut breaches = Vec::new();
    for attribute in &problem.balance {
        let mean_excess = mean_by_value(attribute, &excess);
        let mean_leads = mean_by_value(attribute, &leads);
        let mut people: HashMap<u32, u32> = HashMap::new();
        for (p, v) in attribute.of_person.iter().enumerate() {
            if let (Some(v), Some(_)) = (v, excess[p]) {
                *people.entry(*v).or_default() += 1;
            }
        }
        let groups: Vec<(usize, f64, u32)> = (0..attribute.values.len())
            .filter_map(|v| Some((v, mean_excess[v]?, *people.get(&(v as u32))?)))
            .collect();
        for &(v, e, n) in &groups {
            rows.push(ValueTurns {
                attribute: attribute.name.clone(),
                value: attribute.values[v].clone(),
                people: n,
                mean_leads: mean_leads[v].unwrap_or(0.0),
                mean_excess: e,
            });
        }
        let worst = groups
            .iter()
            .flat_map(|a| groups.iter().map(move |b| (a, b)))
            .filter(|(a, b)| a.1 - b.1 > 1.0 / f64::from(a.2) + 1.0 / f64::from(b.2) + 1e-9)
            .max_by(|(a, b), (c, d)| (a.1 - b.1).total_cmp(&(c.1 - d.1)));
        if let Some((ahead, behind)) = worst {
            breaches.push(Breach::UnequalStatus {
                attribute: attribute.name.clone(),
                ahead: attribute.values[ahead.0].clone(),
                behind: attribute.values[behind.0].clone(),
            });
        }
    }
    (rows, breaches)
}

/// How the people, teams, roles and sessions of a problem are called where a breach is
/// shown: participant ids and numbers in the CLI, names in the app.
pub trait Names {
    fn person(&self, person: u32) -> String;
    /// With its noun, e.g. "team 3".
    fn team(&self, team: usize) -> String;
    fn role(&self, role: usize) -> String;
    /// With its noun where it needs one, e.g. "session 2" or "Day 2 morning".
    fn session(&self, session: usize) -> String;
}

impl Breach {
    /// The rule this breach breaks: the one place a breach is mapped to its rule.
    pub fn rule(&self) -> RotaRule {
        match self {
            Breach::LedAgainFirst { .. } => RotaRule::LeadsInTurn,
            Breach::UnevenRole { .. } => RotaRule::EvenRoles,
            Breach::TwoRunning { .. } => RotaRule::NotTwoRunning,
            Breach::UnequalStatus { .. } => RotaRule::EqualStatus,
            Breach::Absent { .. } | Breach::Misplaced { .. } | Breach::LockNotKept { .. } => {
                RotaRule::Placement
            }
        }
    }

    /// What staff read about the breach.
    pub fn describe(&self, names: &dyn Names) -> String {
        match self {
            Breach::LedAgainFirst {
                session,
                team,
                person,
                waiting,
            } => format!(
                "{}: {} leads again in {} before {} has had as many turns",
                names.session(*session),
                names.person(*person),
                names.team(*team),
                names.person(*waiting)
            ),
            Breach::UnevenRole {
                team,
                role,
                fewest,
                most,
            } => format!(
                "{}: {} turns range from {fewest} to {most}",
                capitalised(&names.team(*team)),
                names.role(*role)
            ),
            Breach::TwoRunning {
                session,
                team,
                person,
            } => format!(
                "{}: {} in {} holds a role again straight away",
                names.session(*session),
                names.person(*person),
                names.team(*team)
            ),
            Breach::UnequalStatus {
                attribute,
                ahead,
                behind,
            } => format!(
                "{attribute}: people recorded as {ahead} lead more often than people recorded as {behind}"
            ),
            Breach::Absent {
                session,
                team,
                role,
                person,
            } => format!(
                "{}: {} is away but is {} of {}",
                names.session(*session),
                names.person(*person),
                names.role(*role),
                names.team(*team)
            ),
            Breach::Misplaced {
                session,
                team,
                role,
                person,
            } => format!(
                "{}: {} cannot be {} of {}",
                names.session(*session),
                names.person(*person),
                names.role(*role),
                names.team(*team)
            ),
            Breach::LockNotKept {
                session,
                team,
                role,
                person,
            } => format!(
                "{}: {} was fixed as {} of {} but is not",
                names.session(*session),
                names.person(*person),
                names.role(*role),
                names.team(*team)
            ),
        }
    }

    /// The session the breach happens in, if it is about one.
    pub fn session(&self) -> Option<usize> {
        match self {
            Breach::LedAgainFirst { session, .. }
            | Breach::TwoRunning { session, .. }
            | Breach::Absent { session, .. }
            | Breach::Misplaced { session, .. }
            | Breach::LockNotKept { session, .. } => Some(*session),
            Breach::UnevenRole { .. } | Breach::UnequalStatus { .. } => None,
        }
    }

    /// The team the breach happens in, if it is about one.
    pub fn team(&self) -> Option<usize> {
        match self {
            Breach::LedAgainFirst { team, .. }
            | Breach::UnevenRole { team, .. }
            | Breach::TwoRunning { team, .. }
            | Breach::Absent { team, .. }
            | Breach::Misplaced { team, .. }
            | Breach::LockNotKept { team, .. } => Some(*team),
            Breach::UnequalStatus { .. } => None,
        }
    }

    /// The people it concerns.
    pub fn people(&self) -> Vec<u32> {
        match self {
            Breach::LedAgainFirst {
                person, waiting, ..
            } => vec![*person, *waiting],
            Breach::TwoRunning { person, .. }
            | Breach::Absent { person, .. }
            | Breach::Misplaced { person, .. }
            | Breach::LockNotKept { person, .. } => vec![*person],
            Breach::UnevenRole { .. } | Breach::UnequalStatus { .. } => Vec::new(),
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
