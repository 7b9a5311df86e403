//! Team commands: form teams for a wave (with progress and cancel), check a team set staff
//! changed by hand, and save or list team sets. The work is the grouping library's.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mixwell_domain::{Id, Participant};
use mixwell_grouping::{
    evaluate, form_teams as search, members_of, wave_problem, Cost, Problem, Report, Settings, Stop,
};
use mixwell_store::{Placement, TeamRequest, TeamSet};
use serde::Serialize;
use tauri::State;

use crate::{AppError, AppState};

type Reply<T> = Result<T, AppError>;

#[derive(Debug, Clone, Copy, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Size,
    Pin,
    KeepTogether,
    Apart,
    Isolation,
    Needs,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct RuleBreach {
    pub rule: Rule,
    pub message: String,
    pub participants: Vec<Id>,
}

/// How a team set does against the rules and the bound.
#[derive(Debug, Clone, Serialize, specta::Type)]
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

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct FormedTeams {
    pub teams: u32,
    pub placements: Vec<Placement>,
    pub check: TeamCheck,
}

/// While teams are being formed: how long so far, and the best found yet.
#[derive(Debug, Clone, Default, Serialize, specta::Type)]
pub struct FormingProgress {
    pub running: bool,
    pub elapsed_ms: u32,
    pub limit_ms: u32,
    /// Hard rules the best team set so far breaks, once there is one.
    pub best_broken: Option<u32>,
    pub best_balance: Option<f64>,
}

/// Shared between the search threads and the progress and cancel commands.
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

/// The wave's participants and the problem of forming their teams as asked.
fn load(
    state: &AppState,
    wave_id: Id,
    request: &TeamRequest,
    pins: &HashMap<Id, u32>,
) -> Reply<(Vec<Participant>, Problem)> {
    let (people, earlier) =
        state.with_store(|s| Ok((s.participants(wave_id)?, s.team_sets(wave_id)?)))?;
    let members = members_of(&people, pins);
    let problem =
        wave_problem(&members, &request.options(&earlier, &people)).map_err(AppError::grouping)?;
    Ok((people, problem))
}

fn check(report: &Report, people: &[Participant], team: &[u32]) -> TeamCheck {
    use mixwell_grouping::Breach;
    let name = |i: u32| {
        let r = &people[i as usize].record;
        format!("{} {}", r.first_name, r.last_name)
    };
    TeamCheck {
        breaches: report
            .breaches
            .iter()
            .map(|b| RuleBreach {
                rule: match b {
                    Breach::Size { .. } => Rule::Size,
                    Breach::Pin { .. } => Rule::Pin,
                    Breach::KeptTogetherSplit { .. } => Rule::KeepTogether,
                    Breach::Together { .. } => Rule::Apart,
                    Breach::Isolated { .. } => Rule::Isolation,
                    Breach::Needs { .. } => Rule::Needs,
                },
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

/// Forms teams for the wave, keeping pinned people where they are. Only one search runs
/// at a time; `forming_progress` and `cancel_forming` follow and stop it.
#[tauri::command]
#[specta::specta]
pub async fn form_teams(
    state: State<'_, AppState>,
    wave_id: Id,
    request: TeamRequest,
    pinned: Vec<Placement>,
) -> Reply<FormedTeams> {
    if !(request.seconds.is_finite() && request.seconds > 0.0 && request.seconds <= 600.0) {
        return Err(AppError::invalid(
            "the time limit must be from 0 to 600 seconds",
        ));
    }
    let pins = pins_of(&pinned);
    let (people, problem) = load(&state, wave_id, &request, &pins)?;
    let forming = state.forming.clone();
    let limit = Duration::from_secs_f64(request.seconds);
    forming.cancel.store(false, Ordering::Relaxed);
    if let Ok(mut progress) = forming.progress.lock() {
        *progress = Some((Instant::now(), limit, None));
    }
    let settings = Settings {
        seed: u64::from(request.seed),
        time_limit: limit,
        ..Settings::default()
    };
    let outcome = tauri::async_runtime::spawn_blocking(move || {
        let result = search(&problem, &settings, forming.as_ref());
        if let Ok(mut progress) = forming.progress.lock() {
            *progress = None;
        }
        result.map(|o| (o, problem))
    })
    .await
    .map_err(|e| AppError::invalid(&format!("the search stopped: {e}")))?
    .map_err(AppError::grouping)?;
    let (outcome, problem) = outcome;
    Ok(FormedTeams {
        teams: problem.teams() as u32,
        placements: people
            .iter()
            .zip(&outcome.team)
            .map(|(p, &team)| Placement {
                participant_id: p.id,
                team,
                pinned: pins.contains_key(&p.id),
            })
            .collect(),
        check: check(&outcome.report, &people, &outcome.team),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn forming_progress(state: State<'_, AppState>) -> Reply<FormingProgress> {
    let progress = state.forming.progress.lock().map(|p| *p).unwrap_or(None);
    Ok(match progress {
        None => FormingProgress::default(),
        Some((started, limit, best)) => FormingProgress {
            running: true,
            elapsed_ms: started.elapsed().as_millis().min(u32::MAX as u128) as u32,
            limit_ms: limit.as_millis().min(u32::MAX as u128) as u32,
            best_broken: best.map(|c| c.hard_total().clamp(0, i64::from(u32::MAX)) as u32),
            best_balance: best.map(|c| c.soft),
        },
    })
}

/// Stops the running search; it returns the best team set found so far.
#[tauri::command]
#[specta::specta]
pub async fn cancel_forming(state: State<'_, AppState>) -> Reply<()> {
    state.forming.cancel.store(true, Ordering::Relaxed);
    Ok(())
}

/// Checks a team set as staff arranged it, for the live rule checks while they move people.
#[tauri::command]
#[specta::specta]
pub async fn check_teams(
    state: State<'_, AppState>,
    wave_id: Id,
    request: TeamRequest,
    placements: Vec<Placement>,
) -> Reply<TeamCheck> {
    let (people, problem) = load(&state, wave_id, &request, &pins_of(&placements))?;
    let by_person: HashMap<Id, u32> = placements
        .iter()
        .map(|p| (p.participant_id, p.team))
        .collect();
    let team: Vec<u32> = people
        .iter()
        .map(|p| by_person.get(&p.id).copied().ok_or(()))
        .collect::<Result<_, _>>()
        .map_err(|()| AppError::invalid("the team set does not place everyone in the wave"))?;
    let report = evaluate(&problem, &team).map_err(AppError::grouping)?;
    Ok(check(&report, &people, &team))
}

#[tauri::command]
#[specta::specta]
pub async fn save_team_set(
    state: State<'_, AppState>,
    wave_id: Id,
    name: String,
    request: TeamRequest,
    placements: Vec<Placement>,
) -> Reply<TeamSet> {
    let settings =
        serde_json::to_string(&request).map_err(|e| AppError::invalid(&e.to_string()))?;
    state.with_store(|s| s.save_team_set(wave_id, &name, &settings, &placements))
}

#[tauri::command]
#[specta::specta]
pub async fn list_team_sets(state: State<'_, AppState>, wave_id: Id) -> Reply<Vec<TeamSet>> {
    state.with_store(|s| s.team_sets(wave_id))
}

/// Where exports go: the Downloads folder (or home), under a name not yet taken there.
fn export_path(name: &str, extension: &str) -> Reply<std::path::PathBuf> {
    let folder = dirs::download_dir()
        .or_else(dirs::home_dir)
        .ok_or_else(|| AppError::invalid("there is no Downloads folder to save to"))?;
    std::fs::create_dir_all(&folder)
        .map_err(|e| AppError::invalid(&format!("{}: {e}", folder.display())))?;
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " -–_().".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut path = folder.join(format!("{safe}.{extension}"));
    let mut n = 2;
    while path.exists() {
        path = folder.join(format!("{safe} ({n}).{extension}"));
        n += 1;
    }
    Ok(path)
}

/// Saves the teams as `participant_id,group` in the Downloads folder and returns the path.
#[tauri::command]
#[specta::specta]
pub async fn export_teams_csv(
    state: State<'_, AppState>,
    wave_id: Id,
    name: String,
    placements: Vec<Placement>,
) -> Reply<String> {
    let people = state.with_store(|s| s.participants(wave_id))?;
    let external: HashMap<Id, &str> = people
        .iter()
        .map(|p| (p.id, p.record.external_id.as_str()))
        .collect();
    let rows = placements
        .iter()
        .filter_map(|p| Some((*external.get(&p.participant_id)?, p.team)));
    let text = mixwell_roster::teams_to_csv(rows);
    save_export(&name, "csv", text.as_bytes())
}

pub(crate) fn save_export(name: &str, extension: &str, bytes: &[u8]) -> Reply<String> {
    let path = export_path(name, extension)?;
    std::fs::write(&path, bytes)
        .map_err(|e| AppError::invalid(&format!("{}: {e}", path.display())))?;
    Ok(path.display().to_string())
}

/// "Site · printed 21/07/2027", dated by this laptop's calendar.
pub(crate) fn printed_subtitle(site: &str) -> String {
    mixwell_print::printed_subtitle(site, chrono::Local::now().date_naive())
}

/// Saves printable team lists (PDF) in the Downloads folder and returns the path.
#[tauri::command]
#[specta::specta]
pub async fn print_team_lists(
    state: State<'_, AppState>,
    wave_id: Id,
    title: String,
    placements: Vec<Placement>,
) -> Reply<String> {
    let (wave, people) = state.with_store(|s| Ok((s.wave(wave_id)?, s.participants(wave_id)?)))?;
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
        title: title.clone(),
        subtitle: printed_subtitle(&wave.site),
        teams: lists,
    };
    let pdf =
        mixwell_print::team_lists(&document).map_err(|e| AppError::invalid(&e.to_string()))?;
    save_export(&title, "pdf", &pdf)
}
