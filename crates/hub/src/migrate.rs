//! The hub's tables, brought forward one numbered script at a time. The scripts are the
//! same text for SQLite and PostgreSQL.

use crate::error::HubError;
use crate::storage::Backend;

const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/hub/0001_hub.sql"),
    include_str!("../../../migrations/hub/0002_compaction.sql"),
    include_str!("../../../migrations/hub/0003_device_keys.sql"),
    include_str!("../../../migrations/hub/0004_certificates.sql"),
    include_str!("../../../migrations/hub/0005_audit.sql"),
];

pub(crate) fn migrate(backend: &Backend) -> Result<(), HubError> {
    // Two hub processes starting at once on one PostgreSQL may race to create the table;
    // the loser finds it made on the next try.
    let mut tries = 0;
    loop {
        tries += 1;
        let outcome = backend.transaction(|tx| {
            tx.batch("CREATE TABLE IF NOT EXISTS hub_migration (version BIGINT PRIMARY KEY)")?;
            let done = tx
                .query("SELECT count(*) FROM hub_migration", &[])?
                .first()
                .map_or(Ok(0), |r| r.int(0))?;
            let done = usize::try_from(done).unwrap_or(0);
            if done > MIGRATIONS.len() {
                return Err(HubError::Usage(format!(
                    "this hub database was made by a newer Mixwell (schema {done}, this one knows up to {}); update Mixwell",
                    MIGRATIONS.len()
                )));
            }
            for (index, script) in MIGRATIONS.iter().enumerate().skip(done) {
                tx.batch(script)?;
                tx.execute(
                    "INSERT INTO hub_migration (version) VALUES ($1)",
                    &[(index as i64 + 1).into()],
                )?;
            }
            Ok(())
        });
        match outcome {
            Err(HubError::Storage(_)) if tries < 3 => continue,
            outcome => return outcome,
        }
    }
}
