//! What verified volunteering minutes unlock in each programme. New programmes, and
//! programmes made before hours existed, start with HeadStart's.

use mixwell_domain::hours::headstart_milestones;
use mixwell_domain::programme::validate_name;
use mixwell_domain::Id;
use rusqlite::{params, OptionalExtension};

use crate::db::parse_id;
use crate::error::{StoreError, StoreResult};
use crate::hours::ProgrammeMilestone;
use crate::outbox::Writer;
use crate::Store;
use mixwell_domain::Entity;

fn save_milestone(w: &mut Writer<'_>, m: &ProgrammeMilestone, removed: bool) -> StoreResult<()> {
    let taken: Option<String> = w
        .tx()
        .query_row(
            "SELECT id FROM programme_milestone WHERE programme_id = ?1 AND name = ?2 COLLATE NOCASE
             AND removed = 0 AND id <> ?3",
            params![m.programme_id.to_string(), m.name, m.id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() && !removed {
        return Err(StoreError::NameTaken {
            what: "milestone",
            name: m.name.clone(),
        });
    }
    w.tx().execute(
        "INSERT INTO programme_milestone (id, programme_id, name, minutes, within_months, position, removed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, minutes = excluded.minutes,
             within_months = excluded.within_months, position = excluded.position,
             removed = excluded.removed",
        params![
            m.id.to_string(),
            m.programme_id.to_string(),
            m.name,
            m.minutes,
            m.within_months,
            m.position,
            removed
        ],
    )?;
    w.record(Entity::ProgrammeMilestone, m.id)
}

/// HeadStart's milestones, written with a new programme.
pub(crate) fn add_default_milestones(w: &mut Writer<'_>, programme_id: Id) -> StoreResult<()> {
    for (position, m) in headstart_milestones().into_iter().enumerate() {
        save_milestone(
            w,
            &ProgrammeMilestone {
                id: mixwell_domain::natural_id(
                    "default_milestone",
                    &[&programme_id.to_string(), &m.name],
                ),
                programme_id,
                name: m.name,
                minutes: m.minutes,
                within_months: m.within_months,
                position: position as u32,
            },
            false,
        )?;
    }
    Ok(())
}

fn invalid(message: String) -> StoreError {
    StoreError::InvalidMilestone(message)
}

fn check(minutes: u32, within_months: Option<u32>) -> StoreResult<()> {
    if minutes == 0 {
        return Err(invalid("a milestone needs at least 1 minute".into()));
    }
    if within_months == Some(0) {
        return Err(invalid(
            "a window must be at least 1 month (leave it empty for no deadline)".into(),
        ));
    }
    Ok(())
}

impl Store {
    /// Gives programmes made before hours existed HeadStart's milestones.
    pub(crate) fn add_missing_milestones(&mut self) -> StoreResult<()> {
        self.atomically(|store| {
            let bare: Vec<String> = store
                .conn()
                .prepare(
                    "SELECT id FROM programme p WHERE NOT EXISTS
                     (SELECT 1 FROM programme_milestone m WHERE m.programme_id = p.id)",
                )?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for id in bare {
                let id = parse_id(&id)?;
                store.write(|w| add_default_milestones(w, id))?;
            }
            Ok(())
        })
    }

    /// A programme's milestones, smallest first.
    pub fn milestones(&self, programme_id: Id) -> StoreResult<Vec<ProgrammeMilestone>> {
        let rows = self
            .conn()
            .prepare_cached(
                "SELECT id, name, minutes, within_months, position FROM programme_milestone
                 WHERE programme_id = ?1 AND removed = 0 ORDER BY minutes, position",
            )?
            .query_map([programme_id.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, name, minutes, within_months, position)| {
                Ok(ProgrammeMilestone {
                    id: parse_id(&id)?,
                    programme_id,
                    name,
                    minutes,
                    within_months,
                    position,
                })
            })
            .collect()
    }

    pub fn add_milestone(
        &mut self,
        programme_id: Id,
        name: &str,
        minutes: u32,
        within_months: Option<u32>,
    ) -> StoreResult<ProgrammeMilestone> {
        self.atomically(|store| {
            store.programme(programme_id)?;
            check(minutes, within_months)?;
            let position = store
                .milestones(programme_id)?
                .iter()
                .map(|m| m.position + 1)
                .max()
                .unwrap_or(0);
            let milestone = ProgrammeMilestone {
                id: Id::now_v7(),
                programme_id,
                name: validate_name("milestone", name)?,
                minutes,
                within_months,
                position,
            };
            store.write(|w| save_milestone(w, &milestone, false))?;
            Ok(milestone)
        })
    }

    fn milestone(&self, id: Id) -> StoreResult<ProgrammeMilestone> {
        let programme: String = self
            .conn()
            .query_row(
                "SELECT programme_id FROM programme_milestone WHERE id = ?1 AND removed = 0",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "milestone",
                id: id.to_string(),
            })?;
        self.milestones(parse_id(&programme)?)?
            .into_iter()
            .find(|m| m.id == id)
            .ok_or(StoreError::NotFound {
                what: "milestone",
                id: id.to_string(),
            })
    }

    pub fn update_milestone(
        &mut self,
        id: Id,
        name: &str,
        minutes: u32,
        within_months: Option<u32>,
    ) -> StoreResult<ProgrammeMilestone> {
        self.atomically(|store| {
            check(minutes, within_months)?;
            let milestone = ProgrammeMilestone {
                name: validate_name("milestone", name)?,
                minutes,
                within_months,
                ..store.milestone(id)?
            };
            store.write(|w| save_milestone(w, &milestone, false))?;
            Ok(milestone)
        })
    }

    pub fn remove_milestone(&mut self, id: Id) -> StoreResult<()> {
        self.atomically(|store| {
            let milestone = store.milestone(id)?;
            store.write(|w| save_milestone(w, &milestone, true))
        })
    }
}
