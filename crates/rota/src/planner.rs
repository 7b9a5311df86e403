//! Planning: session by session, each team's open roles go to the people present by a
//! minimum-cost matching (Kuhn–Munkres), so one role's choice never starves another. The
//! price of giving a role to someone ranks the fairness rules in order: leading turns first
//! (everyone leads once before anyone leads twice), then the wave's share-out of spare
//! leading turns, then for leading roles whoever will be away for the chances they would
//! wait for (`status::slack`) and whoever the share-out has lead first where a tie changes
//! the totals (`status::Targets::first`), then turns of that role, then not holding a role
//! two sessions running,
//! then whoever was away since their last turn, then trying new roles, then turns of roles
//! that do not lead (so whoever the share-out gives more leading turns sits out less),
//! then a seeded tie-break. For leading roles, turns of the role come after not holding a
//! role two sessions running; afterwards roles are passed along between sessions to
//! even them out (`even_out`). Equal status across backgrounds decides who gets the leading
//! turns of a team's last, partial round: the whole wave's spare turns are shared out at the
//! first session planned, and again whenever the plan goes off course (see `status`).

use pathfinding::matrix::Matrix;
use pathfinding::prelude::kuhn_munkres_min;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::problem::{Assignment, RotaError, RotaProblem, Tally};
use crate::{even_out, status};

/// Weights that make the sum of prices lexicographic: each term's largest possible
/// difference (turn counts stay below 10,000) is below the next weight up, with room to
/// spare in an `i128`.
/// Background decides who gets the spare leading turns of a team's last round: among people
/// who have led equally often, whoever has more leading turns to come in the wave's
/// share-out (`status::lead_targets`) goes first, right after leading turns themselves
/// (`status::lead_order`). Turns of a leading role come after not holding a role two
/// sessions running: which leader of a session gets which leading role can be changed
/// afterwards without touching rules 1, 3 or 4 (`even_out`), who leads cannot.
const LEADS: i128 = 10i128.pow(30);
const SHARE: i128 = 10i128.pow(25);
const SLACK: i128 = 10i128.pow(21);
/// Slack beyond this ranks the same (below `SHARE`).
const SLACK_CAP: u32 = 9_999;
/// Whoever the share-out has lead first at a tie that changes the totals
/// (`status::Targets::first`); above every lower term, so the planner follows it.
const FIRST: i128 = 10i128.pow(19);
const ROLE_TURNS: i128 = 10i128.pow(14);
const TWO_RUNNING: i128 = 10i128.pow(13);
const LEADING_ROLE_TURNS: i128 = 10i128.pow(8);
const CATCH_UP: i128 = 10i128.pow(7);
const ROLE_HELD_BEFORE: i128 = 10i128.pow(6);
const ALL_TURNS: i128 = 10;
const JITTER: i128 = 10;

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
    let mut targets = status::Targets::default();
    for session in problem.from_session..problem.sessions.len() {
        status::update_targets(&mut targets, problem, &tally, &absent, session);
        let slack = status::slack(problem, &tally, &absent, &targets, session);
        let jitter: Vec<i128> = (0..problem.people)
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
                let fewest_leads = free.iter().map(|&q| tally.leads(q)).min().unwrap_or(0);
                // Someone fixed by hand for the next session would hold a role twice running.
                let fixed_next: Vec<u32> = problem
                    .locked
                    .iter()
                    .filter(|l| l.session == session + 1)
                    .map(|l| l.person)
                    .collect();
                // Whether each person catches up does not depend on the role: once per person.
                let catch_up: Vec<i128> = free
                    .iter()
                    .map(|&q| i128::from(catching_up(&tally, &absent, session, q)) * CATCH_UP)
                    .collect();
                let price = |role: usize, fewest_turns: u32, column: usize| {
                    let person = free[column];
                    let leading = problem.roles[role].leading;
                    let role_turns = if leading {
                        LEADING_ROLE_TURNS
                    } else {
                        ROLE_TURNS
                    };
                    let mut price = i128::from(tally.turns(person, role) - fewest_turns)
                        * role_turns
                        + i128::from(
                            session > 0 && tally.held(session - 1, person)
                                || fixed_next.contains(&person),
                        ) * TWO_RUNNING
                        - catch_up[column]
                        + i128::from(tally.turns(person, role) > 0) * ROLE_HELD_BEFORE
                        + i128::from(tally.total(person) - tally.leads(person)) * ALL_TURNS
                        + jitter[person as usize];
                    if leading {
                        price += i128::from(tally.leads(person) - fewest_leads) * LEADS
                            - i128::from(targets.priority[person as usize]) * SHARE
                            + i128::from(slack[person as usize].min(SLACK_CAP)) * SLACK
                            + i128::from(!targets.first.contains(&(session, person))) * FIRST;
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
    even_out::even_out_roles(problem, &mut planned);
    planned.sort();
    Ok(planned)
}
