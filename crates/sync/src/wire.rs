//! What a laptop and the hub say to each other: one JSON body per request and response.
//!
//! Every request but enrolment and the challenge carries `Authorization: Bearer TOKEN`, a
//! session the device opened by signing a challenge with its key ([`crate::keys`]). Every
//! message carries the schema version it was written under, so either side can tell an
//! older peer (accepted) from a newer one (refused with a clear message).

use chrono::{DateTime, Utc};
use mixwell_domain::{AuditLink, Change, Id};
use serde::{Deserialize, Serialize};

/// The paths of the hub's interface, under its base address.
pub mod path {
    pub const ENROL: &str = "/v1/enrol";
    pub const CHALLENGE: &str = "/v1/challenge";
    pub const SESSION: &str = "/v1/session";
    pub const PUSH: &str = "/v1/push";
    pub const PULL: &str = "/v1/pull";
    /// The organisation's DID document (did:web): the keys its certificates are signed with.
    pub const DID_DOCUMENT: &str = "/.well-known/did.json";
}

/// What a device may do: a field laptop sees only the programmes it was enrolled for, a
/// coordinator's laptop sees the whole organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceRole {
    FieldStaff,
    Coordinator,
}

impl DeviceRole {
    pub const ALL: [DeviceRole; 2] = [DeviceRole::FieldStaff, DeviceRole::Coordinator];

    pub fn as_str(self) -> &'static str {
        match self {
            DeviceRole::FieldStaff => "field_staff",
            DeviceRole::Coordinator => "coordinator",
        }
    }

    pub fn parse(text: &str) -> Option<DeviceRole> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationInfo {
    pub id: Id,
    pub name: String,
}

/// A device exchanges its one-time code for a place in the organisation. The key pair is
/// made on the device; only the public half travels.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub code: String,
    pub device: Id,
    /// The device's Ed25519 public key, base64.
    pub public_key: String,
    /// The age public key the hub encrypts USB bundles for this device with.
    pub bundle_recipient: String,
    pub schema_version: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolResponse {
    pub organisation: OrganisationInfo,
    pub role: DeviceRole,
    /// The programmes a field device is enrolled for (empty for a coordinator).
    pub programmes: Vec<String>,
    /// The label the device is listed under at the hub.
    pub label: String,
    /// The hub's Ed25519 public key (base64): it signs the bundles the hub writes.
    pub hub_key: String,
    /// The age public key USB bundles for the hub are encrypted with.
    pub hub_recipient: String,
    pub hub_time: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChallengeResponse {
    /// Random, single use, good for a short while.
    pub nonce: String,
    pub hub_time: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionRequest {
    pub device: Id,
    pub nonce: String,
    /// The device's signature of [`crate::keys::session_message`], base64.
    pub signature: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionResponse {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    /// The hub holds (or has refused) the device's changes up to this number (older hubs
    /// do not say).
    #[serde(default)]
    pub acked_seq: Option<u64>,
    pub hub_time: DateTime<Utc>,
    /// The keys the organisation vouches for: every device's, with when it was enrolled
    /// and withdrawn (older hubs do not say).
    #[serde(default)]
    pub issuing_keys: Vec<IssuingKey>,
}

/// A key a device signs the organisation's certificates with, as the hub vouches for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuingKey {
    /// The Ed25519 public key, base64.
    pub public_key: String,
    pub enrolled_at: DateTime<Utc>,
    /// When the device was revoked: what it signed from then on is not the organisation's.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl IssuingKey {
    pub fn key(&self) -> Option<ed25519_dalek::VerifyingKey> {
        crate::keys::verifying_key(&self.public_key)
    }
}

/// A batch of the device's own changes, in its sequence with no gaps.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushRequest {
    pub schema_version: u32,
    pub changes: Vec<Change>,
    /// The device's audit trail after what the hub holds of it, in order (older apps send
    /// none). The hub checks that each link follows the last it holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audit: Vec<AuditLink>,
}

/// A change the hub keeps out of the organisation's record, and why. The device's queue
/// moves past it; the device keeps it and shows it to staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub device_seq: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushResponse {
    /// The hub holds (or has refused) every change of the device up to this number.
    pub acked_seq: u64,
    pub accepted: u32,
    /// Changes the hub already had: acknowledged, not applied again.
    pub duplicates: u32,
    pub refused: Vec<Refusal>,
    pub hub_time: DateTime<Utc>,
    /// The hub holds the device's audit trail up to this link (older hubs do not say).
    #[serde(default)]
    pub audit_acked: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullRequest {
    pub schema_version: u32,
    /// The hub position the device holds everything up to (0: nothing yet).
    pub cursor: u64,
    /// The hub's mark for that position, as the last page gave it (older apps send none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<String>,
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullResponse {
    /// Other devices' changes after the cursor, in the order the hub committed them.
    pub changes: Vec<Change>,
    /// Where the next pull starts; never behind the request's cursor.
    pub cursor: u64,
    /// What holds the record at `cursor`, to send back with it: if that ever changes,
    /// the record was rewritten behind the device.
    #[serde(default)]
    pub mark: Option<String>,
    /// More changes wait after `cursor`.
    pub more: bool,
    /// The record was rewritten behind the request's cursor (the hub was restored from a
    /// backup): this page starts from the beginning, and the device takes its cursor.
    #[serde(default)]
    pub refresh: bool,
    pub hub_time: DateTime<Utc>,
}

/// The body of every refused request: a stable code to branch on and words for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: HubErrorCode,
    pub message: String,
    /// For [`HubErrorCode::SequenceGap`]: the sequence number the hub expects next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_seq: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HubErrorCode {
    /// The request is malformed or breaks the protocol.
    BadRequest,
    /// No valid session, or the signature does not verify.
    Unauthorised,
    /// The device was revoked at the hub.
    DeviceRevoked,
    /// The enrolment code is unknown, used or expired.
    EnrolmentCodeInvalid,
    /// This device id is already enrolled.
    AlreadyEnrolled,
    /// The batch does not start where the hub expects (`expected_seq`).
    SequenceGap,
    /// Too many attempts; try again later.
    TooManyRequests,
    /// The device's audit trail does not follow on from what the hub holds of it.
    AuditBroken,
    Internal,
}

impl HubErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            HubErrorCode::BadRequest => "bad_request",
            HubErrorCode::Unauthorised => "unauthorised",
            HubErrorCode::DeviceRevoked => "device_revoked",
            HubErrorCode::EnrolmentCodeInvalid => "enrolment_code_invalid",
            HubErrorCode::AlreadyEnrolled => "already_enrolled",
            HubErrorCode::SequenceGap => "sequence_gap",
            HubErrorCode::TooManyRequests => "too_many_requests",
            HubErrorCode::AuditBroken => "audit_broken",
            HubErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status the hub answers with.
    pub fn status(self) -> u16 {
        match self {
            HubErrorCode::BadRequest => 400,
            HubErrorCode::Unauthorised => 401,
            HubErrorCode::DeviceRevoked => 403,
            HubErrorCode::EnrolmentCodeInvalid => 403,
            HubErrorCode::AlreadyEnrolled => 409,
            HubErrorCode::SequenceGap => 409,
            HubErrorCode::TooManyRequests => 429,
            HubErrorCode::AuditBroken => 409,
            HubErrorCode::Internal => 500,
        }
    }
}
