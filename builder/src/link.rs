//! Links Top 10 rows and trailers to merged titles.
//!
//! Top 10: each distinct (show title, kind) is looked up by key, first as printed, then with
//! a season suffix stripped ("Stranger Things: Season 4", "Stranger Things 4" → "Stranger
//! Things"). When several catalog titles share the key, the one released closest before the
//! first week it charted wins (Netflix charts new releases; remakes share titles). Without
//! an exact match, the best fuzzy match of the same kind released at most two years
//! before (or one after) the first chart week is taken. A title with no match becomes a trend-only title (`top10:<folded title>`) and is
//! never dropped.
//!
//! Engagement reports ([`link_engagement`]) use the same rules and naming, and bring the
//! TMDB genres of Netflix's names along.
//!
//! Trailers: the snapshot's search title, then the title read from the video title
//! ("STRAW | Official Trailer | Netflix" → "STRAW"), each with season suffixes stripped, are
//! looked up among all titles (catalog and trend-only), preferring titles that charted.

use std::collections::BTreeMap;

use crate::{HashMap, HashSet};

use engine::normalize::fold;
use engine::report::{JoinReport, MatchNote};
use engine::{Kind, SourceRef};

use crate::matching::{strip_season, title_key};
use crate::resolve::{Draft, Index};
use crate::sources::CatalogRecord;

/// Source name used for Top 10 references on titles.
pub const TOP10_SOURCE: &str = "top10";

/// Score for an exact key match chosen among several titles by year.
pub const SCORE_AMBIGUOUS: f32 = 0.98;

/// What the Top 10 linker decided for every (show title, kind).
#[derive(Debug, Default)]
pub struct Top10Links {
    /// (show title as printed, kind) → draft index.
    pub by_name: HashMap<(String, Kind), usize>,
    /// Inexact matches accepted.
    pub notes: Vec<MatchNote>,
}

impl Top10Links {
    /// Join report over a set of names: matched = linked to a catalog (not trend-only) title.
    pub fn join<'a>(
        &self,
        name: &str,
        drafts: &[Draft],
        names: impl Iterator<Item = &'a (String, Kind)>,
    ) -> JoinReport {
        let mut j = JoinReport {
            name: name.to_owned(),
            ..JoinReport::default()
        };
        for n in names {
            j.total += 1;
            if self.by_name.get(n).is_some_and(|&i| !drafts[i].trend_only) {
                j.matched += 1;
            }
        }
        j
    }
}

fn year_of(week: &str) -> u16 {
    week.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
}

/// A Top 10 name's match: the variants tried and the best draft with its score.
type NameMatch = (Vec<String>, Option<(usize, f32)>);

/// The best catalog draft for one Top 10 name, and the name variants tried (as printed,
/// then without a season suffix). Reads only the catalog drafts, so names can be matched
/// in parallel.
fn match_name(
    index: &Index,
    drafts: &[Draft],
    n_catalog: usize,
    (show, kind): &(String, Kind),
    first_week: &str,
    fuzzy: bool,
) -> NameMatch {
    let chart_year = year_of(first_week);
    let mut variants = vec![show.clone()];
    if *kind == Kind::Show {
        if let Some(s) = strip_season(show, true) {
            variants.push(s);
        }
    }
    for v in &variants {
        let cands: Vec<usize> = index
            .exact(&title_key(v), *kind)
            .iter()
            .copied()
            .filter(|&i| i < n_catalog)
            .collect();
        // Released at or before the chart year (+1 for late-December premieres) and
        // most recent first; later releases only when nothing earlier exists.
        let best = cands.iter().copied().min_by_key(|&i| {
            let y = drafts[i].rec.year.unwrap_or(0);
            if y <= chart_year + 1 {
                (0, chart_year + 1 - y)
            } else {
                (1, y - chart_year)
            }
        });
        if let Some(i) = best {
            let score = if cands.len() == 1 {
                1.0
            } else {
                SCORE_AMBIGUOUS
            };
            return (variants, Some((i, score)));
        }
    }
    let mut hit: Option<(usize, f32)> = None;
    if !fuzzy {
        return (variants, None);
    }
    for v in &variants {
        // Fuzzy matches are for spelling variants of recent releases: the title
        // must come out within two years before the first chart week.
        let found = index.fuzzy(drafts, &title_key(v), *kind, |d| {
            d.rec
                .year
                .is_none_or(|y| y <= chart_year + 1 && y + 2 >= chart_year)
        });
        if let Some((i, s)) = found {
            if hit.is_none_or(|(_, b)| (s as f32) > b) {
                hit = Some((i, s as f32));
            }
        }
    }
    (variants, hit)
}

/// Links every Top 10 name (with the first week it charted) to a draft, appending
/// trend-only drafts for names that match nothing.
pub fn link_top10(drafts: &mut Vec<Draft>, names: &BTreeMap<(String, Kind), String>) -> Top10Links {
    let index = Index::new(drafts);
    let n_catalog = drafts.len();
    // Matching (fuzzy matching above all) is read-only: do it on both cores, then apply
    // the results in name order, which keeps the output deterministic.
    let names: Vec<(&(String, Kind), &String)> = names.iter().collect();
    let catalog: &[Draft] = drafts;
    let matched: Vec<NameMatch> = crate::par::map_ordered(&names, |(name, week)| {
        match_name(&index, catalog, n_catalog, name, week, true)
    });
    let mut links = Top10Links::default();
    let mut trend_ids: HashSet<String> = HashSet::default();
    let mut trend_by_key: HashMap<(String, Kind), usize> = HashMap::default();
    for (((show, kind), _), (variants, hit)) in names.into_iter().zip(matched) {
        let target = match hit {
            Some((i, score)) => {
                if score < 1.0 {
                    let note = drafts[i].match_note("top10 → catalog", show.clone(), score);
                    links.notes.push(note);
                }
                i
            }
            None => {
                let base = variants.last().cloned().unwrap_or_else(|| show.clone());
                let key = (title_key(&base), *kind);
                match trend_by_key.get(&key) {
                    Some(&i) => i,
                    None => {
                        let i = drafts.len();
                        drafts.push(name_only_draft(
                            TOP10_SOURCE,
                            "top10",
                            show,
                            &base,
                            &key,
                            &mut trend_ids,
                        ));
                        trend_by_key.insert(key, i);
                        i
                    }
                }
            }
        };
        let src = SourceRef {
            source: TOP10_SOURCE.into(),
            id: show.clone(),
        };
        if !drafts[target].sources.contains(&src) {
            drafts[target].sources.push(src);
        }
        links.by_name.insert((show.clone(), *kind), target);
    }
    links
}

/// A trend-only draft for a name no catalog title took, titled `base`: id
/// `{prefix}:{folded base}`, with `:series` or `:film` added when a title of the other
/// kind took that id first (`ids` holds the ids given so far).
fn name_only_draft(
    source: &'static str,
    prefix: &str,
    show: &str,
    base: &str,
    key: &(String, Kind),
    ids: &mut HashSet<String>,
) -> Draft {
    let kind = key.1;
    let mut id = format!("{prefix}:{}", fold(base));
    if !ids.insert(id.clone()) {
        // A film and a series with the same title, both unmatched.
        id.push_str(if kind == Kind::Show {
            ":series"
        } else {
            ":film"
        });
        ids.insert(id.clone());
    }
    Draft {
        rec: CatalogRecord {
            source,
            id: show.to_owned(),
            title: base.to_owned(),
            kind,
            ..CatalogRecord::default()
        },
        key: key.0.clone(),
        other_keys: Vec::new(),
        id,
        sources: Vec::new(),
        trend_only: true,
    }
}

/// A trailer link: the draft and the score (1 = exact key).
pub type TrailerLink = Option<(usize, f32)>;

/// Links each trailer (search title, video title) to a draft among all titles.
pub fn link_trailers(
    drafts: &[Draft],
    trailers: &[(Option<String>, String)],
    notes: &mut Vec<MatchNote>,
) -> Vec<TrailerLink> {
    let index = Index::new(drafts);
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::default();
    for (i, d) in drafts.iter().enumerate() {
        for key in std::iter::once(&d.key).chain(&d.other_keys) {
            by_key.entry(key.as_str()).or_default().push(i);
        }
    }
    let charted = |d: &Draft| d.sources.iter().any(|s| s.source == TOP10_SOURCE);
    trailers
        .iter()
        .map(|(query, video_title)| {
            let mut variants: Vec<String> = Vec::new();
            for base in query.iter().cloned().chain(std::iter::once(
                crate::sources::youtube::title_from_video(video_title),
            )) {
                if base.is_empty() {
                    continue;
                }
                let stripped = strip_season(&base, true);
                variants.push(base);
                variants.extend(stripped);
            }
            for v in &variants {
                if let Some(c) = by_key.get(title_key(v).as_str()) {
                    let best = c.iter().copied().max_by_key(|&i| {
                        (
                            charted(&drafts[i]),
                            drafts[i].rec.year,
                            std::cmp::Reverse(i),
                        )
                    });
                    if let Some(i) = best {
                        return Some((i, 1.0));
                    }
                }
            }
            let mut hit: Option<(usize, f64)> = None;
            for v in &variants {
                let key = title_key(v);
                for kind in [Kind::Movie, Kind::Show] {
                    if let Some((i, s)) = index.fuzzy(drafts, &key, kind, |_| true) {
                        if hit.is_none_or(|(_, b)| s > b) {
                            hit = Some((i, s));
                        }
                    }
                }
            }
            let (i, s) = hit?;
            notes.push(MatchNote {
                join: "trailers → titles".into(),
                left: query.clone().unwrap_or_else(|| video_title.clone()),
                right: drafts[i].rec.title.clone(),
                score: s as f32,
            });
            Some((i, s as f32))
        })
        .collect()
}

/// Source name of engagement-report references on titles.
pub const ENGAGEMENT_SOURCE: &str = "netflix_engagement";

/// Hours in one half-year an engagement-only name needs to become a title of its own.
/// Each new title costs the core file ~60 bytes; the long tail of the reports (titles
/// watched for under a few million hours, mostly catalog fillers seen by few) would grow it
/// by a quarter for titles almost nobody asks about.
pub const MIN_NEW_TITLE_HOURS: u64 = 5_000_000;

/// What [`link_engagement`] decided.
#[derive(Debug, Default)]
pub struct EngagementLinks {
    /// Per engagement row (in the order given): the draft it belongs to.
    pub row_title: Vec<Option<usize>>,
    /// Match counts.
    pub joins: Vec<JoinReport>,
    /// Inexact matches accepted.
    pub notes: Vec<MatchNote>,
}

/// Gives the rows of the single-sheet 2023 Jan–Jun report (no type column) a kind: the kind
/// the same title has in another report or in the TMDB matches, else series when the name
/// carries a season ("…: Season 1", "…: Limited Series"), else film.
pub fn infer_kinds(
    rows: &mut [crate::sources::engagement::EngagementRow],
    enrich: &[crate::sources::tmdb::Enrichment],
) {
    let mut known: HashMap<&str, Kind> = HashMap::default();
    for e in enrich {
        known.entry(e.title.as_str()).or_insert(e.kind);
    }
    let mut from_rows: HashMap<String, Kind> = HashMap::default();
    for r in rows.iter() {
        if let Some(k) = r.kind {
            from_rows.entry(r.title.clone()).or_insert(k);
        }
    }
    for r in rows.iter_mut().filter(|r| r.kind.is_none()) {
        r.kind = Some(
            from_rows
                .get(&r.title)
                .or_else(|| known.get(r.title.as_str()))
                .copied()
                .unwrap_or(if strip_season(&r.title, false).is_some() {
                    Kind::Show
                } else {
                    Kind::Movie
                }),
        );
    }
}

/// Links engagement-report rows to titles with the Top 10 rules (same naming), and gives
/// titles the TMDB genres and origin of their Netflix name (exact TMDB matches only: the
/// fuzzy ones are often another title, and without a year or id there is nothing to check
/// them with).
///
/// - A name the Top 10 linker already placed keeps that title.
/// - Other names are matched like Top 10 names, among all titles (trend-only ones
///   included), dated by their release date or else the report's half-year.
/// - Only exact keys match (as printed, then without a season): the reports' ~30,000 names
///   are mostly not in the Top 10, and fuzzy matching among them paired different titles
///   ("The Last Daughter" → "The Lost Daughter").
/// - A name that matches nothing becomes a title of its own when TMDB gives it genres
///   (it can then seed recommendations) and it was watched for at least
///   [`MIN_NEW_TITLE_HOURS`] in a half-year; else its rows stay unlinked (counted).
/// - A title without genres (or countries) takes them from the TMDB match of any of its
///   names; a trend-only title that gains genres is no longer trend-only.
/// - A title without a year takes its earliest engagement release date's; a film without
///   a runtime takes the report's.
pub fn link_engagement(
    drafts: &mut Vec<Draft>,
    top10: &HashMap<(String, Kind), usize>,
    rows: &[crate::sources::engagement::EngagementRow],
    enrich: &[crate::sources::tmdb::Enrichment],
) -> EngagementLinks {
    use crate::sources::engagement::period_end;
    use crate::sources::tmdb::ENRICHMENT_SOURCE;
    let mut tmdb: HashMap<(&str, Kind), &crate::sources::tmdb::Enrichment> = HashMap::default();
    for e in enrich.iter().filter(|e| e.exact && !e.genres.is_empty()) {
        tmdb.entry((e.title.as_str(), e.kind)).or_insert(e);
    }
    // Each distinct name with the earliest date it is known by and its most hours in a
    // half-year.
    let mut names: BTreeMap<(String, Kind), (String, u64)> = BTreeMap::new();
    for r in rows {
        let kind = r.kind.unwrap_or_default();
        let date = r
            .release_date
            .clone()
            .unwrap_or_else(|| period_end(&r.period));
        let e = names
            .entry((r.title.clone(), kind))
            .or_insert((date.clone(), r.hours));
        if date < e.0 {
            e.0 = date;
        }
        e.1 = e.1.max(r.hours);
    }
    let index = Index::new(drafts);
    let n_all = drafts.len();
    type Name = (String, Kind);
    let todo: Vec<(&Name, &(String, u64))> = names
        .iter()
        .filter(|(n, _)| !top10.contains_key(*n))
        .collect();
    let catalog: &[Draft] = drafts;
    let matched: Vec<NameMatch> = crate::par::map_ordered(&todo, |(name, date)| {
        match_name(&index, catalog, n_all, name, &date.0, false)
    });
    let mut links = EngagementLinks::default();
    let mut by_name: HashMap<(String, Kind), usize> = HashMap::default();
    let mut new_by_key: HashMap<(String, Kind), usize> = HashMap::default();
    let mut new_ids: HashSet<String> = HashSet::default();
    let (mut linked, mut created, mut unlinked) = (0u64, 0u64, 0u64);
    for (((show, kind), (_, hours)), (variants, hit)) in todo.into_iter().zip(matched) {
        let target = match hit {
            Some((i, score)) => {
                if score < 1.0 {
                    let note = drafts[i].match_note("engagement → titles", show.clone(), score);
                    links.notes.push(note);
                }
                linked += 1;
                i
            }
            None if *hours >= MIN_NEW_TITLE_HOURS && tmdb.contains_key(&(show.as_str(), *kind)) => {
                let base = variants.last().cloned().unwrap_or_else(|| show.clone());
                let key = (title_key(&base), *kind);
                match new_by_key.get(&key) {
                    Some(&i) => i,
                    None => {
                        let i = drafts.len();
                        drafts.push(name_only_draft(
                            ENGAGEMENT_SOURCE,
                            "netflix",
                            show,
                            &base,
                            &key,
                            &mut new_ids,
                        ));
                        new_by_key.insert(key, i);
                        created += 1;
                        i
                    }
                }
            }
            None => {
                unlinked += 1;
                continue;
            }
        };
        by_name.insert((show.clone(), *kind), target);
    }
    let n_names = names.len() as u64;
    let from_top10 = names.keys().filter(|n| top10.contains_key(*n)).count() as u64;
    let lookup = |n: &(String, Kind)| top10.get(n).or_else(|| by_name.get(n)).copied();
    // TMDB genres and origin, through every Netflix name a title is known by.
    let mut enriched = 0u64;
    let all_names: Vec<(&(String, Kind), usize)> = top10
        .iter()
        .map(|(n, &i)| (n, i))
        .chain(by_name.iter().map(|(n, &i)| (n, i)))
        .collect();
    let mut all_names = all_names;
    all_names.sort();
    for ((show, kind), i) in all_names {
        let Some(e) = tmdb.get(&(show.as_str(), *kind)) else {
            continue;
        };
        let d = &mut drafts[i];
        let mut used = false;
        if d.rec.genres.is_empty() {
            d.rec.genres = e.genres.clone();
            used = true;
        }
        if d.rec.countries.is_empty() && !e.countries.is_empty() {
            d.rec.countries = e.countries.clone();
            used = true;
        }
        if used {
            enriched += 1;
            let src = SourceRef {
                source: ENRICHMENT_SOURCE.into(),
                id: String::new(),
            };
            if !d.sources.contains(&src) {
                d.sources.push(src);
            }
        }
        if d.trend_only && !d.rec.genres.is_empty() {
            d.trend_only = false;
        }
    }
    // Rows onto titles; dates and runtimes where the catalog has none.
    links.row_title = rows
        .iter()
        .map(|r| lookup(&(r.title.clone(), r.kind.unwrap_or_default())))
        .collect();
    for (r, t) in rows.iter().zip(&links.row_title) {
        let Some(i) = *t else { continue };
        let d = &mut drafts[i];
        let year = r
            .release_date
            .as_deref()
            .and_then(|s| s.get(..4)?.parse::<u16>().ok());
        if let Some(y) = year {
            if d.rec.source == ENGAGEMENT_SOURCE || d.trend_only || d.rec.year.is_none() {
                d.rec.year = Some(d.rec.year.map_or(y, |old| old.min(y)));
            }
        }
        if d.rec.kind == Kind::Movie && d.rec.runtime_min.is_none() {
            d.rec.runtime_min = r.runtime_min;
        }
        let src = SourceRef {
            source: ENGAGEMENT_SOURCE.into(),
            id: String::new(),
        };
        if !d.sources.contains(&src) {
            d.sources.push(src);
        }
    }
    links.joins = vec![
        JoinReport {
            name: "engagement titles → titles".into(),
            matched: linked + from_top10 + created,
            total: n_names,
        },
        JoinReport {
            name: "engagement titles → new titles (TMDB genres)".into(),
            matched: created,
            total: n_names,
        },
        JoinReport {
            name: "engagement titles unlinked (no match; no genres or few hours)".into(),
            matched: unlinked,
            total: n_names,
        },
        JoinReport {
            name: "titles given TMDB genres/origin by Netflix name".into(),
            matched: enriched,
            total: drafts.len() as u64,
        },
    ];
    links
}
