//! Who runs a subcommand, and whether their role may. On a laptop with staff accounts the
//! CLI signs in like the app: the account from `--staff NAME` or `MIXWELL_STAFF`, its PIN
//! or passphrase typed when asked or, for scripts, from `MIXWELL_STAFF_PIN`. Each
//! subcommand needs one permission, named in [`needed`]; the match is exhaustive, so a new
//! subcommand cannot be added without saying what it needs.

use std::path::Path;

use mixwell_actions::staff;
use mixwell_actions::{Access, ActionError, Operator};
use mixwell_domain::Permission;
use mixwell_store::Store;
use mixwell_vault::StaffSecret;

use crate::audit::AuditCommand;
use crate::certificates::CertificatesCommand;
use crate::commands::{
    open_store, CliError, DemoCommand, ParticipantsCommand, ProgrammeCommand, RosterCommand,
    WaveCommand,
};
use crate::hours::{HoursCommand, MilestonesCommand};
use crate::sync::SyncCommand;
use crate::wave_rota::RotaCommand;
use crate::{Command, GroupsCommand};

/// The account to sign in with, for scripts.
pub const STAFF_VARIABLE: &str = "MIXWELL_STAFF";
/// Its PIN or passphrase, for scripts.
pub const PIN_VARIABLE: &str = "MIXWELL_STAFF_PIN";

/// The store at `db`, opened for someone who may do `permission`, with who they are.
pub fn open_for(
    db: &Path,
    staff_name: Option<&str>,
    permission: Permission,
) -> Result<(Store, Access), CliError> {
    let mut store = open_store(db)?;
    let access = sign_in(&mut store, staff_name)?;
    access.require(permission)?;
    Ok((store, access))
}

/// Hours and certificates are recorded as by the signed-in account, or by the computer's
/// user on a laptop without accounts.
pub fn operator(access: &Access) -> Operator {
    match access {
        Access::Staff(who) => Operator::named(&who.name),
        Access::Open => Operator::from_environment(),
    }
}

fn sign_in(store: &mut Store, staff_name: Option<&str>) -> Result<Access, CliError> {
    use std::io::IsTerminal;
    if !store.has_staff_accounts()? {
        return Ok(Access::Open);
    }
    let name = staff_name
        .map(str::to_owned)
        .or_else(|| std::env::var(STAFF_VARIABLE).ok())
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| {
            CliError::Input(format!(
                "this laptop has staff accounts: sign in with --staff NAME (or {STAFF_VARIABLE}) [signed_out]"
            ))
        })?;
    let account = find(store, &name, false)?;
    let secret = match std::env::var(PIN_VARIABLE).ok().filter(|p| !p.is_empty()) {
        Some(pin) => StaffSecret::new(pin),
        None if std::io::stdin().is_terminal() => StaffSecret::new(
            crate::commands::ask(&format!("PIN or passphrase for {}: ", account.name))?.to_string(),
        ),
        None => {
            return Err(CliError::Input(format!(
                "no PIN for {}: type it when asked, or set {PIN_VARIABLE} [signed_out]",
                account.name
            )))
        }
    };
    Ok(Access::Staff(staff::sign_in(store, account.id, &secret)?))
}

/// An account by its name (any case) or id: open ones only, or closed ones too.
pub fn find(
    store: &Store,
    name: &str,
    closed_too: bool,
) -> Result<mixwell_domain::StaffMember, CliError> {
    let wanted = name.trim();
    store
        .staff_members()?
        .into_iter()
        .filter(|m| m.active || closed_too)
        .find(|m| m.name.eq_ignore_ascii_case(wanted) || m.id.to_string() == wanted)
        .ok_or_else(|| {
            CliError::Action(ActionError::Store(mixwell_store::StoreError::NoSuchName {
                what: "staff account",
                name: wanted.to_owned(),
            }))
        })
}

/// What each subcommand that opens the laptop's database needs.
pub fn needed(command: &Command) -> Permission {
    use Permission::*;
    match command {
        Command::Roster(RosterCommand::Import { .. }) => EditParticipants,
        Command::Roster(RosterCommand::Export { .. }) => ExportReports,
        Command::Participants(ParticipantsCommand::List { .. }) => ViewWave,
        Command::Participants(ParticipantsCommand::ExportSubject { .. }) => HandleRights,
        Command::Programme(ProgrammeCommand::Create { .. })
        | Command::Wave(WaveCommand::Create { .. })
        | Command::Demo(DemoCommand::Seed) => SetUpProgrammes,
        Command::Programme(ProgrammeCommand::List { .. })
        | Command::Wave(WaveCommand::List { .. }) => ViewWave,
        Command::Groups(GroupsCommand::Check(_) | GroupsCommand::Print { .. })
        | Command::Groups(GroupsCommand::Form(_)) => RunSessions,
        Command::Rota(RotaCommand::Show { .. }) => ViewWave,
        Command::Rota(_) => RunSessions,
        Command::Hours(command) => hours(command),
        Command::Certificates(CertificatesCommand::List { .. }) => ViewWave,
        Command::Certificates(_) => IssueCertificates,
        Command::Sync(SyncCommand::Enrol { .. }) => ManageDevice,
        Command::Sync(SyncCommand::Status { .. } | SyncCommand::Refused) => ViewWave,
        Command::Sync(_) => Sync,
        Command::Audit(AuditCommand::Verify { .. } | AuditCommand::List { .. }) => ReadAudit,
        Command::Staff(_) => ManageStaff,
        // These work on files or the hub's own database, never the laptop's.
        Command::Hub(_) | Command::Bench(_) => ViewWave,
    }
}

fn hours(command: &HoursCommand) -> Permission {
    use Permission::*;
    match command {
        HoursCommand::Log { .. }
        | HoursCommand::Void { .. }
        | HoursCommand::Adjust { .. }
        | HoursCommand::Import { .. }
        | HoursCommand::Org { .. }
        | HoursCommand::Place { .. } => LogHours,
        HoursCommand::Verify { .. } | HoursCommand::Reject { .. } => ApproveHours,
        HoursCommand::Summary { .. }
        | HoursCommand::Show { .. }
        | HoursCommand::Queue { .. }
        | HoursCommand::Orgs => ViewWave,
        HoursCommand::Export { .. } => ExportReports,
        HoursCommand::Milestones(MilestonesCommand::List { .. }) => ViewWave,
        HoursCommand::Milestones(_) => SetUpProgrammes,
    }
}
