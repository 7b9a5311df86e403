//! Laptops' audit trails at the hub: sent link for link with the changes, and a trail
//! edited or rewritten on a laptop refused at the first link that does not fit. Against
//! every back end this run has.

mod common;

use common::{databases, serve, wave_with, Laptop, PROGRAMME};
use mixwell_domain::{AuditAction, AuditLink};
use mixwell_hub::storage::Backend;
use mixwell_sync::wire::DeviceRole;

/// The hub's copy of `laptop`'s trail: (number, hash), in order.
fn at_hub(url: &str, laptop: &Laptop) -> Vec<(u64, String)> {
    let backend = Backend::open(url).unwrap();
    let device = laptop.store.device_id().to_string();
    backend
        .transaction(|tx| {
            tx.query(
                "SELECT seq, hash FROM hub_audit_link WHERE device_id = $1 ORDER BY seq",
                &[device.clone().into()],
            )?
            .iter()
            .map(|row| Ok((row.int(0)? as u64, row.text(1)?)))
            .collect()
        })
        .unwrap()
}

fn on_laptop(laptop: &Laptop) -> Vec<(u64, String)> {
    laptop
        .store
        .audit_page(0, u32::MAX)
        .unwrap()
        .into_iter()
        .map(|l| (l.seq, l.hash))
        .collect()
}

#[test]
fn a_laptops_trail_reaches_the_hub_link_for_link_and_reads_go_with_it() {
    for db in databases() {
        let hub = common::hub(&db);
        let server = serve(&hub);
        let mut laptop = Laptop::enrolled(&hub, &server.url, DeviceRole::Coordinator, &[]);
        let wave = wave_with(&mut laptop.store, PROGRAMME, &["A1", "B2", "C3"]);
        laptop.sync();
        assert_eq!(at_hub(&db.url, &laptop), on_laptop(&laptop), "{}", db.kind);
        assert_eq!(
            laptop.store.audit_acked().unwrap(),
            laptop.store.audit_len().unwrap()
        );

        // A read alone, with no change to send, still reaches the hub.
        laptop
            .store
            .note(AuditAction::Read, "wave", &wave.id.to_string())
            .unwrap();
        let before = at_hub(&db.url, &laptop).len();
        laptop.sync();
        let held = at_hub(&db.url, &laptop);
        assert_eq!(held.len(), before + 1, "{}", db.kind);
        assert_eq!(held, on_laptop(&laptop), "{}", db.kind);
    }
}

#[test]
fn a_link_edited_on_the_laptop_is_refused_at_the_hub_with_the_push_it_came_with() {
    for db in databases() {
        let hub = common::hub(&db);
        let server = serve(&hub);
        let mut laptop = Laptop::enrolled(&hub, &server.url, DeviceRole::Coordinator, &[]);
        laptop.sync();
        let sent = laptop.store.audit_len().unwrap();
        wave_with(&mut laptop.store, PROGRAMME, &["A1", "B2"]);
        let edited = sent + 2;
        laptop
            .raw()
            .execute_batch(&format!(
                "DROP TRIGGER audit_link_no_update;
                 UPDATE audit_link SET entity_id = 'someone-else' WHERE seq = {edited};"
            ))
            .unwrap();
        let acked_before = laptop.store.acknowledged_seq().unwrap();
        let Err(error) = mixwell_sync::sync_now(&mut laptop.store) else {
            panic!("{}: the hub took an edited trail", db.kind)
        };
        assert_eq!(error.code(), "audit_broken", "{}", db.kind);
        assert!(
            error
                .to_string()
                .contains(&format!("broken at link {edited}")),
            "{}: {error}",
            db.kind
        );
        assert_eq!(at_hub(&db.url, &laptop).len() as u64, sent, "{}", db.kind);
        assert_eq!(
            laptop.store.acknowledged_seq().unwrap(),
            acked_before,
            "{}: the changes of a refused push are not taken",
            db.kind
        );
    }
}

#[test]
fn a_trail_rewritten_whole_after_it_was_sent_no_longer_fits_the_hubs_copy() {
    for db in databases() {
        let hub = common::hub(&db);
        let server = serve(&hub);
        let mut laptop = Laptop::enrolled(&hub, &server.url, DeviceRole::Coordinator, &[]);
        let wave = wave_with(&mut laptop.store, PROGRAMME, &["A1"]);
        laptop.sync();
        // Someone with the key rewrites link 2 and every link after it so that the chain
        // is whole again on the laptop, then reads the wave.
        let links = laptop.store.audit_page(0, u32::MAX).unwrap();
        let raw = laptop.raw();
        raw.execute_batch("DROP TRIGGER audit_link_no_update; DROP TRIGGER audit_link_no_delete;")
            .unwrap();
        raw.execute("DELETE FROM audit_link WHERE seq >= 2", [])
            .unwrap();
        let mut prev = (links[0].hash.clone(), 1u64);
        for link in &links[1..] {
            let entity_id = if link.seq == 2 {
                "someone-else"
            } else {
                link.entity_id.as_str()
            };
            let new = AuditLink::after(
                Some((&prev.0, prev.1)),
                link.device,
                link.at_ms,
                link.actor,
                link.action,
                &link.entity,
                entity_id,
            );
            raw.execute(
                "INSERT INTO audit_link (seq, at_ms, actor, action, entity, entity_id, prev_hash, hash)
                 VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![
                    new.seq as i64,
                    new.at_ms as i64,
                    new.action.as_str(),
                    new.entity,
                    new.entity_id,
                    new.prev_hash,
                    new.hash
                ],
            )
            .unwrap();
            prev = (new.hash, new.seq);
        }
        assert!(
            laptop.store.verify_audit().unwrap().broken.is_none(),
            "whole on the laptop"
        );
        laptop
            .store
            .note(AuditAction::Read, "wave", &wave.id.to_string())
            .unwrap();
        let Err(error) = mixwell_sync::sync_now(&mut laptop.store) else {
            panic!("{}: the hub took a rewritten trail", db.kind)
        };
        assert_eq!(error.code(), "audit_broken", "{}", db.kind);
        let next = links.len() + 1;
        assert!(
            error.to_string().contains(&format!(
                "broken at link {next}: it does not follow the link before it"
            )),
            "{}: {error}",
            db.kind
        );
    }
}
