//! Staff accounts and what each role may do.
//!
//! One table, [`StaffRole::may`], says which [`Permission`]s a role holds. The app's
//! commands and the CLI's subcommands each name the permission they need and are refused
//! without it, so what a role can do is decided in one place and never only by what the
//! screen shows.

use serde::{Deserialize, Serialize};

use crate::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Team and wave leaders on site: teams, rota, hours.
    FieldStaff,
    /// Office staff running programmes: rosters, approvals, certificates, reports.
    Coordinator,
    /// Who handles concerns about a young person and their data rights.
    SafeguardingLead,
    /// Who looks after the organisation's devices and staff accounts.
    Administrator,
}

impl StaffRole {
    pub const ALL: [StaffRole; 4] = [
        StaffRole::FieldStaff,
        StaffRole::Coordinator,
        StaffRole::SafeguardingLead,
        StaffRole::Administrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::FieldStaff => "field_staff",
            StaffRole::Coordinator => "coordinator",
            StaffRole::SafeguardingLead => "safeguarding_lead",
            StaffRole::Administrator => "administrator",
        }
    }

    /// How staff read it: "safeguarding lead".
    pub fn label(self) -> &'static str {
        match self {
            StaffRole::FieldStaff => "field staff",
            StaffRole::Coordinator => "coordinator",
            StaffRole::SafeguardingLead => "safeguarding lead",
            StaffRole::Administrator => "administrator",
        }
    }

    /// The stored name, or what staff type: "safeguarding_lead", "safeguarding-lead" or
    /// "Safeguarding lead".
    pub fn parse(text: &str) -> Option<Self> {
        let wanted = text.trim().to_lowercase().replace(['-', ' '], "_");
        Self::ALL.into_iter().find(|r| r.as_str() == wanted)
    }

    /// Whether this role holds `permission`: the one table of who may do what.
    pub fn may(self, permission: Permission) -> bool {
        use Permission::*;
        use StaffRole::*;
        match permission {
            ViewWave | Sync => true,
            SeeSpecialCategory | EditParticipants | HandleRights => {
                matches!(self, Coordinator | SafeguardingLead)
            }
            RunSessions | LogHours => matches!(self, FieldStaff | Coordinator),
            ApproveHours | IssueCertificates | ExportReports => self == Coordinator,
            SetUpProgrammes | ManageDevice => matches!(self, Coordinator | Administrator),
            ReadAudit => matches!(self, SafeguardingLead | Administrator),
            ManageStaff => self == Administrator,
        }
    }
}

/// Something a command does that not every role may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See a wave: its young people by name, school and team, its teams' mix as counts,
    /// its rota and hours.
    ViewWave,
    /// See a named young person's ethnicity, faith and additional needs.
    SeeSpecialCategory,
    /// Import rosters and correct young people's records.
    EditParticipants,
    /// Create, rename and archive programmes and waves.
    SetUpProgrammes,
    /// Form and save teams; set up and run the rota; mark absences; print team lists and
    /// rota sheets.
    RunSessions,
    /// Log, correct and void volunteering hours; placements and volunteering organisations.
    LogHours,
    /// Approve or reject hours.
    ApproveHours,
    /// Issue, export and revoke certificates.
    IssueCertificates,
    /// Export reports about many young people (hours as CSV or XLSX).
    ExportReports,
    /// Young people's rights: subject access, erasure, consent records.
    HandleRights,
    /// Add staff accounts, change their roles, reset their PINs, close them.
    ManageStaff,
    /// Enrol the laptop with the organisation's hub.
    ManageDevice,
    /// Sync with the hub, and by USB bundle.
    Sync,
    /// Read and verify the audit trail.
    ReadAudit,
}

impl Permission {
    pub const ALL: [Permission; 14] = [
        Permission::ViewWave,
        Permission::SeeSpecialCategory,
        Permission::EditParticipants,
        Permission::SetUpProgrammes,
        Permission::RunSessions,
        Permission::LogHours,
        Permission::ApproveHours,
        Permission::IssueCertificates,
        Permission::ExportReports,
        Permission::HandleRights,
        Permission::ManageStaff,
        Permission::ManageDevice,
        Permission::Sync,
        Permission::ReadAudit,
    ];

    /// What it lets one do, to finish "Your role may not …".
    pub fn describe(self) -> &'static str {
        match self {
            Permission::ViewWave => "see a wave",
            Permission::SeeSpecialCategory => {
                "see a young person's ethnicity, faith or additional needs"
            }
            Permission::EditParticipants => "import rosters or change young people's records",
            Permission::SetUpProgrammes => "set up programmes and waves",
            Permission::RunSessions => "form teams or run the rota",
            Permission::LogHours => "log or correct volunteering hours",
            Permission::ApproveHours => "approve or reject hours",
            Permission::IssueCertificates => "issue or revoke certificates",
            Permission::ExportReports => "export reports",
            Permission::HandleRights => "handle a young person's data requests",
            Permission::ManageStaff => "manage staff accounts",
            Permission::ManageDevice => "enrol this laptop with a hub",
            Permission::Sync => "sync",
            Permission::ReadAudit => "read the audit trail",
        }
    }
}

/// A staff account. Its PIN or passphrase is kept as an Argon2id hash beside it in the
/// store and never leaves the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StaffMember {
    pub id: Id,
    pub organisation_id: Id,
    pub name: String,
    pub email: String,
    pub role: StaffRole,
    /// A closed account keeps its name on what it did but can no longer sign in.
    pub active: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_coordinators_and_safeguarding_leads_see_a_named_childs_faith() {
        let who: Vec<StaffRole> = StaffRole::ALL
            .into_iter()
            .filter(|r| r.may(Permission::SeeSpecialCategory))
            .collect();
        assert_eq!(who, [StaffRole::Coordinator, StaffRole::SafeguardingLead]);
    }

    #[test]
    fn every_role_can_see_a_wave_and_sync_and_only_administrators_manage_staff() {
        for role in StaffRole::ALL {
            assert!(role.may(Permission::ViewWave) && role.may(Permission::Sync));
            assert_eq!(
                role.may(Permission::ManageStaff),
                role == StaffRole::Administrator
            );
        }
    }

    #[test]
    fn every_permission_is_held_by_some_role_and_none_by_every_role_but_viewing_and_sync() {
        for permission in Permission::ALL {
            let holders = StaffRole::ALL.iter().filter(|r| r.may(permission)).count();
            assert!(holders > 0, "{permission:?}");
            let everyone = matches!(permission, Permission::ViewWave | Permission::Sync);
            assert_eq!(holders == StaffRole::ALL.len(), everyone, "{permission:?}");
        }
    }

    #[test]
    fn roles_read_back_from_their_stored_names_and_as_staff_type_them() {
        for role in StaffRole::ALL {
            assert_eq!(StaffRole::parse(role.as_str()), Some(role));
            assert_eq!(StaffRole::parse(role.label()), Some(role));
        }
        assert_eq!(
            StaffRole::parse("Safeguarding-Lead"),
            Some(StaffRole::SafeguardingLead)
        );
        assert_eq!(StaffRole::parse("volunteer"), None);
    }

    #[test]
    fn permissions_are_written_as_serde_writes_them() {
        assert_eq!(
            serde_json::to_string(&Permission::SeeSpecialCategory).unwrap(),
            "\"see_special_category\""
        );
    }
}
