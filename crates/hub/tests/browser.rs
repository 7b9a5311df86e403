//! The verification page in a real browser: Debian's Chromium, headless, loads the page a
//! certificate's QR code leads to and shows genuine, revoked or not genuine.

mod common;

use std::process::Command;

use common::{databases, serve};
use mixwell_actions::certificates as act;
use mixwell_actions::Operator;

fn chromium(args: &[&str]) -> Vec<u8> {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("chromium (Debian's package, installed by `make deps`): {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The page's DOM once Chromium has loaded it; a screenshot of it is left as `name`.png
/// in the test's target directory, for looking at.
fn rendered(url: &str, name: &str) -> String {
    let shot = format!("{}/verification-{name}.png", env!("CARGO_TARGET_TMPDIR"));
    chromium(&[
        "--window-size=900,1000",
        &format!("--screenshot={shot}"),
        url,
    ]);
    String::from_utf8(chromium(&["--dump-dom", url])).unwrap()
}

#[test]
fn chromium_shows_a_certificate_genuine_then_revoked_and_a_wrong_code_not_genuine() {
    let db = &databases()[0];
    let hub = common::hub(db);
    let served = serve(&hub);
    let (mut laptop, issued) = common::laptop_with_a_certificate(&hub, &served.url, 120);
    let operator = Operator::named("Priya");
    let page = format!(
        "{}/verify/{}",
        served.url.trim_end_matches('/'),
        issued.code
    );

    let genuine = rendered(&page, "genuine");
    assert!(genuine.contains("data-verdict=\"genuine\""), "{genuine}");
    assert!(genuine.contains("Young Person 0"));
    assert!(genuine.contains("Add to LinkedIn profile"));

    let made_up = mixwell_certificates::VerificationCode::from_bits(7).to_string();
    let wrong = rendered(
        &format!("{}/verify/{made_up}", served.url.trim_end_matches('/')),
        "not-genuine",
    );
    assert!(wrong.contains("data-verdict=\"not-genuine\""), "{wrong}");

    act::revoke_certificate(&mut laptop.store, &issued.number, "hours voided", &operator).unwrap();
    laptop.sync();
    let revoked = rendered(&page, "revoked");
    assert!(revoked.contains("data-verdict=\"revoked\""), "{revoked}");
    assert!(revoked.contains("hours voided"));
}
