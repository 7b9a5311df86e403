//! Certificates as issued, their revocations, and the key a laptop that is its own
//! organisation signs them with. The store keeps bytes and text; what they mean is the
//! certificates crate's.

use mixwell_domain::{natural_id, Entity, Id};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::db::parse_id;
use crate::error::{StoreError, StoreResult};
use crate::Store;

/// A certificate as it was issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IssuedCertificate {
    pub id: Id,
    pub number: String,
    /// `XXXX-XXXX-XXXX-C`.
    pub code: String,
    pub participant_id: Id,
    /// Hex SHA-256 of the facts it states.
    pub facts_digest: String,
    /// RFC 3339, UTC.
    pub issued_at: String,
    pub issued_by: String,
    /// The signed credential, as JSON text.
    pub credential: String,
    pub revocation: Option<CertificateRevocation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CertificateRevocation {
    pub reason: String,
    pub revoked_at: String,
    pub revoked_by: String,
}

/// A certificate about to be recorded.
pub struct NewCertificate<'a> {
    pub number: &'a str,
    pub code: &'a str,
    pub participant_id: Id,
    pub facts_digest: &'a str,
    pub issued_at: &'a str,
    pub issued_by: &'a str,
    pub credential: &'a str,
    /// Its place in this laptop's status list at the hub: the device and the index.
    pub status: Option<(&'a str, u32)>,
}

const SELECT: &str = "SELECT c.id, c.number, c.code, c.participant_id, c.facts_digest,
        c.issued_at, c.issued_by, c.credential, r.reason, r.revoked_at, r.revoked_by
    FROM certificate c
    LEFT JOIN certificate_revocation r ON r.id = (
        SELECT id FROM certificate_revocation WHERE certificate_id = c.id
        ORDER BY revoked_at, id LIMIT 1)";

fn certificate(r: &rusqlite::Row<'_>) -> rusqlite::Result<(IssuedCertificate, String, String)> {
    let reason: Option<String> = r.get(8)?;
    Ok((
        IssuedCertificate {
            id: Id::nil(),
            number: r.get(1)?,
            code: r.get(2)?,
            participant_id: Id::nil(),
            facts_digest: r.get(4)?,
            issued_at: r.get(5)?,
            issued_by: r.get(6)?,
            credential: r.get(7)?,
            revocation: match reason {
                Some(reason) => Some(CertificateRevocation {
                    reason,
                    revoked_at: r.get(9)?,
                    revoked_by: r.get(10)?,
                }),
                None => None,
            },
        },
        r.get(0)?,
        r.get(3)?,
    ))
}

impl Store {
    fn query_certificates(
        &self,
        condition: &str,
        args: impl rusqlite::Params,
    ) -> StoreResult<Vec<IssuedCertificate>> {
        let mut statement = self.conn().prepare_cached(&format!(
            "{SELECT} WHERE {condition} ORDER BY c.issued_at, c.number"
        ))?;
        let rows = statement
            .query_map(args, certificate)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(mut c, id, participant)| {
                c.id = parse_id(&id)?;
                c.participant_id = parse_id(&participant)?;
                Ok(c)
            })
            .collect()
    }

    /// A participant's certificates, oldest first.
    pub fn certificates_of(&self, participant_id: Id) -> StoreResult<Vec<IssuedCertificate>> {
        self.query_certificates("c.participant_id = ?1", [participant_id.to_string()])
    }

    /// Every certificate of a wave's participants, oldest first.
    pub fn wave_certificates(&self, wave_id: Id) -> StoreResult<Vec<IssuedCertificate>> {
        self.query_certificates(
            "c.participant_id IN (SELECT id FROM participant WHERE wave_id = ?1)",
            [wave_id.to_string()],
        )
    }

    pub fn certificate_by_number(&self, number: &str) -> StoreResult<IssuedCertificate> {
        self.query_certificates("c.number = ?1 COLLATE NOCASE", [number.trim()])?
            .pop()
            .ok_or_else(|| StoreError::NotFound {
                what: "certificate",
                id: number.trim().to_owned(),
            })
    }

    /// The certificate with this code (as `XXXX-XXXX-XXXX-C`), if this laptop knows it.
    pub fn certificate_by_code(&self, code: &str) -> StoreResult<Option<IssuedCertificate>> {
        Ok(self.query_certificates("c.code = ?1", [code])?.pop())
    }

    /// Records a certificate as issued.
    pub fn record_certificate(
        &mut self,
        new: &NewCertificate<'_>,
    ) -> StoreResult<IssuedCertificate> {
        self.atomically(|store| {
            store.participant(new.participant_id)?;
            let id = natural_id("certificate", &[new.number]);
            store.write(|w| {
                w.tx().execute(
                    "INSERT INTO certificate (id, number, code, participant_id, facts_digest,
                         issued_at, issued_by, credential, status_device, status_index)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![
                        id.to_string(),
                        new.number,
                        new.code,
                        new.participant_id.to_string(),
                        new.facts_digest,
                        new.issued_at,
                        new.issued_by,
                        new.credential,
                        new.status.map(|(device, _)| device),
                        new.status.map(|(_, index)| index)
                    ],
                )?;
                w.record(Entity::Certificate, id)
            })?;
            store.certificate_by_number(new.number)
        })
    }

    /// The next free index in `device`'s status list.
    pub fn next_status_index(&self, device: &str) -> StoreResult<u32> {
        let next: i64 = self.conn().query_row(
            "SELECT COALESCE(MAX(status_index) + 1, 0) FROM certificate WHERE status_device = ?1",
            [device],
            |r| r.get(0),
        )?;
        u32::try_from(next).map_err(|_| StoreError::Corrupt {
            what: "certificate status index",
            detail: next.to_string(),
        })
    }

    /// Revokes a certificate. One revoked already is left as it was (its first revocation
    /// stands): the caller tells from the result's reason.
    pub fn revoke_certificate(
        &mut self,
        number: &str,
        reason: &str,
        by: &str,
    ) -> StoreResult<IssuedCertificate> {
        self.atomically(|store| {
            let certificate = store.certificate_by_number(number)?;
            if certificate.revocation.is_some() {
                return Ok(certificate);
            }
            let revoked_at = store
                .now()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            // One revocation per laptop: two laptops revoking offline each keep theirs, and
            // every replica shows the earliest (by time, then id), the same everywhere.
            let device = store.device_id().to_string();
            let id = natural_id("certificate_revocation", &[&certificate.number, &device]);
            store.write(|w| {
                w.tx().execute(
                    "INSERT INTO certificate_revocation
                         (id, certificate_id, reason, revoked_at, revoked_by)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        id.to_string(),
                        certificate.id.to_string(),
                        reason,
                        revoked_at,
                        by
                    ],
                )?;
                w.record(Entity::CertificateRevocation, id)
            })?;
            store.certificate_by_number(number)
        })
    }

    /// The secret of the key this laptop issues certificates with while it is its own
    /// organisation, made on first use from `fresh` (32 random bytes the caller draws).
    pub fn issuing_secret(&mut self, fresh: [u8; 32]) -> StoreResult<[u8; 32]> {
        self.atomically(|store| {
            let existing: Option<Vec<u8>> = store
                .conn()
                .query_row("SELECT secret FROM issuing_key WHERE id = 1", [], |r| {
                    r.get(0)
                })
                .optional()?;
            if let Some(secret) = existing {
                return <[u8; 32]>::try_from(secret).map_err(|_| StoreError::Corrupt {
                    what: "issuing key",
                    detail: "not 32 bytes".into(),
                });
            }
            let created_at = store
                .now()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            store.write(|w| {
                w.tx().execute(
                    "INSERT INTO issuing_key (id, secret, created_at) VALUES (1, ?1, ?2)",
                    params![fresh.to_vec(), created_at],
                )?;
                Ok(())
            })?;
            Ok(fresh)
        })
    }

    /// Keeps the keys the hub vouches for, as JSON, from a sync.
    pub fn set_issuing_keys(&mut self, json: &str) -> StoreResult<()> {
        self.atomically(|store| {
            store
                .conn()
                .execute("UPDATE sync_state SET issuing_keys = ?1", [json])?;
            Ok(())
        })
    }

    /// The keys the hub vouched for at the last sync, as JSON; none before the first.
    pub fn issuing_keys(&self) -> StoreResult<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT issuing_keys FROM sync_state", [], |r| r.get(0))
            .optional()?
            .flatten())
    }
}
