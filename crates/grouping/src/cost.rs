//! What a team set costs: hard rules broken, in order of precedence, then balance (and
//! repeated pairs when regrouping), then pairs from one school as the tie-breaker.

use std::cmp::Ordering;

/// Broken hard rules by precedence: keep-together pairs split, friends or keep-apart pairs
/// together, people isolated on a protected attribute, people with additional needs above
/// a team's share. (Team sizes and pinned people are never broken: the search cannot move
/// them out of bounds.)
pub const HARD_RULES: usize = 4;
pub const TOGETHER: usize = 0;
pub const APART: usize = 1;
pub const ISOLATION: usize = 2;
pub const NEEDS: usize = 3;

/// Differences below this are rounding, not better teams.
const EPSILON: f64 = 1e-9;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Cost {
    pub hard: [i64; HARD_RULES],
    /// Weighted balance deviation plus weighted repeated pairs.
    pub soft: f64,
    /// Pairs from the same school.
    pub tie: i64,
}

impl Cost {
    pub fn zero() -> Cost {
        Cost::default()
    }

    /// Lexicographic: every hard rule in order, then soft, then the tie-breaker.
    pub fn compare(&self, other: &Cost) -> Ordering {
        for (a, b) in self.hard.iter().zip(&other.hard) {
            match a.cmp(b) {
                Ordering::Equal => {}
                unequal => return unequal,
            }
        }
        if (self.soft - other.soft).abs() > EPSILON * (1.0 + self.soft.abs().max(other.soft.abs()))
        {
            return self
                .soft
                .partial_cmp(&other.soft)
                .unwrap_or(Ordering::Equal);
        }
        self.tie.cmp(&other.tie)
    }

    /// For a difference of two costs: whether it makes things better.
    pub fn improves(&self) -> bool {
        self.compare(&Cost::zero()) == Ordering::Less
    }

    pub fn hard_total(&self) -> i64 {
        self.hard.iter().sum()
    }
}

impl std::ops::Add for Cost {
    type Output = Cost;
    fn add(self, other: Cost) -> Cost {
        let mut hard = self.hard;
        for (h, o) in hard.iter_mut().zip(other.hard) {
            *h += o;
        }
        Cost {
            hard,
            soft: self.soft + other.soft,
            tie: self.tie + other.tie,
        }
    }
}

impl std::ops::Sub for Cost {
    type Output = Cost;
    fn sub(self, other: Cost) -> Cost {
        let mut hard = self.hard;
        for (h, o) in hard.iter_mut().zip(other.hard) {
            *h -= o;
        }
        Cost {
            hard,
            soft: self.soft - other.soft,
            tie: self.tie - other.tie,
        }
    }
}
