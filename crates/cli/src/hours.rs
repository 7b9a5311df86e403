//! `mixwell hours`: volunteering hours through the same store calls as the app's Hours
//! tab. Problems are printed one per line with where they are (the file's line for an
//! import), and nothing is saved when there is any.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Subcommand;
use mixwell_actions::{hours as act, ActionError, Operator};
use mixwell_domain::hours::{
    hours_and_minutes, uk_date, Decision, HoursProblem, HoursProblemCode, Status, VerifyMethod,
};
use mixwell_domain::{normalise_header, Id};
use mixwell_store::{HoursReportKind, NewHours, Store, StoreError, Supervision};

use crate::commands::{CliError, CliResult};
use crate::WaveArg;

fn entry_id(text: &str) -> Result<Id, CliError> {
    Id::parse_str(text.trim()).map_err(|_| {
        CliError::Input(format!(
            "{text:?} is not an entry id (ids look like 0190f5c2-…; `hours show --participant ID` lists them)"
        ))
    })
}

/// Prints each problem, placed by `place` (a row's description), and returns the error
/// that says nothing was saved.
fn report(
    problems: &[HoursProblem],
    place: impl Fn(&HoursProblem) -> String,
    consequence: &str,
) -> CliError {
    let mut err = std::io::stderr().lock();
    for p in problems {
        let _ = writeln!(err, "{}: {}: {}", place(p), p.field, p.message);
    }
    let duplicates = problems
        .iter()
        .all(|p| p.code == HoursProblemCode::LikelyDuplicate);
    let hint = if duplicates {
        " (add --allow-duplicate if they really are separate)"
    } else {
        ""
    };
    CliError::Input(format!(
        "{} problem(s); {consequence}{hint}",
        problems.len()
    ))
}

fn rejected_or(
    error: ActionError,
    place: impl Fn(&HoursProblem) -> String,
    consequence: &str,
) -> CliError {
    match error {
        ActionError::Store(StoreError::HoursRejected { problems }) => {
            report(&problems, place, consequence)
        }
        other => other.into(),
    }
}

pub fn run(store: &mut Store, operator: &Operator, command: HoursCommand) -> CliResult {
    match command {
        HoursCommand::Log {
            participant,
            org,
            date,
            minutes,
            activity,
            verified_by,
            allow_duplicate,
        } => {
            let row = NewHours {
                participant: participant.clone(),
                organisation: org,
                date,
                minutes,
                activity: activity.unwrap_or_default(),
                supervision: verified_by.map(|by| Supervision {
                    by,
                    signature: None,
                }),
            };
            let verified = row.supervision.is_some();
            let entry = act::log(store, operator, std::slice::from_ref(&row), allow_duplicate)
                .map_err(|e| rejected_or(e, |_| "hours".to_owned(), "nothing was saved"))?
                .remove(0);
            println!(
                "logged {} for {participant} at {} on {} ({})",
                hours_and_minutes(entry.minutes),
                row.organisation.trim(),
                uk_date(entry.date),
                if verified { "verified" } else { "pending" }
            );
            println!("{}", entry.id);
            Ok(())
        }
        HoursCommand::Void { entry, reason } => {
            let void = act::void(store, operator, entry_id(&entry)?, &reason)
                .map_err(|e| rejected_or(e, |_| entry.clone(), "nothing was saved"))?;
            println!("voided {entry}");
            println!("{}", void.id);
            Ok(())
        }
        HoursCommand::Adjust {
            entry,
            minutes,
            reason,
        } => {
            let adjust = act::adjust(store, operator, entry_id(&entry)?, minutes, &reason)
                .map_err(|e| rejected_or(e, |_| entry.clone(), "nothing was saved"))?;
            println!(
                "{entry} is now {} and waits for a new decision",
                hours_and_minutes(minutes)
            );
            println!("{}", adjust.id);
            Ok(())
        }
        HoursCommand::Verify { entry, by } => decide(store, &entry, Decision::Verified, &by),
        HoursCommand::Reject { entry, by } => decide(store, &entry, Decision::Rejected, &by),
        HoursCommand::Import {
            file,
            verified_by,
            allow_duplicate,
        } => import(store, operator, &file, verified_by, allow_duplicate),
        HoursCommand::Summary { target, json } => {
            let wave = store.find_wave(target.programme.as_deref(), &target.wave)?;
            summary(store, wave.id, json)
        }
        HoursCommand::Show { participant } => show(store, &participant),
        HoursCommand::Queue { target } => {
            let wave = store.find_wave(target.programme.as_deref(), &target.wave)?;
            let pending = store.pending_hours(wave.id)?;
            for p in &pending {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    p.entry_id,
                    uk_date(p.date),
                    p.participant_name,
                    p.organisation,
                    hours_and_minutes(p.minutes),
                    p.activity
                );
            }
            println!(
                "{} entries wait for a decision in {}",
                pending.len(),
                wave.name
            );
            Ok(())
        }
        HoursCommand::Export { target, by, out } => {
            let wave = store.find_wave(target.programme.as_deref(), &target.wave)?;
            let kind = match by {
                ReportKindArg::Participant => HoursReportKind::Participants,
                ReportKindArg::Organisation => HoursReportKind::Organisations,
                ReportKindArg::Entry => HoursReportKind::Entries,
            };
            let xlsx = out
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
            let report = act::report(store, wave.id, kind, xlsx)?;
            mixwell_actions::export::write_file(&out, &report.file.bytes)?;
            println!("wrote {} rows to {}", report.rows, out.display());
            Ok(())
        }
        HoursCommand::Milestones(command) => milestones(store, command),
        HoursCommand::Orgs => {
            for o in store.volunteering_organisations()? {
                println!("{}\t{}\t{}", o.name, o.contact, o.address);
            }
            Ok(())
        }
        HoursCommand::Org {
            name,
            contact,
            address,
        } => {
            let o = store.save_volunteering_organisation(&name, &contact, &address)?;
            println!("saved {}", o.name);
            Ok(())
        }
        HoursCommand::Place {
            participant,
            org,
            supervisor,
            starts,
        } => {
            let who = store.find_participant_ref(&participant)?;
            let organisation = store
                .volunteering_organisations()?
                .into_iter()
                .find(|o| o.name.eq_ignore_ascii_case(org.trim()))
                .ok_or(StoreError::NoSuchName {
                    what: "organisation",
                    name: org.clone(),
                })?;
            store.place_volunteer(who, organisation.id, &supervisor, starts)?;
            println!(
                "placed {participant} with {} (supervisor {})",
                organisation.name,
                supervisor.trim()
            );
            Ok(())
        }
    }
}

fn decide(store: &mut Store, entries: &[String], decision: Decision, by: &str) -> CliResult {
    let ids = entries
        .iter()
        .map(|e| entry_id(e))
        .collect::<Result<Vec<_>, _>>()?;
    act::decide_many(store, &ids, decision, VerifyMethod::Coordinator, by).map_err(|e| {
        rejected_or(
            e,
            |p| entries.get(p.row as usize).cloned().unwrap_or_default(),
            "nothing was saved",
        )
    })?;
    let word = match decision {
        Decision::Verified => "verified",
        Decision::Rejected => "rejected",
    };
    for entry in entries {
        println!("{word} {entry} ({by})");
    }
    Ok(())
}

/// One row of an import file, with the line it is on.
struct Line {
    line: u64,
    hours: NewHours,
}

/// Reads `participant_id,organisation,date,minutes[,activity]`; every unreadable field is
/// reported with its line before anything is checked against the ledger.
fn read_import(file: &Path, verified_by: Option<&str>) -> Result<Vec<Line>, CliError> {
    let name = file.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(file)
        .map_err(|e| CliError::Input(format!("{name}: {e}")))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| CliError::Input(format!("{name}: line 1: {e}")))?
        .iter()
        .map(normalise_header)
        .collect();
    let column = |wanted: &str| headers.iter().position(|h| *h == normalise_header(wanted));
    let required = ["participant_id", "organisation", "date", "minutes"];
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| column(c).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(CliError::Input(format!(
            "{name}: line 1: no {} column (expected participant_id,organisation,date,minutes,activity)",
            missing.join(", ")
        )));
    }
    let at = |c: &str| column(c).unwrap_or(usize::MAX);
    let (who, org, date_at, minutes_at) = (
        at("participant_id"),
        at("organisation"),
        at("date"),
        at("minutes"),
    );
    let activity_at = column("activity");
    let mut rows = Vec::new();
    let mut unreadable = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = record.map_err(|e| CliError::Input(format!("{name}: line {line}: {e}")))?;
        let field = |c: usize| record.get(c).unwrap_or("").trim().to_owned();
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let date = NaiveDate::parse_from_str(&field(date_at), "%Y-%m-%d");
        let minutes = field(minutes_at).parse::<u32>();
        if date.is_err() {
            unreadable.push(format!(
                "{name}: line {line}: date: {:?} is not a date written YYYY-MM-DD",
                field(date_at)
            ));
        }
        if minutes.is_err() {
            unreadable.push(format!(
                "{name}: line {line}: minutes: {:?} is not a whole number of minutes",
                field(minutes_at)
            ));
        }
        let (Ok(date), Ok(minutes)) = (date, minutes) else {
            continue;
        };
        rows.push(Line {
            line,
            hours: NewHours {
                participant: field(who),
                organisation: field(org),
                date,
                minutes,
                activity: activity_at.map(field).unwrap_or_default(),
                supervision: verified_by.map(|by| Supervision {
                    by: by.to_owned(),
                    signature: None,
                }),
            },
        });
    }
    if !unreadable.is_empty() {
        let mut err = std::io::stderr().lock();
        for u in &unreadable {
            let _ = writeln!(err, "{u}");
        }
        return Err(CliError::Input(format!(
            "{} problem(s); nothing was imported",
            unreadable.len()
        )));
    }
    if rows.is_empty() {
        return Err(CliError::Input(format!(
            "{name}: there are no hours in the file"
        )));
    }
    Ok(rows)
}

fn import(
    store: &mut Store,
    operator: &Operator,
    file: &Path,
    verified_by: Option<String>,
    allow_duplicate: bool,
) -> CliResult {
    let lines = read_import(file, verified_by.as_deref())?;
    let rows: Vec<NewHours> = lines.iter().map(|l| l.hours.clone()).collect();
    let name = file.display().to_string();
    let entries = act::log(store, operator, &rows, allow_duplicate).map_err(|e| {
        rejected_or(
            e,
            |p| {
                let line = lines.get(p.row as usize).map_or(0, |l| l.line);
                format!("{name}: line {line}")
            },
            "nothing was imported",
        )
    })?;
    let minutes: u32 = entries.iter().map(|e| e.minutes).sum();
    println!(
        "imported {} entries, {} in all",
        entries.len(),
        hours_and_minutes(minutes)
    );
    Ok(())
}

fn summary(store: &Store, wave: Id, json: bool) -> CliResult {
    let board = store.wave_hours(wave)?;
    if json {
        let rows: Vec<serde_json::Value> = board
            .iter()
            .map(|p| {
                serde_json::json!({
                    "participant_id": p.external_id,
                    "verified_minutes": p.totals.verified_minutes,
                    "pending_minutes": p.totals.pending_minutes,
                    "milestones": p
                        .milestones
                        .iter()
                        .filter(|m| m.reached_on.is_some())
                        .map(|m| m.name.clone())
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(rows));
        return Ok(());
    }
    for p in &board {
        let reached: Vec<&str> = p
            .milestones
            .iter()
            .filter(|m| m.reached_on.is_some())
            .map(|m| m.name.as_str())
            .collect();
        let risk: Vec<String> = p
            .milestones
            .iter()
            .filter(|m| m.at_risk)
            .map(|m| {
                format!(
                    "at risk: {} by {}",
                    m.name,
                    m.last_day.map(uk_date).unwrap_or_default()
                )
            })
            .collect();
        println!(
            "{}\t{}\t{} verified\t{} pending\t{}{}",
            p.external_id,
            p.name,
            hours_and_minutes(p.totals.verified_minutes),
            hours_and_minutes(p.totals.pending_minutes),
            reached.join(", "),
            if risk.is_empty() {
                String::new()
            } else {
                format!("\t{}", risk.join("; "))
            }
        );
    }
    Ok(())
}

fn show(store: &Store, participant: &str) -> CliResult {
    let id = store.find_participant_ref(participant)?;
    let timeline = store.hours_timeline(id)?;
    let h = &timeline.hours;
    println!(
        "{} ({}): {} verified, {} pending",
        h.name,
        h.external_id,
        hours_and_minutes(h.totals.verified_minutes),
        hours_and_minutes(h.totals.pending_minutes)
    );
    let names: std::collections::HashMap<Id, String> = store
        .volunteering_organisations()?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    for p in store.placements(id)? {
        println!(
            "  placed with {} (supervisor {}{})",
            names.get(&p.organisation_id).map_or("?", String::as_str),
            p.supervisor,
            p.starts_on
                .map(|d| format!(", from {}", uk_date(d)))
                .unwrap_or_default()
        );
    }
    for m in &h.milestones {
        let state = match (m.reached_on, m.last_day) {
            (Some(on), _) => format!("reached on {}", uk_date(on)),
            (None, _) if m.missed => "missed".to_owned(),
            (None, Some(last)) => format!(
                "{} of {} by {}{}",
                hours_and_minutes(m.counted_minutes),
                hours_and_minutes(m.minutes),
                uk_date(last),
                if m.at_risk { " (at risk)" } else { "" }
            ),
            (None, None) => format!(
                "{} of {}",
                hours_and_minutes(m.counted_minutes),
                hours_and_minutes(m.minutes)
            ),
        };
        println!("  {}: {state}", m.name);
    }
    for e in &timeline.entries {
        let status = match e.effective.status {
            Status::Pending => "pending",
            Status::Verified => "verified",
            Status::Rejected => "rejected",
            Status::Voided => "voided",
        };
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            e.original.id,
            uk_date(e.original.date),
            e.organisation,
            hours_and_minutes(e.original.minutes),
            status,
            e.original.activity
        );
        for c in &e.corrections {
            let what = match c.kind {
                mixwell_domain::hours::EntryKind::Void => "voided".to_owned(),
                _ => format!("set to {}", hours_and_minutes(c.minutes)),
            };
            println!("    {what} by {}: {}", c.logged_by, c.reason);
        }
        for d in &e.decisions {
            let word = match d.decision {
                Decision::Verified => "verified",
                Decision::Rejected => "rejected",
            };
            let how = match d.method {
                VerifyMethod::Coordinator => "coordinator",
                VerifyMethod::Supervisor => "supervisor",
            };
            println!("    {word} by {} ({how})", d.by);
        }
    }
    Ok(())
}

fn milestones(store: &mut Store, command: MilestonesCommand) -> CliResult {
    let programme = store.find_programme(command.programme())?;
    match command {
        MilestonesCommand::List { .. } => {}
        MilestonesCommand::Add {
            name,
            minutes,
            within_months,
            ..
        } => {
            store.add_milestone(programme.id, &name, minutes, within_months)?;
        }
        MilestonesCommand::Remove { name, .. } => {
            let found = store
                .milestones(programme.id)?
                .into_iter()
                .find(|m| m.name.eq_ignore_ascii_case(name.trim()))
                .ok_or(StoreError::NoSuchName {
                    what: "milestone",
                    name,
                })?;
            store.remove_milestone(found.id)?;
        }
    }
    for m in store.milestones(programme.id)? {
        match m.within_months {
            Some(months) => println!(
                "{}\t{} within {months} month(s) of the first day",
                m.name,
                hours_and_minutes(m.minutes)
            ),
            None => println!("{}\t{}", m.name, hours_and_minutes(m.minutes)),
        }
    }
    Ok(())
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
