//! What a programme rotates: its roles (which of them count as leading) and its sessions,
//! each using all roles or a subset. Every wave of the programme follows the same sessions.

use mixwell_domain::programme::validate_name;
use mixwell_domain::Id;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::parse_id;
use crate::error::{StoreError, StoreResult};
use crate::outbox::Writer;
use crate::Store;
use mixwell_domain::Entity;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProgrammeRole {
    pub id: Id,
    pub programme_id: Id,
    pub name: String,
    /// Holding it counts as leading: these turns are shared out first and equally.
    pub leading: bool,
    /// Sessions fill roles in this order.
    pub position: u32,
    /// No session uses it any more; kept for the turns that did.
    pub removed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProgrammeSession {
    pub id: Id,
    pub programme_id: Id,
    pub name: String,
    pub position: u32,
    /// The roles in use, in the programme's order; `all_roles` when it uses every role.
    pub roles: Vec<Id>,
    pub all_roles: bool,
}

/// Sessions a new programme starts with: a four-day residential.
const DEFAULT_SESSIONS: [&str; 8] = [
    "Day 1 morning",
    "Day 1 afternoon",
    "Day 2 morning",
    "Day 2 afternoon",
    "Day 3 morning",
    "Day 3 afternoon",
    "Day 4 morning",
    "Day 4 afternoon",
];

const ROLE_COLUMNS: &str = "id, programme_id, name, leading, position, removed";

type RoleRow = (String, String, String, bool, u32, bool);

fn to_role(
    (id, programme, name, leading, position, removed): RoleRow,
) -> StoreResult<ProgrammeRole> {
    Ok(ProgrammeRole {
        id: parse_id(&id)?,
        programme_id: parse_id(&programme)?,
        name,
        leading,
        position,
        removed,
    })
}

fn invalid(message: impl Into<String>) -> StoreError {
    StoreError::InvalidRota(message.into())
}

fn save_role(w: &mut Writer<'_>, role: &ProgrammeRole) -> StoreResult<()> {
    if !role.removed {
        let taken: Option<String> = w
            .tx()
            .query_row(
                "SELECT id FROM programme_role WHERE programme_id = ?1 AND name = ?2 COLLATE NOCASE
                 AND removed = 0 AND id <> ?3",
                params![
                    role.programme_id.to_string(),
                    role.name,
                    role.id.to_string()
                ],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_some() {
            return Err(StoreError::NameTaken {
                what: "role",
                name: role.name.clone(),
            });
        }
    }
    w.tx().execute(
        "INSERT INTO programme_role (id, programme_id, name, leading, position, removed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, leading = excluded.leading,
             position = excluded.position, removed = excluded.removed",
        params![
            role.id.to_string(),
            role.programme_id.to_string(),
            role.name,
            role.leading,
            role.position,
            role.removed
        ],
    )?;
    w.record(Entity::ProgrammeRole, role.id)
}

fn save_session(w: &mut Writer<'_>, session: &ProgrammeSession) -> StoreResult<()> {
    let taken: Option<String> = w
        .tx()
        .query_row(
            "SELECT id FROM programme_session WHERE programme_id = ?1 AND name = ?2 COLLATE NOCASE AND id <> ?3",
            params![
                session.programme_id.to_string(),
                session.name,
                session.id.to_string()
            ],
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        return Err(StoreError::NameTaken {
            what: "session",
            name: session.name.clone(),
        });
    }
    let roles = (!session.all_roles)
        .then_some(session.roles.as_slice())
        .map(serde_json::to_string)
        .transpose()?;
    w.tx().execute(
        "INSERT INTO programme_session (id, programme_id, name, position, roles)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, position = excluded.position,
             roles = excluded.roles",
        params![
            session.id.to_string(),
            session.programme_id.to_string(),
            session.name,
            session.position,
            roles
        ],
    )?;
    w.record(Entity::ProgrammeSession, session.id)
}

/// The default roles of a programme, written with the programme.
pub(crate) fn add_default_roles(w: &mut Writer<'_>, programme_id: Id) -> StoreResult<()> {
    for (position, name) in mixwell_domain::programme::DEFAULT_ROLES.iter().enumerate() {
        save_role(
            w,
            &ProgrammeRole {
                // The same on every laptop, so a programme arriving by sync has one set.
                id: mixwell_domain::natural_id("default_role", &[&programme_id.to_string(), name]),
                programme_id,
                name: (*name).to_owned(),
                leading: position == 0,
                position: position as u32,
                removed: false,
            },
        )?;
    }
    Ok(())
}

/// The default sessions of a programme, written with the programme.
pub(crate) fn add_default_sessions(w: &mut Writer<'_>, programme_id: Id) -> StoreResult<()> {
    for (position, name) in DEFAULT_SESSIONS.iter().enumerate() {
        save_session(
            w,
            &ProgrammeSession {
                id: mixwell_domain::natural_id(
                    "default_session",
                    &[&programme_id.to_string(), name],
                ),
                programme_id,
                name: (*name).to_owned(),
                position: position as u32,
                roles: Vec::new(),
                all_roles: true,
            },
        )?;
    }
    Ok(())
}

impl Store {
    /// Gives programmes made before rotas existed the default roles and sessions.
    pub(crate) fn add_missing_rota_setup(&mut self) -> StoreResult<()> {
        self.atomically(|store| {
            let bare: Vec<String> = store
                .conn()
                .prepare(
                    "SELECT id FROM programme p WHERE NOT EXISTS
                     (SELECT 1 FROM programme_role r WHERE r.programme_id = p.id)",
                )?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for id in bare {
                let id = parse_id(&id)?;
                store.write(|w| {
                    add_default_roles(w, id)?;
                    add_default_sessions(w, id)
                })?;
            }
            Ok(())
        })
    }

    /// Every role of a programme in order, removed ones included.
    pub fn all_roles(&self, programme_id: Id) -> StoreResult<Vec<ProgrammeRole>> {
        let rows = self
            .conn()
            .prepare(&format!(
                "SELECT {ROLE_COLUMNS} FROM programme_role WHERE programme_id = ?1
                 ORDER BY removed, position, name"
            ))?
            .query_map([programme_id.to_string()], |r| RoleRow::try_from(r))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(to_role).collect()
    }

    /// The roles sessions use, in the order they are filled.
    pub fn roles(&self, programme_id: Id) -> StoreResult<Vec<ProgrammeRole>> {
        let mut roles = self.all_roles(programme_id)?;
        roles.retain(|r| !r.removed);
        Ok(roles)
    }

    fn role(&self, id: Id) -> StoreResult<ProgrammeRole> {
        let row = self
            .conn()
            .query_row(
                &format!("SELECT {ROLE_COLUMNS} FROM programme_role WHERE id = ?1"),
                [id.to_string()],
                |r| RoleRow::try_from(r),
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "role",
                id: id.to_string(),
            })?;
        to_role(row)
    }

    /// Adds a role after the others; every session using all roles uses it too.
    pub fn add_role(
        &mut self,
        programme_id: Id,
        name: &str,
        leading: bool,
    ) -> StoreResult<ProgrammeRole> {
        self.atomically(|store| {
            store.programme(programme_id)?;
            let position = store
                .all_roles(programme_id)?
                .iter()
                .map(|r| r.position + 1)
                .max()
                .unwrap_or(0);
            let role = ProgrammeRole {
                id: Id::now_v7(),
                programme_id,
                name: validate_name("role", name)?,
                leading,
                position,
                removed: false,
            };
            store.write(|w| save_role(w, &role))?;
            Ok(role)
        })
    }

    /// Renames a role or changes whether it counts as leading. At least one role in use
    /// must lead.
    pub fn update_role(&mut self, id: Id, name: &str, leading: bool) -> StoreResult<ProgrammeRole> {
        self.atomically(|store| {
            let mut role = store.role(id)?;
            if role.removed {
                return Err(invalid(format!(
                    "the role {:?} has been removed",
                    role.name
                )));
            }
            role.name = validate_name("role", name)?;
            role.leading = leading;
            let others_lead = store
                .roles(role.programme_id)?
                .iter()
                .any(|r| r.id != id && r.leading);
            if !leading && !others_lead {
                return Err(invalid(format!(
                    "{:?} is the only leading role: mark another role as leading first",
                    role.name
                )));
            }
            store.write(|w| save_role(w, &role))?;
            Ok(role)
        })
    }

    /// Moves a role one place earlier (`earlier`) or later in the order sessions fill.
    pub fn move_role(&mut self, id: Id, earlier: bool) -> StoreResult<Vec<ProgrammeRole>> {
        self.atomically(|store| {
            let role = store.role(id)?;
            let mut roles = store.roles(role.programme_id)?;
            let Some(at) = roles.iter().position(|r| r.id == id) else {
                return Ok(roles);
            };
            let other = if earlier {
                at.checked_sub(1)
            } else {
                Some(at + 1)
            };
            if let Some(other) = other.filter(|&o| o < roles.len()) {
                roles.swap(at, other);
                for (position, r) in roles.iter_mut().enumerate() {
                    r.position = position as u32;
                }
                store.write(|w| roles.iter().try_for_each(|r| save_role(w, r)))?;
            }
            Ok(roles)
        })
    }

    /// Takes a role out of every session from now on; turns already taken keep it. The
    /// last role, and the last leading role, cannot go.
    pub fn remove_role(&mut self, id: Id) -> StoreResult<ProgrammeRole> {
        self.atomically(|store| {
            let mut role = store.role(id)?;
            let roles = store.roles(role.programme_id)?;
            if roles.len() <= 1 {
                return Err(invalid("a rota needs at least one role"));
            }
            if role.leading && !roles.iter().any(|r| r.id != id && r.leading) {
                return Err(invalid(format!(
                    "{:?} is the only leading role: mark another role as leading first",
                    role.name
                )));
            }
            role.removed = true;
            let sessions = store.sessions(role.programme_id)?;
            store.write(|w| {
                save_role(w, &role)?;
                for mut session in sessions {
                    if !session.all_roles && session.roles.contains(&id) {
                        session.roles.retain(|r| *r != id);
                        save_session(w, &session)?;
                    }
                }
                Ok(())
            })?;
            Ok(role)
        })
    }

    /// A programme's sessions in order, each with the roles it uses in the order they fill.
    pub fn sessions(&self, programme_id: Id) -> StoreResult<Vec<ProgrammeSession>> {
        let roles = self.roles(programme_id)?;
        let rows: Vec<(String, String, u32, Option<String>)> = self
            .conn()
            .prepare(
                "SELECT id, name, position, roles FROM programme_session WHERE programme_id = ?1
                 ORDER BY position, name",
            )?
            .query_map([programme_id.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(id, name, position, subset)| {
                let chosen: Option<Vec<Id>> =
                    subset.map(|s| serde_json::from_str(&s)).transpose()?;
                Ok(ProgrammeSession {
                    id: parse_id(&id)?,
                    programme_id,
                    name,
                    position,
                    all_roles: chosen.is_none(),
                    roles: roles
                        .iter()
                        .filter(|r| chosen.as_ref().is_none_or(|c| c.contains(&r.id)))
                        .map(|r| r.id)
                        .collect(),
                })
            })
            .collect()
    }

    fn session(&self, id: Id) -> StoreResult<ProgrammeSession> {
        let programme: String = self
            .conn()
            .query_row(
                "SELECT programme_id FROM programme_session WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "session",
                id: id.to_string(),
            })?;
        self.sessions(parse_id(&programme)?)?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or(StoreError::NotFound {
                what: "session",
                id: id.to_string(),
            })
    }

    /// Checks a subset of roles: `None` is every role; a subset must name roles of the
    /// programme that are in use, at least one.
    fn session_roles(&self, programme_id: Id, roles: Option<&[Id]>) -> StoreResult<Vec<Id>> {
        let Some(roles) = roles else {
            return Ok(Vec::new());
        };
        let known = self.roles(programme_id)?;
        if roles.is_empty() {
            return Err(invalid("a session needs at least one role"));
        }
        if let Some(stranger) = roles.iter().find(|r| !known.iter().any(|k| k.id == **r)) {
            return Err(invalid(format!(
                "role {stranger} is not one of this programme's roles"
            )));
        }
        Ok(known
            .iter()
            .filter(|k| roles.contains(&k.id))
            .map(|k| k.id)
            .collect())
    }

    /// Adds a session after the others, using `roles` (every role when `None`).
    pub fn add_session(
        &mut self,
        programme_id: Id,
        name: &str,
        roles: Option<&[Id]>,
    ) -> StoreResult<ProgrammeSession> {
        self.atomically(|store| {
            store.programme(programme_id)?;
            let position = store
                .sessions(programme_id)?
                .iter()
                .map(|s| s.position + 1)
                .max()
                .unwrap_or(0);
            let session = ProgrammeSession {
                id: Id::now_v7(),
                programme_id,
                name: validate_name("session", name)?,
                position,
                all_roles: roles.is_none(),
                roles: store.session_roles(programme_id, roles)?,
            };
            store.write(|w| save_session(w, &session))?;
            store.session(session.id)
        })
    }

    /// Renames a session or changes the roles it uses (every role when `None`).
    pub fn update_session(
        &mut self,
        id: Id,
        name: &str,
        roles: Option<&[Id]>,
    ) -> StoreResult<ProgrammeSession> {
        self.atomically(|store| {
            let mut session = store.session(id)?;
            session.name = validate_name("session", name)?;
            session.all_roles = roles.is_none();
            session.roles = store.session_roles(session.programme_id, roles)?;
            store.write(|w| save_session(w, &session))?;
            store.session(id)
        })
    }

    /// Deletes a session with its planned turns and absences in every wave. A session with
    /// turns already done has happened and cannot be deleted.
    pub fn remove_session(&mut self, id: Id) -> StoreResult<()> {
        self.atomically(|store| {
            let session = store.session(id)?;
            let done: u32 = store.conn().query_row(
                "SELECT count(*) FROM rota_turn WHERE session_id = ?1 AND done = 1",
                [id.to_string()],
                |r| r.get(0),
            )?;
            if done > 0 {
                return Err(invalid(format!(
                    "{:?} has turns marked done, so it has happened and stays",
                    session.name
                )));
            }
            store.write(|w| {
                for (table, entity) in [
                    ("rota_turn", Entity::RotaTurn),
                    ("rota_absence", Entity::RotaAbsence),
                ] {
                    let ids: Vec<String> = w
                        .tx()
                        .prepare(&format!("SELECT id FROM {table} WHERE session_id = ?1"))?
                        .query_map([id.to_string()], |r| r.get(0))?
                        .collect::<Result<_, _>>()?;
                    w.tx().execute(
                        &format!("DELETE FROM {table} WHERE session_id = ?1"),
                        [id.to_string()],
                    )?;
                    for row in ids {
                        w.record(entity, parse_id(&row)?)?;
                    }
                }
                w.tx().execute(
                    "DELETE FROM programme_session WHERE id = ?1",
                    [id.to_string()],
                )?;
                w.record(Entity::ProgrammeSession, id)
            })
        })
    }
}
