//! Simulated annealing over random swaps and inserts: the classic method for grouping
//! problems (Kirkpatrick et al., 1983), with a geometric cooling schedule spread over the
//! time allowed. It is the reference the team search is measured against ("as good as a
//! long annealing run") and shares the search's move prices.

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::cost::Cost;
use crate::landscape::Landscape;
use crate::search::descend;

/// Temperatures as shares of the mean uphill price of a random step from a local optimum
/// (tuned on the MDGP instances: hotter starts wander, colder ones freeze early).
const START_TEMPERATURE: f64 = 0.3;
const END_TEMPERATURE: f64 = 0.002;

/// Anneals from a valid start for `duration`; returns the best state met. A step that
/// breaks more hard rules is never taken, one that breaks fewer always is.
pub fn anneal<L: Landscape>(l: &L, seed: u64, duration: Duration) -> L::State {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let never = || false;
    let mut state = l.construct(&mut rng);
    descend(l, &mut state, &mut rng, &never);
    let movable: Vec<usize> = (0..l.people()).filter(|&i| l.movable(i)).collect();
    if movable.len() < 2 || l.teams() < 2 {
        return state;
    }
    let uphill = typical_uphill(l, &state, &movable, &mut rng);
    let start_temperature = uphill * START_TEMPERATURE;
    let end_temperature = uphill * END_TEMPERATURE;
    let mut best = l.assignment(&state).to_vec();
    let mut best_cost = l.cost(&state);
    let mut cost = best_cost;
    let started = Instant::now();
    let mut temperature = start_temperature;
    for step in 0u64.. {
        if step % 1024 == 0 {
            let done = started.elapsed().as_secs_f64() / duration.as_secs_f64().max(1e-9);
            if done >= 1.0 {
                break;
            }
            temperature = start_temperature * (end_temperature / start_temperature).powf(done);
        }
        let x = movable[rng.random_range(0..movable.len())];
        let Some((delta, partner, to)) = random_step(l, &state, x, &movable, &mut rng) else {
            continue;
        };
        if !accept(&delta, temperature, &mut rng) {
            continue;
        }
        match partner {
            Some(y) => l.apply_swap(&mut state, x, y),
            None => l.apply_move(&mut state, x, to),
        }
        cost = cost + delta;
        if cost.compare(&best_cost).is_lt() {
            best_cost = cost;
            best.copy_from_slice(l.assignment(&state));
        }
    }
    let mut state = l.state(best);
    descend(l, &mut state, &mut rng, &never);
    state
}

/// A swap with a random person in another team, or now and then a move to a random team
/// when the sizes allow one.
fn random_step<L: Landscape>(
    l: &L,
    state: &L::State,
    x: usize,
    movable: &[usize],
    rng: &mut ChaCha8Rng,
) -> Option<(Cost, Option<usize>, u32)> {
    if rng.random_ratio(1, 8) {
        let to = rng.random_range(0..l.teams()) as u32;
        return l
            .can_move(state, x, to)
            .then(|| (l.move_delta(state, x, to), None, to));
    }
    let y = movable[rng.random_range(0..movable.len())];
    let to = l.team_of(state, y);
    (to != l.team_of(state, x)).then(|| (l.swap_delta(state, x, y), Some(y), to))
}

fn accept(delta: &Cost, temperature: f64, rng: &mut ChaCha8Rng) -> bool {
    let hard = Cost {
        soft: 0.0,
        tie: 0,
        ..*delta
    };
    if hard.improves() {
        return true;
    }
    if hard.hard.iter().any(|&h| h != 0) {
        return false;
    }
    delta.soft <= 0.0 || rng.random::<f64>() < (-delta.soft / temperature).exp()
}

/// The mean soft price of uphill random steps from `state`, which sets the temperatures.
fn typical_uphill<L: Landscape>(
    l: &L,
    state: &L::State,
    movable: &[usize],
    rng: &mut ChaCha8Rng,
) -> f64 {
    let (mut total, mut count) = (0.0, 0u32);
    for _ in 0..2000 {
        let x = movable[rng.random_range(0..movable.len())];
        if let Some((delta, _, _)) = random_step(l, state, x, movable, rng) {
            if delta.soft > 0.0 {
                total += delta.soft;
                count += 1;
            }
        }
    }
    if count == 0 {
        1.0
    } else {
        total / count as f64
    }
}
