//! Staff roles at the command layer: what each role may not do is refused by the command
//! itself (`forbidden`, with the permission in the details), whatever the screen shows;
//! with accounts on the laptop nothing runs until someone signs in; field staff get a
//! wave's young people without their ethnicity, faith or additional needs.

mod common;

use common::*;
use mixwell_domain::{Permission, StaffRole};
use serde_json::{json, Value};

const NOBODY: &str = "0190a0a0-0000-7000-8000-000000000000";

/// A laptop with a programme, a wave of two, and one account of each role (PIN = the
/// role's number repeated), nobody signed in.
fn laptop() -> (Ui, String, String, Vec<(StaffRole, String, String)>) {
    let ui = ui();
    let (programme, wave) = ui.programme_and_wave();
    let roster = format!(
        "{HEADER}A1,Aisha,Khan,,F,Asian,Muslim,Hope Valley College,S33 6RB,No,Yes,\nA2,Ben,Hall,,M,White,Christian,Lady Manners,DE45 1FJ,Yes,No,\n"
    );
    ui.invoke(
        "import_roster",
        json!({ "waveId": wave, "bytes": roster.as_bytes() }),
    )
    .unwrap();
    let mut accounts = Vec::new();
    for (n, role) in [
        StaffRole::Administrator,
        StaffRole::FieldStaff,
        StaffRole::Coordinator,
        StaffRole::SafeguardingLead,
    ]
    .into_iter()
    .enumerate()
    {
        let pin = (n + 1).to_string().repeat(6);
        let made = ui
            .invoke(
                "add_staff",
                json!({ "name": format!("{} person", role.label()), "email": "", "role": role, "secret": pin }),
            )
            .unwrap();
        accounts.push((role, made["id"].as_str().unwrap().to_owned(), pin.clone()));
        if role == StaffRole::Administrator {
            ui.invoke("sign_in", json!({ "staffId": made["id"], "secret": pin }))
                .unwrap();
        }
    }
    ui.invoke("lock_screen", json!({})).unwrap();
    (ui, programme, wave, accounts)
}

/// One call of every kind of command, with the permission it needs. Ids that name
/// nothing are fine: the role is checked before anything is looked up.
fn calls(programme: &str, wave: &str) -> Vec<(&'static str, Value, Permission)> {
    use Permission::*;
    vec![
        (
            "list_programmes",
            json!({ "includeArchived": false }),
            ViewWave,
        ),
        ("list_participants", json!({ "waveId": wave }), ViewWave),
        ("sync_status", json!({}), ViewWave),
        (
            "create_programme",
            json!({ "name": "Another" }),
            SetUpProgrammes,
        ),
        (
            "set_wave_archived",
            json!({ "id": wave, "archived": false }),
            SetUpProgrammes,
        ),
        (
            "add_milestone",
            json!({ "programmeId": programme, "name": "Ten hours", "minutes": 600, "withinMonths": null }),
            SetUpProgrammes,
        ),
        ("seed_demo", json!({}), SetUpProgrammes),
        (
            "import_roster",
            json!({ "waveId": wave, "bytes": [] }),
            EditParticipants,
        ),
        (
            "preview_import",
            json!({ "waveId": wave, "bytes": [] }),
            EditParticipants,
        ),
        (
            "export_subject_access",
            json!({ "participantId": NOBODY, "pdf": false }),
            HandleRights,
        ),
        (
            "add_role",
            json!({ "programmeId": programme, "name": "Photographer", "leading": false }),
            RunSessions,
        ),
        (
            "remove_session",
            json!({ "sessionId": NOBODY }),
            RunSessions,
        ),
        (
            "plan_rota",
            json!({ "waveId": wave, "teamSetId": NOBODY }),
            RunSessions,
        ),
        ("print_rota_sheets", json!({ "waveId": wave }), RunSessions),
        (
            "log_hours",
            json!({ "rows": [], "allowDuplicate": false }),
            LogHours,
        ),
        (
            "void_hours",
            json!({ "entryId": NOBODY, "reason": "typed twice" }),
            LogHours,
        ),
        (
            "decide_many_hours",
            json!({ "entryIds": [], "decision": "verified", "by": "Priya" }),
            ApproveHours,
        ),
        (
            "export_hours",
            json!({ "waveId": wave, "kind": "participants", "xlsx": false }),
            ExportReports,
        ),
        (
            "export_certificate",
            json!({ "participantId": NOBODY }),
            IssueCertificates,
        ),
        (
            "revoke_certificate",
            json!({ "number": "MX-0000", "reason": "issued in error" }),
            IssueCertificates,
        ),
        (
            "enrol_with_hub",
            json!({ "hub": "http://127.0.0.1:9", "code": "nonsense", "ca": null }),
            ManageDevice,
        ),
        ("list_staff", json!({}), ManageStaff),
        (
            "add_staff",
            json!({ "name": "New person", "email": "", "role": "field_staff", "secret": "271828" }),
            ManageStaff,
        ),
        ("export_sync_bundle", json!({}), Sync),
    ]
}

#[test]
fn every_role_is_refused_exactly_the_commands_its_role_may_not_run() {
    let (ui, programme, wave, accounts) = laptop();
    for (role, id, pin) in &accounts {
        ui.invoke("sign_in", json!({ "staffId": id, "secret": pin }))
            .unwrap();
        for (command, args, permission) in calls(&programme, &wave) {
            let result = ui.invoke(command, args);
            if role.may(permission) {
                if let Err(error) = &result {
                    // A refusal of the input itself, never of the role, and always one of
                    // ours (a plain string would mean the arguments did not decode).
                    assert!(error["code"].is_string(), "{command}: {error}");
                    assert_ne!(error["code"], "forbidden", "{role:?} {command}: {error}");
                }
            } else {
                let error = result.expect_err(command);
                assert_eq!(error["code"], "forbidden", "{role:?} {command}: {error}");
                assert_eq!(
                    error["details"]["permission"],
                    json!(permission),
                    "{command}"
                );
            }
        }
        ui.invoke("lock_screen", json!({})).unwrap();
    }
}

#[test]
fn with_accounts_on_the_laptop_nothing_runs_until_someone_signs_in() {
    let (ui, _, wave, accounts) = laptop();
    let error = ui
        .invoke("list_participants", json!({ "waveId": wave }))
        .unwrap_err();
    assert_eq!(error["code"], "signed_out");
    let (_, id, _) = &accounts[1];
    let wrong = ui
        .invoke("sign_in", json!({ "staffId": id, "secret": "999999" }))
        .unwrap_err();
    assert_eq!(wrong["code"], "wrong_pin");
    let status = ui.invoke("session_status", json!({})).unwrap();
    assert_eq!(status["required"], true);
    assert_eq!(status["signed_in"], Value::Null);
    assert_eq!(status["permissions"], json!([]));
    assert_eq!(status["accounts"].as_array().unwrap().len(), 4);
    let text = status.to_string();
    assert!(
        !text.contains("argon2"),
        "no secret leaves the store: {text}"
    );
}

#[test]
fn field_staff_get_the_wave_without_anyones_ethnicity_faith_or_needs() {
    let (ui, _, wave, accounts) = laptop();
    let sign_in = |role: StaffRole| {
        let (_, id, pin) = accounts.iter().find(|(r, _, _)| *r == role).unwrap();
        ui.invoke("sign_in", json!({ "staffId": id, "secret": pin }))
            .unwrap()
    };
    let status = sign_in(StaffRole::FieldStaff);
    assert!(!status["permissions"]
        .as_array()
        .unwrap()
        .contains(&json!("see_special_category")));
    let shown = ui
        .invoke("list_participants", json!({ "waveId": wave }))
        .unwrap();
    let text = shown.to_string();
    assert!(
        text.contains("Aisha") && text.contains("Hope Valley College"),
        "{text}"
    );
    for hidden in ["Muslim", "Christian", "Asian", "White"] {
        assert!(!text.contains(hidden), "{hidden} in {text}");
    }
    assert!(shown
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["record"]["additional_needs"].is_null()));
    let counts = ui
        .invoke("attribute_counts", json!({ "waveId": wave }))
        .unwrap();
    assert!(
        counts.to_string().contains("Muslim"),
        "a wave's mix as counts"
    );

    ui.invoke("lock_screen", json!({})).unwrap();
    sign_in(StaffRole::SafeguardingLead);
    let shown = ui
        .invoke("list_participants", json!({ "waveId": wave }))
        .unwrap();
    assert!(shown.to_string().contains("Muslim"));
}
