//! Team formation on realistic waves (the demo generator: schools segregated by ethnicity
//! and deprivation, about half came with friends), teams of 12. For each wave size: the
//! time to a first team set and to the search settling, the rules met, and the balance
//! against the bound, beside random teams and "dealing the cards" by attribute.
//! Run with `cargo bench -p mixwell-grouping --bench teams`; `MIXWELL_BENCH_SECONDS=2,5,60`
//! chooses the time limits of the search runs, `MIXWELL_BENCH_SEEDS=1,2,3` their seeds,
//! `MIXWELL_BENCH_SIZES=240,600` the wave sizes, `MIXWELL_ANNEAL_SECONDS=120` (the default;
//! 0 skips it) the length of the simulated-annealing reference run.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use mixwell_grouping::{
    anneal_teams, evaluate, form_teams, wave_problem, Cost, Member, Problem, Settings, SizeRule,
    Stop, TeamOptions,
};
use rand::seq::SliceRandom;
use rand::SeedableRng;

fn problem_for(rows: &[mixwell_roster::RosterRow]) -> Problem {
    let members: Vec<Member> = rows
        .iter()
        .map(|r| Member {
            record: &r.record,
            friends: &r.friends,
            keep_apart: &[],
            keep_together: &[],
            pinned: None,
        })
        .collect();
    wave_problem(&members, &TeamOptions::new(SizeRule::TargetSize(12))).expect("problem")
}

/// Random teams of even sizes.
fn random_teams(problem: &Problem, seed: u64) -> Vec<u32> {
    let sizes = problem.sizes.even_split(problem.people);
    let mut team: Vec<u32> = sizes
        .iter()
        .enumerate()
        .flat_map(|(t, &s)| std::iter::repeat_n(t as u32, s as usize))
        .collect();
    team.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(seed));
    team
}

/// "Deal the cards": sort people by their values (school, then ethnicity, gender, ...)
/// and deal them round the teams, as staff do by hand.
fn dealt_teams(problem: &Problem) -> Vec<u32> {
    let mut order: Vec<usize> = (0..problem.people).collect();
    let key = |p: usize| -> Vec<u32> {
        problem
            .balance
            .iter()
            .map(|b| b.attribute.values[p])
            .collect()
    };
    order.sort_by_key(|&p| key(p));
    let teams = problem.teams() as u32;
    let mut team = vec![0; problem.people];
    for (i, &p) in order.iter().enumerate() {
        team[p] = i as u32 % teams;
    }
    team
}

/// Notes when a team set that breaks no hard rule is first reported.
#[derive(Default)]
struct FirstValid {
    found: Mutex<Option<(Instant, Vec<u32>)>>,
}

impl Stop for FirstValid {
    fn stop(&self) -> bool {
        false
    }

    fn improved(&self, team: &[u32], cost: &Cost) {
        let mut found = self.found.lock().expect("lock");
        if found.is_none() && cost.hard_total() == 0 {
            *found = Some((Instant::now(), team.to_vec()));
        }
    }
}

fn line(label: &str, problem: &Problem, team: &[u32], took: Option<Duration>) {
    let report = evaluate(problem, team).expect("report");
    println!(
        "  {label:<28} {:>9}  rules broken {:>4}  balance {:>8.2}  bound {:>8.2} (simple {:>8.2})  gap {:>5.1}%  same-school pairs {:>5}",
        took.map_or(String::new(), |t| format!("{:.0} ms", t.as_secs_f64() * 1e3)),
        report.breaches.len(),
        report.balance,
        report.bound,
        report.simple_bound,
        100.0 * report.gap(),
        report.same_school_pairs
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::var("MIXWELL_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.parse().ok()).collect())
        .unwrap_or_else(|| vec![240, 600]);
    for size in sizes {
        let rows = mixwell_roster::demo::roster(2027 + size as u64, size);
        let problem = problem_for(&rows);
        println!("wave of {size}, {} teams", problem.teams());
        line("random teams", &problem, &random_teams(&problem, 1), None);
        line(
            "deal the cards by attribute",
            &problem,
            &dealt_teams(&problem),
            None,
        );
        // The first valid team set a screen can show, while the search goes on.
        let first = FirstValid::default();
        let settings = Settings {
            seed: 1,
            time_limit: Duration::from_secs(2),
            ..Settings::default()
        };
        let start = Instant::now();
        form_teams(&problem, &settings, &first).expect("teams");
        let (took, team) = first
            .found
            .lock()
            .expect("lock")
            .clone()
            .expect("a first team set");
        line(
            "first valid team set",
            &problem,
            &team,
            Some(took.duration_since(start)),
        );
        let limits: Vec<u64> = std::env::var("MIXWELL_BENCH_SECONDS")
            .ok()
            .map(|v| v.split(',').filter_map(|s| s.parse().ok()).collect())
            .unwrap_or_else(|| vec![2, 5]);
        let seeds: Vec<u64> = std::env::var("MIXWELL_BENCH_SEEDS")
            .ok()
            .map(|v| v.split(',').filter_map(|s| s.parse().ok()).collect())
            .unwrap_or_else(|| vec![1]);
        for &seconds in &limits {
            for &seed in &seeds {
                let settings = Settings {
                    seed,
                    time_limit: Duration::from_secs(seconds),
                    ..Settings::default()
                };
                let start = Instant::now();
                let outcome = form_teams(&problem, &settings, &|| false).expect("teams");
                line(
                    &format!("search, limit {seconds} s, seed {seed}"),
                    &problem,
                    &outcome.team,
                    Some(start.elapsed()),
                );
            }
        }
        let anneal_seconds: u64 = std::env::var("MIXWELL_ANNEAL_SECONDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(120);
        if anneal_seconds > 0 {
            let start = Instant::now();
            let outcome =
                anneal_teams(&problem, 1, Duration::from_secs(anneal_seconds)).expect("teams");
            line(
                &format!("annealing, {anneal_seconds} s"),
                &problem,
                &outcome.team,
                Some(start.elapsed()),
            );
        }
    }
}
