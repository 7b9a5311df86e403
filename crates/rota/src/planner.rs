//! Planning: session by session, each team's open roles go to the people present by a
//! minimum-cost matching (Kuhn–Munkres), so one role's choice never starves another. The
//! price of giving a role to someone ranks the fairness rules in order: leading turns first
//! (everyone leads once before anyone leads twice), then turns of that role, then not holding
//! a role two sessions running, then whoever was away since their last turn, then trying new roles, then turns overall, then a seeded
//! tie-break. Equal status across backgrounds decides who gets the leading turns of a team's
//! last, partial round (see `status`).

use pathfinding::matrix::Matrix;
use pathfinding::prelude::kuhn_munkres_min;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::problem::{Assignment, RotaError, RotaProblem, Tally};
use crate::status;

/// Weights that make the sum of prices lexicographic: each term's largest possible
/// difference is below the next weight up. (A team's rank by background is below 100.)
/// Background decides a leading turn only in a team's final round (`status::final_round`),
/// where it comes right after turns of the role.
const LEADS: i64 = 1_000_000_000_000_000;
const ROLE_TURNS: i64 = 1_000_000_000_000;
const FINAL_ROUND_STATUS: i64 = 10_000_000_000;
const TWO_RUNNING: i64 = 100_000_000;
const CATCH_UP: i64 = 10_000_000;
const ROLE_HELD_BEFORE: i64 = 1_000_000;
const ALL_TURNS: i64 = 1_000;
const JITTER: i64 = 10;

/// Whether the person has been away since they last held a role: they catch up first, among
/// people the rules above rank equal.
fn catching_up(
    tally: &Tally,
    absent: &std::collections::HashSet<(usize, u32)>,
    session: usize,
    person: u32,
) -> bool {
    (0..session)
        .rev()
        .take_while(|&s| !tally.held(s, person))
        .any(|s| absent.contains(&(s, person)))
}

/// Plans the sessions from `problem.from_session` on; returns their assignments (locked
/// ones included), in session, team and role order.
pub fn plan(problem: &RotaProblem, seed: u64) -> Result<Vec<Assignment>, RotaError> {
    problem.check()?;
    let absent = problem.absences();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut tally = Tally::new(problem);
    for a in &problem.history {
        tally.record(problem, a);
    }
    let mut planned = Vec::new();
    for session in problem.from_session..problem.sessions.len() {
        let jitter: Vec<i64> = (0..problem.people)
            .map(|_| rng.random_range(0..JITTER))
            .collect();
        for (team, members) in problem.teams.iter().enumerate() {
            let mut chosen = Vec::new();
            let mut free: Vec<u32> = members
                .iter()
                .copied()
                .filter(|&p| !absent.contains(&(session, p)))
                .collect();
            let in_use = &problem.sessions[session];
            let filled = &in_use[..free.len().min(in_use.len())];
            let mut open = Vec::new();
            for &role in filled {
                let lock = problem.locked.iter().find(|l| {
                    l.session == session
                        && l.team == team
                        && l.role == role
                        && free.contains(&l.person)
                });
                match lock {
                    Some(lock) => {
                        free.retain(|&p| p != lock.person);
                        chosen.push(*lock);
                    }
                    None => open.push(role),
                }
            }
            if !open.is_empty() {
                // Background decides only in the team's final round; elsewhere all rank 0.
                let mut rank = vec![0i64; free.len()];
                if status::final_round(problem, &tally, &absent, session, team) {
                    let scores = status::background_scores(problem, &tally);
                    let mut order: Vec<usize> = (0..free.len()).collect();
                    order.sort_by(|&a, &b| status::further_behind(&scores, free[a], free[b]));
                    for (position, &column) in order.iter().enumerate() {
                        rank[column] = position as i64;
                    }
                }
                let fewest_leads = free.iter().map(|&q| tally.leads(q)).min().unwrap_or(0);
                // Whether each person catches up does not depend on the role: once per person.
                let catch_up: Vec<i64> = free
                    .iter()
                    .map(|&q| i64::from(catching_up(&tally, &absent, session, q)) * CATCH_UP)
                    .collect();
                let price = |role: usize, fewest_turns: u32, column: usize| {
                    let person = free[column];
                    let mut price = i64::from(tally.turns(person, role) - fewest_turns)
                        * ROLE_TURNS
                        + i64::from(session > 0 && tally.held(session - 1, person)) * TWO_RUNNING
                        - catch_up[column]
                        + i64::from(tally.turns(person, role) > 0) * ROLE_HELD_BEFORE
                        + i64::from(tally.total(person)) * ALL_TURNS
                        + jitter[person as usize];
                    if problem.roles[role].leading {
                        price += i64::from(tally.leads(person) - fewest_leads) * LEADS
                            + rank[column] * FINAL_ROUND_STATUS;
                    }
                    price
                };
                let mut weights = Vec::with_capacity(open.len() * free.len());
                for &role in &open {
                    let fewest_turns = free
                        .iter()
                        .map(|&q| tally.turns(q, role))
                        .min()
                        .unwrap_or(0);
                    weights.extend((0..free.len()).map(|column| price(role, fewest_turns, column)));
                }
                let matrix = Matrix::from_vec(open.len(), free.len(), weights)
                    .expect("one price per open role and free person");
                let (_, columns) = kuhn_munkres_min(&matrix);
                for (&role, &column) in open.iter().zip(&columns) {
                    chosen.push(Assignment {
                        session,
                        team,
                        role,
                        person: free[column],
                    });
                }
            }
            // Team by team, so the next team's view of who is behind includes this one.
            for a in &chosen {
                tally.record(problem, a);
            }
            planned.extend(chosen);
        }
    }
    planned.sort();
    Ok(planned)
}
