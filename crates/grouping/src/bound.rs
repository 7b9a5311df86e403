//! A lower bound on the balance objective from the roster alone: for each attribute value
//! on its own, the best possible split of its people across the teams (respecting the
//! no-isolation rule when the attribute is protected). No team set can do better, so
//! `achieved / bound` shows how far from the best possible a result can at most be.

use crate::problem::Problem;

/// The least weighted balance any team set can reach; with `isolation`, any team set that
/// also keeps the no-isolation rule (a tighter bound, but only for such team sets).
pub fn simple_bound(problem: &Problem, isolation: bool) -> f64 {
    let n = problem.people as f64;
    let sizes = team_size_options(problem);
    let mut total = 0.0;
    for b in &problem.balance {
        let protected = isolation
            && problem
                .no_isolation
                .iter()
                .any(|c| c.name == b.attribute.name);
        for &count in &b.attribute.totals() {
            let share = f64::from(count) / n;
            let no_single = protected && count >= 2;
            total += b.weight * best_split(&sizes, count, share, no_single);
        }
    }
    total
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
}
