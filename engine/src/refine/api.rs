//! The wire types of the proxy's `POST /api/refine` ([`RefineRequest`], [`RefineResponse`],
//! [`ApiError`]), their limits, and the validation both sides share
//! ([`RefineRequest::validate`], [`validate_picks`]), so the app and the proxy cannot drift
//! apart.

use serde::{Deserialize, Serialize};

#[cfg(test)]
use crate::catalog::Title;
use crate::catalog::{Catalog, Kind};

/// Largest accepted request body, in bytes.
pub const MAX_BODY_BYTES: usize = 32 * 1024;
/// Longest accepted feedback, in characters (Unicode scalar values).
pub const MAX_FEEDBACK_CHARS: usize = 500;
/// Most candidates a request may carry.
pub const MAX_CANDIDATES: usize = 200;
/// Most seed titles a request may carry.
pub const MAX_SEEDS: usize = 20;
/// Most picks a request may ask for.
pub const MAX_K: usize = 50;
/// Picks returned when the request does not say.
pub const DEFAULT_K: usize = 10;
/// Reasons longer than this are cut (an LLM answer is untrusted text).
pub const MAX_REASON_CHARS: usize = 300;
/// Candidate descriptions are cut to this many characters before sending, to keep the
/// body under [`MAX_BODY_BYTES`] with 200 candidates.
pub const DESCRIPTION_CHARS: usize = 90;

/// How long the app waits for `POST /api/refine` before the on-device refiner answers
/// instead, in milliseconds. The one timeout budget of a refinement: the proxy derives its
/// own from it ([`PROXY_BUDGET_MS`]), so its `timeout` error reaches the app in time.
pub const LLM_BUDGET_MS: u64 = 10_000;
/// Head room between the proxy's answer and the app giving up: the request and the answer
/// crossing a slow network, and the proxy reading the request body.
pub const LLM_BUDGET_MARGIN_MS: u64 = 1_500;
/// The proxy's whole budget for one refine request: every upstream attempt, the retry and
/// its backoff. Past it the proxy answers `timeout` while the app is still listening.
pub const PROXY_BUDGET_MS: u64 = LLM_BUDGET_MS - LLM_BUDGET_MARGIN_MS;

fn default_k() -> usize {
    DEFAULT_K
}

/// A title the user started from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedRef {
    /// Catalog id, e.g. `tt4574334`.
    pub id: String,
    /// Display title (context for the model; optional).
    #[serde(default)]
    pub title: String,
}

/// Compact metadata of one candidate the model may pick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateInfo {
    /// Catalog id; the only ids a pick may carry.
    pub id: String,
    /// Display title.
    pub title: String,
    /// Release year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// `"Movie"` or `"Show"`.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// Canonical genre ids (`comedy`, `scifi`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub genres: Vec<String>,
    /// Production countries (ISO 3166-1 alpha-2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    /// Plot summary, cut to [`DESCRIPTION_CHARS`].
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// A few directors and leading cast.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<String>,
}

impl CandidateInfo {
    /// Compact metadata for catalog title `index` (`None` when out of range).
    pub fn from_title(catalog: &Catalog, index: usize) -> Option<CandidateInfo> {
        let t = catalog.titles.get(index)?;
        let people = t
            .directors
            .iter()
            .take(1)
            .chain(t.cast.iter().take(3))
            .map(|&p| catalog.person(p).to_string())
            .filter(|p| !p.is_empty())
            .collect();
        Some(CandidateInfo {
            id: t.id.clone(),
            title: t.title.clone(),
            year: t.year,
            kind: t.kind,
            genres: catalog.genre_names(t).map(str::to_string).collect(),
            countries: t
                .countries
                .iter()
                .filter_map(|&c| catalog.countries.get(c as usize).cloned())
                .collect(),
            description: cut(&t.description, DESCRIPTION_CHARS),
            people,
        })
    }
}

/// Body of `POST /api/refine`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefineRequest {
    /// The titles the list was built from.
    #[serde(default)]
    pub seeds: Vec<SeedRef>,
    /// What the viewer typed (at most [`MAX_FEEDBACK_CHARS`]).
    pub feedback: String,
    /// The titles the model may choose from (at most [`MAX_CANDIDATES`]).
    pub candidates: Vec<CandidateInfo>,
    /// How many picks to return (1..=[`MAX_K`], default [`DEFAULT_K`]).
    #[serde(default = "default_k")]
    pub k: usize,
}

/// Why a [`RefineRequest`] was refused (maps to the `bad_request` error code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// Feedback empty or only whitespace.
    #[error("feedback is empty")]
    EmptyFeedback,
    /// Feedback over [`MAX_FEEDBACK_CHARS`].
    #[error("feedback is longer than {MAX_FEEDBACK_CHARS} characters")]
    FeedbackTooLong,
    /// No candidates, or more than [`MAX_CANDIDATES`].
    #[error("between 1 and {MAX_CANDIDATES} candidates are required")]
    Candidates,
    /// More than [`MAX_SEEDS`] seeds.
    #[error("at most {MAX_SEEDS} seeds are allowed")]
    TooManySeeds,
    /// `k` outside 1..=[`MAX_K`].
    #[error("k must be between 1 and {MAX_K}")]
    BadK,
    /// A candidate without an id, or an id given twice.
    #[error("candidate ids must be non-empty and unique")]
    BadCandidateId,
}

impl RefineRequest {
    /// A request for catalog titles: `seeds` and `candidates` are title indices (unknown
    /// indices are skipped; candidates are capped at [`MAX_CANDIDATES`]).
    pub fn from_catalog(
        catalog: &Catalog,
        seeds: &[usize],
        feedback: &str,
        candidates: &[usize],
        k: usize,
    ) -> RefineRequest {
        RefineRequest {
            seeds: seeds
                .iter()
                .filter_map(|&i| catalog.titles.get(i))
                .take(MAX_SEEDS)
                .map(|t| SeedRef {
                    id: t.id.clone(),
                    title: t.title.clone(),
                })
                .collect(),
            feedback: feedback.chars().take(MAX_FEEDBACK_CHARS).collect(),
            candidates: candidates
                .iter()
                .filter_map(|&i| CandidateInfo::from_title(catalog, i))
                .take(MAX_CANDIDATES)
                .collect(),
            k: k.clamp(1, MAX_K),
        }
        .fit_body_limit()
    }

    /// Shrinks candidate metadata until the JSON body fits [`MAX_BODY_BYTES`] with a margin:
    /// 200 candidates with full descriptions and people do not. Descriptions are cut
    /// first, then people, then descriptions dropped. The size is estimated (field text
    /// plus fixed JSON overhead), so no serializer is needed here.
    fn fit_body_limit(mut self) -> RefineRequest {
        const BUDGET: usize = MAX_BODY_BYTES - 2048;
        let fixed: usize = 200
            + self.feedback.len() * 2
            + self
                .seeds
                .iter()
                .map(|s| s.id.len() + s.title.len() + 24)
                .sum::<usize>();
        let size = |c: &CandidateInfo, desc: usize, people: bool| {
            let base = 60
                + c.id.len()
                + c.title.len() * 2
                + c.genres.iter().map(|g| g.len() + 3).sum::<usize>()
                + c.countries.len() * 5;
            let p = if people {
                20 + c.people.iter().map(|p| p.len() + 3).sum::<usize>()
            } else {
                0
            };
            base + p + if desc > 0 { 18 + desc * 2 } else { 0 }
        };
        let total = |cs: &[CandidateInfo], desc: usize, people: bool| {
            fixed
                + cs.iter()
                    .map(|c| size(c, desc.min(c.description.chars().count()), people))
                    .sum::<usize>()
        };
        for people in [true, false] {
            for desc in [DESCRIPTION_CHARS, 60, 40, 0] {
                if total(&self.candidates, desc, people) <= BUDGET || (!people && desc == 0) {
                    for c in &mut self.candidates {
                        c.description = if desc == 0 {
                            String::new()
                        } else {
                            cut(&c.description, desc)
                        };
                        if !people {
                            c.people.clear();
                        }
                    }
                    return self;
                }
            }
        }
        self
    }

    /// Checks the limits; the proxy refuses a request that fails with `bad_request`.
    pub fn validate(&self) -> Result<(), RequestError> {
        if self.feedback.trim().is_empty() {
            return Err(RequestError::EmptyFeedback);
        }
        if self.feedback.chars().count() > MAX_FEEDBACK_CHARS {
            return Err(RequestError::FeedbackTooLong);
        }
        if self.candidates.is_empty() || self.candidates.len() > MAX_CANDIDATES {
            return Err(RequestError::Candidates);
        }
        if self.seeds.len() > MAX_SEEDS {
            return Err(RequestError::TooManySeeds);
        }
        if self.k == 0 || self.k > MAX_K {
            return Err(RequestError::BadK);
        }
        let mut ids: Vec<&str> = self.candidates.iter().map(|c| c.id.as_str()).collect();
        ids.sort_unstable();
        if ids.first().is_some_and(|id| id.is_empty()) || ids.windows(2).any(|w| w[0] == w[1]) {
            return Err(RequestError::BadCandidateId);
        }
        Ok(())
    }
}

/// One pick as the model wrote it (untrusted: validate with [`validate_picks`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawPick {
    /// Claimed candidate id.
    #[serde(default)]
    pub id: String,
    /// Claimed reason.
    #[serde(default)]
    pub reason: String,
}

/// The JSON object the model is asked to produce: `{"picks":[{"id":..,"reason":..}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawPicks {
    /// Picks in the model's order.
    #[serde(default)]
    pub picks: Vec<RawPick>,
}

/// One validated pick: the id is one of the request's candidates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pick {
    /// Candidate id (always one the request sent).
    pub id: String,
    /// One-sentence reason (plain text, at most [`MAX_REASON_CHARS`]).
    pub reason: String,
}

/// Answer of `POST /api/refine` (HTTP 200).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefineResponse {
    /// Validated picks, best first, at most `k`.
    pub picks: Vec<Pick>,
    /// Model id that answered, e.g. `gemini-2.5-flash`.
    pub model: String,
    /// Wall time spent on the upstream call(s), in milliseconds.
    pub latency_ms: u64,
    /// Picks the model returned that were dropped (unknown id, repeat, over `k`).
    #[serde(default)]
    pub dropped: usize,
}

/// Stable machine-readable error codes of the refine API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No Gemini key configured (503): use the on-device refiner.
    NoKey,
    /// Too many requests from this client (429, `Retry-After` header set).
    RateLimited,
    /// Body over [`MAX_BODY_BYTES`] (413).
    TooLarge,
    /// Malformed JSON or a limit broken (400).
    BadRequest,
    /// Gemini failed, refused, or answered nonsense (502).
    Upstream,
    /// Gemini did not answer in time (504).
    Timeout,
}

impl ErrorCode {
    /// The HTTP status that goes with the code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::NoKey => 503,
            ErrorCode::RateLimited => 429,
            ErrorCode::TooLarge => 413,
            ErrorCode::BadRequest => 400,
            ErrorCode::Upstream => 502,
            ErrorCode::Timeout => 504,
        }
    }
}

/// Error body of every `/api/*` failure: `{"error":{"code":"rate_limited","message":".."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// The error.
    pub error: ErrorDetail,
}

/// Inside [`ApiError`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable code to branch on.
    pub code: ErrorCode,
    /// Human-readable detail (never contains secrets or upstream text).
    pub message: String,
}

impl ApiError {
    /// An error body.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            error: ErrorDetail {
                code,
                message: message.into(),
            },
        }
    }
}

/// Keeps the model's picks that name a candidate, first occurrence only, at most `k`, with
/// reasons cleaned (control characters removed, cut to [`MAX_REASON_CHARS`]). Returns the
/// picks and how many were dropped.
pub fn validate_picks(
    raw: Vec<RawPick>,
    candidates: &[CandidateInfo],
    k: usize,
) -> (Vec<Pick>, usize) {
    let total = raw.len();
    let mut picks: Vec<Pick> = Vec::new();
    for p in raw {
        if picks.len() >= k {
            break;
        }
        let id = p.id.trim();
        if !candidates.iter().any(|c| c.id == id) || picks.iter().any(|q| q.id == id) {
            continue;
        }
        let clean: String = p
            .reason
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        picks.push(Pick {
            id: id.to_string(),
            reason: cut(clean.trim(), MAX_REASON_CHARS),
        });
    }
    let dropped = total - picks.len();
    (picks, dropped)
}

/// First `n` characters of `s`, with an ellipsis when cut.
fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(id: &str) -> CandidateInfo {
        CandidateInfo {
            id: id.into(),
            title: id.into(),
            year: None,
            kind: Kind::Movie,
            genres: vec![],
            countries: vec![],
            description: String::new(),
            people: vec![],
        }
    }

    fn raw(id: &str, reason: &str) -> RawPick {
        RawPick {
            id: id.into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn picks_are_validated() {
        let cands = [cand("a"), cand("b"), cand("c")];
        let (picks, dropped) = validate_picks(
            vec![
                raw("a", "ok"),
                raw("zz", "invented"),
                raw("a", "again"),
                raw(" b ", "line\nbreak"),
                raw("c", "over k"),
            ],
            &cands,
            2,
        );
        assert_eq!(
            picks,
            vec![
                Pick {
                    id: "a".into(),
                    reason: "ok".into()
                },
                Pick {
                    id: "b".into(),
                    reason: "line break".into()
                }
            ]
        );
        assert_eq!(dropped, 3);
    }

    #[test]
    fn request_limits() {
        let mut r = RefineRequest {
            seeds: vec![],
            feedback: "funnier".into(),
            candidates: vec![cand("a")],
            k: 5,
        };
        assert_eq!(r.validate(), Ok(()));
        r.feedback = "x".repeat(MAX_FEEDBACK_CHARS + 1);
        assert_eq!(r.validate(), Err(RequestError::FeedbackTooLong));
        r.feedback = " ".into();
        assert_eq!(r.validate(), Err(RequestError::EmptyFeedback));
        r.feedback = "ok".into();
        r.candidates = vec![cand("a"), cand("a")];
        assert_eq!(r.validate(), Err(RequestError::BadCandidateId));
        r.candidates = vec![cand("a")];
        r.k = 0;
        assert_eq!(r.validate(), Err(RequestError::BadK));
    }

    #[test]
    fn wire_shapes() {
        let e = ApiError::new(ErrorCode::RateLimited, "slow down");
        assert_eq!(
            serde_json::to_string(&e).ok().as_deref(),
            Some(r#"{"error":{"code":"rate_limited","message":"slow down"}}"#)
        );
        let r: RefineRequest = serde_json::from_str(
            r#"{"feedback":"x","candidates":[{"id":"tt1","title":"A","type":"Show"}]}"#,
        )
        .expect("minimal request parses");
        assert_eq!(r.k, DEFAULT_K);
        assert_eq!(r.candidates[0].kind, Kind::Show);
    }

    #[test]
    fn built_requests_fit_the_body_limit() {
        let mut cat = Catalog {
            people: (0..5)
                .map(|i| format!("Person Number {i} Longname"))
                .collect(),
            genres: vec!["comedy".into(), "documentation".into()],
            ..Catalog::default()
        };
        for i in 0..250 {
            cat.titles.push(Title {
                id: format!("tt{i:07}"),
                title: format!("A \"Quoted\" Rather Long Title Number {i}"),
                description: "é".repeat(400),
                genres: vec![0, 1],
                cast: vec![0, 1, 2, 3],
                directors: vec![4],
                ..Title::default()
            });
        }
        let all: Vec<usize> = (0..250).collect();
        let r = RefineRequest::from_catalog(&cat, &[0, 1], &"x".repeat(600), &all, 10);
        assert_eq!(r.candidates.len(), MAX_CANDIDATES);
        assert_eq!(r.feedback.chars().count(), MAX_FEEDBACK_CHARS);
        let bytes = serde_json::to_vec(&r)
            .map(|b| b.len())
            .unwrap_or(usize::MAX);
        assert!(bytes <= MAX_BODY_BYTES, "{bytes} bytes");
        assert_eq!(r.validate(), Ok(()));
    }
}
