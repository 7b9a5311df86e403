//! `mixwell audit`: the trail of changes and reads, and a tampered chain found at the
//! right link.

mod common;

use common::{mixwell, seed_demo, PASSPHRASE};

fn raw(db: &std::path::Path) -> rusqlite::Connection {
    let key = mixwell_vault::unlock(db, Some(&mixwell_vault::Passphrase::new(PASSPHRASE))).unwrap();
    mixwell_store::raw_connection(db, &key).unwrap()
}

#[test]
fn every_change_and_read_is_on_the_trail_and_a_tampered_link_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mixwell.sqlite");
    seed_demo(&db);
    let listed = mixwell(
        &db,
        &["participants", "list", "--wave", mixwell_store::DEMO_WAVE],
    );
    assert!(listed.status.success());

    let verify = mixwell(&db, &["audit", "verify", "--json"]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    let verdict: serde_json::Value = serde_json::from_slice(&verify.stdout).unwrap();
    assert_eq!(verdict["intact"], true);
    let links = verdict["links"].as_u64().unwrap();

    // One link per change in the outbox, and one for the read of the wave's people.
    let conn = raw(&db);
    let changes: i64 = conn
        .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
        .unwrap();
    assert_eq!(links, changes as u64 + 1);
    let last = mixwell(&db, &["audit", "list", "--last", "1", "--json"]);
    let last: serde_json::Value = serde_json::from_slice(&last.stdout).unwrap();
    assert_eq!(last[0]["action"], "read");
    assert_eq!(last[0]["entity"], "wave");
    // Ids and codes only: no name of any participant is on the trail.
    let name: String = conn
        .query_row("SELECT first_name FROM participant LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let trail: String = conn
        .query_row(
            "SELECT group_concat(entity || entity_id || action, ' ') FROM audit_link",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!trail.contains(&name));

    // Append-only.
    assert!(conn
        .execute("UPDATE audit_link SET entity_id = 'x' WHERE seq = 7", [])
        .is_err());
    assert!(conn
        .execute("DELETE FROM audit_link WHERE seq = 7", [])
        .is_err());

    // Someone with the key takes the triggers away and edits link 7.
    conn.execute_batch(
        "DROP TRIGGER audit_link_no_update;
         UPDATE audit_link SET entity_id = 'someone-else' WHERE seq = 7;",
    )
    .unwrap();
    let broken = mixwell(&db, &["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(stderr.contains("broken at link 7"), "{stderr}");
    assert!(stderr.contains("changed after it was written"), "{stderr}");
    assert!(stderr.contains("[audit_broken]"), "{stderr}");
    let json = mixwell(&db, &["audit", "verify", "--json"]);
    assert_eq!(json.status.code(), Some(1));
    let verdict: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(verdict["broken_at"], 7);
    assert_eq!(verdict["links"], 6);

    // Or removes link 3: the chain breaks where link 3 should be.
    conn.execute_batch(
        "DROP TRIGGER audit_link_no_delete;
         DELETE FROM audit_link WHERE seq = 3;",
    )
    .unwrap();
    let broken = mixwell(&db, &["audit", "verify"]);
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(
        stderr.contains("broken at link 3: link 4 comes where link 3 should"),
        "{stderr}"
    );
}
