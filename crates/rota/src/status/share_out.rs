//! Sharing out the spare leading turns for the whole wave: moves of one spare, the
//! running deviation of each background from its fair share, and the local search over them.

use super::*;

/// Moving one spare leading turn from `from` to `to` (teammates), and what it changes in
/// the turns people end with (`delta`, person and turns): with nobody away, one turn fewer
/// for `from` and one more for `to`; otherwise whatever playing the course through gives.
#[derive(Debug, Clone)]
pub(super) struct Move {
    pub(super) from: u32,
    pub(super) to: u32,
    /// The priorities it changes: person, priority before and after.
    pub(super) priority: Vec<(u32, u32, u32)>,
    pub(super) delta: Vec<(u32, i32)>,
}

/// A team in the share-out: one with spares, or with someone away.
pub(super) struct TeamShare {
    /// The people who could take a spare.
    pub(super) candidates: Vec<u32>,
    /// The people who can lead in the sessions left.
    pub(super) available: Vec<u32>,
    /// With someone away: the course, and each member's priority before spares.
    pub(super) course: Option<(Course, Vec<u32>)>,
    /// The moves open from each choice of spare owners met so far (by those owners), and
    /// in the broad search from each choice of priorities (by those priorities): the local
    /// search comes back to the same choices often.
    pub(super) moves: HashMap<Vec<u32>, Rc<Vec<Move>>>,
    pub(super) broad_moves: HashMap<Vec<u32>, Rc<Vec<Move>>>,
}

/// The spares being shared out, with each attribute value's running deviation from its
/// fair share of leading turns (`deviation[a][v]`, in turns; 0 is fair).
pub(super) struct Shares<'p> {
    pub(super) balance: &'p [crate::Attribute],
    pub(super) deviation: Vec<Vec<f64>>,
    /// People in a team with each value (`people[a][v]`): a mean is a deviation over this.
    pub(super) people: Vec<Vec<u32>>,
    pub(super) spare: Vec<bool>,
    pub(super) priority: Vec<u32>,
    pub(super) expected: Vec<u32>,
    pub(super) teams: Vec<TeamShare>,
    /// Whether teams with someone away move priorities between any two members who can
    /// lead, not only spares (`improve`).
    pub(super) broad: bool,
}

/// Below this a change of the sum of squared deviations is rounding noise.
pub(super) const EPSILON: f64 = 1e-9;
/// Pairs of moves looked at per improvement at most, so a large wave stays fast.
pub(super) const PAIR_BUDGET: usize = 200_000;
/// Plays of a course at most to settle its priorities.
pub(super) const SETTLE_ROUNDS: usize = 4;
/// Kicks of the iterated local search, and the seed of their randomness.
pub(super) const KICKS: usize = 300;
pub(super) const KICK_SEED: u64 = 0x5eed;

impl<'p> Shares<'p> {
    pub(super) fn new(problem: &'p RotaProblem, tally: &Tally) -> Shares<'p> {
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
    pub(super) fn shift(&mut self, person: u32, amount: f64) {
        for (attribute, deviation) in self.balance.iter().zip(&mut self.deviation) {
            if let Some(Some(v)) = attribute.of_person.get(person as usize) {
                deviation[*v as usize] += amount;
            }
        }
    }

    pub(super) fn shift_by(&mut self, delta: &[(u32, i32)], sign: f64) {
        for &(person, turns) in delta {
            self.shift(person, sign * f64::from(turns));
        }
    }

    /// Water-fills the team's leading turns left among the members who `can_lead` in them,
    /// raising their `priority` (which starts as everyone's turns so far; spares not
    /// counted), gives the spares a first owner (the candidates whose backgrounds are
    /// furthest behind, one at a time), and counts every member's final turns against their
    /// fair share.
    pub(super) fn add_team(
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
    pub(super) fn gain(&self, person: u32, amount: f64) -> f64 {
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
    pub(super) fn breach(&self) -> f64 {
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

    pub(super) fn apply(&mut self, m: &Move) {
        self.make(m, true);
    }

    /// Takes back `m`, just applied.
    pub(super) fn undo(&mut self, m: &Move) {
        self.make(m, false);
    }

    pub(super) fn make(&mut self, m: &Move, forward: bool) {
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
    pub(super) fn breach_after(&mut self, m: &Move) -> f64 {
        self.shift_by(&m.delta, 1.0);
        let breach = self.breach();
        self.shift_by(&m.delta, -1.0);
        breach
    }

    /// The change of the smooth guide from the move.
    pub(super) fn move_gain(&mut self, m: &Move) -> f64 {
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
    pub(super) fn team_moves(&mut self, t: usize) -> Rc<Vec<Move>> {
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
                    let settled = trial_move(course, priority, expected, (from, to), &trial, true);
                    // Settling can lead back to where the search stands although the trial
                    // itself, played as given, ends elsewhere: a member behind who is away
                    // later is raised only by a priority above what they end with.
                    let played = trial_move(course, priority, expected, (from, to), &trial, false);
                    let differ = played.delta != settled.delta;
                    open.push(settled);
                    if differ {
                        open.push(played);
                    }
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
                        trial_move(course, priority, expected, (from, to), &trial, true)
                    }
                });
            }
        }
        let open = Rc::new(open);
        moves.insert(owners, Rc::clone(&open));
        open
    }

    /// Every move open now, team by team.
    pub(super) fn moves(&mut self) -> Vec<Rc<Vec<Move>>> {
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
    pub(super) fn improve(&mut self) {
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
    pub(super) fn search(&mut self) {
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
    pub(super) fn best_move(&mut self, score: fn(&mut Self, &Move) -> f64) -> Option<(f64, Move)> {
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
    pub(super) fn descend(&mut self) {
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
    pub(super) fn improve_by_pair(&mut self) -> bool {
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
/// priorities, settled (`Course::settle`) or played as they are (`Course::play`), with
/// what it changes from now.
pub(super) fn trial_move(
    course: &Course,
    priority: &mut [u32],
    expected: &[u32],
    (from, to): (u32, u32),
    trial: &[u32],
    settle: bool,
) -> Move {
    let before: Vec<u32> = course
        .members
        .iter()
        .map(|&p| priority[p as usize])
        .collect();
    for (&p, &t) in course.members.iter().zip(trial) {
        priority[p as usize] = t;
    }
    let ends = if settle {
        course.settle(priority)
    } else {
        course.play(priority)
    };
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
pub(super) fn last_sessions_holding(
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
pub(super) fn leading_turns_in(
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
pub(super) fn leading_turns_left(
    problem: &RotaProblem,
    absent: &HashSet<(usize, u32)>,
    session: usize,
    team: usize,
) -> usize {
    (session..problem.sessions.len())
        .map(|s| leading_turns_in(problem, absent, s, team))
        .sum()
}
