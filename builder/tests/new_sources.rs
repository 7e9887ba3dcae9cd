//! The newer sources on the real snapshot: Netflix's engagement reports (xlsx), TMDB films
//! and the TMDB genres of Netflix's names. Recent hits must recommend from their own
//! metadata, not be dead ends known only from the Top 10.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use builder::build::recommendable;
use builder::sources::{engagement, SourceLog};

fn find<'a>(cat: &'a engine::Catalog, title: &str, kind: engine::Kind) -> &'a engine::Title {
    let hits: Vec<&engine::Title> = cat
        .titles
        .iter()
        .filter(|t| t.title == title && t.kind == kind)
        .collect();
    assert_eq!(hits.len(), 1, "{title}: {hits:#?}");
    hits[0]
}

#[test]
fn recent_hits_recommend_from_their_own_metadata() {
    let bundle = builder::build::assemble(&common::snapshot_only()).unwrap();
    let cat = &bundle.body.catalog;
    let model = engine::model::Model::build(cat, &engine::model::Weights::default());
    for (title, kind, genre) in [
        ("Damsel", engine::Kind::Movie, "fantasy"),
        ("Leave the World Behind", engine::Kind::Movie, "thriller"),
        ("KPop Demon Hunters", engine::Kind::Movie, "animation"),
        ("Adolescence", engine::Kind::Show, "drama"),
    ] {
        let t = find(cat, title, kind);
        assert!(!t.trend_only, "{title} is trend-only");
        assert!(recommendable(t), "{title}: {t:#?}");
        assert!(cat.genre_names(t).any(|g| g == genre), "{title}: {t:#?}");
        assert!(
            t.engagement_views.is_some(),
            "{title} has no engagement views"
        );
        let i = cat.index_of(&t.id).unwrap();
        let recs =
            engine::recommend::recommend(&model, cat, &engine::recommend::Query::like(i, 10));
        assert_eq!(recs.len(), 10, "{title}: {} results", recs.len());
    }
    // Per-half-year rows: Adolescence (2025 Jan–Jun) is in the details with its hours.
    let trends = &bundle.body.trends;
    assert!(
        trends.engagement_periods.len() >= 6,
        "{:?}",
        trends.engagement_periods
    );
    let adolescence = cat
        .index_of(&find(cat, "Adolescence", engine::Kind::Show).id)
        .unwrap() as u32;
    let h1_2025 = trends
        .engagement_periods
        .iter()
        .position(|p| p == "2025H1")
        .unwrap() as u8;
    let row = trends
        .engagement
        .iter()
        .find(|e| e.title == adolescence && e.period == h1_2025)
        .unwrap();
    assert!(row.hours_viewed >= 500_000_000, "{row:?}");
    // Freshness is measured and far above the catalog-only 12%.
    let f = bundle.body.report.freshness.clone().unwrap();
    assert_eq!(f.weeks, 52);
    assert_eq!(f.titles, f.films.titles + f.series.titles);
    assert!(f.rate() > 0.5, "{f:#?}");
    assert!(f.films.recommendable * 3 > f.films.titles, "{f:#?}");
    assert!(f.top_gaps.windows(2).all(|w| w[0].hours >= w[1].hours));
    // Every report was read; none lost many rows.
    let reports: Vec<_> = bundle
        .body
        .report
        .sources
        .iter()
        .filter(|s| s.name == engagement::SOURCE)
        .collect();
    assert_eq!(reports.len(), 5);
    for r in reports {
        assert!(r.rows_read > 15_000, "{r:?}");
        assert!(r.rows_rejected * 1000 < r.rows_read, "{r:?}");
    }
}

#[test]
fn a_truncated_report_stops_the_build_naming_the_file() {
    let path = common::snapshot()
        .join("engagement/What_We_Watched_A_Netflix_Engagement_Report_2025Jan-Jun.xlsx");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.truncate(bytes.len() / 2);
    let mut log = SourceLog::new(engagement::SOURCE, "x");
    let err = engagement::read_xlsx(&path, bytes, &mut log).unwrap_err();
    assert!(err.to_string().contains("2025Jan-Jun.xlsx"), "{err}");
}

#[test]
fn each_real_report_layout_is_read() {
    for path in common::snapshot_only().list("engagement", ".xlsx") {
        let mut log = SourceLog::new(engagement::SOURCE, "x");
        let rows = engagement::read_xlsx(&path, std::fs::read(&path).unwrap(), &mut log)
            .unwrap_or_else(|e| panic!("{e}"));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(rows.len() > 15_000, "{name}: {} rows", rows.len());
        // Dates are read from date cells and from text alike.
        let dated = rows.iter().filter(|r| r.release_date.is_some()).count();
        assert!(dated * 4 > rows.len(), "{name}: {dated} dated");
        assert!(rows.iter().all(|r| !r.title.contains(" // ")), "{name}");
        if name.contains("2023Jan-Jun") {
            assert!(rows.iter().all(|r| r.kind.is_none() && r.views.is_none()));
        } else {
            assert!(rows.iter().all(|r| r.kind.is_some()));
            let timed = rows.iter().filter(|r| r.runtime_min.is_some()).count();
            assert!(timed * 10 > rows.len() * 9, "{name}: {timed} with runtime");
        }
    }
}
