//! Leadership rotation: for each team and session, who holds each role, planned so that
//! turns are fair within a team and equal across backgrounds (equal-status contact). Pure
//! and deterministic: the same problem and seed give the same rota.
//!
//! `problem` says what is to be planned (roles, sessions, teams, absences, what already
//! happened and what staff fixed by hand); `planner` fills the open sessions one at a time,
//! each team's roles by a minimum-cost matching; `fairness` checks any rota, planned or
//! edited by hand, against the rules and says who is concerned.

mod even_out;
mod fairness;
mod planner;
mod problem;
mod status;

pub use fairness::{Breach, FairnessReport, Names, RoleSpread, RotaRule, ValueTurns};
pub use planner::plan;
pub use problem::{Assignment, Attribute, Role, RotaError, RotaProblem};
