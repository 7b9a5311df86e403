//! Checking a certificate for someone who has only its code (an employer at the hub's
//! verification page): the certificates and revocations the record brought, looked up by
//! code, and the credential checked against the keys the organisation vouches for. Wrong
//! codes are counted per address and refused for a while after too many.

use chrono::{DateTime, Duration, Utc};
use mixwell_certificates::jsonld::Contexts;
use mixwell_certificates::verify::{self, Revocation, Verdict};
use mixwell_certificates::VerificationCode;
use mixwell_domain::{Change, ChangeOp, Entity};
use mixwell_sync::wire::HubErrorCode;
use serde_json::Value;

use crate::devices::parse_time;
use crate::error::HubError;
use crate::issuing_keys::published_keys;
use crate::storage::Tx;
use crate::{time_text, Hub};

/// Wrong codes one address may try in [`WINDOW`] before it is refused.
pub const WRONG_CODES: i64 = 20;
const WINDOW: Duration = Duration::minutes(10);

/// What checking a code found: the verdict, and the credential when there is one.
#[derive(Debug, Clone)]
pub struct CodeCheck {
    pub verdict: Verdict,
    pub credential: Option<Value>,
}

fn text(change: &Change, field: &str) -> Option<String> {
    change
        .fields
        .get(field)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Keeps the certificates and revocations among `accepted` changes where the verification
/// page looks them up. Each is kept once; the earliest revocation of a certificate stands.
pub(crate) fn record_certificates(
    tx: &mut dyn Tx,
    accepted: &[(Change, Option<String>)],
    now: &str,
) -> Result<(), HubError> {
    for (change, _) in accepted {
        if change.op != ChangeOp::Insert {
            continue;
        }
        match change.entity {
            Entity::Certificate => {
                let (Some(number), Some(code), Some(credential)) = (
                    text(change, "number"),
                    text(change, "code"),
                    text(change, "credential"),
                ) else {
                    continue;
                };
                let index = change.fields.get("status_index").and_then(Value::as_i64);
                tx.execute(
                    "INSERT INTO hub_certificate
                         (id, number, code, credential, status_device, status_index, received_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                    &[
                        change.entity_id.clone().into(),
                        number.into(),
                        code.into(),
                        credential.into(),
                        text(change, "status_device").into(),
                        index.into(),
                        now.into(),
                    ],
                )?;
            }
            Entity::CertificateRevocation => {
                let (Some(certificate), Some(reason), Some(at)) = (
                    text(change, "certificate_id"),
                    text(change, "reason"),
                    text(change, "revoked_at"),
                ) else {
                    continue;
                };
                tx.execute(
                    // The earliest revocation stands, as on every laptop.
                    "INSERT INTO hub_certificate_revocation (certificate_id, reason, revoked_at)
                     VALUES ($1, $2, $3)
                     ON CONFLICT (certificate_id) DO UPDATE
                         SET reason = excluded.reason, revoked_at = excluded.revoked_at
                         WHERE excluded.revoked_at < hub_certificate_revocation.revoked_at",
                    &[certificate.into(), reason.into(), at.into()],
                )?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// A revoked certificate, as the hub publishes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Revoked {
    pub number: String,
    pub reason: String,
    pub revoked_at: DateTime<Utc>,
}

impl Hub {
    /// Checks the certificate with `code` for the person at `client` (their address).
    /// Refuses with `too_many_requests` once they have typed [`WRONG_CODES`] wrong codes in
    /// ten minutes.
    pub fn check_code(&self, code: &str, client: &str) -> Result<CodeCheck, HubError> {
        let now = self.now();
        let window = time_text(now - WINDOW);
        let parsed = VerificationCode::parse(code);
        let found = self.backend.transaction(|tx| {
            let wrong = tx
                .query(
                    "SELECT count(*) FROM hub_verify_failure WHERE client = $1 AND at > $2",
                    &[client.into(), window.clone().into()],
                )?
                .first()
                .map_or(Ok(0), |r| r.int(0))?;
            if wrong >= WRONG_CODES {
                return Err(HubError::refused(
                    HubErrorCode::TooManyRequests,
                    "too many wrong codes were tried from here; wait ten minutes and try again",
                ));
            }
            let Ok(code) = &parsed else {
                return Ok(None);
            };
            let rows = tx.query(
                "SELECT c.credential, r.reason, r.revoked_at FROM hub_certificate c
                 LEFT JOIN hub_certificate_revocation r ON r.certificate_id = c.id
                 WHERE c.code = $1",
                &[code.to_string().into()],
            )?;
            rows.first()
                .map(|row| Ok((row.text(0)?, row.opt_text(1)?, row.opt_text(2)?)))
                .transpose()
        })?;
        let Some((credential, reason, revoked_at)) = found else {
            self.backend.transaction(|tx| {
                tx.execute(
                    "DELETE FROM hub_verify_failure WHERE at <= $1",
                    &[window.clone().into()],
                )?;
                tx.execute(
                    "INSERT INTO hub_verify_failure (client, at) VALUES ($1, $2)",
                    &[client.into(), time_text(now).into()],
                )
            })?;
            let why = match parsed {
                Err(e) => e.to_string(),
                Ok(_) => "no certificate of this organisation has this code".to_owned(),
            };
            return Ok(CodeCheck {
                verdict: Verdict::NotGenuine(why),
                credential: None,
            });
        };
        let credential: Value =
            serde_json::from_str(&credential).map_err(|e| HubError::corrupt(e.to_string()))?;
        // The organisation's keys under whatever did:web its laptops were enrolled by: the
        // hub vouches for its own devices' keys whichever address named it.
        let did = credential
            .pointer("/issuer/id")
            .and_then(Value::as_str)
            .filter(|id| id.starts_with("did:web:"))
            .unwrap_or_default()
            .to_owned();
        let keys = published_keys(&did, &self.issuing_keys()?);
        let revocation = match (reason, revoked_at) {
            (Some(reason), Some(at)) => Some(Revocation {
                reason,
                revoked_at: parse_time(&at)?,
            }),
            _ => None,
        };
        let verdict = verify::verify(
            &credential,
            &[keys],
            |_| revocation.clone(),
            &Contexts::bundled(),
        );
        Ok(CodeCheck {
            verdict,
            credential: Some(credential),
        })
    }

    /// Every revoked certificate of the organisation: its status list.
    pub fn revoked_certificates(&self) -> Result<Vec<Revoked>, HubError> {
        self.backend.transaction(|tx| {
            tx.query(
                "SELECT c.number, r.reason, r.revoked_at FROM hub_certificate_revocation r
                 JOIN hub_certificate c ON c.id = r.certificate_id
                 ORDER BY r.revoked_at, c.number",
                &[],
            )?
            .iter()
            .map(|row| {
                Ok(Revoked {
                    number: row.text(0)?,
                    reason: row.text(1)?,
                    revoked_at: parse_time(&row.text(2)?)?,
                })
            })
            .collect()
        })
    }
}

/// Bits in a status list: the least W3C Bitstring Status List allows (16 KiB before it is
/// compressed), so a list says nothing of how many certificates a laptop issued.
pub const STATUS_LIST_BITS: usize = 131_072;

impl Hub {
    /// The revocation status list of one laptop's certificates, as a W3C
    /// `BitstringStatusListCredential` signed with the hub's key: bit `i` (the leftmost bit
    /// of the list is 0) is set when the certificate at index `i` is revoked. `origin`
    /// (`scheme://host[:port]`, as the request made it) names the list and the
    /// organisation's did:web.
    pub fn status_list(&self, device: &str, origin: &str) -> Result<Value, HubError> {
        let revoked = self.backend.transaction(|tx| {
            tx.query(
                "SELECT c.status_index FROM hub_certificate c
                 JOIN hub_certificate_revocation r ON r.certificate_id = c.id
                 WHERE c.status_device = $1 AND c.status_index IS NOT NULL",
                &[device.into()],
            )?
            .iter()
            .map(|row| row.int(0))
            .collect::<Result<Vec<i64>, HubError>>()
        })?;
        let mut bits = vec![0u8; STATUS_LIST_BITS / 8];
        for index in revoked {
            let index = usize::try_from(index).unwrap_or(usize::MAX);
            if index < STATUS_LIST_BITS {
                bits[index / 8] |= 0x80 >> (index % 8);
            }
        }
        let encoded = {
            use std::io::Write;
            let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            gzip.write_all(&bits)
                .map_err(|e| HubError::storage(e.to_string()))?;
            let compressed = gzip
                .finish()
                .map_err(|e| HubError::storage(e.to_string()))?;
            use base64::Engine;
            format!(
                "u{}",
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(compressed)
            )
        };
        let did = mixwell_certificates::keys::did_web(origin)
            .map_err(|e| HubError::refused(HubErrorCode::BadRequest, e.to_string()))?;
        let url = format!("{origin}/certificates/status/{device}");
        let now = self.now();
        let list = serde_json::json!({
            "@context": [mixwell_certificates::jsonld::CREDENTIALS_V2],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": did,
            "validFrom": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "credentialSubject": {
                "id": format!("{url}#list"),
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": encoded,
            },
        });
        let key = self.hub_signing_key()?;
        let options = mixwell_certificates::proof::ProofOptions {
            created: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            verification_method: format!(
                "{did}#{}",
                mixwell_certificates::keys::key_fragment(&key.verifying_key())
            ),
            proof_purpose: "assertionMethod".into(),
        };
        let Value::Object(list) = list else {
            unreachable!("the list is an object")
        };
        mixwell_certificates::proof::sign(&list, &options, &key, &Contexts::bundled())
            .map_err(|e| HubError::storage(e.to_string()))
    }
}

/// Whether the certificate at `index` is revoked in a status list's `encodedList`.
pub fn is_revoked_in(encoded_list: &str, index: usize) -> Option<bool> {
    use base64::Engine;
    use std::io::Read;
    let compressed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(encoded_list.strip_prefix('u')?)
        .ok()?;
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .take(STATUS_LIST_BITS as u64 / 8 + 1)
        .read_to_end(&mut bits)
        .ok()?;
    Some(bits.get(index / 8)? & (0x80 >> (index % 8)) != 0)
}
