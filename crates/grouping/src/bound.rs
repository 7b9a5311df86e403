//! Lower bounds on the balance objective from the roster alone. No team set can do better,
//! so `(achieved − bound) / achieved` is the most a result can be from the best possible.
//! The simple bound splits each attribute value on its own across the teams (respecting the
//! no-isolation rule when the attribute is protected); the tight bound also couples the
//! values within each team (see `tight_bound`).

use crate::problem::{Balanced, Problem};

/// The least weighted balance any team set can reach; with `isolation`, any team set that
/// also keeps the no-isolation rule (a tighter bound, but only for such team sets).
pub fn simple_bound(problem: &Problem, isolation: bool) -> f64 {
    let sizes = team_size_options(problem);
    problem
        .balance
        .iter()
        .map(|b| b.weight * per_value_bound(problem, &sizes, b, isolation))
        .sum()
}

/// The tighter of two bounds for each attribute: the per-value bound above, and a
/// Lagrangian bound that keeps each team's counts whole and summing to its size (so the
/// values of an attribute are coupled within a team, no-isolation included) and prices the
/// wave's totals with multipliers found by subgradient ascent.
pub fn tight_bound(problem: &Problem, isolation: bool) -> f64 {
    bounds(problem, isolation).1
}

/// The simple and the tight bound together, each attribute's per-value bound worked out once.
pub fn bounds(problem: &Problem, isolation: bool) -> (f64, f64) {
    let sizes = team_size_options(problem);
    problem
        .balance
        .iter()
        .fold((0.0, 0.0), |(simple, tight), b| {
            let per_value = per_value_bound(problem, &sizes, b, isolation);
            let coupled = lagrangian_bound(problem, &sizes, b, isolation).unwrap_or(0.0);
            (
                simple + b.weight * per_value,
                tight + b.weight * per_value.max(coupled),
            )
        })
}

fn no_singles(problem: &Problem, b: &Balanced, isolation: bool) -> bool {
    isolation
        && problem
            .no_isolation
            .iter()
            .any(|c| c.name == b.attribute.name)
}

fn per_value_bound(problem: &Problem, sizes: &[Vec<u32>], b: &Balanced, isolation: bool) -> f64 {
    let n = problem.people as f64;
    let protected = no_singles(problem, b, isolation);
    b.attribute
        .totals()
        .iter()
        .map(|&count| best_split(sizes, count, f64::from(count) / n, protected && count >= 2))
        .sum()
}

/// Only for fixed team sizes (a target size or a number of teams); `None` otherwise.
fn lagrangian_bound(
    problem: &Problem,
    sizes: &[Vec<u32>],
    b: &Balanced,
    isolation: bool,
) -> Option<f64> {
    if sizes.iter().any(|options| options.len() != 1) {
        return None;
    }
    let totals = b.attribute.totals();
    let n = problem.people as f64;
    let share: Vec<f64> = totals.iter().map(|&c| f64::from(c) / n).collect();
    let protected = no_singles(problem, b, isolation);
    let single_banned: Vec<bool> = totals.iter().map(|&c| protected && c >= 2).collect();
    // Teams of the same size have the same subproblem.
    let mut by_size: std::collections::BTreeMap<u32, f64> = Default::default();
    for options in sizes {
        *by_size.entry(options[0]).or_default() += 1.0;
    }
    let mut mu = vec![0.0; totals.len()];
    let mut best = f64::NEG_INFINITY;
    for k in 0..300 {
        let mut value: f64 = mu.iter().zip(&totals).map(|(m, &c)| m * f64::from(c)).sum();
        let mut used = vec![0.0; totals.len()];
        for (&size, &teams) in &by_size {
            let (cost, counts) = team_subproblem(size, &totals, &share, &single_banned, &mu)?;
            value += teams * cost;
            for (u, x) in used.iter_mut().zip(&counts) {
                *u += teams * f64::from(*x);
            }
        }
        best = best.max(value);
        let gradient: Vec<f64> = totals
            .iter()
            .zip(&used)
            .map(|(&c, u)| f64::from(c) - u)
            .collect();
        let norm: f64 = gradient.iter().map(|g| g * g).sum();
        if norm == 0.0 {
            break;
        }
        let step = 1.0 / (1.0 + k as f64).sqrt() / norm.sqrt();
        for (m, g) in mu.iter_mut().zip(&gradient) {
            *m += step * g;
        }
    }
    Some(best.max(0.0))
}

/// One team of `size`: whole counts per value summing to `size` (none above the value's
/// total, no single where banned) minimising Σ |x − size·share| − μ·x. By dynamic
/// programming over the values; returns the cost and the counts.
fn team_subproblem(
    size: u32,
    totals: &[u32],
    share: &[f64],
    single_banned: &[bool],
    mu: &[f64],
) -> Option<(f64, Vec<u32>)> {
    let s = size as usize;
    let values = totals.len();
    // best[v][j]: least cost of the first v values holding j people; choice to rebuild.
    let mut best = vec![vec![f64::INFINITY; s + 1]; values + 1];
    let mut choice = vec![vec![0u32; s + 1]; values + 1];
    best[0][0] = 0.0;
    for v in 0..values {
        let cap = (totals[v] as usize).min(s);
        for j in 0..=s {
            if best[v][j].is_infinite() {
                continue;
            }
            for x in 0..=cap.min(s - j) {
                if x == 1 && single_banned[v] {
                    continue;
                }
                let cost =
                    best[v][j] + (x as f64 - f64::from(size) * share[v]).abs() - mu[v] * x as f64;
                if cost < best[v + 1][j + x] {
                    best[v + 1][j + x] = cost;
                    choice[v + 1][j + x] = x as u32;
                }
            }
        }
    }
    if best[values][s].is_infinite() {
        return None;
    }
    let mut counts = vec![0u32; values];
    let mut j = s;
    for v in (0..values).rev() {
        counts[v] = choice[v + 1][j];
        j -= counts[v] as usize;
    }
    Some((best[values][s], counts))
}

/// For each team, the sizes it can end up with: its exact size when sizes are even
/// (target size or number of teams), otherwise anything within its bounds.
fn team_size_options(problem: &Problem) -> Vec<Vec<u32>> {
    let sizes = &problem.sizes;
    let even = sizes.even_split(problem.people);
    let exact = sizes.min.iter().zip(&sizes.max).all(|(a, b)| b - a <= 1);
    (0..sizes.teams())
        .map(|t| {
            if exact {
                vec![even[t]]
            } else {
                (sizes.min[t]..=sizes.max[t]).collect()
            }
        })
        .collect()
}

/// min Σ_t |x_t − s_t·share| over whole numbers x_t ≥ 0 with Σ x_t = count, x_t ≤ s_t,
/// and x_t ≠ 1 when `no_single`; by dynamic programming over the teams.
fn best_split(sizes: &[Vec<u32>], count: u32, share: f64, no_single: bool) -> f64 {
    let c = count as usize;
    let mut best = vec![f64::INFINITY; c + 1];
    best[0] = 0.0;
    for options in sizes {
        let cap = options.iter().copied().max().unwrap_or(0) as usize;
        // The cheapest deviation for each number of people of this value in this team.
        let cost: Vec<f64> = (0..=cap)
            .map(|x| {
                if no_single && x == 1 {
                    return f64::INFINITY;
                }
                options
                    .iter()
                    .filter(|&&s| s as usize >= x)
                    .map(|&s| (x as f64 - f64::from(s) * share).abs())
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        let mut next = vec![f64::INFINITY; c + 1];
        for (used, &so_far) in best.iter().enumerate() {
            if so_far.is_infinite() {
                continue;
            }
            for (x, &dev) in cost.iter().enumerate() {
                if used + x > c {
                    break;
                }
                let value = so_far + dev;
                if value < next[used + x] {
                    next[used + x] = value;
                }
            }
        }
        best = next;
    }
    // Infinite only when the value cannot be placed at all (then no team set exists and
    // the rules report it); the bound then says nothing.
    if best[c].is_finite() {
        best[c]
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_even_split_costs_nothing() {
        let sizes = vec![vec![4]; 3];
        assert_eq!(best_split(&sizes, 6, 0.5, false), 0.0);
    }

    #[test]
    fn a_value_that_cannot_divide_evenly_costs_its_remainder() {
        // 4 people across 3 teams of 4 (share 1/3): ideal 4/3 each; best is 2,1,1 →
        // 2/3 + 1/3 + 1/3.
        let sizes = vec![vec![4]; 3];
        let got = best_split(&sizes, 4, 1.0 / 3.0, false);
        assert!((got - 4.0 / 3.0).abs() < 1e-9, "{got}");
        // With no one alone allowed: 2,2,0 → 2/3 + 2/3 + 4/3.
        let got = best_split(&sizes, 4, 1.0 / 3.0, true);
        assert!((got - 8.0 / 3.0).abs() < 1e-9, "{got}");
    }

    #[test]
    fn the_tight_bound_is_never_below_the_simple_one() {
        for seed in 0..20 {
            let problem = crate::testing::random_problem(seed, 60, 6);
            for isolation in [false, true] {
                let (simple, tight) = (
                    simple_bound(&problem, isolation),
                    tight_bound(&problem, isolation),
                );
                assert!(
                    tight >= simple - 1e-9,
                    "seed {seed}: tight {tight} < simple {simple}"
                );
            }
        }
    }

    #[test]
    fn coupling_values_in_a_team_raises_the_bound_when_no_one_may_be_alone() {
        // Two teams of 4; six people of one value and two of another, nobody alone. On
        // their own, the six split 3 + 3 (no deviation) and the two go together (deviation
        // 2). But the team with both of the two then has only two of the six: the best
        // team set deviates by 4, and the coupled bound sees more than 2 of that.
        let values: Vec<String> = (0..8)
            .map(|i| {
                if i < 6 {
                    "a".to_owned()
                } else {
                    "b".to_owned()
                }
            })
            .collect();
        let attribute = crate::problem::Coded::from_values("e", &values);
        let problem = Problem {
            people: 8,
            sizes: crate::sizes::TeamSizes::uniform(2, 4, 4),
            balance: vec![Balanced {
                attribute: attribute.clone(),
                weight: 1.0,
            }],
            no_isolation: vec![attribute],
            needs: vec![false; 8],
            pinned: vec![None; 8],
            ..Default::default()
        };
        let (simple, tight) = (simple_bound(&problem, true), tight_bound(&problem, true));
        assert!((simple - 2.0).abs() < 1e-9, "{simple}");
        assert!(tight > simple + 0.5 && tight <= 4.0 + 1e-9, "{tight}");
    }
}
