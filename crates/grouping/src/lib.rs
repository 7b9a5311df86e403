//! Mixed team formation: the hard rules a team set must follow, the balance it aims for,
//! a lower bound that proves how good a result is, and an anytime search. Pure and
//! deterministic: the same problem, seed and budget give the same teams, unless a time
//! limit cuts the search short.

mod bound;
mod cost;
mod landscape;
mod problem;
mod report;
mod search;
mod sizes;
mod state;
#[doc(hidden)]
pub mod testing;
mod wave;

use std::time::{Duration, Instant};

pub use bound::simple_bound;
pub use cost::Cost;
pub use landscape::Landscape;
pub use problem::{ApartReason, Balanced, Coded, Problem};
pub use report::{Breach, Report};
pub use search::{Budget, Stop};
pub use sizes::{SizeRule, TeamSizes};
pub use wave::{wave_problem, Member, TeamOptions, DEFAULT_BALANCE, DEFAULT_NO_ISOLATION};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GroupingError {
    #[error("there is nobody to put in teams")]
    NoPeople,
    #[error("{0}")]
    BadSizes(String),
    #[error("{0}")]
    Inconsistent(String),
}

/// How long and how to search.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub seed: u64,
    /// The most time the search may take.
    pub time_limit: Duration,
    /// Rounds without a better team set before the search settles early.
    pub stall_rounds: u32,
    /// Independent searches run side by side (one per core is plenty).
    pub threads: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            seed: 1,
            time_limit: Duration::from_secs(5),
            stall_rounds: 60,
            threads: 2,
        }
    }
}

/// A team set and what it achieves.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Each person's team, from 0.
    pub team: Vec<u32>,
    pub report: Report,
}

/// Forms teams. Each thread searches from its own seed derived from `settings.seed`; the
/// best result wins, the lowest thread on a tie, so the answer does not depend on which
/// thread finishes first.
pub fn form_teams(
    problem: &Problem,
    settings: &Settings,
    stop: &(dyn Stop + Sync),
) -> Result<Outcome, GroupingError> {
    problem.check()?;
    let prepared = state::Prepared::new(problem);
    let budget = Budget {
        deadline: Some(Instant::now() + settings.time_limit),
        stall_rounds: settings.stall_rounds,
    };
    let threads = settings.threads.max(1);
    let results: Vec<state::State> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let prepared = &prepared;
                let seed = settings
                    .seed
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    .wrapping_add(i as u64);
                scope.spawn(move || search::run(prepared, seed, budget, stop))
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let best = results
        .into_iter()
        .reduce(|a, b| {
            if b.cost.compare(&a.cost).is_lt() {
                b
            } else {
                a
            }
        })
        .ok_or_else(|| GroupingError::Inconsistent("the search stopped unexpectedly".into()))?;
    let report = Report::new(problem, &best.team);
    Ok(Outcome {
        team: best.team,
        report,
    })
}

/// Checks a team set staff made or changed by hand.
pub fn evaluate(problem: &Problem, team: &[u32]) -> Result<Report, GroupingError> {
    problem.check()?;
    if team.len() != problem.people || team.iter().any(|&t| t as usize >= problem.teams()) {
        return Err(GroupingError::Inconsistent(
            "the team set does not match the wave".into(),
        ));
    }
    Ok(Report::new(problem, team))
}
