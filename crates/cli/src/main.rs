//! `mixwell`: the command line over the same library calls the desktop app makes.

mod access;
mod audit;
mod certificates;
mod commands;
mod groups;
mod hours;
mod hub;
mod rota;
mod rota_setup;
mod staff;
mod sync;
mod table;
mod wave_rota;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use commands::{
    DemoCommand, ParticipantsCommand, ProgrammeCommand, RosterCommand, WaveArg, WaveCommand,
};
use groups::{BenchCommand, GroupsCommand};
use hours::HoursCommand;
use rota::PlanArgs;
use rota_setup::{RolesCommand, SessionsCommand};
use wave_rota::RotaCommand;

#[derive(Parser)]
#[command(
    name = "mixwell",
    version,
    about = "Mixed teams, fair leadership rotas and volunteering hours for youth programmes"
)]
struct Cli {
    /// The database to use (default: the desktop app's database).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// The staff account to sign in with, on a laptop that has accounts (or MIXWELL_STAFF;
    /// the PIN is typed when asked, or read from MIXWELL_STAFF_PIN).
    #[arg(long, global = true, value_name = "NAME")]
    staff: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import rosters from sign-up exports.
    #[command(subcommand)]
    Roster(RosterCommand),
    /// List and export participants.
    #[command(subcommand)]
    Participants(ParticipantsCommand),
    /// Programmes of the organisation.
    #[command(subcommand)]
    Programme(ProgrammeCommand),
    /// Waves (cohorts at a site) of a programme.
    #[command(subcommand)]
    Wave(WaveCommand),
    /// The demo programme.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Socially mixed teams.
    #[command(subcommand)]
    Groups(GroupsCommand),
    /// Leadership rotas.
    #[command(subcommand)]
    Rota(RotaCommand),
    /// Volunteering hours: log, correct, verify, import, and see who reached what.
    #[command(subcommand)]
    Hours(HoursCommand),
    /// Volunteer-hour certificates: export, verify, revoke, list, and the keys that check them.
    #[command(subcommand)]
    Certificates(certificates::CertificatesCommand),
    /// Sync with the organisation's hub.
    #[command(subcommand)]
    Sync(sync::SyncCommand),
    /// This laptop's audit trail: check its chain, see its latest links.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Staff accounts on this laptop, and their roles.
    #[command(subcommand)]
    Staff(staff::StaffCommand),
    /// Run the organisation's hub and manage its devices.
    #[command(subcommand)]
    Hub(hub::HubCommand),
    /// Benchmarks of the search core.
    #[command(subcommand)]
    Bench(BenchCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let db = cli.db.unwrap_or_else(mixwell_store::default_database_path);
    match commands::run(&db, cli.staff.as_deref(), cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(commands::CliError::RulesBroken) => ExitCode::from(2),
        Err(commands::CliError::Exit(status)) => ExitCode::from(status),
        Err(error) => {
            eprintln!("mixwell: {error}");
            ExitCode::FAILURE
        }
    }
}
