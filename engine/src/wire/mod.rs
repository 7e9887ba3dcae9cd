//! The bundle body's wire layout: columns instead of records.
//!
//! The in-memory types ([`Body`], [`Catalog`], [`Trends`]) are what the app and the CLI
//! use; this module converts them to a column-per-field struct for postcard and back, so
//! only the bytes change. Columns compress far better under brotli/gzip than interleaved
//! records: every description sits next to other descriptions, small integers sit next to
//! similar integers, sorted ids are front-coded, sorted runs are delta-coded, repeated
//! strings are dictionary-coded, and people are numbered in order of first use so most
//! credits are the byte `0` ("the next new person").
//!
//! Every encoding is lossless for any value of the in-memory types (a test round-trips
//! arbitrary values); the compact forms are chosen when they apply and fall back otherwise.
//! Decoding validates every index and length and reports a malformed body as an error.
//!
//! Files: `columns` (the encodings), `catalog` and `trends` (each table's core and details
//! parts); this module joins them into the core body and the details body.

mod catalog;
mod columns;
mod trends;

use serde::{Deserialize, Serialize};

use crate::bundle::Body;
use crate::report::{DataReport, MetricsRecord};
use catalog::{WireCatalog, WireCatalogDetails};
#[cfg(test)]
use columns::*;
use trends::{WireTrends, WireTrendsDetails};

/// Why a body's columns do not fit together (a builder bug or a corrupt file).
pub(crate) type WireError = String;

/// The core file's body as written.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct WireBody {
    catalog: WireCatalog,
    trends: WireTrends,
    report: DataReport,
    metrics_history: Vec<MetricsRecord>,
}

impl WireBody {
    /// The wire form of a body's core part.
    pub(crate) fn encode(b: &Body) -> Result<WireBody, WireError> {
        Ok(WireBody {
            catalog: WireCatalog::encode(&b.catalog)?,
            trends: WireTrends::encode(&b.trends),
            report: b.report.clone(),
            metrics_history: b.metrics_history.clone(),
        })
    }

    /// Back to the in-memory body; an error names the first column that does not fit.
    pub(crate) fn decode(self) -> Result<Body, WireError> {
        Ok(Body {
            catalog: self.catalog.decode()?,
            trends: self.trends.decode()?,
            report: self.report,
            metrics_history: self.metrics_history,
        })
    }
}

/// The details file's body as written.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct WireDetails {
    catalog: WireCatalogDetails,
    trends: WireTrendsDetails,
}

impl WireDetails {
    /// The wire form of a complete body's details part.
    pub(crate) fn encode(b: &Body) -> Result<WireDetails, WireError> {
        Ok(WireDetails {
            catalog: WireCatalogDetails::encode(&b.catalog)?,
            trends: WireTrendsDetails::encode(&b.trends),
        })
    }

    /// Completes a body decoded from the core file. On error `b` may be half-filled; the
    /// caller works on a copy (see `Bundle::attach_details`).
    pub(crate) fn attach(self, b: &mut Body) -> Result<(), WireError> {
        self.catalog.attach(&mut b.catalog)?;
        self.trends.attach(&mut b.trends)?;
        if b.catalog.titles.len()
            < b.trends
                .global
                .iter()
                .map(|e| e.title as usize + 1)
                .max()
                .unwrap_or(0)
        {
            return Err("weekly row links to a title beyond the catalog".to_owned());
        }
        if b.trends
            .engagement
            .iter()
            .any(|e| e.title as usize >= b.catalog.titles.len())
        {
            return Err("engagement row links to a title beyond the catalog".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::catalog::*;
    use super::*;
    use crate::catalog::{SourceRef, Title, UNLOADED_PERSON};
    use crate::trends::*;

    /// Core and details out, core in, details attached.
    fn round_trip(b: &Body) -> Body {
        let core = postcard::to_allocvec(&WireBody::encode(b).unwrap()).unwrap();
        let details = postcard::to_allocvec(&WireDetails::encode(b).unwrap()).unwrap();
        let mut back = postcard::from_bytes::<WireBody>(&core)
            .unwrap()
            .decode()
            .unwrap();
        postcard::from_bytes::<WireDetails>(&details)
            .unwrap()
            .attach(&mut back)
            .unwrap();
        back
    }

    /// What a round trip gives for `b`: terms indexed, and people renumbered as decoding
    /// numbers them (people with several credits by name, then single-credit people in
    /// link order, then people without credits).
    fn canonical(b: &Body) -> Body {
        let mut b = b.clone();
        let c = &mut b.catalog;
        if !c.terms.covers(c.titles.len()) {
            c.index_terms();
        }
        let uses = credit_counts(c).unwrap();
        let mut multi: Vec<u32> = (0..c.people.len() as u32)
            .filter(|&p| uses[p as usize] >= 2)
            .collect();
        multi.sort_by(|&a, &b| c.people[a as usize].cmp(&c.people[b as usize]));
        let mut order = multi;
        for t in &c.titles {
            for &p in t.directors.iter().chain(&t.cast) {
                if uses[p as usize] == 1 {
                    order.push(p);
                }
            }
        }
        order.extend((0..c.people.len() as u32).filter(|&p| uses[p as usize] == 0));
        let mut new_id = vec![0u32; c.people.len()];
        for (i, &p) in order.iter().enumerate() {
            new_id[p as usize] = i as u32;
        }
        c.people = order
            .iter()
            .map(|&p| c.people[p as usize].clone())
            .collect();
        for t in &mut c.titles {
            for p in t.directors.iter_mut().chain(t.cast.iter_mut()) {
                *p = new_id[*p as usize];
            }
        }
        b
    }

    #[test]
    fn synthetic_catalog_round_trips() {
        let mut b = Body {
            catalog: crate::synth::catalog(300, 3),
            ..Body::default()
        };
        b.catalog.titles[0].imdb_id = Some("tt9".into());
        b.catalog.titles[1].imdb_id = Some(b.catalog.titles[1].id.clone());
        b.catalog.titles[2].imdb_score = Some(7.3);
        b.catalog.titles[3].tmdb_popularity = Some(1e30);
        b.catalog.titles[4].tmdb_score = Some(f32::NAN);
        b.catalog.titles[5].sources = vec![
            SourceRef {
                source: "a".into(),
                id: "x".into(),
            },
            SourceRef {
                source: "b".into(),
                id: String::new(),
            },
        ];
        b.catalog.titles[6].age_rating = Some("PG".into());
        b.catalog.titles[7].trend_only = true;
        b.catalog.titles[8].year = Some(u16::MAX);
        // Posters at the first and last title, an empty and a hostile path: kept as given.
        b.catalog.titles[0].poster_path = Some("/a.jpg".into());
        b.catalog.titles[9].poster_path = Some(String::new());
        b.catalog.titles[10].poster_path = Some("https://evil.example/../x".into());
        b.catalog.titles[299].poster_path = Some("/z.jpg".into());
        let back = round_trip(&b);
        // NaN != NaN: compare that one by bits.
        assert!(back.catalog.titles[4].tmdb_score.unwrap().is_nan());
        b.catalog.titles[4].tmdb_score = None;
        let mut back = back;
        back.catalog.titles[4].tmdb_score = None;
        assert_eq!(back, canonical(&b));
    }

    #[test]
    fn unsorted_people_and_repeated_credits_round_trip() {
        let mut b = Body::default();
        b.catalog.people = vec!["Zed".into(), "Amy".into(), "Amy".into(), "Nobody".into()];
        b.catalog.titles.push(Title {
            id: "b".into(),
            directors: vec![2, 0],
            cast: vec![1, 1, 0],
            ..Title::default()
        });
        b.catalog.titles.push(Title {
            id: "a".into(),
            description: "é…".into(),
            ..Title::default()
        });
        assert_eq!(round_trip(&b), canonical(&b));
        b.catalog.titles[0].directors = vec![2, 0, 7];
        let err = WireBody::encode(&b).unwrap_err();
        assert!(err.contains("person 7"), "{err}");
    }

    #[test]
    fn core_alone_marks_single_credits_and_re_encodes_identically() {
        let b = Body {
            catalog: crate::synth::catalog(200, 5),
            ..Body::default()
        };
        let core = postcard::to_allocvec(&WireBody::encode(&b).unwrap()).unwrap();
        let alone = postcard::from_bytes::<WireBody>(&core)
            .unwrap()
            .decode()
            .unwrap();
        let uses = credit_counts(&b.catalog).unwrap();
        let singles = uses.iter().filter(|&&u| u == 1).count();
        let unloaded = alone
            .catalog
            .titles
            .iter()
            .flat_map(|t| t.directors.iter().chain(&t.cast))
            .filter(|&&p| p == UNLOADED_PERSON)
            .count();
        assert!(singles > 0);
        assert_eq!(unloaded, singles);
        assert!(alone
            .catalog
            .titles
            .iter()
            .all(|t| t.description.is_empty() && t.poster_path.is_none()));
        assert_eq!(alone.catalog.terms, canonical(&b).catalog.terms);
        let again = postcard::to_allocvec(&WireBody::encode(&alone).unwrap()).unwrap();
        assert_eq!(again, core, "a core-only body writes the same core file");
        assert!(
            WireDetails::encode(&alone).is_err(),
            "no details without names"
        );
    }

    #[test]
    fn poster_links_out_of_order_or_range_are_refused() {
        let b = Body {
            catalog: crate::synth::catalog(20, 2),
            ..Body::default()
        };
        let core = || {
            postcard::from_bytes::<WireBody>(
                &postcard::to_allocvec(&WireBody::encode(&b).unwrap()).unwrap(),
            )
            .unwrap()
            .decode()
            .unwrap()
        };
        for (gaps, paths, want) in [
            (vec![3u32, 0], 2, "poster 1"),
            (vec![20], 1, "poster 0"),
            (vec![19, u32::MAX], 2, "poster 1"),
            (vec![1, 2], 1, "poster titles"),
        ] {
            let mut d = WireDetails::encode(&b).unwrap();
            d.catalog.poster_titles = gaps;
            d.catalog.posters = StrCol::default();
            for _ in 0..paths {
                d.catalog.posters.push("/p.jpg");
            }
            let mut body = core();
            let err = d.attach(&mut body).unwrap_err();
            assert!(err.contains(want), "{err}");
        }
    }

    #[test]
    fn trends_round_trip() {
        let mut b = Body::default();
        b.trends.weeks = vec!["2021-07-04".into(), "2021-07-11".into()];
        for (i, (week, hours)) in [(0u16, 1_230_000u64), (0, u64::MAX), (1, 7), (0, 0)]
            .into_iter()
            .enumerate()
        {
            b.trends.global.push(WeeklyEntry {
                week,
                category: Category::ALL[i % 4],
                rank: i as u8 + 1,
                title: 40 - i as u32,
                season: (i % 2 == 0).then(|| "Season 1".into()),
                hours_viewed: hours,
                views: (i != 1).then_some(hours / 3),
                cumulative_weeks: 3,
            });
        }
        for (country, title, first, last) in [(0u16, 5u32, 1u16, 0u16), (0, 2, 0, 1), (3, 9, 1, 1)]
        {
            b.trends.country_runs.push(CountryRun {
                country,
                title,
                weeks: 2,
                best_rank: 4,
                first_week: first,
                last_week: last,
            });
        }
        b.trends.countries_through = Some("2021-07-11".into());
        b.trends.countries = (0..4)
            .map(|i| Country {
                iso2: format!("C{i}"),
                name: format!("Country {i}"),
            })
            .collect();
        b.catalog.titles = (0..41)
            .map(|i| Title {
                id: format!("t{i:02}"),
                ..Title::default()
            })
            .collect();
        b.trends.engagement_periods = vec!["2023H1".into(), "2023H2".into()];
        for (period, title, hours, views) in [
            (0u8, 40u32, 812_100_000u64, None),
            (1, 3, 0, Some(0)),
            (1, 40, u64::MAX, Some(123_456_789)),
        ] {
            b.trends.engagement.push(EngagementEntry {
                period,
                title,
                hours_viewed: hours,
                views,
            });
        }
        b.catalog.titles[5].engagement_views = Some(0);
        b.catalog.titles[6].engagement_views = Some(u64::MAX);
        b.catalog.titles[7].engagement_views = Some(14_000_000);
        b.trends.summarize();
        assert_eq!(b.trends.charted.len(), 4);
        assert_eq!(round_trip(&b), canonical(&b));
        // Sorted by (country, title): written by title, sorted back.
        b.trends.country_runs.sort_by_key(|r| (r.country, r.title));
        b.trends.country_runs[0].first_week = u16::MAX;
        assert_eq!(round_trip(&b), canonical(&b));
    }

    #[test]
    fn prefix_sort_is_string_order() {
        let names: Vec<String> = [
            "b",
            "abcdefghZ",
            "abcdefgh",
            "",
            "abcdefghA",
            "a\u{e9}",
            "ab",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let got: Vec<&str> = sorted_order(&names)
            .iter()
            .map(|&i| names[i as usize].as_str())
            .collect();
        let mut want: Vec<&str> = names.iter().map(String::as_str).collect();
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn rounded_counts_pack_small() {
        for v in [0u64, 1, 10, 12_340_000, 999, u64::MAX, 10u64.pow(19)] {
            let mut c = CountCol::default();
            c.push(v);
            let mut r = CountReader {
                col: &c,
                next: 0,
                big: 0,
            };
            assert_eq!(r.next().unwrap(), v);
        }
        assert_eq!(pack_round(12_300_000), (123 << 4) | 5);
    }
}

/// Writes each column of a real bundle to its own file so its compressed size can be
/// measured (`BUNDLE=public/bundle.bin COLS=/tmp/cols cargo test -p engine -- --ignored
/// dump_columns`, then `brotli -q 11` each file). Not part of the normal test run.
#[cfg(test)]
mod size_report {
    use super::*;

    #[test]
    #[ignore = "needs a real bundle; a measuring aid"]
    fn dump_columns() {
        let (Ok(path), Ok(dir)) = (std::env::var("BUNDLE"), std::env::var("COLS")) else {
            return;
        };
        let bytes = std::fs::read(path).unwrap();
        let b = crate::Bundle::decode(&bytes).unwrap();
        let w = WireBody::encode(&b.body).unwrap();
        // Measured with `DETAILS=public/details.bin` also set.
        let out = |name: &str, v: Vec<u8>| std::fs::write(format!("{dir}/{name}"), v).unwrap();
        macro_rules! col {
            ($w:ident, $pre:literal: $($e:ident . $f:ident),*) => {
                $( out(concat!($pre, stringify!($e), ".", stringify!($f)), postcard::to_allocvec(&$w.$e.$f).unwrap()); )*
            };
        }
        col!(
            w, "":
            catalog.ids,
            catalog.titles,
            catalog.flags,
            catalog.years,
            catalog.genres,
            catalog.directors,
            catalog.cast,
            catalog.countries,
            catalog.age_ratings,
            catalog.runtimes,
            catalog.seasons,
            catalog.imdb_mode,
            catalog.imdb_other,
            catalog.imdb_scores,
            catalog.imdb_votes,
            catalog.tmdb_popularity,
            catalog.tmdb_scores,
            catalog.term_words,
            catalog.terms,
            catalog.source_names,
            catalog.sources,
            catalog.people,
            trends.weeks,
            trends.countries,
            trends.most_popular,
            trends.trailers,
            trends.c_title_delta,
            trends.c_weeks,
            trends.c_best_rank
        );
        if let Ok(details) = std::fs::read(std::env::var("DETAILS").unwrap_or_default()) {
            let mut full = b.clone();
            full.attach_details(&details).unwrap();
            let d = WireDetails::encode(&full.body).unwrap();
            col!(
                d, "details.":
                catalog.descriptions,
                catalog.source_ids,
                catalog.people,
                catalog.poster_titles,
                catalog.posters,
                trends.g_week_delta,
                trends.g_category,
                trends.g_rank,
                trends.g_title,
                trends.g_season,
                trends.g_hours,
                trends.g_views,
                trends.g_views_some,
                trends.g_cumulative,
                trends.r_country_delta,
                trends.r_title_delta,
                trends.r_weeks,
                trends.r_best_rank,
                trends.r_first_week,
                trends.r_span
            );
        }
        out("report", postcard::to_allocvec(&w.report).unwrap());
        out(
            "metrics_history",
            postcard::to_allocvec(&w.metrics_history).unwrap(),
        );
    }
}
