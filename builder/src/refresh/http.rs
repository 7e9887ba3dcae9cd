//! A small blocking HTTP client with timeouts, retries and backoff, shared by the fetchers.
//!
//! Retried: connection errors, timeouts, 5xx and 429 (waiting `Retry-After` seconds when
//! the server sends it, capped). Not retried: other 4xx (a wrong key will not get better).

use std::time::Duration;

use anyhow::{bail, Context};

/// Retry and timeout settings.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Attempts per request (1 = no retry).
    pub attempts: u32,
    /// First backoff; doubles per retry.
    pub backoff: Duration,
    /// Longest wait honoured for a `Retry-After`.
    pub max_retry_after: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            timeout: Duration::from_secs(120),
            attempts: 4,
            backoff: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// Netflix answers 403 to clients without a browser-like User-Agent.
pub const USER_AGENT: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

/// A configured client.
pub struct Http {
    client: reqwest::blocking::Client,
    cfg: HttpConfig,
}

impl Http {
    /// Builds the client.
    pub fn new(cfg: HttpConfig) -> anyhow::Result<Self> {
        let client = reqwest::blocking::Client::builder()
            .timeout(cfg.timeout)
            .user_agent(USER_AGENT)
            .build()
            .context("building the HTTP client")?;
        Ok(Http { client, cfg })
    }

    /// GETs `url` with `headers`, retrying as described above; returns the body bytes.
    /// The URL is logged without its query (which may hold an API key).
    pub fn get(&self, url: &str, headers: &[(&str, &str)]) -> anyhow::Result<Vec<u8>> {
        let shown = url.split('?').next().unwrap_or(url);
        let mut wait = self.cfg.backoff;
        let mut last_err = String::new();
        for attempt in 1..=self.cfg.attempts {
            let mut req = self.client.get(url);
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            let retry_after = match req.send() {
                Ok(resp) => {
                    let status = resp.status();
                    if status.is_success() {
                        match resp.bytes() {
                            Ok(b) => return Ok(b.to_vec()),
                            Err(e) => {
                                last_err = format!("reading body: {e}");
                                None
                            }
                        }
                    } else if status.as_u16() == 429 || status.is_server_error() {
                        last_err = format!("HTTP {status}");
                        resp.headers()
                            .get(reqwest::header::RETRY_AFTER)
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| v.trim().parse::<u64>().ok())
                            .map(Duration::from_secs)
                    } else {
                        let body = resp.text().unwrap_or_default();
                        bail!(
                            "GET {shown}: HTTP {status}: {}",
                            body.chars().take(200).collect::<String>()
                        );
                    }
                }
                Err(e) => {
                    last_err = if e.is_timeout() {
                        format!("timed out after {:?}", self.cfg.timeout)
                    } else {
                        e.to_string()
                    };
                    None
                }
            };
            if attempt == self.cfg.attempts {
                break;
            }
            let pause = retry_after
                .map(|d| d.min(self.cfg.max_retry_after))
                .unwrap_or(wait);
            tracing::warn!(url = shown, attempt, error = %last_err, ?pause, "retrying");
            std::thread::sleep(pause);
            wait *= 2;
        }
        bail!(
            "GET {shown}: failed after {} attempts: {last_err}",
            self.cfg.attempts
        )
    }

    /// GETs and parses JSON; a body that is not the expected JSON is an error naming the URL
    /// and the position.
    pub fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        headers: &[(&str, &str)],
    ) -> anyhow::Result<T> {
        let bytes = self.get(url, headers)?;
        let shown = url.split('?').next().unwrap_or(url);
        serde_json::from_slice(&bytes).with_context(|| format!("GET {shown}: unexpected JSON"))
    }
}
