//! Equal status across backgrounds (rule 4). Within a team, rule 1 hands out leading turns
//! in rounds, so the order people lead in within a round changes nothing at the end; only
//! who gets the turns of the last, partial round does. Those spare turns are shared out for
//! the whole wave before planning (`lead_targets`), and among people who have led equally
//! often, whoever has more turns to come in the share-out leads first (`lead_order`), then
//! whoever will be away for the chances they would wait for (`slack`). A fair share is an
//! equal one unless absences leave someone fewer chances than that (`fair_leads`). The
//! planner and the checker both use this module, so what the planner may do and what the
//! checker accepts are the same thing.

use std::cmp::Reverse;
use std::collections::HashSet;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::problem::{RotaProblem, Tally};

/// Each person's leading turns above their fair share of their team's (None for people in
/// no team).
pub(crate) fn excess_leads(
    problem: &RotaProblem,
    tally: &Tally,
    absent: &HashSet<(usize, u32)>,
) -> Vec<Option<f64>> {
    let mut excess = vec![None; problem.people];
    for (team, members) in problem.teams.iter().enumerate() {
        let total: u32 = members.iter().map(|&p| tally.leads(p)).sum();
        for (&p, fair) in members.iter().zip(fair_leads(problem, absent, team, total)) {
            excess[p as usize] = Some(f64::from(tally.leads(p)) - fair);
        }
    }
    excess
}

/// Each member's fair share of the team's `total` leading turns, in the order of the team's
/// members: an equal share, except that nobody can lead more often than the sessions with
/// a leading role they are there for, so someone away for so many that they could not reach
/// it has that many, and the rest is shared equally among the others (water-filling).
/// Someone away who can catch up keeps an equal share; someone whose absences leave them
/// short is not counted as their background leading less.
pub(crate) fn fair_leads(
    problem: &RotaProblem,
    absent: &HashSet<(usize, u32)>,
    team: usize,
    total: u32,
) -> Vec<f64> {
    let members = &problem.teams[team];
    let leading: Vec<usize> = (0..problem.sessions.len())
        .filter(|&s| leading_turns_in(problem, absent, s, team) > 0)
        .collect();
    let caps: Vec<f64> = members
        .iter()
        .map(|&p| {
            leading
                .iter()
                .filter(|&&s| !absent.contains(&(s, p)))
                .count() as f64
        })
        .collect();
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.sort_by(|&a, &b| caps[a].total_cmp(&caps[b]));
    let mut left = f64::from(total);
    let mut fair = vec![0.0; members.len()];
    for (k, &i) in order.iter().enumerate() {
        let equal = left / (members.len() - k) as f64;
        fair[i] = equal.min(caps[i]);
        left -= fair[i];
    }
    fair
}

/// The mean of `figures` over the people with each value of `attribute`.
pub(crate) fn mean_by_value(
    attribute: &crate::Attribute,
    figures: &[Option<f64>],
) -> Vec<Option<f64>> {
    let mut sum = vec![0.0; attribute.values.len()];
    let mut count = vec![0u32; attribute.values.len()];
    for (p, value) in attribute.of_person.iter().enumerate() {
        if let (Some(v), Some(Some(f))) = (value, figures.get(p)) {
            sum[*v as usize] += f;
            count[*v as usize] += 1;
        }
    }
    sum.iter()
        .zip(&count)
        .map(|(s, &c)| (c > 0).then(|| s / f64::from(c)))
        .collect()
}

/// Each person's leading turns at the end of the plan (everyone in `problem.people`; people
/// in no team keep what they have). Rule 1 fixes nearly all of it: from `session` on, each
/// team's leading turns raise the people who have led least first (water-filling). What is
/// left to choose is who, among the people who reach the top level, gets the turns that do
/// not go round everyone. Those spares are chosen for the whole wave at once so that every
/// value of every balanced attribute leads as close as possible to its fair share: a team's
/// spares can only go to its own members, so teams are coupled through the backgrounds
/// they share, and choosing team by team can leave one background ahead everywhere.
pub(crate) fn lead_targets(
    problem: &RotaProblem,
    tally: &Tally,
    absent: &HashSet<(usize, u32)>,
    session: usize,
) -> Vec<u32> {
    let mut shares = Shares::new(problem);
    let mut targets: Vec<u32> = (0..problem.people as u32).map(|p| tally.leads(p)).collect();
    let leading_sessions = leading_sessions(problem, session);
    for team in 0..problem.teams.len() {
        let can_lead = |p: u32| chances_to_lead(&leading_sessions, absent, p) > 0;
        shares.add_team(
            problem,
            tally,
            absent,
            (session, team),
            &can_lead,
            &mut targets,
        );
    }
    shares.improve();
    for (target, spare) in targets.iter_mut().zip(&shares.spare) {
        *target += u32::from(*spare);
    }
    targets
}

/// The share-out to plan `session` by: the one so far, or a new one at the first session
/// (`targets` empty) and whenever absences have put it off course (someone has led more
/// often than it planned, because a spare's owner was away and a teammate took it, or can no
/// longer reach their share in the sessions they will be there), so that the rest of the
/// wave makes up for it.
pub(crate) fn update_targets(
    targets: &mut Vec<u32>,
    problem: &RotaProblem,
    tally: &Tally,
    absent: &HashSet<(usize, u32)>,
    session: usize,
) {
    let leading_sessions = leading_sessions(problem, session);
    let off_course = |(p, &target): (usize, &u32)| {
        let leads = tally.leads(p as u32);
        let chances = chances_to_lead(&leading_sessions, absent, p as u32);
        leads > target || (target - leads) as usize > chances
    };
    if targets.is_empty() || targets.iter().enumerate().any(off_course) {
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
/// (whoever will be away for the chances they would otherwise wait for). Smaller is first.
pub(crate) fn lead_order(
    tally: &Tally,
    targets: &[u32],
    slack: &[u32],
    person: u32,
) -> (u32, Reverse<u32>, u32) {
    let leads = tally.leads(person);
    (
        leads,
        Reverse(targets.get(person as usize).copied().unwrap_or(leads)),
        slack.get(person as usize).copied().unwrap_or(u32::MAX),
    )
}

/// For each person at `session`: how many of the leading sessions after it they will be
/// there for, beyond those they need for the turns the share-out still plans for them if
/// they lead now. 0 means that passing over them now leaves them short (they are away
/// later), so among people otherwise equal they lead first.
pub(crate) fn slack(
    problem: &RotaProblem,
    tally: &Tally,
    absent: &HashSet<(usize, u32)>,
    targets: &[u32],
    session: usize,
) -> Vec<u32> {
    let later = leading_sessions(problem, session + 1);
    (0..problem.people as u32)
        .map(|p| {
            let owed_after_now = targets
                .get(p as usize)
                .map_or(0, |&t| t.saturating_sub(tally.leads(p) + 1));
            (chances_to_lead(&later, absent, p) as u32).saturating_sub(owed_after_now)
        })
        .collect()
}

/// The spares being shared out, with each attribute value's running deviation from its
/// fair share of leading turns (`deviation[a][v]`, in turns; 0 is fair).
struct Shares<'p> {
    balance: &'p [crate::Attribute],
    deviation: Vec<Vec<f64>>,
    /// People in a team with each value (`people[a][v]`): a mean is a deviation over this.
    people: Vec<Vec<u32>>,
    spare: Vec<bool>,
    /// Per team with spares: the people who could take one.
    teams: Vec<Vec<u32>>,
}

/// Below this a change of the sum of squared deviations is rounding noise.
const EPSILON: f64 = 1e-9;
/// Pairs of moves looked at per improvement at most, so a large wave stays fast.
const PAIR_BUDGET: usize = 200_000;
/// Kicks of the iterated local search, and the seed of their randomness.
const KICKS: usize = 300;
const KICK_SEED: u64 = 0x5eed;

impl<'p> Shares<'p> {
    fn new(problem: &'p RotaProblem) -> Shares<'p> {
        let mut people: Vec<Vec<u32>> = problem
            .balance
            .iter()
            .map(|a| vec![0; a.values.len()])
            .collect();
        for &p in problem.teams.iter().flatten() {
            for (attribute, count) in problem.balance.iter().zip(&mut people) {
                if let Some(Some(v)) = attribute.of_person.get(p as usize) {
                    count[*v as usize] += 1;
                }
            }
        }
        Shares {
            balance: &problem.balance,
            deviation: people.iter().map(|c| vec![0.0; c.len()]).collect(),
            people,
            spare: vec![false; problem.people],
            teams: Vec::new(),
        }
    }

    /// Adds `amount` leading turns to `person`'s backgrounds.
    fn shift(&mut self, person: u32, amount: f64) {
        for (attribute, deviation) in self.balance.iter().zip(&mut self.deviation) {
            if let Some(Some(v)) = attribute.of_person.get(person as usize) {
                deviation[*v as usize] += amount;
            }
        }
    }

    /// Water-fills the team's leading turns left among the members who `can_lead` in them,
    /// raising them in `reached` (which starts as everyone's turns so far; spares not
    /// counted), counts every member's final turns against the team's mean, and gives the
    /// spares a first owner (the candidates whose backgrounds are furthest behind, one at a
    /// time).
    fn add_team(
        &mut self,
        problem: &RotaProblem,
        tally: &Tally,
        absent: &HashSet<(usize, u32)>,
        (session, team): (usize, usize),
        can_lead: &dyn Fn(u32) -> bool,
        reached: &mut [u32],
    ) {
        let members = &problem.teams[team];
        if members.is_empty() {
            return;
        }
        let turns_left = leading_turns_left(problem, absent, session, team);
        let available: Vec<u32> = members.iter().copied().filter(|&p| can_lead(p)).collect();
        let needed = |level: u32| -> usize {
            available
                .iter()
                .map(|&p| level.saturating_sub(tally.leads(p)) as usize)
                .sum()
        };
        // Nobody who can lead: nothing to share, but the team still counts as it stands.
        let mut level = available.iter().map(|&p| tally.leads(p)).min().unwrap_or(0);
        while !available.is_empty() && needed(level + 1) <= turns_left {
            level += 1;
        }
        let spares = if available.is_empty() {
            0
        } else {
            turns_left - needed(level)
        };
        for &p in &available {
            reached[p as usize] = tally.leads(p).max(level);
        }
        let total: u32 = members.iter().map(|&p| reached[p as usize]).sum::<u32>() + spares as u32;
        for (&p, fair) in members.iter().zip(fair_leads(problem, absent, team, total)) {
            self.shift(p, f64::from(reached[p as usize]) - fair);
        }
        let mut candidates: Vec<u32> = available
            .iter()
            .copied()
            .filter(|&p| tally.leads(p) <= level)
            .collect();
        // The spares are the turns of the plan's last, partial round, which fall in its
        // last sessions: someone away for all of those cannot take one, so others get them.
        let last_round = last_sessions_holding(problem, absent, (session, team), spares);
        let there: Vec<u32> = candidates
            .iter()
            .copied()
            .filter(|&p| last_round.iter().any(|&s| !absent.contains(&(s, p))))
            .collect();
        if there.len() >= spares {
            candidates = there;
        }
        for _ in 0..spares {
            let best = candidates
                .iter()
                .copied()
                .filter(|&p| !self.spare[p as usize])
                .min_by(|&a, &b| self.gain(a, 1.0).total_cmp(&self.gain(b, 1.0)))
                .expect("fewer spares than people who reach the top level");
            self.spare[best as usize] = true;
            self.shift(best, 1.0);
        }
        if spares > 0 {
            self.teams.push(candidates);
        }
    }

    /// How much the sum of squared mean deviations, each weighted by its group's size,
    /// changes if `person` gets `amount` more turns: the smooth guide of the first phase.
    fn gain(&self, person: u32, amount: f64) -> f64 {
        self.balance
            .iter()
            .zip(self.deviation.iter().zip(&self.people))
            .filter_map(|(attribute, (deviation, people))| {
                let v = (*attribute.of_person.get(person as usize)?)? as usize;
                let d = deviation[v];
                Some(((d + amount) * (d + amount) - d * d) / f64::from(people[v]))
            })
            .sum()
    }

    /// How far rule 4 is broken, summed over attributes: how much the value furthest ahead
    /// leads more often than the one furthest behind, beyond the one turn per group that
    /// rounding allows (the measure the fairness check uses). 0 when the rule holds.
    fn breach(&self) -> f64 {
        self.deviation
            .iter()
            .zip(&self.people)
            .map(|(deviation, people)| {
                let (mut ahead, mut behind) = (f64::NEG_INFINITY, f64::INFINITY);
                for (d, &n) in deviation.iter().zip(people).filter(|(_, &n)| n > 0) {
                    let n = f64::from(n);
                    ahead = ahead.max((d - 1.0) / n);
                    behind = behind.min((d + 1.0) / n);
                }
                (ahead - behind).max(0.0)
            })
            .sum()
    }

    fn swap(&mut self, from: u32, to: u32) {
        self.spare[from as usize] = false;
        self.spare[to as usize] = true;
        self.shift(from, -1.0);
        self.shift(to, 1.0);
    }

    /// The breach after moving a spare from `from` to `to` (teammates).
    fn breach_after(&mut self, from: u32, to: u32) -> f64 {
        self.swap(from, to);
        let breach = self.breach();
        self.swap(to, from);
        breach
    }

    /// The change of the smooth guide from moving a spare from `from` to `to`.
    fn swap_gain(&mut self, from: u32, to: u32) -> f64 {
        let before = self.gain(from, -1.0);
        self.shift(from, -1.0);
        let after = self.gain(to, 1.0);
        self.shift(from, 1.0);
        before + after
    }

    /// Every move of one spare to a teammate who has none.
    fn moves(&self) -> Vec<(u32, u32)> {
        let mut moves = Vec::new();
        for candidates in &self.teams {
            for &from in candidates.iter().filter(|&&p| self.spare[p as usize]) {
                for &to in candidates.iter().filter(|&&p| !self.spare[p as usize]) {
                    moves.push((from, to));
                }
            }
        }
        moves
    }

    /// Local search in two phases. First the best single move while one makes the
    /// deviations smaller overall; that nearly always ends with rule 4 kept. While it is
    /// still broken, an iterated local search on the breach itself: moves that break it
    /// less, kicks of random moves from the best share-out so far when none does, and at
    /// last pairs of moves in two teams (a spare passed along through a background neither
    /// team can trade directly). The kicks' randomness is fixed, so the planner and the
    /// fairness check get the same share-out.
    fn improve(&mut self) {
        loop {
            match self.best_move(Self::swap_gain) {
                Some((gain, from, to)) if gain < -EPSILON => self.swap(from, to),
                _ => break,
            }
        }
        self.descend();
        let mut best = (self.breach(), self.spare.clone(), self.deviation.clone());
        let mut rng = ChaCha8Rng::seed_from_u64(KICK_SEED);
        for _ in 0..KICKS {
            if best.0 <= EPSILON {
                break;
            }
            for _ in 0..2 {
                let moves = self.moves();
                if moves.is_empty() {
                    return;
                }
                let (from, to) = moves[rng.random_range(0..moves.len())];
                self.swap(from, to);
            }
            self.descend();
            let breach = self.breach();
            if breach < best.0 - EPSILON {
                best = (breach, self.spare.clone(), self.deviation.clone());
            } else {
                self.spare.clone_from(&best.1);
                self.deviation.clone_from(&best.2);
            }
        }
        while self.breach() > EPSILON && self.improve_by_pair() {
            self.descend();
        }
    }

    /// The move with the lowest `score`, with its score.
    fn best_move(&mut self, score: fn(&mut Self, u32, u32) -> f64) -> Option<(f64, u32, u32)> {
        self.moves()
            .into_iter()
            .map(|(from, to)| (score(self, from, to), from, to))
            .min_by(|a, b| a.0.total_cmp(&b.0))
    }

    /// The move that breaks rule 4 least, while that is less than now.
    fn descend(&mut self) {
        loop {
            let now = self.breach();
            if now <= EPSILON {
                return;
            }
            match self.best_move(Self::breach_after) {
                Some((breach, from, to)) if breach < now - EPSILON => self.swap(from, to),
                _ => return,
            }
        }
    }

    fn improve_by_pair(&mut self) -> bool {
        let now = self.breach();
        let moves = self.moves();
        let mut looked = 0;
        for (i, &(from, to)) in moves.iter().enumerate() {
            self.swap(from, to);
            for &(from2, to2) in &moves[i + 1..] {
                looked += 1;
                if looked > PAIR_BUDGET {
                    self.swap(to, from);
                    return false;
                }
                let touches = [from2, to2].iter().any(|p| *p == from || *p == to);
                if !touches && self.breach_after(from2, to2) < now - EPSILON {
                    self.swap(from2, to2);
                    return true;
                }
            }
            self.swap(to, from);
        }
        false
    }
}

/// The leading turns `team` will fill from `session` to the end of the plan, given who is
/// away when (a team short of people fills the first roles only).
/// The team's last sessions from `session` on that together hold `turns` leading turns.
fn last_sessions_holding(
    problem: &RotaProblem,
    absent: &HashSet<(usize, u32)>,
    (session, team): (usize, usize),
    turns: usize,
) -> Vec<usize> {
    let mut held = 0;
    let mut sessions = Vec::new();
    for s in (session..problem.sessions.len()).rev() {
        if held >= turns {
            break;
        }
        let here = leading_turns_in(problem, absent, s, team);
        if here > 0 {
            held += here;
            sessions.push(s);
        }
    }
    sessions
}

/// How many leading roles the team fills in session `s`, with the people there.
fn leading_turns_in(
    problem: &RotaProblem,
    absent: &HashSet<(usize, u32)>,
    s: usize,
    team: usize,
) -> usize {
    let there = problem.teams[team]
        .iter()
        .filter(|&&p| !absent.contains(&(s, p)))
        .count();
    let in_use = &problem.sessions[s];
    in_use[..there.min(in_use.len())]
        .iter()
        .filter(|&&r| problem.roles[r].leading)
        .count()
}

fn leading_turns_left(
    problem: &RotaProblem,
    absent: &HashSet<(usize, u32)>,
    session: usize,
    team: usize,
) -> usize {
    (session..problem.sessions.len())
        .map(|s| leading_turns_in(problem, absent, s, team))
        .sum()
}
