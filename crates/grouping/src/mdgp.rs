//! The maximally diverse grouping problem (MDGP), the research benchmark for grouping
//! searches: split n items into m groups with size bounds so that the sum of distances
//! within groups is as large as possible. Instances from MDGPLIB; format in
//! ../shared/benchmarks/mdgp/README.md. It runs on the same search core as team formation.

use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::cost::Cost;
use crate::landscape::Landscape;
use crate::sizes::TeamSizes;

#[derive(Debug, Clone)]
pub struct Mdgp {
    pub items: usize,
    pub sizes: TeamSizes,
    /// Distances, row-major n×n and symmetric.
    distance: Vec<f64>,
}

#[derive(Debug, Clone)]
pub struct MdgpState {
    team: Vec<u32>,
    size: Vec<u32>,
    /// `gain[i * m + g]`: the sum of distances from item i to the members of group g.
    gain: Vec<f64>,
    objective: f64,
}

impl MdgpState {
    pub fn objective(&self) -> f64 {
        self.objective
    }

    pub fn assignment(&self) -> &[u32] {
        &self.team
    }
}

impl Mdgp {
    /// Reads an instance; an error names the line and what is wrong with it.
    pub fn parse(text: &str) -> Result<Mdgp, String> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let (_, header) = lines.next().ok_or("the file is empty")?;
        let fields: Vec<&str> = header.split_whitespace().collect();
        let number = |s: &str, what: &str| {
            s.parse::<usize>()
                .map_err(|_| format!("line 1: {what} {s:?} is not a whole number"))
        };
        if fields.len() < 3 {
            return Err("line 1: expected `n m ss|ds a1 b1 ... am bm`".into());
        }
        let n = number(fields[0], "n")?;
        let m = number(fields[1], "m")?;
        if fields.len() != 3 + 2 * m {
            return Err(format!(
                "line 1: expected {} size bounds for {m} groups, found {}",
                2 * m,
                fields.len() - 3
            ));
        }
        let mut min = Vec::with_capacity(m);
        let mut max = Vec::with_capacity(m);
        for g in 0..m {
            min.push(number(fields[3 + 2 * g], "a size bound")? as u32);
            max.push(number(fields[4 + 2 * g], "a size bound")? as u32);
        }
        let sizes = TeamSizes { min, max };
        if !sizes.fits(n) {
            return Err(format!("line 1: {n} items do not fit the group sizes"));
        }
        let mut distance = vec![0.0; n * n];
        for (index, line) in lines {
            let parts: Vec<&str> = line.split_whitespace().collect();
            let at = index + 1;
            if parts.len() != 3 {
                return Err(format!("line {at}: expected `i j d_ij`"));
            }
            let i = parts[0]
                .parse::<usize>()
                .map_err(|_| format!("line {at}: {:?} is not an item", parts[0]))?;
            let j = parts[1]
                .parse::<usize>()
                .map_err(|_| format!("line {at}: {:?} is not an item", parts[1]))?;
            let d = parts[2]
                .parse::<f64>()
                .map_err(|_| format!("line {at}: {:?} is not a distance", parts[2]))?;
            if i >= n || j >= n || i == j {
                return Err(format!("line {at}: items must be different and below {n}"));
            }
            distance[i * n + j] = d;
            distance[j * n + i] = d;
        }
        Ok(Mdgp {
            items: n,
            sizes,
            distance,
        })
    }

    fn d(&self, i: usize, j: usize) -> f64 {
        self.distance[i * self.items + j]
    }

    /// The objective of an assignment, from scratch.
    pub fn objective_of(&self, team: &[u32]) -> f64 {
        let mut total = 0.0;
        for i in 0..self.items {
            for j in i + 1..self.items {
                if team[i] == team[j] {
                    total += self.d(i, j);
                }
            }
        }
        total
    }

    fn groups(&self) -> usize {
        self.sizes.teams()
    }
}

fn maximise(gain: f64) -> Cost {
    Cost {
        soft: -gain,
        ..Cost::zero()
    }
}

impl Landscape for Mdgp {
    type State = MdgpState;

    fn people(&self) -> usize {
        self.items
    }
    fn teams(&self) -> usize {
        self.groups()
    }
    fn min_size(&self, team: usize) -> u32 {
        self.sizes.min[team]
    }
    fn max_size(&self, team: usize) -> u32 {
        self.sizes.max[team]
    }
    fn pinned(&self, _person: usize) -> Option<u32> {
        None
    }

    fn construct(&self, rng: &mut ChaCha8Rng) -> MdgpState {
        let sizes = self.even_sizes();
        let mut team: Vec<u32> = sizes
            .iter()
            .enumerate()
            .flat_map(|(g, &s)| std::iter::repeat_n(g as u32, s as usize))
            .collect();
        team.shuffle(rng);
        self.state(team)
    }

    fn state(&self, team: Vec<u32>) -> MdgpState {
        let (n, m) = (self.items, self.groups());
        let mut size = vec![0u32; m];
        let mut gain = vec![0.0; n * m];
        for (j, &g) in team.iter().enumerate() {
            size[g as usize] += 1;
            for i in 0..n {
                if i != j {
                    gain[i * m + g as usize] += self.d(i, j);
                }
            }
        }
        let objective = self.objective_of(&team);
        MdgpState {
            team,
            size,
            gain,
            objective,
        }
    }

    fn team_of(&self, state: &MdgpState, person: usize) -> u32 {
        state.team[person]
    }
    fn assignment<'s>(&self, state: &'s MdgpState) -> &'s [u32] {
        &state.team
    }
    fn size(&self, state: &MdgpState, team: usize) -> u32 {
        state.size[team]
    }
    fn cost(&self, state: &MdgpState) -> Cost {
        maximise(state.objective)
    }

    fn move_delta(&self, state: &MdgpState, person: usize, to: u32) -> Cost {
        let m = self.groups();
        let from = state.team[person] as usize;
        maximise(state.gain[person * m + to as usize] - state.gain[person * m + from])
    }

    fn swap_delta(&self, state: &MdgpState, x: usize, y: usize) -> Cost {
        let m = self.groups();
        let (a, b) = (state.team[x] as usize, state.team[y] as usize);
        maximise(
            state.gain[x * m + b] - state.gain[x * m + a] + state.gain[y * m + a]
                - state.gain[y * m + b]
                - 2.0 * self.d(x, y),
        )
    }

    fn apply_move(&self, state: &mut MdgpState, person: usize, to: u32) {
        let (n, m) = (self.items, self.groups());
        let from = state.team[person] as usize;
        state.objective += state.gain[person * m + to as usize] - state.gain[person * m + from];
        for i in 0..n {
            let d = self.distance[i * n + person];
            state.gain[i * m + from] -= d;
            state.gain[i * m + to as usize] += d;
        }
        state.size[from] -= 1;
        state.size[to as usize] += 1;
        state.team[person] = to;
    }

    fn apply_swap(&self, state: &mut MdgpState, x: usize, y: usize) {
        let (tx, ty) = (state.team[x], state.team[y]);
        self.apply_move(state, x, ty);
        self.apply_move(state, y, tx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    const TINY: &str = "6 2 ss 3 3 3 3\n0 1 1\n0 2 2\n0 3 3\n0 4 4\n0 5 5\n1 2 6\n1 3 7\n1 4 8\n1 5 9\n2 3 10\n2 4 11\n2 5 12\n3 4 13\n3 5 14\n4 5 15\n";

    #[test]
    fn prices_match_the_objective_from_scratch() {
        let problem = Mdgp::parse(TINY).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut state = problem.construct(&mut rng);
        for _ in 0..50 {
            let (x, y) = (rng.random_range(0..6), rng.random_range(0..6));
            if state.team[x] == state.team[y] {
                continue;
            }
            let delta = problem.swap_delta(&state, x, y);
            let before = state.objective;
            problem.apply_swap(&mut state, x, y);
            let after = problem.objective_of(&state.team);
            assert!((after - before + delta.soft).abs() < 1e-9);
            assert!((state.objective - after).abs() < 1e-9);
        }
    }

    #[test]
    fn a_bad_line_is_named() {
        let err = Mdgp::parse("3 1 ss 3 3\n0 1 x\n").unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
    }
}
