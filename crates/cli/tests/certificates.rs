//! `mixwell certificates` as scripts use it, exactly as the contract says: `export` prints
//! `number NUMBER code CODE` last; `verify` prints `genuine`, `revoked` or `not genuine`
//! last and exits 0 only for genuine; `keys` writes what lets anyone check with no database.

mod common;

use std::path::Path;

use common::{mixwell, seed_demo};

const WAVE: &str = "Sheffield volunteers";

fn run(db: &Path, args: &[&str]) -> (bool, String, String) {
    let out = mixwell(db, args);
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn last_line(text: &str) -> &str {
    text.lines().last().unwrap_or("")
}

/// The demo participants' roster ids with verified hours.
fn with_hours(db: &Path) -> Vec<String> {
    let (ok, out, err) = run(db, &["hours", "summary", "--wave", WAVE, "--json"]);
    assert!(ok, "{err}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    rows.iter()
        .filter(|r| r["verified_minutes"].as_u64().unwrap() > 0)
        .map(|r| r["participant_id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn export_verify_revoke_list_and_keys_keep_their_contract() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.sqlite");
    seed_demo(&db);
    let who = with_hours(&db)[0].clone();
    let pdf = dir.path().join("c.pdf");
    let (ok, out, err) = run(
        &db,
        &[
            "certificates",
            "export",
            "--participant",
            &who,
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    let words: Vec<&str> = last_line(&out).split(' ').collect();
    let [first, number, second, code] = words.as_slice() else {
        panic!("last line {:?}", last_line(&out));
    };
    assert_eq!((*first, *second), ("number", "code"));
    assert!(
        mixwell_certificates::VerificationCode::parse(code).is_ok(),
        "{code}"
    );

    // Exported again unchanged: the same line and the same bytes.
    let bytes = std::fs::read(&pdf).unwrap();
    let again = dir.path().join("again.pdf");
    let (_, out_again, _) = run(
        &db,
        &[
            "certificates",
            "export",
            "--participant",
            &who,
            "--out",
            again.to_str().unwrap(),
        ],
    );
    assert_eq!(last_line(&out_again), last_line(&out));
    assert_eq!(std::fs::read(&again).unwrap(), bytes);

    let (ok, out, _) = run(&db, &["certificates", "verify", pdf.to_str().unwrap()]);
    assert!(ok);
    assert_eq!(last_line(&out), "genuine");
    let (ok, out, _) = run(
        &db,
        &["certificates", "verify", "--code", &code.to_lowercase()],
    );
    assert!(ok);
    assert_eq!(last_line(&out), "genuine");
    let (ok, out, _) = run(
        &db,
        &["certificates", "verify", "--code", "0000-0000-0000-0"],
    );
    assert!(!ok);
    assert_eq!(last_line(&out), "not genuine");

    // Anyone with the keys file checks the PDF with no database at all.
    let keys = dir.path().join("keys.json");
    let (ok, _, err) = run(
        &db,
        &["certificates", "keys", "--out", keys.to_str().unwrap()],
    );
    assert!(ok, "{err}");
    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&keys).unwrap()).unwrap();
    assert!(document["id"].as_str().unwrap().starts_with("did:key:z6Mk"));
    assert_eq!(document["verificationMethod"][0]["type"], "Multikey");
    let nowhere = dir.path().join("no-such.sqlite");
    let (ok, out, err) = run(
        &nowhere,
        &[
            "certificates",
            "verify",
            pdf.to_str().unwrap(),
            "--keys",
            keys.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(last_line(&out), "genuine");
    assert!(
        !nowhere.exists(),
        "checking with a keys file made a database"
    );

    let mut edited = bytes.clone();
    let middle = edited.len() / 2;
    edited[middle] ^= 1;
    let forged = dir.path().join("forged.pdf");
    std::fs::write(&forged, &edited).unwrap();
    let (ok, out, _) = run(&db, &["certificates", "verify", forged.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(last_line(&out), "not genuine");

    let (ok, out, err) = run(
        &db,
        &["certificates", "revoke", number, "--reason", "hours voided"],
    );
    assert!(ok, "{err}");
    assert!(out.contains(number));
    let (ok, out, _) = run(&db, &["certificates", "verify", pdf.to_str().unwrap()]);
    assert!(!ok);
    assert!(out.contains("hours voided"), "{out}");
    assert_eq!(last_line(&out), "revoked");
    let (ok, _, err) = run(
        &db,
        &["certificates", "revoke", number, "--reason", "again"],
    );
    assert!(!ok);
    assert!(err.contains("[already_revoked]"), "{err}");

    let (ok, out, err) = run(&db, &["certificates", "list", "--wave", WAVE, "--json"]);
    assert!(ok, "{err}");
    let list: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["number"], *number);
    assert_eq!(list[0]["revoked"], "hours voided");
}

#[test]
fn a_waves_export_writes_participant_id_named_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.sqlite");
    seed_demo(&db);
    let out_dir = dir.path().join("certificates");
    let (ok, _, err) = run(
        &db,
        &[
            "certificates",
            "export",
            "--wave",
            WAVE,
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    let (_, list, _) = run(&db, &["certificates", "list", "--wave", WAVE, "--json"]);
    let list: Vec<serde_json::Value> = serde_json::from_str(&list).unwrap();
    assert_eq!(list.len(), with_hours(&db).len());
    for certificate in &list {
        let file = out_dir.join(format!(
            "{}.pdf",
            certificate["participant_id"].as_str().unwrap()
        ));
        let (ok, out, _) = run(&db, &["certificates", "verify", file.to_str().unwrap()]);
        assert!(ok, "{}", file.display());
        assert!(out.contains(certificate["participant_name"].as_str().unwrap()));
    }
    let (ok, _, err) = run(&db, &["certificates", "export", "--out", "x.pdf"]);
    assert!(!ok);
    assert!(!err.is_empty());
}
