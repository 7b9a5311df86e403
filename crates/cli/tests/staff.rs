//! Staff accounts from the command line: the first is an administrator's; once one exists
//! every subcommand signs in, and each role is refused what it may not do.

mod common;

use std::path::Path;
use std::process::Output;

use common::seed_demo;

fn run(db: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    common::mixwell_as(db, env, args)
}

/// The demo wave's young people as `env`'s account is shown them.
fn participants(db: &Path, env: &[(&str, &str)]) -> String {
    ok(run(
        db,
        env,
        &[
            "participants",
            "list",
            "--wave",
            mixwell_store::DEMO_WAVE,
            "--json",
        ],
    ))
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(out: Output) -> String {
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    stdout
}

fn refused(out: Output, code: &str) -> String {
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains(&format!("[{code}]")), "{stderr}");
    stderr
}

const ADMIN: [(&str, &str); 2] = [
    ("MIXWELL_STAFF", "Ada Lovell"),
    ("MIXWELL_STAFF_PIN", "204863"),
];
const FIELD: [(&str, &str); 2] = [
    ("MIXWELL_STAFF", "Sam Field"),
    ("MIXWELL_STAFF_PIN", "314159"),
];

/// The demo with an administrator and a field-staff account.
fn laptop() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mixwell.sqlite");
    seed_demo(&db);
    let first = run(
        &db,
        &[("MIXWELL_NEW_STAFF_PIN", "111111")],
        &["staff", "add", "Cat Coordinator", "--role", "coordinator"],
    );
    refused(first, "invalid_request");
    ok(run(
        &db,
        &[("MIXWELL_NEW_STAFF_PIN", "204863")],
        &["staff", "add", "Ada Lovell", "--role", "administrator"],
    ));
    let mut as_admin = ADMIN.to_vec();
    as_admin.push(("MIXWELL_NEW_STAFF_PIN", "314159"));
    ok(run(
        &db,
        &as_admin,
        &["staff", "add", "Sam Field", "--role", "field-staff"],
    ));
    (dir, db)
}

#[test]
fn once_a_laptop_has_accounts_every_subcommand_signs_in() {
    let (_dir, db) = laptop();
    refused(run(&db, &[], &["programme", "list"]), "signed_out");
    let wrong = [
        ("MIXWELL_STAFF", "Sam Field"),
        ("MIXWELL_STAFF_PIN", "000000"),
    ];
    refused(run(&db, &wrong, &["programme", "list"]), "wrong_pin");
    assert!(ok(run(&db, &FIELD, &["programme", "list"])).contains("NCS"));
    let list = ok(run(&db, &ADMIN, &["staff", "list"]));
    assert!(
        list.contains("Ada Lovell\tadministrator") && list.contains("Sam Field\tfield staff"),
        "{list}"
    );
    assert!(!list.contains("argon2"));
}

#[test]
fn field_staff_are_refused_what_their_role_may_not_do_and_see_no_faith() {
    let (dir, db) = laptop();
    let people = participants(&db, &FIELD);
    let shown: Vec<mixwell_domain::Participant> = serde_json::from_str(&people).unwrap();
    assert!(!shown.is_empty());
    assert!(shown
        .iter()
        .all(|p| p.record.faith.is_empty() && p.record.ethnicity.is_empty()));

    let roster = dir.path().join("roster.csv");
    std::fs::write(&roster, common_header()).unwrap();
    let stderr = refused(
        run(
            &db,
            &FIELD,
            &[
                "roster",
                "import",
                roster.to_str().unwrap(),
                "--wave",
                mixwell_store::DEMO_WAVE,
            ],
        ),
        "forbidden",
    );
    assert!(
        stderr.contains("your role (field staff) may not import rosters"),
        "{stderr}"
    );
    refused(run(&db, &FIELD, &["audit", "verify"]), "forbidden");
    refused(run(&db, &FIELD, &["staff", "list"]), "forbidden");
    ok(run(&db, &ADMIN, &["audit", "verify"]));
}

#[test]
fn the_last_administrator_cannot_be_closed_and_a_closed_account_cannot_sign_in() {
    let (_dir, db) = laptop();
    refused(
        run(&db, &ADMIN, &["staff", "close", "Ada Lovell"]),
        "invalid_request",
    );
    ok(run(&db, &ADMIN, &["staff", "close", "Sam Field"]));
    refused(run(&db, &FIELD, &["programme", "list"]), "no_such_name");
    ok(run(&db, &ADMIN, &["staff", "reopen", "Sam Field"]));
    ok(run(
        &db,
        &ADMIN,
        &["staff", "role", "Sam Field", "coordinator"],
    ));
    let people = participants(&db, &FIELD);
    assert!(
        people.contains("\"faith\": \"") && !people.contains("\"faith\": \"\","),
        "a coordinator sees faith"
    );
}

fn common_header() -> &'static str {
    "id,first_name,last_name,date_of_birth,gender,ethnicity,faith,school,postcode,fsm,additional_needs,friends\n"
}
