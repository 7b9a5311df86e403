//! `mixwell rota show|replan|away|done|set|print`: the rota a wave keeps in the database,
//! the same calls the app's Rota tab makes.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Subcommand;

use mixwell_actions::rota::{self, Rota};
use mixwell_domain::{Id, Participant, Wave};
use mixwell_store::Store;

use crate::commands::{CliError, CliResult};
use crate::rota::quote;
use crate::rota_setup::named;
use crate::{PlanArgs, RolesCommand, SessionsCommand, WaveArg};

struct Context {
    wave: Wave,
    people: Vec<Participant>,
}

impl Context {
    fn load(store: &Store, target: &WaveArg) -> Result<Context, CliError> {
        let wave = store.find_wave(target.programme.as_deref(), &target.wave)?;
        let people = store.participants(wave.id)?;
        Ok(Context { wave, people })
    }

    fn participant(&self, external: &str) -> Result<Id, CliError> {
        self.people
            .iter()
            .find(|p| p.record.external_id == external.trim())
            .map(|p| p.id)
            .ok_or_else(|| {
                CliError::Input(format!(
                    "--participant: {external} is not in the wave {:?}",
                    self.wave.name
                ))
            })
    }

    fn external(&self, id: Id) -> &str {
        self.people
            .iter()
            .find(|p| p.id == id)
            .map_or("?", |p| p.record.external_id.as_str())
    }
}

fn session_of(rota: &Rota, name: &str) -> Result<Id, CliError> {
    Ok(named(&rota.sessions, name, Some("--session"))?.id)
}

/// A role in use (the rota also lists removed ones, for turns already taken).
fn role_of(rota: &Rota, name: &str) -> Result<Id, CliError> {
    Ok(named(
        rota.roles.iter().filter(|r| !r.removed),
        name,
        Some("--role"),
    )?
    .id)
}

/// Every turn as CSV, then absences and the fairness check.
fn describe(rota: &Rota, context: &Context) -> String {
    let mut out = String::from("session,group,role,participant_id,done,set_by_hand\n");
    for session in &rota.sessions {
        for team in 0..rota.teams.len() as u32 {
            for role in &rota.roles {
                if let Some(turn) = rota
                    .turns
                    .iter()
                    .find(|t| t.session_id == session.id && t.team == team && t.role_id == role.id)
                {
                    let _ = writeln!(
                        out,
                        "{},{},{},{},{},{}",
                        quote(&session.name),
                        team + 1,
                        quote(&role.name),
                        quote(context.external(turn.participant_id)),
                        turn.done,
                        turn.locked
                    );
                }
            }
        }
    }
    for absence in &rota.absences {
        let session = rota
            .sessions
            .iter()
            .find(|s| s.id == absence.session_id)
            .map_or("?", |s| s.name.as_str());
        let _ = writeln!(
            out,
            "away: {} in {session}",
            context.external(absence.participant_id)
        );
    }
    if rota.fairness.warnings.is_empty() {
        out.push_str("every fairness rule met\n");
    }
    for warning in &rota.fairness.warnings {
        let _ = writeln!(out, "BROKEN {}", warning.message);
    }
    let _ = writeln!(
        out,
        "{} people have no leading turn in the plan",
        rota.fairness.not_led_yet.len()
    );
    out
}

pub fn run(store: &mut Store, command: RotaCommand) -> CliResult {
    match command {
        RotaCommand::Plan(_) => unreachable!("planned from files in crate::rota"),
        RotaCommand::Roles(command) => crate::rota_setup::roles(store, command),
        RotaCommand::Sessions(command) => crate::rota_setup::sessions(store, command),
        RotaCommand::Show { target, json } => {
            let context = Context::load(store, &target)?;
            let rota = rota::show(store, context.wave.id)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&rota)
                        .map_err(|e| CliError::Input(e.to_string()))?
                );
            } else if rota.team_set_id.is_none() {
                println!(
                    "the wave {:?} has no rota yet: run `mixwell rota replan`",
                    context.wave.name
                );
            } else {
                print!("{}", describe(&rota, &context));
            }
            Ok(())
        }
        RotaCommand::Replan { target, team_set } => {
            let context = Context::load(store, &target)?;
            let set = match team_set {
                Some(name) => Some(
                    store
                        .team_sets(context.wave.id)?
                        .into_iter()
                        .find(|s| s.name.eq_ignore_ascii_case(name.trim()))
                        .ok_or_else(|| {
                            CliError::Input(format!(
                                "the wave {:?} has no team set called {name:?}",
                                context.wave.name
                            ))
                        })?
                        .id,
                ),
                None => None,
            };
            let rota = rota::plan(store, context.wave.id, set)?;
            print!("{}", describe(&rota, &context));
            Ok(())
        }
        RotaCommand::Away {
            target,
            session,
            participant,
            back,
        } => {
            let context = Context::load(store, &target)?;
            let session = session_of(&rota::show(store, context.wave.id)?, &session)?;
            let who = context.participant(&participant)?;
            let rota = rota::set_absent(store, context.wave.id, session, who, !back)?;
            print!("{}", describe(&rota, &context));
            Ok(())
        }
        RotaCommand::Done {
            target,
            session,
            participant,
            undo,
        } => {
            let context = Context::load(store, &target)?;
            let rota = rota::show(store, context.wave.id)?;
            let session = session_of(&rota, &session)?;
            let who = context.participant(&participant)?;
            let turn = rota
                .turns
                .iter()
                .find(|t| t.session_id == session && t.participant_id == who)
                .ok_or_else(|| {
                    CliError::Input(format!("{participant} holds no role in that session"))
                })?;
            rota::set_turn_done(store, turn.id, !undo)?;
            println!(
                "{participant}'s turn marked {}",
                if undo { "not done" } else { "done" }
            );
            Ok(())
        }
        RotaCommand::Set {
            target,
            session,
            role,
            participant,
        } => {
            let context = Context::load(store, &target)?;
            let rota = rota::show(store, context.wave.id)?;
            let session_id = session_of(&rota, &session)?;
            let role = role_of(&rota, &role)?;
            let who = context.participant(&participant)?;
            let rota = rota::assign_turn(store, context.wave.id, session_id, role, who)?;
            print!("{}", describe(&rota, &context));
            Ok(())
        }
        RotaCommand::Print { target, out } => {
            let context = Context::load(store, &target)?;
            let sheets = rota::sheets_pdf(store, context.wave.id)?;
            mixwell_actions::export::write_file(&out, &sheets.bytes)?;
            println!("wrote {}", out.display());
            Ok(())
        }
    }
}

#[derive(Subcommand)]
pub enum RotaCommand {
    /// Plan who holds each role, for every team and session: everyone leads once before
    /// anyone leads twice, roles are shared evenly, absences are made up.
    Plan(Box<PlanArgs>),
    /// The wave's kept rota (as in the app): every turn as
    /// session,group,role,participant_id,done,set_by_hand, then the fairness check.
    Show {
        #[command(flatten)]
        target: WaveArg,
        /// The whole rota as JSON instead.
        #[arg(long)]
        json: bool,
    },
    /// Plan the wave's kept rota again from the first session not begun (keeping turns done
    /// and set by hand), for its team set or the one --team-set names.
    Replan {
        #[command(flatten)]
        target: WaveArg,
        #[arg(long, value_name = "NAME")]
        team_set: Option<String>,
    },
    /// Mark someone away for a session (or back with --back); the plan from that session
    /// on changes so they catch up first.
    Away {
        #[command(flatten)]
        target: WaveArg,
        #[arg(long, value_name = "NAME")]
        session: String,
        /// The participant's roster id.
        #[arg(long, value_name = "ID")]
        participant: String,
        #[arg(long)]
        back: bool,
    },
    /// Mark the turn someone holds in a session as done (or not, with --undo).
    Done {
        #[command(flatten)]
        target: WaveArg,
        #[arg(long, value_name = "NAME")]
        session: String,
        #[arg(long, value_name = "ID")]
        participant: String,
        #[arg(long)]
        undo: bool,
    },
    /// Set a turn by hand: the participant holds the role for their team in the session
    /// (later plans keep it); prints what it breaks.
    Set {
        #[command(flatten)]
        target: WaveArg,
        #[arg(long, value_name = "NAME")]
        session: String,
        #[arg(long, value_name = "NAME")]
        role: String,
        #[arg(long, value_name = "ID")]
        participant: String,
    },
    /// Print the rota sheets (PDF, one team to a sheet).
    Print {
        #[command(flatten)]
        target: WaveArg,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
    },
    /// A programme's roles, in the order sessions fill them, and which count as leading.
    #[command(subcommand)]
    Roles(RolesCommand),
    /// A programme's sessions and the roles each one uses.
    #[command(subcommand)]
    Sessions(SessionsCommand),
}
