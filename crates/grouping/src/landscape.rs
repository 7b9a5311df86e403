//! What the search needs from a grouping problem: people split into teams with size
//! bounds, and the price of moving one person or swapping two. The team-formation problem
//! and the maximally diverse grouping benchmark both implement it, so one search core
//! serves both.

use rand_chacha::ChaCha8Rng;

use crate::cost::Cost;

/// How the search spends its effort on one kind of problem. Each kind's values were
/// measured on its benchmarks (BENCHMARKS.md): team waves gain from a population that
/// recombines whole teams, while MDGP instances do best as one long iterated local search
/// whose kicks mostly move items between groups of varying size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    /// Members each search thread keeps and recombines (1: iterated local search alone).
    pub population: usize,
    /// How much worse than the member it would replace, as a share of the soft cost, a
    /// kicked and descended trial may be and still be taken.
    pub accept_worse: f64,
    /// Where team sizes may vary, the share of kick steps that move one person to another
    /// team rather than swap two; `None`: as often as moves are among all the steps there are.
    pub move_share: Option<f64>,
}

impl Tuning {
    /// Team formation's: measured on the realistic waves of `benches/teams.rs`.
    pub const TEAMS: Tuning = Tuning {
        population: 4,
        accept_worse: 0.003,
        move_share: None,
    };
}

pub trait Landscape: Sync {
    type State: Clone + Send;

    fn people(&self) -> usize;
    fn teams(&self) -> usize;
    fn min_size(&self, team: usize) -> u32;
    fn max_size(&self, team: usize) -> u32;
    /// The team a person must stay in, if any.
    fn pinned(&self, person: usize) -> Option<u32>;

    /// A first team set within the size bounds, randomised by `rng`.
    fn construct(&self, rng: &mut ChaCha8Rng) -> Self::State;
    /// The state for an assignment that respects the size bounds and pins.
    fn state(&self, team: Vec<u32>) -> Self::State;

    fn team_of(&self, state: &Self::State, person: usize) -> u32;
    fn assignment<'s>(&self, state: &'s Self::State) -> &'s [u32];
    fn size(&self, state: &Self::State, team: usize) -> u32;
    fn cost(&self, state: &Self::State) -> Cost;

    fn move_delta(&self, state: &Self::State, person: usize, to: u32) -> Cost;
    fn swap_delta(&self, state: &Self::State, x: usize, y: usize) -> Cost;
    fn apply_move(&self, state: &mut Self::State, person: usize, to: u32);
    fn apply_swap(&self, state: &mut Self::State, x: usize, y: usize);

    /// A person in another team than x whose swap with x improves the cost, if there is
    /// one among `candidates` (the movable people, shuffled). By default the first such
    /// in the order given; problems with a cheaper way to scan than one `swap_delta` per
    /// candidate override it and may take another order.
    fn first_improving_swap(
        &self,
        state: &Self::State,
        x: usize,
        candidates: &[usize],
    ) -> Option<usize> {
        let home = self.team_of(state, x);
        candidates
            .iter()
            .copied()
            .find(|&y| self.team_of(state, y) != home && self.swap_delta(state, x, y).improves())
    }

    /// How the search spends its effort on this problem.
    fn tuning(&self) -> Tuning {
        Tuning::TEAMS
    }

    /// Calls `visit` with each member of `team`. Problems that keep member lists override
    /// it; the descent wakes a changed team's members after every step it takes.
    fn for_each_member(&self, state: &Self::State, team: u32, visit: &mut dyn FnMut(usize)) {
        let assignment = self.assignment(state);
        for (person, &t) in assignment.iter().enumerate() {
            if t == team {
                visit(person);
            }
        }
    }

    /// Team sizes as even as the bounds allow: where a fresh team set starts.
    fn even_sizes(&self) -> Vec<u32> {
        crate::sizes::TeamSizes {
            min: (0..self.teams()).map(|t| self.min_size(t)).collect(),
            max: (0..self.teams()).map(|t| self.max_size(t)).collect(),
        }
        .even_split(self.people())
    }

    fn movable(&self, person: usize) -> bool {
        self.pinned(person).is_none()
    }

    /// Whether `person` may move to `to` without breaking a size bound or a pin.
    fn can_move(&self, state: &Self::State, person: usize, to: u32) -> bool {
        let from = self.team_of(state, person) as usize;
        self.movable(person)
            && from != to as usize
            && self.size(state, from) > self.min_size(from)
            && self.size(state, to as usize) < self.max_size(to as usize)
    }
}
