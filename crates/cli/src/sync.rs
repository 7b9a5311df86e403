//! `mixwell sync …`: this laptop's side of sync with the organisation's hub.

use clap::Subcommand;
use mixwell_store::Store;
use mixwell_sync::{Report, SyncError};

use crate::commands::{CliError, CliResult};

#[derive(Subcommand)]
pub enum SyncCommand {
    /// Enrol this laptop with the organisation's hub, using a one-time code from the
    /// hub's administrator (`mixwell hub enrol-device`).
    Enrol {
        /// The hub's address, such as https://hub.example.org (plain http only to this
        /// machine).
        #[arg(long, value_name = "URL")]
        hub: String,
        #[arg(long)]
        code: String,
        /// A certificate (PEM) to trust for a hub serving HTTPS with the organisation's own
        /// certificate.
        #[arg(long, value_name = "FILE")]
        ca: Option<std::path::PathBuf>,
    },
    /// Push this laptop's changes to the hub and pull everyone else's.
    Now,
    /// How sync stands: the device, changes waiting, when it last synced, the hub.
    Status {
        /// One JSON object: {"device", "pending", "last_synced", "hub"}.
        #[arg(long)]
        json: bool,
    },
    /// This laptop's changes the hub refused, with the reason for each.
    Refused,
    /// Write this laptop's waiting changes for the hub to a file (a USB stick), signed by
    /// this laptop and readable only by the hub.
    ExportBundle {
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
    /// Read the hub's bundle for this laptop (from `mixwell hub export-bundle`).
    ImportBundle {
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
    },
}

/// How many times `sync now` tries while the hub cannot be reached.
const ATTEMPTS: u32 = 3;

pub fn run(store: &mut Store, command: SyncCommand) -> CliResult {
    match command {
        SyncCommand::Enrol { hub, code, ca } => {
            let ca = ca
                .map(|file| {
                    std::fs::read_to_string(&file).map_err(|error| CliError::File {
                        path: file.display().to_string(),
                        error,
                    })
                })
                .transpose()?;
            let link = mixwell_sync::enrol_trusting(store, &hub, &code, ca).map_err(sync_error)?;
            println!(
                "enrolled with {} as {} ({})",
                link.organisation.name,
                link.label,
                link.role.replace('_', " ")
            );
            if !link.programmes.is_empty() {
                println!("programmes: {}", link.programmes.join(", "));
            }
            Ok(())
        }
        SyncCommand::Now => {
            let report = mixwell_sync::sync_with_retries(store, ATTEMPTS, std::thread::sleep)
                .map_err(sync_error)?;
            print_report(&report);
            Ok(())
        }
        SyncCommand::Status { json } => status(store, json),
        SyncCommand::ExportBundle { out } => {
            let (bytes, count) = mixwell_sync::export_bundle(store).map_err(sync_error)?;
            mixwell_actions::export::write_file(&out, &bytes)?;
            println!(
                "wrote {count} change(s) for the hub to {}; import it there with `mixwell hub import-bundle`",
                out.display()
            );
            Ok(())
        }
        SyncCommand::ImportBundle { file } => {
            let bytes = crate::commands::read_file(&file)?;
            let report = mixwell_sync::import_bundle(store, &bytes).map_err(sync_error)?;
            if report.changed_nothing() {
                println!("this bundle was imported before (or a newer one was): nothing changed");
            } else {
                println!(
                    "merged {} change(s) from the hub ({} already here); the hub holds {} more of this laptop's changes",
                    report.pulled, report.already_here, report.acknowledged
                );
            }
            if report.refused > 0 {
                println!("see `mixwell sync refused` for why the hub refused some changes");
            }
            Ok(())
        }
        SyncCommand::Refused => {
            let refused = store.refused_changes()?;
            if refused.is_empty() {
                println!("the hub has refused none of this laptop's changes");
            }
            for change in refused {
                println!(
                    "{}\t{} {}\t{}",
                    change.device_seq, change.entity, change.entity_id, change.reason
                );
            }
            Ok(())
        }
    }
}

fn sync_error(error: SyncError) -> CliError {
    CliError::Action(error.into())
}

fn print_report(report: &Report) {
    println!(
        "pushed {} change(s) ({} already on the hub, {} refused)",
        report.pushed, report.already_on_hub, report.refused
    );
    println!(
        "pulled {} change(s) ({} already here)",
        report.pulled, report.already_here
    );
    if report.refreshed {
        println!(
            "the hub's record was restored from a backup: this laptop took it again from the start, counting what it held once"
        );
    }
    if report.refused > 0 {
        println!("see `mixwell sync refused` for why the hub refused some changes");
    }
    if report.clock_is_off() {
        println!(
            "warning: this laptop's clock is {} minute(s) {} the hub's; set it right so hours are in order",
            report.clock_offset_seconds.saturating_abs() / 60,
            if report.clock_offset_seconds > 0 {
                "ahead of"
            } else {
                "behind"
            }
        );
    }
    if report.clamped > 0 {
        println!(
            "warning: {} change(s) from other devices were stamped far in the future and were taken at this laptop's time",
            report.clamped
        );
    }
}

fn status(store: &Store, json: bool) -> CliResult {
    let status = store.sync_status()?;
    let last_synced = status
        .last_synced
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    if json {
        /// The contract of `sync status --json`, keys in this order.
        #[derive(serde::Serialize)]
        struct Line<'a> {
            device: String,
            pending: u32,
            last_synced: Option<String>,
            hub: Option<&'a str>,
        }
        let line = Line {
            device: status.device.to_string(),
            pending: status.pending,
            last_synced,
            hub: status.hub.as_deref(),
        };
        let text = serde_json::to_string(&line).map_err(|e| CliError::Input(e.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    println!("device: {}", status.device);
    match (&status.hub, &status.organisation) {
        (Some(hub), Some(organisation)) => println!("hub: {hub} ({organisation})"),
        (Some(hub), None) => println!("hub: {hub}"),
        _ => println!("hub: not enrolled"),
    }
    println!("waiting to sync: {} change(s)", status.pending);
    match status.last_synced {
        Some(t) => println!(
            "last synced: {}",
            mixwell_domain::hours::london_date_time(t)
        ),
        None => println!("last synced: never"),
    }
    if let Some(problem) = status.problem {
        println!("problem: {problem}");
    }
    if status.refused > 0 {
        println!("refused by the hub: {} change(s)", status.refused);
    }
    Ok(())
}
