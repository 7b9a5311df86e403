//! Equal status across backgrounds (rule 4). Within a team, rule 1 hands out leading turns
//! in rounds, so the order people lead in within a round changes nothing at the end; only
//! who gets the turns of the last, partial round does. So background decides only there
//! (the "final round"), where it outranks not holding a role two sessions running. The
//! planner and the checker both use this module, so what the planner may do and what the
//! checker accepts are the same thing.

use std::collections::HashSet;

use crate::problem::{RotaProblem, Tally};

/// Each person's leading turns above their fair share of their team's (None for people in
/// no team).
pub(crate) fn excess_leads(problem: &RotaProblem, tally: &Tally) -> Vec<Option<f64>> {
    let mut excess = vec![None; problem.people];
    for members in &problem.teams {
        if members.is_empty() {
            continue;
        }
        let total: u32 = members.iter().map(|&p| tally.leads(p)).sum();
        let fair = f64::from(total) / members.len() as f64;
        for &p in members {
            excess[p as usize] = Some(f64::from(tally.leads(p)) - fair);
        }
    }
    excess
}

/// The mean of `figures` over the people with each value of `attribute`.
pub(crate) fn mean_by_value(
    attribute: &crate::Attribute,
    figures: &[Option<f64>],
) -> Vec<Option<f64>> {
    let mut sum = vec![0.0; attribute.values.len()];
    let mut count = vec![0u32; attribute.values.len()];
    for (p, value) in attribute.of_person.iter().enumerate() {
        if let (Some(v), Some(Some(f))) = (value, figures.get(p)) {
            sum[*v as usize] += f;
            count[*v as usize] += 1;
        }
    }
    sum.iter()
        .zip(&count)
        .map(|(s, &c)| (c > 0).then(|| s / f64::from(c)))
        .collect()
}

/// How far each person's backgrounds are ahead on leading (lower is further behind): the
/// sum over balanced attributes of the mean excess of the people sharing their value.
pub(crate) fn background_scores(problem: &RotaProblem, tally: &Tally) -> Vec<f64> {
    let mut score = vec![0.0f64; problem.people];
    if problem.balance.is_empty() {
        return score;
    }
    let excess = excess_leads(problem, tally);
    for attribute in &problem.balance {
        let means = mean_by_value(attribute, &excess);
        for (p, value) in attribute.of_person.iter().enumerate() {
            if let Some(mean) = value.and_then(|v| means[v as usize]) {
                score[p] += mean;
            }
        }
    }
    score
}

/// Whether `a` comes before `b` for a spare leading turn: further behind, then by index.
pub(crate) fn further_behind(scores: &[f64], a: u32, b: u32) -> std::cmp::Ordering {
    scores[a as usize]
        .total_cmp(&scores[b as usize])
        .then(a.cmp(&b))
}

/// Whether `team` is in its final round at `session`: fewer leading turns are left in the
/// plan than people present who are still waiting for theirs this round.
pub(crate) fn final_round(
    problem: &RotaProblem,
    tally: &Tally,
    absent: &HashSet<(usize, u32)>,
    session: usize,
    team: usize,
) -> bool {
    let members = &problem.teams[team];
    let present: Vec<u32> = members
        .iter()
        .copied()
        .filter(|&p| !absent.contains(&(session, p)))
        .collect();
    let Some(fewest) = present.iter().map(|&p| tally.leads(p)).min() else {
        return false;
    };
    let waiting = present
        .iter()
        .filter(|&&p| tally.leads(p) == fewest)
        .count();
    let left: usize = (session..problem.sessions.len())
        .map(|s| {
            let there = members
                .iter()
                .filter(|&&p| !absent.contains(&(s, p)))
                .count();
            let in_use = &problem.sessions[s];
            in_use[..there.min(in_use.len())]
                .iter()
                .filter(|&&r| problem.roles[r].leading)
                .count()
        })
        .sum();
    left < waiting
}
