//! `mixwell rota plan` as scripts use it: the ROTA.csv contract, absences, small teams, a
//! wave's saved team set, and bad input that changes nothing.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use common::{mixwell, save_demo_team_set, seed_demo};

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// (session, group, role, participant_id) rows after checking the header.
fn rota(file: &Path) -> Vec<(u32, String, String, String)> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("session,group,role,participant_id"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].parse().unwrap(), f[1].into(), f[2].into(), f[3].into())
        })
        .collect()
}

const ROLES: &str = "Team Leader,Timekeeper,Scribe,Spokesperson";

#[test]
fn plans_every_team_and_session_skipping_the_absent_and_filling_small_teams_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never-created.sqlite");
    let mut teams = String::from("participant_id,group\n");
    for i in 0..8 {
        teams.push_str(&format!("A{i},1\n"));
    }
    for i in 0..3 {
        teams.push_str(&format!("B{i},2\n"));
    }
    let teams = write(dir.path(), "teams.csv", &teams);
    let absences = write(
        dir.path(),
        "absent.csv",
        "session,participant_id\n2,A0\n3,B1\n",
    );
    let out = dir.path().join("rota.csv");
    let run = mixwell(
        &db,
        &[
            "rota",
            "plan",
            "--teams",
            &teams,
            "--roles",
            ROLES,
            "--sessions",
            "8",
            "--absences",
            &absences,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!db.exists(), "a teams file needs no database");
    let rows = rota(&out);
    let mut cells: HashMap<(u32, String), Vec<String>> = HashMap::new();
    for (session, group, role, id) in &rows {
        assert!(
            !(*session == 2 && id == "A0" || *session == 3 && id == "B1"),
            "{id} is away"
        );
        cells
            .entry((*session, group.clone()))
            .or_default()
            .push(role.clone());
    }
    let roles: Vec<String> = ROLES.split(',').map(String::from).collect();
    for session in 1..=8 {
        assert_eq!(
            cells[&(session, "1".into())],
            roles,
            "team 1, session {session}"
        );
        // Three people fill the first three roles; two (one away) the first two.
        let expected = if session == 3 { 2 } else { 3 };
        assert_eq!(
            cells[&(session, "2".into())],
            roles[..expected],
            "team 2, session {session}"
        );
    }
    // Eight sessions, eight people: everyone in team 1 leads once; A0, away once, still does.
    let leaders: HashSet<&String> = rows
        .iter()
        .filter(|r| r.1 == "1" && r.2 == "Team Leader")
        .map(|r| &r.3)
        .collect();
    assert_eq!(leaders.len(), 8, "{rows:?}");
    assert!(
        stdout.contains("met    everyone leads once before anyone leads twice"),
        "{stdout}"
    );
}

#[test]
fn bad_input_exits_1_with_the_place_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never-created.sqlite");
    let teams = write(
        dir.path(),
        "teams.csv",
        "participant_id,group\nA1,1\nA2,1\n",
    );
    let out = dir.path().join("rota.csv");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "--absences".into(),
                write(dir.path(), "a.csv", "session,participant_id\n9,A1\n"),
            ],
            "a.csv: line 2: session \"9\" is not a number from 1 to 4",
        ),
        (
            vec![
                "--absences".into(),
                write(dir.path(), "b.csv", "session,participant_id\n1,Z9\n"),
            ],
            "b.csv: line 2: Z9 is not in any team",
        ),
        (
            vec!["--leading".into(), "Captain".into()],
            "--leading: \"Captain\" is not one of the roles",
        ),
    ];
    for (extra, expected) in cases {
        let mut args: Vec<String> = [
            "rota",
            "plan",
            "--teams",
            &teams,
            "--roles",
            ROLES,
            "--sessions",
            "4",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(extra);
        args.extend(["--out".into(), out.to_str().unwrap().into()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = mixwell(&db, &refs);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(!out.exists());
    }
}

#[test]
fn plans_from_a_waves_saved_team_set_and_checks_equal_status() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mixwell.sqlite");
    seed_demo(&db);
    save_demo_team_set(&db, "Day 1", |i, _| (i % 10) as u32);
    let out = dir.path().join("rota.csv");
    let run = mixwell(
        &db,
        &[
            "rota",
            "plan",
            "--wave",
            mixwell_store::DEMO_WAVE,
            "--roles",
            ROLES,
            "--sessions",
            "15",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(rota(&out).len(), 15 * 10 * 4);
    assert!(
        stdout.contains("leading turns equal across backgrounds"),
        "{stdout}"
    );
    assert!(stdout.contains("gender Female:"), "{stdout}");
}

/// The kept rota's CSV rows (session,group,role,participant_id,done,set_by_hand).
fn kept_rows(stdout: &[u8]) -> Vec<Vec<String>> {
    String::from_utf8_lossy(stdout)
        .lines()
        .skip_while(|l| !l.starts_with("session,group"))
        .skip(1)
        .take_while(|l| l.split(',').count() == 6)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

#[test]
fn the_waves_kept_rota_is_planned_changed_and_printed_as_in_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.sqlite");
    seed_demo(&db);
    let wave = ["--wave", mixwell_store::DEMO_WAVE];

    let none = mixwell(&db, &[&["rota", "show"][..], &wave].concat());
    assert!(String::from_utf8_lossy(&none.stdout).contains("no rota yet"));
    let refused = mixwell(&db, &[&["rota", "replan"][..], &wave].concat());
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("team set"));

    save_demo_team_set(&db, "Day 1", |i, _| (i % 10) as u32);
    let planned = mixwell(&db, &[&["rota", "replan"][..], &wave].concat());
    assert!(
        planned.status.success(),
        "{}",
        String::from_utf8_lossy(&planned.stderr)
    );
    let rows = kept_rows(&planned.stdout);
    assert_eq!(rows.len(), 8 * 10 * 5);
    let leader = rows
        .iter()
        .find(|r| r[0] == "Day 1 morning" && r[1] == "1" && r[2] == "Team Leader")
        .unwrap()[3]
        .clone();

    let away = mixwell(
        &db,
        &[
            &[
                "rota",
                "away",
                "--session",
                "day 1 morning",
                "--participant",
                &leader,
            ][..],
            &wave,
        ]
        .concat(),
    );
    assert!(
        away.status.success(),
        "{}",
        String::from_utf8_lossy(&away.stderr)
    );
    let after = kept_rows(&away.stdout);
    assert!(!after
        .iter()
        .any(|r| r[0] == "Day 1 morning" && r[3] == leader));
    assert!(
        after
            .iter()
            .any(|r| r[0] == "Day 1 afternoon" && r[3] == leader),
        "catches up next session"
    );
    assert!(
        String::from_utf8_lossy(&away.stdout).contains(&format!("away: {leader} in Day 1 morning"))
    );

    let new_leader = after
        .iter()
        .find(|r| r[0] == "Day 1 morning" && r[1] == "1" && r[2] == "Team Leader")
        .unwrap()[3]
        .clone();
    let set = mixwell(
        &db,
        &[
            &[
                "rota",
                "set",
                "--session",
                "Day 1 afternoon",
                "--role",
                "team leader",
                "--participant",
                &new_leader,
            ][..],
            &wave,
        ]
        .concat(),
    );
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    let text = String::from_utf8_lossy(&set.stdout);
    assert!(
        text.contains("BROKEN Day 1 afternoon:") && text.contains("leads again in team 1"),
        "{text}"
    );
    let kept = kept_rows(&set.stdout);
    let cell = kept
        .iter()
        .find(|r| r[0] == "Day 1 afternoon" && r[1] == "1" && r[2] == "Team Leader")
        .unwrap();
    assert_eq!(
        (cell[3].as_str(), cell[5].as_str()),
        (new_leader.as_str(), "true")
    );

    let done = mixwell(
        &db,
        &[
            &[
                "rota",
                "done",
                "--session",
                "Day 1 morning",
                "--participant",
                &new_leader,
            ][..],
            &wave,
        ]
        .concat(),
    );
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let shown = mixwell(&db, &[&["rota", "show"][..], &wave].concat());
    let marked = kept_rows(&shown.stdout);
    assert!(marked
        .iter()
        .any(|r| r[0] == "Day 1 morning" && r[3] == new_leader && r[4] == "true"));

    let unknown = mixwell(
        &db,
        &[
            &[
                "rota",
                "away",
                "--session",
                "Day 9",
                "--participant",
                &leader,
            ][..],
            &wave,
        ]
        .concat(),
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no session called \"Day 9\""));

    let pdf = dir.path().join("rota.pdf");
    let printed = mixwell(
        &db,
        &[
            &["rota", "print", "--out", pdf.to_str().unwrap()][..],
            &wave,
        ]
        .concat(),
    );
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let text = common::pdf_text(&pdf);
    assert!(text.contains("Team 10: leadership rota, Wave 1 – Peak District"));
    assert!(text.contains("Castleton Youth Centre · printed "));
}

/// Runs `mixwell ARGS...` and returns stdout, failing the test with stderr when it fails.
fn ok(db: &Path, args: &[&str]) -> String {
    let run = mixwell(db, args);
    assert!(
        run.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8_lossy(&run.stdout).into_owned()
}

#[test]
fn a_programmes_roles_and_sessions_are_edited_from_the_command_line_and_plans_follow() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.sqlite");
    seed_demo(&db);
    let programme = ["--programme", mixwell_store::DEMO_PROGRAMME];
    let roles = |args: &[&str]| ok(&db, &[&["rota", "roles"][..], args, &programme].concat());
    let sessions = |args: &[&str]| ok(&db, &[&["rota", "sessions"][..], args, &programme].concat());

    assert_eq!(
        roles(&["list"]),
        "1. Team Leader (leading)\n2. Timekeeper\n3. Scribe\n4. Spokesperson\n5. Wellbeing Champion\n"
    );
    roles(&["add", "Quartermaster", "--leading"]);
    roles(&["rename", "scribe", "--to", "Note-taker"]);
    roles(&["move", "Note-taker", "--earlier"]);
    roles(&["lead", "Team Leader", "--off"]);
    let listed = roles(&["remove", "Wellbeing Champion"]);
    assert_eq!(
        listed,
        "1. Team Leader\n2. Note-taker\n3. Timekeeper\n4. Spokesperson\n5. Quartermaster (leading)\n"
    );

    // The last leading role cannot stop leading: refused, and nothing changes.
    let refused = mixwell(
        &db,
        &[
            &["rota", "roles", "lead", "Quartermaster", "--off"][..],
            &programme,
        ]
        .concat(),
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("only leading role"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let unknown = mixwell(
        &db,
        &[&["rota", "roles", "remove", "Cook"][..], &programme].concat(),
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no role called \"Cook\""));
    assert_eq!(roles(&["list"]), listed);

    let listed = sessions(&["list"]);
    assert!(
        listed.starts_with("Day 1 morning: every role\n"),
        "{listed}"
    );
    assert_eq!(listed.lines().count(), 8);
    sessions(&[
        "add",
        "Day 5 morning",
        "--roles",
        "Quartermaster,team leader",
    ]);
    sessions(&["rename", "Day 4 afternoon", "--to", "Graduation"]);
    sessions(&["use", "Day 1 morning", "--roles", "Quartermaster"]);
    for gone in [
        "Day 3 morning",
        "Day 3 afternoon",
        "Day 4 morning",
        "Day 2 afternoon",
    ] {
        sessions(&["remove", gone]);
    }
    assert_eq!(
        sessions(&["list"]),
        "Day 1 morning: Quartermaster\nDay 1 afternoon: every role\nDay 2 morning: every role\n\
         Graduation: every role\nDay 5 morning: Team Leader, Quartermaster\n"
    );
    let bad = mixwell(
        &db,
        &[
            &["rota", "sessions", "use", "Graduation", "--roles", "Cook"][..],
            &programme,
        ]
        .concat(),
    );
    assert_eq!(bad.status.code(), Some(1));

    // A plan of the demo wave follows the edited roles and sessions.
    save_demo_team_set(&db, "Day 1", |i, _| (i % 10) as u32);
    let planned = ok(&db, &["rota", "replan", "--wave", mixwell_store::DEMO_WAVE]);
    let rows = kept_rows(planned.as_bytes());
    let in_session = |name: &str| -> HashSet<String> {
        rows.iter()
            .filter(|r| r[0] == name)
            .map(|r| r[2].clone())
            .collect()
    };
    assert_eq!(
        in_session("Day 1 morning"),
        HashSet::from(["Quartermaster".to_owned()])
    );
    assert_eq!(
        in_session("Day 5 morning"),
        HashSet::from(["Quartermaster".to_owned(), "Team Leader".to_owned()])
    );
    assert_eq!(in_session("Graduation").len(), 5);
    assert!(in_session("Day 3 morning").is_empty());
    assert!(!rows
        .iter()
        .any(|r| r[2] == "Wellbeing Champion" || r[2] == "Scribe"));
    assert_eq!(rows.len(), 10 * (1 + 5 + 5 + 5 + 2));
}
