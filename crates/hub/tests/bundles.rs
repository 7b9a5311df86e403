//! USB bundles between laptops and the hub, for venues with no network: each applies
//! exactly once; tampered, replayed, foreign and misaddressed bundles change nothing.

mod common;

use common::{databases, hours, minutes_by_participant, serve, wave_with, Laptop, PROGRAMME};
use mixwell_domain::ErrorCode;
use mixwell_sync::bundle::BundleError;
use mixwell_sync::wire::DeviceRole;
use mixwell_sync::SyncError;

#[test]
fn hours_travel_by_usb_both_ways_and_a_second_import_changes_nothing() {
    for db in databases() {
        let hub = common::hub(&db);
        let served = serve(&hub);
        // Enrolled at the office, then off to a venue with no network.
        let mut office = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        let wave = wave_with(&mut office.store, PROGRAMME, &["H1", "H2"]);
        office.sync();
        let mut venue = Laptop::enrolled(&hub, &served.url, DeviceRole::FieldStaff, &[PROGRAMME]);
        venue.sync();
        drop(served);

        venue
            .store
            .log_hours(&[hours("H1", "Food Bank", "2026-11-20", 120)], "Sam", false)
            .unwrap();
        let (bundle, count) = mixwell_sync::export_bundle(&venue.store).unwrap();
        assert!(count >= 1);
        let first = hub.import_bundle(&bundle).unwrap();
        assert_eq!(first.pushed.accepted as usize, count, "{}", db.kind);
        let held = hub.record_counts().unwrap();
        let again = hub.import_bundle(&bundle).unwrap();
        assert_eq!(
            again.pushed.accepted, 0,
            "{}: a second import adds nothing",
            db.kind
        );
        assert_eq!(again.pushed.duplicates as usize, count);
        assert_eq!(hub.record_counts().unwrap(), held);

        // Back to the venue laptop: the hub now holds its changes.
        let (back, _) = hub.export_bundle(venue.store.device_id()).unwrap();
        let report = mixwell_sync::import_bundle(&mut venue.store, &back).unwrap();
        assert_eq!(report.acknowledged as usize, count);
        assert_eq!(venue.store.sync_status().unwrap().pending, 0);
        // The keys the organisation vouches for come too: a laptop that only ever syncs by
        // USB checks certificates and writes its keys file as the hub publishes them.
        let vouched: Vec<mixwell_sync::wire::IssuingKey> =
            serde_json::from_str(&venue.store.issuing_keys().unwrap().unwrap()).unwrap();
        assert_eq!(vouched, hub.issuing_keys().unwrap(), "{}", db.kind);
        let replay = mixwell_sync::import_bundle(&mut venue.store, &back).unwrap();
        assert!(replay.changed_nothing(), "{replay:?}");

        // And to the office laptop, by USB too.
        let (for_office, carried) = hub.export_bundle(office.store.device_id()).unwrap();
        assert!(carried >= 1);
        let report = mixwell_sync::import_bundle(&mut office.store, &for_office).unwrap();
        assert!(report.pulled >= 1, "{report:?}");
        assert_eq!(
            minutes_by_participant(&office.store, &wave),
            [("H1".into(), 120), ("H2".into(), 0)]
        );
        assert_eq!(
            office.store.synced_rows().unwrap(),
            venue.store.synced_rows().unwrap(),
            "{}: both laptops hold the same record",
            db.kind
        );
    }
}

#[test]
fn an_older_bundle_after_a_newer_one_changes_nothing() {
    for db in databases() {
        let hub = common::hub(&db);
        let served = serve(&hub);
        let mut laptop = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        wave_with(&mut laptop.store, PROGRAMME, &["H1"]);
        let (older, _) = mixwell_sync::export_bundle(&laptop.store).unwrap();
        laptop
            .store
            .log_hours(&[hours("H1", "Food Bank", "2026-11-20", 30)], "Sam", false)
            .unwrap();
        let (newer, _) = mixwell_sync::export_bundle(&laptop.store).unwrap();
        hub.import_bundle(&newer).unwrap();
        let held = hub.record_counts().unwrap();
        let replay = hub.import_bundle(&older).unwrap();
        assert_eq!(replay.pushed.accepted, 0, "{}", db.kind);
        assert_eq!(hub.record_counts().unwrap(), held);
    }
}

fn bundle_error(error: mixwell_hub::HubError) -> String {
    error.to_string()
}

#[test]
fn tampered_foreign_and_misaddressed_bundles_are_refused_and_change_nothing() {
    for db in databases() {
        let hub = common::hub(&db);
        let served = serve(&hub);
        let mut laptop = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        let other = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        wave_with(&mut laptop.store, PROGRAMME, &["H1"]);
        let (bundle, _) = mixwell_sync::export_bundle(&laptop.store).unwrap();
        let before = hub.record_counts().unwrap();

        let mut tampered = bundle.clone();
        let middle = tampered.len() / 2;
        tampered[middle] ^= 0x20;
        let refused = bundle_error(hub.import_bundle(&tampered).unwrap_err());
        assert!(
            refused.contains("changed after it was made") || refused.contains("not a Mixwell"),
            "{}: {refused}",
            db.kind
        );

        // A laptop of another organisation's hub writes for that hub, not this one.
        let stranger_db = common::databases().remove(0);
        let stranger_hub = common::hub(&stranger_db);
        let stranger_served = serve(&stranger_hub);
        let mut stranger = Laptop::enrolled(
            &stranger_hub,
            &stranger_served.url,
            DeviceRole::Coordinator,
            &[],
        );
        wave_with(&mut stranger.store, PROGRAMME, &["X1"]);
        let (foreign, _) = mixwell_sync::export_bundle(&stranger.store).unwrap();
        let refused = bundle_error(hub.import_bundle(&foreign).unwrap_err());
        assert!(refused.contains("addressed to another hub"), "{refused}");
        assert_eq!(hub.record_counts().unwrap(), before, "nothing changed");

        // The hub's bundle for one laptop cannot be read by another.
        let (for_other, _) = hub.export_bundle(other.store.device_id()).unwrap();
        let error = mixwell_sync::import_bundle(&mut laptop.store, &for_other).unwrap_err();
        assert_eq!(error.code(), ErrorCode::BundleRefused);
        assert!(matches!(
            error,
            SyncError::Bundle(BundleError::WrongRecipient("laptop"))
        ));

        // Nor is a revoked laptop's bundle taken.
        hub.revoke(laptop.store.device_id()).unwrap();
        let refused = bundle_error(hub.import_bundle(&bundle).unwrap_err());
        assert!(refused.contains("revoked"), "{refused}");
        assert_eq!(hub.record_counts().unwrap(), before);
    }
}
