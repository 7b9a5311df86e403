//! `mixwell rota roles|sessions`: what a programme rotates, edited through the same store
//! calls as the app's "Roles and sessions" dialog. Every command prints the list as it
//! stands afterwards.

use std::fmt::Write as _;

use mixwell_domain::Id;
use mixwell_store::{ProgrammeRole, ProgrammeSession, Store};

use crate::commands::{CliError, CliResult};
use crate::{RolesCommand, SessionsCommand};

fn programme_id(store: &Store, name: &str) -> Result<Id, CliError> {
    Ok(store.find_programme(name)?.id)
}

/// The role in use called `name` (case and surrounding spaces ignored).
fn role_named(roles: &[ProgrammeRole], name: &str) -> Result<Id, CliError> {
    roles
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(name.trim()))
        .map(|r| r.id)
        .ok_or_else(|| {
            let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
            CliError::Input(format!(
                "there is no role called {name:?} (roles: {})",
                names.join(", ")
            ))
        })
}

fn session_named(sessions: &[ProgrammeSession], name: &str) -> Result<Id, CliError> {
    sessions
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(name.trim()))
        .map(|s| s.id)
        .ok_or_else(|| {
            let names: Vec<&str> = sessions.iter().map(|s| s.name.as_str()).collect();
            CliError::Input(format!(
                "there is no session called {name:?} (sessions: {})",
                names.join(", ")
            ))
        })
}

/// `--roles A,B` as role ids; `None` (every role) when the list is not given.
fn role_subset(
    roles: &[ProgrammeRole],
    names: Option<&[String]>,
) -> Result<Option<Vec<Id>>, CliError> {
    names
        .map(|names| names.iter().map(|n| role_named(roles, n)).collect())
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
            let id = role_named(&roles, &role)?;
            let leading = roles.iter().any(|r| r.id == id && r.leading);
            store.update_role(id, &to, leading)?;
        }
        RolesCommand::Lead { role, off, .. } => {
            let id = role_named(&roles, &role)?;
            let name = roles
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.name.clone())
                .unwrap_or_default();
            store.update_role(id, &name, !off)?;
        }
        RolesCommand::Move { role, earlier, .. } => {
            store.move_role(role_named(&roles, &role)?, earlier)?;
        }
        RolesCommand::Remove { role, .. } => {
            store.remove_role(role_named(&roles, &role)?)?;
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
            let id = session_named(&sessions, &session)?;
            let current = sessions.iter().find(|s| s.id == id);
            let subset = current.filter(|s| !s.all_roles).map(|s| s.roles.clone());
            store.update_session(id, &to, subset.as_deref())?;
        }
        SessionsCommand::Use {
            session,
            roles: only,
            ..
        } => {
            let id = session_named(&sessions, &session)?;
            let name = sessions
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.name.clone())
                .unwrap_or_default();
            let subset = role_subset(&roles, only.as_deref())?;
            store.update_session(id, &name, subset.as_deref())?;
        }
        SessionsCommand::Remove { session, .. } => {
            store.remove_session(session_named(&sessions, &session)?)?;
        }
    }
    print!(
        "{}",
        describe_sessions(&store.sessions(programme)?, &store.roles(programme)?)
    );
    Ok(())
}
