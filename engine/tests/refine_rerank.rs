//! Re-ranking by parsed feedback over the real JustWatch catalog.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod refine_support;

use engine::normalize::fold;
use engine::refine::{extra_candidates, parse_feedback, rerank, Constraint};
use engine::search::SearchIndex;
use engine::Kind;

#[test]
fn constraints_reorder_and_exclude() {
    let cat =
        refine_support::justwatch().expect("the workspace snapshot (../shared/data or $WTW_DATA)");
    let idx = SearchIndex::build(&cat);
    // 200 candidates: the most-voted titles, engine score falling with rank.
    let mut order: Vec<usize> = (0..cat.titles.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(cat.titles[i].imdb_votes.unwrap_or(0)));
    let cands: Vec<(usize, f32)> = order
        .iter()
        .take(200)
        .enumerate()
        .map(|(r, &i)| (i, 1.0 - r as f32 / 200.0))
        .collect();
    let no_sim = |_: usize, _: usize| 0.0;
    let genre = |i: usize, g: &str| cat.genre_names(&cat.titles[i]).any(|n| n == g);

    // "no horror, nothing with zombies, funnier": no horror, no zombie plot, comedy first.
    let cs = parse_feedback("funnier, no horror, nothing with zombies", &cat, &idx);
    let picks = rerank(&cat, &cands, &cs, &no_sim, 20);
    assert_eq!(picks.len(), 20);
    for p in &picks {
        assert!(cands.iter().any(|&(i, _)| i == p.index), "only candidates");
        assert!(!genre(p.index, "horror"));
        let t = &cat.titles[p.index];
        assert!(!fold(&format!("{} {}", t.title, t.description)).contains("zombie"));
    }
    assert!(genre(picks[0].index, "comedy"));
    assert!(picks[0].reasons.iter().any(|r| r == "comedy"));

    // Series only: films sink below every series.
    let cs = parse_feedback("a series", &cat, &idx);
    let picks = rerank(&cat, &cands, &cs, &no_sim, 10);
    assert!(picks.iter().all(|p| cat.titles[p.index].kind == Kind::Show));

    // "more like X" uses the similarity closure and never returns X itself.
    let x = cands[5].0;
    let target = cands[150].0;
    let sim = move |a: usize, b: usize| if a == x && b == target { 1.0 } else { 0.0 };
    let cs = vec![Constraint::LikeTitle {
        index: x,
        title: cat.titles[x].title.clone(),
    }];
    let picks = rerank(&cat, &cands, &cs, &sim, 10);
    assert_eq!(picks[0].index, target);
    assert!(picks.iter().all(|p| p.index != x));
    assert!(picks[0].reasons[0].starts_with("like "));

    // No constraints: the engine's order is kept.
    let picks = rerank(&cat, &cands, &[], &no_sim, 5);
    let want: Vec<usize> = cands.iter().take(5).map(|c| c.0).collect();
    assert_eq!(picks.iter().map(|p| p.index).collect::<Vec<_>>(), want);
}

#[test]
fn named_person_brings_extra_candidates() {
    let cat =
        refine_support::justwatch().expect("the workspace snapshot (../shared/data or $WTW_DATA)");
    let idx = SearchIndex::build(&cat);
    let cs = parse_feedback("like the ones with Ryan Reynolds", &cat, &idx);
    let extra = extra_candidates(&cat, &cs, 50);
    assert!(!extra.is_empty());
    let cands: Vec<(usize, f32)> = extra.iter().map(|&i| (i, 0.5)).collect();
    let picks = rerank(&cat, &cands, &cs, &|_, _| 0.0, 5);
    assert!(picks[0].reasons.iter().any(|r| r.contains("Ryan Reynolds")));
}

/// The whole on-device path with the real model: a profile, a filter and feedback.
#[test]
fn on_device_refines_a_real_profile() {
    use engine::model::{Model, Weights};
    use engine::recommend::{Filters, Query};
    use engine::refine::{candidates, on_device};
    let cat =
        refine_support::justwatch().expect("the workspace snapshot (../shared/data or $WTW_DATA)");
    let idx = SearchIndex::build(&cat);
    let model = Model::build(&cat, &Weights::default());
    let liked: Vec<usize> = cat
        .titles
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == Kind::Movie && t.imdb_votes.unwrap_or(0) > 500_000)
        .map(|(i, _)| i)
        .take(3)
        .collect();
    assert_eq!(liked.len(), 3);
    let drama = cat
        .genres
        .iter()
        .position(|g| g == "drama")
        .map(|g| g as u32);
    let query = Query {
        liked: liked.clone(),
        filters: Filters {
            genres_out: drama.into_iter().collect(),
            ..Filters::default()
        },
        k: 10,
        ..Query::default()
    };
    let out = on_device(&model, &cat, &idx, &query, "funnier, no horror", 10);
    assert!(out
        .constraints
        .iter()
        .any(|c| matches!(c, Constraint::Genre { genre, avoid: true } if genre == "horror")));
    assert_eq!(out.picks.len(), 10);
    let cands = candidates(&model, &cat, &query, &out.constraints);
    assert_eq!(cands, out.candidates);
    for p in &out.picks {
        assert!(
            cands.iter().any(|c| c.0 == p.index),
            "picked a non-candidate"
        );
        assert!(!liked.contains(&p.index));
        let names: Vec<&str> = cat.genre_names(&cat.titles[p.index]).collect();
        assert!(
            !names.contains(&"horror") && !names.contains(&"drama"),
            "{names:?}"
        );
        assert_eq!(cat.titles[p.index].kind, Kind::Movie);
    }

    // "a series" leaves the profile's kind: the candidates are series now.
    let out = on_device(&model, &cat, &idx, &query, "a series please", 5);
    assert!(!out.picks.is_empty());
    assert!(out
        .picks
        .iter()
        .all(|p| cat.titles[p.index].kind == Kind::Show));
}
