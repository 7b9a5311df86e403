use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use mixwell_actions::ActionError;
use mixwell_domain::Wave;
use mixwell_store::{NewWave, Store, StoreError};

use crate::Command;

#[derive(Debug)]
pub enum CliError {
    Action(ActionError),
    File {
        path: String,
        error: std::io::Error,
    },
    /// Problems were already printed, one per line.
    RosterRejected {
        errors: usize,
        /// What did not happen because of them.
        consequence: &'static str,
    },
    /// Bad input other than a roster: a file, an option, a team set.
    Input(String),
    /// The work was done and written, but some hard rules could not be met (exit 2).
    RulesBroken,
    /// Everything was said on stdout; exit with this status.
    Exit(u8),
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Action(e) => write!(f, "{e} [{}]", e.code()),
            CliError::File { path, error } => write!(f, "{path}: {error}"),
            CliError::RosterRejected {
                errors,
                consequence,
            } => write!(f, "the roster has {errors} error(s); {consequence}"),
            CliError::Input(message) => write!(f, "{message}"),
            CliError::RulesBroken => write!(f, "some rules could not be met"),
            CliError::Exit(status) => write!(f, "exit status {status}"),
        }
    }
}

impl From<mixwell_grouping::GroupingError> for CliError {
    fn from(e: mixwell_grouping::GroupingError) -> Self {
        CliError::Input(e.to_string())
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        CliError::Action(e.into())
    }
}

impl From<ActionError> for CliError {
    fn from(e: ActionError) -> Self {
        CliError::Action(e)
    }
}

pub type CliResult = Result<(), CliError>;

/// What scripts and CI set instead of typing the database's passphrase.
pub const PASSPHRASE_VARIABLE: &str = "MIXWELL_PASSPHRASE";

/// Opens the database at `db` with its key: from the keychain, or from the passphrase in
/// `MIXWELL_PASSPHRASE`, or typed at the terminal (twice when choosing a new one; three
/// tries at a wrong one). Without a terminal or the variable, a database kept under a
/// passphrase is refused with a message saying how to give it.
pub fn open_store(db: &Path) -> Result<Store, CliError> {
    use mixwell_vault::{Passphrase, VaultError};
    use std::io::IsTerminal;
    let from_environment = std::env::var(PASSPHRASE_VARIABLE)
        .ok()
        .filter(|p| !p.is_empty())
        .map(Passphrase::new);
    let needed = match mixwell_actions::open_store(db, from_environment.as_ref()) {
        Err(ActionError::Vault(VaultError::PassphraseNeeded { new, .. }))
            if std::io::stdin().is_terminal() =>
        {
            new
        }
        other => return Ok(other?.store),
    };
    if needed {
        eprintln!(
            "This computer has no keychain Mixwell can use, so {} will be kept under a passphrase.",
            db.display()
        );
        let passphrase = ask("Choose a passphrase (at least 10 characters): ")?;
        if ask("Type it again: ")?.as_str() != passphrase.as_str() {
            return Err(CliError::Input(
                "the two passphrases differ; nothing was created".into(),
            ));
        }
        return Ok(mixwell_actions::open_store(
            db,
            Some(&Passphrase::new(passphrase.to_string())),
        )?
        .store);
    }
    let mut tries = 0;
    loop {
        let typed = ask(&format!("Passphrase for {}: ", db.display()))?;
        match mixwell_actions::open_store(db, Some(&Passphrase::new(typed.to_string()))) {
            Err(e) if e.code() == mixwell_domain::ErrorCode::WrongKey && tries < 2 => {
                tries += 1;
                eprintln!("That passphrase does not open it. Try again.");
            }
            other => return Ok(other?.store),
        }
    }
}

pub(crate) fn ask(prompt: &str) -> Result<zeroize::Zeroizing<String>, CliError> {
    rpassword::prompt_password(prompt)
        .map(zeroize::Zeroizing::new)
        .map_err(|error| CliError::File {
            path: "the terminal".into(),
            error,
        })
}

pub fn run(db: &Path, staff: Option<&str>, command: Command) -> CliResult {
    // Teams from a roster file need no database; don't create one.
    if let Command::Groups(crate::GroupsCommand::Form(form)) = command {
        return crate::groups::form(db, *form);
    }
    if let Command::Rota(crate::RotaCommand::Plan(args)) = command {
        return crate::rota::plan_rota(db, staff, *args);
    }
    if let Command::Bench(crate::BenchCommand::Mdgp {
        instance,
        seconds,
        seed,
        anneal,
    }) = command
    {
        return crate::groups::bench_mdgp(&instance, seconds, seed, anneal);
    }
    if let Command::Hub(command) = command {
        return crate::hub::run(command);
    }
    if let Command::Certificates(certificates) = command {
        if crate::certificates::is_offline(&certificates) {
            return crate::certificates::verify_offline(certificates);
        }
        return with_store(db, staff, Command::Certificates(certificates));
    }
    with_store(db, staff, command)
}

/// The subcommands that work on the laptop's database, signed in as they need.
fn with_store(db: &Path, staff: Option<&str>, command: Command) -> CliResult {
    let (mut store, access) = crate::access::open_for(db, staff, crate::access::needed(&command))?;
    let operator = crate::access::operator(&access);
    match command {
        Command::Staff(command) => crate::staff::run(&mut store, &access, command),
        Command::Certificates(command) => crate::certificates::run(&mut store, &operator, command),
        Command::Sync(command) => crate::sync::run(&mut store, command),
        Command::Audit(command) => crate::audit::run(&mut store, command),
        Command::Rota(command) => crate::wave_rota::run(&mut store, command),
        Command::Hours(command) => crate::hours::run(&mut store, &operator, command),
        Command::Groups(crate::GroupsCommand::Check(args)) => {
            crate::groups::check(&mut store, *args)
        }
        Command::Groups(crate::GroupsCommand::Print {
            target,
            team_set,
            out,
        }) => crate::groups::print(&store, &target, &team_set, &out),
        Command::Groups(crate::GroupsCommand::Form(_)) | Command::Bench(_) | Command::Hub(_) => {
            unreachable!("handled above")
        }
        Command::Roster(RosterCommand::Import {
            file,
            target,
            dry_run,
        }) => import(&mut store, &file, &target, dry_run),
        Command::Roster(RosterCommand::Export { target, out }) => {
            export(&store, &target, out.as_deref())
        }
        Command::Participants(ParticipantsCommand::List { target, json }) => {
            list(&store, &access, &target, json)
        }
        Command::Participants(ParticipantsCommand::ExportSubject { id, out }) => {
            export_subject(&store, &id, &out)
        }
        Command::Programme(ProgrammeCommand::Create { name }) => {
            let programme = store.create_programme(&name)?;
            println!("created programme {}", programme.name);
            Ok(())
        }
        Command::Programme(ProgrammeCommand::List { all }) => {
            for p in store.programmes(all)? {
                println!("{}{}", p.name, if p.archived { " (archived)" } else { "" });
            }
            Ok(())
        }
        Command::Wave(WaveCommand::Create {
            programme,
            name,
            site,
            starts,
            ends,
        }) => {
            let programme = store.find_programme(&programme)?;
            let wave = store.create_wave(
                programme.id,
                &NewWave {
                    name,
                    site,
                    starts_on: starts,
                    ends_on: ends,
                },
            )?;
            println!("created wave {} in {}", wave.name, programme.name);
            Ok(())
        }
        Command::Wave(WaveCommand::List { programme }) => {
            let programme = store.find_programme(&programme)?;
            for w in store.waves(programme.id, true)? {
                println!(
                    "{}\t{}\t{} participants",
                    w.wave.name, w.wave.site, w.participants
                );
            }
            Ok(())
        }
        Command::Demo(DemoCommand::Seed) => {
            let (wave, created) = store.seed_demo()?;
            let count = store.participants(wave.id)?.len();
            let verb = if created { "created" } else { "already there:" };
            println!(
                "{verb} {} / {} with {count} participants",
                mixwell_store::DEMO_PROGRAMME,
                wave.name
            );
            println!(
                "and {} / {}, six weeks of volunteering hours",
                mixwell_store::DEMO_HOURS_PROGRAMME,
                mixwell_store::DEMO_HOURS_WAVE
            );
            Ok(())
        }
    }
}

/// The wave named on the command line; for an import, created when missing.
fn resolve_wave(store: &mut Store, target: &WaveArg, create: bool) -> Result<Wave, CliError> {
    match store.find_wave(target.programme.as_deref(), &target.wave) {
        Ok(wave) => Ok(wave),
        Err(StoreError::NoSuchName { .. }) if create => {
            let Some(programme_name) = &target.programme else {
                return Err(StoreError::NoSuchName {
                    what: "wave",
                    name: target.wave.clone(),
                }
                .into());
            };
            let programme = match store.find_programme(programme_name) {
                Ok(p) => p,
                Err(StoreError::NoSuchName { .. }) => {
                    let p = store.create_programme(programme_name)?;
                    eprintln!("created programme {}", p.name);
                    p
                }
                Err(e) => return Err(e.into()),
            };
            let wave = store.create_wave(
                programme.id,
                &NewWave {
                    name: target.wave.clone(),
                    ..Default::default()
                },
            )?;
            eprintln!("created wave {}", wave.name);
            Ok(wave)
        }
        Err(e) => Err(e.into()),
    }
}

/// The bytes of a file named on the command line.
pub fn read_file(file: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(file).map_err(|error| CliError::File {
        path: file.display().to_string(),
        error,
    })
}

/// Reads a roster file, printing every problem with its place; refuses it if any is an error.
pub fn read_roster(
    file: &Path,
    consequence: &'static str,
) -> Result<mixwell_roster::ParsedRoster, CliError> {
    let bytes = read_file(file)?;
    let roster = mixwell_roster::parse(&bytes);
    let name = file.display().to_string();
    for problem in &roster.problems {
        eprintln!("{name}: {problem}");
    }
    let errors = roster.errors().count();
    if errors > 0 {
        return Err(CliError::RosterRejected {
            errors,
            consequence,
        });
    }
    Ok(roster)
}

fn import(store: &mut Store, file: &Path, target: &WaveArg, dry_run: bool) -> CliResult {
    let roster = read_roster(file, "nothing was imported")?;
    if dry_run {
        let wave = store.find_wave(target.programme.as_deref(), &target.wave)?;
        let preview = mixwell_actions::roster::preview(store, wave.id, roster)?;
        println!(
            "would add {}, update {}, leave {} unchanged; {} already in the wave are not in the file",
            preview.new, preview.updated, preview.unchanged, preview.not_in_file
        );
        return Ok(());
    }
    let wave = resolve_wave(store, target, true)?;
    let summary = mixwell_actions::roster::import(store, wave.id, roster, &mut |_, _| {})?;
    println!(
        "imported into {}: {} added, {} updated, {} unchanged, {} friendships added",
        wave.name,
        summary.added,
        summary.updated.len(),
        summary.unchanged,
        summary.friendships_added
    );
    for u in &summary.updated {
        println!(
            "  updated {} ({}): {}",
            u.external_id,
            u.name,
            u.fields.join(", ")
        );
    }
    if summary.not_in_file > 0 {
        println!(
            "{} participants already in the wave are not in this file; they were kept",
            summary.not_in_file
        );
    }
    Ok(())
}

fn list(
    store: &Store,
    access: &mixwell_actions::Access,
    target: &WaveArg,
    json: bool,
) -> CliResult {
    let wave = store.find_wave(target.programme.as_deref(), &target.wave)?;
    let participants = access.redact(mixwell_actions::participants::shown(store, wave.id)?);
    let mut out = std::io::stdout().lock();
    if json {
        let text = serde_json::to_string_pretty(&participants).map_err(StoreError::from)?;
        let _ = writeln!(out, "{text}");
        return Ok(());
    }
    for p in &participants {
        let r = &p.record;
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{} friend(s)",
            r.external_id,
            r.full_name(),
            r.gender,
            r.ethnicity,
            r.faith,
            r.school,
            p.friends.len()
        );
    }
    let _ = writeln!(out, "{} participants in {}", participants.len(), wave.name);
    Ok(())
}

fn export_subject(store: &Store, id: &str, out: &Path) -> CliResult {
    let id = mixwell_domain::Id::parse_str(id.trim())
        .map_err(|_| CliError::Input(format!("{id:?} is not a participant id")))?;
    let pdf = match out.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("pdf") => true,
        Some(e) if e.eq_ignore_ascii_case("json") => false,
        _ => {
            return Err(CliError::Input(format!(
                "--out {}: the file must end in .json or .pdf",
                out.display()
            )))
        }
    };
    let file = mixwell_actions::subject::export(store, id, pdf)?;
    std::fs::write(out, &file.bytes).map_err(|error| CliError::File {
        path: out.display().to_string(),
        error,
    })?;
    println!("wrote {}", out.display());
    Ok(())
}

fn export(store: &Store, target: &WaveArg, out: Option<&Path>) -> CliResult {
    let wave = store.find_wave(target.programme.as_deref(), &target.wave)?;
    let csv = mixwell_actions::participants::roster_csv(store, wave.id)?;
    match out {
        Some(path) => std::fs::write(path, csv).map_err(|error| CliError::File {
            path: path.display().to_string(),
            error,
        }),
        None => {
            print!("{csv}");
            Ok(())
        }
    }
}

#[derive(Subcommand)]
pub enum RosterCommand {
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
pub enum ParticipantsCommand {
    /// List a wave's participants.
    List {
        #[command(flatten)]
        target: WaveArg,
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Everything held about one young person (subject access), as JSON or a readable PDF.
    ExportSubject {
        /// The participant's id (`participants list --json` shows it).
        id: String,
        /// FILE.json or FILE.pdf.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum ProgrammeCommand {
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
pub enum WaveCommand {
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
pub enum DemoCommand {
    /// Create the demo programme with a realistic wave of 120 (once).
    Seed,
}
