//! A database from before changes could travel: its rows enter the replica's record and
//! the outbox as inserts, once, parents first, so a hub gets everything it holds.

use mixwell_domain::{Entity, Hlc};

use super::schema::spec;
use crate::error::StoreResult;
use crate::Store;

impl Store {
    pub(crate) fn seed_replica(&mut self) -> StoreResult<()> {
        let recorded: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM outbox) OR EXISTS (SELECT 1 FROM replica_row)",
            [],
            |r| r.get(0),
        )?;
        if recorded {
            return Ok(());
        }
        self.write(|w| {
            for entity in Entity::ALL {
                let spec = spec(entity);
                let stamped = w.schema().columns(entity).iter().any(|c| c == "hlc");
                let keys: Vec<(Vec<String>, Option<String>)> = w
                    .tx()
                    .prepare(&format!(
                        "SELECT {}, {} FROM {} ORDER BY {}",
                        spec.key.join(", "),
                        if stamped { "hlc" } else { "NULL" },
                        entity.as_str(),
                        spec.key.join(", ")
                    ))?
                    .query_map([], |r| {
                        let key = (0..spec.key.len())
                            .map(|i| r.get::<_, String>(i))
                            .collect::<Result<Vec<_>, _>>()?;
                        Ok((key, r.get::<_, Option<String>>(spec.key.len())?))
                    })?
                    .collect::<Result<_, _>>()?;
                for (key, stamp) in keys {
                    match stamp.as_deref().and_then(Hlc::parse_sortable) {
                        Some(stamp) => w.record_keyed_at(stamp, entity, &key)?,
                        None => w.record_keyed(entity, &key)?,
                    }
                }
            }
            Ok(())
        })
    }
}
