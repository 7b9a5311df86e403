//! Making the tables what the replica's record says: a row is in its table when its last
//! insert or delete was an insert and every row it refers to is in its table. Whatever
//! order changes arrive in, the same record makes the same tables.

use std::collections::BTreeSet;

use mixwell_domain::{Entity, Fields};
use rusqlite::Connection;
use serde_json::Value as Json;

use super::row;
use super::schema::{spec, Schema, NAME};
use super::shadow;
use crate::error::{StoreError, StoreResult};

/// The rows sharing a name within a scope: the row with the lowest id keeps it, the others
/// show it with a number ("Day 1 (2)").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct NameGroup {
    entity: Entity,
    scope: Vec<String>,
    name: String,
}

pub(crate) fn name_group(entity: Entity, values: &Fields) -> Option<NameGroup> {
    let rule = spec(entity).names?;
    let name = values.get(NAME)?.as_str()?;
    Some(NameGroup {
        entity,
        scope: rule
            .scope
            .iter()
            .map(|column| values.get(*column).map(Json::to_string).unwrap_or_default())
            .collect(),
        name: mixwell_domain::name_key(name),
    })
}

pub(crate) struct Projector<'a> {
    conn: &'a Connection,
    schema: &'a Schema,
    groups: BTreeSet<NameGroup>,
    retry_parked: bool,
}

impl<'a> Projector<'a> {
    pub(crate) fn new(conn: &'a Connection, schema: &'a Schema) -> Self {
        Self {
            conn,
            schema,
            groups: BTreeSet::new(),
            retry_parked: false,
        }
    }

    /// The names of this group are settled when the projection finishes.
    pub(crate) fn settle(&mut self, group: Option<NameGroup>) {
        self.groups.extend(group);
    }

    /// Brings one row of a changing table into line with the record.
    pub(crate) fn project(&mut self, entity: Entity, id: &str) -> StoreResult<()> {
        let record = shadow::load(self.conn, entity, id)?;
        let values = record.values();
        let key = row::key_of(entity, &values);
        let exists = match &key {
            Some(key) => row::exists(self.conn, entity, key)?,
            None => false,
        };
        let belongs =
            record.alive() && key.is_some() && self.references_present(entity, &values)?;
        if belongs {
            let mut written = values.clone();
            if spec(entity).names.is_some() {
                // A name unique for now; settling the group gives the row its shown name.
                written.insert(NAME.into(), Json::from(format!("\u{1}{id}")));
                self.settle(name_group(entity, &values));
            }
            row::write(self.conn, entity, &written)?;
            if !exists {
                self.arrived(entity, &values)?;
            }
        } else if let (true, Some(key)) = (exists, key) {
            self.settle(name_group(entity, &values));
            self.remove(entity, &key)?;
        }
        Ok(())
    }

    /// Whether every row these values refer to is in its table.
    pub(crate) fn references_present(&self, entity: Entity, values: &Fields) -> StoreResult<bool> {
        for reference in self.schema.references(entity) {
            match values.get(&reference.column) {
                None | Some(Json::Null) => {}
                Some(value) => {
                    if !row::exists_where(
                        self.conn,
                        reference.parent,
                        &reference.parent_column,
                        value,
                    )? {
                        return Ok(false);
                    }
                }
            }
        }
        Ok(true)
    }

    /// The rows of other tables that refer to the row these values make: each referring
    /// entity, its column, and the value it would hold.
    fn referring(&self, entity: Entity, values: &Fields) -> Vec<(Entity, String, Json)> {
        self.schema
            .referrers(entity)
            .iter()
            .filter_map(|(child, reference)| {
                let value = values.get(&reference.parent_column)?;
                Some((*child, reference.column.clone(), value.clone()))
            })
            .collect()
    }

    /// A row came into its table: the rows waiting for it follow.
    pub(crate) fn arrived(&mut self, entity: Entity, values: &Fields) -> StoreResult<()> {
        for (child, column, value) in self.referring(entity, values) {
            if spec(child).append_only {
                self.retry_parked = true;
            } else {
                for id in shadow::ids_where(self.conn, child, &column, &value)? {
                    self.project(child, &id)?;
                }
            }
        }
        Ok(())
    }

    /// Takes a row out of its table, and first the rows that refer to it (they stay in the
    /// record, and come back if it does).
    fn remove(&mut self, entity: Entity, key: &[String]) -> StoreResult<()> {
        let Some(values) = row::read(self.conn, entity, key)? else {
            return Ok(());
        };
        for (child, column, value) in self.referring(entity, &values) {
            for child_key in row::keys_where(self.conn, child, &column, &value)? {
                if child == entity && child_key == key {
                    continue;
                }
                if spec(child).append_only {
                    return Err(StoreError::Corrupt {
                        what: "change",
                        detail: format!(
                            "a {} that the ledger or a saved team set refers to cannot be removed",
                            entity.as_str()
                        ),
                    });
                }
                let child_values = row::read(self.conn, child, &child_key)?.unwrap_or_default();
                self.settle(name_group(child, &child_values));
                self.remove(child, &child_key)?;
            }
        }
        row::delete(self.conn, entity, key)
    }

    /// Settles the names of every group touched, then places the ledger rows that were
    /// waiting for a row that has now arrived.
    pub(crate) fn finish(mut self) -> StoreResult<()> {
        for group in std::mem::take(&mut self.groups) {
            self.settle_names(&group)?;
        }
        if self.retry_parked {
            super::parked::place_waiting(self.conn, &self)?;
        }
        Ok(())
    }

    fn settle_names(&self, group: &NameGroup) -> StoreResult<()> {
        let rule = spec(group.entity)
            .names
            .expect("a name group has a name rule");
        let mut members = Vec::new();
        for id in shadow::ids_named(self.conn, group.entity, &group.name)? {
            let record = shadow::load(self.conn, group.entity, &id)?;
            let values = record.values();
            if name_group(group.entity, &values).as_ref() != Some(group) || !record.alive() {
                continue;
            }
            let Some(key) = row::key_of(group.entity, &values) else {
                continue;
            };
            if !row::exists(self.conn, group.entity, &key)? {
                continue;
            }
            let base = values
                .get(NAME)
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_owned();
            let outside = rule
                .unless
                .is_some_and(|column| values.get(column).and_then(Json::as_i64) == Some(1));
            members.push((id, key, base, outside));
        }
        members.sort_by(|a, b| a.0.cmp(&b.0));
        for (id, key, _, _) in &members {
            row::set_name(self.conn, group.entity, key, &format!("\u{1}{id}"))?;
        }
        let mut place = 0;
        for (id, key, base, outside) in &members {
            // A row the rule leaves out (a removed role) may share its name: it keeps it.
            let shown = if *outside {
                base.clone()
            } else {
                place += 1;
                self.free_name(group.entity, key, base, place, id)?
            };
            row::set_name(self.conn, group.entity, key, &shown)?;
            let differs = shown != *base;
            shadow::set_shown_name(
                self.conn,
                group.entity,
                id,
                differs.then_some(shown.as_str()),
            )?;
        }
        Ok(())
    }

    /// The name the `place`-th row of a group shows: its own for the first, numbered for
    /// the others, with the start of its id should another row already have that number.
    fn free_name(
        &self,
        entity: Entity,
        key: &[String],
        base: &str,
        place: usize,
        id: &str,
    ) -> StoreResult<String> {
        if place == 1 {
            return Ok(base.to_owned());
        }
        let numbered = format!("{base} ({place})");
        match row::set_name(self.conn, entity, key, &numbered) {
            Ok(()) => Ok(numbered),
            Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Ok(format!("{base} ({place}, {})", &id[..8.min(id.len())]))
            }
            Err(other) => Err(other),
        }
    }
}
