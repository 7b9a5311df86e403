//! `mixwell hub …`: running the organisation's hub and managing its devices.

use std::io::Write;
use std::sync::Arc;

use clap::{Args, Subcommand, ValueEnum};
use mixwell_hub::{Hub, HubError, NewEnrolment};
use mixwell_sync::wire::DeviceRole;

use crate::commands::{CliError, CliResult};

#[derive(Args)]
pub struct HubDatabase {
    /// The hub's database: a SQLite file path, or a postgres:// URL.
    #[arg(long, value_name = "DB")]
    database: String,
}

#[derive(Subcommand)]
pub enum HubCommand {
    /// Create the organisation and the hub's keys in a new hub database.
    Init {
        #[command(flatten)]
        database: HubDatabase,
        /// The organisation's name, as devices and certificates show it.
        #[arg(long)]
        org: String,
    },
    /// Serve the hub (HTTP; put HTTPS in front of it, see the README).
    Serve {
        #[command(flatten)]
        database: HubDatabase,
        /// The address to listen on.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8440")]
        listen: String,
        /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
        #[arg(long, value_name = "FILE", requires = "tls_key")]
        tls_cert: Option<std::path::PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<std::path::PathBuf>,
        /// Compact the record a minute after starting and then every HOURS hours; 0
        /// never (with several hub processes on one database, one compacting is enough).
        #[arg(long, value_name = "HOURS", default_value_t = 24)]
        compact_every: u64,
    },
    /// Make a one-time enrolment code for a device (single use, good for 24 hours),
    /// printed as the last line.
    EnrolDevice {
        #[command(flatten)]
        database: HubDatabase,
        /// How the device is listed, such as "Peak District laptop 2".
        #[arg(long, value_name = "LABEL")]
        name: Option<String>,
        #[arg(long, value_enum, default_value = "field_staff")]
        role: Role,
        /// A programme a field laptop may see and change (repeat for several).
        #[arg(long = "programme", value_name = "NAME")]
        programmes: Vec<String>,
    },
    /// The devices enrolled with the hub.
    #[command(subcommand)]
    Devices(DevicesCommand),
    /// Take out of the record the changes later ones overwrite entirely, so a new or
    /// long-away device pulls what the organisation holds now (`hub serve` does this
    /// daily by itself).
    Compact {
        #[command(flatten)]
        database: HubDatabase,
    },
    /// Apply a laptop's bundle (from `mixwell sync export-bundle`), exactly once.
    ImportBundle {
        #[command(flatten)]
        database: HubDatabase,
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
    },
    /// Write, for one device, the changes it lacks (for `mixwell sync import-bundle`).
    ExportBundle {
        #[command(flatten)]
        database: HubDatabase,
        /// The device's id, as `hub devices list` shows it.
        #[arg(long)]
        device: mixwell_domain::Id,
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
pub enum DevicesCommand {
    /// Every device, with its role and when it was last seen.
    List {
        #[command(flatten)]
        database: HubDatabase,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a device: it is refused from now on; what it synced stays.
    Revoke {
        #[command(flatten)]
        database: HubDatabase,
        /// The device's id, as `hub devices list` shows it.
        device: mixwell_domain::Id,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Role {
    #[value(name = "field_staff")]
    FieldStaff,
    #[value(name = "coordinator")]
    Coordinator,
}

impl From<Role> for DeviceRole {
    fn from(role: Role) -> DeviceRole {
        match role {
            Role::FieldStaff => DeviceRole::FieldStaff,
            Role::Coordinator => DeviceRole::Coordinator,
        }
    }
}

impl From<HubError> for CliError {
    fn from(e: HubError) -> Self {
        CliError::Input(e.to_string())
    }
}

fn open(database: &HubDatabase) -> Result<Hub, CliError> {
    Ok(Hub::open(&database.database)?)
}

pub fn run(command: HubCommand) -> CliResult {
    match command {
        HubCommand::Init { database, org } => {
            let organisation = open(&database)?.init(&org)?;
            println!(
                "created the hub of {} (organisation {})",
                organisation.name, organisation.id
            );
            Ok(())
        }
        HubCommand::Serve {
            database,
            listen,
            tls_cert,
            tls_key,
            compact_every,
        } => serve(
            open(&database)?,
            &listen,
            tls_cert.zip(tls_key),
            (compact_every > 0).then(|| std::time::Duration::from_secs(compact_every * 3600)),
        ),
        HubCommand::EnrolDevice {
            database,
            name,
            role,
            programmes,
        } => {
            let hub = open(&database)?;
            let label = match name {
                Some(name) if !name.trim().is_empty() => name.trim().to_string(),
                _ => format!("Device {}", hub.devices()?.len() + 1),
            };
            let code = hub.create_enrolment(&NewEnrolment {
                label: label.clone(),
                role: role.into(),
                programmes,
            })?;
            println!("enrolment code for {label}, single use, good for 24 hours:");
            println!("{code}");
            Ok(())
        }
        HubCommand::Devices(DevicesCommand::List { database, json }) => {
            let devices = open(&database)?.devices()?;
            if json {
                let text = serde_json::to_string_pretty(&devices)
                    .map_err(|e| CliError::Input(e.to_string()))?;
                println!("{text}");
                return Ok(());
            }
            if devices.is_empty() {
                println!(
                    "no devices are enrolled yet: make a code with `mixwell hub enrol-device`"
                );
            }
            for device in devices {
                let seen = device.last_seen.map_or("never synced".to_string(), |t| {
                    format!("last seen {}", mixwell_domain::hours::london_date_time(t))
                });
                let state = if device.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    device.id,
                    device.label,
                    device.role.as_str(),
                    state,
                    seen
                );
            }
            Ok(())
        }
        HubCommand::Compact { database } => {
            let done = open(&database)?.compact()?;
            println!(
                "compacted the record: took out {} of {} change(s) that later ones overwrite",
                done.removed, done.before
            );
            Ok(())
        }
        HubCommand::ImportBundle { database, file } => {
            let bytes = crate::commands::read_file(&file)?;
            let imported = open(&database)?.import_bundle(&bytes)?;
            let pushed = imported.pushed;
            if pushed.accepted == 0 && pushed.refused.is_empty() {
                println!(
                    "this bundle from {} was imported before: nothing changed",
                    imported.device.label
                );
            } else {
                println!(
                    "imported {} change(s) from {} ({} already here, {} refused)",
                    pushed.accepted,
                    imported.device.label,
                    pushed.duplicates,
                    pushed.refused.len()
                );
            }
            Ok(())
        }
        HubCommand::ExportBundle {
            database,
            device,
            out,
        } => {
            let (bytes, count) = open(&database)?.export_bundle(device)?;
            mixwell_actions::export::write_file(&out, &bytes)?;
            println!("wrote {count} change(s) for {device} to {}", out.display());
            Ok(())
        }
        HubCommand::Devices(DevicesCommand::Revoke { database, device }) => {
            let revoked = open(&database)?.revoke(device)?;
            println!("revoked {} ({})", revoked.label, revoked.id);
            Ok(())
        }
    }
}

fn serve(
    hub: Hub,
    listen: &str,
    tls: Option<(std::path::PathBuf, std::path::PathBuf)>,
    compact_every: Option<std::time::Duration>,
) -> CliResult {
    let organisation = hub.organisation()?;
    // Few blocking threads: each holds its own memory arena, and the database serialises
    // the work anyway (one SQLite connection, a pool of 16 for PostgreSQL).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(16)
        .build()
        .map_err(|e| CliError::Input(format!("the hub could not start: {e}")))?;
    runtime.block_on(async {
        let listener = std::net::TcpListener::bind(listen)
            .map_err(|e| CliError::Input(format!("cannot listen on {listen}: {e}")))?;
        let address = listener
            .local_addr()
            .map_err(|e| CliError::Input(e.to_string()))?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        println!(
            "serving {} on {scheme}://{address} ({})",
            organisation.name,
            hub.backend_kind()
        );
        let _ = std::io::stdout().flush();
        let stopped = |e: std::io::Error| CliError::Input(format!("the hub stopped: {e}"));
        let hub = Arc::new(hub);
        if let Some(every) = compact_every {
            tokio::spawn(mixwell_hub::server::compact_now_and_then(
                Arc::clone(&hub),
                every,
            ));
        }
        match tls {
            Some((cert, key)) => mixwell_hub::serve_tls(hub, listener, &cert, &key)
                .await
                .map_err(stopped),
            None => {
                listener.set_nonblocking(true).map_err(stopped)?;
                let listener = tokio::net::TcpListener::from_std(listener).map_err(stopped)?;
                mixwell_hub::serve(hub, listener).await.map_err(stopped)
            }
        }
    })
}
