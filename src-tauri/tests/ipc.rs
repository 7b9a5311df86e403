//! The commands as the UI calls them, through Tauri's IPC with a mock runtime: results
//! arrive as JSON, and errors as `{ code, message, details }`.

mod common;

use common::*;
use serde_json::{json, Value};

#[test]
fn a_refused_name_reaches_the_ui_as_a_code_and_a_message() {
    let ui = ui();
    let error = ui
        .invoke("create_programme", json!({ "name": "  " }))
        .unwrap_err();
    assert_eq!(error["code"], "invalid_name");
    assert!(!error["message"].as_str().unwrap().is_empty());
    assert_eq!(error["details"], Value::Null);
}

#[test]
fn a_broken_roster_is_refused_with_every_problem_in_the_details() {
    let ui = ui();
    let wave = ui.wave();
    let text = format!("{HEADER}A1,Ann,Lee,2010-02-30,F,,,,,No,No,\nA1,Bo,Ray,,M,,,,,No,No,\n");
    let error = ui
        .invoke(
            "import_roster",
            json!({ "waveId": wave, "bytes": text.as_bytes() }),
        )
        .unwrap_err();
    assert_eq!(error["code"], "roster_has_errors");
    assert_eq!(error["details"]["kind"], "roster_problems");
    let problems = error["details"]["problems"].as_array().unwrap();
    let places: Vec<(Value, Value, Value)> = problems
        .iter()
        .map(|p| (p["code"].clone(), p["line"].clone(), p["column"].clone()))
        .collect();
    assert_eq!(
        places,
        vec![
            (json!("unreadable_date"), json!(2), json!(4)),
            (json!("duplicate_id"), json!(3), json!(1)),
        ]
    );
    let people = ui
        .invoke("list_participants", json!({ "waveId": wave }))
        .unwrap();
    assert_eq!(people, json!([]));
}

#[test]
fn a_good_roster_is_previewed_then_imported() {
    let ui = ui();
    let wave = ui.wave();
    let text = format!(
        "{HEADER}A1,Ann,Lee,2010-02-21,Female,,,Oak,,No,No,B2\nB2,Bo,Ray,,Male,,,Oak,,No,No,\n"
    );
    let preview = ui
        .invoke(
            "preview_import",
            json!({ "waveId": wave, "bytes": text.as_bytes() }),
        )
        .unwrap();
    assert_eq!(preview["new"], 2);
    assert_eq!(
        ui.invoke("list_participants", json!({ "waveId": wave }))
            .unwrap(),
        json!([])
    );

    let summary = ui
        .invoke(
            "import_roster",
            json!({ "waveId": wave, "bytes": text.as_bytes() }),
        )
        .unwrap();
    assert_eq!(summary["added"], 2);
    assert_eq!(summary["friendships_added"], 1);
    let people = ui
        .invoke("list_participants", json!({ "waveId": wave }))
        .unwrap();
    let bo = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["record"]["external_id"] == "B2")
        .unwrap();
    assert_eq!(bo["friends"], json!(["A1"]));
    let status = ui.invoke("app_status", json!({})).unwrap();
    assert!(status["pending_changes"].as_u64().unwrap() >= 4);
}

#[test]
fn an_unreadable_database_is_reported_by_every_command_instead_of_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixwell.sqlite");
    std::fs::write(&path, b"this is not a database, and must be left as it is").unwrap();
    let ui = ui_on(dir, &path);
    let error = ui
        .invoke("list_programmes", json!({ "includeArchived": false }))
        .unwrap_err();
    assert_eq!(error["code"], "database_unavailable");
    assert_eq!(error["details"]["kind"], "cause");
    assert_eq!(error["details"]["code"], "key_missing");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"this is not a database, and must be left as it is"
    );
}

/// A database kept under a passphrase: the app opens locked, every command says so, a
/// wrong passphrase keeps it locked, and the right one opens it.
#[test]
fn a_database_kept_under_a_passphrase_opens_locked_until_the_passphrase_is_typed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixwell.sqlite");
    {
        let opened =
            mixwell_actions::open_store(&path, Some(&mixwell_vault::Passphrase::new(PASSPHRASE)))
                .unwrap();
        let mut store = opened.store;
        store.create_programme("NCS 2027").unwrap();
    }
    let ui = ui_with(dir, mixwell_app::AppState::open(&path, None));
    let access = ui.invoke("database_access", json!({})).unwrap();
    assert_eq!(access["state"], "passphrase");
    let error = ui
        .invoke("list_programmes", json!({ "includeArchived": false }))
        .unwrap_err();
    assert_eq!(error["code"], "passphrase_needed");

    let error = ui
        .invoke(
            "unlock_database",
            json!({ "passphrase": "otter kettle lump" }),
        )
        .unwrap_err();
    assert_eq!(error["code"], "wrong_key");
    let access = ui.invoke("database_access", json!({})).unwrap();
    assert_eq!(access["state"], "passphrase");

    ui.invoke("unlock_database", json!({ "passphrase": PASSPHRASE }))
        .unwrap();
    let access = ui.invoke("database_access", json!({})).unwrap();
    assert_eq!(access["state"], "open");
    let programmes = ui
        .invoke("list_programmes", json!({ "includeArchived": false }))
        .unwrap();
    assert_eq!(programmes[0]["name"], "NCS 2027");
}

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/sample_roster_120.csv"
);

#[test]
fn teams_are_formed_checked_after_a_hand_move_and_saved() {
    let ui = ui();
    let wave = ui.wave();
    let roster = std::fs::read(SAMPLE).unwrap();
    ui.invoke("import_roster", json!({ "waveId": wave, "bytes": roster }))
        .unwrap();
    let request = json!({
        "sizes": { "kind": "target_size", "size": 12 },
        "balance": [
            { "name": "gender", "weight": 1.0 }, { "name": "ethnicity", "weight": 1.0 },
            { "name": "faith", "weight": 1.0 }, { "name": "school", "weight": 1.0 }, { "name": "fsm", "weight": 1.0 }
        ],
        "no_isolation": ["gender", "ethnicity", "faith"],
        "avoid_repeats": true,
        "seed": 1,
        "seconds": 3.0
    });
    let formed = ui
        .invoke(
            "form_teams",
            json!({ "waveId": wave, "request": request, "pinned": [] }),
        )
        .unwrap();
    assert_eq!(formed["teams"], 10);
    let mut placements = formed["placements"].as_array().unwrap().clone();
    assert_eq!(placements.len(), 120);
    assert_eq!(
        formed["check"]["breaches"],
        json!([]),
        "{}",
        formed["check"]
    );
    assert!(
        formed["check"]["bound"].as_f64().unwrap() <= formed["check"]["balance"].as_f64().unwrap()
    );

    // Move someone into a friend's team, as a drag would: the check names them both.
    let people = ui
        .invoke("list_participants", json!({ "waveId": wave }))
        .unwrap();
    let people = people.as_array().unwrap();
    let ben = people
        .iter()
        .find(|p| p["record"]["external_id"] == "NCS27-010000")
        .unwrap();
    let friend_ext = ben["friends"][0].as_str().unwrap();
    let friend = people
        .iter()
        .find(|p| p["record"]["external_id"] == friend_ext)
        .unwrap();
    let team_of = |id: &Value, placements: &[Value]| {
        placements
            .iter()
            .find(|p| &p["participant_id"] == id)
            .unwrap()["team"]
            .clone()
    };
    let friend_team = team_of(&friend["id"], &placements);
    for p in placements.iter_mut() {
        if p["participant_id"] == ben["id"] {
            p["team"] = friend_team.clone();
        }
    }
    let check = ui
        .invoke(
            "check_teams",
            json!({ "waveId": wave, "request": request, "placements": placements }),
        )
        .unwrap();
    let apart: Vec<&Value> = check["breaches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["rule"] == "apart")
        .collect();
    assert_eq!(apart.len(), 1, "{check}");
    let named: Vec<&Value> = apart[0]["participants"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert!(
        named.contains(&&ben["id"]) && named.contains(&&friend["id"]),
        "{check}"
    );
    assert!(
        apart[0]["message"].as_str().unwrap().contains("friends"),
        "{check}"
    );

    let saved = ui
        .invoke(
            "save_team_set",
            json!({ "waveId": wave, "name": "Day 1", "request": request, "placements": formed["placements"] }),
        )
        .unwrap();
    assert_eq!(saved["name"], "Day 1");
    let sets = ui
        .invoke("list_team_sets", json!({ "waveId": wave }))
        .unwrap();
    assert_eq!(sets.as_array().unwrap().len(), 1);
    let progress = ui.invoke("forming_progress", json!({})).unwrap();
    assert_eq!(progress["running"], false);
}
