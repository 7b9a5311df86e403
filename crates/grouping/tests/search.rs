//! The search against the rules: hard rules hold whenever they can, the same seed gives
//! the same teams, the bound never exceeds what is achieved, and tiny waves match an
//! exhaustive search.

use std::time::Duration;

use mixwell_grouping::testing::random_problem;
use mixwell_grouping::{evaluate, form_teams, Breach, Problem, Settings};
use proptest::prelude::*;

fn never() -> bool {
    false
}

fn settings(seed: u64) -> Settings {
    Settings {
        seed,
        time_limit: Duration::from_secs(30),
        stall_rounds: 15,
        threads: 2,
    }
}

/// Every assignment of people to teams within the size bounds and pins, tried one by one.
fn brute_force_best(problem: &Problem) -> mixwell_grouping::Cost {
    let n = problem.people;
    let k = problem.teams() as u32;
    let mut team = vec![0u32; n];
    let mut best: Option<mixwell_grouping::Cost> = None;
    loop {
        let mut size = vec![0u32; k as usize];
        for &t in &team {
            size[t as usize] += 1;
        }
        let fits = (0..k as usize)
            .all(|t| size[t] >= problem.sizes.min[t] && size[t] <= problem.sizes.max[t]);
        let pinned = problem
            .pinned
            .iter()
            .zip(&team)
            .all(|(pin, &t)| pin.is_none_or(|p| p == t));
        if fits && pinned {
            let cost = evaluate(problem, &team).unwrap().cost;
            if best.is_none_or(|b| cost.compare(&b).is_lt()) {
                best = Some(cost);
            }
        }
        // Next assignment, as a number in base k.
        let mut i = 0;
        loop {
            if i == n {
                return best.expect("some assignment fits");
            }
            team[i] += 1;
            if team[i] < k {
                break;
            }
            team[i] = 0;
            i += 1;
        }
    }
}

#[test]
fn tiny_waves_match_an_exhaustive_search() {
    for seed in 0..12 {
        let people = 6 + (seed as usize % 4);
        let problem = random_problem(seed, people, 3);
        let found = form_teams(&problem, &settings(seed), &never).unwrap();
        let best = brute_force_best(&problem);
        assert!(
            found.report.cost.compare(&best).is_eq(),
            "seed {seed}: found {:?}, best {:?}",
            found.report.cost,
            best
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_teams() {
    let problem = random_problem(7, 60, 12);
    let a = form_teams(&problem, &settings(3), &never).unwrap();
    let b = form_teams(&problem, &settings(3), &never).unwrap();
    assert_eq!(a.team, b.team);
}

#[test]
fn a_cancelled_search_still_returns_a_team_set_within_the_sizes() {
    let problem = random_problem(9, 120, 12);
    let always = || true;
    let outcome = form_teams(&problem, &settings(1), &always).unwrap();
    assert!(!outcome
        .report
        .breaches
        .iter()
        .any(|b| matches!(b, Breach::Size { .. } | Breach::Pin { .. })));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn sizes_and_pins_always_hold_and_the_bound_never_exceeds_the_balance(seed in 0u64..100_000, people in 8usize..90, size in 3u32..13) {
        let problem = random_problem(seed, people, size);
        let outcome = form_teams(&problem, &settings(seed), &never).unwrap();
        let report = &outcome.report;
        prop_assert!(!report.breaches.iter().any(|b| matches!(b, Breach::Size { .. } | Breach::Pin { .. })), "{:?}", report.breaches);
        prop_assert!(report.bound <= report.balance + 1e-9, "bound {} above balance {}", report.bound, report.balance);
        let sizes: Vec<u32> = (0..problem.teams() as u32).map(|t| outcome.team.iter().filter(|&&x| x == t).count() as u32).collect();
        prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
    }

    /// When the friends can be kept apart (few of them, roomy teams), they are.
    #[test]
    fn friends_are_separated_whenever_they_can_be(seed in 0u64..100_000) {
        let mut problem = random_problem(seed, 48, 8);
        problem.no_isolation.clear();
        problem.needs.iter_mut().for_each(|n| *n = false);
        problem.together.clear();
        let outcome = form_teams(&problem, &settings(seed), &never).unwrap();
        prop_assert!(outcome.report.valid(), "{:?}", outcome.report.breaches);
    }
}
