//! After planning, evening out turns per role (rule 2). Passing roles along a chain of
//! sessions of one team changes nothing that rule 1 or rule 4 looks at (who leads how
//! often), only turns per role: in each session of the chain one person gives up role `a`
//! for role `b` and the next gives up `b` for `a`, where `a` and `b` both lead or both do
//! not. Everyone in the middle of the chain ends with the turns they had; the first person
//! has one `a` fewer and one `b` more, the last the other way round. (These are the
//! alternating paths of edge colouring: sessions and people are the two sides, and roles
//! the colours.) Sitting a session out counts as one more role that does not lead.
//!
//! The session-by-session matching can leave a role uneven: by the last sessions the
//! people whose turn it is to lead may all have held that leading role already, or the one
//! who sits out least may have had to take the same other role once too often (the
//! share-out of leading turns decides how many turns of the other roles each person can
//! have). A chain of leading roles cannot make a breach of rule 3, which looks at who leads
//! and who holds a role when, not at which leading role; a chain of the other roles can, as
//! rule 3 weighs their turns as they stood at the time and who sits out when, so it is kept
//! only when the checker finds no more breaches of rule 3 than before. Breadth-first search
//! offers one path to each person; when the checker turns them all down and a role is still
//! uneven among the members there for every session (whom rule 2 is about), every simple
//! path of up to `PATH_LIMIT` links is tried, and one is also kept when it leaves fewer
//! roles uneven among them though the sum of squares over everyone does not fall.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::fairness::{Breach, FairnessReport};
use crate::problem::{Assignment, RotaProblem};

/// The longest chain tried when breadth-first search leaves a role uneven.
const PATH_LIMIT: usize = 5;
/// Chains tried per team that even out the members there throughout without lowering the
/// sum of squares: each runs the fairness checker, so a large wave stays fast.
const EVENER_TRIES: usize = 24;

/// Passes roles along chains while that lowers the sum over people and roles of turns
/// squared; each chain lowers it by a whole number, so it ends. Turns taken before the plan
/// count; assignments fixed by hand are never moved.
pub(crate) fn even_out_roles(problem: &RotaProblem, planned: &mut [Assignment]) {
    let sit_out = problem.roles.len();
    let mut turns = Turns {
        columns: sit_out + 1,
        count: vec![0; problem.people * (sit_out + 1)],
    };
    for a in problem.history.iter().chain(planned.iter()) {
        turns.add(a.person, a.role, 1);
    }
    let absent = problem.absences();
    let ever_away: HashSet<u32> = absent.iter().map(|&(_, p)| p).collect();
    let locked: HashSet<Assignment> = problem.locked.iter().copied().collect();
    // Worked out only once a chain of roles that do not lead is tried.
    let mut two_running: Option<usize> = None;
    for (team, members) in problem.teams.iter().enumerate() {
        let of_team: Vec<usize> = (0..planned.len())
            .filter(|&i| planned[i].team == team)
            .collect();
        let movable = of_team
            .iter()
            .copied()
            .filter(|&i| !locked.contains(&planned[i]))
            .collect();
        let mut pass = Pass {
            problem,
            planned: &mut *planned,
            movable,
            of_team,
            members,
            steady: members
                .iter()
                .copied()
                .filter(|p| !ever_away.contains(p))
                .collect(),
            evener_tries: EVENER_TRIES,
            turns: &mut turns,
            two_running: &mut two_running,
            absent: &absent,
        };
        for session in problem.from_session..problem.sessions.len() {
            for person in pass.sitting_out(session) {
                pass.turns.add(person, sit_out, 1);
            }
        }
        while pass.improve() {}
        // Breadth-first search finds one path to each person; when every chain it offers
        // breaks rule 3 and a role is still uneven, other paths may not.
        while pass.uneven() > 0 && pass.improve_by_any_path() {}
    }
}

#[derive(Clone)]
struct Turns {
    columns: usize,
    count: Vec<i64>,
}

impl Turns {
    fn at(&self, person: u32, role: usize) -> i64 {
        self.count[person as usize * self.columns + role]
    }

    fn add(&mut self, person: u32, role: usize, amount: i64) {
        self.count[person as usize * self.columns + role] += amount;
    }
}

/// What passing `a` along a chain (and `b` back) does to the sum over people and roles of
/// turns squared, where sitting out does not count: the first person `p` has one `a` fewer
/// and one `b` more, the last `q` the other way round, so the sum changes by
/// `2 (surplus(q) - surplus(p)) + 2 × (how many of a and b are roles)`.
struct Gain {
    roles: (usize, usize),
    real: (bool, bool),
    /// How far `surplus(p) - surplus(q)` must go for the sum to fall.
    needed: i64,
}

impl Gain {
    fn new(problem: &RotaProblem, (a, b): (usize, usize)) -> Gain {
        let real = (a < problem.roles.len(), b < problem.roles.len());
        Gain {
            roles: (a, b),
            real,
            needed: i64::from(real.0) + i64::from(real.1) + 1,
        }
    }

    fn surplus(&self, turns: &Turns, p: u32) -> i64 {
        let (a, b) = self.roles;
        let of = |real: bool, role: usize| if real { turns.at(p, role) } else { 0 };
        of(self.real.0, a) - of(self.real.1, b)
    }
}

/// One link of a chain, in one session: `from` gives up `a` (the assignment `gives`, or
/// sitting out when `None`) and takes `b` from `to` (the assignment `takes`, or `to` was
/// sitting out).
#[derive(Clone, Copy)]
struct Step {
    from: u32,
    to: u32,
    gives: Option<usize>,
    takes: Option<usize>,
    roles: (usize, usize),
}

/// The chains of one team, over indices into `planned`.
struct Pass<'a> {
    problem: &'a RotaProblem,
    planned: &'a mut [Assignment],
    of_team: Vec<usize>,
    /// The team's assignments not fixed by hand.
    movable: Vec<usize>,
    members: &'a [u32],
    /// The members there for every session: rule 2 is about them.
    steady: Vec<u32>,
    /// Chains still to try that leave fewer roles uneven among them without lowering the
    /// sum of squares (`keep_if_evener`).
    evener_tries: usize,
    turns: &'a mut Turns,
    two_running: &'a mut Option<usize>,
    absent: &'a HashSet<(usize, u32)>,
}

impl Pass<'_> {
    /// Whether column `column` of `turns` is a leading role (sitting out is not).
    fn leads(&self, column: usize) -> bool {
        column < self.problem.roles.len() && self.problem.roles[column].leading
    }

    /// The columns `a` can be passed along a chain with: the others of its kind.
    fn partners(&self, a: usize) -> Vec<usize> {
        (0..self.turns.columns)
            .filter(|&b| b != a && self.leads(a) == self.leads(b))
            .collect()
    }

    /// Finds and applies one chain that lowers the sum of squares: from person `p`
    /// holding `a`, through people who each hold `a` in one session and `b` in another
    /// (or sit out), to a person `q` for whom taking one `a` more and one `b` fewer helps
    /// more than it costs. Returns whether it found one.
    fn improve(&mut self) -> bool {
        for a in 0..self.turns.columns {
            for b in self.partners(a) {
                let gain = Gain::new(self.problem, (a, b));
                let surplus = |p: u32| gain.surplus(self.turns, p);
                let (Some(most), Some(least)) = (
                    self.members.iter().map(|&p| surplus(p)).max(),
                    self.members.iter().map(|&p| surplus(p)).min(),
                ) else {
                    return false;
                };
                if most - least < gain.needed {
                    continue;
                }
                let from: Vec<u32> = self
                    .members
                    .iter()
                    .copied()
                    .filter(|&p| surplus(p) - least >= gain.needed)
                    .collect();
                for p in from {
                    if self.chain_from(&gain, p) {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Like `improve`, for the roles still uneven, trying every simple path of up to
    /// `PATH_LIMIT` links rather than the first path to each person.
    fn improve_by_any_path(&mut self) -> bool {
        let uneven: Vec<usize> = (0..self.problem.roles.len())
            .filter(|&r| self.spread(r) > 1)
            .collect();
        for &a in &uneven {
            for b in self.partners(a) {
                let gain = Gain::new(self.problem, (a, b));
                let most = self
                    .steady
                    .iter()
                    .copied()
                    .max_by_key(|&p| self.turns.at(p, a));
                let Some(p) = most else { return false };
                let mut path = Vec::new();
                if self.paths_from(&gain, p, p, &mut path) {
                    return true;
                }
            }
        }
        false
    }

    /// Depth-first over simple paths from `x` (the chain so far in `path`, starting at
    /// `p`); applies and keeps the first chain `keep` accepts.
    fn paths_from(&mut self, gain: &Gain, p: u32, x: u32, path: &mut Vec<Step>) -> bool {
        if path.len() == PATH_LIMIT {
            return false;
        }
        for step in self.steps(x, gain.roles) {
            let y = step.to;
            if y == p || path.iter().any(|s| s.to == y) {
                continue;
            }
            path.push(step);
            let chain: Vec<Step> = path.iter().rev().copied().collect();
            let falls = gain.surplus(self.turns, p) - gain.surplus(self.turns, y) >= gain.needed;
            let (a, _) = gain.roles;
            let evens_a =
                self.steady.contains(&y) && self.turns.at(y, a) + 2 <= self.turns.at(p, a);
            if (falls && self.keep(&chain)) || (!falls && evens_a && self.keep_if_evener(&chain)) {
                return true;
            }
            if self.paths_from(gain, p, y, path) {
                return true;
            }
            path.pop();
        }
        false
    }

    /// The fewest and most turns of a role in the team, apart.
    fn spread(&self, role: usize) -> i64 {
        let turns = self.steady.iter().map(|&p| self.turns.at(p, role));
        turns.clone().max().unwrap_or(0) - turns.min().unwrap_or(0)
    }

    /// How many roles are shared unevenly in the team.
    fn uneven(&self) -> usize {
        (0..self.problem.roles.len())
            .filter(|&r| self.spread(r) > 1)
            .count()
    }

    /// Breadth-first over people: from `p`, each session where the current person holds
    /// `a` and someone else holds `b` leads to that someone. Applies and keeps the first
    /// chain to a person far enough behind that `keep` accepts.
    fn chain_from(&mut self, gain: &Gain, p: u32) -> bool {
        let mut came_by: HashMap<u32, Step> = HashMap::new();
        let mut queue = VecDeque::from([p]);
        while let Some(x) = queue.pop_front() {
            for step in self.steps(x, gain.roles) {
                let y = step.to;
                if y == p || came_by.contains_key(&y) {
                    continue;
                }
                came_by.insert(y, step);
                if gain.surplus(self.turns, p) - gain.surplus(self.turns, y) >= gain.needed {
                    let mut chain = Vec::new();
                    let mut at = y;
                    while at != p {
                        let step = came_by[&at];
                        chain.push(step);
                        at = step.from;
                    }
                    if self.keep(&chain) {
                        return true;
                    }
                }
                queue.push_back(y);
            }
        }
        false
    }

    /// The links from `x`: sessions where `x` holds `a` (or sits out) and a teammate holds
    /// `b` (or sits out).
    fn steps(&self, x: u32, (a, b): (usize, usize)) -> Vec<Step> {
        let sit_out = self.problem.roles.len();
        let holding = |person: u32, role: usize| {
            self.movable
                .iter()
                .copied()
                .filter(move |&i| self.planned[i].person == person && self.planned[i].role == role)
        };
        let sessions: Vec<(usize, Option<usize>)> = if a == sit_out {
            (self.problem.from_session..self.problem.sessions.len())
                .filter(|&s| self.sitting_out(s).contains(&x))
                .map(|s| (s, None))
                .collect()
        } else {
            holding(x, a)
                .map(|i| (self.planned[i].session, Some(i)))
                .collect()
        };
        let mut steps = Vec::new();
        for (session, gives) in sessions {
            let step = |to: u32, takes: Option<usize>| Step {
                from: x,
                to,
                gives,
                takes,
                roles: (a, b),
            };
            if b == sit_out {
                steps.extend(self.sitting_out(session).into_iter().map(|y| step(y, None)));
            } else {
                steps.extend(
                    self.movable
                        .iter()
                        .copied()
                        .filter(|&j| {
                            self.planned[j].session == session && self.planned[j].role == b
                        })
                        .map(|j| step(self.planned[j].person, Some(j))),
                );
            }
        }
        steps
    }

    /// The team's members there in the session who hold no role in it.
    fn sitting_out(&self, session: usize) -> Vec<u32> {
        self.members
            .iter()
            .copied()
            .filter(|&q| {
                !self.absent.contains(&(session, q))
                    && !self
                        .of_team
                        .iter()
                        .any(|&i| self.planned[i].session == session && self.planned[i].person == q)
            })
            .collect()
    }

    /// Applies the chain; for roles that do not lead, undoes it again when the checker
    /// finds more breaches of rule 3 than before.
    fn keep(&mut self, chain: &[Step]) -> bool {
        let (a, _) = chain[0].roles;
        if self.leads(a) {
            self.apply(chain);
            return true;
        }
        let before = *self
            .two_running
            .get_or_insert_with(|| two_running(self.problem, self.planned));
        let (planned, turns) = (self.planned.to_vec(), self.turns.clone());
        self.apply(chain);
        let after = two_running(self.problem, self.planned);
        if after <= before {
            *self.two_running = Some(after);
            return true;
        }
        self.planned.copy_from_slice(&planned);
        *self.turns = turns;
        false
    }

    /// Applies the chain when it leaves fewer roles uneven among the members there
    /// throughout (though the sum of squares may not fall: people away do not count for
    /// rule 2), and `keep` accepts it.
    fn keep_if_evener(&mut self, chain: &[Step]) -> bool {
        if self.evener_tries == 0 {
            return false;
        }
        let before = self.uneven();
        self.pass_turns(chain, 1);
        let evener = self.uneven() < before;
        self.pass_turns(chain, -1);
        if !evener {
            return false;
        }
        // Each try of a chain of roles that do not lead runs the fairness checker.
        self.evener_tries -= 1;
        self.keep(chain)
    }

    /// Counts the chain's turns (`sign` 1) or takes them back (-1), leaving `planned` be.
    fn pass_turns(&mut self, chain: &[Step], sign: i64) {
        for step in chain {
            let (a, b) = step.roles;
            self.turns.add(step.from, a, -sign);
            self.turns.add(step.from, b, sign);
            self.turns.add(step.to, b, -sign);
            self.turns.add(step.to, a, sign);
        }
    }

    fn apply(&mut self, chain: &[Step]) {
        self.pass_turns(chain, 1);
        for step in chain {
            if let Some(i) = step.gives {
                self.planned[i].person = step.to;
            }
            if let Some(j) = step.takes {
                self.planned[j].person = step.from;
            }
        }
    }
}

/// Rule 3's breaches, as the checker counts them.
fn two_running(problem: &RotaProblem, rota: &[Assignment]) -> usize {
    FairnessReport::check(problem, rota)
        .breaches
        .iter()
        .filter(|b| matches!(b, Breach::TwoRunning { .. }))
        .count()
}
