//! Laptops and a real hub on loopback, over HTTP, against every back end this run has
//! (SQLite always; PostgreSQL under `scripts/with-postgres.sh`, as `make test` runs it).

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::{
    databases, hours, minutes_by_participant, serve, wave_with, Laptop, TestClock, ORGANISATION,
    PROGRAMME,
};
use mixwell_domain::ErrorCode;
use mixwell_hub::{Hub, NewEnrolment};
use mixwell_sync::wire::{DeviceRole, ErrorBody, HubErrorCode, PushRequest};
use mixwell_sync::{DeviceKey, HttpTransport, HubClient, SyncError};

#[test]
fn two_laptops_log_hours_offline_and_after_sync_both_hold_all_of_them() {
    for db in databases() {
        let hub = common::hub(&db);
        let served = serve(&hub);
        let mut office = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        let wave = wave_with(&mut office.store, PROGRAMME, &["H1", "H2", "H3"]);
        office.sync();
        let mut field = Laptop::enrolled(&hub, &served.url, DeviceRole::FieldStaff, &[PROGRAMME]);
        field.sync();
        assert_eq!(
            field.store.participants(wave.id).unwrap().len(),
            3,
            "{}: the field laptop has the roster",
            db.kind
        );

        // Offline on both, the same volunteering organisation typed on each.
        office
            .store
            .log_hours(
                &[hours("H1", "Food Bank", "2026-11-20", 90)],
                "Priya",
                false,
            )
            .unwrap();
        field
            .store
            .log_hours(
                &[
                    hours("H2", "food bank", "2026-11-21", 60),
                    hours("H3", "Food Bank", "2026-11-21", 45),
                ],
                "Sam",
                false,
            )
            .unwrap();
        office.sync();
        let report = field.sync();
        assert!(report.pushed >= 2, "{}: {report:?}", db.kind);
        office.sync();

        let expected = vec![
            ("H1".to_string(), 90),
            ("H2".to_string(), 60),
            ("H3".to_string(), 45),
        ];
        assert_eq!(minutes_by_participant(&office.store, &wave), expected);
        assert_eq!(minutes_by_participant(&field.store, &wave), expected);
        assert_eq!(
            office.store.synced_rows().unwrap(),
            field.store.synced_rows().unwrap(),
            "{}: both laptops hold the same record",
            db.kind
        );
        assert_eq!(
            office.store.volunteering_organisations().unwrap().len(),
            1,
            "one Food Bank, typed on two laptops"
        );
        for laptop in [&office, &field] {
            let status = laptop.store.sync_status().unwrap();
            assert_eq!(status.pending, 0);
            assert!(status.last_synced.is_some());
            assert_eq!(status.organisation.as_deref(), Some(ORGANISATION));
        }
    }
}

#[test]
fn a_coordinators_verification_reaches_the_field_laptop_that_logged_the_hours() {
    for db in databases() {
        let hub = common::hub(&db);
        let served = serve(&hub);
        let mut office = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        let wave = wave_with(&mut office.store, PROGRAMME, &["H1", "H2"]);
        office.sync();
        let mut field = Laptop::enrolled(&hub, &served.url, DeviceRole::FieldStaff, &[PROGRAMME]);
        field.sync();
        let logged = field
            .store
            .log_hours(
                &[
                    hours("H1", "Food Bank", "2026-11-20", 120),
                    hours("H2", "Food Bank", "2026-11-20", 30),
                ],
                "Sam",
                false,
            )
            .unwrap();
        field.sync();
        office.sync();
        let queue = office.store.pending_hours(wave.id).unwrap();
        assert_eq!(
            queue.len(),
            2,
            "{}: the office sees the field's hours to verify",
            db.kind
        );
        office
            .store
            .decide_hours(
                logged[0].id,
                mixwell_domain::hours::Decision::Verified,
                mixwell_domain::hours::VerifyMethod::Coordinator,
                "Priya",
                None,
            )
            .unwrap();
        office.sync();
        field.sync();
        let totals: Vec<(String, u32, u32)> = field
            .store
            .wave_hours(wave.id)
            .unwrap()
            .into_iter()
            .map(|p| {
                (
                    p.external_id,
                    p.totals.verified_minutes,
                    p.totals.pending_minutes,
                )
            })
            .collect();
        assert_eq!(
            totals,
            [("H1".to_string(), 120, 0), ("H2".to_string(), 0, 30)],
            "{}: the field laptop shows the office's decision",
            db.kind
        );
    }
}

/// A session for `laptop` straight over the protocol, below the sync round.
fn session(laptop: &Laptop) -> (HubClient<HttpTransport>, String) {
    let link = laptop.store.sync_link().unwrap().unwrap();
    let client = HubClient::new(HttpTransport::new(&link.hub_url).unwrap());
    let key = DeviceKey::from_base64(&link.device_key).unwrap();
    let token = client
        .open_session(laptop.store.device_id(), &key)
        .unwrap()
        .token;
    (client, token)
}

#[test]
fn a_replayed_push_is_acknowledged_without_being_applied_again_and_a_gap_is_refused() {
    for db in databases() {
        let hub = common::hub(&db);
        let served = serve(&hub);
        let mut laptop = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        wave_with(&mut laptop.store, PROGRAMME, &["H1", "H2"]);
        let changes = laptop.store.pending_changes().unwrap();
        let (client, token) = session(&laptop);
        let push = |changes: &[mixwell_domain::Change]| {
            client.push(
                &token,
                &PushRequest {
                    schema_version: 8,
                    changes: changes.to_vec(),
                    audit: Vec::new(),
                },
            )
        };
        let first = push(&changes).unwrap();
        assert_eq!(first.accepted as usize, changes.len(), "{}", db.kind);
        let held = hub.record_counts().unwrap();

        let again = push(&changes).unwrap();
        assert_eq!(
            (again.accepted, again.duplicates as usize),
            (0, changes.len())
        );
        assert_eq!(again.acked_seq, first.acked_seq);
        assert_eq!(hub.record_counts().unwrap(), held, "nothing applied twice");

        laptop
            .store
            .log_hours(&[hours("H1", "Food Bank", "2026-11-20", 30)], "Sam", false)
            .unwrap();
        let later = laptop.store.changes_after(first.acked_seq + 1).unwrap();
        assert!(!later.is_empty());
        match push(&later) {
            Err(SyncError::Hub(ErrorBody {
                code: HubErrorCode::SequenceGap,
                expected_seq: Some(expected),
                ..
            })) => assert_eq!(expected, first.acked_seq + 1),
            other => panic!("{}: a gap must be refused, got {other:?}", db.kind),
        }
        assert_eq!(
            hub.record_counts().unwrap(),
            held,
            "a refused gap adds nothing"
        );

        // The round itself picks up where the hub stands.
        let report = laptop.sync();
        assert_eq!(report.already_on_hub as usize, changes.len());
        assert_eq!(laptop.store.sync_status().unwrap().pending, 0);
    }
}

#[test]
fn a_change_from_a_newer_mixwell_is_refused_by_an_older_laptop_with_a_clear_message() {
    for db in databases() {
        let hub = common::hub(&db);
        let served = serve(&hub);
        let mut newer = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        newer.sync();
        let mut older = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        older.sync();
        let cursor = older.store.pull_cursor().unwrap();

        // The newer laptop's Mixwell writes under a schema this build does not know.
        newer
            .store
            .create_programme("From a newer Mixwell")
            .unwrap();
        let mut changes = newer.store.pending_changes().unwrap();
        for change in &mut changes {
            change.schema_version = 99;
        }
        let (client, token) = session(&newer);
        let pushed = client
            .push(
                &token,
                &PushRequest {
                    schema_version: 99,
                    changes,
                    audit: Vec::new(),
                },
            )
            .unwrap();
        assert!(
            pushed.accepted >= 1,
            "{}: the hub accepts any version",
            db.kind
        );

        let error = mixwell_sync::sync_now(&mut older.store).unwrap_err();
        assert_eq!(error.code(), ErrorCode::NewerChange, "{}: {error}", db.kind);
        assert!(error.to_string().contains("update Mixwell"), "{error}");
        assert_eq!(
            older.store.pull_cursor().unwrap(),
            cursor,
            "its place is kept"
        );
        let status = older.store.sync_status().unwrap();
        assert_eq!(status.problem_code, Some(ErrorCode::NewerChange));
        assert!(
            older.store.programmes(true).unwrap().is_empty(),
            "nothing of it kept"
        );
    }
}

#[test]
fn a_field_laptop_sees_only_its_programmes_and_its_changes_elsewhere_are_kept_as_refused() {
    for db in databases() {
        let hub = common::hub(&db);
        let served = serve(&hub);
        let mut office = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        let ours = wave_with(&mut office.store, PROGRAMME, &["H1"]);
        let theirs = wave_with(&mut office.store, "NCS Summer 2027", &["N1", "N2"]);
        office.sync();

        let mut field = Laptop::enrolled(&hub, &served.url, DeviceRole::FieldStaff, &[PROGRAMME]);
        field.sync();
        let names: Vec<String> = field
            .store
            .programmes(true)
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, [PROGRAMME], "{}", db.kind);
        assert_eq!(field.store.participants(ours.id).unwrap().len(), 1);
        assert!(
            field.store.wave(theirs.id).is_err(),
            "the other programme's wave never reaches the field laptop"
        );

        // A programme the field laptop was not enrolled for stays on the laptop, refused
        // with its reason, and does not hold up what follows.
        field.store.create_programme("Pop-up 2027").unwrap();
        field
            .store
            .log_hours(&[hours("H1", "Food Bank", "2026-11-20", 30)], "Sam", false)
            .unwrap();
        let report = field.sync();
        assert!(report.refused >= 1, "{report:?}");
        assert!(report.pushed >= 1, "the hours went through: {report:?}");
        let refused = field.store.refused_changes().unwrap();
        assert!(refused
            .iter()
            .any(|r| r.entity == "programme" && r.reason.contains("not enrolled for")));
        assert_eq!(field.store.sync_status().unwrap().pending, 0);

        office.sync();
        assert_eq!(
            minutes_by_participant(&office.store, &ours),
            [("H1".into(), 30)]
        );
        assert!(
            !office
                .store
                .programmes(true)
                .unwrap()
                .iter()
                .any(|p| p.name == "Pop-up 2027"),
            "the refused programme never reached the organisation's record"
        );
    }
}

#[test]
fn a_revoked_laptop_is_refused_with_a_clear_message_and_keeps_its_changes() {
    for db in databases() {
        let hub = common::hub(&db);
        let served = serve(&hub);
        let mut laptop = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        laptop.sync();
        hub.revoke(laptop.store.device_id()).unwrap();
        wave_with(&mut laptop.store, PROGRAMME, &["H1"]);
        let waiting = laptop.store.sync_status().unwrap().pending;
        let error = mixwell_sync::sync_now(&mut laptop.store).unwrap_err();
        assert_eq!(error.code(), ErrorCode::DeviceRevoked, "{}", db.kind);
        assert!(error.to_string().contains("revoked"), "{error}");
        let status = laptop.store.sync_status().unwrap();
        assert_eq!(status.pending, waiting, "nothing is lost");
        assert!(status.problem.unwrap().contains("revoked"));
        assert_eq!(status.problem_code, Some(ErrorCode::DeviceRevoked));
        assert!(hub.revoke(laptop.store.device_id()).is_err(), "once only");
    }
}

#[test]
fn a_revoked_laptop_let_back_in_with_a_new_code_sends_what_it_kept_and_its_old_key_stays_refused() {
    for db in databases() {
        let hub = common::hub(&db);
        let served = serve(&hub);
        let mut laptop = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        let wave = wave_with(&mut laptop.store, PROGRAMME, &["H1"]);
        laptop.sync();
        let link = laptop.store.sync_link().unwrap().unwrap();
        let old_key = DeviceKey::from_base64(&link.device_key).unwrap();
        hub.revoke(laptop.store.device_id()).unwrap();
        laptop
            .store
            .log_hours(&[hours("H1", "Food Bank", "2026-11-20", 75)], "Sam", true)
            .unwrap();
        assert!(mixwell_sync::sync_now(&mut laptop.store).is_err());

        // While it is still active, enrolling again is refused and spends no code.
        let mut other = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        let code = hub
            .create_enrolment(&NewEnrolment {
                label: "Returned laptop".into(),
                role: DeviceRole::FieldStaff,
                programmes: vec![PROGRAMME.into()],
            })
            .unwrap();
        let refused = mixwell_sync::enrol(&mut other.store, &served.url, &code).unwrap_err();
        assert!(
            refused.to_string().contains("already enrolled"),
            "{refused}"
        );
        let elsewhere =
            mixwell_sync::enrol(&mut laptop.store, "http://127.0.0.1:9", &code).unwrap_err();
        assert_eq!(
            elsewhere.code(),
            ErrorCode::AlreadyEnrolled,
            "one hub per laptop"
        );

        mixwell_sync::enrol(&mut laptop.store, &served.url, &code).unwrap();
        let status = laptop.store.sync_status().unwrap();
        assert_eq!(status.problem, None, "{}", db.kind);
        let link = laptop.store.sync_link().unwrap().unwrap();
        assert_eq!(link.role, "field_staff");
        let report = laptop.sync();
        assert!(report.pushed >= 1, "{}: {report:?}", db.kind);
        other.sync();
        assert_eq!(
            minutes_by_participant(&other.store, &wave),
            [("H1".to_string(), 75)],
            "{}: what it kept while revoked reached the hub once",
            db.kind
        );
        let listed = hub.devices().unwrap();
        let back = listed
            .iter()
            .find(|d| d.id == laptop.store.device_id())
            .unwrap();
        assert!(back.revoked_at.is_none() && back.label == "Returned laptop");
        let client = HubClient::new(HttpTransport::new(&link.hub_url).unwrap());
        let stale = client
            .open_session(laptop.store.device_id(), &old_key)
            .unwrap_err();
        assert!(
            matches!(
                stale,
                SyncError::Hub(ErrorBody {
                    code: HubErrorCode::Unauthorised,
                    ..
                })
            ),
            "{}: the old key stays refused: {stale:?}",
            db.kind
        );
    }
}

#[test]
fn an_enrolment_code_works_once_and_not_after_a_day() {
    for db in databases() {
        let clock = TestClock::new();
        let hub = Arc::new(Hub::open_with_clock(&db.url, Arc::new(clock.clone())).unwrap());
        hub.init(ORGANISATION).unwrap();
        let served = serve(&hub);
        let grant = NewEnrolment {
            label: "Castleton laptop".into(),
            role: DeviceRole::FieldStaff,
            programmes: vec![PROGRAMME.into()],
        };
        let code = hub.create_enrolment(&grant).unwrap();
        let mut first = Laptop::new();
        // Typed in lower case with spaces: the same code.
        let typed = code.to_lowercase().replace('-', " ");
        let link = mixwell_sync::enrol(&mut first.store, &served.url, &typed).unwrap();
        assert_eq!(link.label, "Castleton laptop");
        assert_eq!(link.programmes, [PROGRAMME]);
        assert_eq!(link.organisation.name, ORGANISATION);

        let mut second = Laptop::new();
        let used = mixwell_sync::enrol(&mut second.store, &served.url, &code).unwrap_err();
        assert!(
            matches!(&used, SyncError::Hub(b) if b.code == HubErrorCode::EnrolmentCodeInvalid),
            "{}: {used:?}",
            db.kind
        );
        assert!(second.store.sync_link().unwrap().is_none(), "nothing kept");

        let late = hub.create_enrolment(&grant).unwrap();
        clock.advance(Duration::hours(25));
        let expired = mixwell_sync::enrol(&mut second.store, &served.url, &late).unwrap_err();
        assert!(
            matches!(&expired, SyncError::Hub(b) if b.code == HubErrorCode::EnrolmentCodeInvalid)
        );

        let again = mixwell_sync::enrol(&mut first.store, &served.url, &code).unwrap_err();
        assert_eq!(again.code(), ErrorCode::AlreadyEnrolled);
        assert_eq!(hub.devices().unwrap().len(), 1);
    }
}

#[test]
fn wrong_enrolment_codes_are_slowed_down_with_too_many_requests() {
    for db in databases() {
        let clock = TestClock::new();
        let hub = Arc::new(Hub::open_with_clock(&db.url, Arc::new(clock.clone())).unwrap());
        hub.init(ORGANISATION).unwrap();
        let served = serve(&hub);
        let good = hub
            .create_enrolment(&NewEnrolment {
                label: "Office".into(),
                role: DeviceRole::Coordinator,
                programmes: Vec::new(),
            })
            .unwrap();
        let mut laptop = Laptop::new();
        for _ in 0..10 {
            let wrong = mixwell_sync::enrol(&mut laptop.store, &served.url, "AAAA-BBBB-CCCC-DDDD");
            assert!(
                matches!(wrong, Err(SyncError::Hub(b)) if b.code == HubErrorCode::EnrolmentCodeInvalid)
            );
        }
        let slowed = mixwell_sync::enrol(&mut laptop.store, &served.url, &good).unwrap_err();
        assert!(
            matches!(&slowed, SyncError::Hub(b) if b.code == HubErrorCode::TooManyRequests),
            "{}: {slowed:?}",
            db.kind
        );
        clock.advance(Duration::minutes(11));
        mixwell_sync::enrol(&mut laptop.store, &served.url, &good).unwrap();
    }
}

#[test]
fn a_pull_in_small_pages_gets_every_change_once_and_its_cursor_only_moves_forward() {
    for db in databases() {
        let hub = common::hub(&db);
        let served = serve(&hub);
        let mut office = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        wave_with(&mut office.store, PROGRAMME, &["H1", "H2", "H3", "H4"]);
        office.sync();
        let pushed = office.store.changes_after(0).unwrap();
        let reader = Laptop::enrolled(&hub, &served.url, DeviceRole::Coordinator, &[]);
        let device = hub
            .devices()
            .unwrap()
            .into_iter()
            .find(|d| d.id == reader.store.device_id())
            .unwrap();
        let (mut cursor, mut mark) = (0, None);
        let mut seen = Vec::new();
        loop {
            let page = hub.pull(&device, cursor, mark.as_deref(), 7).unwrap();
            assert!(page.cursor >= cursor, "{}", db.kind);
            assert!(page.changes.len() <= 7);
            assert!(!page.refresh);
            (cursor, mark) = (page.cursor, page.mark);
            seen.extend(page.changes);
            if !page.more {
                break;
            }
        }
        assert_eq!(seen, pushed, "{}: every change, in order, once", db.kind);
        let after = hub.pull(&device, cursor, mark.as_deref(), 7).unwrap();
        assert!(after.changes.is_empty() && !after.more);
        assert_eq!(after.cursor, cursor);
    }
}

#[test]
fn two_hubs_on_one_database_serve_one_organisation_and_lose_nothing() {
    for db in databases().into_iter().filter(|d| d.kind == "PostgreSQL") {
        let first = common::hub(&db);
        let second = Arc::new(Hub::open(&db.url).unwrap());
        let (a, b) = (serve(&first), serve(&second));
        let mut office = Laptop::enrolled(&first, &a.url, DeviceRole::Coordinator, &[]);
        let ids: Vec<String> = (0..40).map(|i| format!("P{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let wave = wave_with(&mut office.store, PROGRAMME, &refs);
        office.sync();

        // Four laptops, half on each hub, log hours for everyone and sync at once.
        let mut laptops: Vec<Laptop> = (0..4)
            .map(|i| {
                let url = if i % 2 == 0 { &a.url } else { &b.url };
                let mut laptop = Laptop::enrolled(&first, url, DeviceRole::Coordinator, &[]);
                laptop.sync();
                laptop
            })
            .collect();
        for (i, laptop) in laptops.iter_mut().enumerate() {
            let rows: Vec<_> = ids
                .iter()
                .map(|id| hours(id, "Food Bank", "2026-11-20", 10 + i as u32))
                .collect();
            laptop.store.log_hours(&rows, "Sam", true).unwrap();
        }
        std::thread::scope(|scope| {
            for laptop in laptops.iter_mut() {
                scope.spawn(move || laptop.sync());
            }
        });
        office.sync();
        let totals = minutes_by_participant(&office.store, &wave);
        assert_eq!(totals.len(), 40);
        for (id, minutes) in totals {
            assert_eq!(minutes, 10 + 11 + 12 + 13, "{id}: each entry exactly once");
        }
    }
}
