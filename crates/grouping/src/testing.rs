//! Random problems for the property tests, shaped like real waves: a few schools, values
//! that cluster by school, some friends and pairs.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::problem::{ApartReason, Balanced, Coded, Problem};
use crate::sizes::SizeRule;

pub fn random_problem(seed: u64, people: usize, team_size: u32) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let schools = rng.random_range(1..5usize);
    let school: Vec<u32> = (0..people)
        .map(|_| rng.random_range(0..schools as u32))
        .collect();
    let mut attribute = |name: &str, values: u32, skew: bool| {
        let codes: Vec<String> = (0..people)
            .map(|p| {
                let v = if skew && rng.random_bool(0.6) {
                    school[p] % values
                } else {
                    rng.random_range(0..values)
                };
                format!("{name}{v}")
            })
            .collect();
        Coded::from_values(name, &codes)
    };
    let gender = attribute("g", 2, false);
    let ethnicity = attribute("e", 4, true);
    let faith = attribute("f", 3, true);
    let school_coded = Coded::from_values(
        "school",
        &school.iter().map(|s| format!("s{s}")).collect::<Vec<_>>(),
    );
    let mut apart = Vec::new();
    let mut together = Vec::new();
    for _ in 0..people / 3 {
        let a = rng.random_range(0..people as u32);
        let b = rng.random_range(0..people as u32);
        if a != b {
            apart.push((a, b, ApartReason::Friends));
        }
    }
    if people >= 4 && rng.random_bool(0.5) {
        together.push((0, 1));
    }
    let sizes = SizeRule::TargetSize(team_size)
        .resolve(people)
        .expect("sizes");
    let teams = sizes.teams() as u32;
    let pinned = (0..people)
        .map(|p| (p == people - 1 && rng.random_bool(0.5)).then(|| rng.random_range(0..teams)))
        .collect();
    Problem {
        people,
        sizes,
        balance: vec![
            Balanced {
                attribute: gender.clone(),
                weight: 1.0,
            },
            Balanced {
                attribute: ethnicity.clone(),
                weight: 1.0,
            },
            Balanced {
                attribute: faith.clone(),
                weight: 0.5,
            },
            Balanced {
                attribute: school_coded.clone(),
                weight: 1.0,
            },
        ],
        no_isolation: vec![gender, ethnicity, faith],
        apart,
        together,
        needs: (0..people).map(|_| rng.random_bool(0.1)).collect(),
        pinned,
        previous: Vec::new(),
        repeat_weight: 1.0,
        school: Some(school_coded),
    }
}
