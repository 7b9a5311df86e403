//! `mixwell groups form`: teams from a roster file or a wave, written as
//! `participant_id,group`, with a summary of every rule and of the balance.

use clap::{Args, Subcommand};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use mixwell_actions::teams::{self, Forming, TeamRequest, TeamSearch};
use mixwell_domain::{normalise_header, Id, Participant};
use mixwell_grouping::{Problem, Report, SizeRule, TeamOptions, TeamRule};
use mixwell_store::{Placement, Store};

use crate::commands::{read_roster, CliError, CliResult};
use crate::WaveArg;

/// A team set as the search takes earlier ones: roster participant id → group label.
type TeamsById = HashMap<String, String>;

/// The participants to form teams of: a roster file's rows (not saved anywhere), or a
/// wave's participants from the database, with the wave's saved team sets when
/// `--avoid-saved` asks for them (keyed by roster participant id, as files are).
fn people(db: &Path, args: &FormArgs) -> Result<(Vec<Participant>, Vec<TeamsById>), CliError> {
    if let Some(file) = &args.roster {
        let roster = read_roster(file, "no teams were formed")?;
        let people = roster
            .rows
            .into_iter()
            .map(|row| Participant {
                id: Id::now_v7(),
                wave_id: Id::nil(),
                record: row.record,
                friends: row.friends,
                keep_apart: Vec::new(),
                keep_together: Vec::new(),
            })
            .collect();
        return Ok((people, Vec::new()));
    }
    let wave_name = args.wave.as_deref().unwrap_or_default();
    let store = crate::commands::open_store(db)?;
    let wave = store.find_wave(args.programme.as_deref(), wave_name)?;
    let people = store.participants(wave.id)?;
    let saved = if args.avoid_saved {
        teams::earlier_teams(&store.team_sets(wave.id)?, &people)
    } else {
        Vec::new()
    };
    Ok((people, saved))
}

fn size_rule(args: &SizeArgs) -> SizeRule {
    match (args.team_size, args.teams, args.min_size, args.max_size) {
        (Some(n), _, _, _) => SizeRule::TargetSize(n),
        (_, Some(k), _, _) => SizeRule::Teams(k),
        (_, _, Some(min), Some(max)) => SizeRule::Range { min, max },
        _ => SizeRule::TargetSize(12),
    }
}

/// The options of `mix` on top of the defaults, with teams sized by `sizes`.
fn mix_options(sizes: SizeRule, args: &MixArgs) -> Result<TeamOptions, CliError> {
    let mut options = TeamOptions::new(sizes);
    if let Some(balance) = &args.balance {
        options.balance = balance
            .iter()
            .filter(|a| !a.trim().is_empty())
            .map(|a| (a.trim().to_owned(), 1.0))
            .collect();
    }
    for item in &args.weights {
        let (name, weight) = item
            .split_once('=')
            .and_then(|(n, w)| Some((n.trim(), w.trim().parse::<f64>().ok()?)))
            .filter(|(n, w)| !n.is_empty() && w.is_finite() && *w >= 0.0)
            .ok_or_else(|| {
                CliError::Input(format!(
                    "--weights: expected ATTR=W with W a number from 0 up, got {item:?}"
                ))
            })?;
        match options
            .balance
            .iter_mut()
            .find(|(a, _)| normalise_header(a) == normalise_header(name))
        {
            Some(entry) => entry.1 = weight,
            None => options.balance.push((name.to_owned(), weight)),
        }
    }
    if let Some(list) = &args.no_isolate {
        options.no_isolation = list
            .iter()
            .map(|a| a.trim())
            .filter(|a| !a.is_empty() && !a.eq_ignore_ascii_case("none"))
            .map(str::to_owned)
            .collect();
    }
    Ok(options)
}

/// A team set as `groups form` writes it: participant id → group label.
fn read_team_set(file: &Path) -> Result<TeamsById, CliError> {
    let mut set = HashMap::new();
    for (line, id, group) in crate::table::read_pairs(file, "participant_id", "group")? {
        if set.insert(id.clone(), group).is_some() {
            return Err(CliError::Input(format!(
                "{}: line {line}: {id} appears twice",
                file.display()
            )));
        }
    }
    Ok(set)
}

pub fn form(db: &Path, args: FormArgs) -> CliResult {
    if !(args.seconds.is_finite() && args.seconds > 0.0) {
        return Err(CliError::Input("--seconds must be a number above 0".into()));
    }
    // Checked before the search, so a bad option wastes no time and saves nothing.
    if args.save.is_some() && u32::try_from(args.seed).is_err() {
        return Err(CliError::Input(format!(
            "--seed must be at most {} when the teams are saved",
            u32::MAX
        )));
    }
    let (people, saved) = people(db, &args)?;
    let mut options = mix_options(size_rule(&args.sizes), &args.mix)?;
    for file in &args.avoid_repeats {
        options.previous.push(read_team_set(file)?);
    }
    options.previous.extend(saved);
    let search = TeamSearch::new(people, &options, HashMap::new(), args.seed, args.seconds)?;
    let formed = search.run(&Forming::default())?;
    let ids: Vec<&str> = formed
        .people
        .iter()
        .map(|p| p.record.external_id.as_str())
        .collect();
    write_teams(&args.out, &ids, &formed.team)?;
    print!(
        "{}",
        summary(
            &formed.problem,
            &options,
            &formed.report,
            &formed.team,
            &ids
        )
    );
    println!("wrote {}", args.out.display());
    if let Some(name) = &args.save {
        save(db, &args, name, &options, &formed.placements())?;
        println!("saved the team set {name:?}");
    }
    if formed.report.valid() {
        Ok(())
    } else {
        Err(CliError::RulesBroken)
    }
}

/// Saves the wave's new teams as a team set, with the options they were formed with.
fn save(
    db: &Path,
    args: &FormArgs,
    name: &str,
    options: &TeamOptions,
    placements: &[Placement],
) -> CliResult {
    let mut store = crate::commands::open_store(db)?;
    let wave_name = args.wave.as_deref().unwrap_or_default();
    let wave = store.find_wave(args.programme.as_deref(), wave_name)?;
    let seed = u32::try_from(args.seed).expect("checked before the search");
    let request = TeamRequest::from_options(options, args.avoid_saved, seed, args.seconds);
    teams::save(&mut store, wave.id, name, &request, placements)?;
    Ok(())
}

fn write_teams(out: &Path, ids: &[&str], team: &[u32]) -> CliResult {
    let text = mixwell_roster::teams_to_csv(ids.iter().copied().zip(team.iter().copied()));
    std::fs::write(out, text).map_err(|error| CliError::File {
        path: out.display().to_string(),
        error,
    })
}

/// What staff read after forming teams: each rule met or broken (and for whom), the
/// balance against its bound, and repeated pairs.
fn summary(
    problem: &Problem,
    options: &TeamOptions,
    report: &Report,
    team: &[u32],
    ids: &[&str],
) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let teams = problem.teams();
    let mut sizes = vec![0u32; teams];
    for &t in team {
        sizes[t as usize] += 1;
    }
    let (smallest, largest) = (
        sizes.iter().min().copied().unwrap_or(0),
        sizes.iter().max().copied().unwrap_or(0),
    );
    let _ = writeln!(
        out,
        "{} teams of {} for {} participants",
        teams,
        if smallest == largest {
            smallest.to_string()
        } else {
            format!("{smallest}–{largest}")
        },
        problem.people
    );
    let mark = |ok: bool| if ok { "met   " } else { "BROKEN" };
    let broken = |rule: TeamRule| {
        report
            .breaches
            .iter()
            .filter(|b| b.rule() == rule)
            .collect::<Vec<_>>()
    };
    let name = |i: u32| ids[i as usize];
    let together = broken(TeamRule::KeepTogether);
    let _ = writeln!(
        out,
        "  {} keep-together pairs share a team ({} pairs)",
        mark(together.is_empty()),
        problem.together.len()
    );
    let apart = broken(TeamRule::Apart);
    let _ = writeln!(
        out,
        "  {} friends and keep-apart pairs in different teams ({} pairs)",
        mark(apart.is_empty()),
        problem.apart.len()
    );
    let isolated = broken(TeamRule::Isolation);
    let protected = if options.no_isolation.is_empty() {
        "no attribute chosen".to_owned()
    } else {
        options.no_isolation.join(", ")
    };
    let _ = writeln!(
        out,
        "  {} nobody alone in their team on {}",
        mark(isolated.is_empty()),
        protected
    );
    let needs = broken(TeamRule::Needs);
    let _ = writeln!(
        out,
        "  {} additional needs spread: at most {} per team",
        mark(needs.is_empty()),
        problem.needs_cap()
    );
    for breach in &report.breaches {
        let _ = writeln!(
            out,
            "    - {}",
            breach.describe(&|i| name(i).to_owned(), team)
        );
    }
    if !report.valid() {
        let _ = writeln!(out, "  The rules above cannot all be met for this wave; these teams break the fewest, lowest-ranked ones.");
    }
    let _ = writeln!(
        out,
        "balance {:.2} (best possible at least {:.2}): within {:.1}% of the best possible",
        report.balance,
        report.bound,
        100.0 * report.gap()
    );
    if !options.previous.is_empty() {
        let _ = writeln!(
            out,
            "pairs who shared a team before and do again: {}",
            report.repeats
        );
    }
    let _ = writeln!(
        out,
        "pairs from the same school: {}",
        report.same_school_pairs
    );
    out
}

/// `groups check`: a hand-arranged team set of a wave against the rules, with the same
/// summary `groups form` prints. Every participant of the wave must be in the file, and
/// nobody else.
pub fn check(store: &mut Store, args: CheckArgs) -> CliResult {
    let wave = store.find_wave(args.target.programme.as_deref(), &args.target.wave)?;
    let file = crate::table::read_team_file(&args.teams)?;
    let name = args.teams.display().to_string();
    let people = store.participants(wave.id)?;
    let by_roster_id: HashMap<&str, Id> = people
        .iter()
        .map(|p| (p.record.external_id.as_str(), p.id))
        .collect();
    let mut placements = Vec::with_capacity(file.ids.len());
    for (team, members) in file.members.iter().enumerate() {
        for &member in members {
            let id = &file.ids[member as usize];
            let participant_id = *by_roster_id.get(id.as_str()).ok_or_else(|| {
                CliError::Input(format!("{name}: {id} is not in the wave {}", wave.name))
            })?;
            placements.push(Placement {
                participant_id,
                team: team as u32,
                pinned: false,
            });
        }
    }
    let placed: std::collections::HashSet<Id> =
        placements.iter().map(|p| p.participant_id).collect();
    let missing: Vec<&str> = people
        .iter()
        .filter(|p| !placed.contains(&p.id))
        .map(|p| p.record.external_id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(CliError::Input(format!(
            "{name}: {} of the wave are in no team: {}",
            missing.len(),
            missing.join(", ")
        )));
    }
    let teams = file.members.len() as u32;
    let sizes = match (args.min_size, args.max_size) {
        (Some(min), Some(max)) => SizeRule::Range { min, max },
        _ => SizeRule::Teams(teams),
    };
    let options = mix_options(sizes, &args.mix)?;
    let request = TeamRequest::from_options(&options, args.avoid_saved, 1, 1.0);
    let judged = teams::judge(store, wave.id, &request, &placements)?;
    let ids: Vec<&str> = judged
        .people
        .iter()
        .map(|p| p.record.external_id.as_str())
        .collect();
    let mut shown = options;
    shown.previous = if args.avoid_saved {
        teams::earlier_teams(&store.team_sets(wave.id)?, &judged.people)
    } else {
        Vec::new()
    };
    print!(
        "{}",
        summary(&judged.problem, &shown, &judged.report, &judged.team, &ids)
    );
    if judged.report.valid() {
        Ok(())
    } else {
        Err(CliError::RulesBroken)
    }
}

/// `groups print`: a saved team set's lists as the app prints them.
pub fn print(store: &Store, target: &WaveArg, team_set: &str, out: &Path) -> CliResult {
    let wave = store.find_wave(target.programme.as_deref(), &target.wave)?;
    let set = teams::team_set_named(store, wave.id, team_set)?;
    let lists = teams::saved_team_lists_pdf(store, set.id)?;
    mixwell_actions::export::write_file(out, &lists.bytes)?;
    println!("wrote {}", out.display());
    Ok(())
}

pub fn bench_mdgp(instance: &Path, seconds: f64, seed: u64, anneal: bool) -> CliResult {
    if !(seconds.is_finite() && seconds > 0.0) {
        return Err(CliError::Input("--seconds must be a number above 0".into()));
    }
    let name = instance.display().to_string();
    let text = std::fs::read_to_string(instance).map_err(|error| CliError::File {
        path: name.clone(),
        error,
    })?;
    let problem = mixwell_grouping::mdgp::Mdgp::parse(&text)
        .map_err(|e| CliError::Input(format!("{name}: {e}")))?;
    println!(
        "{name}: {} items in {} groups, {seconds} s, seed {seed}",
        problem.items,
        problem.sizes.teams()
    );
    let method = if anneal {
        mixwell_grouping::MdgpMethod::Anneal
    } else {
        mixwell_grouping::MdgpMethod::Search { threads: 2 }
    };
    let (_, objective) =
        mixwell_grouping::solve_mdgp(&problem, seed, Duration::from_secs_f64(seconds), method);
    println!("objective {objective:.6}");
    Ok(())
}

#[derive(Subcommand)]
pub enum GroupsCommand {
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
pub struct CheckArgs {
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
pub struct FormArgs {
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
pub enum BenchCommand {
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
