//! What the CLI's test files share: running the binary, and a demo wave with a team set
//! saved as staff save one in the app.
// Each test file is its own crate and uses only part of this.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use mixwell_domain::Participant;

/// The passphrase every test database is kept under (tests never touch a keychain).
pub const PASSPHRASE: &str = "otter kettle lamp";

/// Runs `mixwell --db DB ARGS...`, with the database's passphrase in the environment as a
/// script gives it.
pub fn mixwell(db: &Path, args: &[&str]) -> Output {
    mixwell_as(db, &[], args)
}

/// `mixwell` with more of the environment: the staff account, its PIN, a new PIN.
pub fn mixwell_as(db: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mixwell"))
        .env("MIXWELL_PASSPHRASE", PASSPHRASE)
        .envs(env.iter().copied())
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

/// Seeds the demo programme into `db`.
pub fn seed_demo(db: &Path) {
    let run = mixwell(db, &["demo", "seed"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// Saves a team set of the demo wave, each participant in the team (from 0) `team_of`
/// gives them.
pub fn save_demo_team_set(db: &Path, name: &str, team_of: impl Fn(usize, &Participant) -> u32) {
    let mut store = open_store(db);
    let wave = store.find_wave(None, mixwell_store::DEMO_WAVE).unwrap();
    let placements: Vec<mixwell_store::Placement> = store
        .participants(wave.id)
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, p)| mixwell_store::Placement {
            participant_id: p.id,
            team: team_of(i, p),
            pinned: false,
        })
        .collect();
    store
        .save_team_set(wave.id, name, "{}", &placements)
        .unwrap();
}

/// The text of a PDF the CLI wrote, laid out as on the page.
pub fn pdf_text(pdf: &Path) -> String {
    let text = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (make deps installs poppler-utils)");
    String::from_utf8_lossy(&text.stdout).into_owned()
}

/// The store the CLI wrote, opened with the same passphrase.
pub fn open_store(db: &Path) -> mixwell_store::Store {
    mixwell_actions::open_store(db, Some(&mixwell_vault::Passphrase::new(PASSPHRASE)))
        .unwrap()
        .store
}
