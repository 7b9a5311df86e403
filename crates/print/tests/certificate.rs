//! The certificate page as poppler reads it: its text, its QR code, its attachment, and the
//! same bytes for the same page.

use std::process::Command;

use mixwell_print::{certificate, CertificatePage, ATTACHMENT_NAME};

const URL: &str = "https://hub.peakyouth.example/verify/ZY7S-WV35-7BP0-Q";

fn page(verify_url: Option<&str>) -> CertificatePage {
    CertificatePage {
        organisation: "Peak Youth Trust".into(),
        participant_name: "Zoë Ní Bhriain-Okonkwo".into(),
        total: "19 h 15 min".into(),
        programme: "HeadStart Derbyshire".into(),
        wave: "Summer 2027".into(),
        period: "05/07/2027 to 20/08/2027".into(),
        by_organisation: vec![
            ("Bakewell Food Bank".into(), "12 h 45 min".into()),
            ("Hope Valley Parkrun".into(), "6 h 30 min".into()),
        ],
        milestones: vec![(
            "16 hours completed — Guaranteed interview".into(),
            "14/08/2027".into(),
        )],
        issued_on: "21/08/2027".into(),
        issued_date: (2027, 8, 21),
        number: "2027-K3M9-Q4XD".into(),
        code: "ZY7S-WV35-7BP0-Q".into(),
        verify_url: verify_url.map(str::to_owned),
        credential: br#"{"type":["VerifiableCredential","OpenBadgeCredential"]}"#.to_vec(),
    }
}

fn poppler(tool: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils, installed by `make deps`): {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn the_page_reads_as_the_name_hours_number_and_code() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("c.pdf");
    std::fs::write(&pdf, certificate(&page(Some(URL))).unwrap()).unwrap();
    let text =
        String::from_utf8(poppler("pdftotext", &[pdf.to_str().unwrap(), "-"]).stdout).unwrap();
    for expected in [
        "Certificate of Volunteering",
        "Zoë Ní Bhriain-Okonkwo",
        "19 h 15 min",
        "Bakewell Food Bank",
        "16 hours completed — Guaranteed interview",
        "2027-K3M9-Q4XD",
        "ZY7S-WV35-7BP0-Q",
        URL,
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
}

#[test]
fn the_qr_code_decodes_to_the_verification_address() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("c.pdf");
    std::fs::write(&pdf, certificate(&page(Some(URL))).unwrap()).unwrap();
    let prefix = dir.path().join("page");
    poppler(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "150",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let image = image::open(dir.path().join("page.png")).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the page");
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, URL);
}

#[test]
fn the_credential_is_attached_and_the_same_page_gives_the_same_bytes() {
    let bytes = certificate(&page(None)).unwrap();
    assert_eq!(bytes, certificate(&page(None)).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("c.pdf");
    std::fs::write(&pdf, &bytes).unwrap();
    let list =
        String::from_utf8(poppler("pdfdetach", &["-list", pdf.to_str().unwrap()]).stdout).unwrap();
    assert!(list.contains(ATTACHMENT_NAME), "{list}");
    let saved = dir.path().join("out.json");
    poppler(
        "pdfdetach",
        &[
            "-save",
            "1",
            "-o",
            saved.to_str().unwrap(),
            pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(std::fs::read(saved).unwrap(), page(None).credential);
    // Without a hub there is no address to scan, and the page says how to check the file.
    let text =
        String::from_utf8(poppler("pdftotext", &[pdf.to_str().unwrap(), "-"]).stdout).unwrap();
    assert!(text.contains("mixwell certificates verify"), "{text}");
}
