//! The replica: how this laptop's changes are recorded to travel, and how other devices'
//! changes are merged in.
//!
//! Every synced row has a record here ([`shadow`]): whether it exists (by its latest insert
//! or delete) and each column's last value with the stamp it was set at. A local write
//! compares the row with its record and sends only the columns that differ; a change from
//! elsewhere sets each column whose stamp is later than the one recorded. The tables are
//! then made to match the record ([`project`]), so replicas that hold the same changes hold
//! the same tables, whatever order the changes came in.

mod apply;
mod parked;
mod project;
mod record;
mod row;
mod schema;
mod seed;
mod shadow;

pub use apply::Applied;
pub(crate) use schema::Schema;

use mixwell_domain::{name_key, natural_id, Entity, Id};

use crate::error::StoreResult;

/// The id of a new row that two laptops may both create under the same name (a programme,
/// a wave, a volunteering organisation): made from the name within `scope`, so the same
/// name on two laptops is one and the same row. Should a row that was renamed still hold
/// that id, the new row gets a fresh one.
pub(crate) fn id_for_name(
    conn: &rusqlite::Connection,
    entity: Entity,
    scope: &[&str],
    name: &str,
) -> StoreResult<Id> {
    let key = name_key(name);
    let mut parts = scope.to_vec();
    parts.push(&key);
    let id = natural_id(entity.as_str(), &parts);
    let taken = row::exists(conn, entity, &[id.to_string()])?
        || !shadow::load(conn, entity, &id.to_string())?
            .fields
            .is_empty();
    Ok(if taken { Id::now_v7() } else { id })
}

impl crate::Store {
    /// Every synced table's rows in key order: what two replicas holding the same changes
    /// hold alike.
    pub fn synced_rows(
        &self,
    ) -> StoreResult<std::collections::BTreeMap<&'static str, Vec<mixwell_domain::Fields>>> {
        let mut tables = std::collections::BTreeMap::new();
        for entity in Entity::ALL {
            let key = schema::spec(entity).key.join(", ");
            let sql = format!("SELECT * FROM {} ORDER BY {key}", entity.as_str());
            let rows = row::select(self.conn(), &sql, [])?;
            tables.insert(entity.as_str(), rows);
        }
        Ok(tables)
    }
}
