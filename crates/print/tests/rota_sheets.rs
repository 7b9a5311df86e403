//! Rota sheets as pdftotext reads them: one team to a sheet, every session with who holds
//! each role and who is away, the members, and long plans flowing onto further sheets.

mod common;

use common::text_of;
use mixwell_print::{rota_sheets, RotaSessionRow, RotaSheet, RotaSheetDocument};

const ROLES: [&str; 5] = [
    "Team Leader",
    "Timekeeper",
    "Scribe",
    "Spokesperson",
    "Wellbeing Champion",
];

fn sheet(team: usize, sessions: usize) -> RotaSheet {
    RotaSheet {
        team: format!("Team {team}"),
        roles: ROLES.iter().map(|r| r.to_string()).collect(),
        rows: (0..sessions)
            .map(|s| RotaSessionRow {
                session: format!("Day {} {}", s / 2 + 1, ["morning", "afternoon"][s % 2]),
                holders: (0..5).map(|r| format!("Zoë Ó{team}{s}{r}")).collect(),
                away: if s == 1 {
                    vec!["Łukasz Brown".into()]
                } else {
                    Vec::new()
                },
            })
            .collect(),
        members: (0..12).map(|m| format!("Member {team}-{m}")).collect(),
    }
}

fn document(teams: usize, sessions: usize) -> RotaSheetDocument {
    RotaSheetDocument {
        title: "Wave 1 – Peak District".into(),
        subtitle: "Castleton Youth Centre · printed 23/11/2026".into(),
        sheets: (1..=teams).map(|t| sheet(t, sessions)).collect(),
    }
}

#[test]
fn each_team_gets_a_sheet_with_every_session_role_and_holder() {
    let text = text_of(&rota_sheets(&document(3, 8)).unwrap());
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(pages.len(), 3, "one sheet per team");
    for (t, page) in pages.iter().enumerate() {
        let team = t + 1;
        assert!(
            page.contains(&format!(
                "Team {team}: leadership rota, Wave 1 – Peak District"
            )),
            "{page}"
        );
        for role in ROLES {
            assert!(page.contains(role), "{role} missing on sheet {team}");
        }
        for s in 0..8 {
            let line = page
                .lines()
                .find(|l| l.contains(&format!("Zoë Ó{team}{s}0")))
                .unwrap_or_else(|| panic!("session {s} missing on sheet {team}"));
            for r in 1..5 {
                assert!(line.contains(&format!("Zoë Ó{team}{s}{r}")), "{line}");
            }
        }
        assert!(page.contains("away: Łukasz Brown"));
        assert!(page.contains(&format!("Member {team}-11")));
    }
}

#[test]
fn a_long_plan_flows_onto_another_sheet_with_the_headings_again() {
    let text = text_of(&rota_sheets(&document(1, 40)).unwrap());
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() >= 2, "{} pages", pages.len());
    for page in &pages {
        assert!(page.contains("Team 1: leadership rota"));
        assert!(page.contains("Wellbeing Champion"));
    }
    for s in 0..40 {
        assert!(text.contains(&format!("Zoë Ó1{s}4")), "session {s} lost");
    }
}
