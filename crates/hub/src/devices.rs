//! The organisation, its devices and how they prove who they are: one-time enrolment
//! codes, single-use challenges, session tokens. Secrets are kept only as hashes.

use chrono::{DateTime, Duration, Utc};
use mixwell_domain::{name_key, Id};
use mixwell_sync::bundle::{is_bundle_recipient, new_bundle_key};
use mixwell_sync::keys::{self, hash_secret, random_secret, DeviceKey};
use mixwell_sync::wire::{DeviceRole, HubErrorCode, OrganisationInfo};
use rand::RngCore;
use serde::Serialize;

use crate::error::HubError;
use crate::storage::{Row, Tx};
use crate::{time_text, Hub};

/// How long an enrolment code can be used.
pub const CODE_LIFETIME: Duration = Duration::hours(24);
/// Wrong enrolment codes the hub takes in [`GUESS_WINDOW`] before it refuses any code for
/// a while: a code of 80 random bits cannot be guessed at that rate.
const GUESSES: u32 = 10;
const GUESS_WINDOW: Duration = Duration::minutes(10);
/// How long a challenge can be answered.
const CHALLENGE_LIFETIME: Duration = Duration::minutes(2);
/// How long a session lasts; a device opens a new one each round.
const SESSION_LIFETIME: Duration = Duration::hours(1);

/// A device as the hub knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Device {
    pub id: Id,
    pub label: String,
    pub role: DeviceRole,
    #[serde(skip)]
    pub public_key: String,
    pub enrolled_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    /// The last of the device's changes the hub holds.
    pub acked_seq: u64,
    /// How far the device last said it holds the record.
    pub pull_cursor: u64,
    #[serde(skip)]
    pub bundle_recipient: String,
    /// For a field device, the programmes it may see, by name.
    pub programmes: Vec<String>,
}

/// What an administrator allows the device that takes a code.
#[derive(Debug, Clone)]
pub struct NewEnrolment {
    pub label: String,
    pub role: DeviceRole,
    /// Programme names (a field device must have at least one).
    pub programmes: Vec<String>,
}

/// The enrolment code alphabet: Crockford's base32 (no I, L, O, U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A code of 16 symbols (80 random bits) in groups of four.
fn new_code() -> String {
    let mut bytes = [0u8; 10];
    rand::rng().fill_bytes(&mut bytes);
    let mut bits: u128 = 0;
    for b in bytes {
        bits = (bits << 8) | u128::from(b);
    }
    let symbols: Vec<char> = (0..16)
        .map(|i| char::from(ALPHABET[((bits >> (75 - 5 * i)) & 31) as usize]))
        .collect();
    symbols
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A typed code as it is kept: separators dropped, case folded, and the symbols people
/// mistake for each other (O and 0, I, L and 1) read as Crockford's base32 reads them.
pub fn normalise_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

pub(crate) fn parse_time(text: &str) -> Result<DateTime<Utc>, HubError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| HubError::corrupt(format!("time {text:?}: {e}")))
}

fn parse_role(text: &str) -> Result<DeviceRole, HubError> {
    DeviceRole::parse(text).ok_or_else(|| HubError::corrupt(format!("role {text:?}")))
}

const DEVICE_COLUMNS: &str = "id, label, role, public_key, enrolled_at, revoked_at, last_seen, \
     acked_seq, pull_cursor, bundle_recipient";

fn device_from(tx: &mut dyn Tx, row: &Row) -> Result<Device, HubError> {
    let id = row.text(0)?;
    let programmes = tx
        .query(
            "SELECT name FROM hub_device_programme WHERE device_id = $1 ORDER BY name_key",
            &[id.clone().into()],
        )?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Device {
        id: id
            .parse()
            .map_err(|e| HubError::corrupt(format!("device id: {e}")))?,
        label: row.text(1)?,
        role: parse_role(&row.text(2)?)?,
        public_key: row.text(3)?,
        enrolled_at: parse_time(&row.text(4)?)?,
        revoked_at: row.opt_text(5)?.map(|t| parse_time(&t)).transpose()?,
        last_seen: row.opt_text(6)?.map(|t| parse_time(&t)).transpose()?,
        acked_seq: u64::try_from(row.int(7)?).unwrap_or(0),
        pull_cursor: u64::try_from(row.int(8)?).unwrap_or(0),
        bundle_recipient: row.text(9)?,
        programmes,
    })
}

pub(crate) fn load_device(tx: &mut dyn Tx, id: Id) -> Result<Option<Device>, HubError> {
    let rows = tx.query(
        &format!("SELECT {DEVICE_COLUMNS} FROM hub_device WHERE id = $1"),
        &[id.to_string().into()],
    )?;
    rows.first().map(|row| device_from(tx, row)).transpose()
}

fn revoked(device: &Device) -> HubError {
    HubError::refused(
        HubErrorCode::DeviceRevoked,
        format!(
            "this laptop ({}) was revoked at the hub; ask a coordinator to enrol it again",
            device.label
        ),
    )
}

/// A session a device opened, and how far the hub holds its changes: a device that sent
/// more (the hub was restored from a backup) sends the rest again.
#[derive(Debug, Clone)]
pub struct OpenedSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub acked_seq: u64,
}

impl Hub {
    /// Creates the organisation and the hub's signing key. Refuses a hub that has one.
    pub fn init(&self, name: &str) -> Result<OrganisationInfo, HubError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(HubError::Usage("the organisation needs a name".into()));
        }
        let organisation = OrganisationInfo {
            id: Id::now_v7(),
            name: name.to_string(),
        };
        let now = time_text(self.now());
        self.backend.transaction(|tx| {
            if let Some(existing) = organisation_in(tx)? {
                return Err(HubError::Usage(format!(
                    "this hub already serves {}; nothing was changed",
                    existing.name
                )));
            }
            tx.execute(
                "INSERT INTO hub_organisation
                     (singleton, id, name, signing_key, bundle_identity, created_at)
                 VALUES (1, $1, $2, $3, $4, $5)",
                &[
                    organisation.id.to_string().into(),
                    organisation.name.clone().into(),
                    DeviceKey::generate().to_base64().into(),
                    new_bundle_key().0.into(),
                    now.clone().into(),
                ],
            )?;
            Ok(())
        })?;
        Ok(organisation)
    }

    pub fn organisation(&self) -> Result<OrganisationInfo, HubError> {
        self.backend
            .transaction(|tx| organisation_in(tx))?
            .ok_or_else(|| {
                HubError::Usage(
                    "this hub has no organisation yet: run `mixwell hub init` first".into(),
                )
            })
    }

    /// A one-time code for the next device to enrol, good for [`CODE_LIFETIME`].
    pub fn create_enrolment(&self, enrolment: &NewEnrolment) -> Result<String, HubError> {
        self.organisation()?;
        if enrolment.role == DeviceRole::FieldStaff && enrolment.programmes.is_empty() {
            return Err(HubError::Usage(
                "a field laptop sees only the programmes it is enrolled for: name at least one with --programme".into(),
            ));
        }
        let code = new_code();
        let now = self.now();
        let mut programmes: Vec<String> = Vec::new();
        for programme in &enrolment.programmes {
            let programme = programme.trim();
            if programme.is_empty() {
                return Err(HubError::Usage("a programme needs a name".into()));
            }
            if !programmes
                .iter()
                .any(|p| name_key(p) == name_key(programme))
            {
                programmes.push(programme.to_string());
            }
        }
        self.backend.transaction(|tx| {
            tx.execute(
                "INSERT INTO hub_enrolment (code_hash, label, role, programmes, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    hash_secret(&normalise_code(&code)).into(),
                    enrolment.label.clone().into(),
                    enrolment.role.as_str().into(),
                    serde_json::to_string(&programmes)
                        .map_err(|e| HubError::corrupt(e.to_string()))?
                        .into(),
                    time_text(now).into(),
                    time_text(now + CODE_LIFETIME).into(),
                ],
            )?;
            Ok(())
        })?;
        Ok(code)
    }

    /// Takes a code for the device `device` with public key `public_key`: the code is
    /// spent, the device enrolled. Unknown, used and expired codes are refused alike.
    pub fn enrol(
        &self,
        code: &str,
        device: Id,
        public_key: &str,
        bundle_recipient: &str,
    ) -> Result<Device, HubError> {
        if !keys::is_public_key(public_key) {
            return Err(HubError::refused(
                HubErrorCode::BadRequest,
                "the device's public key is not an Ed25519 key",
            ));
        }
        if !is_bundle_recipient(bundle_recipient) {
            return Err(HubError::refused(
                HubErrorCode::BadRequest,
                "the device's key for bundles is not an age public key",
            ));
        }
        let now = time_text(self.now());
        let window = time_text(self.now() - GUESS_WINDOW);
        let code_hash = hash_secret(&normalise_code(code));
        let outcome = self.backend.transaction(|tx| {
            let recent = tx
                .query(
                    "SELECT count(*) FROM hub_enrol_failure WHERE at > $1",
                    &[window.clone().into()],
                )?
                .first()
                .map_or(Ok(0), |r| r.int(0))?;
            if recent >= i64::from(GUESSES) {
                return Err(HubError::refused(
                    HubErrorCode::TooManyRequests,
                    "too many wrong enrolment codes were tried; wait ten minutes and try again",
                ));
            }
            // A revoked laptop comes back with a new code and a new key: its old key stays
            // refused, and what it kept meanwhile follows on from what the hub holds.
            let returning = match load_device(tx, device)? {
                Some(known) if known.revoked_at.is_none() => {
                    return Err(HubError::refused(
                        HubErrorCode::AlreadyEnrolled,
                        "this laptop is already enrolled with this hub",
                    ));
                }
                known => known.is_some(),
            };
            let taken = tx.query(
                "UPDATE hub_enrolment SET used_by = $2
                 WHERE code_hash = $1 AND used_by IS NULL AND expires_at > $3
                 RETURNING label, role, programmes",
                &[
                    code_hash.clone().into(),
                    device.to_string().into(),
                    now.clone().into(),
                ],
            )?;
            let Some(grant) = taken.first() else {
                return Err(HubError::refused(
                    HubErrorCode::EnrolmentCodeInvalid,
                    "this enrolment code is unknown, already used or expired; ask for a new one",
                ));
            };
            let programmes: Vec<String> = serde_json::from_str(&grant.text(2)?)
                .map_err(|e| HubError::corrupt(e.to_string()))?;
            let row = [
                device.to_string().into(),
                grant.text(0)?.into(),
                grant.text(1)?.into(),
                public_key.into(),
                now.clone().into(),
                bundle_recipient.into(),
            ];
            if returning {
                tx.execute(
                    "UPDATE hub_device SET label = $2, role = $3, public_key = $4,
                         enrolled_at = $5, bundle_recipient = $6, revoked_at = NULL
                     WHERE id = $1",
                    &row,
                )?;
                tx.execute(
                    "DELETE FROM hub_device_programme WHERE device_id = $1",
                    &[device.to_string().into()],
                )?;
            } else {
                tx.execute(
                    "INSERT INTO hub_device (id, label, role, public_key, enrolled_at, bundle_recipient)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &row,
                )?;
            }
            tx.execute(
                "INSERT INTO hub_device_key (public_key, device_id, enrolled_at) VALUES ($1, $2, $3)",
                &[row[3].clone(), row[0].clone(), row[4].clone()],
            )?;
            for programme in &programmes {
                tx.execute(
                    "INSERT INTO hub_device_programme (device_id, name_key, name)
                     VALUES ($1, $2, $3)",
                    &[
                        device.to_string().into(),
                        name_key(programme).into(),
                        programme.clone().into(),
                    ],
                )?;
            }
            load_device(tx, device)?.ok_or_else(|| HubError::corrupt("enrolled device"))
        });
        if let Err(HubError::Refused {
            code: HubErrorCode::EnrolmentCodeInvalid,
            ..
        }) = &outcome
        {
            // Kept apart from the refused transaction, which is rolled back.
            self.backend.transaction(|tx| {
                tx.execute(
                    "DELETE FROM hub_enrol_failure WHERE at <= $1",
                    &[window.clone().into()],
                )?;
                tx.execute(
                    "INSERT INTO hub_enrol_failure (at) VALUES ($1)",
                    &[now.clone().into()],
                )
            })?;
        }
        outcome
    }

    /// A fresh single-use challenge. Old ones are cleared on the way.
    pub fn challenge(&self) -> Result<String, HubError> {
        let nonce = random_secret(24);
        let now = self.now();
        self.backend.transaction(|tx| {
            tx.execute(
                "DELETE FROM hub_challenge WHERE expires_at <= $1",
                &[time_text(now).into()],
            )?;
            tx.execute(
                "INSERT INTO hub_challenge (nonce, expires_at) VALUES ($1, $2)",
                &[
                    nonce.clone().into(),
                    time_text(now + CHALLENGE_LIFETIME).into(),
                ],
            )?;
            Ok(())
        })?;
        Ok(nonce)
    }

    /// Opens a session for a device that signed a challenge: the token and when it ends.
    pub fn open_session(
        &self,
        device: Id,
        nonce: &str,
        signature: &str,
    ) -> Result<OpenedSession, HubError> {
        let now = self.now();
        let token = random_secret(32);
        let expires = now + SESSION_LIFETIME;
        self.backend.transaction(|tx| {
            let unauthorised = || {
                HubError::refused(
                    HubErrorCode::Unauthorised,
                    "the hub could not confirm this laptop's identity; enrol it again if this goes on",
                )
            };
            let spent = tx.execute(
                "DELETE FROM hub_challenge WHERE nonce = $1 AND expires_at > $2",
                &[nonce.into(), time_text(now).into()],
            )?;
            let known = load_device(tx, device)?.ok_or_else(unauthorised)?;
            if spent != 1
                || !keys::verify(
                    &known.public_key,
                    &keys::session_message(nonce, device),
                    signature,
                )
            {
                return Err(unauthorised());
            }
            if known.revoked_at.is_some() {
                return Err(revoked(&known));
            }
            tx.execute(
                "DELETE FROM hub_session WHERE expires_at <= $1",
                &[time_text(now).into()],
            )?;
            tx.execute(
                "INSERT INTO hub_session (token_hash, device_id, expires_at) VALUES ($1, $2, $3)",
                &[
                    hash_secret(&token).into(),
                    device.to_string().into(),
                    time_text(expires).into(),
                ],
            )?;
            Ok(known.acked_seq)
        })
        .map(|acked_seq| OpenedSession {
            token,
            expires_at: expires,
            acked_seq,
        })
    }

    /// The device a session token belongs to; refuses an unknown or ended session and a
    /// revoked device.
    pub fn session_device(&self, token: &str) -> Result<Device, HubError> {
        let now = time_text(self.now());
        let device = self.backend.transaction(|tx| {
            let rows = tx.query(
                "SELECT device_id FROM hub_session WHERE token_hash = $1 AND expires_at > $2",
                &[hash_secret(token).into(), now.clone().into()],
            )?;
            match rows.first() {
                Some(row) => {
                    let id: Id = row
                        .text(0)?
                        .parse()
                        .map_err(|e| HubError::corrupt(format!("session device: {e}")))?;
                    load_device(tx, id)
                }
                None => Ok(None),
            }
        })?;
        let device = device.ok_or_else(|| {
            HubError::refused(
                HubErrorCode::Unauthorised,
                "the session ended or is unknown; sync again",
            )
        })?;
        if device.revoked_at.is_some() {
            return Err(revoked(&device));
        }
        Ok(device)
    }

    pub fn devices(&self) -> Result<Vec<Device>, HubError> {
        self.backend.transaction(|tx| {
            let rows = tx.query(
                &format!("SELECT {DEVICE_COLUMNS} FROM hub_device ORDER BY enrolled_at, id"),
                &[],
            )?;
            rows.iter().map(|row| device_from(tx, row)).collect()
        })
    }

    /// Revokes a device: its sessions end now and it can open no other. What it synced
    /// before stays in the record.
    pub fn revoke(&self, device: Id) -> Result<Device, HubError> {
        let now = time_text(self.now());
        self.backend.transaction(|tx| {
            let changed = tx.execute(
                "UPDATE hub_device SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                &[device.to_string().into(), now.clone().into()],
            )?;
            tx.execute(
                "UPDATE hub_device_key SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL",
                &[device.to_string().into(), now.clone().into()],
            )?;
            tx.execute(
                "DELETE FROM hub_session WHERE device_id = $1",
                &[device.to_string().into()],
            )?;
            let found = load_device(tx, device)?
                .ok_or_else(|| HubError::Usage(format!("no device {device} is enrolled here")))?;
            if changed == 0 {
                return Err(HubError::Usage(format!(
                    "{} ({device}) was already revoked",
                    found.label
                )));
            }
            Ok(found)
        })
    }
}

fn organisation_in(tx: &mut dyn Tx) -> Result<Option<OrganisationInfo>, HubError> {
    let rows = tx.query("SELECT id, name FROM hub_organisation", &[])?;
    rows.first()
        .map(|row| {
            Ok(OrganisationInfo {
                id: row
                    .text(0)?
                    .parse()
                    .map_err(|e| HubError::corrupt(format!("organisation id: {e}")))?,
                name: row.text(1)?,
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_the_same_however_it_is_typed() {
        let code = new_code();
        assert_eq!(code.len(), 19, "{code}");
        assert_eq!(code.matches('-').count(), 3);
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(normalise_code(&typed), normalise_code(&code));
        assert_eq!(normalise_code("O1IL-o0"), "011100");
    }
}
