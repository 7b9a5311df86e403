//! A team set under search, with the per-team counts that let a move or a swap be priced
//! in constant time per attribute (plus the moved people's pair lists), as in the
//! incremental evaluation of the strongest grouping searches.

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::cost::{Cost, APART, ISOLATION, NEEDS, TOGETHER};
use crate::landscape::Landscape;
use crate::problem::Problem;

/// The problem turned into the lookups the search needs.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub n: usize,
    pub teams: usize,
    pub min: Vec<u32>,
    pub max: Vec<u32>,
    pub balance: Vec<BalanceAttr>,
    pub isolation: Vec<IsolationAttr>,
    pub apart: Vec<Vec<u32>>,
    pub together: Vec<Vec<u32>>,
    /// Who each person shared a team with in an earlier team set.
    pub met: Vec<Vec<u32>>,
    pub needs: Vec<bool>,
    pub needs_cap: u32,
    pub pinned: Vec<Option<u32>>,
    pub repeat_weight: f64,
    pub school: Option<(Vec<u32>, usize)>,
}

#[derive(Debug, Clone)]
pub struct BalanceAttr {
    pub weight: f64,
    pub values: Vec<u32>,
    pub value_count: usize,
    /// Each value's share of the wave.
    pub share: Vec<f64>,
}

#[derive(Debug, Clone)]
pub struct IsolationAttr {
    pub values: Vec<u32>,
    pub value_count: usize,
    /// Values two or more people share: one of them alone in a team is isolated.
    pub isolable: Vec<bool>,
}

/// How many people of each team have each value: `counts[team * width + value]`.
pub(crate) fn value_counts(team: &[u32], teams: usize, values: &[u32], width: usize) -> Vec<u32> {
    let mut counts = vec![0u32; teams * width];
    for (person, &g) in team.iter().enumerate() {
        counts[g as usize * width + values[person] as usize] += 1;
    }
    counts
}

fn adjacency(n: usize, pairs: impl Iterator<Item = (u32, u32)>) -> Vec<Vec<u32>> {
    let mut lists = vec![Vec::new(); n];
    for (a, b) in pairs {
        lists[a as usize].push(b);
        lists[b as usize].push(a);
    }
    for list in &mut lists {
        list.sort_unstable();
        list.dedup();
    }
    lists
}

impl Prepared {
    pub fn new(problem: &Problem) -> Prepared {
        let n = problem.people;
        let balance = problem
            .balance
            .iter()
            .map(|b| BalanceAttr {
                weight: b.weight,
                values: b.attribute.values.clone(),
                value_count: b.attribute.value_count(),
                share: b
                    .attribute
                    .totals()
                    .iter()
                    .map(|&c| f64::from(c) / n as f64)
                    .collect(),
            })
            .collect();
        let isolation = problem
            .no_isolation
            .iter()
            .map(|c| IsolationAttr {
                values: c.values.clone(),
                value_count: c.value_count(),
                isolable: c.totals().iter().map(|&t| t >= 2).collect(),
            })
            .collect();
        let mut met_pairs = Vec::new();
        for earlier in &problem.previous {
            let mut by_team: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
            for (person, &team) in earlier.iter().enumerate() {
                by_team.entry(team).or_default().push(person as u32);
            }
            for members in by_team.values() {
                for (x, &a) in members.iter().enumerate() {
                    for &b in &members[x + 1..] {
                        met_pairs.push((a, b));
                    }
                }
            }
        }
        Prepared {
            n,
            teams: problem.teams(),
            min: problem.sizes.min.clone(),
            max: problem.sizes.max.clone(),
            balance,
            isolation,
            apart: adjacency(n, problem.apart.iter().map(|&(a, b, _)| (a, b))),
            together: adjacency(n, problem.together.iter().copied()),
            met: adjacency(n, met_pairs.into_iter()),
            needs: problem.needs.clone(),
            needs_cap: problem.needs_cap(),
            pinned: problem.pinned.clone(),
            repeat_weight: problem.repeat_weight,
            school: problem
                .school
                .as_ref()
                .map(|s| (s.values.clone(), s.value_count())),
        }
    }

    /// The cost of an assignment, computed from nothing: the reference the incremental
    /// prices are tested against.
    pub fn cost_of(&self, team: &[u32]) -> Cost {
        let t = self.teams;
        let mut cost = Cost::zero();
        let mut size = vec![0u32; t];
        for &g in team {
            size[g as usize] += 1;
        }
        for attr in &self.balance {
            let counts = value_counts(team, t, &attr.values, attr.value_count);
            for g in 0..t {
                for v in 0..attr.value_count {
                    let c = f64::from(counts[g * attr.value_count + v]);
                    cost.soft += attr.weight * (c - f64::from(size[g]) * attr.share[v]).abs();
                }
            }
        }
        for attr in &self.isolation {
            let counts = value_counts(team, t, &attr.values, attr.value_count);
            for g in 0..t {
                for v in 0..attr.value_count {
                    if attr.isolable[v] && counts[g * attr.value_count + v] == 1 {
                        cost.hard[ISOLATION] += 1;
                    }
                }
            }
        }
        let pairs_within = |lists: &[Vec<u32>]| -> i64 {
            let mut count = 0;
            for (a, list) in lists.iter().enumerate() {
                count += list
                    .iter()
                    .filter(|&&b| (b as usize) > a && team[b as usize] == team[a])
                    .count() as i64;
            }
            count
        };
        let together_pairs: i64 = self
            .together
            .iter()
            .enumerate()
            .map(|(a, l)| l.iter().filter(|&&b| b as usize > a).count() as i64)
            .sum();
        cost.hard[TOGETHER] = together_pairs - pairs_within(&self.together);
        cost.hard[APART] = pairs_within(&self.apart);
        cost.soft += self.repeat_weight * pairs_within(&self.met) as f64;
        let mut needs = vec![0u32; t];
        for (p, &g) in team.iter().enumerate() {
            if self.needs[p] {
                needs[g as usize] += 1;
            }
        }
        cost.hard[NEEDS] = needs
            .iter()
            .map(|&c| i64::from(c.saturating_sub(self.needs_cap)))
            .sum();
        if let Some((schools, count)) = &self.school {
            let mut counts = vec![0i64; t * count];
            for (p, &g) in team.iter().enumerate() {
                counts[g as usize * count + schools[p] as usize] += 1;
            }
            cost.tie = counts.iter().map(|&c| c * (c - 1) / 2).sum();
        }
        cost
    }
}

/// A team set and its counts. `team[p]` is person p's team.
#[derive(Debug, Clone)]
pub struct State {
    pub team: Vec<u32>,
    pub size: Vec<u32>,
    balance_counts: Vec<Vec<u32>>,
    isolation_counts: Vec<Vec<u32>>,
    needs_count: Vec<u32>,
    school_counts: Vec<u32>,
    pub cost: Cost,
}

fn isolated(attr: &IsolationAttr, value: usize, count: u32) -> i64 {
    i64::from(attr.isolable[value] && count == 1)
}

fn over(cap: u32, count: u32) -> i64 {
    i64::from(count.saturating_sub(cap))
}

/// Partners of `person` in `team`, not counting `except`.
fn linked(lists: &[Vec<u32>], assignment: &[u32], person: usize, team: u32, except: usize) -> i64 {
    lists[person]
        .iter()
        .filter(|&&q| q as usize != except && assignment[q as usize] == team)
        .count() as i64
}

impl State {
    pub fn new(p: &Prepared, team: Vec<u32>) -> State {
        let t = p.teams;
        let mut size = vec![0u32; t];
        for &g in &team {
            size[g as usize] += 1;
        }
        let count_by = |values: &[u32], width: usize| value_counts(&team, t, values, width);
        let balance_counts = p
            .balance
            .iter()
            .map(|a| count_by(&a.values, a.value_count))
            .collect();
        let isolation_counts = p
            .isolation
            .iter()
            .map(|a| count_by(&a.values, a.value_count))
            .collect();
        let mut needs_count = vec![0u32; t];
        for (person, &g) in team.iter().enumerate() {
            if p.needs[person] {
                needs_count[g as usize] += 1;
            }
        }
        let school_counts = match &p.school {
            Some((values, width)) => count_by(values, *width),
            None => Vec::new(),
        };
        let cost = p.cost_of(&team);
        State {
            team,
            size,
            balance_counts,
            isolation_counts,
            needs_count,
            school_counts,
            cost,
        }
    }

    /// One team's balance cost on one attribute, with its size and one value's count
    /// changed by the given amounts.
    fn team_balance(
        &self,
        p: &Prepared,
        a: usize,
        team: usize,
        size_change: i32,
        value: usize,
        change: i32,
    ) -> f64 {
        let attr = &p.balance[a];
        let width = attr.value_count;
        let counts = &self.balance_counts[a][team * width..(team + 1) * width];
        let size = f64::from(self.size[team] as i32 + size_change);
        let mut total = 0.0;
        for (v, &c) in counts.iter().enumerate() {
            let c = f64::from(c as i32 + if v == value { change } else { 0 });
            total += (c - size * attr.share[v]).abs();
        }
        attr.weight * total
    }

    /// What moving `person` to team `to` would change. Sizes are the caller's concern.
    pub fn move_delta(&self, p: &Prepared, person: usize, to: u32) -> Cost {
        let from = self.team[person];
        let mut delta = Cost::zero();
        if from == to {
            return delta;
        }
        let (a_team, b_team) = (from as usize, to as usize);
        for (a, attr) in p.balance.iter().enumerate() {
            let v = attr.values[person] as usize;
            delta.soft += self.team_balance(p, a, a_team, -1, v, -1)
                - self.team_balance(p, a, a_team, 0, v, 0)
                + self.team_balance(p, a, b_team, 1, v, 1)
                - self.team_balance(p, a, b_team, 0, v, 0);
        }
        for (a, attr) in p.isolation.iter().enumerate() {
            let v = attr.values[person] as usize;
            let w = attr.value_count;
            let ca = self.isolation_counts[a][a_team * w + v];
            let cb = self.isolation_counts[a][b_team * w + v];
            delta.hard[ISOLATION] += isolated(attr, v, ca - 1) - isolated(attr, v, ca)
                + isolated(attr, v, cb + 1)
                - isolated(attr, v, cb);
        }
        if p.needs[person] {
            let (ca, cb) = (self.needs_count[a_team], self.needs_count[b_team]);
            delta.hard[NEEDS] += over(p.needs_cap, ca - 1) - over(p.needs_cap, ca)
                + over(p.needs_cap, cb + 1)
                - over(p.needs_cap, cb);
        }
        let none = usize::MAX;
        delta.hard[APART] += linked(&p.apart, &self.team, person, to, none)
            - linked(&p.apart, &self.team, person, from, none);
        delta.hard[TOGETHER] += linked(&p.together, &self.team, person, from, none)
            - linked(&p.together, &self.team, person, to, none);
        if !p.met.is_empty() {
            delta.soft += p.repeat_weight
                * (linked(&p.met, &self.team, person, to, none)
                    - linked(&p.met, &self.team, person, from, none)) as f64;
        }
        if let Some((schools, w)) = &p.school {
            let s = schools[person] as usize;
            delta.tie += i64::from(self.school_counts[b_team * w + s])
                - (i64::from(self.school_counts[a_team * w + s]) - 1);
        }
        delta
    }

    /// What swapping `x` and `y` (in different teams) would change.
    pub fn swap_delta(&self, p: &Prepared, x: usize, y: usize) -> Cost {
        let (tx, ty) = (self.team[x], self.team[y]);
        let mut delta = Cost::zero();
        if tx == ty {
            return delta;
        }
        let (a_team, b_team) = (tx as usize, ty as usize);
        for (a, attr) in p.balance.iter().enumerate() {
            let (vx, vy) = (attr.values[x] as usize, attr.values[y] as usize);
            if vx == vy {
                continue;
            }
            let w = attr.value_count;
            let counts = &self.balance_counts[a];
            let term = |team: usize, v: usize, change: i32| {
                let c = f64::from(counts[team * w + v] as i32 + change);
                (c - f64::from(self.size[team]) * attr.share[v]).abs()
            };
            delta.soft += attr.weight
                * (term(a_team, vx, -1) - term(a_team, vx, 0) + term(a_team, vy, 1)
                    - term(a_team, vy, 0)
                    + term(b_team, vy, -1)
                    - term(b_team, vy, 0)
                    + term(b_team, vx, 1)
                    - term(b_team, vx, 0));
        }
        for (a, attr) in p.isolation.iter().enumerate() {
            let (vx, vy) = (attr.values[x] as usize, attr.values[y] as usize);
            if vx == vy {
                continue;
            }
            let w = attr.value_count;
            let c = |team: usize, v: usize| self.isolation_counts[a][team * w + v];
            delta.hard[ISOLATION] += isolated(attr, vx, c(a_team, vx) - 1)
                - isolated(attr, vx, c(a_team, vx))
                + isolated(attr, vy, c(a_team, vy) + 1)
                - isolated(attr, vy, c(a_team, vy))
                + isolated(attr, vy, c(b_team, vy) - 1)
                - isolated(attr, vy, c(b_team, vy))
                + isolated(attr, vx, c(b_team, vx) + 1)
                - isolated(attr, vx, c(b_team, vx));
        }
        if p.needs[x] != p.needs[y] {
            // One person with needs leaves one team and joins the other.
            let (leaves, joins) = if p.needs[x] {
                (a_team, b_team)
            } else {
                (b_team, a_team)
            };
            let (cl, cj) = (self.needs_count[leaves], self.needs_count[joins]);
            delta.hard[NEEDS] += over(p.needs_cap, cl - 1) - over(p.needs_cap, cl)
                + over(p.needs_cap, cj + 1)
                - over(p.needs_cap, cj);
        }
        let pair_change = |lists: &[Vec<u32>]| {
            linked(lists, &self.team, x, ty, y) - linked(lists, &self.team, x, tx, y)
                + linked(lists, &self.team, y, tx, x)
                - linked(lists, &self.team, y, ty, x)
        };
        delta.hard[APART] += pair_change(&p.apart);
        delta.hard[TOGETHER] -= pair_change(&p.together);
        if !p.met.is_empty() {
            delta.soft += p.repeat_weight * pair_change(&p.met) as f64;
        }
        if let Some((schools, w)) = &p.school {
            let (sx, sy) = (schools[x] as usize, schools[y] as usize);
            if sx != sy {
                let c = |team: usize, s: usize| i64::from(self.school_counts[team * w + s]);
                delta.tie +=
                    c(a_team, sy) - (c(a_team, sx) - 1) + c(b_team, sx) - (c(b_team, sy) - 1);
            }
        }
        delta
    }

    fn shift_counts(&mut self, p: &Prepared, person: usize, from: usize, to: usize) {
        for (a, attr) in p.balance.iter().enumerate() {
            let v = attr.values[person] as usize;
            self.balance_counts[a][from * attr.value_count + v] -= 1;
            self.balance_counts[a][to * attr.value_count + v] += 1;
        }
        for (a, attr) in p.isolation.iter().enumerate() {
            let v = attr.values[person] as usize;
            self.isolation_counts[a][from * attr.value_count + v] -= 1;
            self.isolation_counts[a][to * attr.value_count + v] += 1;
        }
        if p.needs[person] {
            self.needs_count[from] -= 1;
            self.needs_count[to] += 1;
        }
        if let Some((schools, w)) = &p.school {
            let s = schools[person] as usize;
            self.school_counts[from * w + s] -= 1;
            self.school_counts[to * w + s] += 1;
        }
        self.size[from] -= 1;
        self.size[to] += 1;
        self.team[person] = to as u32;
    }

    pub fn apply_move(&mut self, p: &Prepared, person: usize, to: u32) {
        let delta = self.move_delta(p, person, to);
        let from = self.team[person] as usize;
        self.shift_counts(p, person, from, to as usize);
        self.cost = self.cost + delta;
    }

    pub fn apply_swap(&mut self, p: &Prepared, x: usize, y: usize) {
        let delta = self.swap_delta(p, x, y);
        let (tx, ty) = (self.team[x] as usize, self.team[y] as usize);
        self.shift_counts(p, x, tx, ty);
        self.shift_counts(p, y, ty, tx);
        self.cost = self.cost + delta;
    }
}

/// A first team set: pinned people where they are pinned, then everyone else, in random
/// order, into the team with room where they cost least so far.
pub fn construct(p: &Prepared, rng: &mut ChaCha8Rng) -> State {
    let n = p.n;
    let capacity = p.even_sizes();
    let mut draft = Draft::new(p);
    for (person, pin) in p.pinned.iter().enumerate() {
        if let Some(t) = pin {
            draft.place(p, person, *t as usize);
        }
    }
    let mut order: Vec<usize> = (0..n).filter(|&i| p.pinned[i].is_none()).collect();
    order.shuffle(rng);
    for &person in &order {
        let mut best: Option<(usize, f64)> = None;
        for (t, &room) in capacity.iter().enumerate() {
            if draft.size[t] >= room {
                continue;
            }
            let score = draft.score(p, person, t) + rng.random::<f64>() * 1e-9;
            if best.is_none_or(|(_, s)| score < s) {
                best = Some((t, score));
            }
        }
        // The capacities sum to n, so some team always has room.
        let t = best.map_or(0, |(t, _)| t);
        draft.place(p, person, t);
    }
    State::new(p, draft.team)
}

/// A team set being filled: counts over the people placed so far.
struct Draft {
    team: Vec<u32>,
    size: Vec<u32>,
    counts: Vec<Vec<u32>>,
    needs: Vec<u32>,
}

impl Draft {
    fn new(p: &Prepared) -> Draft {
        Draft {
            team: vec![u32::MAX; p.n],
            size: vec![0; p.teams],
            counts: p
                .balance
                .iter()
                .map(|a| vec![0; p.teams * a.value_count])
                .collect(),
            needs: vec![0; p.teams],
        }
    }

    fn place(&mut self, p: &Prepared, person: usize, t: usize) {
        self.team[person] = t as u32;
        self.size[t] += 1;
        for (a, attr) in p.balance.iter().enumerate() {
            self.counts[a][t * attr.value_count + attr.values[person] as usize] += 1;
        }
        if p.needs[person] {
            self.needs[t] += 1;
        }
    }

    /// How badly `person` fits team `t` now: broken pairs first, then needs, then how
    /// over-represented their values would be.
    fn score(&self, p: &Prepared, person: usize, t: usize) -> f64 {
        let here = |q: &u32| self.team[*q as usize] == t as u32;
        let elsewhere = |q: &u32| self.team[*q as usize] != u32::MAX && !here(q);
        let pairs = p.apart[person].iter().filter(|q| here(q)).count()
            + p.together[person].iter().filter(|q| elsewhere(q)).count();
        let needs = if p.needs[person] {
            f64::from(self.needs[t])
        } else {
            0.0
        };
        let size = f64::from(self.size[t] + 1);
        let balance: f64 = p
            .balance
            .iter()
            .enumerate()
            .map(|(a, attr)| {
                let v = attr.values[person] as usize;
                attr.weight
                    * (f64::from(self.counts[a][t * attr.value_count + v] + 1)
                        - size * attr.share[v])
            })
            .sum();
        1e6 * pairs as f64 + 1e3 * needs + balance
    }
}

impl Landscape for Prepared {
    type State = State;

    fn people(&self) -> usize {
        self.n
    }
    fn teams(&self) -> usize {
        self.teams
    }
    fn min_size(&self, team: usize) -> u32 {
        self.min[team]
    }
    fn max_size(&self, team: usize) -> u32 {
        self.max[team]
    }
    fn pinned(&self, person: usize) -> Option<u32> {
        self.pinned[person]
    }
    fn construct(&self, rng: &mut ChaCha8Rng) -> State {
        construct(self, rng)
    }
    fn state(&self, team: Vec<u32>) -> State {
        State::new(self, team)
    }
    fn team_of(&self, state: &State, person: usize) -> u32 {
        state.team[person]
    }
    fn assignment<'s>(&self, state: &'s State) -> &'s [u32] {
        &state.team
    }
    fn size(&self, state: &State, team: usize) -> u32 {
        state.size[team]
    }
    fn cost(&self, state: &State) -> Cost {
        state.cost
    }
    fn move_delta(&self, state: &State, person: usize, to: u32) -> Cost {
        state.move_delta(self, person, to)
    }
    fn swap_delta(&self, state: &State, x: usize, y: usize) -> Cost {
        state.swap_delta(self, x, y)
    }
    fn apply_move(&self, state: &mut State, person: usize, to: u32) {
        state.apply_move(self, person, to);
    }
    fn apply_swap(&self, state: &mut State, x: usize, y: usize) {
        state.apply_swap(self, x, y);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::random_problem;
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};

    fn close(a: Cost, b: Cost) -> bool {
        a.hard == b.hard && a.tie == b.tie && (a.soft - b.soft).abs() < 1e-6
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The constant-time prices of moves and swaps agree with pricing from scratch.
        #[test]
        fn incremental_prices_match_a_full_recount(seed in 0u64..10_000, people in 4usize..40, size in 2u32..7) {
            let mut problem = random_problem(seed, people, size);
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            // An earlier team set, so repeated pairs are priced too.
            problem.previous.push((0..people).map(|_| rng.random_range(0..3)).collect());
            problem.sizes.min.iter_mut().for_each(|m| *m = m.saturating_sub(1));
            problem.sizes.max.iter_mut().for_each(|m| *m += 1);
            let p = Prepared::new(&problem);
            let mut state = construct(&p, &mut rng);
            prop_assert!(close(state.cost, p.cost_of(&state.team)));
            for _ in 0..60 {
                let x = rng.random_range(0..people);
                let before = p.cost_of(&state.team);
                if rng.random_bool(0.5) {
                    let to = rng.random_range(0..p.teams as u32);
                    if !p.can_move(&state, x, to) { continue; }
                    let delta = state.move_delta(&p, x, to);
                    state.apply_move(&p, x, to);
                    prop_assert!(close(delta, p.cost_of(&state.team) - before), "move {delta:?}");
                } else {
                    let y = rng.random_range(0..people);
                    if state.team[x] == state.team[y] { continue; }
                    let delta = state.swap_delta(&p, x, y);
                    state.apply_swap(&p, x, y);
                    prop_assert!(close(delta, p.cost_of(&state.team) - before), "swap {delta:?}");
                }
                prop_assert!(close(state.cost, p.cost_of(&state.team)));
            }
        }
    }
}
