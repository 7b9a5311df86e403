//! `mixwell audit`: this laptop's audit trail, checked link by link, and its latest links.

use std::io::Write;

use clap::Subcommand;
use mixwell_store::{Store, StoreError};

use crate::commands::{CliError, CliResult};

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the whole trail: exit 0 when every link fits, 1 naming the first that does not.
    Verify {
        /// Print one JSON object: {"links": N, "intact": bool, "broken_at": N|null, "why": …}.
        #[arg(long)]
        json: bool,
    },
    /// The latest links (ids and codes only), oldest first.
    List {
        /// How many of the latest links.
        #[arg(long, default_value_t = 50)]
        last: u32,
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(store: &mut Store, command: AuditCommand) -> CliResult {
    let mut out = std::io::stdout().lock();
    match command {
        AuditCommand::Verify { json } => {
            let verdict = store.verify_audit()?;
            if json {
                let value = serde_json::json!({
                    "links": verdict.links,
                    "intact": verdict.broken.is_none(),
                    "broken_at": verdict.broken.as_ref().map(|b| b.seq),
                    "why": verdict.broken.as_ref().map(|b| b.why.clone()),
                });
                let _ = writeln!(out, "{value}");
            } else if verdict.broken.is_none() {
                let _ = writeln!(out, "audit trail intact: {} links", verdict.links);
            }
            match verdict.broken {
                None => Ok(()),
                Some(_) if json => Err(CliError::Exit(1)),
                Some(broken) => Err(CliError::Input(format!(
                    "{broken} ({} links before it fit) [{}]",
                    verdict.links,
                    mixwell_domain::ErrorCode::AuditBroken
                ))),
            }
        }
        AuditCommand::List { last, json } => {
            let links =
                store.audit_page(store.audit_len()?.saturating_sub(u64::from(last)), last)?;
            if json {
                let text = serde_json::to_string_pretty(&links).map_err(StoreError::from)?;
                let _ = writeln!(out, "{text}");
                return Ok(());
            }
            for link in &links {
                let at = chrono::DateTime::from_timestamp_millis(
                    i64::try_from(link.at_ms).unwrap_or(i64::MAX),
                )
                .unwrap_or_default()
                .with_timezone(&chrono_tz::Europe::London);
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}\t{} {}",
                    link.seq,
                    at.format("%d/%m/%Y %H:%M:%S"),
                    link.action.as_str(),
                    link.entity,
                    link.entity_id
                );
            }
            Ok(())
        }
    }
}
