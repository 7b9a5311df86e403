//! Teams: form them for a wave (with progress and stop), check a team set as staff arranged
//! it, save it, and export it as a file or as lists to print. The search and the rules are
//! `mixwell_grouping`'s; a team set is kept by the store.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mixwell_domain::{Id, Participant};
use mixwell_grouping::{
    evaluate, members_of, wave_problem, Cost, Problem, Report, Settings, SizeRule, Stop,
    TeamOptions, TeamRule,
};
use mixwell_store::{Placement, Store, TeamSet};
use serde::{Deserialize, Serialize};

use crate::error::{ActionError, ActionResult};
use crate::export::ExportFile;

/// How team sizes were asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SizeChoice {
    TargetSize { size: u32 },
    Teams { count: u32 },
    Range { min: u32, max: u32 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WeightedAttribute {
    pub name: String,
    pub weight: f64,
}

/// The options teams are formed with (the app's Teams screen, or `groups form`), kept with
/// a saved team set as its `settings` so the app can show how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TeamRequest {
    pub sizes: SizeChoice,
    pub balance: Vec<WeightedAttribute>,
    pub no_isolation: Vec<String>,
    /// Keep apart pairs who shared a team in the wave's saved team sets.
    pub avoid_repeats: bool,
    pub seed: u32,
    pub seconds: f64,
}

impl TeamRequest {
    /// What the team search takes; `earlier` are the wave's saved team sets, used when the
    /// request avoids repeats.
    pub fn options(&self, earlier: &[TeamSet], people: &[Participant]) -> TeamOptions {
        let sizes = match self.sizes {
            SizeChoice::TargetSize { size } => SizeRule::TargetSize(size),
            SizeChoice::Teams { count } => SizeRule::Teams(count),
            SizeChoice::Range { min, max } => SizeRule::Range { min, max },
        };
        TeamOptions {
            sizes,
            balance: self
                .balance
                .iter()
                .map(|a| (a.name.clone(), a.weight))
                .collect(),
            no_isolation: self.no_isolation.clone(),
            previous: if self.avoid_repeats {
                earlier_teams(earlier, people)
            } else {
                Vec::new()
            },
        }
    }

    /// The request that `options` (with earlier sets when `avoid_repeats`) came from.
    pub fn from_options(
        options: &TeamOptions,
        avoid_repeats: bool,
        seed: u32,
        seconds: f64,
    ) -> Self {
        TeamRequest {
            sizes: match options.sizes {
                SizeRule::TargetSize(size) => SizeChoice::TargetSize { size },
                SizeRule::Teams(count) => SizeChoice::Teams { count },
                SizeRule::Range { min, max } => SizeChoice::Range { min, max },
            },
            balance: options
                .balance
                .iter()
                .map(|(name, weight)| WeightedAttribute {
                    name: name.clone(),
                    weight: *weight,
                })
                .collect(),
            no_isolation: options.no_isolation.clone(),
            avoid_repeats,
            seed,
            seconds,
        }
    }
}

/// Earlier team sets as the team search takes them: each person's team keyed by their
/// roster participant id (as team files are), for avoiding repeated pairs.
pub fn earlier_teams(
    sets: &[TeamSet],
    people: &[Participant],
) -> Vec<std::collections::HashMap<String, String>> {
    let external: std::collections::HashMap<Id, &str> = people
        .iter()
        .map(|p| (p.id, p.record.external_id.as_str()))
        .collect();
    sets.iter()
        .map(|set| {
            set.placements
                .iter()
                .filter_map(|p| {
                    Some((
                        external.get(&p.participant_id)?.to_string(),
                        p.team.to_string(),
                    ))
                })
                .collect()
        })
        .collect()
}

/// One hard rule a team set breaks, with whom it concerns.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RuleBreach {
    pub rule: TeamRule,
    pub message: String,
    pub participants: Vec<Id>,
}

/// How a team set does against the rules and the bound.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TeamCheck {
    pub breaches: Vec<RuleBreach>,
    pub balance: f64,
    pub bound: f64,
    pub simple_bound: f64,
    /// Share of the balance above the bound: 0 is the best possible.
    pub gap: f64,
    pub repeats: u32,
    pub same_school_pairs: u32,
}

impl TeamCheck {
    pub fn valid(&self) -> bool {
        self.breaches.is_empty()
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FormedTeams {
    pub teams: u32,
    pub placements: Vec<Placement>,
    pub check: TeamCheck,
}

/// While teams are being formed: how long so far, and the best found yet.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FormingProgress {
    pub running: bool,
    pub elapsed_ms: u32,
    pub limit_ms: u32,
    /// Hard rules the best team set so far breaks, once there is one.
    pub best_broken: Option<u32>,
    pub best_balance: Option<f64>,
}

/// A search in progress, shared between the search threads and whoever follows or stops
/// it (the app's progress and cancel commands).
#[derive(Default)]
pub struct Forming {
    cancel: AtomicBool,
    progress: Mutex<Option<(Instant, Duration, Option<Cost>)>>,
}

impl Stop for Forming {
    fn stop(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    fn improved(&self, _team: &[u32], cost: &Cost) {
        if let Ok(mut progress) = self.progress.lock() {
            if let Some((_, _, best)) = progress.as_mut() {
                if best.is_none_or(|b| cost.compare(&b).is_lt()) {
                    *best = Some(*cost);
                }
            }
        }
    }
}

impl Forming {
    /// Asks the running search to stop; it returns the best team set found so far.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn progress(&self) -> FormingProgress {
        let progress = self.progress.lock().map(|p| *p).unwrap_or(None);
        match progress {
            None => FormingProgress::default(),
            Some((started, limit, best)) => FormingProgress {
                running: true,
                elapsed_ms: started.elapsed().as_millis().min(u32::MAX as u128) as u32,
                limit_ms: limit.as_millis().min(u32::MAX as u128) as u32,
                best_broken: best.map(|c| c.hard_total().clamp(0, i64::from(u32::MAX)) as u32),
                best_balance: best.map(|c| c.soft),
            },
        }
    }

    fn start(&self, limit: Duration) {
        self.cancel.store(false, Ordering::Relaxed);
        if let Ok(mut progress) = self.progress.lock() {
            *progress = Some((Instant::now(), limit, None));
        }
    }

    fn finish(&self) {
        if let Ok(mut progress) = self.progress.lock() {
            *progress = None;
        }
    }
}

/// The wave's participants and its saved team sets, read in one transaction so they agree.
fn people_and_earlier(
    store: &mut Store,
    wave_id: Id,
) -> ActionResult<(Vec<Participant>, Vec<TeamSet>)> {
    store.atomically(|s| Ok((s.participants(wave_id)?, s.team_sets(wave_id)?)))
}

/// A report in the ids and words staff see.
pub fn team_check(report: &Report, people: &[Participant], team: &[u32]) -> TeamCheck {
    let name = |i: u32| people[i as usize].record.full_name();
    TeamCheck {
        breaches: report
            .breaches
            .iter()
            .map(|b| RuleBreach {
                rule: b.rule(),
                message: b.describe(&name, team),
                participants: b.people().iter().map(|&i| people[i as usize].id).collect(),
            })
            .collect(),
        balance: report.balance,
        bound: report.bound,
        simple_bound: report.simple_bound,
        gap: report.gap(),
        repeats: report.repeats,
        same_school_pairs: report.same_school_pairs,
    }
}

fn pins_of(placements: &[Placement]) -> HashMap<Id, u32> {
    placements
        .iter()
        .filter(|p| p.pinned)
        .map(|p| (p.participant_id, p.team))
        .collect()
}

/// Forming teams, in two steps so that the search (seconds to minutes) holds no lock on
/// the database: [`TeamSearch::prepare`] reads a wave (or [`TeamSearch::new`] takes people
/// from anywhere, such as a roster file), [`TeamSearch::run`] searches.
pub struct TeamSearch {
    people: Vec<Participant>,
    problem: Problem,
    pins: HashMap<Id, u32>,
    settings: Settings,
}

impl TeamSearch {
    /// The search for `people`'s teams under `options`, keeping pinned people (`pins`,
    /// person to team) where they are, for at most `seconds` (above 0).
    pub fn new(
        people: Vec<Participant>,
        options: &TeamOptions,
        pins: HashMap<Id, u32>,
        seed: u64,
        seconds: f64,
    ) -> ActionResult<TeamSearch> {
        if !(seconds.is_finite() && seconds > 0.0) {
            return Err(ActionError::Invalid(
                "the time limit must be a number of seconds above 0".into(),
            ));
        }
        let problem = wave_problem(&members_of(&people, &pins), options)?;
        Ok(TeamSearch {
            people,
            problem,
            pins,
            settings: Settings {
                seed,
                time_limit: Duration::from_secs_f64(seconds),
                ..Settings::default()
            },
        })
    }

    /// The search for the wave's teams as asked, keeping pinned people where they are; the
    /// wave's people and earlier team sets are read in one transaction. The app's searches
    /// take at most ten minutes.
    pub fn prepare(
        store: &mut Store,
        wave_id: Id,
        request: &TeamRequest,
        pinned: &[Placement],
    ) -> ActionResult<TeamSearch> {
        if !(request.seconds.is_finite() && request.seconds > 0.0 && request.seconds <= 600.0) {
            return Err(ActionError::Invalid(
                "the time limit must be from 0 to 600 seconds".into(),
            ));
        }
        let (people, earlier) = people_and_earlier(store, wave_id)?;
        let options = request.options(&earlier, &people);
        TeamSearch::new(
            people,
            &options,
            pins_of(pinned),
            u64::from(request.seed),
            request.seconds,
        )
    }

    /// Searches until the time limit, a settled result or `forming` is cancelled.
    pub fn run(self, forming: &Forming) -> ActionResult<Judged> {
        forming.start(self.settings.time_limit);
        let outcome = mixwell_grouping::form_teams(&self.problem, &self.settings, forming);
        forming.finish();
        let outcome = outcome?;
        Ok(Judged {
            people: self.people,
            problem: self.problem,
            team: outcome.team,
            report: outcome.report,
            pins: self.pins,
        })
    }
}

/// A team set judged against the rules: formed by the search or arranged by staff. The
/// people and the problem, each person's team (in the people's order), the report, and who
/// is pinned where.
pub struct Judged {
    pub people: Vec<Participant>,
    pub problem: Problem,
    pub team: Vec<u32>,
    pub report: Report,
    pub pins: HashMap<Id, u32>,
}

impl Judged {
    /// Each person's place, as a team set keeps it.
    pub fn placements(&self) -> Vec<Placement> {
        self.people
            .iter()
            .zip(&self.team)
            .map(|(p, &team)| Placement {
                participant_id: p.id,
                team,
                pinned: self.pins.contains_key(&p.id),
            })
            .collect()
    }

    /// The rules and the balance in the ids and words staff see.
    pub fn check(&self) -> TeamCheck {
        team_check(&self.report, &self.people, &self.team)
    }

    /// What the Teams screen shows after forming.
    pub fn formed(&self) -> FormedTeams {
        FormedTeams {
            teams: self.problem.teams() as u32,
            placements: self.placements(),
            check: self.check(),
        }
    }
}

/// Judges a team set as staff arranged it against the rules asked for.
pub fn judge(
    store: &mut Store,
    wave_id: Id,
    request: &TeamRequest,
    placements: &[Placement],
) -> ActionResult<Judged> {
    let pins = pins_of(placements);
    let (people, earlier) = people_and_earlier(store, wave_id)?;
    let problem = wave_problem(
        &members_of(&people, &pins),
        &request.options(&earlier, &people),
    )?;
    let by_person: HashMap<Id, u32> = placements
        .iter()
        .map(|p| (p.participant_id, p.team))
        .collect();
    let team: Vec<u32> = people
        .iter()
        .map(|p| by_person.get(&p.id).copied())
        .collect::<Option<_>>()
        .ok_or_else(|| {
            ActionError::Invalid("the team set does not place everyone in the wave".into())
        })?;
    let report = evaluate(&problem, &team)?;
    Ok(Judged {
        people,
        problem,
        team,
        report,
        pins,
    })
}

/// Checks a team set as staff arranged it (the live checks while they move people):
/// every rule, the balance against its bound, repeats.
pub fn check(
    store: &mut Store,
    wave_id: Id,
    request: &TeamRequest,
    placements: &[Placement],
) -> ActionResult<TeamCheck> {
    Ok(judge(store, wave_id, request, placements)?.check())
}

/// Saves a team set under a name unique in the wave, with the options it was formed with.
pub fn save(
    store: &mut Store,
    wave_id: Id,
    name: &str,
    request: &TeamRequest,
    placements: &[Placement],
) -> ActionResult<TeamSet> {
    let settings = serde_json::to_string(request).map_err(mixwell_store::StoreError::from)?;
    Ok(store.save_team_set(wave_id, name, &settings, placements)?)
}

/// Team lists to print and pin on the wall (PDF) under `title`, which also names the file:
/// each team's members by surname, dated by the store's today.
pub fn team_lists_pdf(
    store: &Store,
    wave_id: Id,
    title: &str,
    placements: &[Placement],
) -> ActionResult<ExportFile> {
    let wave = store.wave(wave_id)?;
    let people = store.participants(wave_id)?;
    let by_id: HashMap<Id, &Participant> = people.iter().map(|p| (p.id, p)).collect();
    let teams = placements.iter().map(|p| p.team + 1).max().unwrap_or(0);
    let lists = (0..teams)
        .map(|t| {
            let mut members: Vec<(&str, &str)> = placements
                .iter()
                .filter(|p| p.team == t)
                .filter_map(|p| by_id.get(&p.participant_id))
                .map(|p| (p.record.last_name.as_str(), p.record.first_name.as_str()))
                .collect();
            members.sort();
            mixwell_print::TeamList {
                name: format!("Team {}", t + 1),
                members: members
                    .iter()
                    .map(|(last, first)| format!("{first} {last}"))
                    .collect(),
            }
        })
        .collect();
    let document = mixwell_print::TeamListDocument {
        title: title.to_owned(),
        subtitle: crate::print::printed_subtitle(store, &wave.site),
        teams: lists,
    };
    Ok(ExportFile {
        name: title.to_owned(),
        extension: "pdf",
        bytes: mixwell_print::team_lists(&document)?,
    })
}

/// The team lists of a saved team set, titled as the app titles them ("Wave: set").
pub fn saved_team_lists_pdf(store: &Store, team_set_id: Id) -> ActionResult<ExportFile> {
    let set = store.team_set(team_set_id)?;
    let wave = store.wave(set.wave_id)?;
    team_lists_pdf(
        store,
        wave.id,
        &format!("{}: {}", wave.name, set.name),
        &set.placements,
    )
}

/// The teams as `participant_id,group` (by roster id), named `name`.
pub fn teams_csv(
    store: &Store,
    wave_id: Id,
    name: &str,
    placements: &[Placement],
) -> ActionResult<ExportFile> {
    let people = store.participants(wave_id)?;
    let external: HashMap<Id, &str> = people
        .iter()
        .map(|p| (p.id, p.record.external_id.as_str()))
        .collect();
    let rows = placements
        .iter()
        .filter_map(|p| Some((*external.get(&p.participant_id)?, p.team)));
    Ok(ExportFile {
        name: name.to_owned(),
        extension: "csv",
        bytes: mixwell_roster::teams_to_csv(rows).into_bytes(),
    })
}

/// A saved team set of the wave by its name (case aside), or what the wave has.
pub fn team_set_named(store: &Store, wave_id: Id, name: &str) -> ActionResult<TeamSet> {
    let sets = store.team_sets(wave_id)?;
    let wanted = name.trim();
    sets.iter()
        .find(|s| s.name.to_lowercase() == wanted.to_lowercase())
        .cloned()
        .ok_or_else(|| {
            let known: Vec<&str> = sets.iter().map(|s| s.name.as_str()).collect();
            ActionError::Invalid(match known.as_slice() {
                [] => format!("there is no team set called {wanted:?}: this wave has none saved"),
                _ => format!(
                    "there is no team set called {wanted:?}; this wave has {}",
                    known.join(", ")
                ),
            })
        })
}
