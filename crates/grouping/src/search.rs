//! The anytime search: a randomised greedy start, descent over insert and swap moves, and
//! iterated local search with adaptive perturbation, kept as a small population whose
//! members are recombined by inheriting whole teams (in the family of the memetic and
//! three-phase searches for maximally diverse grouping; Yang et al., 2022).

use std::time::Instant;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::cost::Cost;
use crate::state::{Prepared, State};

/// When to stop: whichever comes first.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub deadline: Option<Instant>,
    /// Rounds of perturbation without a new best before the search settles.
    pub stall_rounds: u32,
}

/// Whether to stop now; checked between rounds, so a cancel takes effect quickly.
pub trait Stop {
    fn stop(&self) -> bool;
}

impl<F: Fn() -> bool> Stop for F {
    fn stop(&self) -> bool {
        self()
    }
}

/// A first team set: pinned people where they are pinned, then everyone else, in random
/// order, into the team with room where they cost least so far.
pub fn construct(p: &Prepared, rng: &mut ChaCha8Rng) -> State {
    let n = p.n;
    let capacity = crate::sizes::TeamSizes {
        min: p.min.clone(),
        max: p.max.clone(),
    }
    .even_split(n);
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

/// Descent: the best improving insert or swap for each person in turn, until none improves.
pub fn descend(p: &Prepared, state: &mut State, rng: &mut ChaCha8Rng, stop: &dyn Stop) {
    let mut order: Vec<usize> = (0..p.n).filter(|&i| p.movable(i)).collect();
    loop {
        let mut improved = false;
        order.shuffle(rng);
        for &x in &order {
            let mut best: Option<(Cost, Option<usize>, u32)> = None;
            let consider = |best: &mut Option<(Cost, Option<usize>, u32)>,
                            delta: Cost,
                            y: Option<usize>,
                            t: u32| {
                if delta.improves()
                    && best
                        .as_ref()
                        .is_none_or(|(b, _, _)| delta.compare(b).is_lt())
                {
                    *best = Some((delta, y, t));
                }
            };
            for t in 0..p.teams as u32 {
                if state.can_move(p, x, t) {
                    consider(&mut best, state.move_delta(p, x, t), None, t);
                }
            }
            for &y in &order {
                if state.team[y] != state.team[x] {
                    consider(&mut best, state.swap_delta(p, x, y), Some(y), state.team[y]);
                }
            }
            match best {
                Some((_, Some(y), _)) => {
                    state.apply_swap(p, x, y);
                    improved = true;
                }
                Some((_, None, t)) => {
                    state.apply_move(p, x, t);
                    improved = true;
                }
                None => {}
            }
        }
        if !improved || stop.stop() {
            return;
        }
    }
}

/// Random swaps between movable people in different teams.
fn perturb(p: &Prepared, state: &mut State, strength: usize, rng: &mut ChaCha8Rng) {
    let movable: Vec<usize> = (0..p.n).filter(|&i| p.movable(i)).collect();
    if movable.len() < 2 {
        return;
    }
    for _ in 0..strength {
        for _attempt in 0..20 {
            let x = movable[rng.random_range(0..movable.len())];
            let y = movable[rng.random_range(0..movable.len())];
            if state.team[x] != state.team[y] {
                state.apply_swap(p, x, y);
                break;
            }
        }
    }
}

/// A child that inherits whole teams: repeatedly the cheapest remaining team of either
/// parent, alternating, keeping only people not yet placed; the rest fill in greedily.
fn crossover(p: &Prepared, a: &State, b: &State, rng: &mut ChaCha8Rng) -> State {
    let n = p.n;
    let mut team = vec![u32::MAX; n];
    for (person, pin) in p.pinned.iter().enumerate() {
        if let Some(t) = pin {
            team[person] = *t;
        }
    }
    let parents = [a, b];
    let mut slot_used = vec![false; p.teams];
    let mut taken = vec![[false; 2]; p.teams];
    let mut turn = rng.random_range(0..2);
    for _ in 0..p.teams / 2 {
        let parent = parents[turn];
        // The parent's team that brings the most people not yet placed.
        let mut counts = vec![0usize; p.teams];
        for (person, &t) in team.iter().enumerate() {
            if t == u32::MAX {
                counts[parent.team[person] as usize] += 1;
            }
        }
        let Some(source) = (0..p.teams)
            .filter(|&t| !taken[t][turn])
            .max_by_key(|&t| (counts[t], std::cmp::Reverse(t)))
        else {
            break;
        };
        taken[source][turn] = true;
        // Keep the parent's slot when free (pinned people are there), else any free one.
        let Some(slot) = (!slot_used[source])
            .then_some(source)
            .or_else(|| (0..p.teams).find(|&t| !slot_used[t]))
        else {
            break;
        };
        slot_used[slot] = true;
        for (person, t) in team.iter_mut().enumerate() {
            if *t == u32::MAX && parent.team[person] as usize == source {
                *t = slot as u32;
            }
        }
        turn = 1 - turn;
    }
    // Respect size bounds: trim teams over their maximum, then place everyone left
    // into teams with room, smallest first.
    let mut size = vec![0u32; p.teams];
    for &t in &team {
        if t != u32::MAX {
            size[t as usize] += 1;
        }
    }
    for (person, t) in team.iter_mut().enumerate() {
        if *t != u32::MAX && size[*t as usize] > p.max[*t as usize] && p.movable(person) {
            size[*t as usize] -= 1;
            *t = u32::MAX;
        }
    }
    let target = crate::sizes::TeamSizes {
        min: p.min.clone(),
        max: p.max.clone(),
    }
    .even_split(n);
    let mut left: Vec<usize> = (0..n).filter(|&i| team[i] == u32::MAX).collect();
    left.shuffle(rng);
    for person in left {
        let t = (0..p.teams)
            .filter(|&t| size[t] < p.max[t])
            .min_by_key(|&t| (size[t] >= target[t], size[t], t))
            .unwrap_or(0);
        team[person] = t as u32;
        size[t] += 1;
    }
    // Raise teams below their minimum with movable people from the largest teams.
    for t in 0..p.teams {
        while size[t] < p.min[t] {
            let Some(donor) = (0..n)
                .filter(|&q| p.movable(q) && size[team[q] as usize] > p.min[team[q] as usize])
                .max_by_key(|&q| (size[team[q] as usize], q))
            else {
                break;
            };
            size[team[donor] as usize] -= 1;
            team[donor] = t as u32;
            size[t] += 1;
        }
    }
    State::new(p, team)
}

/// The search from one seed: a population improved by iterated local search and
/// recombination until the budget ends or the search stalls.
pub fn run(p: &Prepared, seed: u64, budget: Budget, stop: &dyn Stop) -> State {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let out_of_time = || budget.deadline.is_some_and(|d| Instant::now() >= d) || stop.stop();
    let population_size = if p.n <= 12 { 1 } else { 4 };
    let mut population: Vec<State> = Vec::with_capacity(population_size);
    for _ in 0..population_size {
        let mut s = construct(p, &mut rng);
        descend(p, &mut s, &mut rng, &out_of_time);
        population.push(s);
        if out_of_time() {
            break;
        }
    }
    let mut best = population
        .iter()
        .min_by(|a, b| a.cost.compare(&b.cost))
        .cloned()
        .unwrap_or_else(|| construct(p, &mut rng));
    let mut stall = 0u32;
    let max_strength = (p.n / 4).max(2);
    let mut strength = 2usize;
    while stall < budget.stall_rounds && !out_of_time() {
        // Iterated local search on each member.
        for member in population.iter_mut() {
            let mut trial = member.clone();
            perturb(p, &mut trial, strength, &mut rng);
            descend(p, &mut trial, &mut rng, &out_of_time);
            if !trial.cost.compare(&member.cost).is_gt() {
                *member = trial;
            }
            if out_of_time() {
                break;
            }
        }
        // Recombination: a child of two members replaces the worst if it is better.
        if population.len() >= 2 && !out_of_time() {
            let i = rng.random_range(0..population.len());
            let mut j = rng.random_range(0..population.len() - 1);
            if j >= i {
                j += 1;
            }
            let mut child = crossover(p, &population[i], &population[j], &mut rng);
            descend(p, &mut child, &mut rng, &out_of_time);
            let worst = (0..population.len())
                .max_by(|&a, &b| population[a].cost.compare(&population[b].cost))
                .unwrap_or(0);
            let duplicate = population.iter().any(|m| m.team == child.team);
            if !duplicate && child.cost.compare(&population[worst].cost).is_lt() {
                population[worst] = child;
            }
        }
        let round_best = population
            .iter()
            .min_by(|a, b| a.cost.compare(&b.cost))
            .cloned();
        match round_best {
            Some(candidate) if candidate.cost.compare(&best.cost).is_lt() => {
                best = candidate;
                stall = 0;
                strength = 2;
            }
            _ => {
                stall += 1;
                strength = (strength + 1).min(max_strength);
            }
        }
    }
    best
}
