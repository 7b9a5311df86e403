//! A wave's leadership rota: planned by `mixwell_rota` from the wave's team set, kept by the
//! store. Staff mark turns done and people away (which re-plans the sessions from then on,
//! so whoever missed a turn catches up first), and set turns by hand (kept by every later
//! plan). Each action is one transaction: its checks, its edit and the re-plan it causes
//! are kept together or not at all.

mod loaded;

use mixwell_domain::Id;
use mixwell_rota::Names;
pub use mixwell_rota::RotaRule;
use mixwell_store::{Absence, ProgrammeRole, ProgrammeSession, RotaBasis, Store, StoreError, Turn};
use serde::{Deserialize, Serialize};

use crate::error::{invalid_rota, ActionResult};
use crate::export::ExportFile;
pub use loaded::status_attributes;
use loaded::Loaded;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RotaWarning {
    pub rule: RotaRule,
    pub message: String,
    pub session_id: Option<Id>,
    pub team: Option<u32>,
    pub participants: Vec<Id>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RoleSpread {
    pub team: u32,
    pub role_id: Id,
    pub fewest: u32,
    pub most: u32,
}

/// Leading turns of the people with one value of a balanced attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatusRow {
    pub attribute: String,
    pub value: String,
    pub people: u32,
    pub mean_leads: f64,
    /// Mean leading turns above each person's fair share of their team's: 0 is equal.
    pub mean_excess: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Fairness {
    pub warnings: Vec<RotaWarning>,
    /// Team members who hold no leading turn in the whole rota.
    pub not_led_yet: Vec<Id>,
    pub spreads: Vec<RoleSpread>,
    pub equal_status: Vec<StatusRow>,
}

/// Everything the rota screens show for a wave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Rota {
    pub wave_id: Id,
    /// The team set the rota follows: none until a rota is planned.
    pub team_set_id: Option<Id>,
    pub team_set_name: Option<String>,
    /// Every role of the programme, removed ones last (turns may still name them).
    pub roles: Vec<ProgrammeRole>,
    pub sessions: Vec<ProgrammeSession>,
    /// Each team's members, team 0 first.
    pub teams: Vec<Vec<Id>>,
    pub turns: Vec<Turn>,
    pub absences: Vec<Absence>,
    /// The first session with a turn not yet done: where the "today" view opens.
    pub current_session_id: Option<Id>,
    pub fairness: Fairness,
}

/// The wave's rota with its fairness check; empty until one is planned.
pub fn show(store: &Store, wave_id: Id) -> ActionResult<Rota> {
    Ok(Loaded::read(store, wave_id)?.view())
}

/// Plans the sessions from `from` on and saves the plan (inside the caller's action).
fn replan(store: &mut Store, wave_id: Id, from: usize) -> ActionResult<()> {
    let loaded = Loaded::read(store, wave_id)?;
    if loaded.set.is_none() || from >= loaded.sessions.len() {
        return Ok(());
    }
    let plan = mixwell_rota::plan(&loaded.problem(from), loaded.seed)
        .map_err(|e| invalid_rota(e.to_string()))?;
    let (save, delete) = loaded::plan_changes(&loaded, from, &plan);
    store.write_turns(&save, &delete)?;
    Ok(())
}

/// Plans the wave's rota for `team_set_id` (by default the one it follows, else the
/// latest saved team set): every session not yet begun is planned again, keeping turns
/// set by hand, and people keep the turns they have had in any team.
pub fn plan(store: &mut Store, wave_id: Id, team_set_id: Option<Id>) -> ActionResult<Rota> {
    store.atomically(|store| {
        let loaded = Loaded::read(store, wave_id)?;
        let set = match team_set_id.or(loaded.set.as_ref().map(|s| s.id)) {
            Some(id) => store.team_set(id)?,
            None => store.team_sets(wave_id)?.pop().ok_or_else(|| {
                invalid_rota("this wave has no saved team set: form and save teams first")
            })?,
        };
        if set.wave_id != wave_id {
            return Err(invalid_rota(format!(
                "the team set {:?} belongs to another wave",
                set.name
            )));
        }
        if loaded.sessions.is_empty() {
            return Err(invalid_rota(
                "the programme has no sessions: add some first",
            ));
        }
        let basis = RotaBasis {
            team_set_id: set.id,
            seed: loaded.seed,
        };
        store.set_rota_basis(wave_id, basis)?;
        let from = Loaded::read(store, wave_id)?.first_open();
        replan(store, wave_id, from)?;
        show(store, wave_id)
    })
}

/// Marks someone away for a session (or back), and plans that session's open turns and
/// every later session again, so whoever missed a turn catches up first.
pub fn set_absent(
    store: &mut Store,
    wave_id: Id,
    session_id: Id,
    participant_id: Id,
    absent: bool,
) -> ActionResult<Rota> {
    store.atomically(|store| {
        let loaded = Loaded::read(store, wave_id)?;
        let (session, person) = loaded.session_and_person(session_id, participant_id)?;
        if let Some(done) = loaded.turns.iter().find(|t| {
            absent && t.done && t.session_id == session_id && t.participant_id == participant_id
        }) {
            let role = &loaded.roles[loaded.role_index(done.role_id).unwrap_or(0)].name;
            return Err(invalid_rota(format!(
                "{}'s turn as {role} in {} is marked done; undo that first",
                loaded.person(person),
                loaded.sessions[session].name
            )));
        }
        let absence = Absence {
            session_id,
            participant_id,
        };
        store.set_absence(wave_id, &absence, absent)?;
        replan(store, wave_id, session)?;
        show(store, wave_id)
    })
}

/// Changes one turn's marks: done (it happened, or not) or unlocked (the planner may
/// choose it again from the next plan on).
fn mark_turn(
    store: &mut Store,
    turn_id: Id,
    mark: impl FnOnce(Turn) -> Turn,
) -> ActionResult<Rota> {
    store.atomically(|store| {
        let turn = mark(store.turn(turn_id)?);
        store.write_turns(std::slice::from_ref(&turn), &[])?;
        show(store, turn.wave_id)
    })
}

/// Marks a turn as having happened (or not).
pub fn set_turn_done(store: &mut Store, turn_id: Id, done: bool) -> ActionResult<Rota> {
    mark_turn(store, turn_id, |turn| Turn { done, ..turn })
}

/// Lets the planner choose a turn staff set by hand again (from the next plan on).
pub fn unlock_turn(store: &mut Store, turn_id: Id) -> ActionResult<Rota> {
    mark_turn(store, turn_id, |turn| Turn {
        locked: false,
        ..turn
    })
}

/// A hand edit: `participant_id` holds `role_id` for their team in the session, set so
/// that later plans keep it. Whoever held it swaps to the person's old role in that
/// session, if they had one. Later sessions are planned again around it; the rota's
/// warnings say if the edit breaks a rule.
pub fn assign_turn(
    store: &mut Store,
    wave_id: Id,
    session_id: Id,
    role_id: Id,
    participant_id: Id,
) -> ActionResult<Rota> {
    store.atomically(|store| {
        let loaded = Loaded::read(store, wave_id)?;
        let (session, person) = loaded.session_and_person(session_id, participant_id)?;
        let name = loaded.person(person);
        let session_name = &loaded.sessions[session].name;
        let team = loaded
            .teams()
            .iter()
            .position(|t| t.contains(&person))
            .ok_or_else(|| invalid_rota(format!("{name} is not in a team of the rota")))?
            as u32;
        let role = loaded.role_index(role_id).ok_or(StoreError::NotFound {
            what: "role",
            id: role_id.to_string(),
        })?;
        let role_name = &loaded.roles[role].name;
        if !loaded.sessions[session].roles.contains(&role_id) {
            return Err(invalid_rota(format!(
                "{session_name} does not use the role {role_name}"
            )));
        }
        if loaded
            .absences
            .iter()
            .any(|a| a.session_id == session_id && a.participant_id == participant_id)
        {
            return Err(invalid_rota(format!("{name} is away for {session_name}")));
        }
        let in_session = |t: &&Turn| t.session_id == session_id && t.team == team;
        let cell = loaded
            .turns
            .iter()
            .filter(in_session)
            .find(|t| t.role_id == role_id);
        let held = loaded
            .turns
            .iter()
            .filter(in_session)
            .find(|t| t.participant_id == participant_id);
        for turn in [cell, held].into_iter().flatten() {
            let unchanged = turn.participant_id == participant_id && turn.role_id == role_id;
            if turn.done && !unchanged {
                return Err(invalid_rota(format!(
                    "the turns in {session_name} are marked done; undo that first"
                )));
            }
        }
        let mut save = Vec::new();
        let mut delete = Vec::new();
        match (held, cell) {
            (Some(held), Some(cell)) if held.id != cell.id => save.push(Turn {
                participant_id: cell.participant_id,
                ..held.clone()
            }),
            (Some(held), None) => delete.push(held.clone()),
            _ => {}
        }
        save.push(match cell {
            Some(cell) => Turn {
                participant_id,
                locked: true,
                ..cell.clone()
            },
            None => Turn {
                id: Turn::cell_id(wave_id, session_id, team, role_id),
                wave_id,
                session_id,
                team,
                role_id,
                participant_id,
                locked: true,
                done: false,
            },
        });
        store.write_turns(&save, &delete)?;
        replan(store, wave_id, session + 1)?;
        show(store, wave_id)
    })
}

/// The wave's rota as sheets to print, one per team, dated by the store's today.
pub fn sheets(store: &Store, wave_id: Id) -> ActionResult<mixwell_print::RotaSheetDocument> {
    let loaded = Loaded::read(store, wave_id)?;
    if loaded.set.is_none() {
        return Err(invalid_rota("this wave has no rota yet: plan one first"));
    }
    Ok(mixwell_print::RotaSheetDocument {
        title: loaded.wave.name.clone(),
        subtitle: crate::print::printed_subtitle(store, &loaded.wave.site),
        sheets: loaded.sheets(),
    })
}

/// The rota sheets as a PDF, named "WAVE rota".
pub fn sheets_pdf(store: &Store, wave_id: Id) -> ActionResult<ExportFile> {
    let document = sheets(store, wave_id)?;
    Ok(ExportFile {
        name: format!("{} rota", document.title),
        extension: "pdf",
        bytes: mixwell_print::rota_sheets(&document)?,
    })
}
