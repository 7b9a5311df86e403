//! `mixwell`: the command line over the same library calls the desktop app makes.

mod commands;
mod groups;
mod hours;
mod rota;
mod rota_setup;
mod table;
mod wave_rota;

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
    /// Socially mixed teams.
    #[command(subcommand)]
    Groups(GroupsCommand),
    /// Leadership rotas.
    #[command(subcommand)]
    Rota(RotaCommand),
    /// Volunteering hours: log, correct, verify, import, and see who reached what.
    #[command(subcommand)]
    Hours(HoursCommand),
    /// Benchmarks of the search core.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Subcommand)]
pub enum HoursCommand {
    /// Log one piece of volunteering; prints the new entry's id as its last line.
    Log {
        /// The participant's roster id (or Mixwell id).
        #[arg(long, value_name = "ID")]
        participant: String,
        /// The organisation volunteered at (a new name adds it).
        #[arg(long, value_name = "NAME")]
        org: String,
        /// The volunteering day.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: chrono::NaiveDate,
        #[arg(long, value_name = "M")]
        minutes: u32,
        #[arg(long, value_name = "TEXT")]
        activity: Option<String>,
        /// The supervisor who confirmed it on the spot: the entry is verified at once.
        #[arg(long, value_name = "NAME")]
        verified_by: Option<String>,
        /// Log it even though the same person, organisation and day is already logged.
        #[arg(long)]
        allow_duplicate: bool,
    },
    /// Take an entry out of the count for good (a new entry records it, with the reason).
    Void {
        #[arg(value_name = "ENTRY_ID")]
        entry: String,
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Correct an entry's minutes (a new entry records it; it then waits for a decision).
    Adjust {
        #[arg(value_name = "ENTRY_ID")]
        entry: String,
        #[arg(long, value_name = "M")]
        minutes: u32,
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Approve entries as a coordinator: all of them, or none when any cannot be.
    Verify {
        #[arg(value_name = "ENTRY_ID", required = true, num_args = 1..)]
        entry: Vec<String>,
        #[arg(long, value_name = "NAME")]
        by: String,
    },
    /// Reject entries as a coordinator: all of them, or none when any cannot be.
    Reject {
        #[arg(value_name = "ENTRY_ID", required = true, num_args = 1..)]
        entry: Vec<String>,
        #[arg(long, value_name = "NAME")]
        by: String,
    },
    /// Import a sign-in sheet: participant_id,organisation,date,minutes,activity. All of it
    /// or nothing; every problem is reported with its line.
    Import {
        #[arg(value_name = "FILE.csv")]
        file: PathBuf,
        /// The supervisor who signed the sheet: every entry is verified at once.
        #[arg(long, value_name = "NAME")]
        verified_by: Option<String>,
        #[arg(long)]
        allow_duplicate: bool,
    },
    /// Each participant's verified and pending minutes and the milestones reached.
    Summary {
        #[command(flatten)]
        target: WaveArg,
        /// One JSON array: participant_id, verified_minutes, pending_minutes, milestones.
        #[arg(long)]
        json: bool,
    },
    /// A participant's milestones and every entry with its history.
    Show {
        #[arg(long, value_name = "ID")]
        participant: String,
    },
    /// The wave's entries waiting for a coordinator.
    Queue {
        #[command(flatten)]
        target: WaveArg,
    },
    /// Write a report of the wave's hours as CSV, or XLSX when FILE ends in .xlsx.
    Export {
        #[command(flatten)]
        target: WaveArg,
        #[arg(long, value_enum, default_value = "participant")]
        by: ReportKindArg,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// What verified minutes unlock in a programme.
    #[command(subcommand)]
    Milestones(MilestonesCommand),
    /// The organisations young people volunteer at, with contact and address.
    Orgs,
    /// Add an organisation, or change the contact and address of the one with that name.
    Org {
        #[arg(long, value_name = "NAME")]
        name: String,
        #[arg(long, value_name = "TEXT", default_value = "")]
        contact: String,
        #[arg(long, value_name = "TEXT", default_value = "")]
        address: String,
    },
    /// Place a participant with an organisation and name their supervisor there.
    Place {
        #[arg(long, value_name = "ID")]
        participant: String,
        #[arg(long, value_name = "NAME")]
        org: String,
        #[arg(long, value_name = "NAME")]
        supervisor: String,
        /// The placement's first day.
        #[arg(long, value_name = "YYYY-MM-DD")]
        starts: Option<chrono::NaiveDate>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ReportKindArg {
    /// One row per participant.
    Participant,
    /// One row per organisation.
    Organisation,
    /// Every entry.
    Entry,
}

/// Each prints the programme's milestones as they stand afterwards.
#[derive(Subcommand)]
pub enum MilestonesCommand {
    List {
        #[arg(long, value_name = "NAME")]
        programme: String,
    },
    Add {
        #[arg(long, value_name = "NAME")]
        programme: String,
        #[arg(long, value_name = "NAME")]
        name: String,
        /// Verified minutes needed.
        #[arg(long, value_name = "M")]
        minutes: u32,
        /// Calendar months from the first volunteering day (none: no deadline).
        #[arg(long, value_name = "N")]
        within_months: Option<u32>,
    },
    Remove {
        #[arg(long, value_name = "NAME")]
        programme: String,
        #[arg(long, value_name = "NAME")]
        name: String,
    },
}

impl MilestonesCommand {
    fn programme(&self) -> &str {
        match self {
            MilestonesCommand::List { programme }
            | MilestonesCommand::Add { programme, .. }
            | MilestonesCommand::Remove { programme, .. } => programme,
        }
    }
}

#[derive(Subcommand)]
enum RotaCommand {
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

/// Each prints the programme's roles as they stand afterwards.
#[derive(Subcommand)]
pub enum RolesCommand {
    /// List the roles.
    List {
        #[arg(long, value_name = "NAME")]
        programme: String,
    },
    /// Add a role after the others (sessions that use every role use it too).
    Add {
        #[arg(long, value_name = "NAME")]
        programme: String,
        name: String,
        /// Holding it counts as leading.
        #[arg(long)]
        leading: bool,
    },
    /// Rename a role; turns already planned keep it.
    Rename {
        #[arg(long, value_name = "NAME")]
        programme: String,
        role: String,
        #[arg(long, value_name = "NEW NAME")]
        to: String,
    },
    /// Mark a role as leading (or not, with --off; one role must always lead).
    Lead {
        #[arg(long, value_name = "NAME")]
        programme: String,
        role: String,
        #[arg(long)]
        off: bool,
    },
    /// Move a role one place later in the order sessions fill (earlier with --earlier).
    Move {
        #[arg(long, value_name = "NAME")]
        programme: String,
        role: String,
        #[arg(long)]
        earlier: bool,
    },
    /// Stop using a role from now on; turns already taken keep it.
    Remove {
        #[arg(long, value_name = "NAME")]
        programme: String,
        role: String,
    },
}

impl RolesCommand {
    fn programme(&self) -> &str {
        match self {
            RolesCommand::List { programme }
            | RolesCommand::Add { programme, .. }
            | RolesCommand::Rename { programme, .. }
            | RolesCommand::Lead { programme, .. }
            | RolesCommand::Move { programme, .. }
            | RolesCommand::Remove { programme, .. } => programme,
        }
    }
}

/// Each prints the programme's sessions, with the roles each uses, as they stand afterwards.
#[derive(Subcommand)]
pub enum SessionsCommand {
    /// List the sessions.
    List {
        #[arg(long, value_name = "NAME")]
        programme: String,
    },
    /// Add a session after the others.
    Add {
        #[arg(long, value_name = "NAME")]
        programme: String,
        name: String,
        /// Only these roles [default: every role].
        #[arg(long, value_name = "ROLE,...", value_delimiter = ',')]
        roles: Option<Vec<String>>,
    },
    /// Rename a session.
    Rename {
        #[arg(long, value_name = "NAME")]
        programme: String,
        session: String,
        #[arg(long, value_name = "NEW NAME")]
        to: String,
    },
    /// Choose the roles a session uses (every role without --roles).
    Use {
        #[arg(long, value_name = "NAME")]
        programme: String,
        session: String,
        #[arg(long, value_name = "ROLE,...", value_delimiter = ',')]
        roles: Option<Vec<String>>,
    },
    /// Delete a session with its planned turns (not one with turns done).
    Remove {
        #[arg(long, value_name = "NAME")]
        programme: String,
        session: String,
    },
}

impl SessionsCommand {
    fn programme(&self) -> &str {
        match self {
            SessionsCommand::List { programme }
            | SessionsCommand::Add { programme, .. }
            | SessionsCommand::Rename { programme, .. }
            | SessionsCommand::Use { programme, .. }
            | SessionsCommand::Remove { programme, .. } => programme,
        }
    }
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["teams", "wave"])))]
struct PlanArgs {
    /// Teams as `groups form` writes them (participant_id,group).
    #[arg(long, value_name = "TEAMS.csv")]
    teams: Option<PathBuf>,
    /// A wave in the database: its latest saved team set, or the one --team-set names.
    #[arg(long, value_name = "NAME")]
    wave: Option<String>,
    /// The wave's programme, when two have a wave of that name.
    #[arg(long, value_name = "NAME", requires = "wave")]
    programme: Option<String>,
    /// Which saved team set of the wave.
    #[arg(long, value_name = "NAME", requires = "wave")]
    team_set: Option<String>,
    /// The roles, in the order they are filled (a team with fewer people fills the first).
    #[arg(long, value_name = "ROLE,...", value_delimiter = ',', required = true)]
    roles: Vec<String>,
    /// Roles that count as leading [default: Team Leader if among the roles, else the first].
    #[arg(long, value_name = "ROLE,...", value_delimiter = ',')]
    leading: Option<Vec<String>>,
    /// How many sessions to plan.
    #[arg(long, value_name = "N")]
    sessions: usize,
    /// Who is away when (session,participant_id; sessions from 1).
    #[arg(long, value_name = "ABSENCES.csv")]
    absences: Option<PathBuf>,
    /// The same seed gives the same rota.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write the rota (session,group,role,participant_id).
    #[arg(long, value_name = "ROTA.csv")]
    out: PathBuf,
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
pub struct WaveArg {
    /// The programme's name; needed only when two programmes have a wave of that name.
    /// `roster import` creates it if it does not exist.
    #[arg(long, value_name = "NAME")]
    pub programme: Option<String>,
    /// The wave's name. `roster import` creates it if it does not exist.
    #[arg(long, value_name = "NAME")]
    pub wave: String,
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
enum GroupsCommand {
    /// Form teams that mirror the wave, with friends apart and nobody alone on a protected
    /// attribute. Exits 0 when every rule is met, 2 when some could not be (the teams are
    /// still written), 1 on bad input.
    Form(Box<FormArgs>),
    /// Check a hand-arranged team set of a wave (participant_id,group) against the rules:
    /// each rule met or broken, and the balance. Exits 0 when every rule is met, 2 when
    /// some are broken, 1 on bad input. Sizes are checked against --min-size and
    /// --max-size, or else as evenly shared among the file's teams.
    Check(Box<CheckArgs>),
    /// Print the team lists of a saved team set to pin on the wall (PDF, as the app prints).
    Print {
        #[command(flatten)]
        target: WaveArg,
        /// The saved team set's name.
        #[arg(long, value_name = "NAME")]
        team_set: String,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
    },
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    target: WaveArg,
    /// The teams: participant_id (roster id) and group, one line each, for everyone.
    #[arg(long, value_name = "TEAMS.csv")]
    teams: PathBuf,
    #[command(flatten)]
    mix: MixArgs,
    /// Smallest team size allowed (with --max-size) [default: as evenly shared as can be].
    #[arg(long, value_name = "A", requires = "max_size")]
    min_size: Option<u32>,
    /// Largest team size allowed (with --min-size).
    #[arg(long, value_name = "B", requires = "min_size")]
    max_size: Option<u32>,
    /// Count pairs who shared a team in any of the wave's saved team sets.
    #[arg(long)]
    avoid_saved: bool,
}

/// How big teams are: a target size, a number of teams, or a range.
#[derive(Args)]
#[command(group(clap::ArgGroup::new("size").args(["team_size", "teams", "min_size"])))]
pub struct SizeArgs {
    /// Target team size; sizes then differ by at most one [default: 12].
    #[arg(long, value_name = "N")]
    pub team_size: Option<u32>,
    /// Number of teams.
    #[arg(long, value_name = "K")]
    pub teams: Option<u32>,
    /// Smallest team size (with --max-size).
    #[arg(long, value_name = "A", requires = "max_size")]
    pub min_size: Option<u32>,
    /// Largest team size (with --min-size).
    #[arg(long, value_name = "B", requires = "min_size")]
    pub max_size: Option<u32>,
}

/// What teams mirror and who may not be alone in one.
#[derive(Args)]
pub struct MixArgs {
    /// Attributes the teams should mirror [default: gender,ethnicity,faith,school,fsm].
    #[arg(long, value_name = "ATTR,...", value_delimiter = ',')]
    pub balance: Option<Vec<String>>,
    /// Weights of balanced attributes (1 unless given); naming another attribute balances it too.
    #[arg(long, value_name = "ATTR=W,...", value_delimiter = ',')]
    pub weights: Vec<String>,
    /// Attributes on which nobody may be alone in a team [default: gender,ethnicity,faith];
    /// `none` for none.
    #[arg(long, value_name = "ATTR,...", value_delimiter = ',')]
    pub no_isolate: Option<Vec<String>>,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["roster", "wave"])))]
struct FormArgs {
    /// A roster file in the import format (CSV or XLSX).
    #[arg(long, value_name = "FILE")]
    roster: Option<PathBuf>,
    /// A wave in the database instead of a roster file.
    #[arg(long, value_name = "NAME")]
    wave: Option<String>,
    /// The wave's programme, when two have a wave of that name.
    #[arg(long, value_name = "NAME", requires = "wave")]
    programme: Option<String>,
    #[command(flatten)]
    sizes: SizeArgs,
    #[command(flatten)]
    mix: MixArgs,
    /// Earlier team sets (participant_id,group) whose pairs should not meet again.
    #[arg(long, value_name = "PREVIOUS.csv", num_args = 1..)]
    avoid_repeats: Vec<PathBuf>,
    /// With --wave: new teams for the next activity, mixing people who shared a team in
    /// any of the wave's saved team sets.
    #[arg(long, requires = "wave")]
    avoid_saved: bool,
    /// With --wave: also save the teams in the database as a team set of this name, for
    /// the app, rotas and later regrouping.
    #[arg(long, value_name = "NAME", requires = "wave")]
    save: Option<String>,
    /// The same seed gives the same teams.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The most time the search may take.
    #[arg(long, value_name = "S", default_value_t = 5.0)]
    seconds: f64,
    /// Where to write the teams (participant_id,group).
    #[arg(long, value_name = "TEAMS.csv")]
    out: PathBuf,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Solve a maximally diverse grouping instance (MDGPLIB format) with the team search's
    /// core; the last line printed is `objective <value>`.
    Mdgp {
        instance: PathBuf,
        /// Time to search.
        #[arg(long, value_name = "S")]
        seconds: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Use plain simulated annealing on one thread instead (the reference method).
        #[arg(long)]
        anneal: bool,
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
        Err(commands::CliError::RulesBroken) => ExitCode::from(2),
        Err(error) => {
            eprintln!("mixwell: {error}");
            ExitCode::FAILURE
        }
    }
}
