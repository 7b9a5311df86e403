//! Equal status across backgrounds (rule 4). Within a team, rule 1 hands out leading turns
//! in rounds, so with everyone there the order people lead in within a round changes
//! nothing at the end; only who gets the turns of the last, partial round does. Those spare
//! turns are shared out for the whole wave before planning (`lead_targets`), and among
//! people who have led equally often, whoever has more turns to come in the share-out leads
//! first (`lead_order`), then whoever will be away for the chances they would wait for
//! (`slack`). With someone away the order does matter (their turn may come while they are
//! not there), so for such a team the share-out plays the sessions through as the planner
//! will (`Course`). A fair share is what rule 1 would give if turns could be split
//! (`fair_leads`): leading less only because one was away is not unequal status. The
//! planner and the checker both use this module, so what the planner may do and what the
//! checker accepts are the same thing.

mod course;
mod fair;
mod share_out;

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::problem::{RotaProblem, Tally};

use course::Course;
pub(crate) use fair::{excess_leads, fair_leads, mean_by_value};
use share_out::*;

/// What the wave's share-out of leading turns plans for each person (everyone in
/// `problem.people`; people in no team keep what they have).
#[derive(Debug, Clone, Default)]
pub(crate) struct Targets {
    /// The leading turns each person is to reach: among people who have led equally often,
    /// whoever is to reach more leads first (`lead_order`).
    pub priority: Vec<u32>,
    /// The leading turns each person ends with when the planner goes by `priority`, with
    /// who is away when. The plan is off course when it departs from these.
    pub expected: Vec<u32>,
    /// (session, person): where people equal by `priority` and slack are not equal in
    /// effect (who leads then changes who is there for their next turn, and so the totals),
    /// the ones the share-out has lead. They come first among those equals.
    pub first: HashSet<(usize, u32)>,
}

/// The share-out to plan by from `session` on. Rule 1 fixes nearly all of it: each team's
/// leading turns raise the people who have led least first. What is left to choose is who,
/// among the people who reach the top level, gets the turns that do not go round everyone.
/// Those spares are chosen for the whole wave at once so that every value of every balanced
/// attribute leads as close as possible to its fair share: a team's spares can only go to
/// its own members, so teams are coupled through the backgrounds they share, and choosing
/// team by team can leave one background ahead everywhere. With nobody away the turns
/// water-fill and any choice of spare owners is reached; in a team with someone away, whose
/// turn may come while they are not there, the share-out plays the team's sessions through
/// as the planner will (`Course`) to know where each choice leads.
pub(crate) fn lead_targets(
    problem: &RotaProblem,
    tally: &Tally,
    absent: &HashSet<(usize, u32)>,
    session: usize,
) -> Targets {
    let mut shares = Shares::new(problem, tally);
    let leading_sessions = leading_sessions(problem, session);
    for team in 0..problem.teams.len() {
        let can_lead = |p: u32| chances_to_lead(&leading_sessions, absent, p) > 0;
        shares.add_team(problem, tally, absent, (session, team), &can_lead);
    }
    shares.improve();
    let mut first = HashSet::new();
    for share in &shares.teams {
        if let Some((course, _)) = &share.course {
            first.extend(course.ties_that_matter(&shares.priority));
        }
    }
    Targets {
        priority: shares.priority,
        expected: shares.expected,
        first,
    }
}

/// The share-out to plan `session` by: the one so far, or a new one at the first session
/// (`targets` empty) and whenever the plan has gone off course (someone has led more or
/// less often than expected, because staff fixed a turn by hand or the planner broke a tie
/// another way than the share-out foresaw), so that the rest of the wave makes up for it.
pub(crate) fn update_targets(
    targets: &mut Targets,
    problem: &RotaProblem,
    tally: &Tally,
    absent: &HashSet<(usize, u32)>,
    session: usize,
) {
    let leading_sessions = leading_sessions(problem, session);
    let off_course = |(p, &expected): (usize, &u32)| {
        let leads = tally.leads(p as u32);
        let chances = chances_to_lead(&leading_sessions, absent, p as u32);
        leads > expected || (expected - leads) as usize > chances
    };
    if targets.expected.is_empty() || targets.expected.iter().enumerate().any(off_course) {
        *targets = lead_targets(problem, tally, absent, session);
    }
}

/// The sessions from `session` on that use a leading role.
fn leading_sessions(problem: &RotaProblem, session: usize) -> Vec<usize> {
    (session..problem.sessions.len())
        .filter(|&s| {
            problem.sessions[s]
                .iter()
                .any(|&r| problem.roles[r].leading)
        })
        .collect()
}

/// How many of `leading_sessions` `person` is there for.
fn chances_to_lead(
    leading_sessions: &[usize],
    absent: &HashSet<(usize, u32)>,
    person: u32,
) -> usize {
    leading_sessions
        .iter()
        .filter(|&&s| !absent.contains(&(s, person)))
        .count()
}

/// Who comes first for a leading turn, as far as background decides it: fewer leading turns
/// so far (rule 1), then more turns still to come in the share-out (so the people given a
/// spare get to it, even when a session needs several leaders at once), then less slack
/// (whoever will be away for the chances they would otherwise wait for), then whoever the
/// share-out has lead first at `session` where that changes the totals (`Targets::first`).
/// Smaller is first.
pub(crate) fn lead_order(
    tally: &Tally,
    targets: &Targets,
    slack: &[u32],
    (session, person): (usize, u32),
) -> (LeadKey, bool) {
    let leads = tally.leads(person);
    let key = lead_key(
        leads,
        targets
            .priority
            .get(person as usize)
            .copied()
            .unwrap_or(leads),
        slack.get(person as usize).copied().unwrap_or(u32::MAX),
    );
    (key, !targets.first.contains(&(session, person)))
}

/// Who comes first for a leading turn by background (`lead_key`): smaller is first.
type LeadKey = (u32, Reverse<u32>, u32);

/// `lead_order` from its parts, for the planner, the checker and `Course::play` alike.
fn lead_key(leads: u32, target: u32, slack: u32) -> LeadKey {
    (leads, Reverse(target), slack)
}

/// For each person at `session`: how many of the leading sessions after it they will be
/// there for, beyond those they need for the turns the share-out still plans for them if
/// they lead now. 0 means that passing over them now leaves them short (they are away
/// later), so among people otherwise equal they lead first.
pub(crate) fn slack(
    problem: &RotaProblem,
    tally: &Tally,
    absent: &HashSet<(usize, u32)>,
    targets: &Targets,
    session: usize,
) -> Vec<u32> {
    let later = leading_sessions(problem, session + 1);
    (0..problem.people as u32)
        .map(|p| {
            let leads = tally.leads(p);
            let target = targets.priority.get(p as usize).map_or(leads, |&t| t);
            slack_of(chances_to_lead(&later, absent, p) as u32, target, leads)
        })
        .collect()
}

fn slack_of(chances_later: u32, target: u32, leads: u32) -> u32 {
    chances_later.saturating_sub(target.saturating_sub(leads + 1))
}
