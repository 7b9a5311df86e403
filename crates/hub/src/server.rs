//! The hub's HTTP interface (axum). Each handler decodes, runs one call of [`Hub`] on a
//! blocking thread (the storage is synchronous), and answers JSON: the message, or an
//! [`ErrorBody`] with the status its code calls for.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use mixwell_sync::wire::{
    path, ChallengeResponse, EnrolRequest, EnrolResponse, ErrorBody, HubErrorCode, PullRequest,
    PushRequest, PushResponse, SessionRequest, SessionResponse,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::devices::Device;
use crate::error::HubError;
use crate::{Hub, Revoked};

/// The largest request body: a push of a few thousand changes is far below it.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// Pushes and pulls handled at once; the rest wait, unread. The database serialises the
/// work anyway (one SQLite connection, 16 PostgreSQL ones); what this bounds is memory:
/// fifty laptops pushing at once no longer hold fifty decoded batches.
const HEAVY_AT_ONCE: usize = 8;

#[derive(Clone)]
struct Shared {
    hub: Arc<Hub>,
    heavy: Arc<tokio::sync::Semaphore>,
}

impl axum::extract::FromRef<Shared> for Arc<Hub> {
    fn from_ref(shared: &Shared) -> Arc<Hub> {
        Arc::clone(&shared.hub)
    }
}

/// The body of a push or pull, read once a place among [`HEAVY_AT_ONCE`] is free.
async fn heavy_body(
    shared: &Shared,
    body: axum::body::Body,
) -> Result<(tokio::sync::OwnedSemaphorePermit, Bytes), Refusal> {
    let permit = Arc::clone(&shared.heavy)
        .acquire_owned()
        .await
        .map_err(|e| Refusal::from(HubError::storage(e.to_string())))?;
    let bytes = axum::body::to_bytes(body, MAX_BODY).await.map_err(|e| {
        Refusal(ErrorBody {
            code: HubErrorCode::BadRequest,
            message: format!("the request could not be read: {e}"),
            expected_seq: None,
        })
    })?;
    Ok((permit, bytes))
}

pub fn router(hub: Arc<Hub>) -> Router {
    let shared = Shared {
        hub,
        heavy: Arc::new(tokio::sync::Semaphore::new(HEAVY_AT_ONCE)),
    };
    Router::new()
        .route(path::ENROL, post(enrol))
        .route(path::CHALLENGE, post(challenge))
        .route(path::SESSION, post(session))
        .route(path::PUSH, post(push))
        .route(path::PULL, post(pull))
        .route(path::DID_DOCUMENT, get(did_document))
        .route("/verify", get(verify_form))
        .route("/verify/{code}", get(verify_page))
        .route("/verify/{code}/credential.json", get(verify_credential))
        .route("/verify/{code}/badge.png", get(verify_badge))
        .route("/certificates/revoked.json", get(revoked_certificates))
        .route("/certificates/status/{device}", get(status_list))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(shared)
}

/// The router as a service that knows each request's peer address (the verification
/// page counts wrong codes per address).
fn with_addresses(
    router: Router,
) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Router, std::net::SocketAddr> {
    router.into_make_service_with_connect_info::<std::net::SocketAddr>()
}

/// Serves `hub` on `listener` until the process is asked to stop (Ctrl-C).
pub async fn serve(hub: Arc<Hub>, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, with_addresses(router(hub)))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// Compacts the record ([`Hub::compact`]) a minute after the hub starts and then every
/// `every`, off the async threads. Several hub processes on one database may all do so:
/// compaction is safe alongside itself.
pub async fn compact_now_and_then(hub: Arc<Hub>, every: std::time::Duration) {
    let mut wait = std::time::Duration::from_secs(60);
    loop {
        tokio::time::sleep(wait).await;
        wait = every;
        let hub = Arc::clone(&hub);
        match tokio::task::spawn_blocking(move || hub.compact()).await {
            Ok(Ok(done)) if done.removed > 0 => eprintln!(
                "mixwell hub: compacted the record: took out {} of {} changes",
                done.removed, done.before
            ),
            Ok(Ok(_)) => {}
            Ok(Err(error)) => eprintln!("mixwell hub: compaction failed, will try again: {error}"),
            Err(error) => eprintln!("mixwell hub: compaction stopped: {error}"),
        }
    }
}

struct Refusal(ErrorBody);

impl Refusal {
    fn into_response_with(self, status: StatusCode) -> Response {
        (status, Json(self.0)).into_response()
    }
}

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
        let opened = hub.open_session(request.device, &request.nonce, &request.signature)?;
        Ok(SessionResponse {
            token: opened.token,
            expires_at: opened.expires_at,
            acked_seq: Some(opened.acked_seq),
            hub_time: hub.now(),
            issuing_keys: hub.issuing_keys()?,
        })
    })
    .await?;
    reply(answer)
}

/// The organisation's DID document, named after the host the request was made to (the
/// address laptops were enrolled with), so any standard verifier can resolve its did:web.
async fn did_document(
    State(hub): State<Arc<Hub>>,
    headers: HeaderMap,
) -> Answer<serde_json::Value> {
    let origin = origin_of(&headers);
    let answer = run(&hub, move |hub| hub.did_document(&origin)).await?;
    reply(answer)
}

/// Who is asking, for counting wrong codes: the peer's address (one behind a proxy is the
/// proxy's), or "unknown" when served without one (in-process tests).
fn client(request: &axum::extract::Request) -> String {
    request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string())
}

/// The address the request was made to, `scheme://host[:port]`: it names the
/// organisation's did:web and the lists and pages the hub links to. The scheme is what a
/// proxy in front says it served (`X-Forwarded-Proto`), otherwise plain HTTP only on this
/// machine's loopback (where laptops may enrol over it) and HTTPS everywhere else.
fn origin_of(headers: &HeaderMap) -> String {
    let header = |name: &str| headers.get(name).and_then(|h| h.to_str().ok());
    let host = header("host").unwrap_or("localhost");
    let loopback = ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|l| host == *l || host.starts_with(&format!("{l}:")));
    let scheme = match header("x-forwarded-proto") {
        Some("http") => "http",
        Some("https") => "https",
        _ if loopback => "http",
        _ => "https",
    };
    format!("{scheme}://{host}")
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// The form for typing a code; `?code=` checks it.
async fn verify_form(
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
    State(hub): State<Arc<Hub>>,
    request: axum::extract::Request,
) -> Response {
    match query.get("code").map(|c| c.trim().to_owned()) {
        Some(code) if !code.is_empty() => {
            let (client, origin) = (client(&request), origin_of(request.headers()));
            drop(request);
            checked_page(&hub, code, client, origin).await
        }
        _ => html(StatusCode::OK, crate::page::form(None, "")),
    }
}

async fn verify_page(
    axum::extract::Path(code): axum::extract::Path<String>,
    State(hub): State<Arc<Hub>>,
    request: axum::extract::Request,
) -> Response {
    let (client, origin) = (client(&request), origin_of(request.headers()));
    drop(request);
    checked_page(&hub, code, client, origin).await
}

async fn checked_page(hub: &Arc<Hub>, code: String, client: String, origin: String) -> Response {
    let page_url = format!("{origin}/verify/{code}");
    let typed = code.clone();
    match run(hub, move |hub| hub.check_code(&code, &client)).await {
        Ok(check) => html(
            StatusCode::OK,
            crate::page::verdict(&check.verdict, &typed, &page_url),
        ),
        Err(Refusal(body)) if body.code == HubErrorCode::TooManyRequests => html(
            StatusCode::TOO_MANY_REQUESTS,
            crate::page::form(Some(&body.message), &typed),
        ),
        Err(refusal) => refusal.into_response(),
    }
}

/// The signed credential of the certificate with this code, for wallets and verifiers.
async fn verify_credential(
    axum::extract::Path(code): axum::extract::Path<String>,
    State(hub): State<Arc<Hub>>,
    request: axum::extract::Request,
) -> Response {
    let client = client(&request);
    drop(request);
    credential_as(&hub, code, client, "application/vc+ld+json", |credential| {
        Ok(credential.to_string().into_bytes())
    })
    .await
}

/// The certificate as a baked Open Badges PNG, for digital wallets.
async fn verify_badge(
    axum::extract::Path(code): axum::extract::Path<String>,
    State(hub): State<Arc<Hub>>,
    request: axum::extract::Request,
) -> Response {
    let client = client(&request);
    drop(request);
    credential_as(&hub, code, client, "image/png", |credential| {
        mixwell_certificates::badge::bake(credential).map_err(|e| HubError::storage(e.to_string()))
    })
    .await
}

/// The credential of the certificate with `code`, written out by `as_bytes`, or 404.
async fn credential_as(
    hub: &Arc<Hub>,
    code: String,
    client: String,
    content_type: &'static str,
    as_bytes: impl FnOnce(&serde_json::Value) -> Result<Vec<u8>, HubError> + Send + 'static,
) -> Response {
    let found = run(hub, move |hub| {
        let check = hub.check_code(&code, &client)?;
        check.credential.as_ref().map(as_bytes).transpose()
    })
    .await;
    match found {
        Ok(Some(bytes)) => {
            ([(axum::http::header::CONTENT_TYPE, content_type)], bytes).into_response()
        }
        Ok(None) => Refusal(ErrorBody {
            code: HubErrorCode::BadRequest,
            message: "no certificate of this organisation has this code".into(),
            expected_seq: None,
        })
        .into_response_with(StatusCode::NOT_FOUND),
        Err(refusal) => refusal.into_response(),
    }
}

/// One laptop's revocation status list, a signed W3C BitstringStatusListCredential.
async fn status_list(
    axum::extract::Path(device): axum::extract::Path<String>,
    State(hub): State<Arc<Hub>>,
    headers: HeaderMap,
) -> Response {
    let origin = origin_of(&headers);
    match run(&hub, move |hub| hub.status_list(&device, &origin)).await {
        Ok(list) => (
            [(axum::http::header::CONTENT_TYPE, "application/vc+ld+json")],
            list.to_string(),
        )
            .into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

/// Every revoked certificate: number, reason and when.
async fn revoked_certificates(State(hub): State<Arc<Hub>>) -> Answer<Vec<Revoked>> {
    let answer = run(&hub, |hub| hub.revoked_certificates()).await?;
    reply(answer)
}

async fn push(
    State(shared): State<Shared>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Answer<PushResponse> {
    let hub = Arc::clone(&shared.hub);
    let device = authenticated(&hub, &headers).await?;
    let (_permit, body) = heavy_body(&shared, body).await?;
    let request: PushRequest = decode(&body)?;
    drop(body);
    let answer = run(&hub, move |hub| {
        let pushed = hub.push(&device, &request.changes, &request.audit)?;
        Ok(PushResponse {
            acked_seq: pushed.acked_seq,
            audit_acked: Some(pushed.audit_acked),
            accepted: pushed.accepted,
            duplicates: pushed.duplicates,
            refused: pushed.refused,
            hub_time: hub.now(),
        })
    })
    .await?;
    reply(answer)
}

/// Answers a [`mixwell_sync::wire::PullResponse`], written out around the changes' JSON as the record keeps
/// it: a page of thousands of changes is neither parsed nor copied into new values.
async fn pull(
    State(shared): State<Shared>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, Refusal> {
    let hub = Arc::clone(&shared.hub);
    let device = authenticated(&hub, &headers).await?;
    let (_permit, body) = heavy_body(&shared, body).await?;
    let request: PullRequest = decode(&body)?;
    let answer = run(&hub, move |hub| {
        let page = hub.pull_raw(
            &device,
            request.cursor,
            request.mark.as_deref(),
            request.limit,
        )?;
        let hub_time =
            serde_json::to_string(&hub.now()).map_err(|e| HubError::storage(e.to_string()))?;
        let size: usize = page.changes.iter().map(|c| c.len() + 1).sum();
        let mut json = String::with_capacity(size + 96);
        json.push_str("{\"changes\":[");
        json.push_str(&page.changes.join(","));
        json.push_str(&format!(
            "],\"cursor\":{},\"mark\":{},\"more\":{},\"refresh\":{},\"hub_time\":{hub_time}}}",
            page.cursor,
            serde_json::to_string(&page.mark).map_err(|e| HubError::storage(e.to_string()))?,
            page.more,
            page.refresh
        ));
        Ok(json)
    })
    .await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        answer,
    )
        .into_response())
}

/// Serves `hub` over HTTPS with the certificate chain and private key in the PEM files
/// `cert` and `key`, until the process is asked to stop (Ctrl-C).
pub async fn serve_tls(
    hub: Arc<Hub>,
    listener: std::net::TcpListener,
    cert: &std::path::Path,
    key: &std::path::Path,
) -> std::io::Result<()> {
    let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key).await?;
    let handle = axum_server::Handle::new();
    let stopping = handle.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        stopping.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    listener.set_nonblocking(true)?;
    axum_server::from_tcp_rustls(listener, config)?
        .handle(handle)
        .serve(router(hub).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .await
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
        let _ = axum::serve(listener, with_addresses(router(hub))).await;
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
