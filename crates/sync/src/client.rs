//! Talking to the hub: one [`Transport`] carries JSON bodies (HTTP in the app and the CLI,
//! an in-process hub in simulations), and [`HubClient`] turns the protocol's messages and
//! refusals into typed results.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use crate::error::SyncError;
use crate::wire::{
    path, ChallengeResponse, EnrolRequest, EnrolResponse, ErrorBody, PullRequest, PullResponse,
    PushRequest, PushResponse, SessionRequest, SessionResponse,
};
use crate::{keys, DeviceKey};
use mixwell_domain::Id;

/// Carries one request to the hub and brings back its answer.
pub trait Transport {
    /// POSTs the JSON `body` to `path` (with the session `token`, if any): the answer's
    /// HTTP status and body, or [`SyncError::Unreachable`] when no answer came.
    fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<(u16, Vec<u8>), SyncError>;
}

/// The hub's address as a device accepts it: HTTPS, or plain HTTP to this machine only
/// (a hub on the same office machine, tests).
pub fn hub_url(text: &str) -> Result<Url, SyncError> {
    let url = Url::parse(text.trim()).map_err(|e| SyncError::BadHubAddress {
        address: text.to_string(),
        reason: e.to_string(),
    })?;
    let loopback = match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(SyncError::BadHubAddress {
            address: text.to_string(),
            reason: "plain HTTP is refused except to this machine; use https://".into(),
        }),
        other => Err(SyncError::BadHubAddress {
            address: text.to_string(),
            reason: format!("{other}: is not a web address; use https://"),
        }),
    }
}

/// HTTP(S) to a hub, with rustls and the platform's trusted certificates.
pub struct HttpTransport {
    base: Url,
    agent: ureq::Agent,
}

/// The most a pull page may weigh: far above a page of [`crate::PULL_PAGE`] changes.
const MAX_ANSWER_BYTES: u64 = 256 * 1024 * 1024;

impl HttpTransport {
    pub fn new(base: &str) -> Result<HttpTransport, SyncError> {
        Self::trusting(base, None)
    }

    /// A transport that also trusts the certificates in `ca` (PEM): for a hub serving
    /// HTTPS with the organisation's own certificate.
    pub fn trusting(base: &str, ca: Option<&str>) -> Result<HttpTransport, SyncError> {
        let base = hub_url(base)?;
        let mut config = ureq::Agent::config_builder();
        if let Some(pem) = ca {
            let certificates: Vec<ureq::tls::Certificate<'static>> =
                ureq::tls::parse_pem(pem.as_bytes())
                    .filter_map(|item| match item {
                        Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                        _ => None,
                    })
                    .collect();
            if certificates.is_empty() {
                return Err(SyncError::BadHubAddress {
                    address: base.to_string(),
                    reason: "the certificate to trust holds no PEM certificate".into(),
                });
            }
            config = config.tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::new_with_certs(&certificates))
                    .build(),
            );
        }
        let agent = config
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Ok(HttpTransport { base, agent })
    }
}

impl Transport for HttpTransport {
    fn post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> Result<(u16, Vec<u8>), SyncError> {
        let url =
            self.base
                .join(path.trim_start_matches('/'))
                .map_err(|e| SyncError::BadHubAddress {
                    address: self.base.to_string(),
                    reason: e.to_string(),
                })?;
        let mut request = self
            .agent
            .post(url.as_str())
            .header("Content-Type", "application/json");
        if let Some(token) = token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let mut answer = request
            .send(&body[..])
            .map_err(|e| SyncError::Unreachable(e.to_string()))?;
        let status = answer.status().as_u16();
        let bytes = answer
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_vec()
            .map_err(|e| SyncError::Unreachable(e.to_string()))?;
        Ok((status, bytes))
    }
}

/// The protocol over a transport.
pub struct HubClient<T> {
    transport: T,
}

impl<T: Transport> HubClient<T> {
    pub fn new(transport: T) -> HubClient<T> {
        HubClient { transport }
    }

    fn call<A: Serialize, B: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        request: &A,
    ) -> Result<B, SyncError> {
        let body = serde_json::to_vec(request).map_err(|e| SyncError::Protocol(e.to_string()))?;
        let (status, answer) = self.transport.post(path, token, body)?;
        if (200..300).contains(&status) {
            return serde_json::from_slice(&answer)
                .map_err(|e| SyncError::Protocol(format!("{path}: {e}")));
        }
        match serde_json::from_slice::<ErrorBody>(&answer) {
            Ok(refusal) => Err(SyncError::Hub(refusal)),
            // A proxy's error page, or a hub in trouble: worth trying again later.
            Err(_) if status >= 500 => Err(SyncError::Unreachable(format!(
                "the hub answered with HTTP {status}"
            ))),
            Err(_) => Err(SyncError::Protocol(format!(
                "{path}: HTTP {status} with an answer that is not the hub's"
            ))),
        }
    }

    pub fn enrol(&self, request: &EnrolRequest) -> Result<EnrolResponse, SyncError> {
        self.call(path::ENROL, None, request)
    }

    /// Proves the device's identity by signing a fresh challenge: a session token.
    pub fn open_session(&self, device: Id, key: &DeviceKey) -> Result<SessionResponse, SyncError> {
        let challenge: ChallengeResponse = self.call(path::CHALLENGE, None, &())?;
        let signature = key.sign(&keys::session_message(&challenge.nonce, device));
        self.call(
            path::SESSION,
            None,
            &SessionRequest {
                device,
                nonce: challenge.nonce,
                signature,
            },
        )
    }

    pub fn push(&self, token: &str, request: &PushRequest) -> Result<PushResponse, SyncError> {
        self.call(path::PUSH, Some(token), request)
    }

    pub fn pull(&self, token: &str, request: &PullRequest) -> Result<PullResponse, SyncError> {
        self.call(path::PULL, Some(token), request)
    }
}

#[cfg(test)]
mod tests {
    use super::hub_url;

    #[test]
    fn plain_http_is_refused_except_to_this_machine() {
        assert!(hub_url("https://hub.example.org").is_ok());
        assert!(hub_url("http://127.0.0.1:8080").is_ok());
        assert!(hub_url("http://[::1]:8080").is_ok());
        assert!(hub_url("http://localhost:8080").is_ok());
        let refused = hub_url("http://hub.example.org").unwrap_err().to_string();
        assert!(refused.contains("plain HTTP"), "{refused}");
        assert!(hub_url("ftp://hub.example.org").is_err());
        assert!(hub_url("not an address").is_err());
    }
}
