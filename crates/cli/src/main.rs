//! `mixwell`: the command line over the same library calls the desktop app makes.

mod commands;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

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
}

#[derive(Subcommand)]
enum RosterCommand {
    /// Import a CSV or XLSX roster into a wave; all of it, or nothing if it has any error.
    Import {
        /// The roster file (.csv or .xlsx).
        file: PathBuf,
        #[command(flatten)]
        target: WaveArg,
        /// Show what would change without saving anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write a wave's participants as a roster CSV that imports again unchanged.
    Export {
        #[command(flatten)]
        target: WaveArg,
        /// Where to write (default: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Args)]
struct WaveArg {
    /// The programme's name; needed only when two programmes have a wave of that name.
    /// `roster import` creates it if it does not exist.
    #[arg(long, value_name = "NAME")]
    programme: Option<String>,
    /// The wave's name. `roster import` creates it if it does not exist.
    #[arg(long, value_name = "NAME")]
    wave: String,
}

#[derive(Subcommand)]
enum ParticipantsCommand {
    /// List a wave's participants.
    List {
        #[command(flatten)]
        target: WaveArg,
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ProgrammeCommand {
    /// Create a programme.
    Create { name: String },
    /// List programmes.
    List {
        /// Include archived programmes.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand)]
enum WaveCommand {
    /// Create a wave in a programme.
    Create {
        #[arg(long, value_name = "NAME")]
        programme: String,
        name: String,
        #[arg(long, default_value = "")]
        site: String,
        /// First day, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        starts: Option<chrono::NaiveDate>,
        /// Last day, YYYY-MM-DD.
        #[arg(long, value_name = "DATE")]
        ends: Option<chrono::NaiveDate>,
    },
    /// List the waves of a programme.
    List {
        #[arg(long, value_name = "NAME")]
        programme: String,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Create the demo programme with a realistic wave of 120 (once).
    Seed,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let db = cli.db.unwrap_or_else(mixwell_store::default_database_path);
    match commands::run(&db, cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("mixwell: {error}");
            ExitCode::FAILURE
        }
    }
}
