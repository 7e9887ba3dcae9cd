//! The reader, resolver and profile on hand-written exports.

use super::*;
use crate::catalog::{Catalog, Kind, SourceRef, Title};
use crate::model::{Model, Weights};
use crate::recommend::Query;
use crate::synth;
use read::{DateOrder, Encoding};

/// A synthetic catalog plus the named titles the fixtures watch.
fn catalog() -> Catalog {
    let mut c = synth::catalog(300, 3);
    let add = |c: &mut Catalog, title: &str, kind: Kind, genres: Vec<u32>, top10: &[&str]| {
        let n = c.titles.len();
        c.titles.push(Title {
            id: format!("tt{n:07}"),
            title: title.into(),
            kind,
            year: Some(2016),
            description: "kaex loex mirenex tuex sa vorex delex prina golex sheex barex".into(),
            genres,
            cast: vec![1, 2, 3],
            countries: vec![0],
            imdb_votes: Some(1000 + n as u32),
            sources: top10
                .iter()
                .map(|s| SourceRef {
                    source: "top10".into(),
                    id: (*s).into(),
                })
                .collect(),
            ..Title::default()
        });
    };
    add(
        &mut c,
        "Stranger Things",
        Kind::Show,
        vec![9, 10],
        &["Stranger Things 4"],
    );
    add(&mut c, "Heat", Kind::Movie, vec![6, 2], &[]);
    add(&mut c, "Heat", Kind::Show, vec![0], &[]);
    add(&mut c, "The Crown", Kind::Show, vec![0, 14], &[]);
    add(
        &mut c,
        "Money Heist",
        Kind::Show,
        vec![6, 3],
        &["Money Heist: Part 5"],
    );
    add(
        &mut c,
        "Squid Game",
        Kind::Show,
        vec![0, 2],
        &["Squid Game: Season 2"],
    );
    add(&mut c, "Amélie", Kind::Movie, vec![1, 4], &[]);
    add(
        &mut c,
        "Glass Onion: A Knives Out Mystery",
        Kind::Movie,
        vec![1, 6],
        &[],
    );
    add(&mut c, "킹덤", Kind::Show, vec![11, 14], &[]);
    c
}

fn idx(c: &Catalog, title: &str, kind: Kind) -> usize {
    c.titles
        .iter()
        .position(|t| t.title == title && t.kind == kind)
        .unwrap_or(usize::MAX)
}

const ACTIVITY: &str = "\u{feff}Profile Name,Start Time,Duration,Attributes,Title,Supplemental Video Type,Device Type,Bookmark,Latest Bookmark,Country\r\n\
Ana,2024-03-02 21:00:00,00:50:12,,Stranger Things: Season 1: Chapter One: The Vanishing of Will Byers,,Chrome PC,00:50:12,00:50:12,US (United States)\r\n\
Ana,2024-03-02 20:58:00,00:00:30,,Stranger Things: Season 1 (Trailer),TRAILER,Chrome PC,00:00:30,00:00:30,US (United States)\r\n\
Ana,2024-03-01 20:00:00,01:10:00,Autoplayed: user action: None;,Heat,,Smart TV,01:10:00,01:10:00,US (United States)\r\n\
Ben,2024-03-01 19:00:00,00:45:00,,The Crown: Season 1: Wolferton Splash,,iPhone,00:45:00,00:45:00,GB (United Kingdom)\r\n\
Kids,2024-02-28 10:00:00,00:20:00,,\"Money Heist: Part 5: Episode 1\",,Tablet,00:20:00,00:20:00,US (United States)\r\n\
Ana,2024-02-27 22:00:00,00:00:05,,Squid Game: Season 2: Bread and Lottery,HOOK,Smart TV,00:00:05,00:00:05,US (United States)\r\n\
Ana,2024-02-27 21:00:00,00:40:00,,\"Glass Onion: A Knives Out Mystery\",,Smart TV,00:40:00,00:40:00,US (United States)\r\n\
Ana,2024-02-27 21:00:00,00:40:00,,\"Glass Onion: A Knives Out Mystery\",,Smart TV,00:40:00,00:40:00,US (United States)\r\n\
Ana,2024-02-26 21:00:00,00:30:00,,\"Stranger Things: Season 1: Chapter Two: The Weirdo on Maple Street\",,Smart TV,00:30:00,00:30:00,US (United States)\r\n";

#[test]
fn viewing_activity_profiles_trailers_durations() {
    let h = read(ACTIVITY.as_bytes(), Some("ana")).expect("reads");
    assert_eq!(h.format, Format::Activity);
    assert_eq!(h.profiles, ["Ana", "Ben", "Kids"]);
    assert_eq!(h.profile.as_deref(), Some("Ana"));
    assert_eq!(h.rows, 9);
    assert_eq!(h.entries.len() + h.skipped.len(), h.rows);
    let titles: Vec<&str> = h.entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles.len(), 4, "{titles:?} {:?}", h.skipped);
    assert_eq!(h.entries[0].seconds, Some(50 * 60 + 12));
    assert_eq!(h.entries[0].day, Day::new(2024, 3, 2).unwrap());
    let reasons = |r: SkipReason| h.skipped.iter().filter(|s| s.reason == r).count();
    assert_eq!(reasons(SkipReason::Supplemental), 2);
    assert_eq!(reasons(SkipReason::OtherProfile), 2);
    assert_eq!(reasons(SkipReason::Duplicate), 1);
    assert!(h.skipped.iter().any(|s| s.detail == "TRAILER"));

    // Resolved and weighted: Stranger Things has two episodes and the most time.
    let c = catalog();
    let r = Resolver::new(&c);
    let import = Import::from_history(h, &r);
    let s = import.summary(None, 5);
    assert_eq!(
        (
            s.rows,
            s.matched_rows,
            s.titles,
            s.unmatched_rows,
            s.skipped_rows
        ),
        (9, 4, 3, 0, 5)
    );
    let w = profile::watched(&import, None);
    let st = w
        .iter()
        .find(|w| w.title == idx(&c, "Stranger Things", Kind::Show))
        .unwrap();
    assert_eq!((st.rows, st.seconds), (2, 3012 + 1800));
    assert_eq!(
        w.iter()
            .find(|w| w.title == idx(&c, "Heat", Kind::Movie))
            .map(|w| w.seconds),
        Some(4200)
    );

    // Several profiles and none chosen, or an unknown one: a clear error.
    assert!(matches!(
        read(ACTIVITY.as_bytes(), None),
        Err(HistoryError::ChooseProfile { ref profiles }) if profiles.len() == 3
    ));
    let e = read(ACTIVITY.as_bytes(), Some("Zed")).unwrap_err();
    assert!(
        e.to_string().contains("Zed") && e.to_string().contains("Kids"),
        "{e}"
    );
    assert_eq!(
        read::profiles(ACTIVITY.as_bytes()).unwrap(),
        ["Ana", "Ben", "Kids"]
    );
}

/// An Excel re-save: `;`, no quotes, lower-case header, CRLF, day-first dotted dates,
/// placeholders, a duplicate, impossible and unreadable dates.
const TITLES_SEMI: &str = "title;date\r\n\
Stranger Things: Temporada 2: Capítulo uno: MADMAX;25.10.2021\r\n\
Heat;3.9.2021\r\n\
;3.9.2021\r\n\
: ;3.9.2021\r\n\
Heat;3.9.2021\r\n\
Amélie;31.02.2021\r\n\
The Crown: Season 1: Wolferton Splash;soon\r\n\
Unknown Show Nobody Knows: Season 1: Pilot;1.9.2021\r\n\
Money Heist: Part 5: Episode 1;1.9.2021\r\n\
Strnger Things: Season 3: Chapter One;31.08.2021\r\n\
Squid Game 2;30.08.2021\r\n\
Glass Onion: A Knives Out Mystery;29.08.2021";

#[test]
fn titles_export_every_row_accounted_for() {
    let c = catalog();
    let r = Resolver::new(&c);
    let import = Import::new(TITLES_SEMI.as_bytes(), None, &r).expect("reads");
    let h = &import.history;
    assert_eq!(
        (h.format, h.delimiter, h.date_order),
        (Format::Titles, ';', Some(DateOrder::Dmy))
    );
    assert_eq!(h.rows, 12);
    let reasons: Vec<(u64, SkipReason)> = h
        .skipped
        .iter()
        .map(|s| (s.line, s.reason.clone()))
        .collect();
    assert_eq!(
        reasons,
        [
            (4, SkipReason::EmptyTitle),
            (5, SkipReason::EmptyTitle),
            (6, SkipReason::Duplicate),
            (7, SkipReason::ImpossibleDate),
            (8, SkipReason::BadDate),
        ]
    );
    let got = |line: u64| {
        let i = h.entries.iter().position(|e| e.line == line)?;
        import.title_of(i)
    };
    let st = idx(&c, "Stranger Things", Kind::Show);
    assert_eq!(got(2), Some(st), "Temporada");
    assert_eq!(
        got(3),
        Some(idx(&c, "Heat", Kind::Movie)),
        "a film by its title"
    );
    assert_eq!(got(9), None, "unknown show");
    assert_eq!(got(10), Some(idx(&c, "Money Heist", Kind::Show)), "Part");
    assert_eq!(got(11), Some(st), "near spelling");
    assert_eq!(
        got(12),
        Some(idx(&c, "Squid Game", Kind::Show)),
        "Top 10 trailing number"
    );
    assert_eq!(
        got(13),
        Some(idx(&c, "Glass Onion: A Knives Out Mystery", Kind::Movie)),
        "colon in a film title"
    );
    let s = import.summary(None, 5);
    assert_eq!(s.rows, s.matched_rows + s.unmatched_rows + s.skipped_rows);
    assert_eq!(s.unmatched_rows, 1);
    assert_eq!(s.unmatched[0].name, "Unknown Show Nobody Knows");
    let ix = crate::search::SearchIndex::build_titles(&c);
    let s = import.summary(Some(&ix), 5);
    assert!(s.unmatched[0].suggestions.len() <= 3);
}

#[test]
fn quoted_korean_and_other_encodings() {
    let c = catalog();
    let r = Resolver::new(&c);
    let korean = "Title,Date\n\"킹덤: 시즌 1: 1화\",\"21. 9. 25.\"\n\"Heat\",\"21. 9. 3.\"\n";
    let i = Import::new(korean.as_bytes(), None, &r).expect("reads");
    assert_eq!(i.history.date_order, Some(DateOrder::Ymd));
    assert_eq!(i.history.entries[0].day, Day::new(2021, 9, 25).unwrap());
    assert_eq!(i.title_of(0), Some(idx(&c, "킹덤", Kind::Show)));

    // Quoted line breaks, a quoted comma, month-first dates.
    let us = "Title,Date\n\"Heat: A \"\"Story\"\"\nin two lines\",12/25/21\n\"Stranger Things: Season 1: Hello, Hi\",12/24/21\n";
    let h = read(us.as_bytes(), None).expect("reads");
    assert_eq!(h.date_order, Some(DateOrder::Mdy));
    assert_eq!(h.entries.len(), 2);
    assert_eq!(h.entries[1].line, 4);
    assert!(h.entries[0].title.contains("\"Story\""));

    // UTF-16 (Excel "Unicode text") and Windows-1252 read the same rows.
    let plain = "Title,Date\nAmélie,2021-09-25\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(plain.encode_utf16().flat_map(u16::to_le_bytes));
    let h16 = read(&utf16, None).expect("utf-16");
    assert_eq!(h16.encoding, Encoding::Utf16);
    let cp = b"Title,Date\nAm\xe9lie,2021-09-25\n";
    let h1252 = read(cp, None).expect("cp1252");
    assert_eq!(h1252.encoding, Encoding::Windows1252);
    let h8 = read(plain.as_bytes(), None).expect("utf-8");
    assert_eq!(h16.entries, h8.entries);
    assert_eq!(h1252.entries, h8.entries);
    assert_eq!(h8.entries[0].title, "Amélie");
}

#[test]
fn bad_files_get_clear_errors() {
    assert_eq!(read(b"", None), Err(HistoryError::Empty));
    assert_eq!(read(b" \r\n", None), Err(HistoryError::Empty));
    assert!(matches!(
        read(b"PK\x03\x04\x00\x00", None),
        Err(HistoryError::Binary { offset: 4 })
    ));
    let e = read(b"name,when\nHeat,2021-01-01\n", None).unwrap_err();
    assert!(e.to_string().contains("\"name,when\""), "{e}");
    let e = read(b"Title,Date\nHeat,soon\nCrown,later\n", None).unwrap_err();
    assert!(matches!(e, HistoryError::NoDates { rows: 2, .. }), "{e}");
    assert!(e.to_string().contains("\"soon\""), "{e}");
    // A header alone is an empty history, not an error.
    let h = read(b"Title,Date\n", None).expect("reads");
    assert_eq!((h.rows, h.entries.len()), (0, 0));
}

#[test]
fn profile_weights_excludes_watched_and_explains() {
    let c = catalog();
    let m = Model::build(&c, &Weights::default());
    let r = Resolver::new(&c);
    let import = Import::new(ACTIVITY.as_bytes(), Some("Ana"), &r).expect("reads");
    let w = profile::watched(&import, None);
    let as_of = profile::last_day(&w).unwrap();
    let p = profile::Params::default();
    let likes = profile::likes(&w, &m, &p, as_of);
    assert_eq!(
        likes[0].0,
        idx(&c, "Stranger Things", Kind::Show),
        "{likes:?}"
    );
    let recs = profile::recommend(&m, &c, &w, &p, as_of, &Query::default());
    assert_eq!(recs.len(), 10);
    let watched: Vec<usize> = w.iter().map(|w| w.title).collect();
    for rec in &recs {
        assert!(!watched.contains(&rec.index));
        assert!(!rec.explanation.because.is_empty());
        assert!(rec.explanation.because.iter().all(|b| watched.contains(b)));
        assert!(rec
            .explanation
            .because_watched(&c)
            .starts_with("because you watched "));
    }
    // Cut before the first viewing: nothing watched yet.
    assert!(profile::watched(&import, Day::new(2024, 2, 1)).is_empty());
}

proptest::proptest! {
    #[test]
    fn any_bytes_read_without_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
        if let Ok(h) = read(&bytes, None) {
            proptest::prop_assert_eq!(h.entries.len() + h.skipped.len(), h.rows);
        }
    }

    #[test]
    fn any_text_after_a_header_reads(body in "[ -~\n\";,.:/]{0,300}") {
        let text = format!("Title,Date\n{body}");
        if let Ok(h) = read(text.as_bytes(), None) {
            proptest::prop_assert_eq!(h.entries.len() + h.skipped.len(), h.rows);
        }
    }
}

/// `catalog()` plus titles that test the resolver's rules against false matches.
fn catalog_with(extra: &[(&str, Kind)]) -> Catalog {
    let mut c = catalog();
    for &(title, kind) in extra {
        let n = c.titles.len();
        c.titles.push(Title {
            id: format!("tt{n:07}"),
            title: title.into(),
            kind,
            year: Some(2010),
            description: "kaex loex mirenex tuex sa vorex delex prina golex sheex barex".into(),
            genres: vec![1, 2],
            cast: vec![4, 5],
            countries: vec![0],
            imdb_votes: Some(500),
            ..Title::default()
        });
    }
    c
}

/// Resolves `rows` (a titles export, one row a day) and returns each row's title name and
/// kind, or None when unmatched.
fn resolve_rows(c: &Catalog, rows: &[&str]) -> Vec<Option<(String, Kind)>> {
    let mut csv = String::from("Title,Date\n");
    for (i, r) in rows.iter().enumerate() {
        csv.push_str(&format!("\"{r}\",{}/1/2021\n", 12 - i % 12));
    }
    let import = Import::new(csv.as_bytes(), None, &Resolver::new(c)).expect("reads");
    assert_eq!(import.history.entries.len(), rows.len());
    (0..rows.len())
        .map(|i| {
            import
                .title_of(i)
                .map(|t| (c.titles[t].title.clone(), c.titles[t].kind))
        })
        .collect()
}

#[test]
fn a_year_appended_by_a_source_is_not_part_of_the_name() {
    let c = catalog_with(&[
        ("Archer (2009)", Kind::Show),
        ("Gladiator (2000)", Kind::Movie),
    ]);
    let got = resolve_rows(
        &c,
        &["Archer: Season 1: Mole Hunt", "Gladiator", "Archer 2009"],
    );
    assert_eq!(got[0], Some(("Archer (2009)".into(), Kind::Show)));
    assert_eq!(got[1], Some(("Gladiator (2000)".into(), Kind::Movie)));
    // The year is a source's, not a title's: "Archer 2009" is not "Archer (2009)" unless
    // the catalog says so (it does: the key of the full title).
    assert_eq!(got[2], Some(("Archer (2009)".into(), Kind::Show)));
    assert_eq!(
        resolve_rows(&c, &["Archer (2010): Season 1: Mole Hunt"])[0],
        None,
        "another year is another title"
    );
}

#[test]
fn an_episode_never_resolves_to_a_film() {
    let c = catalog_with(&[("Mission: Impossible", Kind::Movie), ("Skins", Kind::Movie)]);
    let got = resolve_rows(
        &c,
        &[
            "Mission: Impossible: Season 1: Pilot",
            "Skins: Series 1: Tony",
            "Mission: Impossible: Fallout",
            "Mission: Impossible",
            "Skins",
        ],
    );
    assert_eq!(got[0], None, "a series of a film's name");
    assert_eq!(got[1], None, "Series 1 is a season part");
    assert_eq!(
        got[2], None,
        "a sequel is not the film its title starts with"
    );
    assert_eq!(got[3], Some(("Mission: Impossible".into(), Kind::Movie)));
    assert_eq!(got[4], Some(("Skins".into(), Kind::Movie)));
}

#[test]
fn near_spellings_keep_the_kind_and_are_not_extensions() {
    let c = catalog_with(&[
        ("Legally Blonde", Kind::Movie),
        ("Doctor Stranger", Kind::Show),
        ("Westside Story", Kind::Show),
        ("Emily in Paris", Kind::Show),
        ("Chaman Bahar", Kind::Movie),
    ]);
    let got = resolve_rows(
        &c,
        &[
            "Legally Blondes",
            "Doctor Strange",
            "West Side Story",
            "Emily en Paris: Season 1: Episode 1",
            "Chaman Bahaar",
        ],
    );
    assert_eq!(got[0], None, "a plural is another film");
    assert_eq!(got[1], None, "a film is not a near-spelled series");
    assert_eq!(got[2], None, "a film is not a near-spelled series");
    assert_eq!(got[3], Some(("Emily in Paris".into(), Kind::Show)));
    assert_eq!(got[4], Some(("Chaman Bahar".into(), Kind::Movie)));
}

#[test]
fn a_shared_first_part_is_a_show_without_a_season_part() {
    let c = catalog();
    let rows = [
        "Stranger Thngs: Chapter One",
        "Stranger Thngs: Chapter Two",
        "Nobody Knows This: Pilot",
        "Nobody Knows This: Finale",
        "Glass Onion: A Knives Out Mystry",
    ];
    let got = resolve_rows(&c, &rows);
    let st = Some(("Stranger Things".into(), Kind::Show));
    assert_eq!((&got[0], &got[1]), (&st, &st));
    assert_eq!(got[2], None);
    assert_eq!(
        got[4],
        Some(("Glass Onion: A Knives Out Mystery".into(), Kind::Movie)),
        "a lone two-part title is still a film with a colon"
    );
    // The unknown show's episodes are listed once, under the show's name.
    let mut csv = String::from("Title,Date\n");
    for r in rows {
        csv.push_str(&format!("\"{r}\",1/1/2021\n"));
    }
    let s = Import::new(csv.as_bytes(), None, &Resolver::new(&c))
        .expect("reads")
        .summary(None, 5);
    assert_eq!(s.unmatched.len(), 1);
    assert_eq!(
        (s.unmatched[0].name.as_str(), s.unmatched[0].rows),
        ("Nobody Knows This", 2)
    );
}

#[test]
fn more_season_words() {
    for p in [
        "Mini-série",
        "Miniserial",
        "1. část",
        "Limited Series",
        "リミテッドシリーズ",
        "Collection",
    ] {
        assert!(resolve::is_season_part(p), "{p}");
    }
    for p in [
        "Cast Away",
        "The Collection Agency",
        "Mini",
        "Serial Killer",
    ] {
        assert!(!resolve::is_season_part(p), "{p}");
    }
    let c = catalog();
    let got = resolve_rows(
        &c,
        &[
            "The Crown: Mini-série: Épisode 1",
            "Squid Game: 1. část: Epizoda 1",
            "The Crown: Limited Series: Part One",
        ],
    );
    let crown = Some(("The Crown".into(), Kind::Show));
    assert_eq!(got[0], crown);
    assert_eq!(got[1], Some(("Squid Game".into(), Kind::Show)));
    assert_eq!(got[2], crown);
}

#[test]
fn ascii_folding_matches_the_unicode_one() {
    for s in [
        "Law & Order: Special Victims Unit",
        "S.W.A.T.",
        "It's Always Sunny",
        "&Sons",
        "A&B",
        "  x  ",
        "Bullsh*t The Gameshow",
    ] {
        assert_eq!(
            resolve::key(s),
            {
                let f = crate::normalize::fold(&s.replace('&', " and "));
                ["the ", "a ", "an "]
                    .iter()
                    .find_map(|a| f.strip_prefix(a).filter(|r| !r.is_empty()))
                    .map(str::to_owned)
                    .unwrap_or(f)
            },
            "{s}"
        );
    }
}
