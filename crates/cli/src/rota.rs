//! `mixwell rota plan`: a leadership rota for every team, from a teams file or a wave's
//! saved team set, written as `session,group,role,participant_id`, with a summary of every
//! fairness rule.

use clap::Args;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use mixwell_rota::{plan, Attribute, Breach, FairnessReport, Names, Role, RotaProblem, RotaRule};

use crate::commands::{CliError, CliResult};

/// The most sessions a plan may have: a long residential has a few a day for a month.
const MOST_SESSIONS: usize = 500;

/// Who is in which team, as the rota needs it.
struct Teams {
    /// Each person's participant id, as written in the files.
    ids: Vec<String>,
    /// Each team's label, as written in the files.
    labels: Vec<String>,
    members: Vec<Vec<u32>>,
    /// Backgrounds for the equal-status check (none from a teams file).
    balance: Vec<Attribute>,
}

/// The roles asked for, in order, with those that count as leading.
fn roles(args: &PlanArgs) -> Result<Vec<Role>, CliError> {
    let names: Vec<String> = args
        .roles
        .iter()
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty())
        .collect();
    if names.is_empty() {
        return Err(CliError::Input("--roles: name at least one role".into()));
    }
    for (i, name) in names.iter().enumerate() {
        if names[..i].iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return Err(CliError::Input(format!("--roles: {name:?} is named twice")));
        }
    }
    let leading: Vec<String> = match &args.leading {
        Some(list) => list
            .iter()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect(),
        None => vec![names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(mixwell_domain::programme::DEFAULT_ROLES[0]))
            .unwrap_or(&names[0])
            .clone()],
    };
    for name in &leading {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return Err(CliError::Input(format!(
                "--leading: {name:?} is not one of the roles ({})",
                names.join(", ")
            )));
        }
    }
    Ok(names
        .into_iter()
        .map(|name| Role {
            leading: leading.iter().any(|l| l.eq_ignore_ascii_case(&name)),
            name,
        })
        .collect())
}

fn teams_from_file(file: &Path) -> Result<Teams, CliError> {
    let teams = crate::table::read_team_file(file)?;
    Ok(Teams {
        ids: teams.ids,
        labels: teams.labels,
        members: teams.members,
        balance: Vec::new(),
    })
}

/// Teams from a wave's saved team set (the named one, else the latest), with the wave's
/// backgrounds for the equal-status check.
fn teams_from_wave(db: &Path, staff: Option<&str>, args: &PlanArgs) -> Result<Teams, CliError> {
    let (store, _) = crate::access::open_for(db, staff, mixwell_domain::Permission::RunSessions)?;
    let wave = store.find_wave(
        args.programme.as_deref(),
        args.wave.as_deref().unwrap_or(""),
    )?;
    let sets = store.team_sets(wave.id)?;
    let set = match &args.team_set {
        Some(name) => sets.iter().find(|s| s.name == *name).ok_or_else(|| {
            CliError::Input(format!(
                "the wave {:?} has no team set called {name:?}",
                wave.name
            ))
        })?,
        None => sets.last().ok_or_else(|| {
            CliError::Input(format!(
                "the wave {:?} has no saved team set: form and save teams first",
                wave.name
            ))
        })?,
    };
    let people = store.participants(wave.id)?;
    let index: HashMap<_, u32> = people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i as u32))
        .collect();
    let teams = set.placements.iter().map(|p| p.team + 1).max().unwrap_or(0) as usize;
    let mut members = vec![Vec::new(); teams];
    for placement in &set.placements {
        if let Some(&i) = index.get(&placement.participant_id) {
            members[placement.team as usize].push(i);
        }
    }
    for team in &mut members {
        team.sort_unstable();
    }
    let balance = mixwell_actions::rota::status_attributes(&people);
    Ok(Teams {
        ids: people
            .iter()
            .map(|p| p.record.external_id.clone())
            .collect(),
        labels: (1..=teams).map(|t| t.to_string()).collect(),
        members,
        balance,
    })
}

/// `session,participant_id` rows, sessions from 1.
fn absences(file: &Path, sessions: usize, ids: &[String]) -> Result<Vec<(usize, u32)>, CliError> {
    let index: HashMap<&str, u32> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i as u32))
        .collect();
    let bad = |line: u64, message: String| {
        CliError::Input(format!("{}: line {line}: {message}", file.display()))
    };
    crate::table::read_pairs(file, "session", "participant_id")?
        .into_iter()
        .map(|(line, session, id)| {
            let s = session
                .parse::<usize>()
                .ok()
                .filter(|s| (1..=sessions).contains(s))
                .ok_or_else(|| {
                    bad(
                        line,
                        format!("session {session:?} is not a number from 1 to {sessions}"),
                    )
                })?;
            let person = index
                .get(id.as_str())
                .ok_or_else(|| bad(line, format!("{id} is not in any team")))?;
            Ok((s - 1, *person))
        })
        .collect()
}

pub fn plan_rota(db: &Path, staff: Option<&str>, args: PlanArgs) -> CliResult {
    if !(1..=MOST_SESSIONS).contains(&args.sessions) {
        return Err(CliError::Input(format!(
            "--sessions must be from 1 to {MOST_SESSIONS}"
        )));
    }
    let roles = roles(&args)?;
    let teams = match &args.teams {
        Some(file) => teams_from_file(file)?,
        None => teams_from_wave(db, staff, &args)?,
    };
    let absent = match &args.absences {
        Some(file) => absences(file, args.sessions, &teams.ids)?,
        None => Vec::new(),
    };
    let problem = RotaProblem {
        people: teams.ids.len(),
        sessions: vec![(0..roles.len()).collect(); args.sessions],
        roles,
        teams: teams.members.clone(),
        absent,
        balance: teams.balance.clone(),
        ..RotaProblem::default()
    };
    let rota = plan(&problem, args.seed).map_err(|e| CliError::Input(e.to_string()))?;
    let mut csv = String::from("session,group,role,participant_id\n");
    let mut rows = rota.clone();
    rows.sort_by_key(|a| (a.session, a.team, a.role));
    for a in &rows {
        let _ = writeln!(
            csv,
            "{},{},{},{}",
            a.session + 1,
            quote(&teams.labels[a.team]),
            quote(&problem.roles[a.role].name),
            quote(&teams.ids[a.person as usize])
        );
    }
    std::fs::write(&args.out, csv).map_err(|error| CliError::File {
        path: args.out.display().to_string(),
        error,
    })?;
    let report = FairnessReport::check(&problem, &rota);
    print!("{}", summary(&problem, &teams, &report));
    println!("wrote {}", args.out.display());
    Ok(())
}

/// A CSV field, quoted when it needs to be.
pub(crate) fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// What staff read: each rule met or not, who is concerned, and turns by background.
fn summary(problem: &RotaProblem, teams: &Teams, report: &FairnessReport) -> String {
    let mut out = String::new();
    let role_names: Vec<String> = problem
        .roles
        .iter()
        .map(|r| {
            if r.leading {
                format!("{} (leading)", r.name)
            } else {
                r.name.clone()
            }
        })
        .collect();
    let _ = writeln!(
        out,
        "rota for {} teams over {} sessions: {}",
        teams.labels.len(),
        problem.sessions.len(),
        role_names.join(", ")
    );
    let rules: [(&str, RotaRule); 5] = [
        (
            "everyone leads once before anyone leads twice",
            RotaRule::LeadsInTurn,
        ),
        (
            "each role shared within one turn in every team",
            RotaRule::EvenRoles,
        ),
        (
            "nobody holds a role two sessions running when a teammate could",
            RotaRule::NotTwoRunning,
        ),
        (
            "leading turns equal across backgrounds, up to rounding",
            RotaRule::EqualStatus,
        ),
        ("nobody away is given a role", RotaRule::Placement),
    ];
    for (rule, which) in rules {
        let broken: Vec<&Breach> = report
            .breaches
            .iter()
            .filter(|b| b.rule() == which)
            .collect();
        let unchecked = which == RotaRule::EqualStatus && problem.balance.is_empty();
        let mark = if unchecked {
            "n/a   "
        } else if broken.is_empty() {
            "met   "
        } else {
            "BROKEN"
        };
        let _ = writeln!(out, "  {mark} {rule}");
        if unchecked {
            let _ = writeln!(
                out,
                "    (a teams file has no backgrounds: use --wave to check this)"
            );
        }
        for b in broken {
            let _ = writeln!(out, "    - {}", b.describe(&FileNames { problem, teams }));
        }
    }
    for row in &report.equal_status {
        let _ = writeln!(
            out,
            "  {} {}: {} people, {:.2} leading turns each on average ({:+.2} against their team's share)",
            row.attribute, row.value, row.people, row.mean_leads, row.mean_excess
        );
    }
    out
}

/// Names as the CLI prints them: participant ids, team labels, sessions from 1.
struct FileNames<'a> {
    problem: &'a RotaProblem,
    teams: &'a Teams,
}

impl Names for FileNames<'_> {
    fn person(&self, person: u32) -> String {
        self.teams.ids[person as usize].clone()
    }
    fn team(&self, team: usize) -> String {
        format!("team {}", self.teams.labels[team])
    }
    fn role(&self, role: usize) -> String {
        self.problem.roles[role].name.clone()
    }
    fn session(&self, session: usize) -> String {
        format!("session {}", session + 1)
    }
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["teams", "wave"])))]
pub struct PlanArgs {
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
