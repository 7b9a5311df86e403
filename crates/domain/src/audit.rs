//! The audit trail: one link per change and per read or export of sensitive data, chained
//! per device by SHA-256 so that a link edited, removed or inserted afterwards is found,
//! at the first link that no longer fits.
//!
//! A link holds ids and codes only, never personal data: who (a staff account's id, when
//! accounts exist), what (`insert`, `update`, `delete`, `read`, `export`), of which kind of
//! row and which row.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Id;

/// What happened, as the trail names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Insert,
    Update,
    Delete,
    /// Sensitive data shown or read (a wave's participants with their backgrounds).
    Read,
    /// Sensitive data written out of Mixwell (a roster, a report, a certificate).
    Export,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Insert => "insert",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::Read => "read",
            AuditAction::Export => "export",
        }
    }

    pub fn parse(text: &str) -> Option<AuditAction> {
        [
            AuditAction::Insert,
            AuditAction::Update,
            AuditAction::Delete,
            AuditAction::Read,
            AuditAction::Export,
        ]
        .into_iter()
        .find(|a| a.as_str() == text)
    }
}

/// One link of a device's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLink {
    pub device: Id,
    /// 1, 2, 3… per device, with no gaps.
    pub seq: u64,
    /// Milliseconds since the epoch, by the device's clock.
    pub at_ms: u64,
    /// The staff account acting, when one is signed in.
    pub actor: Option<Id>,
    pub action: AuditAction,
    /// The kind of row (`participant`, `wave`, `certificate`…).
    pub entity: String,
    pub entity_id: String,
    /// The previous link's hash (hex); [`GENESIS`] for the first.
    pub prev_hash: String,
    /// SHA-256 of the previous hash and this link's fields (hex).
    pub hash: String,
}

/// What the first link of every chain follows.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

impl AuditLink {
    /// The hash this link's fields (its previous hash among them) must carry. Each field
    /// is written with its length first, so no two different links hash the same bytes.
    pub fn expected_hash(&self) -> String {
        let mut hasher = Sha256::new();
        let mut field = |bytes: &[u8]| {
            hasher.update((bytes.len() as u64).to_be_bytes());
            hasher.update(bytes);
        };
        field(b"mixwell-audit-1");
        field(self.prev_hash.as_bytes());
        field(self.device.as_bytes());
        field(&self.seq.to_be_bytes());
        field(&self.at_ms.to_be_bytes());
        field(
            self.actor
                .as_ref()
                .map(|a| a.as_bytes().as_slice())
                .unwrap_or(&[]),
        );
        field(self.action.as_str().as_bytes());
        field(self.entity.as_bytes());
        field(self.entity_id.as_bytes());
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The next link after `prev` (or the first, when `prev` is `None`).
    pub fn after(
        prev: Option<(&str, u64)>,
        device: Id,
        at_ms: u64,
        actor: Option<Id>,
        action: AuditAction,
        entity: &str,
        entity_id: &str,
    ) -> AuditLink {
        let (prev_hash, prev_seq) = prev.unwrap_or((GENESIS, 0));
        let mut link = AuditLink {
            device,
            seq: prev_seq + 1,
            at_ms,
            actor,
            action,
            entity: entity.to_owned(),
            entity_id: entity_id.to_owned(),
            prev_hash: prev_hash.to_owned(),
            hash: String::new(),
        };
        link.hash = link.expected_hash();
        link
    }
}

/// Where a chain stops fitting, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the audit trail of device {device} is broken at link {seq}: {why}")]
pub struct BrokenLink {
    pub device: Id,
    pub seq: u64,
    pub why: String,
}

/// Checks `links` as the continuation of a chain whose last link was `prev` (`None`: from
/// the start): numbered on with no gap, each following the hash before it, each hash its
/// own fields'. Names the first link that does not fit.
pub fn check_chain(
    device: Id,
    prev: Option<(&str, u64)>,
    links: &[AuditLink],
) -> Result<(), BrokenLink> {
    let (mut hash, mut seq) = prev
        .map(|(h, s)| (h.to_owned(), s))
        .unwrap_or_else(|| (GENESIS.to_owned(), 0));
    for link in links {
        let broken = |why: String| BrokenLink {
            device,
            seq: seq + 1,
            why,
        };
        if link.device != device {
            return Err(broken(format!("link {} is another device's", link.seq)));
        }
        if link.seq != seq + 1 {
            return Err(broken(format!(
                "link {} comes where link {} should",
                link.seq,
                seq + 1
            )));
        }
        if link.prev_hash != hash {
            return Err(broken("it does not follow the link before it".into()));
        }
        if link.expected_hash() != link.hash {
            return Err(broken(
                "its contents were changed after it was written".into(),
            ));
        }
        hash.clone_from(&link.hash);
        seq = link.seq;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chain(device: Id, n: usize) -> Vec<AuditLink> {
        let mut links: Vec<AuditLink> = Vec::new();
        for i in 0..n {
            let prev = links.last().map(|l| (l.hash.as_str(), l.seq));
            let action = [AuditAction::Insert, AuditAction::Read, AuditAction::Export][i % 3];
            links.push(AuditLink::after(
                prev,
                device,
                1_800_000_000_000 + i as u64,
                None,
                action,
                "participant",
                &format!("row-{i}"),
            ));
        }
        links
    }

    #[test]
    fn a_chain_as_written_checks_and_continues_from_any_link() {
        let device = Id::from_u128(7);
        let links = chain(device, 10);
        assert_eq!(links[0].prev_hash, GENESIS);
        assert!(check_chain(device, None, &links).is_ok());
        let (head, tail) = links.split_at(4);
        let last = head.last().unwrap();
        assert!(check_chain(device, Some((&last.hash, last.seq)), tail).is_ok());
    }

    proptest! {
        /// Whatever is done to one link (a field edited, the link removed, a link put in,
        /// two swapped), the check names that link or, for a removal, the one that took its
        /// place.
        #[test]
        fn any_tampering_is_found_at_the_first_link_it_touches(
            n in 2usize..30,
            at in 0usize..30,
            how in 0u8..7,
        ) {
            let device = Id::from_u128(7);
            let mut links = chain(device, n);
            let at = at % n;
            match how {
                0 => links[at].entity_id = "someone-else".into(),
                1 => links[at].action = AuditAction::Delete,
                2 => links[at].at_ms += 1,
                3 => links[at].entity = "wave".into(),
                4 => { links.remove(at); }
                5 => {
                    let mut extra = links[at].clone();
                    extra.entity_id = "inserted".into();
                    links.insert(at, extra);
                }
                _ => {
                    if at + 1 < links.len() { links.swap(at, at + 1); } else { links.swap(at - 1, at); }
                }
            }
            let first_touched = if how == 6 && at + 1 >= n { at - 1 } else { at };
            let found = check_chain(device, None, &links);
            if how == 4 && at == n - 1 {
                // Removing the last link leaves a shorter chain that fits: the hub, which
                // holds the links already sent, is what finds that out.
                prop_assert!(found.is_ok());
            } else {
                let broken = found.unwrap_err();
                prop_assert_eq!(broken.seq, first_touched as u64 + 1);
            }
        }
    }
}
