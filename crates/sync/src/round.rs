//! A device's side of sync: enrolment, and one round of push then pull.
//!
//! A round can stop anywhere (the network drops, the laptop sleeps, the process is
//! killed) and the next one picks up where the store says: the hub acknowledges by
//! position, so nothing is sent twice into the record, and the pull cursor moves in the
//! same transaction as the changes it covers.

use std::time::Duration;

use mixwell_store::{PullPosition, Store, StoreError, SyncLink, SCHEMA_VERSION};
use serde::Serialize;

use crate::client::{hub_url, HubClient, Transport};
use crate::error::SyncError;
use crate::wire::{EnrolRequest, ErrorBody, HubErrorCode, PullRequest, PushRequest};
use crate::DeviceKey;

/// Changes per push request.
pub const PUSH_BATCH: u32 = 2_000;
/// Changes per pull page.
pub const PULL_PAGE: u32 = 5_000;
/// A laptop clock further than this many seconds from the hub's is pointed out to staff.
pub const CLOCK_WARNING_SECONDS: i32 = 2 * 60;

/// The schema version this build writes changes and messages under.
pub fn schema_version() -> u32 {
    u32::try_from(SCHEMA_VERSION).unwrap_or(u32::MAX)
}

/// What a round did, as `mixwell sync now` prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Report {
    /// This laptop's changes the hub took into the organisation's record.
    pub pushed: u32,
    /// Changes the hub already had (an acknowledgement that was lost on the way back).
    pub already_on_hub: u32,
    /// This laptop's changes the hub refused, each with its reason kept for staff.
    pub refused: u32,
    /// Other devices' changes merged here.
    pub pulled: u32,
    /// Pulled changes this laptop already had.
    pub already_here: u32,
    /// Pulled changes stamped too far in the future, merged at a clamped time.
    pub clamped: u32,
    /// How many seconds this laptop's clock is ahead of the hub's (negative: behind).
    pub clock_offset_seconds: i32,
    /// The hub's record was rewritten behind this laptop (the hub was restored from a
    /// backup), so this laptop took the whole record again; what it held counted once.
    pub refreshed: bool,
}

impl Report {
    /// Whether the laptop's clock is far enough off to tell staff.
    pub fn clock_is_off(&self) -> bool {
        self.clock_offset_seconds.saturating_abs() > CLOCK_WARNING_SECONDS
    }
}

/// Exchanges a one-time code from the hub's administrator for this laptop's place in the
/// organisation: a key pair is made here, the hub keeps the public half.
pub fn enrol(store: &mut Store, hub: &str, code: &str) -> Result<SyncLink, SyncError> {
    enrol_trusting(store, hub, code, None)
}

/// [`enrol`] with a hub serving HTTPS under the organisation's own certificate: `ca` (PEM)
/// is trusted for it from now on.
pub fn enrol_trusting(
    store: &mut Store,
    hub: &str,
    code: &str,
    ca: Option<String>,
) -> Result<SyncLink, SyncError> {
    let url = hub_url(hub)?;
    let client = HubClient::new(crate::HttpTransport::trusting(url.as_str(), ca.as_deref())?);
    enrol_with(store, &client, url.as_str(), code, ca)
}

/// [`enrol`] over any transport.
pub fn enrol_with<T: Transport>(
    store: &mut Store,
    client: &HubClient<T>,
    hub: &str,
    code: &str,
    hub_ca: Option<String>,
) -> Result<SyncLink, SyncError> {
    // A laptop belongs to one hub. Enrolling again with it is how a revoked laptop comes
    // back (the hub refuses it while the laptop is still active there).
    if let Some(existing) = store.sync_link()? {
        if hub_url(&existing.hub_url)? != hub_url(hub)? {
            return Err(StoreError::AlreadyEnrolled {
                hub: existing.hub_url,
            }
            .into());
        }
    }
    let key = DeviceKey::generate();
    let (bundle_identity, bundle_recipient) = crate::bundle::new_bundle_key();
    let answer = client.enrol(&EnrolRequest {
        code: code.trim().to_string(),
        device: store.device_id(),
        public_key: key.public_base64(),
        bundle_recipient,
        schema_version: schema_version(),
    })?;
    let link = SyncLink {
        hub_url: hub.to_string(),
        device_key: key.to_base64(),
        organisation: mixwell_domain::Organisation {
            id: answer.organisation.id,
            name: answer.organisation.name,
        },
        role: answer.role.as_str().to_string(),
        programmes: answer.programmes,
        label: answer.label,
        enrolled_at: answer.hub_time,
        hub_key: answer.hub_key,
        hub_recipient: answer.hub_recipient,
        bundle_identity,
        hub_ca,
    };
    store.link_to_hub(&link)?;
    Ok(link)
}

/// One round with the hub this laptop is enrolled with: push everything waiting, then pull
/// everything new. How it went is recorded for the header either way.
pub fn sync_now(store: &mut Store) -> Result<Report, SyncError> {
    let link = store.sync_link()?.ok_or(SyncError::NotEnrolled)?;
    let client = HubClient::new(crate::HttpTransport::trusting(
        &link.hub_url,
        link.hub_ca.as_deref(),
    )?);
    let outcome = round(store, &client);
    record(store, &outcome)?;
    outcome
}

/// Keeps what staff are shown true: the last good round, or the problem of this one.
pub fn record(store: &mut Store, outcome: &Result<Report, SyncError>) -> Result<(), SyncError> {
    match outcome {
        Ok(report) => store.record_sync(
            Some(i64::from(report.clock_offset_seconds) * 1000),
            report.clamped,
        )?,
        Err(problem) => store.record_sync_problem(problem.code(), &problem.to_string())?,
    }
    Ok(())
}

/// Opens a session for this laptop by signing the hub's challenge.
fn session<T: Transport>(
    store: &Store,
    client: &HubClient<T>,
) -> Result<crate::wire::SessionResponse, SyncError> {
    let link = store.sync_link()?.ok_or(SyncError::NotEnrolled)?;
    client.open_session(store.device_id(), &device_key(&link)?)
}

/// The laptop's private key, as enrolment stored it.
pub fn device_key(link: &SyncLink) -> Result<DeviceKey, SyncError> {
    DeviceKey::from_base64(&link.device_key).ok_or_else(|| {
        StoreError::Corrupt {
            what: "device key",
            detail: "it is not a key".into(),
        }
        .into()
    })
}

/// Push then pull, over any transport. Records nothing of how it went: see [`record`].
pub fn round<T: Transport>(store: &mut Store, client: &HubClient<T>) -> Result<Report, SyncError> {
    let session = session(store, client)?;
    if !session.issuing_keys.is_empty() {
        let keys = serde_json::to_string(&session.issuing_keys)
            .map_err(|e| SyncError::Protocol(e.to_string()))?;
        store.set_issuing_keys(&keys)?;
    }
    let mut report = Report {
        clock_offset_seconds: i32::try_from((store.now() - session.hub_time).num_seconds())
            .unwrap_or(i32::MAX),
        ..Report::default()
    };
    push(store, client, &session, &mut report)?;
    pull(store, client, &session.token, &mut report)?;
    Ok(report)
}

/// Only the push half of [`round`]: this laptop's waiting changes to the hub, nothing
/// pulled (for measuring the hub's intake, and for a laptop with little time online).
pub fn push_only<T: Transport>(
    store: &mut Store,
    client: &HubClient<T>,
) -> Result<Report, SyncError> {
    let session = session(store, client)?;
    let mut report = Report::default();
    push(store, client, &session, &mut report)?;
    Ok(report)
}

fn push<T: Transport>(
    store: &mut Store,
    client: &HubClient<T>,
    session: &crate::wire::SessionResponse,
    report: &mut Report,
) -> Result<(), SyncError> {
    let token = session.token.as_str();
    // A hub restored from a backup holds less of this laptop's changes than it had
    // acknowledged: they are all still here, so send them again from where it stands.
    let mut from = store.acknowledged_seq()?;
    if let Some(held) = session.acked_seq {
        from = from.min(held);
    }
    let mut resent = false;
    // The audit trail goes with the changes, after what the hub holds of it; a hub that
    // does not take it (an older one) or stops taking it is not asked again this round.
    let mut audit_from = store.audit_acked()?;
    let mut audit_resent = false;
    let mut send_audit = true;
    loop {
        let changes = store.changes_page(from, PUSH_BATCH)?;
        let audit = if send_audit {
            store.audit_page(audit_from, PUSH_BATCH)?
        } else {
            Vec::new()
        };
        if changes.is_empty() && audit.is_empty() {
            return Ok(());
        }
        let sent_changes = !changes.is_empty();
        let sent_audit = !audit.is_empty();
        let request = PushRequest {
            schema_version: schema_version(),
            changes,
            audit,
        };
        match client.push(token, &request) {
            Ok(answer) => {
                if sent_changes && answer.acked_seq <= from {
                    return Err(SyncError::Stuck(from + 1));
                }
                let refused: Vec<(u64, String)> = answer
                    .refused
                    .iter()
                    .map(|r| (r.device_seq, r.reason.clone()))
                    .collect();
                store.record_push(answer.acked_seq, &refused)?;
                report.pushed += answer.accepted;
                report.already_on_hub += answer.duplicates;
                report.refused += u32::try_from(refused.len()).unwrap_or(u32::MAX);
                from = from.max(answer.acked_seq);
                match answer.audit_acked {
                    Some(held) if held > audit_from => {
                        store.acknowledge_audit(held)?;
                        audit_from = held;
                    }
                    _ if sent_audit => send_audit = false,
                    _ => {}
                }
            }
            // The same, found out by the push (restored between the session and it).
            // Once a round.
            Err(SyncError::Hub(ErrorBody {
                code: HubErrorCode::SequenceGap,
                expected_seq: Some(expected),
                ..
            })) if !resent && expected <= from => {
                resent = true;
                from = expected.saturating_sub(1);
            }
            // A restored hub holds less of the audit trail: send it again from there.
            Err(SyncError::Hub(ErrorBody {
                code: HubErrorCode::AuditBroken,
                expected_seq: Some(expected),
                ..
            })) if !audit_resent && expected <= audit_from => {
                audit_resent = true;
                audit_from = expected.saturating_sub(1);
            }
            Err(error) => return Err(error),
        }
    }
}

fn pull<T: Transport>(
    store: &mut Store,
    client: &HubClient<T>,
    token: &str,
    report: &mut Report,
) -> Result<(), SyncError> {
    let mut position = store.pull_position()?;
    loop {
        let page = client.pull(
            token,
            &PullRequest {
                schema_version: schema_version(),
                cursor: position.cursor,
                mark: position.mark.clone(),
                limit: PULL_PAGE,
            },
        )?;
        // A refresh may move the cursor back, once a round: a hub restored twice
        // within one round is not a hub to follow.
        let stalled =
            page.cursor < position.cursor || (page.more && page.cursor == position.cursor);
        if (page.refresh && report.refreshed) || (!page.refresh && stalled) {
            return Err(SyncError::Protocol(format!(
                "the hub moved the pull cursor from {} to {}",
                position.cursor, page.cursor
            )));
        }
        report.refreshed |= page.refresh;
        position = PullPosition {
            cursor: page.cursor,
            mark: page.mark,
        };
        let applied = store.apply_pulled(&page.changes, &position, page.refresh)?;
        report.pulled += applied.applied;
        report.already_here += applied.duplicates;
        report.clamped += applied.clamped;
        if !page.more {
            return Ok(());
        }
    }
}

/// Waits between failed rounds: 1 s, 2 s, 4 s… up to five minutes, so a laptop coming
/// back into signal syncs soon without hammering a hub that is down.
#[derive(Debug, Clone)]
pub struct Backoff {
    next: Duration,
}

impl Backoff {
    const FIRST: Duration = Duration::from_secs(1);
    const MOST: Duration = Duration::from_secs(300);

    pub fn new() -> Backoff {
        Backoff { next: Self::FIRST }
    }

    /// How long to wait before the next try; each call doubles the one after.
    pub fn next_delay(&mut self) -> Duration {
        let delay = self.next;
        self.next = (self.next * 2).min(Self::MOST);
        delay
    }

    pub fn reset(&mut self) {
        self.next = Self::FIRST;
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new()
    }
}

/// [`sync_now`] tried up to `attempts` times while the failure is one that may pass by
/// itself (no network, a hub restarting), waiting by [`Backoff`] between tries.
pub fn sync_with_retries(
    store: &mut Store,
    attempts: u32,
    mut wait: impl FnMut(Duration),
) -> Result<Report, SyncError> {
    let mut backoff = Backoff::new();
    let mut tries = 0;
    loop {
        tries += 1;
        match sync_now(store) {
            Err(error) if error.is_transient() && tries < attempts => wait(backoff.next_delay()),
            outcome => return outcome,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_five_minutes_and_starts_again_after_a_success() {
        let mut backoff = Backoff::new();
        let delays: Vec<u64> = (0..12).map(|_| backoff.next_delay().as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
        backoff.reset();
        assert_eq!(backoff.next_delay().as_secs(), 1);
    }
}
