//! Properties the importer keeps for any input a generator can make.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use mixwell_domain::ParticipantRecord;
use mixwell_roster::{parse, to_csv};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    // Anything a person could type, including quotes, commas and accents, but no
    // surrounding spaces: the importer trims cells.
    "[A-Za-zÀ-ÿ0-9',\"; .-]{0,12}".prop_map(|s| s.trim().to_owned())
}

fn record(custom_keys: Vec<String>) -> impl Strategy<Value = ParticipantRecord> {
    (
        "[A-Z]{1,3}[0-9]{1,5}",
        text().prop_filter("first name needed", |s| !s.is_empty()),
        text(),
        proptest::option::of((1990i32..2015, 1u32..13, 1u32..29)),
        (text(), text(), text(), text(), "[A-Z0-9 ]{0,8}"),
        (
            proptest::option::of(any::<bool>()),
            proptest::option::of(any::<bool>()),
        ),
        proptest::collection::vec(text(), custom_keys.len()),
    )
        .prop_map(
            move |(
                id,
                first,
                last,
                dob,
                (gender, ethnicity, faith, school, postcode),
                (fsm, needs),
                values,
            )| {
                ParticipantRecord {
                    external_id: id,
                    first_name: first,
                    last_name: last,
                    date_of_birth: dob.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
                    gender,
                    ethnicity,
                    faith,
                    school,
                    postcode: postcode.trim().to_owned(),
                    fsm,
                    additional_needs: needs,
                    custom: custom_keys
                        .iter()
                        .cloned()
                        .zip(values)
                        .collect::<BTreeMap<_, _>>(),
                }
            },
        )
}

fn roster() -> impl Strategy<Value = Vec<(ParticipantRecord, Vec<String>)>> {
    proptest::collection::btree_set("[A-Z][a-z]{2,8} (size|group|colour)", 0..3)
        .prop_flat_map(|keys| proptest::collection::vec(record(keys.into_iter().collect()), 1..20))
        .prop_map(|records| {
            let mut seen = std::collections::HashSet::new();
            let records: Vec<ParticipantRecord> = records
                .into_iter()
                .filter(|r| seen.insert(r.external_id.clone()))
                .collect();
            let ids: Vec<String> = records.iter().map(|r| r.external_id.clone()).collect();
            records
                .into_iter()
                .enumerate()
                .map(|(i, r)| {
                    let friends = ids.iter().skip(i + 1).take(i % 3).cloned().collect();
                    (r, friends)
                })
                .collect()
        })
}

proptest! {
    // 200 cases in `make test`; `make fuzz` asks for more through PROPTEST_CASES.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(200)
    ))]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let roster = parse(&bytes);
        // Whatever came in, either it imports cleanly or it says why not.
        prop_assert!(!roster.rows.is_empty() || roster.has_errors());
    }

    #[test]
    fn never_panics_on_arbitrary_zip_like_bytes(tail in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        prop_assert!(parse(&bytes).has_errors());
    }

    #[test]
    fn export_then_import_round_trips(rows in roster()) {
        let csv = to_csv(rows.iter().map(|(r, f)| (r, f.as_slice())));
        let parsed = parse(csv.as_bytes());
        prop_assert!(!parsed.has_errors(), "{:?}\n{}", parsed.problems, csv);
        let back: Vec<(ParticipantRecord, Vec<String>)> =
            parsed.rows.into_iter().map(|r| (r.record, r.friends)).collect();
        prop_assert_eq!(back, rows);
    }
}
