//! Planning a whole wave's rota: 50 teams of 12 over 20 sessions with 5 roles (one leading),
//! a tenth of people away at random sessions, the five default balanced attributes (values
//! spread unevenly over the teams, so the wave-wide share-out of spare leading turns has
//! work to do). Prints the median and slowest of 21 runs. Run with `cargo bench -p mixwell-rota --bench plan`.

use std::time::{Duration, Instant};

use mixwell_domain::programme::DEFAULT_ROLES;
use mixwell_rota::{plan, Attribute, Breach, FairnessReport, Role, RotaProblem};

fn wave() -> RotaProblem {
    let (teams, size, sessions) = (50u32, 12u32, 20usize);
    let people = (teams * size) as usize;
    // A fixed pattern of absences (about one person in ten each session).
    let absent = (0..sessions)
        .flat_map(|s| {
            (0..people as u32)
                .filter(move |p| (p * 7 + s as u32 * 13).is_multiple_of(10))
                .map(move |p| (s, p))
        })
        .collect();
    RotaProblem {
        people,
        roles: DEFAULT_ROLES
            .iter()
            .enumerate()
            .map(|(i, name)| Role {
                name: (*name).into(),
                leading: i == 0,
            })
            .collect(),
        sessions: vec![(0..DEFAULT_ROLES.len()).collect(); sessions],
        teams: (0..teams)
            .map(|t| (t * size..(t + 1) * size).collect())
            .collect(),
        absent,
        balance: [
            ("gender", 3, 7),
            ("ethnicity", 6, 11),
            ("faith", 5, 13),
            ("school", 8, 17),
            ("fsm", 2, 5),
        ]
        .into_iter()
        .map(|(name, values, stride)| Attribute {
            name: name.into(),
            values: (0..values).map(|v| format!("{name} {v}")).collect(),
            // Skewed by team (p / size), as schools and neighbourhoods skew real waves.
            of_person: (0..people as u32)
                .map(|p| Some((p % stride + p / size) % values))
                .collect(),
        })
        .collect(),
        ..RotaProblem::default()
    }
}

fn main() {
    let problem = wave();
    let mut times: Vec<Duration> = (0..21)
        .map(|seed| {
            let start = Instant::now();
            let rota = plan(&problem, seed).expect("plan");
            let took = start.elapsed();
            assert!(!rota.is_empty());
            took
        })
        .collect();
    times.sort();
    let report = FairnessReport::check(&problem, &plan(&problem, 0).expect("plan"));
    let unequal = report
        .breaches
        .iter()
        .filter(|b| matches!(b, Breach::UnequalStatus { .. }))
        .count();
    println!("attributes whose values lead unequally (rule 4): {unequal} of 5");
    println!(
        "50 teams x 20 sessions x 5 roles: median {:.1} ms, slowest {:.1} ms ({} runs)",
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        times.len()
    );
}
