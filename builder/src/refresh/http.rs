//! A small blocking HTTP client with timeouts, retries and backoff, shared by the fetchers.
//!
//! Retried: connection errors, timeouts, 5xx and 429 (waiting `Retry-After` seconds when
//! the server sends it, capped). Not retried: other 4xx (a wrong key will not get better).
//!
//! Every error this client keeps or logs is free of URLs and secrets: reqwest's own error
//! text carries the full request URL (the YouTube key travels in the query string), so it
//! is dropped and replaced by [`shown_url`] (scheme, host and path only); any remaining
//! `http(s)://` text is cut, and the values given to [`Http::hiding`] are redacted.

use std::io::Read;
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
    /// Largest response body accepted, in bytes: a larger one is refused, not buffered.
    pub max_body: u64,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            timeout: Duration::from_secs(120),
            attempts: 4,
            backoff: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(120),
            // The per-country Top 10 is ~30 MB; no source comes near this.
            max_body: 512 << 20,
        }
    }
}

/// Netflix answers 403 to clients without a browser-like User-Agent.
pub const USER_AGENT: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

/// Secrets shorter than this are not redacted: no real key is that short, and replacing
/// every one-letter "key" a test uses would garble the messages themselves.
const MIN_SECRET_LEN: usize = 6;

/// What replaces a secret in a message.
pub const REDACTED: &str = "[redacted]";

/// A configured client.
pub struct Http {
    client: reqwest::blocking::Client,
    cfg: HttpConfig,
    secrets: Vec<String>,
}

impl Http {
    /// Builds the client.
    pub fn new(cfg: HttpConfig) -> anyhow::Result<Self> {
        let client = reqwest::blocking::Client::builder()
            .timeout(cfg.timeout)
            .user_agent(USER_AGENT)
            .build()
            .context("building the HTTP client")?;
        Ok(Http {
            client,
            cfg,
            secrets: Vec::new(),
        })
    }

    /// Redacts these values from every error and log line this client produces.
    pub fn hiding(mut self, secrets: impl IntoIterator<Item = String>) -> Self {
        self.secrets.extend(secrets);
        self
    }

    /// `text` with every secret given to [`Http::hiding`] replaced by [`REDACTED`].
    pub fn redact(&self, text: &str) -> String {
        redact(text, &self.secrets)
    }

    /// GETs `url` with `headers`, retrying as described above; returns the body bytes.
    pub fn get(&self, url: &str, headers: &[(&str, &str)]) -> anyhow::Result<Vec<u8>> {
        self.get_as(url, headers, None)
    }

    /// [`Http::get`] with HTTP basic authentication (`user`, `password`) when given.
    /// Redirects are followed; reqwest drops the `Authorization` header when a redirect
    /// leaves the origin, so a storage host never sees the credentials.
    pub fn get_as(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        basic: Option<(&str, &str)>,
    ) -> anyhow::Result<Vec<u8>> {
        let shown = self.redact(&shown_url(url));
        let mut wait = self.cfg.backoff;
        let mut last_err = String::new();
        for attempt in 1..=self.cfg.attempts {
            let mut req = self.client.get(url);
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            if let Some((user, password)) = basic {
                req = req.basic_auth(user, Some(password));
            }
            let retry_after = match req.send() {
                Ok(resp) => {
                    let status = resp.status();
                    if status.is_success() {
                        match self.read_body(resp) {
                            Ok(b) => return Ok(b),
                            Err(BodyError::TooLarge(n)) => bail!(
                                "GET {shown}: response larger than {} bytes ({n}), refused",
                                self.cfg.max_body
                            ),
                            Err(BodyError::Broken(e)) => {
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
                        let mut body = String::new();
                        let _ = resp.take(4096).read_to_string(&mut body);
                        let body = super::one_line(&body);
                        let body: String = body.chars().take(200).collect();
                        bail!(
                            "GET {shown}: HTTP {status}: {}",
                            self.redact(&strip_urls(&body))
                        );
                    }
                }
                Err(e) => {
                    last_err = if e.is_timeout() {
                        format!("timed out after {:?}", self.cfg.timeout)
                    } else {
                        describe(e)
                    };
                    None
                }
            };
            last_err = self.redact(&last_err);
            if attempt == self.cfg.attempts {
                break;
            }
            let pause = retry_after
                .map(|d| d.min(self.cfg.max_retry_after))
                .unwrap_or(wait);
            tracing::warn!(url = %shown, attempt, error = %last_err, ?pause, "retrying");
            std::thread::sleep(pause);
            wait *= 2;
        }
        bail!(
            "GET {shown}: failed after {} attempts: {last_err}",
            self.cfg.attempts
        )
    }

    /// Reads a successful body, refusing one over the size limit before buffering it all.
    fn read_body(&self, resp: reqwest::blocking::Response) -> Result<Vec<u8>, BodyError> {
        let max = self.cfg.max_body;
        if let Some(n) = resp.content_length().filter(|&n| n > max) {
            return Err(BodyError::TooLarge(n.to_string()));
        }
        let mut buf = Vec::new();
        match resp.take(max.saturating_add(1)).read_to_end(&mut buf) {
            Ok(_) if buf.len() as u64 > max => Err(BodyError::TooLarge("more".into())),
            Ok(_) => Ok(buf),
            Err(e) => Err(BodyError::Broken(describe_io(e))),
        }
    }

    /// GETs and parses JSON; a body that is not the expected JSON is an error naming the URL
    /// and the position.
    pub fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        headers: &[(&str, &str)],
    ) -> anyhow::Result<T> {
        let bytes = self.get(url, headers)?;
        let shown = self.redact(&shown_url(url));
        serde_json::from_slice(&bytes).with_context(|| format!("GET {shown}: unexpected JSON"))
    }
}

enum BodyError {
    TooLarge(String),
    Broken(String),
}

/// A URL as errors and logs may show it: scheme, host, port and path; no user, password,
/// query or fragment (any of which may hold a key).
pub fn shown_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            u.set_query(None);
            u.set_fragment(None);
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        // Not a URL reqwest could have sent to; show nothing of it.
        Err(_) => "<invalid URL>".into(),
    }
}

/// A reqwest error's text without its URL: the error itself (URL removed) and its causes.
fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut out = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    strip_urls(&out)
}

/// An I/O error from reading a blocking body wraps the reqwest error, URL and all.
fn describe_io(e: std::io::Error) -> String {
    let kind = e.kind();
    match e.into_inner() {
        Some(inner) => match inner.downcast::<reqwest::Error>() {
            Ok(re) => describe(*re),
            Err(other) => strip_urls(&other.to_string()),
        },
        None => kind.to_string(),
    }
}

/// Cuts every `http://` or `https://` run from `text`, so no URL (nor its query) that a
/// library put into a message survives.
pub fn strip_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let at = [rest.find("http://"), rest.find("https://")]
            .into_iter()
            .flatten()
            .min();
        let Some(at) = at else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        out.push_str("<url>");
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '>' | ','))
            .unwrap_or(tail.len());
        rest = &tail[end..];
    }
}

/// `text` with every secret of [`MIN_SECRET_LEN`] or more characters replaced by
/// [`REDACTED`], also in its percent-encoded form (as a query string carries it).
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_owned();
    for s in secrets.iter().filter(|s| s.len() >= MIN_SECRET_LEN) {
        out = out.replace(s.as_str(), REDACTED);
        let encoded = percent_encode(s);
        if encoded != *s {
            out = out.replace(&encoded, REDACTED);
        }
    }
    out
}

/// What RFC 3986 leaves unencoded in a query value: letters, digits and `-_.~`.
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn percent_encode(v: &str) -> String {
    percent_encoding::utf8_percent_encode(v, UNRESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_url_drops_query_and_credentials() {
        assert_eq!(
            shown_url("https://user:pw@example.com:8443/a/b?key=SECRET#frag"),
            "https://example.com:8443/a/b"
        );
        assert_eq!(shown_url("not a url?key=SECRET"), "<invalid URL>");
    }

    #[test]
    fn strip_urls_cuts_every_url() {
        assert_eq!(
            strip_urls("error sending request for url (http://h/p?key=S): closed"),
            "error sending request for url (<url>): closed"
        );
        assert_eq!(
            strip_urls("a https://x/y?k=1 b http://z"),
            "a <url> b <url>"
        );
        assert_eq!(strip_urls("no link"), "no link");
    }

    #[test]
    fn percent_encode_keeps_only_unreserved_characters() {
        assert_eq!(percent_encode("aZ09-_.~"), "aZ09-_.~");
        assert_eq!(percent_encode("a b/c+d&é"), "a%20b%2Fc%2Bd%26%C3%A9");
    }

    #[test]
    fn redact_hides_plain_and_encoded_secrets_but_not_short_ones() {
        let secrets = vec!["abc/def+123".to_owned(), "k".to_owned()];
        assert_eq!(
            redact("x abc/def+123 y abc%2Fdef%2B123 kk", &secrets),
            "x [redacted] y [redacted] kk"
        );
    }
}
