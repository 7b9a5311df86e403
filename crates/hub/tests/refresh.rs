//! The record as laptops far from it see it: a hub restored from a backup behind where
//! laptops stand, and a record compacted under laptops at every distance from it. Against
//! every back end this run has.

mod common;

use common::{databases, hours, minutes_by_participant, serve, wave_with, Laptop, PROGRAMME};
use mixwell_hub::storage::Backend;
use mixwell_sync::wire::DeviceRole;

/// The hub's tables that hold the record and where each device stands in it.
const RECORD_TABLES: [&str; 8] = [
    "hub_device",
    "hub_audit_link",
    "hub_device_key",
    "hub_change",
    "hub_counter",
    "hub_refused",
    "hub_scope",
    "hub_compacted",
];

/// Takes a copy of the hub's record inside its own database, as a nightly backup would.
fn back_up(url: &str) {
    let backend = Backend::open(url).unwrap();
    backend
        .transaction(|tx| {
            for table in RECORD_TABLES {
                tx.batch(&format!("DROP TABLE IF EXISTS backup_{table}"))?;
                tx.batch(&format!(
                    "CREATE TABLE backup_{table} AS SELECT * FROM {table}"
                ))?;
            }
            Ok(())
        })
        .unwrap();
}

/// Puts the record back as [`back_up`] found it: everything since is gone from the hub.
fn restore(url: &str) {
    let backend = Backend::open(url).unwrap();
    backend
        .transaction(|tx| {
            // Children first, so foreign keys hold throughout.
            tx.batch("DELETE FROM hub_session")?;
            tx.batch("DELETE FROM hub_device_programme")?;
            for table in RECORD_TABLES.iter().rev() {
                tx.batch(&format!("DELETE FROM {table}"))?;
            }
            for table in RECORD_TABLES {
                tx.batch(&format!("INSERT INTO {table} SELECT * FROM backup_{table}"))?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_laptop_ahead_of_a_hub_restored_from_a_backup_takes_the_record_again_and_counts_each_entry_once(
) {
    for db in databases() {
        let hub = common::hub(&db);
        let served = serve(&hub);
        let enrol = || Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        let mut office = enrol();
        let wave = wave_with(&mut office.store, PROGRAMME, &["H1", "H2", "H3"]);
        office.sync();
        let (mut early, mut late, mut site) = (enrol(), enrol(), enrol());
        // Twice round, so each holds what the others sent on their first round.
        for _ in 0..2 {
            for laptop in [&mut early, &mut late, &mut site] {
                laptop.sync();
            }
        }
        back_up(&db.url);

        // After the backup: the office logs an hour and two laptops take it.
        office
            .store
            .log_hours(&[hours("H1", "Food Bank", "2026-11-20", 60)], "Priya", true)
            .unwrap();
        office.sync();
        early.sync();
        late.sync();

        restore(&db.url);
        // Straight after, the hub's record ends before where `early` stands.
        let report = early.sync();
        assert!(report.refreshed, "{}: {report:?}", db.kind);
        assert_eq!(
            report.pulled, 0,
            "{}: it held all of it: {report:?}",
            db.kind
        );

        // Then a site laptop's entries take the positions the lost ones had, before the
        // office sends again what the hub lost: `late`'s cursor, checked by its number
        // alone, would skip the site's entries.
        site.store
            .log_hours(&[hours("H3", "Scouts", "2026-11-21", 30)], "Sam", true)
            .unwrap();
        site.sync();
        let resent = office.sync();
        assert!(resent.pushed >= 1, "{}: {resent:?}", db.kind);

        let report = late.sync();
        assert!(report.refreshed, "{}: {report:?}", db.kind);
        assert!(
            report.already_here >= 2,
            "{}: what it held is recognised: {report:?}",
            db.kind
        );
        early.sync();
        let expected = vec![
            ("H1".to_string(), 60),
            ("H2".to_string(), 0),
            ("H3".to_string(), 30),
        ];
        for laptop in [&mut office, &mut early, &mut late, &mut site] {
            laptop.sync();
            assert_eq!(
                minutes_by_participant(&laptop.store, &wave),
                expected,
                "{}",
                db.kind
            );
        }
        let held = office.store.synced_rows().unwrap();
        for laptop in [&early, &late, &site] {
            assert_eq!(laptop.store.synced_rows().unwrap(), held, "{}", db.kind);
        }
        let again = late.sync();
        assert!(
            !again.refreshed && again.pulled == 0,
            "{}: {again:?}",
            db.kind
        );
    }
}

#[test]
fn compacting_the_record_leaves_laptops_at_every_distance_with_what_the_office_holds() {
    for db in databases() {
        let hub = common::hub(&db);
        let served = serve(&hub);
        let mut office = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        let wave = wave_with(&mut office.store, PROGRAMME, &["H1", "H2", "H3"]);
        office.sync();
        let mut halfway = Laptop::enrolled(&hub, &served.url, DeviceRole::FieldStaff, &[PROGRAMME]);
        halfway.sync();

        // A term of corrections: every young person's school changes ten times over.
        let people = office.store.participants(wave.id).unwrap();
        for round in 0..10 {
            for person in &people {
                let mut record = person.record.clone();
                record.school = format!("School {round}");
                let update = mixwell_store::ParticipantUpdate {
                    record,
                    friends: Vec::new(),
                    keep_apart: Vec::new(),
                    keep_together: Vec::new(),
                };
                office.store.update_participant(person.id, &update).unwrap();
            }
            if round == 4 {
                office.sync();
                halfway.sync();
            }
        }
        office
            .store
            .log_hours(&[hours("H3", "Food Bank", "2026-11-20", 45)], "Priya", true)
            .unwrap();
        office.sync();

        let (before, _) = hub.record_counts().unwrap();
        let compacted = hub.compact().unwrap();
        assert_eq!(compacted.before, before);
        assert!(
            compacted.removed >= 9 * 3,
            "{}: the overwritten schools go: {compacted:?}",
            db.kind
        );
        assert_eq!(hub.record_counts().unwrap().0, before - compacted.removed);
        assert_eq!(
            hub.compact().unwrap().removed,
            0,
            "{}: nothing left to take",
            db.kind
        );

        let mut newcomer = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        let first = newcomer.sync();
        assert!(
            u64::from(first.pulled) <= before - compacted.removed,
            "{}: the newcomer pulls the compacted record: {first:?}",
            db.kind
        );
        let report = halfway.sync();
        assert!(!report.refreshed, "{}: {report:?}", db.kind);
        let held = office.store.synced_rows().unwrap();
        assert_eq!(newcomer.store.synced_rows().unwrap(), held, "{}", db.kind);
        assert_eq!(halfway.store.synced_rows().unwrap(), held, "{}", db.kind);
        assert_eq!(
            minutes_by_participant(&newcomer.store, &wave)[2],
            ("H3".to_string(), 45)
        );
    }
}
