//! The PDF as a person (or pdftotext) reads it: every team and every name, accents kept.

mod common;

use common::text_of;
use mixwell_print::{team_lists, TeamList, TeamListDocument};

fn document(teams: usize, size: usize) -> TeamListDocument {
    TeamListDocument {
        title: "Wave 1 – Peak District: Day 1 teams".into(),
        subtitle: "Castleton Youth Centre · printed 22/11/2026".into(),
        teams: (0..teams)
            .map(|t| TeamList {
                name: format!("Team {}", t + 1),
                members: (0..size)
                    .map(|m| format!("Zoë Łukasz-Ó'Brien {t}-{m}"))
                    .collect(),
            })
            .collect(),
    }
}

#[test]
fn every_team_and_every_name_is_printed_as_written() {
    let pdf = team_lists(&document(10, 12)).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = text_of(&pdf);
    assert!(
        text.contains("Wave 1 – Peak District: Day 1 teams"),
        "{text}"
    );
    for t in 0..10 {
        assert!(
            text.contains(&format!("Team {} (12)", t + 1)),
            "team {t} missing:\n{text}"
        );
        for m in 0..12 {
            assert!(
                text.contains(&format!("Zoë Łukasz-Ó'Brien {t}-{m}")),
                "member {t}-{m} missing"
            );
        }
    }
}

#[test]
fn a_long_list_flows_onto_more_pages_with_the_title_on_each() {
    let pdf = team_lists(&document(50, 12)).unwrap();
    let text = text_of(&pdf);
    let pages = text.matches('\u{c}').count();
    assert!(pages >= 4, "{pages} pages");
    assert_eq!(
        text.matches("Day 1 teams").count(),
        pages,
        "the title heads every page"
    );
    assert!(text.contains("Zoë Łukasz-Ó'Brien 49-11"));
}
