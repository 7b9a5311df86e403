//! The hub's HTTP interface (axum). Each handler decodes, runs one call of [`Hub`] on a
//! blocking thread (the storage is synchronous), and answers JSON: the message, or an
//! [`ErrorBody`] with the status its code calls for.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use mixwell_sync::wire::{
    path, ChallengeResponse, EnrolRequest, EnrolResponse, ErrorBody, HubErrorCode, PullRequest,
    PullResponse, PushRequest, PushResponse, SessionRequest, SessionResponse,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::devices::Device;
use crate::error::HubError;
use crate::Hub;

/// The largest request body: a push of a few thousand changes is far below it.
const MAX_BODY: usize = 64 * 1024 * 1024;

pub fn router(hub: Arc<Hub>) -> Router {
    Router::new()
        .route(path::ENROL, post(enrol))
        .route(path::CHALLENGE, post(challenge))
        .route(path::SESSION, post(session))
        .route(path::PUSH, post(push))
        .route(path::PULL, post(pull))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(hub)
}

/// Serves `hub` on `listener` until the process is asked to stop (Ctrl-C).
pub async fn serve(hub: Arc<Hub>, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(hub))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

struct Refusal(ErrorBody);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self.0)).into_response()
    }
}

impl From<HubError> for Refusal {
    fn from(error: HubError) -> Refusal {
        if !matches!(error, HubError::Refused { .. }) {
            // The hub's own faults go to its log; messages carry no personal data.
            eprintln!("mixwell hub: {error}");
        }
        Refusal(error.body())
    }
}

type Answer<T> = Result<Json<T>, Refusal>;

fn decode<T: DeserializeOwned>(body: &Bytes) -> Result<T, Refusal> {
    serde_json::from_slice(body).map_err(|e| {
        Refusal(ErrorBody {
            code: HubErrorCode::BadRequest,
            message: format!("the request could not be read: {e}"),
            expected_seq: None,
        })
    })
}

/// Runs `work` on a blocking thread: the storage waits on its database.
async fn run<T: Send + 'static>(
    hub: &Arc<Hub>,
    work: impl FnOnce(&Hub) -> Result<T, HubError> + Send + 'static,
) -> Result<T, Refusal> {
    let hub = Arc::clone(hub);
    tokio::task::spawn_blocking(move || work(&hub))
        .await
        .map_err(|e| Refusal::from(HubError::storage(format!("the request failed: {e}"))))?
        .map_err(Refusal::from)
}

fn reply<T: Serialize>(value: T) -> Answer<T> {
    Ok(Json(value))
}

/// The device whose session the request carries.
async fn authenticated(hub: &Arc<Hub>, headers: &HeaderMap) -> Result<Device, Refusal> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string)
        .ok_or_else(|| {
            Refusal(ErrorBody {
                code: HubErrorCode::Unauthorised,
                message: "this request needs a session".into(),
                expected_seq: None,
            })
        })?;
    run(hub, move |hub| hub.session_device(&token)).await
}

async fn enrol(State(hub): State<Arc<Hub>>, body: Bytes) -> Answer<EnrolResponse> {
    let request: EnrolRequest = decode(&body)?;
    let answer = run(&hub, move |hub| {
        let device = hub.enrol(
            &request.code,
            request.device,
            &request.public_key,
            &request.bundle_recipient,
        )?;
        let keys = hub.public_keys()?;
        Ok(EnrolResponse {
            organisation: hub.organisation()?,
            role: device.role,
            programmes: device.programmes,
            label: device.label,
            hub_key: keys.signing,
            hub_recipient: keys.bundles,
            hub_time: hub.now(),
        })
    })
    .await?;
    reply(answer)
}

async fn challenge(State(hub): State<Arc<Hub>>) -> Answer<ChallengeResponse> {
    let answer = run(&hub, |hub| {
        Ok(ChallengeResponse {
            nonce: hub.challenge()?,
            hub_time: hub.now(),
        })
    })
    .await?;
    reply(answer)
}

async fn session(State(hub): State<Arc<Hub>>, body: Bytes) -> Answer<SessionResponse> {
    let request: SessionRequest = decode(&body)?;
    let answer = run(&hub, move |hub| {
        let (token, expires_at) =
            hub.open_session(request.device, &request.nonce, &request.signature)?;
        Ok(SessionResponse {
            token,
            expires_at,
            hub_time: hub.now(),
        })
    })
    .await?;
    reply(answer)
}

async fn push(
    State(hub): State<Arc<Hub>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<PushResponse> {
    let device = authenticated(&hub, &headers).await?;
    let request: PushRequest = decode(&body)?;
    let answer = run(&hub, move |hub| {
        let pushed = hub.push(&device, &request.changes)?;
        Ok(PushResponse {
            acked_seq: pushed.acked_seq,
            accepted: pushed.accepted,
            duplicates: pushed.duplicates,
            refused: pushed.refused,
            hub_time: hub.now(),
        })
    })
    .await?;
    reply(answer)
}

async fn pull(
    State(hub): State<Arc<Hub>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer<PullResponse> {
    let device = authenticated(&hub, &headers).await?;
    let request: PullRequest = decode(&body)?;
    let answer = run(&hub, move |hub| {
        let page = hub.pull(&device, request.cursor, request.limit)?;
        Ok(PullResponse {
            changes: page.changes,
            cursor: page.cursor,
            more: page.more,
            hub_time: hub.now(),
        })
    })
    .await?;
    reply(answer)
}

/// A hub served on a thread of its own until dropped: for tests, benchmarks and
/// simulations that need a real HTTP hub on loopback.
pub struct Background {
    pub url: String,
    runtime: Option<tokio::runtime::Runtime>,
}

/// Serves `hub` on `listen` (such as `127.0.0.1:0`) in the background.
pub fn spawn(hub: Arc<Hub>, listen: &str) -> std::io::Result<Background> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind(listen))?;
    let url = format!("http://{}", listener.local_addr()?);
    runtime.spawn(async move {
        let _ = axum::serve(listener, router(hub)).await;
    });
    Ok(Background {
        url,
        runtime: Some(runtime),
    })
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
