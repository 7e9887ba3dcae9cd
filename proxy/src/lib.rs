//! The proxy: serves the static site (with precompressed files) and the JSON API.
//!
//! API (wire types live in [`engine::refine`] so the app and the proxy share them):
//! - `GET /api/health` → [`Health`].
//! - `POST /api/refine` → [`engine::refine::RefineResponse`], or an
//!   [`engine::refine::ApiError`] with a stable code (`no_key` 503, `rate_limited` 429 with
//!   `Retry-After`, `too_large` 413, `bad_request` 400, `upstream` 502, `timeout` 504).
//! - `GET /config.json` → [`SiteConfig`]: where the app sends refine requests. For static
//!   hosting, put a `config.json` of the same shape next to `index.html` (the refresh
//!   workflow writes one from the `REFINE_URL` variable).
//!
//! The Gemini key is read from `GEMINI_API_KEY`, sent only as the `x-goog-api-key` header,
//! and never logged or returned (see [`ApiKey`]).
//!
//! Hostile clients ([`serve`]): a client must send its whole request head within
//! `--header-timeout-ms` (slowloris, and idle keep-alive connections, are closed), a refine
//! body within `--body-timeout-ms` (else 408 and the connection is closed), and at most
//! `--max-connections` connections are open at once. Past the limit new connections wait
//! in the kernel's accept queue rather than being refused: every slot frees within the
//! header timeout unless its client is really sending requests, so a normal request is
//! answered within about one header timeout even while idle connections hog every slot.
//!
//! Time: one refine request never takes longer than [`engine::refine::PROXY_BUDGET_MS`]
//! (upstream attempts, retry and backoff together), which is shorter than the app's
//! [`engine::refine::LLM_BUDGET_MS`], so the app sees the proxy's `timeout` answer.

#[cfg(feature = "test-util")]
pub mod fake_gemini;
pub mod gemini;
pub mod ratelimit;

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use engine::refine::{
    validate_picks, ApiError, ErrorCode, RefineRequest, RefineResponse, MAX_BODY_BYTES,
    PROXY_BUDGET_MS,
};
use serde::Serialize;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

use crate::gemini::UpstreamError;
use crate::ratelimit::RateLimiter;

/// The Gemini API key. Its `Debug` and `Display` never show the value, so it cannot leak
/// through `{:?}` of the config or a log line.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(key.into())
    }

    /// The secret itself, for the one header that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl std::fmt::Display for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl FromStr for ApiKey {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(ApiKey(s.trim().to_string()))
    }
}

/// Default Gemini endpoint (Gemini Developer API).
pub const DEFAULT_GEMINI_BASE_URL: &str = "https://generativelanguage.googleapis.com";
/// Default model id; models change fast, so it is configurable.
pub const DEFAULT_GEMINI_MODEL: &str = "gemini-2.5-flash";

/// Configuration from flags and environment.
#[derive(Debug, Clone, clap::Parser)]
#[command(version, about)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "PROXY_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Directory of the built site (Trunk's `dist/`).
    #[arg(long, env = "PROXY_SITE", default_value = "dist")]
    pub site: PathBuf,
    /// Gemini API key (environment only in practice; without it refine answers `no_key`).
    #[arg(long, env = "GEMINI_API_KEY", hide_env_values = true, hide = true)]
    pub gemini_api_key: Option<ApiKey>,
    /// Gemini model id.
    #[arg(long, env = "GEMINI_MODEL", default_value = DEFAULT_GEMINI_MODEL)]
    pub gemini_model: String,
    /// Gemini base URL (tests point it at a fake on loopback).
    #[arg(long, env = "GEMINI_BASE_URL", default_value = DEFAULT_GEMINI_BASE_URL)]
    pub gemini_base_url: String,
    /// Upstream timeout per attempt, in milliseconds (never past the request's budget).
    #[arg(long, env = "GEMINI_TIMEOUT_MS", default_value_t = PROXY_BUDGET_MS)]
    pub upstream_timeout_ms: u64,
    /// Wait before the single retry after a 429 or 503, in milliseconds.
    #[arg(long, env = "GEMINI_RETRY_BACKOFF_MS", default_value_t = 1_000)]
    pub retry_backoff_ms: u64,
    /// Whole time one refine request may take, in milliseconds: attempts, retry and
    /// backoff. Capped at `engine::refine::PROXY_BUDGET_MS` so the app hears the answer.
    #[arg(long, env = "PROXY_REFINE_BUDGET_MS", default_value_t = PROXY_BUDGET_MS)]
    pub refine_budget_ms: u64,
    /// Time a client has to send a whole request head (also how long an idle keep-alive
    /// connection stays open), in milliseconds.
    #[arg(long, env = "PROXY_HEADER_TIMEOUT_MS", default_value_t = 10_000)]
    pub header_timeout_ms: u64,
    /// Time a client has to send a whole refine body once its head arrived, in milliseconds.
    #[arg(long, env = "PROXY_BODY_TIMEOUT_MS", default_value_t = 5_000)]
    pub body_timeout_ms: u64,
    /// Most client connections open at once; more wait in the accept queue.
    #[arg(long, env = "PROXY_MAX_CONNECTIONS", default_value_t = 512)]
    pub max_connections: usize,
    /// Refine requests allowed per client per minute (sustained).
    #[arg(long, env = "PROXY_RATE_PER_MINUTE", default_value_t = 20)]
    pub rate_per_minute: u32,
    /// Refine requests a client may send in a burst.
    #[arg(long, env = "PROXY_RATE_BURST", default_value_t = 5)]
    pub rate_burst: u32,
    /// Peers whose `X-Forwarded-For` is believed (comma-separated IPs). Nobody else's is.
    #[arg(long, env = "PROXY_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,
    /// Origins allowed to call the API cross-origin (comma-separated). Empty: same-origin only.
    #[arg(long, env = "PROXY_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
}

impl Config {
    /// Defaults for serving `site`, ignoring flags and environment (tests, the e2e harness).
    pub fn for_site(site: impl AsRef<Path>) -> Config {
        Config {
            addr: "127.0.0.1:8080".into(),
            site: site.as_ref().to_path_buf(),
            gemini_api_key: None,
            gemini_model: DEFAULT_GEMINI_MODEL.into(),
            gemini_base_url: DEFAULT_GEMINI_BASE_URL.into(),
            upstream_timeout_ms: PROXY_BUDGET_MS,
            retry_backoff_ms: 1_000,
            refine_budget_ms: PROXY_BUDGET_MS,
            header_timeout_ms: 10_000,
            body_timeout_ms: 5_000,
            max_connections: 512,
            rate_per_minute: 20,
            rate_burst: 5,
            trusted_proxies: Vec::new(),
            cors_origins: Vec::new(),
        }
    }

    /// The refine budget in force: the configured one, never past
    /// [`engine::refine::PROXY_BUDGET_MS`].
    pub fn refine_budget(&self) -> Duration {
        Duration::from_millis(self.refine_budget_ms.min(PROXY_BUDGET_MS))
    }
}

/// Answer of `GET /api/health`.
#[derive(Debug, Serialize)]
pub struct Health {
    /// Always "ok" when the server answers.
    pub status: &'static str,
    /// Crate version.
    pub version: &'static str,
    /// Whether a Gemini key is configured (so the app knows whether to offer the LLM).
    pub llm: bool,
    /// Configured model id.
    pub model: String,
}

/// Answer of `GET /config.json`: `{"refine_url": "/api/refine", "llm": true}`.
#[derive(Debug, Serialize)]
pub struct SiteConfig {
    /// Where to POST refine requests (relative: same origin as the site).
    pub refine_url: &'static str,
    /// Whether the LLM refiner is available; when false use the on-device refiner.
    pub llm: bool,
}

/// Shared state of the API handlers.
struct AppState {
    config: Config,
    http: reqwest::Client,
    limiter: RateLimiter,
}

/// An API failure, rendered as JSON with its status.
struct Failure {
    code: ErrorCode,
    message: String,
    retry_after: Option<u64>,
    /// A status other than the code's own, and the connection closed after the answer
    /// (a body that did not arrive in time: 408, and the rest of it is never read).
    close_with: Option<StatusCode>,
}

impl Failure {
    fn new(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
            retry_after: None,
            close_with: None,
        }
    }

    fn status(&self) -> u16 {
        self.close_with
            .map(|s| s.as_u16())
            .unwrap_or(self.code.status())
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let close = self.close_with.is_some();
        let mut res = (status, Json(ApiError::new(self.code, self.message))).into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        if close {
            res.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        res
    }
}

async fn health(State(s): State<Arc<AppState>>) -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        llm: s.config.gemini_api_key.is_some(),
        model: s.config.gemini_model.clone(),
    })
}

async fn site_config(State(s): State<Arc<AppState>>) -> Json<SiteConfig> {
    Json(SiteConfig {
        refine_url: "/api/refine",
        llm: s.config.gemini_api_key.is_some(),
    })
}

async fn api_not_found() -> Response {
    let mut res = Failure::new(ErrorCode::BadRequest, "no such API endpoint").into_response();
    *res.status_mut() = StatusCode::NOT_FOUND;
    res
}

/// The client a request counts against: the peer, or — only when the peer is a trusted
/// proxy — the nearest untrusted address in `X-Forwarded-For`.
fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted.contains(ip))
            .unwrap_or(peer),
    )
}

async fn refine(State(s): State<Arc<AppState>>, req: Request) -> Response {
    let started = Instant::now();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = client_ip(peer, req.headers(), &s.config.trusted_proxies);
    let deadline = tokio::time::Instant::from_std(started) + s.config.refine_budget();
    let result = refine_inner(&s, client, req, deadline).await;
    let status = match &result {
        Ok(_) => 200,
        Err(f) => f.status(),
    };
    match &result {
        Ok(r) => tracing::info!(
            client = ?client,
            status,
            picks = r.picks.len(),
            dropped = r.dropped,
            upstream_ms = r.latency_ms,
            total_ms = started.elapsed().as_millis() as u64,
            "refine"
        ),
        Err(f) => tracing::info!(
            client = ?client,
            status,
            code = ?f.code,
            total_ms = started.elapsed().as_millis() as u64,
            "refine failed"
        ),
    }
    match result {
        Ok(r) => Json(r).into_response(),
        Err(f) => f.into_response(),
    }
}

/// Parses a refine request body: JSON of the shared wire type, then every limit of
/// [`RefineRequest::validate`]. The error is the message sent back with `bad_request`. Takes
/// untrusted bytes, so the fuzz harness drives it directly.
pub fn parse_request(bytes: &[u8]) -> Result<RefineRequest, String> {
    let body: RefineRequest =
        serde_json::from_slice(bytes).map_err(|e| format!("invalid JSON: {e}"))?;
    body.validate().map_err(|e| e.to_string())?;
    Ok(body)
}

async fn refine_inner(
    s: &AppState,
    client: Option<IpAddr>,
    req: Request,
    deadline: tokio::time::Instant,
) -> Result<RefineResponse, Failure> {
    // Rate limit first: the cheapest refusal. Requests without a known peer (in-process
    // tests) share one bucket.
    if let Err(wait) = s
        .limiter
        .check(client.unwrap_or(IpAddr::from([0, 0, 0, 0])))
    {
        let mut f = Failure::new(
            ErrorCode::RateLimited,
            "too many refine requests; slow down",
        );
        f.retry_after = Some(wait.as_secs_f64().ceil() as u64);
        return Err(f);
    }
    let too_large = || {
        Failure::new(
            ErrorCode::TooLarge,
            format!("request body over {MAX_BODY_BYTES} bytes"),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    let body_timeout = Duration::from_millis(s.config.body_timeout_ms);
    let bytes = tokio::time::timeout(
        body_timeout,
        axum::body::to_bytes(req.into_body(), MAX_BODY_BYTES),
    )
    .await
    .map_err(|_| {
        let mut f = Failure::new(
            ErrorCode::BadRequest,
            format!(
                "request body not received within {} ms",
                body_timeout.as_millis()
            ),
        );
        f.close_with = Some(StatusCode::REQUEST_TIMEOUT);
        f
    })?
    .map_err(|_| too_large())?;
    let body = parse_request(&bytes).map_err(|e| Failure::new(ErrorCode::BadRequest, e))?;
    let Some(key) = &s.config.gemini_api_key else {
        return Err(Failure::new(
            ErrorCode::NoKey,
            "no Gemini key configured; use the on-device refiner",
        ));
    };
    let t = Instant::now();
    let raw = gemini::generate(&s.http, &s.config, key, &body, deadline)
        .await
        .map_err(|e| {
            let scrubbed = gemini::scrub(&e.to_string(), key);
            tracing::warn!(error = %scrubbed, "gemini call failed");
            match e {
                UpstreamError::Timeout => Failure::new(ErrorCode::Timeout, "the model timed out"),
                UpstreamError::Truncated { .. } => Failure::new(
                    ErrorCode::Upstream,
                    "the model's answer was cut off at its output token limit",
                ),
                UpstreamError::Blocked(_) => {
                    Failure::new(ErrorCode::Upstream, "the model declined to answer")
                }
                UpstreamError::Malformed(_) => {
                    Failure::new(ErrorCode::Upstream, "the model's answer was not valid")
                }
                UpstreamError::Status(code) => Failure::new(
                    ErrorCode::Upstream,
                    format!("the model failed (HTTP {code})"),
                ),
                UpstreamError::Transport(_) => {
                    Failure::new(ErrorCode::Upstream, "the model could not be reached")
                }
            }
        })?;
    let latency_ms = t.elapsed().as_millis() as u64;
    // Reasons are untrusted model text: scrub the key in case a prompt injection made the
    // model echo anything it was given.
    let raw = raw
        .picks
        .into_iter()
        .map(|mut p| {
            p.reason = gemini::scrub(&p.reason, key);
            p.id = gemini::scrub(&p.id, key);
            p
        })
        .collect();
    let (picks, dropped) = validate_picks(raw, &body.candidates, body.k);
    if picks.is_empty() {
        return Err(Failure::new(
            ErrorCode::Upstream,
            "the model picked no valid candidates",
        ));
    }
    Ok(RefineResponse {
        picks,
        model: s.config.gemini_model.clone(),
        latency_ms,
        dropped,
    })
}

fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim().trim_end_matches('/')).ok())
        .collect();
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
            .allow_headers([header::CONTENT_TYPE])
            .expose_headers([header::RETRY_AFTER])
            .max_age(Duration::from_secs(600)),
    )
}

/// The static site: files as they are, plus the single-page-app fallback.
#[derive(Clone)]
struct Site {
    /// Plain files; a missing one is a 404.
    files: ServeDir,
    /// Files, falling back to `index.html` for unknown paths.
    spa: ServeDir<ServeFile>,
}

/// Serves the site. Only navigation paths (no dot in the last segment, like `/title/tt123`)
/// fall back to `index.html`; a missing asset such as `public/bundle.bin` is a real 404, so
/// the app can say the catalog is missing instead of choking on an HTML page.
async fn serve_site(State(site): State<Site>, req: Request) -> Response {
    use tower::ServiceExt;
    let looks_like_file = req
        .uri()
        .path()
        .rsplit('/')
        .next()
        .is_some_and(|segment| segment.contains('.'));
    let result = if looks_like_file {
        site.files
            .oneshot(req)
            .await
            .map(|r| r.map(axum::body::Body::new))
    } else {
        site.spa
            .oneshot(req)
            .await
            .map(|r| r.map(axum::body::Body::new))
    };
    match result {
        Ok(resp) => resp,
        Err(never) => match never {},
    }
}

/// Builds the router: `/api/*` and `/config.json` plus the static site, falling back to
/// `index.html` so deep links into the single-page app load.
pub fn router(config: &Config) -> Router {
    let index = config.site.join("index.html");
    let files = ServeDir::new(&config.site)
        .precompressed_br()
        .precompressed_gzip();
    let site = Site {
        spa: files.clone().fallback(
            ServeFile::new(index)
                .precompressed_br()
                .precompressed_gzip(),
        ),
        files,
    };
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .build()
        .unwrap_or_default();
    let state = Arc::new(AppState {
        limiter: RateLimiter::new(config.rate_per_minute, config.rate_burst),
        config: config.clone(),
        http,
    });
    let mut api = Router::new()
        .route("/api/health", get(health))
        .route("/api/refine", post(refine))
        .route("/api/{*rest}", any(api_not_found))
        .route("/config.json", get(site_config))
        .with_state(state);
    if let Some(cors) = cors_layer(&config.cors_origins) {
        api = api.layer(cors);
    }
    api.fallback_service(axum::routing::any(serve_site).with_state(site))
        .layer(TraceLayer::new_for_http())
}

/// Serves [`router`] on `listener` until `shutdown` resolves, with the hostile-client limits
/// of `config`: a request head must arrive within `header_timeout_ms` (hyper closes the
/// connection otherwise, idle keep-alive ones included), and at most `max_connections` are
/// open at once. At the limit the loop stops accepting, so further connections queue in the
/// kernel and are served as slots free up, instead of each costing a task and a buffer.
///
/// HTTP/1.1 only: HTTP/2 detection reads the preface before any timeout applies, and the
/// app, browsers and reverse proxies in front of this server all speak HTTP/1.1 to it.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: &Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;

    let app = router(config);
    let slots = Arc::new(tokio::sync::Semaphore::new(config.max_connections.max(1)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(Duration::from_millis(config.header_timeout_ms.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<_>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(req.map(axum::body::Body::new))
        });
        let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection closed with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    // Requests in flight get to finish, within one refine budget.
    let _ = tokio::time::timeout(config.refine_budget(), graceful.shutdown()).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_never_formats() {
        let mut c = Config::for_site("dist");
        c.gemini_api_key = Some(ApiKey::new("sekrit-123"));
        assert!(!format!("{c:?}").contains("sekrit"));
        assert!(!format!("{}", ApiKey::new("sekrit")).contains("sekrit"));
    }

    #[test]
    fn forwarded_for_only_from_trusted() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let client: IpAddr = "203.0.113.7".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("198.51.100.1, 203.0.113.7"),
        );
        assert_eq!(client_ip(Some(proxy), &h, &[]), Some(proxy));
        assert_eq!(client_ip(Some(proxy), &h, &[proxy]), Some(client));
        assert_eq!(client_ip(None, &h, &[proxy]), None);
    }
}
