//! A team's sessions played through as the planner will play them, for a team with
//! someone away.

use super::*;

/// A team's sessions from the share-out's first on, as rule 1 will play them: who is there
/// and how many of them lead, in each session where the team has leading turns.
pub(super) struct Course {
    pub(super) members: Vec<u32>,
    /// Leading turns so far, per member.
    pub(super) start: Vec<u32>,
    pub(super) sessions: Vec<CourseSession>,
}

pub(super) struct CourseSession {
    pub(super) session: usize,
    /// Indices into `members`.
    pub(super) there: Vec<usize>,
    pub(super) turns: usize,
    /// Per member: the leading sessions after this one they are there for (for `slack`).
    pub(super) chances_later: Vec<u32>,
}

impl Course {
    /// The team's course when its leading turns may not simply water-fill up to `level`
    /// with spares above it: someone in it is away for a session with leading turns, or
    /// someone is so far behind that reaching the level and a spare would take more
    /// sessions than are left (nobody leads twice in one session). Otherwise every choice
    /// of spare owners is reached and there is no need to play the sessions through.
    pub(super) fn of_team(
        problem: &RotaProblem,
        tally: &Tally,
        absent: &HashSet<(usize, u32)>,
        (session, team): (usize, usize),
        level: u32,
    ) -> Option<Course> {
        let members = &problem.teams[team];
        let leading = leading_sessions(problem, session);
        let away = |s: usize, i: usize| absent.contains(&(s, members[i]));
        let with_turns: Vec<(usize, usize)> = leading
            .iter()
            .map(|&s| (s, leading_turns_in(problem, absent, s, team)))
            .filter(|&(_, turns)| turns > 0)
            .collect();
        let someone_away = with_turns
            .iter()
            .any(|&(s, _)| (0..members.len()).any(|i| away(s, i)));
        let far_behind = members
            .iter()
            .any(|&p| (level + 1).saturating_sub(tally.leads(p)) as usize > with_turns.len());
        if !someone_away && !far_behind {
            return None;
        }
        let mut chances_later = vec![0u32; members.len()];
        let mut later = leading.iter().rev().peekable();
        let mut sessions = Vec::with_capacity(with_turns.len());
        for &(s, turns) in with_turns.iter().rev() {
            while let Some(&&l) = later.peek() {
                if l <= s {
                    break;
                }
                for (i, count) in chances_later.iter_mut().enumerate() {
                    *count += u32::from(!away(l, i));
                }
                later.next();
            }
            sessions.push(CourseSession {
                session: s,
                there: (0..members.len()).filter(|&i| !away(s, i)).collect(),
                turns,
                chances_later: chances_later.clone(),
            });
        }
        sessions.reverse();
        Some(Course {
            members: members.clone(),
            start: members.iter().map(|&p| tally.leads(p)).collect(),
            sessions,
        })
    }

    /// Plays the course with `priority` (per person), then again with each member's
    /// priority set to what they ended with, until the two agree (or `SETTLE_ROUNDS` have
    /// been played): who is to reach more leads first, so ties the planner breaks by its
    /// lower rules are between people bound for the same turns. Returns what the last
    /// play gave.
    pub(super) fn settle(&self, priority: &mut [u32]) -> Vec<u32> {
        for _ in 0..SETTLE_ROUNDS {
            let ends = self.play(priority);
            let settled = self
                .members
                .iter()
                .zip(&ends)
                .all(|(&p, &end)| priority[p as usize] == end);
            if settled {
                return ends;
            }
            for (&p, end) in self.members.iter().zip(ends) {
                priority[p as usize] = end;
            }
        }
        self.play(priority)
    }

    /// Each member's leading turns at the end when every session's leading turns go to the
    /// members there who come first by `lead_order` with `priority` (per person), as the
    /// planner gives them. Where that order ties, the planner's lower rules decide and here
    /// the lower person number does; where that changes the totals, the planner is told to
    /// follow (`ties_that_matter`), and should the two still differ, the plan goes off
    /// course and is shared out again from there.
    pub(super) fn play(&self, priority: &[u32]) -> Vec<u32> {
        self.play_on(self.start.clone(), 0, priority)
    }

    /// `play` from the course's `from`th session on, with `leads` so far.
    pub(super) fn play_on(&self, mut leads: Vec<u32>, from: usize, priority: &[u32]) -> Vec<u32> {
        for session in &self.sessions[from..] {
            for i in self.leaders(session, priority, &leads) {
                leads[i] += 1;
            }
        }
        leads
    }

    /// The members who lead in `session` given everyone's `leads` so far, first by
    /// `lead_order` and then by person number.
    pub(super) fn leaders(
        &self,
        session: &CourseSession,
        priority: &[u32],
        leads: &[u32],
    ) -> Vec<usize> {
        let mut order = self.order(session, priority, leads);
        // Only who comes first matters, not their order among themselves.
        if session.turns < order.len() {
            order.select_nth_unstable(session.turns);
        }
        order[..session.turns].iter().map(|&(_, i)| i).collect()
    }

    pub(super) fn order(
        &self,
        session: &CourseSession,
        priority: &[u32],
        leads: &[u32],
    ) -> Vec<((LeadKey, u32), usize)> {
        session
            .there
            .iter()
            .map(|&i| {
                let (person, lead) = (self.members[i], leads[i]);
                let target = priority[person as usize];
                let slack = slack_of(session.chances_later[i], target, lead);
                ((lead_key(lead, target, slack), person), i)
            })
            .collect()
    }

    /// The sessions where the planner, breaking a tie of `lead_order` its own way, could
    /// end somewhere else than `play`: for each, the members `play` has lead among those
    /// tied, as (session, person). A tie matters when letting the first one passed over
    /// lead instead of the last one chosen changes what anyone ends with.
    pub(super) fn ties_that_matter(&self, priority: &[u32]) -> Vec<(usize, u32)> {
        let ends = self.play(priority);
        let mut first = Vec::new();
        let mut leads = self.start.clone();
        for (k, session) in self.sessions.iter().enumerate() {
            let mut order = self.order(session, priority, &leads);
            order.sort_unstable();
            let chosen: Vec<usize> = order[..session.turns].iter().map(|&(_, i)| i).collect();
            if let (Some(last), Some(next)) =
                (order[..session.turns].last(), order.get(session.turns))
            {
                if last.0 .0 == next.0 .0 {
                    let mut other = leads.clone();
                    for &i in &chosen {
                        other[i] += 1;
                    }
                    other[last.1] -= 1;
                    other[next.1] += 1;
                    if self.play_on(other, k + 1, priority) != ends {
                        let tied = order[..session.turns]
                            .iter()
                            .filter(|(key, _)| key.0 == last.0 .0)
                            .map(|&(_, i)| (session.session, self.members[i]));
                        first.extend(tied);
                    }
                }
            }
            for i in chosen {
                leads[i] += 1;
            }
        }
        first
    }
}
