//! The trend queries the app's Trends and Title pages use, on hand-written rows.

use engine::trends::{
    category_shares, co_charting, country_index, country_runs_in, country_runs_of, entry_label,
    latest_lists, longest_running, most_popular, number_ones, title_history, weekly_series,
    Category, Charted, Country, CountryRun, PopularEntry, Trends, WeekPoint, WeeklyEntry,
};

fn row(week: u16, category: Category, rank: u8, title: u32, hours: u64) -> WeeklyEntry {
    WeeklyEntry {
        week,
        category,
        rank,
        title,
        season: None,
        hours_viewed: hours,
        views: None,
        cumulative_weeks: 1,
    }
}

fn run(country: u16, title: u32, first: u16, last: u16) -> CountryRun {
    CountryRun {
        country,
        title,
        weeks: last - first + 1,
        best_rank: 1,
        first_week: first,
        last_week: last,
    }
}

/// Four weeks; title 1 is a two-season show, 2 and 3 films, 9 a trend-only hit.
fn trends() -> Trends {
    use Category::*;
    let mut s2 = row(1, TvEnglish, 1, 1, 300);
    s2.season = Some("Show: Season 2".into());
    let mut s1 = row(1, TvEnglish, 4, 1, 50);
    s1.season = Some("Show: Season 1".into());
    let mut t = Trends {
        weeks: (0..4).map(|w| format!("2025-01-0{}", w + 1)).collect(),
        global: vec![
            row(0, FilmsEnglish, 1, 2, 100),
            row(0, FilmsEnglish, 2, 9, 80),
            row(0, TvEnglish, 1, 1, 200),
            s2,
            s1,
            row(1, FilmsEnglish, 2, 9, 70),
            row(1, FilmsEnglish, 1, 3, 90),
            row(3, FilmsEnglish, 3, 9, 10),
            row(3, FilmsEnglish, 1, 3, 60),
            row(3, TvNonEnglish, 1, 4, 40),
        ],
        countries: vec![
            Country {
                iso2: "US".into(),
                name: "United States".into(),
            },
            Country {
                iso2: "KR".into(),
                name: "South Korea".into(),
            },
        ],
        country_runs: vec![
            run(0, 9, 0, 1),
            run(0, 5, 1, 3),
            run(0, 6, 2, 3),
            run(1, 9, 0, 0),
            run(1, 5, 0, 2),
            run(1, 2, 0, 3),
        ],
        most_popular: vec![
            PopularEntry {
                category: Category::TvEnglish,
                rank: 2,
                title: 1,
                season: Some("Show: Season 2".into()),
                views: 5,
                hours_viewed: 9,
            },
            PopularEntry {
                category: Category::TvEnglish,
                rank: 1,
                title: 4,
                season: None,
                views: 7,
                hours_viewed: 9,
            },
            PopularEntry {
                category: Category::FilmsEnglish,
                rank: 1,
                title: 2,
                season: None,
                views: 1,
                hours_viewed: 1,
            },
        ],
        ..Trends::default()
    };
    t.summarize();
    t
}

#[test]
fn latest_lists_are_the_last_weeks_four_lists_by_rank() {
    let t = trends();
    let lists = latest_lists(&t);
    assert_eq!(
        lists.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        Category::ALL.to_vec()
    );
    let films: Vec<u32> = lists[0].1.iter().map(|e| e.title).collect();
    assert_eq!(films, vec![3, 9], "rank order");
    assert!(lists[2].1.is_empty(), "no TV (English) rows in week 3");
    assert_eq!(number_ones(&t, 3), vec![3, 4]);
    assert_eq!(number_ones(&t, 1), vec![3]);
    assert!(latest_lists(&Trends::default()).is_empty());
}

#[test]
fn weekly_series_spans_gaps_and_sums_seasons() {
    let t = trends();
    let s = weekly_series(&t, &[9, 1]).expect("both charted");
    assert_eq!(
        s.weeks,
        vec![0, 1, 2, 3],
        "week 2 is a gap, kept on the axis"
    );
    assert_eq!(s.titles[0].0, 9, "in the order asked");
    assert_eq!(
        s.titles[0].1,
        vec![
            Some(WeekPoint {
                hours: 80,
                best_rank: 2
            }),
            Some(WeekPoint {
                hours: 70,
                best_rank: 2
            }),
            None,
            Some(WeekPoint {
                hours: 10,
                best_rank: 3
            }),
        ]
    );
    assert_eq!(
        s.titles[1].1[1],
        Some(WeekPoint {
            hours: 350,
            best_rank: 1
        }),
        "two seasons in one week: hours summed, best rank"
    );
    assert!(weekly_series(&t, &[77]).is_none());
}

#[test]
fn title_history_groups_by_season() {
    let t = trends();
    let h = title_history(&t, 1).expect("charted");
    assert_eq!(h.weeks, vec![0, 1]);
    let labels: Vec<&str> = h.seasons.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, vec!["", "Show: Season 1", "Show: Season 2"]);
    assert_eq!(h.seasons[0].1[0].map(|e| e.hours_viewed), Some(200));
    assert!(h.seasons[0].1[1].is_none());
    assert_eq!(h.seasons[2].1[1].map(|e| e.rank), Some(1));
    assert_eq!((h.best_rank, h.hours), (1, 550));
    assert!(title_history(&t, 77).is_none());
}

#[test]
fn longest_runs_and_shares() {
    let t = trends();
    let top: Vec<(u32, u16)> = longest_running(&t.charted, 3)
        .iter()
        .map(|c| (c.title, c.weeks))
        .collect();
    assert_eq!(top, vec![(9, 3), (1, 2), (3, 2)], "weeks, then best rank");
    let tie = [
        Charted {
            title: 5,
            weeks: 2,
            best_rank: 1,
        },
        Charted {
            title: 4,
            weeks: 2,
            best_rank: 1,
        },
    ];
    assert_eq!(longest_running(&tie, 5)[0].title, 4, "ties by title");

    let shares = category_shares(&t);
    assert_eq!(shares.len(), 4);
    assert_eq!(
        shares[0],
        Some([47.4, 0.0, 52.6, 0.0]),
        "180 of 380, 200 of 380"
    );
    assert_eq!(shares[2], None, "no rows that week");
    for s in shares.iter().flatten() {
        let sum: f64 = s.iter().sum();
        assert!((sum - 100.0).abs() < 0.2, "{s:?}");
    }
}

#[test]
fn country_runs_and_most_popular() {
    let t = trends();
    assert_eq!(country_index(&t, "KR"), Some(1));
    assert_eq!(country_index(&t, "ZZ"), None);
    let kr: Vec<u32> = country_runs_in(&t, 1).iter().map(|r| r.title).collect();
    assert_eq!(kr, vec![2, 5, 9], "longest first");
    let of9: Vec<u16> = country_runs_of(&t, 9).iter().map(|r| r.country).collect();
    assert_eq!(of9, vec![0, 1]);
    let tv: Vec<u32> = most_popular(&t, Category::TvEnglish)
        .iter()
        .map(|e| e.title)
        .collect();
    assert_eq!(tv, vec![4, 1]);
    assert!(most_popular(&t, Category::TvNonEnglish).is_empty());
}

#[test]
fn season_labels_are_not_repeated() {
    assert_eq!(
        entry_label("Wednesday", Some("Wednesday: Season 2")),
        "Wednesday: Season 2"
    );
    assert_eq!(
        entry_label("Squid Game", Some("squid game: Season 1")),
        "squid game: Season 1"
    );
    assert_eq!(
        entry_label("La Casa de Papel", Some("Part 5")),
        "La Casa de Papel: Part 5"
    );
    assert_eq!(entry_label("Glass Onion", None), "Glass Onion");
    assert_eq!(entry_label("Glass Onion", Some("  ")), "Glass Onion");
}

#[test]
fn co_charting_ranks_titles_from_the_same_lists_weeks_and_countries() {
    let t = trends();
    let got = co_charting(&t, &[9], |_| true, 10);
    let titles: Vec<u32> = got.iter().map(|c| c.title).collect();
    // 3 shared the films list in weeks 1 and 3 (2.0); 2 in week 0 and in Korea (1.5);
    // 5 overlapped in both countries (1.0); 6 charted in the US only after 9 left (no).
    assert_eq!(titles, vec![3, 2, 5]);
    assert_eq!((got[0].weeks, got[0].countries), (2, 0));
    assert_eq!((got[1].weeks, got[1].countries), (1, 1));
    assert_eq!((got[2].weeks, got[2].countries), (0, 2));
    assert!(!titles.contains(&1), "another list (TV) does not count");
    let kept: Vec<u32> = co_charting(&t, &[9], |i| i != 3, 1)
        .iter()
        .map(|c| c.title)
        .collect();
    assert_eq!(kept, vec![2], "filtered, then cut to n");
    assert!(co_charting(&t, &[77], |_| true, 10).is_empty());
    assert!(
        co_charting(&t, &[9, 3], |_| true, 10)
            .iter()
            .all(|c| c.title != 3 && c.title != 9),
        "seeds never come back"
    );
}
