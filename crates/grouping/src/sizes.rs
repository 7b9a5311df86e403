//! How many teams, and how big each may be.

use crate::GroupingError;

/// What staff ask for: a target size (sizes then differ by at most one), a number of teams,
/// or explicit bounds on every team's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeRule {
    TargetSize(u32),
    Teams(u32),
    Range { min: u32, max: u32 },
}

/// The size bounds of each team, fixed before the search starts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TeamSizes {
    pub min: Vec<u32>,
    pub max: Vec<u32>,
}

impl TeamSizes {
    pub fn teams(&self) -> usize {
        self.min.len()
    }

    /// Every team with the same bounds.
    pub fn uniform(teams: usize, min: u32, max: u32) -> TeamSizes {
        TeamSizes {
            min: vec![min; teams],
            max: vec![max; teams],
        }
    }

    /// Whether `people` can be split into teams within these bounds at all.
    pub fn fits(&self, people: usize) -> bool {
        let low: u64 = self.min.iter().map(|&m| u64::from(m)).sum();
        let high: u64 = self.max.iter().map(|&m| u64::from(m)).sum();
        (low..=high).contains(&(people as u64))
            && self.min.iter().zip(&self.max).all(|(a, b)| a <= b)
    }

    /// Sizes for `people` as even as the bounds allow: the sizes a fresh team set starts from.
    pub fn even_split(&self, people: usize) -> Vec<u32> {
        let mut sizes = self.min.clone();
        let mut left = people as u64 - sizes.iter().map(|&s| u64::from(s)).sum::<u64>();
        // Grow the smallest team that may still grow, one person at a time.
        while left > 0 {
            let next = (0..sizes.len())
                .filter(|&t| sizes[t] < self.max[t])
                .min_by_key(|&t| (sizes[t], t));
            match next {
                Some(t) => {
                    sizes[t] += 1;
                    left -= 1;
                }
                None => break,
            }
        }
        sizes
    }
}

impl SizeRule {
    /// The teams for a wave of `people`.
    pub fn resolve(self, people: usize) -> Result<TeamSizes, GroupingError> {
        if people == 0 {
            return Err(GroupingError::NoPeople);
        }
        let n = people as u32;
        let even = |teams: u32| {
            let teams = teams.clamp(1, n);
            let low = n / teams;
            let high = n.div_ceil(teams);
            TeamSizes::uniform(teams as usize, low, high)
        };
        match self {
            SizeRule::TargetSize(0) | SizeRule::Teams(0) => Err(GroupingError::BadSizes(
                "team size and number of teams must be at least 1".into(),
            )),
            SizeRule::TargetSize(size) => {
                // The number of teams whose even sizes come closest to the target.
                let below = (n / size).max(1);
                let above = below + 1;
                let miss = |teams: u32| (f64::from(n) / f64::from(teams) - f64::from(size)).abs();
                Ok(even(if above <= n && miss(above) < miss(below) {
                    above
                } else {
                    below
                }))
            }
            SizeRule::Teams(teams) if teams > n => Err(GroupingError::BadSizes(format!(
                "{teams} teams need at least {teams} people; the wave has {n}"
            ))),
            SizeRule::Teams(teams) => Ok(even(teams)),
            SizeRule::Range { min, max } if min > max || max == 0 => Err(GroupingError::BadSizes(
                format!("the smallest team size ({min}) is above the largest ({max})"),
            )),
            SizeRule::Range { min, max } => {
                // As few teams as the largest size allows; more only if that breaks the minimum.
                let teams = n.div_ceil(max);
                if u64::from(teams) * u64::from(min) > u64::from(n) {
                    return Err(GroupingError::BadSizes(format!(
                        "{n} people cannot be split into teams of {min} to {max}"
                    )));
                }
                Ok(TeamSizes::uniform(teams as usize, min, max))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_size_gives_teams_that_differ_by_at_most_one() {
        let sizes = SizeRule::TargetSize(12).resolve(125).unwrap();
        assert_eq!(sizes.teams(), 10);
        let split = sizes.even_split(125);
        assert_eq!(split.iter().sum::<u32>(), 125);
        assert!(split.iter().max().unwrap() - split.iter().min().unwrap() <= 1);
    }

    #[test]
    fn a_range_uses_as_few_teams_as_the_largest_size_allows() {
        let sizes = SizeRule::Range { min: 10, max: 14 }.resolve(120).unwrap();
        assert_eq!(sizes.teams(), 9);
        assert!(sizes.fits(120));
        assert!(SizeRule::Range { min: 13, max: 14 }.resolve(15).is_err());
    }

    #[test]
    fn more_teams_than_people_is_refused() {
        assert!(SizeRule::Teams(5).resolve(3).is_err());
    }
}
