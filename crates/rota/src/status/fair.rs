//! A fair share of leading turns: what rule 1 would give if turns could be split.

use super::*;

/// Each person's leading turns above their fair share of their team's (None for people in
/// no team).
pub(crate) fn excess_leads(
    problem: &RotaProblem,
    tally: &Tally,
    absent: &HashSet<(usize, u32)>,
) -> Vec<Option<f64>> {
    let mut excess = vec![None; problem.people];
    for (team, members) in problem.teams.iter().enumerate() {
        let total: u32 = members.iter().map(|&p| tally.leads(p)).sum();
        for (&p, fair) in members.iter().zip(fair_leads(problem, absent, team, total)) {
            excess[p as usize] = Some(f64::from(tally.leads(p)) - fair);
        }
    }
    excess
}

/// Each member's fair share of the team's `total` leading turns, in the order of the team's
/// members: what rule 1 would give them if turns could be split (`fluid_leads`), so that
/// leading less only because one was away is not counted as one's background leading less.
/// When the team's turns do not add up to the sessions it had as it is now (people moved
/// team with their history, or staff changed who held what), the difference is shared
/// equally.
pub(crate) fn fair_leads(
    problem: &RotaProblem,
    absent: &HashSet<(usize, u32)>,
    team: usize,
    total: u32,
) -> Vec<f64> {
    let fluid = fluid_leads(problem, absent, team);
    let adjust = (f64::from(total) - fluid.iter().sum::<f64>()) / fluid.len().max(1) as f64;
    fluid.into_iter().map(|f| f + adjust).collect()
}

/// Rule 1 without rounding: at every session the team's leading turns go, in fractions, to
/// the members there, raising whoever has led least first, and nobody takes more than one
/// turn in a session. Symmetric people get equal shares; someone away falls behind and,
/// once back, is raised first, exactly as far as the sessions left allow.
pub(super) fn fluid_leads(
    problem: &RotaProblem,
    absent: &HashSet<(usize, u32)>,
    team: usize,
) -> Vec<f64> {
    let members = &problem.teams[team];
    let mut share = vec![0.0; members.len()];
    for s in 0..problem.sessions.len() {
        let turns = leading_turns_in(problem, absent, s, team);
        if turns == 0 {
            continue;
        }
        let there: Vec<usize> = (0..members.len())
            .filter(|&i| !absent.contains(&(s, members[i])))
            .collect();
        let now: Vec<f64> = there.iter().map(|&i| share[i]).collect();
        let level = water_level(&now, turns);
        for &i in &there {
            share[i] += (level - share[i]).clamp(0.0, 1.0);
        }
    }
    share
}

/// The level `h` to which `turns` units raise `shares`, each by at most one:
/// the sum of `clamp(h - share, 0, 1)` is `turns` (at most `shares.len()`).
pub(super) fn water_level(shares: &[f64], turns: usize) -> f64 {
    let filled = |h: f64| shares.iter().map(|&x| (h - x).clamp(0.0, 1.0)).sum::<f64>();
    // The sum is linear between these points, where one share starts or stops rising.
    let mut points: Vec<f64> = shares.iter().flat_map(|&x| [x, x + 1.0]).collect();
    points.sort_by(f64::total_cmp);
    let want = turns as f64;
    let mut below = points[0];
    for &h in &points {
        let (low, high) = (filled(below), filled(h));
        if high >= want {
            return if high > low {
                below + (h - below) * (want - low) / (high - low)
            } else {
                h
            };
        }
        below = h;
    }
    below
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
