//! After planning, evening out turns per role (rule 2). Passing roles along a chain of
//! sessions of one team changes nothing that rules 1, 3 and 4 look at (who leads how often,
//! who holds a role when), only turns per role: in each session of the chain one person
//! gives up leading role `a` for leading role `b` and the next gives up `b` for `a`. (Other
//! roles are not passed along: rule 3's check weighs their turns as they stood at the time,
//! which a chain would change.) Everyone in the middle of the chain ends with the turns they had; the first
//! person has one `a` fewer and one `b` more, the last the other way round. (These are the
//! alternating paths of edge colouring: sessions and people are the two sides, and roles
//! the colours.) The session-by-session matching can leave a role uneven when several roles
//! lead, because by the last sessions the people whose turn it is to lead may all have held
//! that role already; chains even it out.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::problem::{Assignment, RotaProblem};

/// Passes roles along chains while that lowers the sum over people and roles of turns
/// squared; each chain lowers it by a whole number, so it ends. Turns taken before the plan
/// count; assignments fixed by hand are never moved.
pub(crate) fn even_out_roles(problem: &RotaProblem, planned: &mut [Assignment]) {
    let mut turns = Turns {
        roles: problem.roles.len(),
        count: vec![0; problem.people * problem.roles.len()],
    };
    for a in problem.history.iter().chain(planned.iter()) {
        turns.add(a.person, a.role, 1);
    }
    let locked: HashSet<Assignment> = problem.locked.iter().copied().collect();
    let movable: Vec<usize> = (0..planned.len())
        .filter(|&i| !locked.contains(&planned[i]))
        .collect();
    for (team, members) in problem.teams.iter().enumerate() {
        let in_team: Vec<usize> = movable
            .iter()
            .copied()
            .filter(|&i| planned[i].team == team)
            .collect();
        while let Some(chain) = improving_chain(problem, planned, &in_team, members, &turns) {
            for (from, to) in chain {
                let (a, b) = (planned[from], planned[to]);
                turns.add(a.person, a.role, -1);
                turns.add(a.person, b.role, 1);
                turns.add(b.person, b.role, -1);
                turns.add(b.person, a.role, 1);
                planned[from].person = b.person;
                planned[to].person = a.person;
            }
        }
    }
}

struct Turns {
    roles: usize,
    count: Vec<i64>,
}

impl Turns {
    fn at(&self, person: u32, role: usize) -> i64 {
        self.count[person as usize * self.roles + role]
    }

    fn add(&mut self, person: u32, role: usize, amount: i64) {
        self.count[person as usize * self.roles + role] += amount;
    }
}

/// A chain that lowers the sum of squares, as the pairs of assignments (indices into
/// `planned`) whose people swap: from person `p` holding `a`, through people who each hold
/// `a` in one session and `b` in another, to a person `q` for whom taking one `a` more and
/// one `b` fewer helps more than it costs.
fn improving_chain(
    problem: &RotaProblem,
    planned: &[Assignment],
    in_team: &[usize],
    members: &[u32],
    turns: &Turns,
) -> Option<Vec<(usize, usize)>> {
    let roles = problem.roles.len();
    for a in 0..roles {
        for b in (0..roles).filter(|&b| b != a) {
            if !problem.roles[a].leading || !problem.roles[b].leading {
                continue;
            }
            // Worth a search only if some p and q differ enough: the change is
            // 2 (t(q,a) - t(p,a) + t(p,b) - t(q,b)) + 4.
            let surplus = |p: u32| turns.at(p, a) - turns.at(p, b);
            let most = members.iter().map(|&p| surplus(p)).max()?;
            let least = members.iter().map(|&p| surplus(p)).min()?;
            if most - least < 3 {
                continue;
            }
            for &p in members.iter().filter(|&&p| surplus(p) - least >= 3) {
                if let Some(chain) = chain_from(planned, in_team, (a, b), p, |q| {
                    surplus(p) - surplus(q) >= 3
                }) {
                    return Some(chain);
                }
            }
        }
    }
    None
}

/// Breadth-first over people: from `p`, each session where the current person holds `a`
/// and someone else holds `b` leads to that someone. Returns the swaps of the path to the
/// first person `done` accepts.
fn chain_from(
    planned: &[Assignment],
    in_team: &[usize],
    (a, b): (usize, usize),
    p: u32,
    done: impl Fn(u32) -> bool,
) -> Option<Vec<(usize, usize)>> {
    let mut came_by: HashMap<u32, (u32, usize, usize)> = HashMap::new();
    let mut queue = VecDeque::from([p]);
    while let Some(x) = queue.pop_front() {
        for &i in in_team
            .iter()
            .filter(|&&i| planned[i].person == x && planned[i].role == a)
        {
            let session = planned[i].session;
            let Some(&j) = in_team
                .iter()
                .find(|&&j| planned[j].session == session && planned[j].role == b)
            else {
                continue;
            };
            let y = planned[j].person;
            if y == p || came_by.contains_key(&y) {
                continue;
            }
            came_by.insert(y, (x, i, j));
            if done(y) {
                let mut chain = Vec::new();
                let mut at = y;
                while at != p {
                    let (before, i, j) = came_by[&at];
                    chain.push((i, j));
                    at = before;
                }
                return Some(chain);
            }
            queue.push_back(y);
        }
    }
    None
}
