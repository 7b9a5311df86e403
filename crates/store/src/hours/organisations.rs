//! The places young people volunteer at, and who is placed where with which supervisor.

use super::*;

pub(super) fn organisation_id_by_name(conn: &Connection, name: &str) -> StoreResult<Option<Id>> {
    conn.query_row(
        "SELECT id FROM volunteering_organisation WHERE name = ?1 COLLATE NOCASE",
        [name.trim()],
        |r| r.get::<_, String>(0),
    )
    .optional()?
    .map(|id| parse_id(&id))
    .transpose()
}

pub(super) fn save_organisation(
    w: &mut Writer<'_>,
    o: &VolunteeringOrganisation,
) -> StoreResult<()> {
    w.tx().execute(
        "INSERT INTO volunteering_organisation (id, name, contact, address) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, contact = excluded.contact,
             address = excluded.address",
        params![o.id.to_string(), o.name, o.contact, o.address],
    )?;
    w.record(Entity::VolunteeringOrganisation, o.id)
}

impl Store {
    pub fn volunteering_organisations(&self) -> StoreResult<Vec<VolunteeringOrganisation>> {
        let rows = self
            .conn()
            .prepare(
                "SELECT id, name, contact, address FROM volunteering_organisation
                 ORDER BY name COLLATE NOCASE",
            )?
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, name, contact, address)| {
                Ok(VolunteeringOrganisation {
                    id: parse_id(&id)?,
                    name,
                    contact,
                    address,
                })
            })
            .collect()
    }

    /// Each organisation's name, by id.
    pub(crate) fn organisation_names(&self) -> StoreResult<HashMap<Id, String>> {
        Ok(self
            .volunteering_organisations()?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect())
    }

    /// Adds an organisation, or updates the contact and address of the one with that name.
    pub fn save_volunteering_organisation(
        &mut self,
        name: &str,
        contact: &str,
        address: &str,
    ) -> StoreResult<VolunteeringOrganisation> {
        self.atomically(|store| {
            let name = validate_name("organisation", name)?;
            // The name stays as first written: "food bank" finds "Food Bank" (the same match as
            // logging uses, and the unique index).
            let existing = match organisation_id_by_name(store.conn(), &name)? {
                Some(id) => store
                    .volunteering_organisations()?
                    .into_iter()
                    .find(|o| o.id == id),
                None => None,
            };
            let organisation = VolunteeringOrganisation {
                id: match &existing {
                    Some(o) => o.id,
                    None => crate::replica::id_for_name(
                        store.conn(),
                        Entity::VolunteeringOrganisation,
                        &[],
                        &name,
                    )?,
                },
                name: existing.map_or(name, |o| o.name),
                contact: contact.trim().to_owned(),
                address: address.trim().to_owned(),
            };
            store.write(|w| save_organisation(w, &organisation))?;
            Ok(organisation)
        })
    }

    /// Places a participant with an organisation (or changes the supervisor and start).
    pub fn place_volunteer(
        &mut self,
        participant_id: Id,
        organisation_id: Id,
        supervisor: &str,
        starts_on: Option<NaiveDate>,
    ) -> StoreResult<VolunteerPlacement> {
        self.atomically(|store| {
            let existing: Option<String> = store
                .conn()
                .query_row(
                    "SELECT id FROM volunteering_placement WHERE participant_id = ?1 AND organisation_id = ?2",
                    params![participant_id.to_string(), organisation_id.to_string()],
                    |r| r.get(0),
                )
                .optional()?;
            let placement = VolunteerPlacement {
                id: existing
                    .as_deref()
                    .map(parse_id)
                    .transpose()?
                    .unwrap_or_else(|| {
                        mixwell_domain::natural_id(
                            "volunteering_placement",
                            &[&participant_id.to_string(), &organisation_id.to_string()],
                        )
                    }),
                participant_id,
                organisation_id,
                supervisor: supervisor.trim().to_owned(),
                starts_on,
            };
            store.write(|w| {
                w.tx().execute(
                    "INSERT INTO volunteering_placement (id, participant_id, organisation_id, supervisor, starts_on)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (id) DO UPDATE SET supervisor = excluded.supervisor, starts_on = excluded.starts_on",
                    params![
                        placement.id.to_string(),
                        placement.participant_id.to_string(),
                        placement.organisation_id.to_string(),
                        placement.supervisor,
                        placement.starts_on
                    ],
                )?;
                w.record(Entity::VolunteeringPlacement, placement.id)
            })?;
            Ok(placement)
        })
    }

    pub fn placements(&self, participant_id: Id) -> StoreResult<Vec<VolunteerPlacement>> {
        let rows = self
            .conn()
            .prepare(
                "SELECT id, organisation_id, supervisor, starts_on FROM volunteering_placement
                 WHERE participant_id = ?1",
            )?
            .query_map([participant_id.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, organisation, supervisor, starts_on)| {
                Ok(VolunteerPlacement {
                    id: parse_id(&id)?,
                    participant_id,
                    organisation_id: parse_id(&organisation)?,
                    supervisor,
                    starts_on,
                })
            })
            .collect()
    }
}
