//! The `mixwell` command as scripts use it: exit codes, stdout, stderr.

mod common;

use std::path::Path;
use std::process::Output;

use common::mixwell;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/sample_roster_120.csv"
);

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn list_json(db: &Path, wave: &str) -> Vec<serde_json::Value> {
    let out = mixwell(db, &["participants", "list", "--wave", wave, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).unwrap()
}

#[test]
fn imports_a_roster_and_lists_it_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.sqlite");
    let out = mixwell(
        &db,
        &[
            "roster",
            "import",
            SAMPLE,
            "--programme",
            "NCS 2027",
            "--wave",
            "Wave 1",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("120 added"), "{}", stdout(&out));

    let people = list_json(&db, "Wave 1");
    assert_eq!(people.len(), 120);
    assert!(people
        .iter()
        .any(|p| p["record"]["external_id"] == "NCS27-010000"));

    let again = mixwell(
        &db,
        &[
            "roster",
            "import",
            SAMPLE,
            "--programme",
            "NCS 2027",
            "--wave",
            "Wave 1",
        ],
    );
    assert!(
        stdout(&again).contains("0 added, 0 updated, 120 unchanged"),
        "{}",
        stdout(&again)
    );
    assert_eq!(list_json(&db, "Wave 1").len(), 120);
}

#[test]
fn a_broken_roster_fails_with_every_problem_on_stderr_and_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.sqlite");
    let file = dir.path().join("broken.csv");
    std::fs::write(
        &file,
        "id,first_name,date_of_birth\nA1,Ann,2010-13-01\n,Bo,\nA1,Cy,\n",
    )
    .unwrap();
    let out = mixwell(
        &db,
        &[
            "roster",
            "import",
            file.to_str().unwrap(),
            "--programme",
            "P",
            "--wave",
            "W",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("line 2, column 3 (date_of_birth)"), "{err}");
    assert!(err.contains("line 3, column 1 (id)"), "{err}");
    assert!(
        err.contains("line 4, column 1 (id): the id A1 is on line 2 and again on line 4"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    let programmes = mixwell(&db, &["programme", "list", "--all"]);
    assert_eq!(
        stdout(&programmes),
        "",
        "not even the programme was created"
    );
}

#[test]
fn an_unknown_wave_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = mixwell(
        &dir.path().join("m.sqlite"),
        &["participants", "list", "--wave", "Nowhere"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("there is no wave called \"Nowhere\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn demo_seed_then_export_then_import_elsewhere_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.sqlite");
    let seed = mixwell(&db, &["demo", "seed"]);
    assert!(seed.status.success(), "{}", stderr(&seed));
    assert!(stdout(&seed).contains("120 participants"));
    let wave = mixwell_store::DEMO_WAVE;
    let exported = dir.path().join("out.csv");
    let out = mixwell(
        &db,
        &[
            "roster",
            "export",
            "--wave",
            wave,
            "--out",
            exported.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let other = dir.path().join("other.sqlite");
    let out = mixwell(
        &other,
        &[
            "roster",
            "import",
            exported.to_str().unwrap(),
            "--programme",
            "Copy",
            "--wave",
            "W",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let strip = |people: Vec<serde_json::Value>| -> Vec<(serde_json::Value, serde_json::Value)> {
        people
            .into_iter()
            .map(|p| (p["record"].clone(), p["friends"].clone()))
            .collect()
    };
    assert_eq!(strip(list_json(&db, wave)), strip(list_json(&other, "W")));
}

/// Subject access: one young person's data as JSON and as a readable PDF, the export on
/// the audit trail, and a file name that is neither refused with nothing written.
#[test]
fn export_subject_writes_one_persons_data_as_json_and_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mixwell.sqlite");
    let seeded = mixwell(&db, &["demo", "seed"]);
    assert!(seeded.status.success());
    let listed = mixwell(
        &db,
        &[
            "participants",
            "list",
            "--wave",
            mixwell_store::DEMO_HOURS_WAVE,
            "--json",
        ],
    );
    let people: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let person = &people[0];
    let id = person["id"].as_str().unwrap();
    let first = person["record"]["first_name"].as_str().unwrap();
    let other = people[1]["record"]["last_name"].as_str().unwrap();

    let export = |out: &Path| {
        mixwell(
            &db,
            &[
                "participants",
                "export-subject",
                id,
                "--out",
                out.to_str().unwrap(),
            ],
        )
    };
    let json = dir.path().join("subject.json");
    let run = export(&json);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let access: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(access["participant_id"], id);
    assert_eq!(access["record"]["first_name"], first);
    assert!(access["hours"]["entries"]
        .as_array()
        .is_some_and(|e| !e.is_empty()));
    assert!(!String::from_utf8_lossy(&std::fs::read(&json).unwrap()).contains(other));

    let pdf = dir.path().join("subject.pdf");
    let run = export(&pdf);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = common::pdf_text(&pdf);
    assert!(text.contains(first), "{text}");
    assert!(text.contains("Volunteering hours"), "{text}");
    assert!(!text.contains(other), "another young person's name: {text}");

    let trail = mixwell(&db, &["audit", "list", "--last", "2", "--json"]);
    let trail: serde_json::Value = serde_json::from_slice(&trail.stdout).unwrap();
    for link in trail.as_array().unwrap() {
        assert_eq!(link["action"], "export");
        assert_eq!(link["entity_id"], id);
    }

    let wrong = dir.path().join("subject.txt");
    let run = export(&wrong);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("must end in .json or .pdf"));
    assert!(!wrong.exists());
}
