//! The anytime search: a randomised greedy start, descent over insert and swap moves, and
//! iterated local search with adaptive perturbation, kept as a small population whose
//! members are recombined by inheriting whole teams (in the family of the memetic and
//! three-phase searches for maximally diverse grouping; Yang et al., 2022). How large the
//! population is, what a kick does and what it may cost come from the landscape's `Tuning`.

use std::time::Instant;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::cost::Cost;
use crate::landscape::Landscape;

/// When to stop: whichever comes first.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub deadline: Option<Instant>,
    /// Rounds of perturbation without a new best before the search settles.
    pub stall_rounds: u32,
}

/// Whether to stop now (checked between rounds, so a cancel takes effect quickly), and
/// where to report each better team set as it is found, so a screen can show the first
/// valid teams at once and improve them while the search goes on. Each search thread
/// reports its own improvements.
pub trait Stop {
    fn stop(&self) -> bool;

    fn improved(&self, _team: &[u32], _cost: &Cost) {}
}

impl<F: Fn() -> bool> Stop for F {
    fn stop(&self) -> bool {
        self()
    }
}

/// Descent: for each person in turn, the first improving insert or swap, until nobody
/// can improve. A person whose moves all failed is not looked at again until their own
/// team changes ("don't look" bits): a lazy descent, cheap enough that the search can
/// afford many more kicks, which on team problems matters more than a perfect optimum.
pub fn descend<L: Landscape>(l: &L, state: &mut L::State, rng: &mut ChaCha8Rng, stop: &dyn Stop) {
    let (n, teams) = (l.people(), l.teams());
    let mut order: Vec<usize> = (0..n).filter(|&i| l.movable(i)).collect();
    let mut partners = order.clone();
    let mut look = vec![true; n];
    loop {
        let mut improved = false;
        order.shuffle(rng);
        partners.shuffle(rng);
        for &x in &order {
            if !look[x] {
                continue;
            }
            let home = l.team_of(state, x);
            let mut step = (0..teams as u32)
                .find(|&t| l.can_move(state, x, t) && l.move_delta(state, x, t).improves())
                .map(|t| (None, t));
            if step.is_none() {
                // Every person this pass looks at partners in the same shuffled order:
                // measured better on team problems than a fresh order per person.
                step = l
                    .first_improving_swap(state, x, &partners)
                    .map(|y| (Some(y), l.team_of(state, y)));
            }
            let Some((partner, to)) = step else {
                look[x] = false;
                continue;
            };
            match partner {
                Some(y) => l.apply_swap(state, x, y),
                None => l.apply_move(state, x, to),
            }
            improved = true;
            for team in [home, to] {
                l.for_each_member(state, team, &mut |p| look[p] = true);
            }
        }
        if !improved || stop.stop() {
            return;
        }
    }
}

/// Random steps: swaps between movable people in different teams and moves to a team with
/// room (which is how team sizes change when they may), as often as the landscape's tuning
/// says.
fn perturb<L: Landscape>(l: &L, state: &mut L::State, strength: usize, rng: &mut ChaCha8Rng) {
    let movable: Vec<usize> = (0..l.people()).filter(|&i| l.movable(i)).collect();
    if movable.len() < 2 {
        return;
    }
    let teams = l.teams();
    let moves = movable.len() * teams;
    let steps = moves + movable.len() * (movable.len() - 1) / 2;
    let sizes_vary = (0..teams).any(|t| l.min_size(t) < l.max_size(t));
    let move_share = l.tuning().move_share;
    for _ in 0..strength {
        for _attempt in 0..20 {
            let x = movable[rng.random_range(0..movable.len())];
            let a_move = match move_share {
                None => rng.random_range(0..steps) < moves,
                Some(share) => sizes_vary && rng.random::<f64>() < share,
            };
            if a_move {
                let to = rng.random_range(0..teams) as u32;
                if l.can_move(state, x, to) {
                    l.apply_move(state, x, to);
                    break;
                }
                continue;
            }
            let y = movable[rng.random_range(0..movable.len())];
            if l.team_of(state, x) != l.team_of(state, y) {
                l.apply_swap(state, x, y);
                break;
            }
        }
    }
}

/// A child that inherits whole teams: in turn from each parent, the team that brings the
/// most people not yet placed; the rest fill the teams with room, then teams below their
/// minimum take people from the largest.
fn crossover<L: Landscape>(l: &L, a: &L::State, b: &L::State, rng: &mut ChaCha8Rng) -> L::State {
    let (n, teams) = (l.people(), l.teams());
    let mut team = vec![u32::MAX; n];
    for (person, slot) in team.iter_mut().enumerate() {
        if let Some(t) = l.pinned(person) {
            *slot = t;
        }
    }
    let parents = [l.assignment(a), l.assignment(b)];
    let mut slot_used = vec![false; teams];
    let mut taken = vec![[false; 2]; teams];
    let mut turn = rng.random_range(0..2);
    for _ in 0..teams / 2 {
        let parent = parents[turn];
        let mut counts = vec![0usize; teams];
        for (person, &t) in team.iter().enumerate() {
            if t == u32::MAX {
                counts[parent[person] as usize] += 1;
            }
        }
        let Some(source) = (0..teams)
            .filter(|&t| !taken[t][turn])
            .max_by_key(|&t| (counts[t], std::cmp::Reverse(t)))
        else {
            break;
        };
        taken[source][turn] = true;
        // Keep the parent's slot when free (pinned people are there), else a free one the
        // team fits, the tightest fit first, else any free one.
        let fits = |t: usize| {
            l.min_size(t) <= counts[source] as u32 && counts[source] as u32 <= l.max_size(t)
        };
        let Some(slot) = (!slot_used[source])
            .then_some(source)
            .or_else(|| {
                (0..teams)
                    .filter(|&t| !slot_used[t] && fits(t))
                    .min_by_key(|&t| (l.max_size(t), t))
            })
            .or_else(|| (0..teams).find(|&t| !slot_used[t]))
        else {
            break;
        };
        slot_used[slot] = true;
        for (person, t) in team.iter_mut().enumerate() {
            if *t == u32::MAX && parent[person] as usize == source {
                *t = slot as u32;
            }
        }
        turn = 1 - turn;
    }
    let mut size = vec![0u32; teams];
    for &t in &team {
        if t != u32::MAX {
            size[t as usize] += 1;
        }
    }
    for (person, t) in team.iter_mut().enumerate() {
        if *t != u32::MAX && size[*t as usize] > l.max_size(*t as usize) && l.movable(person) {
            size[*t as usize] -= 1;
            *t = u32::MAX;
        }
    }
    // Fill towards the first parent's team sizes: where sizes may differ, good sizes are part
    // of what the parents found (for even teams they are the even sizes anyway).
    let target: Vec<u32> = (0..teams).map(|t| l.size(a, t)).collect();
    let mut left: Vec<usize> = (0..n).filter(|&i| team[i] == u32::MAX).collect();
    left.shuffle(rng);
    for person in left {
        let t = (0..teams)
            .filter(|&t| size[t] < l.max_size(t))
            .min_by_key(|&t| (size[t] >= target[t], size[t] as i64 - target[t] as i64, t))
            .unwrap_or(0);
        team[person] = t as u32;
        size[t] += 1;
    }
    for t in 0..teams {
        while size[t] < l.min_size(t) {
            let Some(donor) = (0..n)
                .filter(|&q| l.movable(q) && size[team[q] as usize] > l.min_size(team[q] as usize))
                .max_by_key(|&q| (size[team[q] as usize], q))
            else {
                break;
            };
            size[team[donor] as usize] -= 1;
            team[donor] = t as u32;
            size[t] += 1;
        }
    }
    l.state(team)
}

/// Accepts a trial that is better, or worse only in the soft part and only slightly (by at
/// most `accept_worse` of the soft cost), so the walk can cross shallow ridges between
/// local optima.
fn near_enough(trial: &Cost, current: &Cost, accept_worse: f64) -> bool {
    if trial.hard != current.hard {
        return trial.compare(current).is_lt();
    }
    trial.soft <= current.soft + accept_worse * current.soft.abs().max(1.0)
}

fn best_of<'a, L: Landscape>(l: &L, states: &'a [L::State]) -> Option<&'a L::State> {
    states.iter().min_by(|a, b| l.cost(a).compare(&l.cost(b)))
}

/// The search from one seed: a population improved by iterated local search and
/// recombination until the budget ends or the search stalls.
pub fn run<L: Landscape>(l: &L, seed: u64, budget: Budget, stop: &dyn Stop) -> L::State {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let out_of_time = || budget.deadline.is_some_and(|d| Instant::now() >= d) || stop.stop();
    let tuning = l.tuning();
    let population_size = if l.people() <= 12 {
        1
    } else {
        tuning.population.max(1)
    };
    let mut population: Vec<L::State> = Vec::with_capacity(population_size);
    for _ in 0..population_size {
        let mut s = l.construct(&mut rng);
        descend(l, &mut s, &mut rng, &out_of_time);
        if best_of(l, &population).is_none_or(|b| l.cost(&s).compare(&l.cost(b)).is_lt()) {
            stop.improved(l.assignment(&s), &l.cost(&s));
        }
        population.push(s);
        if out_of_time() {
            break;
        }
    }
    let mut best = best_of(l, &population)
        .cloned()
        .unwrap_or_else(|| l.construct(&mut rng));
    let mut stall = 0u32;
    let max_strength = (l.people() / 20).clamp(3, 12);
    let mut strength = 2usize;
    while stall < budget.stall_rounds && !out_of_time() {
        for member in population.iter_mut() {
            let mut trial = member.clone();
            let kick = rng.random_range(2..=strength.max(2));
            perturb(l, &mut trial, kick, &mut rng);
            descend(l, &mut trial, &mut rng, &out_of_time);
            if near_enough(&l.cost(&trial), &l.cost(member), tuning.accept_worse) {
                *member = trial;
            }
            if out_of_time() {
                break;
            }
        }
        if population.len() >= 2 && !out_of_time() {
            let i = rng.random_range(0..population.len());
            let mut j = rng.random_range(0..population.len() - 1);
            if j >= i {
                j += 1;
            }
            let mut child = crossover(l, &population[i], &population[j], &mut rng);
            descend(l, &mut child, &mut rng, &out_of_time);
            let worst = (0..population.len())
                .max_by(|&a, &b| l.cost(&population[a]).compare(&l.cost(&population[b])))
                .unwrap_or(0);
            let duplicate = population
                .iter()
                .any(|m| l.assignment(m) == l.assignment(&child));
            if !duplicate && l.cost(&child).compare(&l.cost(&population[worst])).is_lt() {
                population[worst] = child;
            }
        }
        match best_of(l, &population) {
            Some(candidate) if l.cost(candidate).compare(&l.cost(&best)).is_lt() => {
                best = candidate.clone();
                stop.improved(l.assignment(&best), &l.cost(&best));
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

/// `threads` searches side by side, each from its own seed derived from `seed`. The best
/// result wins, the lowest thread on a tie, so the answer does not depend on which thread
/// finishes first.
pub fn run_parallel<L: Landscape>(
    l: &L,
    seed: u64,
    budget: Budget,
    threads: usize,
    stop: &(dyn Stop + Sync),
) -> L::State {
    let results: Vec<L::State> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.max(1))
            .map(|i| {
                let seed = seed
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    .wrapping_add(i as u64);
                scope.spawn(move || run(l, seed, budget, stop))
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    results
        .into_iter()
        .reduce(|a, b| {
            if l.cost(&b).compare(&l.cost(&a)).is_lt() {
                b
            } else {
                a
            }
        })
        .unwrap_or_else(|| l.construct(&mut ChaCha8Rng::seed_from_u64(seed)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Prepared;

    /// Whether any single move or swap would still improve the state.
    fn improvable<L: Landscape>(l: &L, state: &L::State) -> Option<(usize, usize)> {
        for x in (0..l.people()).filter(|&x| l.movable(x)) {
            for t in 0..l.teams() as u32 {
                if l.can_move(state, x, t) && l.move_delta(state, x, t).improves() {
                    return Some((x, usize::MAX - t as usize));
                }
            }
            for y in (0..l.people()).filter(|&y| l.movable(y)) {
                if l.team_of(state, x) != l.team_of(state, y)
                    && l.swap_delta(state, x, y).improves()
                {
                    return Some((x, y));
                }
            }
        }
        None
    }

    #[test]
    fn a_descent_from_a_fresh_start_ends_in_a_local_optimum() {
        for seed in 0..20 {
            let problem = crate::testing::random_problem(seed, 60, 6);
            let l = Prepared::new(&problem);
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut state = l.construct(&mut rng);
            descend(&l, &mut state, &mut rng, &|| false);
            assert_eq!(improvable(&l, &state), None, "seed {seed}");
        }
    }
}
