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

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

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
/// members: what rule 1 would give them if turns could be split (`fluid_leads`), so that
/// leading less only because one was away is not counted as one's background leading less.
/// When the team's turns do not add up to the sessions it had as it is now (people moved
/// team with their history, or staff changed who held what), the difference is shared
/// equally.
pub(crate) fn fair_leads(
    problem: &RotaProblem,
    absent: &HashSet<(usize, u32)>,
    team: usize,
    total: u32,
) -> Vec<f64> {
    let fluid = fluid_leads(problem, absent, team);
    let adjust = (f64::from(total) - fluid.iter().sum::<f64>()) / fluid.len().max(1) as f64;
    fluid.into_iter().map(|f| f + adjust).collect()
}

/// Rule 1 without rounding: at every session the team's leading turns go, in fractions, to
/// the members there, raising whoever has led least first, and nobody takes more than one
/// turn in a session. Symmetric people get equal shares; someone away falls behind and,
/// once back, is raised first, exactly as far as the sessions left allow.
fn fluid_leads(problem: &RotaProblem, absent: &HashSet<(usize, u32)>, team: usize) -> Vec<f64> {
    let members = &problem.teams[team];
    let mut share = vec![0.0; members.len()];
    for s in 0..problem.sessions.len() {
        let turns = leading_turns_in(problem, absent, s, team);
        if turns == 0 {
            continue;
        }
        let there: Vec<usize> = (0..members.len())
            .filter(|&i| !absent.contains(&(s, members[i])))
            .collect();
        let now: Vec<f64> = there.iter().map(|&i| share[i]).collect();
        let level = water_level(&now, turns);
        for &i in &there {
            share[i] += (level - share[i]).clamp(0.0, 1.0);
        }
    }
    share
}

/// The level `h` to which `turns` units raise `shares`, each by at most one:
/// the sum of `clamp(h - share, 0, 1)` is `turns` (at most `shares.len()`).
fn water_level(shares: &[f64], turns: usize) -> f64 {
    let filled = |h: f64| shares.iter().map(|&x| (h - x).clamp(0.0, 1.0)).sum::<f64>();
    // The sum is linear between these points, where one share starts or stops rising.
    let mut points: Vec<f64> = shares.iter().flat_map(|&x| [x, x + 1.0]).collect();
    points.sort_by(f64::total_cmp);
    let want = turns as f64;
    let mut below = points[0];
    for &h in &points {
        let (low, high) = (filled(below), filled(h));
        if high >= want {
            return if high > low {
                below + (h - below) * (want - low) / (high - low)
            } else {
                h
            };
        }
        below = h;
    }
    below
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

/// A team's sessions from the share-out's first on, as rule 1 will play them: who is there
/// and how many of them lead, in each session where the team has leading turns.
struct Course {
    members: Vec<u32>,
    /// Leading turns so far, per member.
    start: Vec<u32>,
    sessions: Vec<CourseSession>,
}

struct CourseSession {
    session: usize,
    /// Indices into `members`.
    there: Vec<usize>,
    turns: usize,
    /// Per member: the leading sessions after this one they are there for (for `slack`).
    chances_later: Vec<u32>,
}

impl Course {
    /// The team's course when its leading turns may not simply water-fill up to `level`
    /// with spares above it: someone in it is away for a session with leading turns, or
    /// someone is so far behind that reaching the level and a spare would take more
    /// sessions than are left (nobody leads twice in one session). Otherwise every choice
    /// of spare owners is reached and there is no need to play the sessions through.
    fn of_team(
        problem: &RotaProblem,
        tally: &Tally,
        absent: &HashSet<(usize, u32)>,
        (session, team): (usize, usize),
        level: u32,
    ) -> Option<Course> {
        let members = &problem.teams[team];
        let leading = leading_sessions(problem, session);
        let away = |s: usize, i: usize| absent.contains(&(s, members[i]));
        let with_turns: Vec<(usize, usize)> = leading
            .iter()
            .map(|&s| (s, leading_turns_in(problem, absent, s, team)))
            .filter(|&(_, turns)| turns > 0)
            .collect();
        let someone_away = with_turns
            .iter()
            .any(|&(s, _)| (0..members.len()).any(|i| away(s, i)));
        let far_behind = members
            .iter()
            .any(|&p| (level + 1).saturating_sub(tally.leads(p)) as usize > with_turns.len());
        if !someone_away && !far_behind {
            return None;
        }
        let mut chances_later = vec![0u32; members.len()];
        let mut later = leading.iter().rev().peekable();
        let mut sessions = Vec::with_capacity(with_turns.len());
        for &(s, turns) in with_turns.iter().rev() {
            while let Some(&&l) = later.peek() {
                if l <= s {
                    break;
                }
                for (i, count) in chances_later.iter_mut().enumerate() {
                    *count += u32::from(!away(l, i));
                }
                later.next();
            }
            sessions.push(CourseSession {
                session: s,
                there: (0..members.len()).filter(|&i| !away(s, i)).collect(),
                turns,
                chances_later: chances_later.clone(),
            });
        }
        sessions.reverse();
        Some(Course {
            members: members.clone(),
            start: members.iter().map(|&p| tally.leads(p)).collect(),
            sessions,
        })
    }

    /// Plays the course with `priority` (per person), then again with each member's
    /// priority set to what they ended with, until the two agree (or `SETTLE_ROUNDS` have
    /// been played): who is to reach more leads first, so ties the planner breaks by its
    /// lower rules are between people bound for the same turns. Returns what the last
    /// play gave.
    fn settle(&self, priority: &mut [u32]) -> Vec<u32> {
        for _ in 0..SETTLE_ROUNDS {
            let ends = self.play(priority);
            let settled = self
                .members
                .iter()
                .zip(&ends)
                .all(|(&p, &end)| priority[p as usize] == end);
            if settled {
                return ends;
            }
            for (&p, end) in self.members.iter().zip(ends) {
                priority[p as usize] = end;
            }
        }
        self.play(priority)
    }

    /// Each member's leading turns at the end when every session's leading turns go to the
    /// members there who come first by `lead_order` with `priority` (per person), as the
    /// planner gives them. Where that order ties, the planner's lower rules decide and here
    /// the lower person number does; where that changes the totals, the planner is told to
    /// follow (`ties_that_matter`), and should the two still differ, the plan goes off
    /// course and is shared out again from there.
    fn play(&self, priority: &[u32]) -> Vec<u32> {
        self.play_on(self.start.clone(), 0, priority)
    }

    /// `play` from the course's `from`th session on, with `leads` so far.
    fn play_on(&self, mut leads: Vec<u32>, from: usize, priority: &[u32]) -> Vec<u32> {
        for session in &self.sessions[from..] {
            for i in self.leaders(session, priority, &leads) {
                leads[i] += 1;
            }
        }
        leads
    }

    /// The members who lead in `session` given everyone's `leads` so far, first by
    /// `lead_order` and then by person number.
    fn leaders(&self, session: &CourseSession, priority: &[u32], leads: &[u32]) -> Vec<usize> {
        let mut order = self.order(session, priority, leads);
        // Only who comes first matters, not their order among themselves.
        if session.turns < order.len() {
            order.select_nth_unstable(session.turns);
        }
        order[..session.turns].iter().map(|&(_, i)| i).collect()
    }

    fn order(
        &self,
        session: &CourseSession,
        priority: &[u32],
        leads: &[u32],
    ) -> Vec<((LeadKey, u32), usize)> {
        session
            .there
            .iter()
            .map(|&i| {
                let (person, lead) = (self.members[i], leads[i]);
                let target = priority[person as usize];
                let slack = slack_of(session.chances_later[i], target, lead);
                ((lead_key(lead, target, slack), person), i)
            })
            .collect()
    }

    /// The sessions where the planner, breaking a tie of `lead_order` its own way, could
    /// end somewhere else than `play`: for each, the members `play` has lead among those
    /// tied, as (session, person). A tie matters when letting the first one passed over
    /// lead instead of the last one chosen changes what anyone ends with.
    fn ties_that_matter(&self, priority: &[u32]) -> Vec<(usize, u32)> {
        let ends = self.play(priority);
        let mut first = Vec::new();
        let mut leads = self.start.clone();
        for (k, session) in self.sessions.iter().enumerate() {
            let mut order = self.order(session, priority, &leads);
            order.sort_unstable();
            let chosen: Vec<usize> = order[..session.turns].iter().map(|&(_, i)| i).collect();
            if let (Some(last), Some(next)) =
                (order[..session.turns].last(), order.get(session.turns))
            {
                if last.0 .0 == next.0 .0 {
                    let mut other = leads.clone();
                    for &i in &chosen {
                        other[i] += 1;
                    }
                    other[last.1] -= 1;
                    other[next.1] += 1;
                    if self.play_on(other, k + 1, priority) != ends {
                        let tied = order[..session.turns]
                            .iter()
                            .filter(|(key, _)| key.0 == last.0 .0)
                            .map(|&(_, i)| (session.session, self.members[i]));
                        first.extend(tied);
                    }
                }
            }
            for i in chosen {
                leads[i] += 1;
            }
        }
        first
    }
}

/// Moving one spare leading turn from `from` to `to` (teammates), and what it changes in
/// the turns people end with (`delta`, person and turns): with nobody away, one turn fewer
/// for `from` and one more for `to`; otherwise whatever playing the course through gives.
#[derive(Debug, Clone)]
struct Move {
    from: u32,
    to: u32,
    /// The priorities it changes: person, priority before and after.
    priority: Vec<(u32, u32, u32)>,
    delta: Vec<(u32, i32)>,
}

/// A team in the share-out: one with spares, or with someone away.
struct TeamShare {
    /// The people who could take a spare.
    candidates: Vec<u32>,
    /// The people who can lead in the sessions left.
    available: Vec<u32>,
    /// With someone away: the course, and each member's priority before spares.
    course: Option<(Course, Vec<u32>)>,
    /// The moves open from each choice of spare owners met so far (by those owners), and
    /// in the broad search from each choice of priorities (by those priorities): the local
    /// search comes back to the same choices often.
    moves: HashMap<Vec<u32>, Rc<Vec<Move>>>,
    broad_moves: HashMap<Vec<u32>, Rc<Vec<Move>>>,
}

/// The spares being shared out, with each attribute value's running deviation from its
/// fair share of leading turns (`deviation[a][v]`, in turns; 0 is fair).
struct Shares<'p> {
    balance: &'p [crate::Attribute],
    deviation: Vec<Vec<f64>>,
    /// People in a team with each value (`people[a][v]`): a mean is a deviation over this.
    people: Vec<Vec<u32>>,
    spare: Vec<bool>,
    priority: Vec<u32>,
    expected: Vec<u32>,
    teams: Vec<TeamShare>,
    /// Whether teams with someone away move priorities between any two members who can
    /// lead, not only spares (`improve`).
    broad: bool,
}

/// Below this a change of the sum of squared deviations is rounding noise.
const EPSILON: f64 = 1e-9;
/// Pairs of moves looked at per improvement at most, so a large wave stays fast.
const PAIR_BUDGET: usize = 200_000;
/// Plays of a course at most to settle its priorities.
const SETTLE_ROUNDS: usize = 4;
/// Kicks of the iterated local search, and the seed of their randomness.
const KICKS: usize = 300;
const KICK_SEED: u64 = 0x5eed;

impl<'p> Shares<'p> {
    fn new(problem: &'p RotaProblem, tally: &Tally) -> Shares<'p> {
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
        let leads: Vec<u32> = (0..problem.people as u32).map(|p| tally.leads(p)).collect();
        Shares {
            balance: &problem.balance,
            deviation: people.iter().map(|c| vec![0.0; c.len()]).collect(),
            people,
            spare: vec![false; problem.people],
            priority: leads.clone(),
            expected: leads,
            teams: Vec::new(),
            broad: false,
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

    fn shift_by(&mut self, delta: &[(u32, i32)], sign: f64) {
        for &(person, turns) in delta {
            self.shift(person, sign * f64::from(turns));
        }
    }

    /// Water-fills the team's leading turns left among the members who `can_lead` in them,
    /// raising their `priority` (which starts as everyone's turns so far; spares not
    /// counted), gives the spares a first owner (the candidates whose backgrounds are
    /// furthest behind, one at a time), and counts every member's final turns against their
    /// fair share.
    fn add_team(
        &mut self,
        problem: &RotaProblem,
        tally: &Tally,
        absent: &HashSet<(usize, u32)>,
        (session, team): (usize, usize),
        can_lead: &dyn Fn(u32) -> bool,
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
            self.priority[p as usize] = tally.leads(p).max(level);
        }
        let base: Vec<u32> = members.iter().map(|&p| self.priority[p as usize]).collect();
        let total: u32 = members
            .iter()
            .map(|&p| self.priority[p as usize])
            .sum::<u32>()
            + spares as u32;
        for (&p, fair) in members.iter().zip(fair_leads(problem, absent, team, total)) {
            self.shift(p, f64::from(self.priority[p as usize]) - fair);
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
            self.priority[best as usize] += 1;
            self.shift(best, 1.0);
        }
        let course = Course::of_team(problem, tally, absent, (session, team), level)
            .map(|course| (course, base));
        let planned: Vec<u32> = members.iter().map(|&p| self.priority[p as usize]).collect();
        let ends = match &course {
            Some((course, _)) => course.settle(&mut self.priority),
            None => planned.clone(),
        };
        for ((&p, end), planned) in members.iter().zip(ends).zip(planned) {
            self.shift(p, f64::from(end) - f64::from(planned));
            self.expected[p as usize] = end;
        }
        if spares > 0 || course.is_some() {
            self.teams.push(TeamShare {
                candidates,
                available,
                course,
                moves: HashMap::new(),
                broad_moves: HashMap::new(),
            });
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

    fn apply(&mut self, m: &Move) {
        self.make(m, true);
    }

    /// Takes back `m`, just applied.
    fn undo(&mut self, m: &Move) {
        self.make(m, false);
    }

    fn make(&mut self, m: &Move, forward: bool) {
        self.spare[m.from as usize] = !forward;
        self.spare[m.to as usize] = forward;
        for &(person, before, after) in &m.priority {
            self.priority[person as usize] = if forward { after } else { before };
        }
        let sign = if forward { 1 } else { -1 };
        for &(person, turns) in &m.delta {
            let end = &mut self.expected[person as usize];
            *end = end.saturating_add_signed(sign * turns);
        }
        self.shift_by(&m.delta, f64::from(sign));
    }

    /// The breach after the move.
    fn breach_after(&mut self, m: &Move) -> f64 {
        self.shift_by(&m.delta, 1.0);
        let breach = self.breach();
        self.shift_by(&m.delta, -1.0);
        breach
    }

    /// The change of the smooth guide from the move.
    fn move_gain(&mut self, m: &Move) -> f64 {
        let mut gain = 0.0;
        for &(person, turns) in &m.delta {
            gain += self.gain(person, f64::from(turns));
            self.shift(person, f64::from(turns));
        }
        self.shift_by(&m.delta, -1.0);
        gain
    }

    /// Every move open in team `t`: of one spare to a teammate who has none, or in the
    /// broad search, for a team with someone away, of one unit of priority from any member
    /// who can lead to any other.
    fn team_moves(&mut self, t: usize) -> Rc<Vec<Move>> {
        let Shares {
            teams,
            spare,
            priority,
            expected,
            broad,
            ..
        } = self;
        let TeamShare {
            candidates,
            available,
            course,
            moves,
            broad_moves,
        } = &mut teams[t];
        if let (true, Some((course, _))) = (*broad, &*course) {
            let key: Vec<u32> = course
                .members
                .iter()
                .map(|&p| priority[p as usize])
                .collect();
            if let Some(open) = broad_moves.get(&key) {
                return Rc::clone(open);
            }
            let start = |p: u32| {
                course.start[course
                    .members
                    .iter()
                    .position(|&m| m == p)
                    .expect("a member")]
            };
            let mut open = Vec::new();
            let givers: Vec<u32> = available
                .iter()
                .copied()
                .filter(|&p| priority[p as usize] > start(p))
                .collect();
            for &from in &givers {
                for &to in available.iter().filter(|&&p| p != from) {
                    let trial: Vec<u32> = course
                        .members
                        .iter()
                        .map(|&p| priority[p as usize] + u32::from(p == to) - u32::from(p == from))
                        .collect();
                    open.push(settled_move(course, priority, expected, (from, to), &trial));
                }
            }
            let open = Rc::new(open);
            broad_moves.insert(key, Rc::clone(&open));
            return open;
        }
        let (owners, others): (Vec<u32>, Vec<u32>) =
            candidates.iter().partition(|&&p| spare[p as usize]);
        if let Some(open) = moves.get(&owners) {
            return Rc::clone(open);
        }
        let mut open = Vec::with_capacity(owners.len() * others.len());
        for &from in &owners {
            for &to in &others {
                open.push(match &*course {
                    None => Move {
                        from,
                        to,
                        priority: vec![
                            (from, priority[from as usize], priority[from as usize] - 1),
                            (to, priority[to as usize], priority[to as usize] + 1),
                        ],
                        delta: vec![(from, -1), (to, 1)],
                    },
                    Some((course, base)) => {
                        let trial: Vec<u32> = course
                            .members
                            .iter()
                            .zip(base)
                            .map(|(&p, &b)| {
                                b + u32::from((spare[p as usize] && p != from) || p == to)
                            })
                            .collect();
                        settled_move(course, priority, expected, (from, to), &trial)
                    }
                });
            }
        }
        let open = Rc::new(open);
        moves.insert(owners, Rc::clone(&open));
        open
    }

    /// Every move open now, team by team.
    fn moves(&mut self) -> Vec<Rc<Vec<Move>>> {
        (0..self.teams.len()).map(|t| self.team_moves(t)).collect()
    }

    /// Local search in two phases. First the best single move while one makes the
    /// deviations smaller overall; that nearly always ends with rule 4 kept. While it is
    /// still broken, an iterated local search on the breach itself: moves that break it
    /// less, kicks of random moves from the best share-out so far when none does, and at
    /// last pairs of moves (a spare passed along through a background neither team can
    /// trade directly). If that still leaves it broken, the same search again with broad
    /// moves in teams with someone away: there the spares are not the only choice, since
    /// who leads first within a round decides who is there when their next turn comes. The
    /// kicks' randomness is fixed, so the planner and the fairness check get the same
    /// share-out.
    fn improve(&mut self) {
        loop {
            match self.best_move(Self::move_gain) {
                Some((gain, m)) if gain < -EPSILON => self.apply(&m),
                _ => break,
            }
        }
        self.search();
        if self.breach() > EPSILON && self.teams.iter().any(|t| t.course.is_some()) {
            self.broad = true;
            self.search();
        }
    }

    /// The search on the breach itself: descent, kicks, then pairs of moves.
    fn search(&mut self) {
        self.descend();
        let snapshot = |s: &Self| {
            (
                s.breach(),
                s.spare.clone(),
                s.priority.clone(),
                s.expected.clone(),
                s.deviation.clone(),
            )
        };
        let mut best = snapshot(self);
        let mut rng = ChaCha8Rng::seed_from_u64(KICK_SEED);
        for _ in 0..KICKS {
            if best.0 <= EPSILON {
                break;
            }
            for _ in 0..2 {
                let moves = self.moves();
                let open: Vec<&Move> = moves.iter().flat_map(|m| m.iter()).collect();
                if open.is_empty() {
                    return;
                }
                let m = open[rng.random_range(0..open.len())].clone();
                self.apply(&m);
            }
            self.descend();
            if self.breach() < best.0 - EPSILON {
                best = snapshot(self);
            } else {
                self.spare.clone_from(&best.1);
                self.priority.clone_from(&best.2);
                self.expected.clone_from(&best.3);
                self.deviation.clone_from(&best.4);
            }
        }
        while self.breach() > EPSILON && self.improve_by_pair() {
            self.descend();
        }
    }

    /// The move with the lowest `score`, with its score.
    fn best_move(&mut self, score: fn(&mut Self, &Move) -> f64) -> Option<(f64, Move)> {
        let mut best: Option<(f64, &Move)> = None;
        let moves = self.moves();
        for m in moves.iter().flat_map(|m| m.iter()) {
            let s = score(self, m);
            if best.is_none_or(|(b, _)| s < b) {
                best = Some((s, m));
            }
        }
        best.map(|(s, m)| (s, m.clone()))
    }

    /// The move that breaks rule 4 least, while that is less than now.
    fn descend(&mut self) {
        loop {
            let now = self.breach();
            if now <= EPSILON {
                return;
            }
            match self.best_move(Self::breach_after) {
                Some((breach, m)) if breach < now - EPSILON => self.apply(&m),
                _ => return,
            }
        }
    }

    /// Two moves that together break rule 4 less, the second chosen after the first is
    /// made (in a team with someone away, the first changes what the second does).
    fn improve_by_pair(&mut self) -> bool {
        let now = self.breach();
        let moves = self.moves();
        let mut looked = 0;
        for first in moves.iter().flat_map(|m| m.iter()) {
            self.apply(first);
            let then = self.moves();
            for second in then.iter().flat_map(|m| m.iter()) {
                looked += 1;
                if looked > PAIR_BUDGET {
                    self.undo(first);
                    return false;
                }
                let touches = [second.from, second.to]
                    .iter()
                    .any(|p| *p == first.from || *p == first.to);
                if !touches && self.breach_after(second) < now - EPSILON {
                    self.apply(second);
                    return true;
                }
            }
            self.undo(first);
        }
        false
    }
}

/// The move from `from` to `to` that gives the course's members the `trial`
/// priorities, settled (`Course::settle`), with what it changes from now.
fn settled_move(
    course: &Course,
    priority: &mut [u32],
    expected: &[u32],
    (from, to): (u32, u32),
    trial: &[u32],
) -> Move {
    let before: Vec<u32> = course
        .members
        .iter()
        .map(|&p| priority[p as usize])
        .collect();
    for (&p, &t) in course.members.iter().zip(trial) {
        priority[p as usize] = t;
    }
    let ends = course.settle(priority);
    let mut changed = Vec::new();
    let mut delta = Vec::new();
    for ((&p, end), old) in course.members.iter().zip(ends).zip(before) {
        if priority[p as usize] != old {
            changed.push((p, old, priority[p as usize]));
        }
        priority[p as usize] = old;
        let turns = end as i32 - expected[p as usize] as i32;
        if turns != 0 {
            delta.push((p, turns));
        }
    }
    Move {
        from,
        to,
        priority: changed,
        delta,
    }
}

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

/// The leading turns `team` will fill from `session` to the end of the plan, given who is
/// away when (a team short of people fills the first roles only).
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
