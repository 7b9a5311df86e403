//! Organisations, programmes and waves.

use chrono::NaiveDate;
use mixwell_domain::programme::{validate_name, validate_wave_dates};
use mixwell_domain::{Id, Organisation, Programme, Wave};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::db::parse_id;
use crate::error::{StoreError, StoreResult};
use crate::outbox::Writer;
use crate::Store;
use mixwell_domain::Entity;

/// The organisation a laptop works for until the hub sync names it.
pub(crate) const DEFAULT_ORGANISATION: &str = "My organisation";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewWave {
    pub name: String,
    pub site: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

/// The editable fields of a wave; the same shape as a new one.
pub type WaveUpdate = NewWave;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WaveSummary {
    pub wave: Wave,
    pub participants: u32,
}

const PROGRAMME_COLUMNS: &str = "id, organisation_id, name, archived";
const WAVE_COLUMNS: &str = "id, programme_id, name, site, starts_on, ends_on, archived";

fn programme_from(row: &Row<'_>) -> rusqlite::Result<(String, String, String, bool)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
}

fn to_programme(
    (id, org, name, archived): (String, String, String, bool),
) -> StoreResult<Programme> {
    Ok(Programme {
        id: parse_id(&id)?,
        organisation_id: parse_id(&org)?,
        name,
        archived,
    })
}

type WaveRow = (
    String,
    String,
    String,
    String,
    Option<NaiveDate>,
    Option<NaiveDate>,
    bool,
);

fn wave_from(row: &Row<'_>) -> rusqlite::Result<WaveRow> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
    ))
}

fn to_wave(
    (id, programme, name, site, starts_on, ends_on, archived): WaveRow,
) -> StoreResult<Wave> {
    Ok(Wave {
        id: parse_id(&id)?,
        programme_id: parse_id(&programme)?,
        name,
        site,
        starts_on,
        ends_on,
        archived,
    })
}

fn record_programme(w: &mut Writer<'_>, p: &Programme) -> StoreResult<()> {
    w.record(Entity::Programme, p.id)
}

fn record_wave(w: &mut Writer<'_>, wave: &Wave) -> StoreResult<()> {
    w.record(Entity::Wave, wave.id)
}

fn save_programme(w: &mut Writer<'_>, p: &Programme) -> StoreResult<()> {
    let taken: Option<String> = w
        .tx()
        .query_row(
            "SELECT id FROM programme WHERE organisation_id = ?1 AND name = ?2 COLLATE NOCASE AND id <> ?3",
            params![p.organisation_id.to_string(), p.name, p.id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        return Err(StoreError::NameTaken {
            what: "programme",
            name: p.name.clone(),
        });
    }
    w.tx().execute(
        "INSERT INTO programme (id, organisation_id, name, archived) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, archived = excluded.archived",
        params![
            p.id.to_string(),
            p.organisation_id.to_string(),
            p.name,
            p.archived
        ],
    )?;
    record_programme(w, p)
}

fn save_wave(w: &mut Writer<'_>, wave: &Wave) -> StoreResult<()> {
    let taken: Option<String> = w
        .tx()
        .query_row(
            "SELECT id FROM wave WHERE programme_id = ?1 AND name = ?2 COLLATE NOCASE AND id <> ?3",
            params![
                wave.programme_id.to_string(),
                wave.name,
                wave.id.to_string()
            ],
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        return Err(StoreError::NameTaken {
            what: "wave",
            name: wave.name.clone(),
        });
    }
    w.tx().execute(
        "INSERT INTO wave (id, programme_id, name, site, starts_on, ends_on, archived)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, site = excluded.site,
             starts_on = excluded.starts_on, ends_on = excluded.ends_on, archived = excluded.archived",
        params![
            wave.id.to_string(),
            wave.programme_id.to_string(),
            wave.name,
            wave.site,
            wave.starts_on,
            wave.ends_on,
            wave.archived
        ],
    )?;
    record_wave(w, wave)
}

impl Store {
    pub fn organisation(&self) -> StoreResult<Option<Organisation>> {
        let row: Option<(String, String)> = self
            .conn()
            .query_row(
                "SELECT id, name FROM organisation ORDER BY id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(id, name)| {
            Ok(Organisation {
                id: parse_id(&id)?,
                name,
            })
        })
        .transpose()
    }

    /// The laptop's organisation, created with `name` if there is none yet.
    pub fn ensure_organisation(&mut self, name: &str) -> StoreResult<Organisation> {
        self.atomically(|store| {
            if let Some(existing) = store.organisation()? {
                return Ok(existing);
            }
            // Until the laptop is enrolled with a hub, every laptop's organisation is the
            // same row, so what they share by USB or sync belongs to one organisation.
            let organisation = Organisation {
                id: mixwell_domain::natural_id("organisation", &["not yet enrolled"]),
                name: validate_name("organisation", name)?,
            };
            store.write(|w| {
                w.tx().execute(
                    "INSERT INTO organisation (id, name) VALUES (?1, ?2)",
                    params![organisation.id.to_string(), organisation.name],
                )?;
                w.record(Entity::Organisation, organisation.id)
            })?;
            Ok(organisation)
        })
    }

    pub fn create_programme(&mut self, name: &str) -> StoreResult<Programme> {
        self.atomically(|store| {
            let organisation = store.ensure_organisation(DEFAULT_ORGANISATION)?;
            let name = validate_name("programme", name)?;
            let programme = Programme {
                id: crate::replica::id_for_name(store.conn(), Entity::Programme, &[], &name)?,
                organisation_id: organisation.id,
                name,
                archived: false,
            };
            store.write(|w| {
                save_programme(w, &programme)?;
                crate::rota_setup::add_default_roles(w, programme.id)?;
                crate::rota_setup::add_default_sessions(w, programme.id)?;
                crate::milestones::add_default_milestones(w, programme.id)
            })?;
            Ok(programme)
        })
    }

    pub fn programme(&self, id: Id) -> StoreResult<Programme> {
        let row = self
            .conn()
            .query_row(
                &format!("SELECT {PROGRAMME_COLUMNS} FROM programme WHERE id = ?1"),
                [id.to_string()],
                programme_from,
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "programme",
                id: id.to_string(),
            })?;
        to_programme(row)
    }

    pub fn programmes(&self, include_archived: bool) -> StoreResult<Vec<Programme>> {
        let mut statement = self.conn().prepare(&format!(
            "SELECT {PROGRAMME_COLUMNS} FROM programme WHERE archived = 0 OR ?1 ORDER BY name COLLATE NOCASE"
        ))?;
        let rows = statement
            .query_map([include_archived], programme_from)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(to_programme).collect()
    }

    pub fn rename_programme(&mut self, id: Id, name: &str) -> StoreResult<Programme> {
        self.atomically(|store| {
            let mut programme = store.programme(id)?;
            programme.name = validate_name("programme", name)?;
            store.write(|w| save_programme(w, &programme))?;
            Ok(programme)
        })
    }

    /// Archiving hides a programme from the everyday lists; nothing is deleted.
    pub fn set_programme_archived(&mut self, id: Id, archived: bool) -> StoreResult<Programme> {
        self.atomically(|store| {
            let mut programme = store.programme(id)?;
            programme.archived = archived;
            store.write(|w| save_programme(w, &programme))?;
            Ok(programme)
        })
    }

    pub fn find_programme(&self, name: &str) -> StoreResult<Programme> {
        self.programmes(true)?
            .into_iter()
            .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
            .ok_or(StoreError::NoSuchName {
                what: "programme",
                name: name.to_owned(),
            })
    }

    pub fn create_wave(&mut self, programme_id: Id, new: &NewWave) -> StoreResult<Wave> {
        self.atomically(|store| {
            store.programme(programme_id)?;
            validate_wave_dates(new.starts_on, new.ends_on)?;
            let name = validate_name("wave", &new.name)?;
            let wave = Wave {
                id: crate::replica::id_for_name(
                    store.conn(),
                    Entity::Wave,
                    &[&programme_id.to_string()],
                    &name,
                )?,
                programme_id,
                name,
                site: new.site.trim().to_owned(),
                starts_on: new.starts_on,
                ends_on: new.ends_on,
                archived: false,
            };
            store.write(|w| save_wave(w, &wave))?;
            Ok(wave)
        })
    }

    pub fn wave(&self, id: Id) -> StoreResult<Wave> {
        let row = self
            .conn()
            .query_row(
                &format!("SELECT {WAVE_COLUMNS} FROM wave WHERE id = ?1"),
                [id.to_string()],
                wave_from,
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "wave",
                id: id.to_string(),
            })?;
        to_wave(row)
    }

    /// The waves of a programme with how many participants each has, earliest first.
    pub fn waves(&self, programme_id: Id, include_archived: bool) -> StoreResult<Vec<WaveSummary>> {
        let mut statement = self.conn().prepare(&format!(
            "SELECT {WAVE_COLUMNS}, (SELECT count(*) FROM participant p WHERE p.wave_id = wave.id)
             FROM wave WHERE programme_id = ?1 AND (archived = 0 OR ?2)
             ORDER BY starts_on IS NULL, starts_on, name COLLATE NOCASE"
        ))?;
        let rows = statement
            .query_map(params![programme_id.to_string(), include_archived], |r| {
                Ok((wave_from(r)?, r.get::<_, u32>(7)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(row, participants)| {
                Ok(WaveSummary {
                    wave: to_wave(row)?,
                    participants,
                })
            })
            .collect()
    }

    pub fn update_wave(&mut self, id: Id, update: &WaveUpdate) -> StoreResult<Wave> {
        self.atomically(|store| {
            validate_wave_dates(update.starts_on, update.ends_on)?;
            let mut wave = store.wave(id)?;
            wave.name = validate_name("wave", &update.name)?;
            wave.site = update.site.trim().to_owned();
            wave.starts_on = update.starts_on;
            wave.ends_on = update.ends_on;
            store.write(|w| save_wave(w, &wave))?;
            Ok(wave)
        })
    }

    pub fn set_wave_archived(&mut self, id: Id, archived: bool) -> StoreResult<Wave> {
        self.atomically(|store| {
            let mut wave = store.wave(id)?;
            wave.archived = archived;
            store.write(|w| save_wave(w, &wave))?;
            Ok(wave)
        })
    }

    /// Finds a wave by name, within a programme when one is named. A name shared by
    /// waves of several programmes is an error that asks for the programme.
    pub fn find_wave(&self, programme: Option<&str>, name: &str) -> StoreResult<Wave> {
        let programme_id = programme
            .map(|p| self.find_programme(p))
            .transpose()?
            .map(|p| p.id);
        let mut statement = self.conn().prepare(&format!(
            "SELECT {WAVE_COLUMNS} FROM wave WHERE name = ?1 COLLATE NOCASE AND (?2 IS NULL OR programme_id = ?2)"
        ))?;
        let rows = statement
            .query_map(
                params![name.trim(), programme_id.map(|p| p.to_string())],
                wave_from,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        match rows.len() {
            0 => Err(StoreError::NoSuchName {
                what: "wave",
                name: name.to_owned(),
            }),
            1 => to_wave(rows.into_iter().next().expect("one row")),
            count => Err(StoreError::AmbiguousName {
                what: "wave",
                name: name.to_owned(),
                count,
            }),
        }
    }
}
