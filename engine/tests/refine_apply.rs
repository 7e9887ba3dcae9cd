//! The on-device refiner applies what it understood (issue #18 item 4), over the real
//! JustWatch catalog with the real model: a country, a person or "not for kids" changes the
//! picks, candidates are widened from the whole catalog when the list has no match (and
//! stay within the LLM request's bound), and a constraint nothing meets is reported.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod refine_support;

use engine::model::{Model, Weights};
use engine::recommend::Query;
use engine::refine::{on_device, Constraint, RefineRequest, MAX_CANDIDATES};
use engine::search::SearchIndex;
use engine::{Catalog, Kind};

struct Fixture {
    cat: Catalog,
    model: Model,
    index: SearchIndex,
}

fn fixture() -> Fixture {
    let cat =
        refine_support::justwatch().expect("the workspace snapshot (../shared/data or $WTW_DATA)");
    let model = Model::build(&cat, &Weights::default());
    let index = SearchIndex::build(&cat);
    Fixture { cat, model, index }
}

fn korean(cat: &Catalog, i: usize) -> bool {
    cat.titles[i]
        .countries
        .iter()
        .any(|&c| cat.countries[c as usize] == "KR")
}

fn genre(cat: &Catalog, i: usize, g: &str) -> bool {
    cat.genre_names(&cat.titles[i]).any(|n| n == g)
}

fn for_kids(cat: &Catalog, i: usize) -> bool {
    genre(cat, i, "family")
        || matches!(
            cat.titles[i].age_rating.as_deref(),
            Some("TV-Y" | "TV-Y7" | "TV-Y7-FV")
        )
}

#[test]
fn korean_feedback_gives_korean_titles() {
    let f = fixture();
    let st = refine_support::title(&f.cat, "Stranger Things");
    let q = Query::like(st, 10);
    let engine_list = engine::recommend::recommend(&f.model, &f.cat, &q);
    assert!(
        engine_list
            .iter()
            .filter(|r| korean(&f.cat, r.index))
            .count()
            < 3,
        "the profile alone is not Korean"
    );

    let out = on_device(
        &f.model,
        &f.cat,
        &f.index,
        &q,
        "something lighter, no horror, Korean",
        10,
    );
    assert_eq!(out.picks.len(), 10);
    for p in &out.picks {
        assert!(korean(&f.cat, p.index), "{}", f.cat.titles[p.index].title);
        assert!(!genre(&f.cat, p.index, "horror"));
        assert_eq!(
            f.cat.titles[p.index].kind,
            Kind::Show,
            "the list's kind stays"
        );
    }
    assert!(out.unmatched.is_empty(), "{:?}", out.unmatched);

    let out = on_device(&f.model, &f.cat, &f.index, &q, "korean comedy", 10);
    assert_eq!(out.picks.len(), 10);
    assert!(out.picks.iter().all(|p| korean(&f.cat, p.index)));
    assert!(genre(&f.cat, out.picks[0].index, "comedy"));
}

#[test]
fn a_named_person_brings_their_titles_even_of_another_kind() {
    let f = fixture();
    let q = Query::like(refine_support::title(&f.cat, "Stranger Things"), 10);
    let out = on_device(&f.model, &f.cat, &f.index, &q, "with Ryan Reynolds", 10);
    let person = out
        .constraints
        .iter()
        .find_map(|c| match c {
            Constraint::Person { person, .. } => Some(*person),
            _ => None,
        })
        .expect("the person is understood");
    let his: Vec<usize> = (0..f.cat.titles.len())
        .filter(|&i| f.cat.titles[i].cast.contains(&person))
        .collect();
    assert!(his.len() >= 3, "the catalog has his films");
    let top: Vec<usize> = out.picks.iter().take(3).map(|p| p.index).collect();
    assert!(
        top.iter().all(|i| his.contains(i)),
        "top picks: {:?}",
        top.iter()
            .map(|&i| &f.cat.titles[i].title)
            .collect::<Vec<_>>()
    );
}

#[test]
fn not_for_kids_drops_childrens_titles_by_genre_and_rating() {
    let f = fixture();
    let q = Query::like(
        refine_support::title(&f.cat, "Power Rangers Ninja Steel"),
        10,
    );
    let engine_list = engine::recommend::recommend(&f.model, &f.cat, &q);
    assert!(
        engine_list.iter().any(|r| for_kids(&f.cat, r.index)),
        "the list starts with children's shows"
    );
    let out = on_device(&f.model, &f.cat, &f.index, &q, "not for kids", 10);
    assert_eq!(out.constraints, vec![Constraint::Kids { avoid: true }]);
    assert_eq!(out.picks.len(), 10);
    for p in &out.picks {
        let t = &f.cat.titles[p.index];
        assert!(
            !for_kids(&f.cat, p.index),
            "{} ({:?})",
            t.title,
            t.age_rating
        );
    }
}

#[test]
fn widened_candidates_stay_bounded_and_reach_the_llm_request() {
    let f = fixture();
    let st = refine_support::title(&f.cat, "Stranger Things");
    let q = Query::like(st, 10);
    let out = on_device(&f.model, &f.cat, &f.index, &q, "Korean", 10);
    assert!(out.candidates.len() <= MAX_CANDIDATES);
    let ids: Vec<usize> = out.candidates.iter().map(|c| c.0).collect();
    let req = RefineRequest::from_catalog(&f.cat, &[st], "Korean", &ids, 10);
    assert_eq!(req.candidates.len(), ids.len(), "nothing cut off the end");
    assert!(
        req.candidates
            .iter()
            .filter(|c| c.countries.iter().any(|k| k == "KR"))
            .count()
            >= 10,
        "the LLM sees Korean candidates"
    );
    assert_eq!(req.validate(), Ok(()));
}

#[test]
fn a_constraint_nothing_meets_is_reported() {
    let f = fixture();
    let mut q = Query::like(refine_support::title(&f.cat, "Stranger Things"), 10);
    q.filters.year_min = Some(2021);
    let out = on_device(
        &f.model,
        &f.cat,
        &f.index,
        &q,
        "Korean, from the nineties",
        10,
    );
    assert_eq!(
        out.unmatched,
        vec![Constraint::Era {
            from: Some(1990),
            to: Some(1999)
        }]
    );
    assert!(out.unmatched[0]
        .no_match()
        .starts_with("No titles released 1990–1999"));
    // The constraint that can apply still does.
    assert!(!out.picks.is_empty());
    assert!(out.picks.iter().all(|p| korean(&f.cat, p.index)));
}
