//! From a wave's participants, as the roster and the store know them, to a `Problem`.

use std::collections::HashMap;

use mixwell_domain::{normalise_header, ParticipantRecord, StandardField};

use crate::problem::{ApartReason, Balanced, Coded, Problem};
use crate::sizes::SizeRule;
use crate::GroupingError;

/// One participant and what staff recorded about them, by external id.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub record: &'a ParticipantRecord,
    pub friends: &'a [String],
    pub keep_apart: &'a [String],
    pub keep_together: &'a [String],
    /// A team (from 0) this person must stay in.
    pub pinned: Option<u32>,
}

/// What staff choose on the Teams screen or on the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamOptions {
    pub sizes: SizeRule,
    /// Attributes to balance, with their weights.
    pub balance: Vec<(String, f64)>,
    /// Attributes on which nobody may be alone in their team.
    pub no_isolation: Vec<String>,
    /// Earlier team sets of the wave: external id → team label.
    pub previous: Vec<HashMap<String, String>>,
}

pub const DEFAULT_BALANCE: [&str; 5] = ["gender", "ethnicity", "faith", "school", "fsm"];
pub const DEFAULT_NO_ISOLATION: [&str; 3] = ["gender", "ethnicity", "faith"];

impl TeamOptions {
    pub fn new(sizes: SizeRule) -> TeamOptions {
        TeamOptions {
            sizes,
            balance: DEFAULT_BALANCE
                .iter()
                .map(|a| ((*a).to_owned(), 1.0))
                .collect(),
            no_isolation: DEFAULT_NO_ISOLATION
                .iter()
                .map(|a| (*a).to_owned())
                .collect(),
            previous: Vec::new(),
        }
    }
}

/// The attribute's values, one per member, or an error naming what is not there.
fn column(members: &[Member], name: &str) -> Result<Coded, GroupingError> {
    let wanted = normalise_header(name);
    if matches!(
        StandardField::from_header(name),
        Some(
            StandardField::Friends
                | StandardField::Id
                | StandardField::FirstName
                | StandardField::LastName
        )
    ) {
        return Err(GroupingError::Inconsistent(format!(
            "{name} cannot be balanced: it is different for everyone"
        )));
    }
    let values: Vec<String> = if StandardField::from_header(name).is_some() {
        members
            .iter()
            .map(|m| m.record.attribute(name).unwrap_or_default())
            .collect()
    } else {
        let custom = |m: &Member| {
            m.record
                .custom
                .iter()
                .find(|(k, _)| normalise_header(k) == wanted)
                .map(|(_, v)| v.clone())
        };
        if !members.iter().any(|m| custom(m).is_some()) {
            return Err(GroupingError::Inconsistent(format!(
                "there is no attribute called {name:?} in this wave"
            )));
        }
        // Someone added by hand may lack a column the roster has: blank for them.
        members
            .iter()
            .map(|m| custom(m).unwrap_or_default())
            .collect()
    };
    Ok(Coded::from_values(name, &values))
}

pub fn wave_problem<'a>(
    members: &[Member<'a>],
    options: &TeamOptions,
) -> Result<Problem, GroupingError> {
    let index: HashMap<&str, u32> = members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.record.external_id.as_str(), i as u32))
        .collect();
    let pairs = |list: fn(&Member<'a>) -> &'a [String]| -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = members
            .iter()
            .enumerate()
            .flat_map(|(i, m)| {
                list(m)
                    .iter()
                    .filter_map(|id| index.get(id.as_str()).copied())
                    .filter(move |&j| j != i as u32)
                    .map(move |j| ((i as u32).min(j), (i as u32).max(j)))
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    };
    let friends = pairs(|m| m.friends);
    let keep_apart = pairs(|m| m.keep_apart);
    let mut apart: Vec<(u32, u32, ApartReason)> = keep_apart
        .iter()
        .map(|&(a, b)| (a, b, ApartReason::KeepApart))
        .collect();
    apart.extend(
        friends
            .iter()
            .filter(|p| keep_apart.binary_search(p).is_err())
            .map(|&(a, b)| (a, b, ApartReason::Friends)),
    );
    let balance = options
        .balance
        .iter()
        .map(|(name, weight)| {
            Ok(Balanced {
                attribute: column(members, name)?,
                weight: *weight,
            })
        })
        .collect::<Result<Vec<_>, GroupingError>>()?;
    let no_isolation = options
        .no_isolation
        .iter()
        .map(|name| column(members, name))
        .collect::<Result<Vec<_>, _>>()?;
    let previous = options
        .previous
        .iter()
        .map(|earlier| {
            // People not in the earlier set get a team of their own, so they met nobody.
            let mut labels: HashMap<&str, u32> = HashMap::new();
            members
                .iter()
                .enumerate()
                .map(|(i, m)| match earlier.get(&m.record.external_id) {
                    Some(label) => {
                        let next = labels.len() as u32;
                        *labels.entry(label.as_str()).or_insert(next)
                    }
                    None => u32::MAX - i as u32,
                })
                .collect()
        })
        .collect();
    let sizes = options.sizes.resolve(members.len())?;
    Ok(Problem {
        people: members.len(),
        sizes,
        balance,
        no_isolation,
        apart,
        together: pairs(|m| m.keep_together),
        needs: members
            .iter()
            .map(|m| m.record.additional_needs == Some(true))
            .collect(),
        pinned: members.iter().map(|m| m.pinned).collect(),
        previous,
        repeat_weight: 1.0,
        school: Some(column(members, "school")?),
    })
}

/// The members of a wave as the store keeps them, with the teams some are pinned to.
pub fn members_of<'a>(
    participants: &'a [mixwell_domain::Participant],
    pinned: &HashMap<mixwell_domain::Id, u32>,
) -> Vec<Member<'a>> {
    participants
        .iter()
        .map(|p| Member {
            record: &p.record,
            friends: &p.friends,
            keep_apart: &p.keep_apart,
            keep_together: &p.keep_together,
            pinned: pinned.get(&p.id).copied(),
        })
        .collect()
}
