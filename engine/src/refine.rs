//! Refining a recommendation list from free-text feedback ("lighter, funnier, nothing with
//! zombies, something Korean, like the ones with Ryan Reynolds").
//!
//! Two halves, both without I/O:
//! - the *on-device refiner*: [`parse_feedback`] turns the text into [`Constraint`]s (each
//!   shown back to the user via [`Constraint::describe`]) and [`rerank`] re-orders the
//!   engine's candidates by them. It needs no LLM and can only ever return catalog titles.
//! - the *wire types* of the proxy's `POST /api/refine` ([`RefineRequest`],
//!   [`RefineResponse`], [`ApiError`]) and the validation both sides share
//!   ([`RefineRequest::validate`], [`validate_picks`]), so the app and the proxy cannot
//!   drift apart.

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Kind, Title};
use crate::model::Model;
use crate::normalize::fold;
use crate::recommend::{recommend, target_kind, Query};
use crate::search::{Hit, SearchIndex};

// ---------------------------------------------------------------------------------------
// Wire types for POST /api/refine
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// On-device refiner
// ---------------------------------------------------------------------------------------

/// Length preferences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Length {
    /// Films up to 100 minutes, series of at most two seasons.
    Short,
    /// Films of 130 minutes or more, series of three seasons or more.
    Long,
    /// A series with a single season.
    Miniseries,
    /// Runtime at most this many minutes.
    MaxMinutes(u16),
}

/// One thing the viewer asked for, understood from the feedback text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Constraint {
    /// Favour (or with `avoid`, drop) titles of a canonical genre.
    Genre {
        /// Canonical genre id.
        genre: String,
        /// True for "no horror".
        avoid: bool,
    },
    /// Lighter (comedy, family, animation, romance) or darker (horror, thriller, crime, war).
    Tone {
        /// True for lighter.
        light: bool,
    },
    /// Titles based on real events: documentaries, history, "true story" plots.
    TrueStory {
        /// True for "no true stories".
        avoid: bool,
    },
    /// Favour (or drop) titles with this person in the cast or directing.
    Person {
        /// Index into `catalog.people`.
        person: u32,
        /// Display name.
        name: String,
        /// True for "nothing with X".
        avoid: bool,
    },
    /// Only films or only series.
    Kind {
        /// The wanted kind.
        kind: Kind,
    },
    /// Release years, inclusive at both ends.
    Era {
        /// First year, if bounded.
        from: Option<u16>,
        /// Last year, if bounded.
        to: Option<u16>,
    },
    /// Production country (a stand-in for language: the catalog has no language field).
    Country {
        /// ISO 3166-1 alpha-2 codes that count.
        codes: Vec<String>,
        /// Display label, e.g. "Korean".
        label: String,
        /// True for "nothing Korean".
        avoid: bool,
    },
    /// Runtime or season count.
    Length(Length),
    /// More like this catalog title (scored with the model's similarity).
    LikeTitle {
        /// Index into `catalog.titles`.
        index: usize,
        /// Display title.
        title: String,
    },
    /// A word to find (or avoid) in the title or plot, e.g. "zombies".
    Keyword {
        /// The word as typed (folded).
        word: String,
        /// The stem matched against folded plot words (prefix match).
        stem: String,
        /// True for "nothing with zombies".
        avoid: bool,
    },
}

impl Constraint {
    /// A short human-readable description, shown back to the viewer.
    pub fn describe(&self) -> String {
        match self {
            Constraint::Genre { genre, avoid } => {
                if *avoid {
                    format!("no {}", genre_label(genre))
                } else {
                    format!("more {}", genre_label(genre))
                }
            }
            Constraint::Tone { light: true } => "lighter in tone".into(),
            Constraint::Tone { light: false } => "darker in tone".into(),
            Constraint::TrueStory { avoid: false } => "based on real events".into(),
            Constraint::TrueStory { avoid: true } => "no true stories".into(),
            Constraint::Person { name, avoid, .. } => {
                if *avoid {
                    format!("nothing with {name}")
                } else {
                    format!("with {name}")
                }
            }
            Constraint::Kind { kind: Kind::Movie } => "films only".into(),
            Constraint::Kind { kind: Kind::Show } => "series only".into(),
            Constraint::Era { from, to } => match (from, to) {
                (Some(a), Some(b)) => format!("released {a}–{b}"),
                (Some(a), None) => format!("released {a} or later"),
                (None, Some(b)) => format!("released {b} or earlier"),
                (None, None) => "any year".into(),
            },
            Constraint::Country { label, avoid, .. } => {
                if *avoid {
                    format!("nothing {label}")
                } else {
                    label.clone()
                }
            }
            Constraint::Length(Length::Short) => "shorter".into(),
            Constraint::Length(Length::Long) => "longer".into(),
            Constraint::Length(Length::Miniseries) => "a miniseries".into(),
            Constraint::Length(Length::MaxMinutes(m)) => format!("under {m} minutes"),
            Constraint::LikeTitle { title, .. } => format!("more like {title}"),
            Constraint::Keyword { word, avoid, .. } => {
                if *avoid {
                    format!("no {word}")
                } else {
                    format!("about {word}")
                }
            }
        }
    }

    /// The same constraint, negated where negation means something ("no horror").
    /// `None` when negation makes no sense (e.g. "not like X").
    fn negate(self) -> Option<Constraint> {
        Some(match self {
            Constraint::Genre { genre, avoid } => Constraint::Genre {
                genre,
                avoid: !avoid,
            },
            Constraint::Tone { light } => Constraint::Tone { light: !light },
            Constraint::TrueStory { avoid } => Constraint::TrueStory { avoid: !avoid },
            Constraint::Person {
                person,
                name,
                avoid,
            } => Constraint::Person {
                person,
                name,
                avoid: !avoid,
            },
            Constraint::Kind { kind } => Constraint::Kind {
                kind: match kind {
                    Kind::Movie => Kind::Show,
                    Kind::Show => Kind::Movie,
                },
            },
            Constraint::Country {
                codes,
                label,
                avoid,
            } => Constraint::Country {
                codes,
                label,
                avoid: !avoid,
            },
            Constraint::Length(Length::Short) => Constraint::Length(Length::Long),
            Constraint::Length(Length::Long) => Constraint::Length(Length::Short),
            Constraint::Keyword { word, stem, avoid } => Constraint::Keyword {
                word,
                stem,
                avoid: !avoid,
            },
            Constraint::Era { .. } | Constraint::Length(_) | Constraint::LikeTitle { .. } => {
                return None
            }
        })
    }
}

/// Descriptions of all constraints, in order.
pub fn describe(constraints: &[Constraint]) -> Vec<String> {
    constraints.iter().map(Constraint::describe).collect()
}

fn genre_label(g: &str) -> &str {
    match g {
        "action" => "action",
        "animation" => "animation",
        "comedy" => "comedy",
        "crime" => "crime",
        "documentation" => "documentaries",
        "drama" => "drama",
        "european" => "European titles",
        "family" => "family titles",
        "fantasy" => "fantasy",
        "history" => "history",
        "horror" => "horror",
        "music" => "music",
        "reality" => "reality TV",
        "romance" => "romance",
        "scifi" => "sci-fi",
        "sport" => "sport",
        "thriller" => "thrillers",
        "war" => "war",
        "western" => "westerns",
        other => other,
    }
}

/// What a lexicon phrase means.
#[derive(Debug, Clone, Copy)]
enum Effect {
    Genre(&'static str),
    Genres(&'static [&'static str]),
    Tone(bool),
    TrueStory,
    Kind(Kind),
    Recent,
    Older,
    Country(&'static [&'static str], &'static str),
    CountryAndGenre(&'static [&'static str], &'static str, &'static str),
    Length(Length),
    /// Known filler that must not become a keyword ("show me", "too").
    Ignore,
}

/// Everyday phrases (folded) and what they mean. Multi-word phrases are matched before
/// their parts, so "limited series" wins over "series".
const LEXICON: &[(&str, Effect)] = {
    use Effect::*;
    &[
        // Verbs and filler that look like keywords.
        ("show me", Ignore),
        ("show us", Ignore),
        ("give me", Ignore),
        ("too", Ignore),
        ("very", Ignore),
        ("so", Ignore),
        // Genres, with everyday words.
        ("funny", Genre("comedy")),
        ("funnier", Genre("comedy")),
        ("comedy", Genre("comedy")),
        ("comedies", Genre("comedy")),
        ("comedic", Genre("comedy")),
        ("hilarious", Genre("comedy")),
        ("laugh", Genre("comedy")),
        ("laughs", Genre("comedy")),
        ("humor", Genre("comedy")),
        ("humour", Genre("comedy")),
        ("humorous", Genre("comedy")),
        ("sitcom", Genre("comedy")),
        ("sitcoms", Genre("comedy")),
        ("stand up", Genre("comedy")),
        ("standup", Genre("comedy")),
        ("witty", Genre("comedy")),
        ("silly", Genre("comedy")),
        ("goofy", Genre("comedy")),
        ("romcom", Genres(&["romance", "comedy"])),
        ("rom com", Genres(&["romance", "comedy"])),
        ("romcoms", Genres(&["romance", "comedy"])),
        ("romantic comedy", Genres(&["romance", "comedy"])),
        ("romantic", Genre("romance")),
        ("romance", Genre("romance")),
        ("love story", Genre("romance")),
        ("love stories", Genre("romance")),
        ("scary", Genre("horror")),
        ("scarier", Genre("horror")),
        ("horror", Genre("horror")),
        ("spooky", Genre("horror")),
        ("creepy", Genre("horror")),
        ("frightening", Genre("horror")),
        ("terrifying", Genre("horror")),
        ("slasher", Genre("horror")),
        ("gore", Genre("horror")),
        ("gory", Genre("horror")),
        ("jump scares", Genre("horror")),
        ("action", Genre("action")),
        ("explosions", Genre("action")),
        ("martial arts", Genre("action")),
        ("kung fu", Genre("action")),
        ("superhero", Genre("action")),
        ("superheroes", Genre("action")),
        ("adrenaline", Genre("action")),
        ("animated", Genre("animation")),
        ("animation", Genre("animation")),
        ("cartoon", Genre("animation")),
        ("cartoons", Genre("animation")),
        ("anime", CountryAndGenre(&["JP"], "Japanese", "animation")),
        ("true crime", Genres(&["crime", "documentation"])),
        ("crime", Genre("crime")),
        ("heist", Genre("crime")),
        ("heists", Genre("crime")),
        ("gangster", Genre("crime")),
        ("gangsters", Genre("crime")),
        ("mafia", Genre("crime")),
        ("detective", Genre("crime")),
        ("detectives", Genre("crime")),
        ("whodunit", Genre("crime")),
        ("documentary", Genre("documentation")),
        ("documentaries", Genre("documentation")),
        ("docuseries", Genre("documentation")),
        ("docs", Genre("documentation")),
        ("nonfiction", Genre("documentation")),
        ("non fiction", Genre("documentation")),
        ("drama", Genre("drama")),
        ("dramas", Genre("drama")),
        ("dramatic", Genre("drama")),
        ("tearjerker", Genre("drama")),
        ("european", Genre("european")),
        ("family", Genre("family")),
        ("kids", Genre("family")),
        ("children", Genre("family")),
        ("family friendly", Genre("family")),
        ("kid friendly", Genre("family")),
        ("fantasy", Genre("fantasy")),
        ("magic", Genre("fantasy")),
        ("magical", Genre("fantasy")),
        ("wizards", Genre("fantasy")),
        ("dragons", Genre("fantasy")),
        ("fairy tale", Genre("fantasy")),
        ("history", Genre("history")),
        ("historical", Genre("history")),
        ("period piece", Genre("history")),
        ("period drama", Genres(&["history", "drama"])),
        ("costume drama", Genres(&["history", "drama"])),
        ("music", Genre("music")),
        ("musical", Genre("music")),
        ("musicals", Genre("music")),
        ("concert", Genre("music")),
        ("reality", Genre("reality")),
        ("reality tv", Genre("reality")),
        ("dating show", Genre("reality")),
        ("cooking show", Genre("reality")),
        ("sci fi", Genre("scifi")),
        ("scifi", Genre("scifi")),
        ("science fiction", Genre("scifi")),
        ("space", Genre("scifi")),
        ("futuristic", Genre("scifi")),
        ("aliens", Genre("scifi")),
        ("robots", Genre("scifi")),
        ("dystopian", Genre("scifi")),
        ("time travel", Genre("scifi")),
        ("sport", Genre("sport")),
        ("sports", Genre("sport")),
        ("football", Genre("sport")),
        ("soccer", Genre("sport")),
        ("basketball", Genre("sport")),
        ("boxing", Genre("sport")),
        ("thriller", Genre("thriller")),
        ("thrillers", Genre("thriller")),
        ("suspense", Genre("thriller")),
        ("suspenseful", Genre("thriller")),
        ("mystery", Genre("thriller")),
        ("mysteries", Genre("thriller")),
        ("edge of my seat", Genre("thriller")),
        ("psychological", Genre("thriller")),
        ("war", Genre("war")),
        ("wwii", Genre("war")),
        ("ww2", Genre("war")),
        ("world war", Genre("war")),
        ("military", Genre("war")),
        ("western", Genre("western")),
        ("westerns", Genre("western")),
        ("cowboy", Genre("western")),
        ("cowboys", Genre("western")),
        // Tone.
        ("light", Tone(true)),
        ("lighter", Tone(true)),
        ("lighthearted", Tone(true)),
        ("light hearted", Tone(true)),
        ("easy watching", Tone(true)),
        ("easy watch", Tone(true)),
        ("fun", Tone(true)),
        ("upbeat", Tone(true)),
        ("cheerful", Tone(true)),
        ("happy", Tone(true)),
        ("uplifting", Tone(true)),
        ("feel good", Tone(true)),
        ("feelgood", Tone(true)),
        ("wholesome", Tone(true)),
        ("heartwarming", Tone(true)),
        ("cozy", Tone(true)),
        ("cosy", Tone(true)),
        ("comforting", Tone(true)),
        ("dark", Tone(false)),
        ("darker", Tone(false)),
        ("gritty", Tone(false)),
        ("grittier", Tone(false)),
        ("bleak", Tone(false)),
        ("heavy", Tone(false)),
        ("grim", Tone(false)),
        ("disturbing", Tone(false)),
        ("intense", Tone(false)),
        ("brutal", Tone(false)),
        ("depressing", Tone(false)),
        ("edgy", Tone(false)),
        // Real events.
        ("true story", TrueStory),
        ("true stories", TrueStory),
        ("based on a true story", TrueStory),
        ("real events", TrueStory),
        ("true events", TrueStory),
        ("real life", TrueStory),
        ("biopic", TrueStory),
        ("biopics", TrueStory),
        ("biographical", TrueStory),
        // Kind and length.
        ("miniseries", Length(self::Length::Miniseries)),
        ("mini series", Length(self::Length::Miniseries)),
        ("limited series", Length(self::Length::Miniseries)),
        ("series", Kind(self::Kind::Show)),
        ("a series", Kind(self::Kind::Show)),
        ("show", Kind(self::Kind::Show)),
        ("shows", Kind(self::Kind::Show)),
        ("tv show", Kind(self::Kind::Show)),
        ("tv shows", Kind(self::Kind::Show)),
        ("tv series", Kind(self::Kind::Show)),
        ("something to binge", Kind(self::Kind::Show)),
        ("film", Kind(self::Kind::Movie)),
        ("films", Kind(self::Kind::Movie)),
        ("movie", Kind(self::Kind::Movie)),
        ("movies", Kind(self::Kind::Movie)),
        ("flick", Kind(self::Kind::Movie)),
        ("flicks", Kind(self::Kind::Movie)),
        ("short", Length(self::Length::Short)),
        ("shorter", Length(self::Length::Short)),
        ("quick", Length(self::Length::Short)),
        ("quick watch", Length(self::Length::Short)),
        ("bite sized", Length(self::Length::Short)),
        ("long", Length(self::Length::Long)),
        ("longer", Length(self::Length::Long)),
        ("epic", Length(self::Length::Long)),
        ("lengthy", Length(self::Length::Long)),
        ("lots of seasons", Length(self::Length::Long)),
        ("many seasons", Length(self::Length::Long)),
        ("long running", Length(self::Length::Long)),
        // Era.
        ("recent", Recent),
        ("newer", Recent),
        ("newest", Recent),
        ("latest", Recent),
        ("new", Recent),
        ("modern", Recent),
        ("brand new", Recent),
        ("old", Older),
        ("older", Older),
        ("classic", Older),
        ("classics", Older),
        ("vintage", Older),
        ("retro", Older),
        ("old school", Older),
        // Countries standing in for languages.
        ("korean", Country(&["KR"], "Korean")),
        ("korea", Country(&["KR"], "Korean")),
        ("kdrama", CountryAndGenre(&["KR"], "Korean", "drama")),
        ("k drama", CountryAndGenre(&["KR"], "Korean", "drama")),
        ("kdramas", CountryAndGenre(&["KR"], "Korean", "drama")),
        ("japanese", Country(&["JP"], "Japanese")),
        ("japan", Country(&["JP"], "Japanese")),
        (
            "spanish",
            Country(
                &["ES", "MX", "AR", "CO", "CL", "PE", "VE", "UY"],
                "Spanish-language",
            ),
        ),
        (
            "in spanish",
            Country(
                &["ES", "MX", "AR", "CO", "CL", "PE", "VE", "UY"],
                "Spanish-language",
            ),
        ),
        ("spain", Country(&["ES"], "from Spain")),
        (
            "latin american",
            Country(
                &["MX", "AR", "CO", "CL", "PE", "VE", "UY", "BR"],
                "Latin American",
            ),
        ),
        ("mexican", Country(&["MX"], "Mexican")),
        ("argentinian", Country(&["AR"], "Argentinian")),
        ("colombian", Country(&["CO"], "Colombian")),
        ("brazilian", Country(&["BR"], "Brazilian")),
        ("portuguese", Country(&["BR", "PT"], "Portuguese-language")),
        ("british", Country(&["GB"], "British")),
        ("uk", Country(&["GB"], "British")),
        ("english", Country(&["GB"], "British")),
        ("scottish", Country(&["GB"], "British")),
        ("irish", Country(&["IE"], "Irish")),
        ("american", Country(&["US"], "American")),
        ("hollywood", Country(&["US"], "American")),
        ("french", Country(&["FR"], "French")),
        ("german", Country(&["DE"], "German")),
        ("italian", Country(&["IT"], "Italian")),
        ("indian", Country(&["IN"], "Indian")),
        ("bollywood", Country(&["IN"], "Indian")),
        ("hindi", Country(&["IN"], "Indian")),
        ("chinese", Country(&["CN", "HK", "TW"], "Chinese-language")),
        ("mandarin", Country(&["CN", "TW"], "Chinese-language")),
        ("cantonese", Country(&["HK"], "Cantonese")),
        ("turkish", Country(&["TR"], "Turkish")),
        ("thai", Country(&["TH"], "Thai")),
        ("filipino", Country(&["PH"], "Filipino")),
        ("indonesian", Country(&["ID"], "Indonesian")),
        ("nigerian", Country(&["NG"], "Nigerian")),
        ("nollywood", Country(&["NG"], "Nigerian")),
        ("egyptian", Country(&["EG"], "Egyptian")),
        (
            "arabic",
            Country(
                &["EG", "SA", "AE", "LB", "JO", "KW", "SY"],
                "Arabic-language",
            ),
        ),
        ("polish", Country(&["PL"], "Polish")),
        ("dutch", Country(&["NL", "BE"], "Dutch")),
        ("swedish", Country(&["SE"], "Swedish")),
        ("norwegian", Country(&["NO"], "Norwegian")),
        ("danish", Country(&["DK"], "Danish")),
        ("nordic", Country(&["SE", "NO", "DK", "FI", "IS"], "Nordic")),
        ("scandinavian", Country(&["SE", "NO", "DK"], "Scandinavian")),
        ("australian", Country(&["AU"], "Australian")),
        ("canadian", Country(&["CA"], "Canadian")),
        ("russian", Country(&["RU"], "Russian")),
        ("israeli", Country(&["IL"], "Israeli")),
        (
            "asian",
            Country(
                &["KR", "JP", "CN", "HK", "TW", "TH", "IN", "PH", "ID"],
                "Asian",
            ),
        ),
    ]
};

/// Words that turn the rest of their clause negative.
const NEGATORS: &[&str] = &[
    "no",
    "not",
    "nothing",
    "without",
    "avoid",
    "dont",
    "never",
    "none",
    "less",
    "fewer",
    "skip",
    "hate",
    "except",
    "minus",
    "nor",
    "neither",
    "isnt",
    "arent",
    "wont",
    "cant",
    "stop",
    "excluding",
    "exclude",
    "tired",
    "sick",
    "enough",
    "nope",
    "instead",
];

/// Words that end a clause (negation does not reach past them).
const CLAUSE_BREAKS: &[&str] = &["but", "though", "although", "however", "yet", "whereas"];

/// After "and"/"or", these start a fresh positive request ("no horror and something funny").
const FRESH_STARTS: &[&str] = &[
    "something",
    "some",
    "more",
    "maybe",
    "also",
    "i",
    "id",
    "want",
    "prefer",
    "make",
    "a",
    "an",
    "like",
    "plenty",
    "lots",
    "with",
];

/// Never turned into keywords: filler, judgements, pronouns.
const FILLER: &[&str] = &[
    "anything",
    "something",
    "stuff",
    "things",
    "thing",
    "please",
    "really",
    "about",
    "with",
    "that",
    "this",
    "those",
    "these",
    "them",
    "they",
    "there",
    "have",
    "more",
    "much",
    "kind",
    "sort",
    "type",
    "lots",
    "just",
    "again",
    "watch",
    "watched",
    "seen",
    "already",
    "want",
    "would",
    "could",
    "should",
    "like",
    "ones",
    "from",
    "what",
    "when",
    "which",
    "where",
    "into",
    "boring",
    "slow",
    "stupid",
    "cheesy",
    "good",
    "great",
    "best",
    "worst",
    "sad",
    "bad",
    "tonight",
    "today",
    "now",
    "ever",
    "other",
    "same",
    "title",
    "titles",
    "maybe",
    "even",
    "still",
    "also",
    "well",
    "some",
    "your",
    "their",
    "print",
    "ignore",
    "previous",
    "instructions",
    "instruction",
    "tell",
    "reveal",
    "system",
    "prompt",
    "output",
    "list",
    "return",
    "answer",
    "same",
    "again",
    "else",
    "similar",
    "involving",
    "featuring",
    "starring",
    "directed",
    "people",
    "person",
    "actor",
    "actress",
    "director",
    "much",
    "many",
    "heavy",
    "recommend",
    "recommendations",
    "suggest",
    "everything",
    "whatever",
    "though",
    "were",
    "been",
    "being",
    "made",
    "make",
    "does",
    "doing",
    "pretty",
    "quite",
    "rather",
    "over",
    "under",
    "than",
    "then",
    "because",
    "since",
    "before",
    "after",
];

/// Words after "like" that refer back to earlier picks, not to a title.
const NOT_A_TITLE: &[&str] = &[
    "the ones",
    "those",
    "that",
    "this",
    "it",
    "them",
    "something",
    "these",
    "one",
    "the one",
    "the last",
    "what",
    "a",
    "an",
];

/// Words before "like" that make it a comparison ("more like X"), not a verb ("I like").
const LIKE_LEADS: &[&str] = &[
    "more",
    "something",
    "stuff",
    "shows",
    "show",
    "films",
    "film",
    "movies",
    "movie",
    "series",
    "titles",
    "anything",
    "things",
    "just",
    "kinda",
    "bit",
    "ones",
    "closer",
    "else",
];

/// Parses feedback into constraints, in the order they were written; duplicates and
/// contradictions between film and series are dropped. Text past
/// [`MAX_FEEDBACK_CHARS`] is ignored. Unknown words are ignored except after a negation
/// ("nothing with zombies" → avoid the keyword "zombie").
pub fn parse_feedback(text: &str, catalog: &Catalog, index: &SearchIndex) -> Vec<Constraint> {
    let text: String = text.chars().take(MAX_FEEDBACK_CHARS).collect();
    let latest = catalog
        .titles
        .iter()
        .filter_map(|t| t.year)
        .max()
        .unwrap_or(2023);
    let mut out: Vec<Constraint> = Vec::new();
    for raw in text.split([',', '.', ';', ':', '!', '?', '\n', '(', ')', '/', '&']) {
        let folded = fold(raw);
        let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        for clause in words.split(|w| CLAUSE_BREAKS.contains(w)) {
            parse_clause(clause, catalog, index, latest, &mut out);
        }
    }
    // Asking for films and series at once is no constraint at all.
    let kinds = out
        .iter()
        .filter(|c| matches!(c, Constraint::Kind { .. }))
        .count();
    if kinds > 1 {
        let first_kind = out.iter().find_map(|c| match c {
            Constraint::Kind { kind } => Some(*kind),
            _ => None,
        });
        if out
            .iter()
            .any(|c| matches!(c, Constraint::Kind { kind } if Some(*kind) != first_kind))
        {
            out.retain(|c| !matches!(c, Constraint::Kind { .. }));
        }
    }
    let mut unique: Vec<Constraint> = Vec::new();
    for c in out {
        if !unique.contains(&c) {
            unique.push(c);
        }
    }
    unique
}

fn parse_clause(
    words: &[&str],
    catalog: &Catalog,
    index: &SearchIndex,
    latest: u16,
    out: &mut Vec<Constraint>,
) {
    let mut neg = false;
    let mut i = 0;
    let push = |c: Constraint, neg: bool, out: &mut Vec<Constraint>| {
        let c = if neg { c.negate() } else { Some(c) };
        if let Some(c) = c {
            out.push(c);
        }
    };
    while i < words.len() {
        let w = words[i];
        let prev = if i > 0 { words[i - 1] } else { "" };

        // Length in minutes: "under 90 minutes", "less than 2 hours", "under an hour"
        // (before negation: "less" here is not a "no").
        if let Some((minutes, used)) = max_minutes(&words[i..]) {
            out.push(Constraint::Length(Length::MaxMinutes(minutes)));
            i += used;
            continue;
        }

        // Negation: everything after it in the clause is negative, until "and/or" starts a
        // fresh request.
        if NEGATORS.contains(&w) {
            neg = true;
            i += 1;
            continue;
        }
        if (w == "and" || w == "or" || w == "plus")
            && words.get(i + 1).is_some_and(|n| FRESH_STARTS.contains(n))
        {
            neg = false;
            i += 1;
            continue;
        }

        // "more like X", "similar to X", "in the vein of X".
        let cue = if w == "like" && (i == 0 || LIKE_LEADS.contains(&prev)) {
            Some(1)
        } else if (w == "similar" && words.get(i + 1) == Some(&"to"))
            || (w == "vein" && words.get(i + 1) == Some(&"of"))
        {
            Some(2)
        } else if w == "reminds"
            && words.get(i + 1) == Some(&"me")
            && words.get(i + 2) == Some(&"of")
        {
            Some(3)
        } else {
            None
        };
        if let Some(skip) = cue {
            let rest = &words[i + skip..];
            if !neg && !starts_with_any(rest, NOT_A_TITLE) {
                if let Some((t, used)) = find_title(rest, catalog, index) {
                    out.push(Constraint::LikeTitle {
                        index: t,
                        title: catalog.titles[t].title.clone(),
                    });
                    i += skip + used;
                    continue;
                }
            }
            i += skip;
            continue;
        }

        // Decades and years: "90s", "1990s", "the eighties", "from 2015", "before 2000".
        if let Some((c, used)) = era(&words[i..], prev, latest) {
            out.push(c);
            i += used;
            continue;
        }

        // People named in full ("ryan reynolds"), or close to it after a cue word
        // ("with ryan renolds").
        if let Some((person, used)) = find_person(words, i, index) {
            push(
                Constraint::Person {
                    person,
                    name: catalog.person(person).to_string(),
                    avoid: false,
                },
                neg,
                out,
            );
            i += used;
            continue;
        }

        // Lexicon phrases, longest first.
        if let Some((effect, used)) = lexicon(&words[i..]) {
            for c in effect_constraints(effect, latest) {
                push(c, neg, out);
            }
            i += used;
            continue;
        }

        // "about dogs" (positive) or any content word under negation ("no zombies").
        let about = prev == "about" || prev == "involving";
        if (neg || about) && is_keyword(w) {
            let stem = stem(w);
            push(
                Constraint::Keyword {
                    word: w.to_string(),
                    stem,
                    avoid: false,
                },
                neg,
                out,
            );
        }
        i += 1;
    }
}

fn starts_with_any(words: &[&str], phrases: &[&str]) -> bool {
    phrases.iter().any(|p| {
        let n = p.split(' ').count();
        words.len() >= n && words[..n].join(" ") == *p
    })
}

fn is_keyword(w: &str) -> bool {
    w.chars().count() >= 4
        && w.chars().all(char::is_alphabetic)
        && !FILLER.contains(&w)
        && !NEGATORS.contains(&w)
}

/// A crude plural stripper: "zombies" → "zombie", "stories" → "stor" (matched as a prefix,
/// so "story" and "stories" both hit).
fn stem(w: &str) -> String {
    if let Some(s) = w.strip_suffix("ies") {
        return s.to_string();
    }
    if w.ends_with("ss") {
        return w.to_string();
    }
    w.strip_suffix('s').unwrap_or(w).to_string()
}

/// Longest lexicon phrase at the start of `words`.
fn lexicon(words: &[&str]) -> Option<(Effect, usize)> {
    for n in (1..=words.len().min(5)).rev() {
        let phrase = words[..n].join(" ");
        if let Some((_, e)) = LEXICON.iter().find(|(p, _)| *p == phrase) {
            return Some((*e, n));
        }
    }
    None
}

fn effect_constraints(effect: Effect, latest: u16) -> Vec<Constraint> {
    let country = |codes: &[&str], label: &str| Constraint::Country {
        codes: codes.iter().map(|c| c.to_string()).collect(),
        label: label.to_string(),
        avoid: false,
    };
    let genre = |g: &str| Constraint::Genre {
        genre: g.to_string(),
        avoid: false,
    };
    match effect {
        Effect::Genre(g) => vec![genre(g)],
        Effect::Genres(gs) => gs.iter().map(|g| genre(g)).collect(),
        Effect::Tone(light) => vec![Constraint::Tone { light }],
        Effect::TrueStory => vec![Constraint::TrueStory { avoid: false }],
        Effect::Kind(kind) => vec![Constraint::Kind { kind }],
        Effect::Recent => vec![Constraint::Era {
            from: Some(latest.saturating_sub(3)),
            to: None,
        }],
        Effect::Older => vec![Constraint::Era {
            from: None,
            to: Some(1999),
        }],
        Effect::Country(codes, label) => vec![country(codes, label)],
        Effect::CountryAndGenre(codes, label, g) => vec![country(codes, label), genre(g)],
        Effect::Length(l) => vec![Constraint::Length(l)],
        Effect::Ignore => Vec::new(),
    }
}

/// "under 90 minutes", "less than 2 hours", "under an hour", "max 100 min".
fn max_minutes(words: &[&str]) -> Option<(u16, usize)> {
    let lead = match words {
        ["under", ..] | ["max", ..] | ["within", ..] => 1,
        ["less", "than", ..] | ["shorter", "than", ..] | ["at", "most", ..] => 2,
        _ => return None,
    };
    let rest = &words[lead..];
    let (n, used) = match rest {
        ["an", "hour", ..] | ["one", "hour", ..] | ["1", "hour", ..] => {
            return Some((60, lead + 2))
        }
        [n, unit, ..] => (n.parse::<u16>().ok()?, *unit),
        _ => return None,
    };
    let minutes = match used {
        "minutes" | "minute" | "min" | "mins" => n,
        "hours" | "hour" | "h" | "hrs" => n.saturating_mul(60),
        _ => return None,
    };
    (minutes > 0).then_some((minutes, lead + 2))
}

/// Decades and years. `prev` is the word before (for "from 2015", "before 2000").
fn era(words: &[&str], prev: &str, latest: u16) -> Option<(Constraint, usize)> {
    let w = *words.first()?;
    let decade = |start: u16| {
        Some((
            Constraint::Era {
                from: Some(start),
                to: Some(start + 9),
            },
            1,
        ))
    };
    match w {
        "sixties" => return decade(1960),
        "seventies" => return decade(1970),
        "eighties" => return decade(1980),
        "nineties" => return decade(1990),
        "noughties" => return decade(2000),
        _ => {}
    }
    if let Some(d) = w.strip_suffix('s') {
        if d.len() == 2 && d.ends_with('0') {
            let n: u16 = d.parse().ok()?;
            // "90s" → 1990s, "10s"/"20s" → this century.
            let start = if n <= latest % 100 {
                2000 + n
            } else {
                1900 + n
            };
            return decade(start);
        }
        if d.len() == 4 && d.ends_with('0') {
            let n: u16 = d.parse().ok()?;
            if (1900..=2090).contains(&n) {
                return decade(n);
            }
        }
    }
    if w.len() == 4 {
        if let Ok(y) = w.parse::<u16>() {
            if (1900..=2100).contains(&y) {
                let c = match prev {
                    "from" | "after" | "since" | "post" => Constraint::Era {
                        from: Some(y),
                        to: None,
                    },
                    "before" | "pre" | "until" => Constraint::Era {
                        from: None,
                        to: Some(y.saturating_sub(1)),
                    },
                    "in" => Constraint::Era {
                        from: Some(y),
                        to: Some(y),
                    },
                    _ => return None,
                };
                return Some((c, 1));
            }
        }
    }
    None
}

/// A catalog title named at the start of `words`: the longest exact match, else a close
/// typo-tolerant one. Returns the title index and how many words it used.
fn find_title(words: &[&str], catalog: &Catalog, index: &SearchIndex) -> Option<(usize, usize)> {
    let most_popular = |hits: Vec<Hit>| {
        hits.into_iter()
            .filter_map(|h| match h {
                Hit::Title(t) => Some(t),
                Hit::Person(_) => None,
            })
            .max_by(|&a, &b| {
                popularity(&catalog.titles[a]).total_cmp(&popularity(&catalog.titles[b]))
            })
    };
    let max = words.len().min(8);
    for n in (1..=max).rev() {
        if let Some(t) = most_popular(index.exact(&words[..n].join(" "))) {
            return Some((t, n));
        }
    }
    for n in (1..=max.min(6)).rev() {
        let phrase = words[..n].join(" ");
        // Single short words match too much by accident.
        if n == 1 && phrase.len() < 5 {
            continue;
        }
        if let Some(&(t, score)) = index.titles(&phrase, 1).first() {
            if score >= 0.55 {
                return Some((t, n));
            }
        }
    }
    None
}

/// A person at `words[i..]`: two or three words naming someone exactly, or — after a cue
/// ("with", "starring", "by") — a close typo-tolerant match of two or three words.
fn find_person(words: &[&str], i: usize, index: &SearchIndex) -> Option<(u32, usize)> {
    let rest = &words[i..];
    for n in (2..=rest.len().min(3)).rev() {
        let phrase = rest[..n].join(" ");
        let person = index.exact(&phrase).into_iter().find_map(|h| match h {
            Hit::Person(p) => Some(p),
            Hit::Title(_) => None,
        });
        if let Some(p) = person {
            return Some((p, n));
        }
    }
    let prev = if i > 0 { words[i - 1] } else { "" };
    if !matches!(
        prev,
        "with" | "starring" | "by" | "featuring" | "stars" | "from"
    ) {
        return None;
    }
    for n in (2..=rest.len().min(3)).rev() {
        if rest[..n]
            .iter()
            .any(|w| FILLER.contains(w) || w.len() < 2 || lexicon(&[w]).is_some())
        {
            continue;
        }
        let phrase = rest[..n].join(" ");
        if let Some(&(p, score)) = index.people(&phrase, 1).first() {
            if score >= 0.55 {
                return Some((p, n));
            }
        }
    }
    None
}

fn popularity(t: &Title) -> f32 {
    let votes = t.imdb_votes.unwrap_or(0) as f32;
    votes.max(t.tmdb_popularity.unwrap_or(0.0) * 1000.0)
}

/// One re-ranked candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefinedPick {
    /// Index into `catalog.titles`.
    pub index: usize,
    /// Combined score (higher is better; only the order is meaningful).
    pub score: f32,
    /// Why it fits the feedback, e.g. "comedy", "with Ryan Reynolds", "Korean".
    pub reasons: Vec<String>,
}

const LIGHT_GENRES: &[&str] = &["comedy", "family", "animation", "romance", "music"];
const DARK_GENRES: &[&str] = &["horror", "thriller", "crime", "war"];

/// How a title fares against one constraint.
enum Verdict {
    /// Excluded: the viewer said no to this.
    Drop,
    /// Score change and, when positive, the reason to show.
    Adjust(f32, Option<String>),
}

/// Re-ranks `candidates` (`(title index, engine score)`) by `constraints`, best first, at
/// most `k`. Titles the viewer ruled out ("no horror", "nothing with zombies") are dropped;
/// the others keep their engine order unless a constraint moves them. `similarity(a, b)`
/// scores two titles (for "more like X"; expected roughly in 0..1). Never returns a title
/// that is not among the candidates, nor the title named in "more like X" itself.
pub fn rerank(
    catalog: &Catalog,
    candidates: &[(usize, f32)],
    constraints: &[Constraint],
    similarity: &dyn Fn(usize, usize) -> f32,
    k: usize,
) -> Vec<RefinedPick> {
    // Engine scores to 0..1 so constraint weights mean the same for every list.
    let (lo, hi) = candidates
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &(_, s)| {
            (lo.min(s), hi.max(s))
        });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let excluded: Vec<usize> = constraints
        .iter()
        .filter_map(|c| match c {
            Constraint::LikeTitle { index, .. } => Some(*index),
            _ => None,
        })
        .collect();
    let mut picks: Vec<RefinedPick> = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    'candidates: for &(index, base) in candidates {
        let Some(t) = catalog.titles.get(index) else {
            continue;
        };
        if excluded.contains(&index) || seen.contains(&index) {
            continue;
        }
        seen.push(index);
        let base = if base.is_finite() {
            (base - lo) / span
        } else {
            0.0
        };
        let mut score = base;
        let mut reasons = Vec::new();
        let mut plot: Option<String> = None;
        for c in constraints {
            match judge(catalog, t, index, c, similarity, &mut plot) {
                Verdict::Drop => continue 'candidates,
                Verdict::Adjust(d, r) => {
                    score += d;
                    if let Some(r) = r {
                        if !reasons.contains(&r) {
                            reasons.push(r);
                        }
                    }
                }
            }
        }
        picks.push(RefinedPick {
            index,
            score,
            reasons,
        });
    }
    // Stable sort: equal scores keep the engine's order.
    picks.sort_by(|a, b| b.score.total_cmp(&a.score));
    picks.truncate(k);
    picks
}

fn judge(
    catalog: &Catalog,
    t: &Title,
    index: usize,
    c: &Constraint,
    similarity: &dyn Fn(usize, usize) -> f32,
    plot: &mut Option<String>,
) -> Verdict {
    let has_genre = |g: &str| catalog.genre_names(t).any(|n| n == g);
    match c {
        Constraint::Genre { genre, avoid } => match (has_genre(genre), avoid) {
            (true, true) => Verdict::Drop,
            (true, false) => Verdict::Adjust(0.6, Some(genre_label(genre).to_string())),
            _ => Verdict::Adjust(0.0, None),
        },
        Constraint::Tone { light } => {
            let is_light = LIGHT_GENRES.iter().any(|g| has_genre(g));
            let is_dark = DARK_GENRES.iter().any(|g| has_genre(g));
            match (light, is_light, is_dark) {
                (true, true, false) => Verdict::Adjust(0.5, Some("lighter in tone".into())),
                (true, true, true) => Verdict::Adjust(0.1, None),
                (true, false, true) => Verdict::Adjust(-0.6, None),
                (false, false, true) => Verdict::Adjust(0.5, Some("darker in tone".into())),
                (false, true, false) => Verdict::Adjust(-0.6, None),
                _ => Verdict::Adjust(0.0, None),
            }
        }
        Constraint::TrueStory { avoid } => {
            let real = has_genre("documentation") || has_genre("history") || {
                let p = plot_text(t, plot);
                [
                    "true story",
                    "real life",
                    "true events",
                    "real events",
                    "based on the life",
                    "biopic",
                ]
                .iter()
                .any(|s| p.contains(s))
            };
            match (real, avoid) {
                (true, true) => Verdict::Drop,
                (true, false) => Verdict::Adjust(0.5, Some("based on real events".into())),
                _ => Verdict::Adjust(0.0, None),
            }
        }
        Constraint::Person {
            person,
            name,
            avoid,
        } => {
            let directed = t.directors.contains(person);
            let acts = t.cast.contains(person);
            match (directed || acts, avoid) {
                (true, true) => Verdict::Drop,
                (true, false) => Verdict::Adjust(
                    1.0,
                    Some(if directed {
                        format!("directed by {name}")
                    } else {
                        format!("with {name}")
                    }),
                ),
                _ => Verdict::Adjust(0.0, None),
            }
        }
        Constraint::Kind { kind } => {
            if t.kind == *kind {
                Verdict::Adjust(0.0, None)
            } else {
                Verdict::Adjust(-3.0, None)
            }
        }
        Constraint::Era { from, to } => match t.year {
            Some(y) if from.is_none_or(|f| y >= f) && to.is_none_or(|e| y <= e) => {
                Verdict::Adjust(0.4, Some(format!("from {y}")))
            }
            Some(_) => Verdict::Adjust(-0.6, None),
            None => Verdict::Adjust(-0.2, None),
        },
        Constraint::Country {
            codes,
            label,
            avoid,
        } => {
            let hit = t.countries.iter().any(|&c| {
                catalog
                    .countries
                    .get(c as usize)
                    .is_some_and(|name| codes.contains(name))
            });
            match (hit, avoid) {
                (true, true) => Verdict::Drop,
                (true, false) => Verdict::Adjust(0.8, Some(label.clone())),
                _ => Verdict::Adjust(0.0, None),
            }
        }
        Constraint::Length(l) => length_verdict(t, *l),
        Constraint::LikeTitle {
            index: other,
            title,
        } => {
            let s = similarity(*other, index);
            let s = if s.is_finite() {
                s.clamp(0.0, 1.0)
            } else {
                0.0
            };
            let reason = (s >= 0.2).then(|| format!("like {title}"));
            Verdict::Adjust(1.2 * s, reason)
        }
        Constraint::Keyword { word, stem, avoid } => {
            let found = plot_text(t, plot)
                .split(' ')
                .any(|w| w.starts_with(stem.as_str()));
            match (found, avoid) {
                (true, true) => Verdict::Drop,
                (true, false) => Verdict::Adjust(0.5, Some(format!("about {word}"))),
                _ => Verdict::Adjust(0.0, None),
            }
        }
    }
}

/// The folded title and plot, computed once per title and only when a constraint needs it.
fn plot_text<'a>(t: &Title, plot: &'a mut Option<String>) -> &'a str {
    plot.get_or_insert_with(|| fold(&format!("{} {}", t.title, t.description)))
}

fn length_verdict(t: &Title, l: Length) -> Verdict {
    let runtime = t.runtime_min;
    let seasons = t.seasons;
    let good = |why: String| Verdict::Adjust(0.3, Some(why));
    match (l, t.kind) {
        (Length::Short, Kind::Movie) => match runtime {
            Some(m) if m <= 100 => good(format!("{m} min")),
            Some(_) => Verdict::Adjust(-0.4, None),
            None => Verdict::Adjust(0.0, None),
        },
        (Length::Short, Kind::Show) => match seasons {
            Some(s) if s <= 2 => good(plural(s, "season")),
            Some(_) => Verdict::Adjust(-0.4, None),
            None => Verdict::Adjust(0.0, None),
        },
        (Length::Long, Kind::Movie) => match runtime {
            Some(m) if m >= 130 => good(format!("{m} min")),
            Some(_) => Verdict::Adjust(-0.3, None),
            None => Verdict::Adjust(0.0, None),
        },
        (Length::Long, Kind::Show) => match seasons {
            Some(s) if s >= 3 => good(plural(s, "season")),
            Some(_) => Verdict::Adjust(-0.3, None),
            None => Verdict::Adjust(0.0, None),
        },
        (Length::Miniseries, Kind::Show) => match seasons {
            Some(1) => Verdict::Adjust(0.6, Some("a miniseries".into())),
            _ => Verdict::Adjust(-0.5, None),
        },
        (Length::Miniseries, Kind::Movie) => Verdict::Adjust(-1.0, None),
        (Length::MaxMinutes(max), _) => match runtime {
            Some(m) if m <= max => good(format!("{m} min")),
            Some(_) => Verdict::Adjust(-1.0, None),
            None => Verdict::Adjust(-0.1, None),
        },
    }
}

fn plural(n: u16, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Catalog titles that directly satisfy a positive person constraint ("with Ryan
/// Reynolds"), most popular first, at most `limit`: merge them into the candidates before
/// [`rerank`] so the viewer's named person can appear even if the engine did not suggest
/// them.
pub fn extra_candidates(catalog: &Catalog, constraints: &[Constraint], limit: usize) -> Vec<usize> {
    let people: Vec<u32> = constraints
        .iter()
        .filter_map(|c| match c {
            Constraint::Person {
                person,
                avoid: false,
                ..
            } => Some(*person),
            _ => None,
        })
        .collect();
    if people.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<usize> = catalog
        .titles
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            t.cast
                .iter()
                .chain(&t.directors)
                .any(|p| people.contains(p))
        })
        .map(|(i, _)| i)
        .collect();
    hits.sort_by(|&a, &b| {
        popularity(&catalog.titles[b]).total_cmp(&popularity(&catalog.titles[a]))
    });
    hits.truncate(limit);
    hits
}

/// The on-device refiner's answer: what it understood and what it picked.
#[derive(Debug, Clone, PartialEq)]
pub struct OnDevice {
    /// The constraints parsed from the feedback, in the order they were found.
    pub constraints: Vec<Constraint>,
    /// The [`candidates`] the picks were chosen from (also what an LLM request carries).
    pub candidates: Vec<(usize, f32)>,
    /// The picks, best first.
    pub picks: Vec<RefinedPick>,
}

/// The candidates a refinement chooses from, `(title index, engine score)`, best first:
/// the engine's top [`MAX_CANDIDATES`] for `query` by pure relevance (a "series"/"film"
/// constraint switches the kind, so "a series instead" can leave the profile's kind),
/// then titles with a person the feedback named that pass the same filters. Both the
/// LLM request and the on-device refiner use this list, so either can only pick from it.
pub fn candidates(
    model: &Model,
    catalog: &Catalog,
    query: &Query,
    constraints: &[Constraint],
) -> Vec<(usize, f32)> {
    let mut q = query.clone();
    q.k = MAX_CANDIDATES;
    q.diversity = 0.0;
    if let Some(kind) = constraints.iter().find_map(|c| match c {
        Constraint::Kind { kind } => Some(*kind),
        _ => None,
    }) {
        q.filters.kind = Some(kind);
    }
    let mut out: Vec<(usize, f32)> = recommend(model, catalog, &q)
        .into_iter()
        .map(|r| (r.index, r.score))
        .collect();
    let floor = out.iter().map(|c| c.1).fold(f32::INFINITY, f32::min);
    let floor = if floor.is_finite() { floor } else { 0.0 };
    let kind = target_kind(catalog, &q);
    for i in extra_candidates(catalog, constraints, 40) {
        let fits = catalog.titles.get(i).is_some_and(|t| {
            q.filters.admits(t)
                && kind.is_none_or(|k| t.kind == k)
                && !q.filters.exclude.contains(&i)
                && !q.liked.contains(&i)
                && !q.disliked.contains(&i)
        });
        if fits && !out.iter().any(|c| c.0 == i) {
            out.push((i, floor));
        }
    }
    out
}

/// Refines `query`'s results by `feedback` without any network: parse, gather the
/// [`candidates`], [`rerank`] them, keep `k`.
pub fn on_device(
    model: &Model,
    catalog: &Catalog,
    index: &SearchIndex,
    query: &Query,
    feedback: &str,
    k: usize,
) -> OnDevice {
    let constraints = parse_feedback(feedback, catalog, index);
    let cands = candidates(model, catalog, query, &constraints);
    let picks = rerank(
        catalog,
        &cands,
        &constraints,
        &|a, b| model.similarity(a, b),
        k,
    );
    OnDevice {
        constraints,
        candidates: cands,
        picks,
    }
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

    #[test]
    fn minutes_and_eras() {
        assert_eq!(max_minutes(&["under", "90", "minutes"]), Some((90, 3)));
        assert_eq!(max_minutes(&["less", "than", "2", "hours"]), Some((120, 4)));
        assert_eq!(max_minutes(&["under", "an", "hour"]), Some((60, 3)));
        assert_eq!(max_minutes(&["under", "pressure"]), None);
        let (c, _) = era(&["90s"], "", 2023).expect("decade");
        assert_eq!(
            c,
            Constraint::Era {
                from: Some(1990),
                to: Some(1999)
            }
        );
        let (c, _) = era(&["2010s"], "", 2023).expect("decade");
        assert_eq!(
            c,
            Constraint::Era {
                from: Some(2010),
                to: Some(2019)
            }
        );
        assert!(era(&["2015"], "watched", 2023).is_none());
    }
}
