//! Certificates issued from the demo's verified hours, and every way a copy can be forged:
//! an edited page, an edited credential re-embedded, a proof from another certificate,
//! random bytes, made-up and mistyped codes.

use mixwell_actions::certificates::{self as act, WaveSelection};
use mixwell_actions::Operator;
use mixwell_certificates::keys::KeySet;
use mixwell_certificates::verify::Verdict;
use mixwell_domain::Id;
use mixwell_store::{Store, DEMO_HOURS_PROGRAMME, DEMO_HOURS_WAVE};
use serde_json::Value;

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(
        &dir.path().join("m.sqlite"),
        &mixwell_store::DatabaseKey::from_bytes([7; 32]),
    )
    .unwrap();
    store.seed_demo().unwrap();
    (dir, store)
}

fn wave(store: &Store) -> Id {
    store
        .find_wave(Some(DEMO_HOURS_PROGRAMME), DEMO_HOURS_WAVE)
        .unwrap()
        .id
}

/// The demo participant with the most verified minutes.
fn leader(store: &Store) -> mixwell_store::ParticipantHours {
    store
        .wave_hours(wave(store))
        .unwrap()
        .into_iter()
        .max_by_key(|p| p.totals.verified_minutes)
        .unwrap()
}

fn operator() -> Operator {
    Operator::named("Coordinator Test")
}

fn keys(store: &mut Store) -> Vec<KeySet> {
    act::known_keys(store).unwrap()
}

fn not_genuine(verdict: &Verdict) -> bool {
    matches!(verdict, Verdict::NotGenuine(_))
}

/// A PDF made as Mixwell makes one, but around `credential`.
fn pdf_around(credential: &Value, name: &str) -> Vec<u8> {
    let certificate = mixwell_certificates::credential::read(credential).unwrap();
    mixwell_print::certificate(&mixwell_print::CertificatePage {
        organisation: certificate.facts.organisation.clone(),
        participant_name: name.into(),
        total: "99 h".into(),
        programme: certificate.facts.programme.clone(),
        wave: certificate.facts.wave.clone(),
        period: "01/01/2027 to 02/01/2027".into(),
        by_organisation: vec![],
        milestones: vec![],
        issued_on: "01/01/2027".into(),
        issued_date: (2027, 1, 1),
        number: certificate.number.clone(),
        code: certificate.code.clone(),
        verify_url: None,
        credential: serde_json::to_vec_pretty(credential).unwrap(),
    })
    .unwrap()
}

#[test]
fn a_certificate_states_the_verified_hours_and_the_same_file_comes_again_while_nothing_changed() {
    let (_dir, mut store) = demo();
    let who = leader(&store);
    let first = act::export_certificate(&mut store, who.participant_id, &operator()).unwrap();
    assert!(first.newly_issued);
    let again = act::export_certificate(&mut store, who.participant_id, &operator()).unwrap();
    assert!(!again.newly_issued);
    assert_eq!((&again.number, &again.code), (&first.number, &first.code));
    assert_eq!(again.file.bytes, first.file.bytes);

    let keys = keys(&mut store);
    match act::check_pdf(Some(&store), &first.file.bytes, &keys) {
        Verdict::Genuine(c) => {
            assert_eq!(c.facts.participant_name, who.name);
            assert_eq!(c.facts.minutes, who.totals.verified_minutes);
            let by_organisation: u32 = c.facts.by_organisation.iter().map(|o| o.minutes).sum();
            assert_eq!(by_organisation, who.totals.verified_minutes);
            let reached = who
                .milestones
                .iter()
                .filter(|m| m.reached_on.is_some())
                .count();
            assert_eq!(c.facts.milestones.len(), reached);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.certificates_of(who.participant_id).unwrap().len(), 1);
}

#[test]
fn someone_with_no_verified_hours_gets_no_certificate() {
    let (_dir, mut store) = demo();
    let nobody = store
        .wave_hours(wave(&store))
        .unwrap()
        .into_iter()
        .find(|p| p.totals.verified_minutes == 0);
    // The demo's newest volunteer has only pending hours, if any; make one otherwise.
    let id = match nobody {
        Some(p) => p.participant_id,
        None => {
            let ncs = store.find_wave(None, mixwell_store::DEMO_WAVE).unwrap();
            store.participants(ncs.id).unwrap()[0].id
        }
    };
    let error = act::export_certificate(&mut store, id, &operator()).unwrap_err();
    assert_eq!(error.code(), "no_verified_hours");
    assert!(store.certificates_of(id).unwrap().is_empty());
}

#[test]
fn an_edited_page_an_edited_credential_or_a_borrowed_proof_never_verifies() {
    let (_dir, mut store) = demo();
    let people = store.wave_hours(wave(&store)).unwrap();
    let mut with_hours = people.iter().filter(|p| p.totals.verified_minutes > 0);
    let (a, b) = (with_hours.next().unwrap(), with_hours.next().unwrap());
    let one = act::export_certificate(&mut store, a.participant_id, &operator()).unwrap();
    let other = act::export_certificate(&mut store, b.participant_id, &operator()).unwrap();
    let keys = keys(&mut store);
    let credential = mixwell_certificates::pdf::attached_credential(&one.file.bytes).unwrap();

    // The genuine credential around a page that says something else.
    let page_edited = pdf_around(&credential, "Someone Else");
    assert!(not_genuine(&act::check_pdf(
        Some(&store),
        &page_edited,
        &keys
    )));

    // The credential's hours or name edited, then embedded again.
    for (pointer, value) in [
        ("/credentialSubject/result/0/value", Value::from("99 h")),
        ("/credentialSubject/name", Value::from("Someone Else")),
    ] {
        let mut edited = credential.clone();
        *edited.pointer_mut(pointer).unwrap() = value;
        let name = edited["credentialSubject"]["name"]
            .as_str()
            .unwrap()
            .to_owned();
        let forged = pdf_around(&edited, &name);
        assert!(
            not_genuine(&act::check_pdf(Some(&store), &forged, &keys)),
            "{pointer}"
        );
    }

    // Another certificate's genuine proof on this one's credential.
    let mut swapped = credential.clone();
    swapped["proof"] =
        mixwell_certificates::pdf::attached_credential(&other.file.bytes).unwrap()["proof"].clone();
    assert!(not_genuine(&act::check_credential(
        Some(&store),
        &swapped,
        &keys
    )));

    // Any single byte of the file changed.
    let bytes = &one.file.bytes;
    for i in (0..bytes.len()).step_by(bytes.len() / 97 + 1) {
        let mut flipped = bytes.clone();
        flipped[i] ^= 0x20;
        assert!(
            not_genuine(&act::check_pdf(Some(&store), &flipped, &keys)),
            "byte {i} of {} changed, and it still verified",
            bytes.len()
        );
    }
    // Random bytes, and a PDF that is not a certificate.
    assert!(not_genuine(&act::check_pdf(
        Some(&store),
        &[0x25, 0x50, 0x44, 0x46, 0x2d, 1, 2, 3],
        &keys
    )));
    let plain = mixwell_print::team_lists(&mixwell_print::TeamListDocument {
        title: "Teams".into(),
        subtitle: String::new(),
        teams: vec![],
    })
    .unwrap();
    assert!(not_genuine(&act::check_pdf(Some(&store), &plain, &keys)));

    // Another organisation's keys.
    let stranger = [KeySet::of_did_key(
        &ed25519_dalek::SigningKey::from_bytes(&[5; 32]).verifying_key(),
    )];
    assert!(not_genuine(&act::check_pdf(Some(&store), bytes, &stranger)));
}

#[test]
fn a_code_finds_its_certificate_and_made_up_or_mistyped_codes_do_not() {
    let (_dir, mut store) = demo();
    let who = leader(&store);
    let issued = act::export_certificate(&mut store, who.participant_id, &operator()).unwrap();
    let keys = keys(&mut store);
    let typed = issued
        .code
        .to_lowercase()
        .replace('0', "o")
        .replace('-', " ");
    assert!(matches!(
        act::check_code(&store, &typed, &keys).unwrap(),
        Verdict::Genuine(_)
    ));

    let made_up =
        mixwell_certificates::VerificationCode::from_bits(0x0123_4567_89ab_cdef).to_string();
    assert!(not_genuine(
        &act::check_code(&store, &made_up, &keys).unwrap()
    ));
    let mut mistyped: Vec<char> = issued.code.chars().collect();
    mistyped[0] = if mistyped[0] == 'A' { 'B' } else { 'A' };
    let mistyped: String = mistyped.into_iter().collect();
    assert!(not_genuine(
        &act::check_code(&store, &mistyped, &keys).unwrap()
    ));
}

#[test]
fn a_revoked_certificate_says_revoked_with_its_reason_and_a_new_one_can_be_issued() {
    let (_dir, mut store) = demo();
    let who = leader(&store);
    let issued = act::export_certificate(&mut store, who.participant_id, &operator()).unwrap();
    let keys = keys(&mut store);
    let error = act::revoke_certificate(&mut store, &issued.number, "  ", &operator()).unwrap_err();
    assert_eq!(error.code(), "invalid_request");
    act::revoke_certificate(
        &mut store,
        &issued.number,
        "hours voided after review",
        &operator(),
    )
    .unwrap();
    match act::check_pdf(Some(&store), &issued.file.bytes, &keys) {
        Verdict::Revoked(_, revocation) => {
            assert_eq!(revocation.reason, "hours voided after review")
        }
        other => panic!("{other:?}"),
    }
    let again =
        act::revoke_certificate(&mut store, &issued.number, "twice", &operator()).unwrap_err();
    assert_eq!(again.code(), "already_revoked");
    // The same facts again make a new certificate, not the revoked one.
    let next = act::export_certificate(&mut store, who.participant_id, &operator()).unwrap();
    assert!(next.newly_issued);
    assert_ne!(next.number, issued.number);
    assert!(matches!(
        act::check_pdf(Some(&store), &next.file.bytes, &keys),
        Verdict::Genuine(_)
    ));
}

/// A wave that started 60 days ago with four young people, three of them with supervised
/// (so verified) hours: 30 min, 2 h and 20 h. Only the last two reach a milestone (1 hour,
/// 16 hours).
fn wave_with_hours(store: &mut Store) -> (Id, Vec<String>) {
    let today = store.today();
    let programme = store.create_programme("HeadStart Test").unwrap();
    let wave = store
        .create_wave(
            programme.id,
            &mixwell_store::NewWave {
                name: "Autumn".into(),
                site: String::new(),
                starts_on: Some(today - chrono::Duration::days(60)),
                ends_on: None,
            },
        )
        .unwrap();
    let csv =
        "id,first_name,last_name\nT1,Amara,Okafor\nT2,Ben,Quinn\nT3,Chloe,Evans\nT4,Dev,Shah\n";
    store
        .import_roster(
            wave.id,
            mixwell_roster::parse(csv.as_bytes()),
            &mut |_, _| {},
        )
        .unwrap();
    let rows: Vec<mixwell_store::NewHours> = [(30u32, "T1"), (120, "T2"), (600, "T3"), (600, "T3")]
        .iter()
        .enumerate()
        .map(|(i, (minutes, who))| mixwell_store::NewHours {
            participant: (*who).into(),
            organisation: "Castleton Food Bank".into(),
            date: today - chrono::Duration::days(i as i64 + 1),
            minutes: *minutes,
            activity: "Sorting donations".into(),
            supervision: Some(mixwell_store::Supervision {
                by: "Pat Supervisor".into(),
                signature: None,
            }),
        })
        .collect();
    store.log_hours(&rows, "Test", true).unwrap();
    (wave.id, vec!["T1".into(), "T2".into(), "T3".into()])
}

#[test]
fn a_waves_export_writes_one_file_per_participant_and_a_cancelled_zip_leaves_nothing() {
    let (dir, mut store) = demo();
    let (wave, with_hours) = wave_with_hours(&mut store);

    let folder = dir.path().join("all");
    let mut seen = Vec::new();
    let report = act::export_wave_certificates(
        &mut store,
        wave,
        WaveSelection::Verified,
        &folder,
        &operator(),
        &mut |done, total| {
            seen.push((done, total));
            true
        },
    )
    .unwrap();
    assert_eq!((report.written, report.newly_issued), (3, 3));
    assert_eq!(
        report.skipped,
        store.participants(wave).unwrap().len() as u32 - 3
    );
    assert_eq!(seen, vec![(0, 3), (1, 3), (2, 3), (3, 3)]);
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut expected: Vec<String> = with_hours.iter().map(|id| format!("{id}.pdf")).collect();
    expected.sort();
    assert_eq!(names, expected);

    let zip_path = dir.path().join("eligible.zip");
    let report = act::export_wave_certificates(
        &mut store,
        wave,
        WaveSelection::Milestone,
        &zip_path,
        &operator(),
        &mut |_, _| true,
    )
    .unwrap();
    assert_eq!(report.written, 2);
    assert_eq!(report.newly_issued, 0, "the first export issued them all");
    let archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let mut in_zip: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    in_zip.sort();
    let mut eligible: Vec<String> = with_hours[1..]
        .iter()
        .map(|id| format!("{id}.pdf"))
        .collect();
    eligible.sort();
    assert_eq!(in_zip, eligible);

    let cancelled_path = dir.path().join("cancelled.zip");
    let report = act::export_wave_certificates(
        &mut store,
        wave,
        WaveSelection::Verified,
        &cancelled_path,
        &operator(),
        &mut |done, _| done < 2,
    )
    .unwrap();
    assert!(report.cancelled);
    assert_eq!(report.written, 2);
    assert!(!cancelled_path.exists());
    assert!(!dir.path().join("cancelled.zip.partial").exists());
}

mod any_file {
    use super::*;
    use proptest::prelude::*;

    fn one_certificate() -> &'static (Vec<u8>, Vec<KeySet>) {
        static MADE: std::sync::OnceLock<(Vec<u8>, Vec<KeySet>)> = std::sync::OnceLock::new();
        MADE.get_or_init(|| {
            let (_dir, mut store) = demo();
            let who = leader(&store);
            let issued =
                act::export_certificate(&mut store, who.participant_id, &operator()).unwrap();
            (issued.file.bytes, keys(&mut store))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// A certificate cut short or with bytes overwritten anywhere is refused, never a
        /// panic and never genuine.
        #[test]
        fn a_damaged_certificate_is_refused(
            cut in 0usize..100,
            writes in proptest::collection::vec((0usize..100_000, any::<u8>()), 1..8),
        ) {
            let (pdf, keys) = one_certificate();
            let mut damaged = pdf.clone();
            let mut changed = false;
            for (at, byte) in writes {
                let at = at % damaged.len();
                changed |= damaged[at] != byte;
                damaged[at] = byte;
            }
            if cut < 50 {
                damaged.truncate(damaged.len() * (cut + 50) / 100);
                changed = true;
            }
            prop_assume!(changed);
            prop_assert!(not_genuine(&act::check_pdf(None, &damaged, keys)));
        }

        /// Arbitrary bytes, with or without a PDF header, are refused.
        #[test]
        fn any_bytes_are_refused(mut bytes in proptest::collection::vec(any::<u8>(), 0..4096), header in any::<bool>()) {
            if header {
                bytes.splice(0..0, b"%PDF-1.7\n".iter().copied());
            }
            let (_, keys) = one_certificate();
            prop_assert!(not_genuine(&act::check_pdf(None, &bytes, keys)));
        }
    }
}
