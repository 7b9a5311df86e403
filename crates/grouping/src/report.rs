//! What a team set achieves, rule by rule, in terms staff can act on.

use crate::cost::Cost;
use crate::problem::{ApartReason, Problem};
use crate::state::Prepared;

/// The hard rule a breach is about, for staff and the UI to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TeamRule {
    /// Team sizes within the bounds asked for.
    Size,
    /// Pinned people stay in their team.
    Pin,
    /// Keep-together pairs share a team.
    KeepTogether,
    /// Friends and keep-apart pairs in different teams.
    Apart,
    /// Nobody the only one of their value in a team.
    Isolation,
    /// Additional needs spread across teams.
    Needs,
}

/// One hard rule broken, with the people concerned (indices into the problem).
#[derive(Debug, Clone, PartialEq)]
pub enum Breach {
    /// Team sizes outside the bounds (only in hand-made team sets).
    Size {
        team: u32,
        size: u32,
        min: u32,
        max: u32,
    },
    /// Someone is not in the team they were pinned to (only in hand-made team sets).
    Pin {
        person: u32,
        pinned: u32,
    },
    KeptTogetherSplit {
        a: u32,
        b: u32,
    },
    Together {
        a: u32,
        b: u32,
        reason: ApartReason,
    },
    Isolated {
        person: u32,
        attribute: String,
        value: String,
    },
    Needs {
        team: u32,
        count: u32,
        cap: u32,
    },
}

impl Breach {
    /// The rule this breach breaks: the one place a breach is mapped to its rule.
    pub fn rule(&self) -> TeamRule {
        match self {
            Breach::Size { .. } => TeamRule::Size,
            Breach::Pin { .. } => TeamRule::Pin,
            Breach::KeptTogetherSplit { .. } => TeamRule::KeepTogether,
            Breach::Together { .. } => TeamRule::Apart,
            Breach::Isolated { .. } => TeamRule::Isolation,
            Breach::Needs { .. } => TeamRule::Needs,
        }
    }

    /// One line for staff: `name` gives a person's name or id, `team` each person's team.
    pub fn describe(&self, name: &dyn Fn(u32) -> String, team: &[u32]) -> String {
        match self {
            Breach::KeptTogetherSplit { a, b } => {
                format!("{} and {} are in different teams", name(*a), name(*b))
            }
            Breach::Together { a, b, reason } => format!(
                "{} and {} ({}) are both in team {}",
                name(*a),
                name(*b),
                match reason {
                    ApartReason::Friends => "friends",
                    ApartReason::KeepApart => "keep apart",
                },
                team[*a as usize] + 1
            ),
            // Without the value: the line names a young person, and staff who may not see
            // their faith or ethnicity read it too. The team's mix shows the counts.
            Breach::Isolated {
                person, attribute, ..
            } => format!(
                "{} is the only one of their {} in team {}",
                name(*person),
                attribute.replace('_', " "),
                team[*person as usize] + 1
            ),
            Breach::Needs { team, count, cap } => format!(
                "team {} has {count} people with additional needs (at most {cap})",
                team + 1
            ),
            Breach::Size {
                team,
                size,
                min,
                max,
            } => {
                format!(
                    "team {} has {size} people (from {min} to {max} allowed)",
                    team + 1
                )
            }
            Breach::Pin { person, pinned } => {
                format!("{} is not in team {}", name(*person), pinned + 1)
            }
        }
    }

    /// The people concerned.
    pub fn people(&self) -> Vec<u32> {
        match self {
            Breach::KeptTogetherSplit { a, b } | Breach::Together { a, b, .. } => vec![*a, *b],
            Breach::Isolated { person, .. } | Breach::Pin { person, .. } => vec![*person],
            Breach::Needs { .. } | Breach::Size { .. } => Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Report {
    pub cost: Cost,
    pub breaches: Vec<Breach>,
    /// The weighted balance deviation (the soft objective without repeats).
    pub balance: f64,
    /// The least balance any team set could reach (the tight bound, see `bound`): among
    /// those that keep the no-isolation rule when this one does.
    pub bound: f64,
    /// The simple per-value bound, for comparison (never above `bound`).
    pub simple_bound: f64,
    /// Pairs who already shared a team in an earlier team set.
    pub repeats: u32,
    pub same_school_pairs: u32,
}

impl Report {
    pub fn new(problem: &Problem, team: &[u32]) -> Report {
        let prepared = Prepared::new(problem);
        let cost = prepared.cost_of(team);
        let mut breaches = Vec::new();
        let mut size = vec![0u32; problem.teams()];
        for &t in team {
            size[t as usize] += 1;
        }
        for (t, &s) in size.iter().enumerate() {
            let (min, max) = (problem.sizes.min[t], problem.sizes.max[t]);
            if s < min || s > max {
                breaches.push(Breach::Size {
                    team: t as u32,
                    size: s,
                    min,
                    max,
                });
            }
        }
        for (person, pin) in problem.pinned.iter().enumerate() {
            if let Some(p) = pin {
                if team[person] != *p {
                    breaches.push(Breach::Pin {
                        person: person as u32,
                        pinned: *p,
                    });
                }
            }
        }
        for &(a, b) in &problem.together {
            if team[a as usize] != team[b as usize] {
                breaches.push(Breach::KeptTogetherSplit { a, b });
            }
        }
        for &(a, b, reason) in &problem.apart {
            if team[a as usize] == team[b as usize] {
                breaches.push(Breach::Together { a, b, reason });
            }
        }
        for attr in &problem.no_isolation {
            let totals = attr.totals();
            let counts =
                crate::state::value_counts(team, problem.teams(), &attr.values, attr.value_count());
            for (p, &t) in team.iter().enumerate() {
                let v = attr.values[p] as usize;
                if totals[v] >= 2 && counts[t as usize * attr.value_count() + v] == 1 {
                    breaches.push(Breach::Isolated {
                        person: p as u32,
                        attribute: attr.name.clone(),
                        value: attr.names[v].clone(),
                    });
                }
            }
        }
        let cap = problem.needs_cap();
        let mut needs = vec![0u32; problem.teams()];
        for (p, &t) in team.iter().enumerate() {
            if problem.needs[p] {
                needs[t as usize] += 1;
            }
        }
        for (t, &count) in needs.iter().enumerate() {
            if count > cap {
                breaches.push(Breach::Needs {
                    team: t as u32,
                    count,
                    cap,
                });
            }
        }
        let repeats = count_pairs(&prepared.met, team);
        // The no-isolation rule raises the bound only for team sets that keep it.
        let isolated = breaches
            .iter()
            .any(|b| matches!(b, Breach::Isolated { .. }));
        let (simple_bound, bound) = crate::bound::bounds(problem, !isolated);
        let balance = cost.soft - problem.repeat_weight * f64::from(repeats);
        Report {
            cost,
            breaches,
            balance,
            bound,
            simple_bound,
            repeats,
            same_school_pairs: cost.tie as u32,
        }
    }

    /// Every hard rule met.
    pub fn valid(&self) -> bool {
        self.breaches.is_empty()
    }

    /// How far above the bound the balance is, as a share of the balance: 0 when it
    /// reaches the bound ("within 0% of the best possible").
    pub fn gap(&self) -> f64 {
        if self.balance <= 1e-9 {
            0.0
        } else {
            ((self.balance - self.bound) / self.balance).max(0.0)
        }
    }
}

fn count_pairs(lists: &[Vec<u32>], team: &[u32]) -> u32 {
    let mut count = 0;
    for (a, list) in lists.iter().enumerate() {
        count += list
            .iter()
            .filter(|&&b| b as usize > a && team[b as usize] == team[a])
            .count() as u32;
    }
    count
}
