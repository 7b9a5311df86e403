//! `mixwell certificates`: issue, export, revoke and check volunteer-hour certificates,
//! through the same actions as the app. `verify` prints what the signed credential states
//! and, as its last line, `genuine`, `revoked` or `not genuine` (exit 0 only for genuine).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use mixwell_actions::certificates::{self as act, WaveSelection};
use mixwell_actions::export::write_file;
use mixwell_actions::Operator;
use mixwell_certificates::keys::KeySet;
use mixwell_certificates::verify::Verdict;
use mixwell_domain::hours::{hours_and_minutes, london_date, uk_date};
use mixwell_store::Store;

use crate::commands::{read_file, CliError, CliResult};

#[derive(Subcommand)]
pub enum CertificatesCommand {
    /// Export one participant's certificate (prints `number NUMBER code CODE` last), or a
    /// whole wave's into a folder or a ZIP, one PARTICIPANT_ID.pdf each.
    Export {
        /// The participant's roster id (or Mixwell id).
        #[arg(
            long,
            value_name = "ID",
            conflicts_with = "wave",
            required_unless_present = "wave"
        )]
        participant: Option<String>,
        /// The wave whose participants with verified hours get one each.
        #[arg(long, value_name = "NAME")]
        wave: Option<String>,
        /// The wave's programme, when two programmes have a wave of that name.
        #[arg(long, value_name = "NAME", requires = "wave")]
        programme: Option<String>,
        /// Only those who reached a milestone.
        #[arg(long, requires = "wave")]
        eligible_only: bool,
        /// FILE.pdf for one; a folder, or FILE.zip, for a wave.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// Check a certificate's PDF, or a verification code, against the organisation's keys
    /// and the revocations this laptop knows of.
    Verify {
        /// The certificate's PDF.
        #[arg(value_name = "FILE.pdf", required_unless_present = "code")]
        file: Option<PathBuf>,
        /// The verification code printed on it.
        #[arg(long, value_name = "CODE", conflicts_with = "file")]
        code: Option<String>,
        /// Check against this keys file (as `certificates keys` writes) instead of this
        /// laptop's organisation.
        #[arg(long, value_name = "FILE.json")]
        keys: Option<PathBuf>,
    },
    /// Revoke a certificate; checking it then says revoked, with the reason.
    Revoke {
        number: String,
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// The certificates issued to a wave's participants.
    List {
        #[arg(long, value_name = "NAME")]
        wave: String,
        #[arg(long, value_name = "NAME")]
        programme: Option<String>,
        /// One JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Write the organisation's public keys (a DID document) for checking with no network.
    Keys {
        #[arg(long, value_name = "FILE.json")]
        out: PathBuf,
    },
}

/// `verify` with a keys file needs no database.
pub fn is_offline(command: &CertificatesCommand) -> bool {
    matches!(
        command,
        CertificatesCommand::Verify {
            file: Some(_),
            keys: Some(_),
            ..
        }
    )
}

fn keys_file(path: &Path) -> Result<KeySet, CliError> {
    let document: serde_json::Value = serde_json::from_slice(&read_file(path)?).map_err(|e| {
        CliError::Input(format!(
            "{}: line {}, column {}: not JSON: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    KeySet::from_document(&document)
        .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))
}

/// Checks a PDF against a keys file alone.
pub fn verify_offline(command: CertificatesCommand) -> CliResult {
    let CertificatesCommand::Verify {
        file: Some(file),
        keys: Some(keys),
        ..
    } = command
    else {
        unreachable!("is_offline said so");
    };
    let keys = keys_file(&keys)?;
    show(&act::check_pdf(None, &read_file(&file)?, &[keys]))
}

pub fn run(store: &mut Store, operator: &Operator, command: CertificatesCommand) -> CliResult {
    match command {
        CertificatesCommand::Export {
            participant: Some(participant),
            out,
            ..
        } => {
            let id = store.find_participant_ref(&participant)?;
            let export = act::export_certificate(store, id, operator)?;
            write_file(&out, &export.file.bytes)?;
            eprintln!(
                "{} {}",
                if export.newly_issued {
                    "issued"
                } else {
                    "unchanged since issued:"
                },
                out.display()
            );
            println!("number {} code {}", export.number, export.code);
            Ok(())
        }
        CertificatesCommand::Export {
            wave: Some(wave),
            programme,
            eligible_only,
            out,
            ..
        } => {
            let wave = store.find_wave(programme.as_deref(), &wave)?;
            let selection = if eligible_only {
                WaveSelection::Milestone
            } else {
                WaveSelection::Verified
            };
            let report = act::export_wave_certificates(
                store,
                wave.id,
                selection,
                &out,
                operator,
                &mut |done, total| {
                    if done % 100 == 0 || done == total {
                        eprintln!("{done} of {total}");
                    }
                    true
                },
            )?;
            println!(
                "wrote {} certificate(s) to {} ({} newly issued, {} participant(s) left out)",
                report.written, report.path, report.newly_issued, report.skipped
            );
            Ok(())
        }
        CertificatesCommand::Export { .. } => Err(CliError::Input(
            "say whose certificates: --participant ID or --wave NAME".into(),
        )),
        CertificatesCommand::Verify { file, code, keys } => {
            let keys = match keys {
                Some(path) => vec![keys_file(&path)?],
                None => act::known_keys(store)?,
            };
            let verdict = match (file, code) {
                (Some(file), _) => act::check_pdf(Some(store), &read_file(&file)?, &keys),
                (None, Some(code)) => act::check_code(store, &code, &keys)?,
                (None, None) => unreachable!("clap requires one"),
            };
            show(&verdict)
        }
        CertificatesCommand::Revoke { number, reason } => {
            let revoked = act::revoke_certificate(store, &number, &reason, operator)?;
            println!("revoked {}", revoked.number);
            Ok(())
        }
        CertificatesCommand::List {
            wave,
            programme,
            json,
        } => {
            let wave = store.find_wave(programme.as_deref(), &wave)?;
            let list = act::wave_certificates(store, wave.id)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list).expect("a list always serialises")
                );
                return Ok(());
            }
            for c in &list {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    c.number,
                    c.participant_name,
                    hours_and_minutes(c.minutes),
                    c.issued_at.get(..10).unwrap_or(&c.issued_at),
                    match &c.revoked {
                        Some(reason) => format!("revoked: {reason}"),
                        None => "issued".to_owned(),
                    }
                );
            }
            println!("{} certificate(s)", list.len());
            Ok(())
        }
        CertificatesCommand::Keys { out } => {
            let keys = act::organisation_keys(store)?;
            let text = serde_json::to_string_pretty(&keys.document())
                .expect("a document always serialises");
            write_file(&out, format!("{text}\n").as_bytes())?;
            println!("wrote the keys of {} to {}", keys.controller, out.display());
            Ok(())
        }
    }
}

/// Prints what the credential states, then the verdict as the last line.
fn show(verdict: &Verdict) -> CliResult {
    if let Some(c) = verdict.certificate() {
        let f = &c.facts;
        println!("certificate {}", c.number);
        println!(
            "issued by {} on {}",
            f.organisation,
            uk_date(london_date(c.issued_at))
        );
        println!("to {}", f.participant_name);
        println!(
            "{} verified hours, {} to {}",
            hours_and_minutes(f.minutes),
            uk_date(f.first_day),
            uk_date(f.last_day)
        );
        println!("programme {} ({})", f.programme, f.wave);
        for o in &f.by_organisation {
            println!("  with {}: {}", o.name, hours_and_minutes(o.minutes));
        }
        for m in &f.milestones {
            println!("  milestone {} on {}", m.name, uk_date(m.reached_on));
        }
    }
    match verdict {
        Verdict::Revoked(_, revocation) => println!("revoked because {}", revocation.reason),
        Verdict::NotGenuine(why) => println!("{why}"),
        Verdict::Genuine(_) => {}
    }
    println!("{}", verdict.word());
    match verdict {
        Verdict::Genuine(_) => Ok(()),
        _ => Err(CliError::Exit(1)),
    }
}
