//! The laptop store: programmes, waves, participants, the outbox and roster import.

mod common;

use common::*;
use mixwell_domain::{Entity, RelationshipKind};
use mixwell_store::{NewWave, ParticipantUpdate, RowStatus, Store, StoreError};

fn import(store: &mut Store, wave: mixwell_domain::Id, text: &str) -> mixwell_store::ImportSummary {
    store
        .import_roster(wave, mixwell_roster::parse(text.as_bytes()), &mut |_, _| {})
        .unwrap()
}

#[test]
fn opening_an_empty_file_creates_the_schema_and_a_device_identity() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/folder/mixwell.sqlite");
    let device = Store::open(&path, &mixwell_store::DatabaseKey::from_bytes([7; 32]))
        .unwrap()
        .device_id();
    assert_eq!(device.get_version_num(), 7);
    assert_eq!(
        Store::open(&path, &mixwell_store::DatabaseKey::from_bytes([7; 32]))
            .unwrap()
            .device_id(),
        device,
        "the device keeps its id"
    );
}

#[test]
fn a_database_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixwell.sqlite");
    drop(Store::open(&path, &mixwell_store::DatabaseKey::from_bytes([7; 32])).unwrap());
    let conn =
        mixwell_store::raw_connection(&path, &mixwell_store::DatabaseKey::from_bytes([7; 32]))
            .unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    drop(conn);
    let Err(error) = Store::open(&path, &mixwell_store::DatabaseKey::from_bytes([7; 32])) else {
        panic!("opened a newer database")
    };
    assert_eq!(error.code(), "newer_database");
    assert!(error.to_string().contains("newer version"), "{error}");
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.sqlite");
    std::fs::write(
        &path,
        b"shopping list: eggs, milk, more eggs, and a great deal of flour",
    )
    .unwrap();
    assert!(Store::open(&path, &mixwell_store::DatabaseKey::from_bytes([7; 32])).is_err());
    assert!(std::fs::read(&path).unwrap().starts_with(b"shopping list"));
}

#[test]
fn programmes_and_waves_are_created_renamed_and_archived_through_the_outbox() {
    let (_dir, mut store) = store();
    let programme = store.create_programme("  NCS Summer 2027 ").unwrap();
    assert_eq!(programme.name, "NCS Summer 2027");
    let Err(taken) = store.create_programme("ncs summer 2027") else {
        panic!()
    };
    assert!(matches!(taken, StoreError::NameTaken { .. }));
    assert_eq!(
        store.create_programme("   ").unwrap_err().code(),
        "invalid_name"
    );

    let wave = store
        .create_wave(
            programme.id,
            &NewWave {
                name: "Wave 1".into(),
                ..Default::default()
            },
        )
        .unwrap();
    store.rename_programme(programme.id, "NCS 2027").unwrap();
    store.set_wave_archived(wave.id, true).unwrap();
    assert!(store.waves(programme.id, false).unwrap().is_empty());
    assert_eq!(store.waves(programme.id, true).unwrap().len(), 1);
    assert_eq!(
        store.find_wave(Some("NCS 2027"), "wave 1").unwrap().id,
        wave.id
    );

    let changes = store.pending_changes().unwrap();
    let entities: Vec<&str> = changes
        .iter()
        .map(|c| c.entity.as_str())
        .filter(|e| !e.starts_with("programme_"))
        .collect();
    assert_eq!(
        entities,
        vec!["organisation", "programme", "wave", "programme", "wave"]
    );
    let setup = changes
        .iter()
        .filter(|c| c.entity.as_str().starts_with("programme_"))
        .count();
    assert_eq!(
        setup,
        5 + 8 + 2,
        "the default roles, sessions and milestones"
    );
    assert!(
        changes.windows(2).all(|w| w[0].hlc < w[1].hlc),
        "HLC order is write order"
    );
}

#[test]
fn wave_dates_must_be_in_order() {
    let (_dir, mut store) = store();
    let programme = store.create_programme("P").unwrap();
    let day = |d| chrono::NaiveDate::from_ymd_opt(2027, 7, d);
    let bad = NewWave {
        name: "W".into(),
        site: String::new(),
        starts_on: day(20),
        ends_on: day(10),
    };
    assert_eq!(
        store.create_wave(programme.id, &bad).unwrap_err().code(),
        "invalid_dates"
    );
    assert_eq!(
        outbox_len(&store),
        2 + 5 + 8 + 2,
        "only the organisation and the programme with its roles, sessions and milestones"
    );
}

#[test]
fn the_shared_sample_roster_imports_with_mutual_friendships() {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let (_dir, mut store) = store();
    let wave = wave(&mut store);
    let summary = import(&mut store, wave.id, &text);
    assert_eq!(summary.added, 120);
    assert!(summary.friendships_added > 20);
    let people = store.participants(wave.id).unwrap();
    assert_eq!(people.len(), 120);
    let ben = people
        .iter()
        .find(|p| p.record.external_id == "NCS27-010000")
        .unwrap();
    assert!(ben.friends.contains(&"NCS27-010005".to_owned()));
    let friend = people
        .iter()
        .find(|p| p.record.external_id == "NCS27-010005")
        .unwrap();
    assert!(
        friend.friends.contains(&"NCS27-010000".to_owned()),
        "friendship is mutual"
    );
}

#[test]
fn importing_an_updated_roster_updates_by_id_adds_new_ones_and_never_duplicates() {
    let (_dir, mut store) = store();
    let wave = wave(&mut store);
    import(
        &mut store,
        wave.id,
        &format!("{HEADER}A1,Ann,Lee,,F,,,Oak,,No,No,A2\nA2,Bo,Ray,,M,,,Oak,,No,No,\n"),
    );
    let before = outbox_len(&store);

    let again = import(
        &mut store,
        wave.id,
        &format!("{HEADER}A1,Ann,Lee,,F,,,Oak,,No,No,A2\nA2,Bo,Ray,,M,,,Oak,,No,No,\n"),
    );
    assert_eq!(
        (
            again.added,
            again.updated.len(),
            again.unchanged,
            again.friendships_added
        ),
        (0, 0, 2, 0)
    );
    assert_eq!(
        outbox_len(&store),
        before,
        "re-importing the same file changes nothing"
    );

    let updated = import(
        &mut store,
        wave.id,
        &format!("{HEADER}A2,Bo,Ray,,M,,,Park,,Yes,No,A1\nA3,Cy,Fox,,M,,,Oak,,No,No,\n"),
    );
    assert_eq!(updated.added, 1);
    assert_eq!(updated.not_in_file, 1);
    assert_eq!(updated.updated.len(), 1);
    assert_eq!(updated.updated[0].fields, vec!["school", "fsm"]);
    let people = store.participants(wave.id).unwrap();
    assert_eq!(people.len(), 3);
    assert_eq!(
        people
            .iter()
            .filter(|p| p.record.external_id == "A2")
            .count(),
        1
    );
}

#[test]
fn a_roster_with_any_error_imports_nothing() {
    let (_dir, mut store) = store();
    let wave = wave(&mut store);
    let before = outbox_len(&store);
    let roster = mixwell_roster::parse(
        format!("{HEADER}A1,Ann,Lee,,,,,,,,,\nA1,Bo,Ray,,,,,,,,,\n").as_bytes(),
    );
    let preview = store.preview_import(wave.id, roster.clone()).unwrap();
    assert!(!preview.can_import());
    assert_eq!(preview.changes[1].status, RowStatus::Invalid);
    let error = store
        .import_roster(wave.id, roster, &mut |_, _| {})
        .unwrap_err();
    assert_eq!(error.code(), "roster_has_errors");
    assert!(store.participants(wave.id).unwrap().is_empty());
    assert_eq!(outbox_len(&store), before);
}

#[test]
fn preview_shows_what_would_change_and_saves_nothing() {
    let (_dir, mut store) = store();
    let wave = wave(&mut store);
    import(
        &mut store,
        wave.id,
        &format!("{HEADER}A1,Ann,Lee,,F,,,Oak,,No,No,\n"),
    );
    let before = outbox_len(&store);
    let preview = store
        .preview_import(
            wave.id,
            mixwell_roster::parse(
                format!("{HEADER}A1,Ann,Lee,,F,,,Elm,,No,No,A2\nA2,Bo,Ray,,,,,,,,,\n").as_bytes(),
            ),
        )
        .unwrap();
    assert_eq!(
        (
            preview.new,
            preview.updated,
            preview.unchanged,
            preview.new_friendships
        ),
        (1, 1, 0, 1)
    );
    assert_eq!(preview.changes[0].changed_fields, vec!["school"]);
    assert_eq!(outbox_len(&store), before);
    assert_eq!(store.participants(wave.id).unwrap().len(), 1);
}

#[test]
fn editing_a_participant_replaces_their_relationships_on_both_sides() {
    let (_dir, mut store) = store();
    let wave = wave(&mut store);
    import(
        &mut store,
        wave.id,
        &format!("{HEADER}A1,Ann,Lee,,,,,,,,,A2\nA2,Bo,Ray,,,,,,,,,\nA3,Cy,Fox,,,,,,,,,\n"),
    );
    let ann = store.find_participant(wave.id, "A1").unwrap();
    let mut record = ann.record.clone();
    record.first_name = "Annie".into();
    let edited = store
        .update_participant(
            ann.id,
            &ParticipantUpdate {
                record,
                friends: vec!["A3".into()],
                keep_apart: vec!["A2".into()],
                keep_together: vec![],
            },
        )
        .unwrap();
    assert_eq!(edited.record.first_name, "Annie");
    assert_eq!(edited.friends, vec!["A3"]);
    assert_eq!(edited.keep_apart, vec!["A2"]);
    let bo = store.find_participant(wave.id, "A2").unwrap();
    assert!(bo.friends.is_empty());
    assert_eq!(bo.keep_apart, vec!["A1"]);

    let bad = ParticipantUpdate {
        record: edited.record.clone(),
        friends: vec!["Z9".into()],
        keep_apart: vec![],
        keep_together: vec![],
    };
    assert_eq!(
        store.update_participant(ann.id, &bad).unwrap_err().code(),
        "invalid_participant"
    );
    let clash = ParticipantUpdate {
        record: edited.record.clone(),
        friends: vec![],
        keep_apart: vec!["A2".into()],
        keep_together: vec!["A2".into()],
    };
    assert_eq!(
        store.update_participant(ann.id, &clash).unwrap_err().code(),
        "invalid_participant"
    );
    let mut duplicate = edited.record.clone();
    duplicate.external_id = "A2".into();
    let dup = ParticipantUpdate {
        record: duplicate,
        friends: vec![],
        keep_apart: vec![],
        keep_together: vec![],
    };
    assert_eq!(
        store.update_participant(ann.id, &dup).unwrap_err().code(),
        "invalid_participant"
    );
    let _ = RelationshipKind::Friend;
}

#[test]
fn the_clock_going_backwards_does_not_reorder_the_outbox() {
    struct Backwards(std::sync::atomic::AtomicU64);
    impl mixwell_store::Clock for Backwards {
        fn now_ms(&self) -> u64 {
            self.0.fetch_sub(1_000, std::sync::atomic::Ordering::SeqCst)
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_with_clock(
        &dir.path().join("db"),
        &mixwell_store::DatabaseKey::from_bytes([7; 32]),
        Box::new(Backwards(1_000_000.into())),
    )
    .unwrap();
    for name in ["A", "B", "C", "D"] {
        store.create_programme(name).unwrap();
    }
    let changes = store.pending_changes().unwrap();
    let names: Vec<String> = changes
        .iter()
        .filter(|c| c.entity == Entity::Programme)
        .map(|c| c.fields["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, vec!["A", "B", "C", "D"]);
}

#[test]
fn the_demo_programme_is_seeded_once() {
    let (_dir, mut store) = store();
    let (wave, created) = store.seed_demo().unwrap();
    assert!(created);
    let people = store.participants(wave.id).unwrap();
    assert_eq!(people.len(), 120);
    assert!(people.iter().filter(|p| !p.friends.is_empty()).count() > 30);
    let hours = store
        .find_wave(
            Some(mixwell_store::DEMO_HOURS_PROGRAMME),
            mixwell_store::DEMO_HOURS_WAVE,
        )
        .unwrap();
    let board = store.wave_hours(hours.id).unwrap();
    assert_eq!(board.len(), 30);
    let entries = |store: &Store| -> usize {
        board
            .iter()
            .map(|p| {
                store
                    .hours_timeline(p.participant_id)
                    .unwrap()
                    .entries
                    .len()
            })
            .sum()
    };
    let logged = entries(&store);
    assert!(logged > 60, "{logged} demo entries");
    assert!(board.iter().any(|p| p.milestones.iter().any(|m| m.at_risk)));
    assert!(!store.pending_hours(hours.id).unwrap().is_empty());
    // Nothing a person would call personal beyond names is in the HeadStart demo.
    assert!(store
        .participants(hours.id)
        .unwrap()
        .iter()
        .all(|p| p.record.ethnicity.is_empty() && p.record.faith.is_empty()));

    let (again, created) = store.seed_demo().unwrap();
    assert!(!created);
    assert_eq!(again.id, wave.id);
    assert_eq!(store.participants(wave.id).unwrap().len(), 120);
    assert_eq!(entries(&store), logged, "the hours are seeded once too");
}

#[test]
fn a_panic_inside_an_action_keeps_nothing_of_it_and_the_store_goes_on() {
    let (_dir, mut store) = common::store();
    let before = store.pending_change_count().unwrap();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = store.atomically(|s| {
            s.create_programme("Half made")?;
            if s.pending_change_count()? > 0 {
                panic!("a fault in the middle of an action");
            }
            Ok::<_, mixwell_store::StoreError>(())
        });
    }));
    assert!(outcome.is_err());
    assert!(store.programmes(true).unwrap().is_empty());
    assert_eq!(store.pending_change_count().unwrap(), before);
    let made = store.create_programme("Whole").unwrap();
    assert_eq!(store.programmes(true).unwrap(), vec![made]);
}

#[test]
fn an_action_that_fails_keeps_none_of_its_writes() {
    let (_dir, mut store) = common::store();
    let err = store
        .atomically(|s| {
            s.create_programme("First")?;
            s.create_programme("first")
        })
        .unwrap_err();
    assert_eq!(err.code(), "name_taken");
    assert!(store.programmes(true).unwrap().is_empty());
}

#[test]
fn a_row_that_cannot_be_read_back_is_corrupt_data_not_missing() {
    let (dir, mut store) = common::store();
    store.create_programme("NCS Summer 2027").unwrap();
    let conn = mixwell_store::raw_connection(
        dir.path().join("mixwell.sqlite"),
        &mixwell_store::DatabaseKey::from_bytes([7; 32]),
    )
    .unwrap();
    // Damage as a faulty disk or a hand edit would leave it, past the schema's checks.
    conn.execute_batch("PRAGMA foreign_keys = OFF; UPDATE programme SET id = 'not-an-id';")
        .unwrap();
    let err = store.programmes(true).unwrap_err();
    assert_eq!(err.code(), "corrupt_data", "{err}");
}

/// A laptop holding the programme and wave another laptop made (as sync will bring them),
/// with `roster` imported into that wave.
fn laptop_with_shared_wave(roster: &[u8]) -> (tempfile::TempDir, Store, mixwell_domain::Id) {
    let (org, programme, wave) = (
        "0190f0f0-0000-7000-8000-0000000000a1",
        "0190f0f0-0000-7000-8000-0000000000a2",
        "0190f0f0-0000-7000-8000-0000000000a3",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixwell.sqlite");
    drop(Store::open(&path, &mixwell_store::DatabaseKey::from_bytes([7; 32])).unwrap());
    mixwell_store::raw_connection(&path, &mixwell_store::DatabaseKey::from_bytes([7; 32]))
        .unwrap()
        .execute_batch(&format!(
            "INSERT INTO organisation (id, name) VALUES ('{org}', 'Trust');
             INSERT INTO programme (id, organisation_id, name) VALUES ('{programme}', '{org}', 'NCS');
             INSERT INTO wave (id, programme_id, name) VALUES ('{wave}', '{programme}', 'Wave 1');"
        ))
        .unwrap();
    // Opening again gives the programme its defaults, as it would on arrival.
    let mut store = Store::open(&path, &mixwell_store::DatabaseKey::from_bytes([7; 32])).unwrap();
    let wave: mixwell_domain::Id = wave.parse().unwrap();
    store
        .import_roster(wave, mixwell_roster::parse(roster), &mut |_, _| {})
        .unwrap();
    (dir, store, wave)
}

/// Two laptops importing the same roster into the same wave hold one record per young
/// person between them: the same ids for the participants, their friendships, and the
/// programme's default roles, sessions and milestones.
#[test]
fn two_laptops_importing_the_same_roster_make_the_same_ids() {
    let roster = std::fs::read(SAMPLE).unwrap();
    let (_a_dir, a, wave) = laptop_with_shared_wave(&roster);
    let (_b_dir, b, _) = laptop_with_shared_wave(&roster);
    assert_ne!(a.device_id(), b.device_id());
    let ids = |s: &Store| {
        let people = s.participants(wave).unwrap();
        let friends: Vec<_> = people.iter().flat_map(|p| p.friends.clone()).collect();
        (people.iter().map(|p| p.id).collect::<Vec<_>>(), friends)
    };
    let (people, friends) = ids(&a);
    assert_eq!(people.len(), 120);
    assert!(!friends.is_empty());
    assert_eq!(ids(&b), (people, friends));
    let programme = a.wave(wave).unwrap().programme_id;
    let setup = |s: &Store| {
        (
            s.roles(programme)
                .unwrap()
                .iter()
                .map(|r| r.id)
                .collect::<Vec<_>>(),
            s.sessions(programme)
                .unwrap()
                .iter()
                .map(|r| r.id)
                .collect::<Vec<_>>(),
            s.milestones(programme)
                .unwrap()
                .iter()
                .map(|r| r.id)
                .collect::<Vec<_>>(),
        )
    };
    let (roles, sessions, milestones) = setup(&a);
    assert_eq!((roles.len(), sessions.len(), milestones.len()), (5, 8, 2));
    assert_eq!(setup(&b), (roles, sessions, milestones));
    // The relationship rows themselves, not only whom they name.
    let relationship_ids = |s: &Store| {
        let mut ids: Vec<String> = s
            .pending_changes()
            .unwrap()
            .into_iter()
            .filter(|c| c.entity == Entity::Relationship)
            .map(|c| c.entity_id)
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(relationship_ids(&a), relationship_ids(&b));
}

#[test]
fn one_participant_read_alone_is_the_same_as_read_with_the_wave() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(
        &dir.path().join("m.sqlite"),
        &mixwell_store::DatabaseKey::from_bytes([7; 32]),
    )
    .unwrap();
    let (wave, _) = store.seed_demo().unwrap();
    let everyone = store.participants(wave.id).unwrap();
    assert!(everyone.iter().any(|p| !p.friends.is_empty()));
    for p in &everyone {
        assert_eq!(&store.participant(p.id).unwrap(), p);
    }
    let missing = mixwell_domain::Id::nil();
    assert!(matches!(
        store.participant(missing),
        Err(StoreError::NotFound {
            what: "participant",
            ..
        })
    ));
}
