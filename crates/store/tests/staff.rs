//! Staff accounts: kept with their role, changed, closed, and synced like everything else.

mod common;

use common::store;
use mixwell_domain::{Entity, ErrorCode, StaffRole};

#[test]
fn an_account_is_kept_with_its_role_and_its_hash_and_travels_by_sync() {
    let (_dir, mut store) = store();
    assert!(!store.has_staff_accounts().unwrap());
    let priya = store
        .add_staff_member(
            "Priya Shah",
            "priya@example.org",
            StaffRole::Coordinator,
            "$argon2id$hash",
        )
        .unwrap();
    let staff = store.staff_members().unwrap();
    assert_eq!(staff, vec![priya.clone()]);
    assert!(priya.active);
    assert_eq!(store.staff_secret(priya.id).unwrap(), "$argon2id$hash");
    assert!(store.has_staff_accounts().unwrap());
    assert!(store
        .pending_changes()
        .unwrap()
        .iter()
        .any(|c| c.entity == Entity::StaffMember && c.entity_id == priya.id.to_string()));
}

#[test]
fn a_role_change_keeps_the_secret_and_a_new_secret_keeps_the_role() {
    let (_dir, mut store) = store();
    let sam = store
        .add_staff_member("Sam Okafor", "", StaffRole::FieldStaff, "first")
        .unwrap();
    let promoted = store
        .update_staff_member(sam.id, Some(StaffRole::SafeguardingLead), None, None)
        .unwrap();
    assert_eq!(promoted.role, StaffRole::SafeguardingLead);
    assert_eq!(store.staff_secret(sam.id).unwrap(), "first");
    store
        .update_staff_member(sam.id, None, Some("second"), None)
        .unwrap();
    assert_eq!(store.staff_secret(sam.id).unwrap(), "second");
    assert_eq!(
        store.staff_member(sam.id).unwrap().role,
        StaffRole::SafeguardingLead
    );
}

#[test]
fn two_open_accounts_may_not_share_a_name_but_a_closed_one_frees_it() {
    let (_dir, mut store) = store();
    let first = store
        .add_staff_member("Sam Okafor", "", StaffRole::FieldStaff, "x")
        .unwrap();
    let err = store
        .add_staff_member("sam okafor", "", StaffRole::Coordinator, "y")
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NameTaken);
    assert_eq!(store.staff_members().unwrap().len(), 1);

    store
        .update_staff_member(first.id, None, None, Some(false))
        .unwrap();
    assert!(!store.has_staff_accounts().unwrap());
    let second = store
        .add_staff_member("Sam Okafor", "", StaffRole::Coordinator, "y")
        .unwrap();
    let names: Vec<(String, bool)> = store
        .staff_members()
        .unwrap()
        .into_iter()
        .map(|m| (m.id.to_string(), m.active))
        .collect();
    assert_eq!(
        names,
        vec![(second.id.to_string(), true), (first.id.to_string(), false)]
    );
}
