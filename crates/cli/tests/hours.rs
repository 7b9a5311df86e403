//! `mixwell hours` as scripts use it: the entry id on the last line, refusals that change
//! nothing, an all-or-nothing import with every problem's line, corrections, and the JSON
//! summary contract.

mod common;

use std::path::Path;

use chrono::{Duration, NaiveDate, Utc};
use common::mixwell;

fn today() -> NaiveDate {
    mixwell_domain::hours::london_date(Utc::now())
}

fn days_ago(n: i64) -> String {
    (today() - Duration::days(n)).format("%Y-%m-%d").to_string()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let run = mixwell(db, args);
    assert!(
        run.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8(run.stdout).unwrap()
}

/// Fails, says why on stderr, and returns it.
fn refused(db: &Path, args: &[&str]) -> String {
    let run = mixwell(db, args);
    assert!(!run.status.success(), "{args:?} should fail");
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert!(!stderr.trim().is_empty());
    stderr
}

/// A HeadStart wave that started 60 days ago, with H1, H2 and H3.
fn setup(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("mixwell.sqlite");
    ok(&db, &["programme", "create", "HeadStart"]);
    let starts = days_ago(60);
    ok(
        &db,
        &[
            "wave",
            "create",
            "--programme",
            "HeadStart",
            "Sheffield",
            "--starts",
            &starts,
        ],
    );
    let roster = dir.join("roster.csv");
    std::fs::write(
        &roster,
        "id,first_name,last_name\nH1,Amara,Okafor\nH2,Ben,Quinn\nH3,Chloe,Evans\n",
    )
    .unwrap();
    ok(
        &db,
        &[
            "roster",
            "import",
            roster.to_str().unwrap(),
            "--programme",
            "HeadStart",
            "--wave",
            "Sheffield",
        ],
    );
    db
}

/// (participant_id, verified, pending, milestones) from `hours summary --json`, by id.
fn summary(db: &Path) -> Vec<(String, u64, u64, Vec<String>)> {
    let out = ok(db, &["hours", "summary", "--wave", "Sheffield", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut rows: Vec<_> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["participant_id"].as_str().unwrap().to_owned(),
                r["verified_minutes"].as_u64().unwrap(),
                r["pending_minutes"].as_u64().unwrap(),
                r["milestones"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn last_line(out: &str) -> String {
    out.lines().last().unwrap_or_default().trim().to_owned()
}

#[test]
fn logged_hours_are_pending_until_verified_and_a_void_takes_them_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = setup(dir.path());
    let day = days_ago(3);
    let out = ok(
        &db,
        &[
            "hours",
            "log",
            "--participant",
            "H1",
            "--org",
            "Food Bank",
            "--date",
            &day,
            "--minutes",
            "90",
            "--activity",
            "Sorting donations",
        ],
    );
    let id = last_line(&out);
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{out}");
    assert_eq!(summary(&db)[0], ("H1".into(), 0, 90, vec![]));

    ok(&db, &["hours", "verify", &id, "--by", "Priya Shah"]);
    assert_eq!(
        summary(&db)[0],
        ("H1".into(), 90, 0, vec!["Workshops and training".into()])
    );
    let again = refused(&db, &["hours", "verify", &id, "--by", "Priya Shah"]);
    assert!(again.contains("already verified"), "{again}");

    ok(
        &db,
        &[
            "hours",
            "org",
            "--name",
            "food bank",
            "--contact",
            "Dee Walsh",
            "--address",
            "12 Market St",
        ],
    );
    assert_eq!(
        ok(&db, &["hours", "orgs"]).trim(),
        "Food Bank\tDee Walsh\t12 Market St",
        "the same organisation, its name as first written"
    );
    ok(
        &db,
        &[
            "hours",
            "place",
            "--participant",
            "H1",
            "--org",
            "Food Bank",
            "--supervisor",
            "Dee Walsh",
        ],
    );
    let nowhere = refused(
        &db,
        &[
            "hours",
            "place",
            "--participant",
            "H1",
            "--org",
            "Nowhere",
            "--supervisor",
            "X",
        ],
    );
    assert!(nowhere.contains("Nowhere"), "{nowhere}");
    let shown = ok(&db, &["hours", "show", "--participant", "H1"]);
    assert!(
        shown.contains("verified by Priya Shah (coordinator)"),
        "{shown}"
    );
    assert!(
        shown.contains("placed with Food Bank (supervisor Dee Walsh)"),
        "{shown}"
    );

    refused(&db, &["hours", "void", &id, "--reason", " "]);
    ok(
        &db,
        &[
            "hours",
            "void",
            &id,
            "--reason",
            "logged for the wrong person",
        ],
    );
    assert_eq!(summary(&db)[0], ("H1".into(), 0, 0, vec![]));
    let shown = ok(&db, &["hours", "show", "--participant", "H1"]);
    assert!(shown.contains("voided by"), "{shown}");
    assert!(shown.contains("logged for the wrong person"), "{shown}");
}

#[test]
fn bad_hours_are_refused_with_the_reason_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = setup(dir.path());
    let yesterday = days_ago(1);
    let tomorrow = days_ago(-1);
    let before_start = days_ago(61);
    let log = |participant: &str, date: &str, minutes: &str| {
        vec![
            "hours".to_owned(),
            "log".into(),
            "--participant".into(),
            participant.into(),
            "--org".into(),
            "Food Bank".into(),
            "--date".into(),
            date.into(),
            "--minutes".into(),
            minutes.into(),
        ]
    };
    let cases = [
        (log("H1", &tomorrow, "60"), "in the future"),
        (
            log("H1", &before_start, "60"),
            "before the participant's programme started",
        ),
        (log("H1", &yesterday, "0"), "from 1 to 1440"),
        (log("H1", &yesterday, "1441"), "from 1 to 1440"),
        (log("NOBODY", &yesterday, "60"), "no participant \"NOBODY\""),
    ];
    for (case, reason) in &cases {
        let stderr = refused(&db, &args(case));
        assert!(stderr.contains(reason), "{case:?}: {stderr}");
    }
    ok(&db, &args(&log("H1", &yesterday, "1000")));
    let over = refused(
        &db,
        &args(&{
            let mut v = log("H1", &yesterday, "500");
            v[5] = "Park Trust".into();
            v
        }),
    );
    assert!(over.contains("at most 24 h a day"), "{over}");
    let duplicate = refused(&db, &args(&log("H1", &yesterday, "30")));
    assert!(duplicate.contains("already logged"), "{duplicate}");
    assert!(duplicate.contains("--allow-duplicate"), "{duplicate}");
    assert_eq!(
        summary(&db)[0],
        ("H1".into(), 0, 1000, vec![]),
        "nothing saved"
    );
    let mut allowed = log("H1", &yesterday, "30");
    allowed.push("--allow-duplicate".into());
    ok(&db, &args(&allowed));
    assert_eq!(summary(&db)[0].2, 1030);
}

#[test]
fn an_import_is_all_or_nothing_with_every_problem_on_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = setup(dir.path());
    let (d1, d2, future) = (days_ago(5), days_ago(4), days_ago(-2));
    let bad = dir.path().join("sheet.csv");
    std::fs::write(
        &bad,
        format!(
            "participant_id,organisation,date,minutes,activity\n\
             H1,Food Bank,{d1},180,Sorting\n\
             H2,Food Bank,{d1},2000,Sorting\n\
             H9,Food Bank,{d1},60,Sorting\n\
             H3,Food Bank,{future},60,Sorting\n"
        ),
    )
    .unwrap();
    let stderr = refused(&db, &["hours", "import", bad.to_str().unwrap()]);
    for expected in [
        "line 3: minutes:",
        "line 4: participant_id:",
        "line 5: date:",
        "nothing was imported",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
    assert!(!stderr.contains("line 2"), "{stderr}");
    assert!(summary(&db).iter().all(|r| r.1 == 0 && r.2 == 0));

    let unreadable = dir.path().join("typo.csv");
    std::fs::write(
        &unreadable,
        format!("participant_id,organisation,date,minutes\nH1,Food Bank,21/07/2027,60\nH2,Food Bank,{d1},1h\n"),
    )
    .unwrap();
    let stderr = refused(&db, &["hours", "import", unreadable.to_str().unwrap()]);
    assert!(stderr.contains("line 2: date:"), "{stderr}");
    assert!(stderr.contains("line 3: minutes:"), "{stderr}");

    let good = dir.path().join("fixed.csv");
    std::fs::write(
        &good,
        format!(
            "participant_id,organisation,date,minutes,activity\n\
             H1,Food Bank,{d1},600,Sorting\n\
             H1,Park Trust,{d2},360,Planting\n\
             H2,Food Bank,{d1},120,Sorting\n"
        ),
    )
    .unwrap();
    let out = ok(
        &db,
        &[
            "hours",
            "import",
            good.to_str().unwrap(),
            "--verified-by",
            "Jo Malik",
        ],
    );
    assert!(out.contains("imported 3 entries"), "{out}");
    let rows = summary(&db);
    assert_eq!(
        rows[0],
        (
            "H1".into(),
            960,
            0,
            vec![
                "Workshops and training".into(),
                "Guaranteed interview".into()
            ]
        )
    );
    assert_eq!(
        rows[1],
        ("H2".into(), 120, 0, vec!["Workshops and training".into()])
    );
    assert_eq!(rows[2], ("H3".into(), 0, 0, vec![]));

    let report = dir.path().join("hours.xlsx");
    ok(
        &db,
        &[
            "hours",
            "export",
            "--wave",
            "Sheffield",
            "--by",
            "organisation",
            "--out",
            report.to_str().unwrap(),
        ],
    );
    assert!(
        std::fs::read(&report).unwrap().starts_with(b"PK"),
        "an XLSX file"
    );
    let csv = dir.path().join("hours.csv");
    ok(
        &db,
        &[
            "hours",
            "export",
            "--wave",
            "Sheffield",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("H1,Amara Okafor,960,0,")),
        "{text}"
    );
}

#[test]
fn milestones_can_be_changed_per_programme() {
    let dir = tempfile::tempdir().unwrap();
    let db = setup(dir.path());
    let listed = ok(
        &db,
        &["hours", "milestones", "list", "--programme", "HeadStart"],
    );
    assert!(
        listed.contains("Guaranteed interview\t16 h within 2 month(s)"),
        "{listed}"
    );
    ok(
        &db,
        &[
            "hours",
            "milestones",
            "remove",
            "--programme",
            "HeadStart",
            "--name",
            "guaranteed interview",
        ],
    );
    let added = ok(
        &db,
        &[
            "hours",
            "milestones",
            "add",
            "--programme",
            "HeadStart",
            "--name",
            "Award",
            "--minutes",
            "120",
        ],
    );
    assert_eq!(added.lines().count(), 2, "{added}");
    let day = days_ago(2);
    ok(
        &db,
        &[
            "hours",
            "log",
            "--participant",
            "H2",
            "--org",
            "Food Bank",
            "--date",
            &day,
            "--minutes",
            "150",
            "--verified-by",
            "Jo Malik",
        ],
    );
    assert_eq!(
        summary(&db)[1].3,
        ["Workshops and training".to_owned(), "Award".to_owned()]
    );
}
