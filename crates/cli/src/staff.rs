//! `mixwell staff`: the laptop's staff accounts (administrators only, once any exists).

use std::io::Write;

use clap::Subcommand;
use mixwell_actions::staff::{self, StaffChange};
use mixwell_actions::Access;
use mixwell_domain::{StaffMember, StaffRole};
use mixwell_store::{Store, StoreError};
use mixwell_vault::StaffSecret;

use crate::commands::{CliError, CliResult};

/// A new account's PIN or passphrase, for scripts.
pub const NEW_PIN_VARIABLE: &str = "MIXWELL_NEW_STAFF_PIN";

#[derive(Subcommand)]
pub enum StaffCommand {
    /// Add an account. Its PIN (six digits or more) or passphrase is typed twice, or read
    /// from MIXWELL_NEW_STAFF_PIN. The first account on a laptop is an administrator's.
    Add {
        name: String,
        /// field-staff, coordinator, safeguarding-lead or administrator.
        #[arg(long)]
        role: String,
        #[arg(long, default_value = "")]
        email: String,
    },
    /// List the accounts, open ones first.
    List {
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Give an account another role.
    Role { name: String, role: String },
    /// Set a new PIN or passphrase for an account (typed twice, or MIXWELL_NEW_STAFF_PIN).
    Pin { name: String },
    /// Close an account: it can no longer sign in; what it did keeps its name.
    Close { name: String },
    /// Open a closed account again.
    Reopen { name: String },
}

pub fn run(store: &mut Store, access: &Access, command: StaffCommand) -> CliResult {
    let changed = match command {
        StaffCommand::Add { name, role, email } => {
            let role = role_named(&role)?;
            staff::add(store, access, &name, &email, role, &new_secret(&name)?)?
        }
        StaffCommand::List { json } => return list(&staff::list(store, access)?, json),
        StaffCommand::Role { name, role } => {
            let change = StaffChange {
                role: Some(role_named(&role)?),
                active: None,
            };
            let id = account(store, &name)?.id;
            staff::update(store, access, id, &change, None)?
        }
        StaffCommand::Pin { name } => {
            let member = account(store, &name)?;
            let secret = new_secret(&member.name)?;
            staff::update(
                store,
                access,
                member.id,
                &StaffChange::default(),
                Some(&secret),
            )?
        }
        StaffCommand::Close { name } => set_open(store, access, &name, false)?,
        StaffCommand::Reopen { name } => set_open(store, access, &name, true)?,
    };
    println!(
        "{} ({}){}",
        changed.name,
        changed.role.label(),
        if changed.active { "" } else { ", closed" }
    );
    Ok(())
}

fn set_open(
    store: &mut Store,
    access: &Access,
    name: &str,
    open: bool,
) -> Result<StaffMember, CliError> {
    let member = account(store, name)?;
    let change = StaffChange {
        role: None,
        active: Some(open),
    };
    Ok(staff::update(store, access, member.id, &change, None)?)
}

fn account(store: &Store, name: &str) -> Result<StaffMember, CliError> {
    crate::access::find(store, name, true)
}

fn role_named(text: &str) -> Result<StaffRole, CliError> {
    StaffRole::parse(text).ok_or_else(|| {
        CliError::Input(format!(
            "{text:?} is not a role: use field-staff, coordinator, safeguarding-lead or administrator"
        ))
    })
}

fn new_secret(name: &str) -> Result<StaffSecret, CliError> {
    if let Some(pin) = std::env::var(NEW_PIN_VARIABLE)
        .ok()
        .filter(|p| !p.is_empty())
    {
        return Ok(StaffSecret::new(pin));
    }
    let first = crate::commands::ask(&format!("New PIN or passphrase for {name}: "))?;
    if crate::commands::ask("Type it again: ")?.as_str() != first.as_str() {
        return Err(CliError::Input(
            "the two differ; nothing was changed".into(),
        ));
    }
    Ok(StaffSecret::new(first.to_string()))
}

fn list(members: &[StaffMember], json: bool) -> CliResult {
    let mut out = std::io::stdout().lock();
    if json {
        let text = serde_json::to_string_pretty(members).map_err(StoreError::from)?;
        let _ = writeln!(out, "{text}");
        return Ok(());
    }
    for m in members {
        let _ = writeln!(
            out,
            "{}\t{}\t{}{}",
            m.id,
            m.name,
            m.role.label(),
            if m.active { "" } else { "\tclosed" }
        );
    }
    Ok(())
}
