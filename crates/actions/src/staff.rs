//! Who is signed in, what their role lets them do, and the staff accounts themselves.
//!
//! Every command of the app and every subcommand of the CLI asks [`Access::require`] for
//! the [`Permission`] it needs before it touches the store, so a role is held to the same
//! rules whichever door it comes through. A device with no open staff account yet is
//! [`Access::Open`]: whoever unlocked its database may do everything, as before accounts
//! existed, until the first account (an administrator) is made; from then on someone signs
//! in, and accounts made on any laptop of the organisation arrive with sync.

use mixwell_domain::{Id, Participant, Permission, StaffMember, StaffRole};
use mixwell_store::Store;
use mixwell_vault::StaffSecret;

use crate::{ActionError, ActionResult};

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// The device has no open staff account: nobody signs in.
    Open,
    /// A signed-in staff member.
    Staff(SignedIn),
}

/// The account someone signed in with: ids and role only, never the secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SignedIn {
    pub id: Id,
    pub name: String,
    pub role: StaffRole,
}

impl Access {
    pub fn may(&self, permission: Permission) -> bool {
        match self {
            Access::Open => true,
            Access::Staff(who) => who.role.may(permission),
        }
    }

    /// Refuses, with the role and what it may not do, unless this access holds
    /// `permission`.
    pub fn require(&self, permission: Permission) -> ActionResult<()> {
        match self {
            Access::Staff(who) if !who.role.may(permission) => Err(ActionError::Forbidden {
                role: who.role,
                permission,
            }),
            _ => Ok(()),
        }
    }

    /// Everything this access may do, for the screen to hide what would be refused.
    pub fn permissions(&self) -> Vec<Permission> {
        Permission::ALL
            .into_iter()
            .filter(|&p| self.may(p))
            .collect()
    }

    /// The staff account's id, for the audit trail.
    pub fn staff_id(&self) -> Option<Id> {
        match self {
            Access::Open => None,
            Access::Staff(who) => Some(who.id),
        }
    }

    /// `participants` as this access may see them: without [`Permission::SeeSpecialCategory`]
    /// a named young person's ethnicity, faith and additional needs are blanked (a team's
    /// mix is shown as counts elsewhere).
    pub fn redact(&self, mut participants: Vec<Participant>) -> Vec<Participant> {
        if !self.may(Permission::SeeSpecialCategory) {
            for p in &mut participants {
                p.record.ethnicity.clear();
                p.record.faith.clear();
                p.record.additional_needs = None;
            }
        }
        participants
    }
}

/// What a device's store says about signing in: whether anyone must, and the open
/// accounts to pick from (names and roles only).
pub fn accounts(store: &Store) -> ActionResult<Vec<StaffMember>> {
    Ok(store
        .staff_members()?
        .into_iter()
        .filter(|m| m.active)
        .collect())
}

/// Signs `staff_id` in with `secret`. A closed account, or a secret that does not match,
/// is refused the same way, so a guess learns nothing about which accounts exist.
pub fn sign_in(store: &mut Store, staff_id: Id, secret: &StaffSecret) -> ActionResult<SignedIn> {
    let member = store.staff_member(staff_id).ok().filter(|m| m.active);
    let hash = match &member {
        Some(m) => store.staff_secret(m.id)?,
        None => String::new(),
    };
    match member {
        Some(m) if secret.matches(&hash) => {
            store.set_actor(Some(m.id));
            Ok(SignedIn {
                id: m.id,
                name: m.name,
                role: m.role,
            })
        }
        _ => Err(ActionError::WrongPin),
    }
}

/// A new staff account. On a device with no open account, the first must be an
/// administrator, so that someone can manage the rest.
pub fn add(
    store: &mut Store,
    access: &Access,
    name: &str,
    email: &str,
    role: StaffRole,
    secret: &StaffSecret,
) -> ActionResult<StaffMember> {
    access.require(Permission::ManageStaff)?;
    if !store.has_staff_accounts()? && role != StaffRole::Administrator {
        return Err(ActionError::Invalid(
            "the first staff account on a laptop must be an administrator's, so that someone can manage the others".into(),
        ));
    }
    let hash = secret.hash().map_err(mixwell_vault::VaultError::from)?;
    Ok(store.add_staff_member(name, email, role, &hash)?)
}

/// What can change about an account.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StaffChange {
    pub role: Option<StaffRole>,
    pub active: Option<bool>,
}

/// Changes an account's role, or closes or reopens it; `secret` sets a new PIN or
/// passphrase. The last open administrator's account cannot be closed or given another
/// role: nobody could manage accounts after it.
pub fn update(
    store: &mut Store,
    access: &Access,
    staff_id: Id,
    change: &StaffChange,
    secret: Option<&StaffSecret>,
) -> ActionResult<StaffMember> {
    access.require(Permission::ManageStaff)?;
    let member = store.staff_member(staff_id)?;
    let stays_administrator = change.active != Some(false)
        && change.role.unwrap_or(member.role) == StaffRole::Administrator;
    if member.active && member.role == StaffRole::Administrator && !stays_administrator {
        let others = store
            .staff_members()?
            .into_iter()
            .filter(|m| m.active && m.role == StaffRole::Administrator && m.id != member.id)
            .count();
        if others == 0 {
            return Err(ActionError::Invalid(format!(
                "{} is the only administrator: give someone else that role first",
                member.name
            )));
        }
    }
    let hash = secret
        .map(|s| s.hash().map_err(mixwell_vault::VaultError::from))
        .transpose()?;
    Ok(store.update_staff_member(staff_id, change.role, hash.as_deref(), change.active)?)
}

/// Every account, open and closed, for whoever manages them.
pub fn list(store: &Store, access: &Access) -> ActionResult<Vec<StaffMember>> {
    access.require(Permission::ManageStaff)?;
    Ok(store.staff_members()?)
}
