//! Staff members of the organisation.

use mixwell_domain::programme::validate_name;
use mixwell_domain::{Id, StaffMember, StaffRole};
use rusqlite::params;

use crate::db::parse_id;
use crate::error::StoreResult;
use crate::Store;
use mixwell_domain::Entity;

impl Store {
    pub fn add_staff_member(
        &mut self,
        name: &str,
        email: &str,
        role: StaffRole,
    ) -> StoreResult<StaffMember> {
        self.atomically(|store| {
            let organisation = store.ensure_organisation(crate::programmes::DEFAULT_ORGANISATION)?;
            let member = StaffMember {
                id: Id::now_v7(),
                organisation_id: organisation.id,
                name: validate_name("staff member", name)?,
                email: email.trim().to_owned(),
                role,
            };
            store.write(|w| {
                w.tx().execute(
                    "INSERT INTO staff_member (id, organisation_id, name, email, role) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        member.id.to_string(),
                        member.organisation_id.to_string(),
                        member.name,
                        member.email,
                        member.role.as_str()
                    ],
                )?;
                w.record(Entity::StaffMember, member.id)
            })?;
            Ok(member)
        })
    }

    pub fn staff_members(&self) -> StoreResult<Vec<StaffMember>> {
        let mut statement = self.conn().prepare(
            "SELECT id, organisation_id, name, email, role FROM staff_member ORDER BY name",
        )?;
        let rows = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, org, name, email, role)| {
                Ok(StaffMember {
                    id: parse_id(&id)?,
                    organisation_id: parse_id(&org)?,
                    name,
                    email,
                    role: StaffRole::parse(&role).unwrap_or(StaffRole::FieldStaff),
                })
            })
            .collect()
    }
}
