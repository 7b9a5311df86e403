//! Mixed team formation: the hard rules a team set must follow, the balance it aims for,
//! a lower bound that proves how good a result is, and an anytime search. Pure and
//! deterministic: the same problem, seed and budget give the same teams, unless a time
//! limit cuts the search short.

mod anneal;
mod bound;
mod cost;
mod landscape;
pub mod mdgp;
mod problem;
mod report;
mod search;
mod sizes;
mod state;
#[doc(hidden)]
pub mod testing;
mod wave;

use std::time::{Duration, Instant};

pub use bound::{simple_bound, tight_bound};
pub use cost::Cost;
pub use landscape::{Landscape, Tuning};
pub use problem::{ApartReason, Balanced, Coded, Problem};
pub use report::{Breach, Report, TeamRule};
pub use search::{Budget, Stop};
pub use sizes::{SizeRule, TeamSizes};
pub use wave::{
    members_of, wave_problem, Member, TeamOptions, DEFAULT_BALANCE, DEFAULT_NO_ISOLATION,
};

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

/// Forms teams with `settings.threads` independent searches side by side.
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
    let best = search::run_parallel(&prepared, settings.seed, budget, settings.threads, stop);
    let report = Report::new(problem, &best.team);
    Ok(Outcome {
        team: best.team,
        report,
    })
}

/// The reference the search is measured against: simulated annealing for `duration` on
/// one thread. Not used by the app; benchmarks compare with it.
pub fn anneal_teams(
    problem: &Problem,
    seed: u64,
    duration: Duration,
) -> Result<Outcome, GroupingError> {
    problem.check()?;
    let prepared = state::Prepared::new(problem);
    let best = anneal::anneal(&prepared, seed, duration);
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

/// How to solve an MDGP instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MdgpMethod {
    /// The team search's core on `threads` threads.
    Search { threads: usize },
    /// Simulated annealing on one thread, the classic reference.
    Anneal,
}

/// Solves an MDGP benchmark instance; returns the best assignment found and its objective.
pub fn solve_mdgp(
    problem: &mdgp::Mdgp,
    seed: u64,
    time_limit: Duration,
    method: MdgpMethod,
) -> (Vec<u32>, f64) {
    let budget = Budget {
        deadline: Some(Instant::now() + time_limit),
        stall_rounds: u32::MAX,
    };
    let best = match method {
        MdgpMethod::Search { threads } => {
            search::run_parallel(problem, seed, budget, threads, &|| false)
        }
        MdgpMethod::Anneal => anneal::anneal(problem, seed, time_limit),
    };
    let objective = problem.objective_of(best.assignment());
    (best.assignment().to_vec(), objective)
}
