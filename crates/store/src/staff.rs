//! Staff accounts of the organisation. They sync like every other table, so an account
//! made on one laptop signs in on every laptop of the organisation after sync.

use mixwell_domain::programme::validate_name;
use mixwell_domain::{Id, StaffMember, StaffRole};
use rusqlite::{params, OptionalExtension, Row};

use crate::db::parse_id;
use crate::error::{StoreError, StoreResult};
use crate::outbox::Writer;
use crate::Store;
use mixwell_domain::Entity;

const COLUMNS: &str = "id, organisation_id, name, email, role, active";

impl Store {
    /// A new account; `secret` is the PIN's or passphrase's hash (PHC string).
    pub fn add_staff_member(
        &mut self,
        name: &str,
        email: &str,
        role: StaffRole,
        secret: &str,
    ) -> StoreResult<StaffMember> {
        self.atomically(|store| {
            let organisation =
                store.ensure_organisation(crate::programmes::DEFAULT_ORGANISATION)?;
            let member = StaffMember {
                id: Id::now_v7(),
                organisation_id: organisation.id,
                name: validate_name("staff member", name)?,
                email: email.trim().to_owned(),
                role,
                active: true,
            };
            store.write(|w| save(w, &member, Some(secret)))?;
            Ok(member)
        })
    }

    /// Every account, open ones first, each by name.
    pub fn staff_members(&self) -> StoreResult<Vec<StaffMember>> {
        let mut statement = self.conn().prepare(&format!(
            "SELECT {COLUMNS} FROM staff_member ORDER BY active DESC, name COLLATE NOCASE, id"
        ))?;
        let rows = statement
            .query_map([], read)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(to_member).collect()
    }

    pub fn staff_member(&self, id: Id) -> StoreResult<StaffMember> {
        let row = self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM staff_member WHERE id = ?1"),
                [id.to_string()],
                read,
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "staff member",
                id: id.to_string(),
            })?;
        to_member(row)
    }

    /// Whether anyone must sign in: some account is open.
    pub fn has_staff_accounts(&self) -> StoreResult<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM staff_member WHERE active = 1)",
            [],
            |r| r.get(0),
        )?)
    }

    /// The hash an account's PIN or passphrase is checked against ('' if none is set).
    pub fn staff_secret(&self, id: Id) -> StoreResult<String> {
        self.conn()
            .query_row(
                "SELECT secret FROM staff_member WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "staff member",
                id: id.to_string(),
            })
    }

    /// Changes an account's role, PIN or passphrase hash, or whether it is open.
    pub fn update_staff_member(
        &mut self,
        id: Id,
        role: Option<StaffRole>,
        secret: Option<&str>,
        active: Option<bool>,
    ) -> StoreResult<StaffMember> {
        self.atomically(|store| {
            let mut member = store.staff_member(id)?;
            if let Some(role) = role {
                member.role = role;
            }
            if let Some(active) = active {
                member.active = active;
            }
            store.write(|w| save(w, &member, secret))?;
            Ok(member)
        })
    }
}

/// Inserts or updates `member`, and its secret when one is given. Two open accounts may
/// not share a name: staff pick theirs from a list and the CLI names them.
fn save(w: &mut Writer<'_>, member: &StaffMember, secret: Option<&str>) -> StoreResult<()> {
    if member.active {
        let taken: Option<String> = w
            .tx()
            .query_row(
                "SELECT id FROM staff_member
                 WHERE active = 1 AND name = ?1 COLLATE NOCASE AND id <> ?2",
                params![member.name, member.id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_some() {
            return Err(StoreError::NameTaken {
                what: "staff member",
                name: member.name.clone(),
            });
        }
    }
    w.tx().execute(
        "INSERT INTO staff_member (id, organisation_id, name, email, role, active, secret)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, ''))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email,
             role = excluded.role, active = excluded.active,
             secret = coalesce(?7, staff_member.secret)",
        params![
            member.id.to_string(),
            member.organisation_id.to_string(),
            member.name,
            member.email,
            member.role.as_str(),
            member.active,
            secret,
        ],
    )?;
    w.record(Entity::StaffMember, member.id)
}

type StaffRow = (String, String, String, String, String, bool);

fn read(r: &Row<'_>) -> rusqlite::Result<StaffRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn to_member((id, org, name, email, role, active): StaffRow) -> StoreResult<StaffMember> {
    Ok(StaffMember {
        id: parse_id(&id)?,
        organisation_id: parse_id(&org)?,
        name,
        email,
        role: StaffRole::parse(&role).ok_or_else(|| StoreError::Corrupt {
            what: "staff role",
            detail: format!("{role:?} is not a role"),
        })?,
        active,
    })
}
