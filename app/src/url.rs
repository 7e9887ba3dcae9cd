//! URL state: the Discover page's profile and filters as a query string, and back.
//!
//! Titles are referred to by id (stable across bundles), genres and countries by name, so
//! a shared link survives a rebuilt bundle.

use engine::recommend::{Filters, Query};
use engine::Kind;
use leptos_router::params::ParamsMap;

use crate::state::AppData;

/// Everything the Discover page shows, as it appears in the URL.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscoverState {
    /// Liked title ids (`like=`).
    pub liked: Vec<String>,
    /// Disliked title ids (`dislike=`).
    pub disliked: Vec<String>,
    /// Only films or only series (`kind=movie|show`).
    pub kind: Option<Kind>,
    /// Earliest year (`from=`).
    pub year_min: Option<u16>,
    /// Latest year (`to=`).
    pub year_max: Option<u16>,
    /// Genres required, any of (`gin=`).
    pub genres_in: Vec<String>,
    /// Genres excluded (`gout=`).
    pub genres_out: Vec<String>,
    /// Minimum IMDb score (`imdb=`).
    pub min_imdb: Option<f32>,
    /// Production country code (`country=`).
    pub country: Option<String>,
    /// Allowed age ratings (`age=`).
    pub ages: Vec<String>,
    /// MMR diversity 0–1 (`div=`).
    pub diversity: f32,
    /// Number of results (`k=`).
    pub k: usize,
    /// Hide titles marked seen (`hide=1`).
    pub hide_seen: bool,
}

impl Default for DiscoverState {
    fn default() -> Self {
        DiscoverState {
            liked: Vec::new(),
            disliked: Vec::new(),
            kind: None,
            year_min: None,
            year_max: None,
            genres_in: Vec::new(),
            genres_out: Vec::new(),
            min_imdb: None,
            country: None,
            ages: Vec::new(),
            diversity: 0.0,
            k: 12,
            hide_seen: false,
        }
    }
}

/// Largest k the UI offers; a hand-edited URL is clamped to it.
pub const MAX_K: usize = 48;

/// Read access to query parameters: the router's map, or pairs decoded from a stored
/// query string (the router's map decodes through JavaScript, which native tests lack).
trait Params {
    fn param(&self, key: &str) -> Option<&str>;
}

impl Params for ParamsMap {
    fn param(&self, key: &str) -> Option<&str> {
        self.get_str(key)
    }
}

impl Params for Vec<(String, String)> {
    fn param(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

fn list(m: &impl Params, key: &str) -> Vec<String> {
    m.param(key)
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn num<T: std::str::FromStr>(m: &impl Params, key: &str) -> Option<T> {
    m.param(key).and_then(|v| v.trim().parse().ok())
}

impl DiscoverState {
    /// Reads the state from a query string such as `?like=tt1&k=24` (as stored by
    /// `state::LastDiscover`); malformed parts are ignored like in [`Self::from_query`].
    pub fn from_query_str(q: &str) -> DiscoverState {
        let decode = |v: &str| {
            let v = v.replace('+', " ");
            percent_encoding::percent_decode_str(&v)
                .decode_utf8_lossy()
                .into_owned()
        };
        let pairs: Vec<(String, String)> = q
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect();
        DiscoverState::from_params(&pairs)
    }

    /// Reads the state from a query map; unknown or malformed values fall back to defaults.
    pub fn from_query(m: &ParamsMap) -> DiscoverState {
        DiscoverState::from_params(m)
    }

    fn from_params(m: &impl Params) -> DiscoverState {
        let d = DiscoverState::default();
        DiscoverState {
            liked: list(m, "like"),
            disliked: list(m, "dislike"),
            kind: match m.param("kind") {
                Some("movie") => Some(Kind::Movie),
                Some("show") => Some(Kind::Show),
                _ => None,
            },
            year_min: num(m, "from"),
            year_max: num(m, "to"),
            genres_in: list(m, "gin"),
            genres_out: list(m, "gout"),
            min_imdb: num::<f32>(m, "imdb").filter(|v| v.is_finite()),
            country: m
                .param("country")
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
            ages: list(m, "age"),
            diversity: num::<f32>(m, "div")
                .filter(|v| v.is_finite())
                .map_or(d.diversity, |v| v.clamp(0.0, 1.0)),
            k: num::<usize>(m, "k").map_or(d.k, |k| k.clamp(1, MAX_K)),
            hide_seen: m.param("hide") == Some("1"),
        }
    }

    /// The parameters that differ from the default state, in a fixed order (lists
    /// comma-separated, values not yet encoded).
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let d = DiscoverState::default();
        let mut parts: Vec<(&'static str, String)> = Vec::new();
        let join = |v: &[String]| v.join(",");
        if !self.liked.is_empty() {
            parts.push(("like", join(&self.liked)));
        }
        if !self.disliked.is_empty() {
            parts.push(("dislike", join(&self.disliked)));
        }
        if let Some(k) = self.kind {
            parts.push((
                "kind",
                match k {
                    Kind::Movie => "movie",
                    Kind::Show => "show",
                }
                .into(),
            ));
        }
        if let Some(y) = self.year_min {
            parts.push(("from", y.to_string()));
        }
        if let Some(y) = self.year_max {
            parts.push(("to", y.to_string()));
        }
        if !self.genres_in.is_empty() {
            parts.push(("gin", join(&self.genres_in)));
        }
        if !self.genres_out.is_empty() {
            parts.push(("gout", join(&self.genres_out)));
        }
        if let Some(s) = self.min_imdb {
            parts.push(("imdb", format!("{s}")));
        }
        if let Some(c) = &self.country {
            parts.push(("country", c.clone()));
        }
        if !self.ages.is_empty() {
            parts.push(("age", join(&self.ages)));
        }
        if self.diversity != d.diversity {
            parts.push(("div", format!("{:.2}", self.diversity)));
        }
        if self.k != d.k {
            parts.push(("k", self.k.to_string()));
        }
        if self.hide_seen {
            parts.push(("hide", "1".into()));
        }
        parts
    }

    /// The query string (with a leading `?`, or empty for the default state), encoded by
    /// the router. Browser only: the router encodes through JavaScript.
    pub fn to_query(&self) -> String {
        query_string(self.to_params())
    }

    /// The engine query for this state; ids and names the bundle does not know are dropped.
    pub fn to_query_for(&self, data: &AppData, exclude: Vec<usize>) -> Query {
        let cat = data.catalog();
        let ids = |v: &[String]| v.iter().filter_map(|id| data.index(id)).collect();
        let genre = |v: &[String]| -> Vec<u32> {
            v.iter()
                .filter_map(|g| cat.genres.iter().position(|x| x == g).map(|i| i as u32))
                .collect()
        };
        Query {
            liked: ids(&self.liked),
            disliked: ids(&self.disliked),
            filters: Filters {
                kind: self.kind,
                year_min: self.year_min,
                year_max: self.year_max,
                genres_in: genre(&self.genres_in),
                genres_out: genre(&self.genres_out),
                min_imdb: self.min_imdb,
                country: self
                    .country
                    .as_ref()
                    .and_then(|c| cat.countries.iter().position(|x| x == c).map(|i| i as u32)),
                age_ratings: self.ages.clone(),
                exclude,
            },
            k: self.k,
            diversity: self.diversity,
            mix_kinds: false,
        }
    }

    /// Whether any filter is set (for the "no match" advice).
    pub fn has_filters(&self) -> bool {
        self.kind.is_some()
            || self.year_min.is_some()
            || self.year_max.is_some()
            || !self.genres_in.is_empty()
            || !self.genres_out.is_empty()
            || self.min_imdb.is_some()
            || self.country.is_some()
            || !self.ages.is_empty()
            || self.hide_seen
    }
}

/// `?a=b&c=d` through the router's [`ParamsMap`] (empty for no parts), so the app writes
/// query strings the way the router reads them. Browser only, like the router's encoder.
pub fn query_string<K: Into<std::borrow::Cow<'static, str>>>(
    parts: impl IntoIterator<Item = (K, String)>,
) -> String {
    let mut map = ParamsMap::new();
    for (k, v) in parts {
        // `insert` decodes its value (it is meant for raw URL text): encode first so a
        // value holding `%` comes back unchanged.
        map.insert(k, leptos_router::location::Url::escape(&v));
    }
    map.to_query_string()
}

/// Characters kept as they are in a path segment or a query value: the unreserved ones.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a path segment or an outside link's value (everything but unreserved
/// characters).
pub fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, COMPONENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the browser's `encodeURIComponent` leaves alone, for links as the router
    /// writes them (the router itself encodes through JavaScript, absent natively).
    fn router_like(parts: &[(&str, String)]) -> String {
        const URI_COMPONENT: &percent_encoding::AsciiSet = &COMPONENT
            .remove(b'!')
            .remove(b'*')
            .remove(b'\'')
            .remove(b'(')
            .remove(b')');
        let body: Vec<String> = parts
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    percent_encoding::utf8_percent_encode(v, URI_COMPONENT)
                )
            })
            .collect();
        if body.is_empty() {
            String::new()
        } else {
            format!("?{}", body.join("&"))
        }
    }

    #[test]
    fn encode_escapes_all_but_unreserved() {
        assert_eq!(encode("tt0903747"), "tt0903747");
        assert_eq!(encode("sci fi&x"), "sci%20fi%26x");
        assert_eq!(encode("top10:é/x"), "top10%3A%C3%A9%2Fx");
    }

    #[test]
    fn params_round_trip() {
        let s = DiscoverState {
            liked: vec!["tt1".into(), "ts2".into()],
            genres_out: vec!["sci fi".into()],
            country: Some("KR".into()),
            year_min: Some(2024),
            k: 24,
            hide_seen: true,
            ..DiscoverState::default()
        };
        let pairs: Vec<(String, String)> = s
            .to_params()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        assert_eq!(DiscoverState::from_params(&pairs), s);
        // As the router writes it (commas encoded too), and as a stored string.
        assert_eq!(
            DiscoverState::from_query_str(&router_like(&s.to_params())),
            s
        );
        assert_eq!(DiscoverState::from_query_str(""), DiscoverState::default());
        assert_eq!(
            DiscoverState::from_query_str("?like=&&=x&k=zz"),
            DiscoverState::default()
        );
    }

    #[test]
    fn old_links_still_parse() {
        // Links written by the hand-made encoder: commas bare, spaces as %20 or +.
        let s = DiscoverState::from_query_str(
            "?like=tt1,ts2&gout=sci%20fi,kids+tv&from=2024&div=0.80&hide=1",
        );
        assert_eq!(s.liked, vec!["tt1", "ts2"]);
        assert_eq!(s.genres_out, vec!["sci fi", "kids tv"]);
        assert_eq!(s.year_min, Some(2024));
        assert_eq!(s.diversity, 0.8);
        assert!(s.hide_seen);
        // The same links with the router's encoding of commas.
        let t = DiscoverState::from_query_str("?like=tt1%2Cts2&gout=sci%20fi%2Ckids%20tv");
        assert_eq!((t.liked, t.genres_out), (s.liked, s.genres_out));
    }

    #[test]
    fn default_state_has_no_params() {
        assert!(DiscoverState::default().to_params().is_empty());
        let s = DiscoverState {
            liked: vec!["tt1".into()],
            diversity: 0.5,
            ..DiscoverState::default()
        };
        assert_eq!(
            s.to_params(),
            vec![("like", "tt1".to_owned()), ("div", "0.50".to_owned())]
        );
    }
}
