//! A team-formation problem in the search's own terms: people are indices 0..n, attribute
//! values are small codes, rules are lists of index pairs.

use crate::sizes::TeamSizes;
use crate::GroupingError;

/// One attribute, coded: `values[person]` is in `0..names.len()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Coded {
    pub name: String,
    pub names: Vec<String>,
    pub values: Vec<u32>,
}

impl Coded {
    /// Codes the values as given; the same text gets the same code, in first-seen order.
    pub fn from_values<S: AsRef<str>>(name: &str, values: &[S]) -> Coded {
        let mut names: Vec<String> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let values = values
            .iter()
            .map(|v| {
                *index.entry(v.as_ref().to_owned()).or_insert_with(|| {
                    names.push(v.as_ref().to_owned());
                    (names.len() - 1) as u32
                })
            })
            .collect();
        Coded {
            name: name.to_owned(),
            names,
            values,
        }
    }

    pub fn value_count(&self) -> usize {
        self.names.len()
    }

    /// How many people have each value.
    pub fn totals(&self) -> Vec<u32> {
        let mut totals = vec![0; self.value_count()];
        for &v in &self.values {
            totals[v as usize] += 1;
        }
        totals
    }
}

/// An attribute the teams should mirror, and how much it matters against the others.
#[derive(Debug, Clone, PartialEq)]
pub struct Balanced {
    pub attribute: Coded,
    pub weight: f64,
}

/// Why two people must not share a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApartReason {
    /// They came together; teams are where they meet someone new.
    Friends,
    /// Staff asked for it.
    KeepApart,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Problem {
    pub people: usize,
    pub sizes: TeamSizes,
    pub balance: Vec<Balanced>,
    /// Nobody may be the only one in their team with a value that two or more people in
    /// the wave share, on each of these attributes.
    pub no_isolation: Vec<Coded>,
    pub apart: Vec<(u32, u32, ApartReason)>,
    pub together: Vec<(u32, u32)>,
    pub needs: Vec<bool>,
    /// A team a person must stay in.
    pub pinned: Vec<Option<u32>>,
    /// Earlier team sets of the wave, as each person's team; pairs who shared a team
    /// before count against a new set.
    pub previous: Vec<Vec<u32>>,
    /// How much one repeated pair weighs against one unit of balance.
    pub repeat_weight: f64,
    /// Pairs from the same school, the tie-breaker.
    pub school: Option<Coded>,
}

impl Problem {
    pub fn teams(&self) -> usize {
        self.sizes.teams()
    }

    /// Checks that every list speaks of the same people and the sizes can hold them.
    pub fn check(&self) -> Result<(), GroupingError> {
        let n = self.people;
        if n == 0 {
            return Err(GroupingError::NoPeople);
        }
        let per_person = |len: usize, what: &str| {
            if len == n {
                Ok(())
            } else {
                Err(GroupingError::Inconsistent(format!(
                    "{what} has {len} entries for {n} people"
                )))
            }
        };
        for b in &self.balance {
            per_person(b.attribute.values.len(), &b.attribute.name)?;
            if !(b.weight.is_finite() && b.weight >= 0.0) {
                return Err(GroupingError::Inconsistent(format!(
                    "the weight of {} must be a number from 0 up",
                    b.attribute.name
                )));
            }
        }
        for c in &self.no_isolation {
            per_person(c.values.len(), &c.name)?;
        }
        if let Some(s) = &self.school {
            per_person(s.values.len(), "school")?;
        }
        per_person(self.needs.len(), "additional needs")?;
        per_person(self.pinned.len(), "pinned teams")?;
        for p in &self.previous {
            per_person(p.len(), "an earlier team set")?;
        }
        let in_range = |i: u32| (i as usize) < n;
        if !self
            .apart
            .iter()
            .all(|&(a, b, _)| in_range(a) && in_range(b) && a != b)
            || !self
                .together
                .iter()
                .all(|&(a, b)| in_range(a) && in_range(b) && a != b)
        {
            return Err(GroupingError::Inconsistent(
                "a pair names someone who is not in the wave".into(),
            ));
        }
        if let Some(t) = self
            .pinned
            .iter()
            .flatten()
            .find(|&&t| t as usize >= self.teams())
        {
            return Err(GroupingError::BadSizes(format!(
                "someone is pinned to team {} but there are only {} teams",
                t + 1,
                self.teams()
            )));
        }
        if !self.sizes.fits(n) {
            return Err(GroupingError::BadSizes(format!(
                "{n} people do not fit the team sizes asked for"
            )));
        }
        Ok(())
    }

    /// The most people with additional needs any one team should hold: ceil(k / teams).
    pub fn needs_cap(&self) -> u32 {
        let k = self.needs.iter().filter(|&&n| n).count() as u32;
        k.div_ceil(self.teams().max(1) as u32)
    }
}
