//! `mixwell groups form|check|print` as scripts use them: the TEAMS.csv contract, the
//! exit codes (0 every rule met, 2 some could not be or are broken, 1 bad input) and the
//! printed team lists.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use common::{mixwell, pdf_text, save_demo_team_set, seed_demo};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/sample_roster_120.csv"
);
const HEADER: &str = "id,first_name,last_name,date_of_birth,gender,ethnicity,faith,school,postcode,fsm,additional_needs,friends\n";

/// A database path that commands working from a roster file must never create.
fn no_database(dir: &Path) -> PathBuf {
    dir.join("never-created.sqlite")
}

/// Pairs who share a team in both team sets.
fn repeated_pairs(a: &HashMap<String, String>, b: &HashMap<String, String>) -> usize {
    let ids: Vec<&String> = a.keys().collect();
    let mut repeats = 0;
    for (i, x) in ids.iter().enumerate() {
        for y in &ids[i + 1..] {
            if a[*x] == a[*y] && b[*x] == b[*y] {
                repeats += 1;
            }
        }
    }
    repeats
}

fn teams(file: &Path) -> HashMap<String, String> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("participant_id,group"));
    lines
        .map(|l| {
            let (id, group) = l.split_once(',').unwrap();
            (id.to_owned(), group.to_owned())
        })
        .collect()
}

#[test]
fn forms_teams_from_a_roster_file_with_every_rule_met() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("teams.csv");
    let run = mixwell(
        &no_database(dir.path()),
        &[
            "groups",
            "form",
            "--roster",
            SAMPLE,
            "--team-size",
            "12",
            "--seed",
            "4",
            "--seconds",
            "20",
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
    assert!(stdout.contains("within "), "{stdout}");
    let teams = teams(&out);
    assert_eq!(teams.len(), 120);
    let mut sizes: HashMap<&str, usize> = HashMap::new();
    for g in teams.values() {
        *sizes.entry(g).or_default() += 1;
    }
    assert_eq!(sizes.len(), 10);
    assert!(sizes.values().all(|&s| s == 12), "{sizes:?}");
    // Every friendship in the roster, either way round, ends up split.
    let roster = std::fs::read_to_string(SAMPLE).unwrap();
    for line in roster.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        for friend in cells[11].split(';').filter(|f| !f.is_empty()) {
            if let Some(theirs) = teams.get(friend) {
                assert_ne!(
                    &teams[cells[0]], theirs,
                    "{} and {friend} share a team",
                    cells[0]
                );
            }
        }
    }
    assert!(
        !dir.path().join("never-created.sqlite").exists(),
        "a roster file needs no database"
    );
}

#[test]
fn rules_that_cannot_be_met_exit_2_and_still_write_the_teams() {
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("roster.csv");
    std::fs::write(
        &roster,
        format!("{HEADER}A1,Ann,Lee,,Female,,,Oak,,No,No,A2\nA2,Bo,Ray,,Female,,,Oak,,No,No,A3\nA3,Cy,Fox,,Male,,,Oak,,No,No,\nA4,Di,Ng,,Male,,,Oak,,No,No,\n"),
    )
    .unwrap();
    let out = dir.path().join("teams.csv");
    let run = mixwell(
        &no_database(dir.path()),
        &[
            "groups",
            "form",
            "--roster",
            roster.to_str().unwrap(),
            "--teams",
            "1",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("A1 and A2 (friends) are both in team 1"),
        "{stdout}"
    );
    assert_eq!(teams(&out).len(), 4);
}

#[test]
fn bad_input_exits_1_with_the_reason_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("teams.csv");
    let out_arg = out.to_str().unwrap();
    for (args, reason) in [
        (vec!["--weights", "gender=heavy"], "--weights"),
        (vec!["--balance", "shoe_size"], "shoe_size"),
        (vec!["--teams", "500"], "500 teams"),
        (
            vec!["--avoid-repeats", "/nonexistent/previous.csv"],
            "previous.csv",
        ),
    ] {
        let mut all = vec!["groups", "form", "--roster", SAMPLE, "--out", out_arg];
        all.extend(args);
        let run = mixwell(&no_database(dir.path()), &all);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{all:?}: {stderr}");
        assert!(stderr.contains(reason), "{all:?}: {stderr}");
        assert!(!out.exists());
    }
}

#[test]
fn avoiding_repeats_keeps_earlier_teammates_apart() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.csv");
    let second = dir.path().join("second.csv");
    let form = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            "groups",
            "form",
            "--roster",
            SAMPLE,
            "--team-size",
            "12",
            "--seconds",
            "20",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let run = mixwell(&no_database(dir.path()), &args);
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stdout)
        );
        String::from_utf8_lossy(&run.stdout).into_owned()
    };
    form(&first, &[]);
    let summary = form(&second, &["--avoid-repeats", first.to_str().unwrap()]);
    let repeats = repeated_pairs(&teams(&first), &teams(&second));
    // Ten teams of twelve met 660 pairs; teams at random would repeat about 66 of them.
    assert!(repeats < 30, "{repeats} pairs met again\n{summary}");
    assert!(
        summary.contains(&format!("shared a team before and do again: {repeats}")),
        "{summary}"
    );
}

#[test]
fn new_teams_for_the_next_activity_mix_people_from_the_waves_saved_team_sets() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mixwell.sqlite");
    seed_demo(&db);
    let form = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            "groups",
            "form",
            "--wave",
            mixwell_store::DEMO_WAVE,
            "--seconds",
            "20",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let output = mixwell(&db, &args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let (first, second) = (dir.path().join("day1.csv"), dir.path().join("day2.csv"));
    let saved = form(&first, &["--save", "Day 1 – raft build"]);
    assert!(
        saved.ends_with("saved the team set \"Day 1 – raft build\"\n"),
        "{saved}"
    );
    // The saved set is the file's teams, as the app and `rota plan --wave` will see them.
    let day1 = teams(&first);
    let store = common::open_store(&db);
    let wave = store.find_wave(None, mixwell_store::DEMO_WAVE).unwrap();
    let sets = store.team_sets(wave.id).unwrap();
    assert_eq!(sets.len(), 1);
    assert_eq!(sets[0].name, "Day 1 – raft build");
    let settings: serde_json::Value = serde_json::from_str(&sets[0].settings).unwrap();
    assert_eq!(settings["sizes"]["kind"], "target_size");
    let people = store.participants(wave.id).unwrap();
    assert_eq!(sets[0].placements.len(), day1.len());
    for placement in &sets[0].placements {
        let person = people
            .iter()
            .find(|p| p.id == placement.participant_id)
            .unwrap();
        assert_eq!(
            day1[&person.record.external_id],
            (placement.team + 1).to_string()
        );
    }
    drop(store);
    let summary = form(&second, &["--avoid-saved"]);
    let repeats = repeated_pairs(&day1, &teams(&second));
    // Teams at random would put about 66 of the 660 earlier pairs together again.
    assert!(repeats < 30, "{repeats} pairs met again\n{summary}");
    assert!(
        summary.contains(&format!("shared a team before and do again: {repeats}")),
        "{summary}"
    );
}

fn write_teams(file: &Path, teams: &HashMap<String, String>) {
    let mut text = String::from("participant_id,group\n");
    for (id, group) in teams {
        text.push_str(&format!("{id},{group}\n"));
    }
    std::fs::write(file, text).unwrap();
}

#[test]
fn a_hand_arranged_team_set_is_checked_rule_by_rule_with_exit_0_or_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mixwell.sqlite");
    seed_demo(&db);
    let formed = dir.path().join("formed.csv");
    let run = mixwell(
        &db,
        &[
            "groups",
            "form",
            "--wave",
            mixwell_store::DEMO_WAVE,
            "--teams",
            "10",
            "--seconds",
            "10",
            "--out",
            formed.to_str().unwrap(),
        ],
    );
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let check_with = |file: &Path, extra: &[&str]| {
        let mut args = vec![
            "groups",
            "check",
            "--wave",
            mixwell_store::DEMO_WAVE,
            "--teams",
            file.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        mixwell(&db, &args)
    };
    let check = |file: &Path| check_with(file, &[]);
    let met = check(&formed);
    let stdout = String::from_utf8_lossy(&met.stdout);
    assert_eq!(
        met.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&met.stderr)
    );
    assert!(
        stdout.starts_with("10 teams of 12 for 120 participants"),
        "{stdout}"
    );
    assert!(
        stdout.contains("met    friends and keep-apart pairs in different teams"),
        "{stdout}"
    );
    assert!(stdout.contains("within "), "{stdout}");
    assert!(!stdout.contains("BROKEN"), "{stdout}");

    // Staff move one person: a team of 11 beside one of 13 breaks the sizes. Whom to move
    // is chosen so that only the sizes break (moving someone with additional needs, or
    // the second of a background, would break more), trying team 1's members in order of
    // id so the test is the same every run (a HashMap's order once picked them at random).
    let hand = dir.path().join("hand.csv");
    let allowed_sizes = |file: &Path| check_with(file, &["--min-size", "11", "--max-size", "13"]);
    let mut members: Vec<String> = teams(&formed)
        .into_iter()
        .filter(|(_, g)| g == "1")
        .map(|(id, _)| id)
        .collect();
    members.sort();
    let someone = members
        .into_iter()
        .find(|id| {
            let mut moved = teams(&formed);
            moved.insert(id.clone(), "2".to_owned());
            write_teams(&hand, &moved);
            allowed_sizes(&hand).status.code() == Some(0)
        })
        .expect("someone in team 1 whose move breaks only the sizes");
    let broken = check(&hand);
    let stdout = String::from_utf8_lossy(&broken.stdout);
    assert_eq!(broken.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("10 teams of 11–13 for 120 participants"),
        "{stdout}"
    );
    assert!(stdout.contains("cannot all be met"), "{stdout}");

    // Bad input: someone not in the wave, or someone of the wave in no team (exit 1).
    let mut stranger = teams(&formed);
    stranger.insert("NOBODY-1".to_owned(), "3".to_owned());
    write_teams(&hand, &stranger);
    let refused = check(&hand);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("NOBODY-1 is not in the wave"), "{stderr}");
    let mut missing = teams(&formed);
    missing.remove(&someone);
    write_teams(&hand, &missing);
    let refused = check(&hand);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains(&format!("1 of the wave are in no team: {someone}")),
        "{stderr}"
    );
}

#[test]
fn a_saved_team_set_prints_as_the_app_prints_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mixwell.sqlite");
    seed_demo(&db);
    save_demo_team_set(&db, "Day 1 – raft build", |i, _| (i % 10) as u32);
    let pdf = dir.path().join("lists.pdf");
    let run = mixwell(
        &db,
        &[
            "groups",
            "print",
            "--wave",
            mixwell_store::DEMO_WAVE,
            "--team-set",
            "day 1 – raft build",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = pdf_text(&pdf);
    assert!(
        text.contains(&format!("{}: Day 1 – raft build", mixwell_store::DEMO_WAVE)),
        "{text}"
    );
    assert!(text.contains("Team 10"), "{text}");
    assert!(text.contains(" · printed "), "{text}");
    let store = common::open_store(&db);
    let wave = store.find_wave(None, mixwell_store::DEMO_WAVE).unwrap();
    for person in store.participants(wave.id).unwrap().iter().take(5) {
        assert!(text.contains(&person.record.first_name), "{text}");
    }

    let unknown = mixwell(
        &db,
        &[
            "groups",
            "print",
            "--wave",
            mixwell_store::DEMO_WAVE,
            "--team-set",
            "Day 9",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(unknown.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("no team set called \"Day 9\"; this wave has Day 1 – raft build"),
        "{stderr}"
    );
}
