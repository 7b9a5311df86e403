//! The maximally diverse grouping problem (MDGP), the research benchmark for grouping
//! searches: split n items into m groups with size bounds so that the sum of distances
//! within groups is as large as possible. Instances from MDGPLIB; format in
//! ../shared/benchmarks/mdgp/README.md. It runs on the same search core as team formation.

use std::cell::Cell;

use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::cost::Cost;
use crate::landscape::{Landscape, Tuning};
use crate::sizes::TeamSizes;

#[derive(Debug, Clone)]
pub struct Mdgp {
    pub items: usize,
    pub sizes: TeamSizes,
    /// Distances, row-major n×n and symmetric.
    distance: Vec<f64>,
    /// The smallest distance, which bounds how much a swapped pair's own distance costs.
    least: f64,
}

#[derive(Debug, Clone)]
pub struct MdgpState {
    team: Vec<u32>,
    /// `gain[g * n + i]`: the sum of distances from item i to the members of group g, laid
    /// out by group so that a move updates two contiguous rows.
    gain: Vec<f64>,
    /// Each group's items, in no particular order (their number is the group's size), and
    /// each item's place in that list.
    members: Vec<Vec<u32>>,
    place: Vec<u32>,
    /// `best_in[a * m + b]`: the most that taking one item y out of group b and into group
    /// a adds, `max over y in b of gain[a][y] - gain[b][y]`. With it, a swap scan skips
    /// every group whose best possible swap partner cannot pay for the move. Worked out
    /// when a scan first needs it after a change (NaN until then): an entry serves every
    /// member of a, and most entries change again before anyone reads them.
    best_in: Vec<Cell<f64>>,
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
        let least = distance
            .iter()
            .enumerate()
            .filter(|(k, _)| k / n != k % n)
            .map(|(_, &d)| d)
            .fold(f64::INFINITY, f64::min);
        Ok(Mdgp {
            items: n,
            sizes,
            distance,
            least: if least.is_finite() { least } else { 0.0 },
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

    /// `best_in[a][b]`, worked out again if a change made it stale.
    fn best_in(&self, state: &MdgpState, a: usize, b: usize) -> f64 {
        let cell = &state.best_in[a * self.groups() + b];
        if cell.get().is_nan() {
            let n = self.items;
            let (into, out) = (
                &state.gain[a * n..(a + 1) * n],
                &state.gain[b * n..(b + 1) * n],
            );
            let best = state.members[b]
                .iter()
                .map(|&y| into[y as usize] - out[y as usize])
                .fold(f64::NEG_INFINITY, f64::max);
            cell.set(best);
        }
        cell.get()
    }

    /// After group `g`'s gains or members changed: every bound that reads them is stale.
    fn stale(&self, state: &mut MdgpState, g: usize) {
        let m = self.groups();
        for other in 0..m {
            state.best_in[other * m + g].set(f64::NAN);
            state.best_in[g * m + other].set(f64::NAN);
        }
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

    /// Measured on RanReal n120, n240 and n480, ss and ds (BENCHMARKS.md): one iterated
    /// local search per thread; a trial may be worse by about a third of one item's average
    /// share of the objective (0.3% at n=120, 0.15% at 240); kicks are nearly all moves
    /// where group sizes may vary.
    fn tuning(&self) -> Tuning {
        Tuning {
            population: 1,
            accept_worse: 0.36 / self.items.max(1) as f64,
            move_share: Some(0.95),
        }
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
        let mut gain = vec![0.0; n * m];
        let mut members = vec![Vec::new(); m];
        let mut place = vec![0u32; n];
        for (j, &g) in team.iter().enumerate() {
            place[j] = members[g as usize].len() as u32;
            members[g as usize].push(j as u32);
            let row = &mut gain[g as usize * n..(g as usize + 1) * n];
            for (i, slot) in row.iter_mut().enumerate() {
                if i != j {
                    *slot += self.d(i, j);
                }
            }
        }
        let objective = self.objective_of(&team);
        MdgpState {
            team,
            gain,
            members,
            place,
            best_in: vec![Cell::new(f64::NAN); m * m],
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
        state.members[team].len() as u32
    }
    fn cost(&self, state: &MdgpState) -> Cost {
        maximise(state.objective)
    }

    fn move_delta(&self, state: &MdgpState, person: usize, to: u32) -> Cost {
        let n = self.items;
        let from = state.team[person] as usize;
        maximise(state.gain[to as usize * n + person] - state.gain[from * n + person])
    }

    fn swap_delta(&self, state: &MdgpState, x: usize, y: usize) -> Cost {
        let n = self.items;
        let (a, b) = (state.team[x] as usize, state.team[y] as usize);
        maximise(
            state.gain[b * n + x] - state.gain[a * n + x] + state.gain[a * n + y]
                - state.gain[b * n + y]
                - 2.0 * self.d(x, y),
        )
    }

    fn first_improving_swap(
        &self,
        state: &MdgpState,
        x: usize,
        candidates: &[usize],
    ) -> Option<usize> {
        // Group by group, starting at the group of a candidate that differs from person to
        // person (every item is a candidate: MDGP pins nobody). A group is skipped when
        // even its best partner could not make the swap pay; near a local optimum that is
        // almost every group, which is most of a descent's scanning.
        let (n, m) = (self.items, self.groups());
        let a = state.team[x] as usize;
        let own = state.gain[a * n + x];
        let to_home = &state.gain[a * n..(a + 1) * n];
        let from_x = &self.distance[x * n..(x + 1) * n];
        let start = candidates
            .get(x % candidates.len().max(1))
            .map_or(0, |&c| state.team[c] as usize);
        for step in 0..m {
            let b = (start + step) % m;
            if b == a {
                continue;
            }
            let leave = state.gain[b * n + x] - own;
            if leave + self.best_in(state, a, b) - 2.0 * self.least <= 0.0 {
                continue;
            }
            let to_away = &state.gain[b * n..(b + 1) * n];
            for &y in &state.members[b] {
                let y = y as usize;
                let delta = leave + (to_home[y] - to_away[y]) - 2.0 * from_x[y];
                if delta > 0.0 && maximise(delta).improves() {
                    return Some(y);
                }
            }
        }
        None
    }

    fn for_each_member(&self, state: &MdgpState, team: u32, visit: &mut dyn FnMut(usize)) {
        for &y in &state.members[team as usize] {
            visit(y as usize);
        }
    }

    fn apply_move(&self, state: &mut MdgpState, person: usize, to: u32) {
        let n = self.items;
        let (from, to) = (state.team[person] as usize, to as usize);
        state.objective += state.gain[to * n + person] - state.gain[from * n + person];
        let distances = &self.distance[person * n..(person + 1) * n];
        let (low, high) = state.gain.split_at_mut(from.max(to) * n);
        let (from_row, to_row) = if from < to {
            (&mut low[from * n..(from + 1) * n], &mut high[..n])
        } else {
            (&mut high[..n], &mut low[to * n..(to + 1) * n])
        };
        for ((f, t), d) in from_row.iter_mut().zip(to_row.iter_mut()).zip(distances) {
            *f -= d;
            *t += d;
        }
        state.team[person] = to as u32;
        let at = state.place[person] as usize;
        state.members[from].swap_remove(at);
        if let Some(&moved) = state.members[from].get(at) {
            state.place[moved as usize] = at as u32;
        }
        state.place[person] = state.members[to].len() as u32;
        state.members[to].push(person as u32);
        self.stale(state, from);
        self.stale(state, to);
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

    /// The best objective of TINY over every split into two groups of three.
    fn tiny_optimum(problem: &Mdgp) -> f64 {
        (0u32..64)
            .filter(|mask| mask.count_ones() == 3)
            .map(|mask| {
                let team: Vec<u32> = (0..6).map(|i| (mask >> i) & 1).collect();
                problem.objective_of(&team)
            })
            .fold(f64::MIN, f64::max)
    }

    #[test]
    fn both_methods_find_the_optimum_of_a_tiny_instance() {
        let problem = Mdgp::parse(TINY).unwrap();
        let optimum = tiny_optimum(&problem);
        for method in [
            crate::MdgpMethod::Search { threads: 1 },
            crate::MdgpMethod::Anneal,
        ] {
            let (team, objective) =
                crate::solve_mdgp(&problem, 3, std::time::Duration::from_millis(50), method);
            assert!(
                (objective - optimum).abs() < 1e-9,
                "{method:?}: {objective}"
            );
            assert!((problem.objective_of(&team) - objective).abs() < 1e-9);
        }
    }

    /// The pruned scan finds an improving partner exactly when one exists, while the
    /// bounds are kept up through moves and swaps (ss and ds bounds, negative distances).
    #[test]
    fn the_pruned_swap_scan_finds_an_improving_partner_exactly_when_one_exists() {
        let text: String = std::iter::once("12 3 ds 3 5 4 4 2 6\n".to_string())
            .chain((0..12).flat_map(|i| {
                (i + 1..12)
                    .map(move |j| format!("{i} {j} {}\n", ((i * 7 + j * 13) % 17) as i64 - 4))
            }))
            .collect();
        let problem = Mdgp::parse(&text).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut candidates: Vec<usize> = (0..12).collect();
        let mut state = problem.construct(&mut rng);
        for step in 0..400 {
            if step % 50 == 0 {
                state = problem.construct(&mut rng);
            }
            let x = rng.random_range(0..12);
            candidates.shuffle(&mut rng);
            let any = (0..12).any(|y| {
                state.team[y] != state.team[x] && problem.swap_delta(&state, x, y).improves()
            });
            match problem.first_improving_swap(&state, x, &candidates) {
                Some(y) => {
                    assert_ne!(state.team[y], state.team[x]);
                    assert!(problem.swap_delta(&state, x, y).improves());
                }
                None => assert!(!any, "step {step}: an improving swap for {x} was missed"),
            }
            let y = rng.random_range(0..12);
            let to = rng.random_range(0..3);
            if problem.can_move(&state, y, to) && step % 3 == 0 {
                problem.apply_move(&mut state, y, to);
            } else if state.team[x] != state.team[y] {
                problem.apply_swap(&mut state, x, y);
            }
            assert!((state.objective - problem.objective_of(&state.team)).abs() < 1e-9);
        }
    }

    #[test]
    fn a_bad_line_is_named() {
        let err = Mdgp::parse("3 1 ss 3 3\n0 1 x\n").unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
    }
}
