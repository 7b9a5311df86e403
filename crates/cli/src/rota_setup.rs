//! `mixwell rota roles|sessions`: what a programme rotates, edited through the same store
//! calls as the app's "Roles and sessions" dialog. Every command prints the list as it
//! stands afterwards.

use clap::Subcommand;
use std::fmt::Write as _;

use mixwell_domain::Id;
use mixwell_store::{ProgrammeRole, ProgrammeSession, Store};

use crate::commands::{CliError, CliResult};

fn programme_id(store: &Store, name: &str) -> Result<Id, CliError> {
    Ok(store.find_programme(name)?.id)
}

/// What staff call a role or a session by.
pub(crate) trait Named {
    const WHAT: &'static str;
    fn name(&self) -> &str;
}

impl Named for ProgrammeRole {
    const WHAT: &'static str = "role";
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for ProgrammeSession {
    const WHAT: &'static str = "session";
    fn name(&self) -> &str {
        &self.name
    }
}

/// The one of `items` called `name` (case and surrounding spaces ignored). The error names
/// the option it came from, if any, and lists the names there are.
pub(crate) fn named<'a, T: Named + 'a>(
    items: impl IntoIterator<Item = &'a T> + Clone,
    name: &str,
    option: Option<&str>,
) -> Result<&'a T, CliError> {
    items
        .clone()
        .into_iter()
        .find(|item| item.name().eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| {
            let names: Vec<&str> = items.into_iter().map(Named::name).collect();
            CliError::Input(format!(
                "{}there is no {what} called {name:?} ({what}s: {})",
                option.map(|o| format!("{o}: ")).unwrap_or_default(),
                names.join(", "),
                what = T::WHAT,
            ))
        })
}

/// `--roles A,B` as role ids; `None` (every role) when the list is not given.
fn role_subset(
    roles: &[ProgrammeRole],
    names: Option<&[String]>,
) -> Result<Option<Vec<Id>>, CliError> {
    names
        .map(|names| {
            names
                .iter()
                .map(|n| named(roles, n, Some("--roles")).map(|r| r.id))
                .collect()
        })
        .transpose()
}

/// One role a line, in the order sessions fill them: `1. Team Leader (leading)`.
fn describe_roles(roles: &[ProgrammeRole]) -> String {
    let mut out = String::new();
    for (i, role) in roles.iter().enumerate() {
        let lead = if role.leading { " (leading)" } else { "" };
        let _ = writeln!(out, "{}. {}{lead}", i + 1, role.name);
    }
    out
}

/// One session a line with the roles it uses: `Day 1 morning: every role`.
fn describe_sessions(sessions: &[ProgrammeSession], roles: &[ProgrammeRole]) -> String {
    let mut out = String::new();
    for session in sessions {
        let used = if session.all_roles {
            "every role".to_owned()
        } else {
            roles
                .iter()
                .filter(|r| session.roles.contains(&r.id))
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(out, "{}: {used}", session.name);
    }
    out
}

pub fn roles(store: &mut Store, command: RolesCommand) -> CliResult {
    let programme = programme_id(store, command.programme())?;
    let roles = store.roles(programme)?;
    match command {
        RolesCommand::List { .. } => {}
        RolesCommand::Add { name, leading, .. } => {
            store.add_role(programme, &name, leading)?;
        }
        RolesCommand::Rename { role, to, .. } => {
            let role = named(&roles, &role, None)?;
            store.update_role(role.id, &to, role.leading)?;
        }
        RolesCommand::Lead { role, off, .. } => {
            let role = named(&roles, &role, None)?;
            store.update_role(role.id, &role.name, !off)?;
        }
        RolesCommand::Move { role, earlier, .. } => {
            store.move_role(named(&roles, &role, None)?.id, earlier)?;
        }
        RolesCommand::Remove { role, .. } => {
            store.remove_role(named(&roles, &role, None)?.id)?;
        }
    }
    print!("{}", describe_roles(&store.roles(programme)?));
    Ok(())
}

pub fn sessions(store: &mut Store, command: SessionsCommand) -> CliResult {
    let programme = programme_id(store, command.programme())?;
    let roles = store.roles(programme)?;
    let sessions = store.sessions(programme)?;
    match command {
        SessionsCommand::List { .. } => {}
        SessionsCommand::Add {
            name, roles: only, ..
        } => {
            let subset = role_subset(&roles, only.as_deref())?;
            store.add_session(programme, &name, subset.as_deref())?;
        }
        SessionsCommand::Rename { session, to, .. } => {
            let session = named(&sessions, &session, None)?;
            let subset = (!session.all_roles).then(|| session.roles.clone());
            store.update_session(session.id, &to, subset.as_deref())?;
        }
        SessionsCommand::Use {
            session,
            roles: only,
            ..
        } => {
            let session = named(&sessions, &session, None)?;
            let subset = role_subset(&roles, only.as_deref())?;
            store.update_session(session.id, &session.name, subset.as_deref())?;
        }
        SessionsCommand::Remove { session, .. } => {
            store.remove_session(named(&sessions, &session, None)?.id)?;
        }
    }
    print!(
        "{}",
        describe_sessions(&store.sessions(programme)?, &store.roles(programme)?)
    );
    Ok(())
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
