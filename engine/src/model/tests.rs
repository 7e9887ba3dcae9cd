use super::*;
use crate::synth;

#[test]
fn self_similarity_is_the_share_of_blocks_present_and_scores_are_bounded() {
    let c = synth::catalog(300, 7);
    let m = Model::build(&c, &Weights::default());
    for i in 0..c.titles.len() {
        if !m.vector(i).is_empty() {
            // Divided by the full weight: 1 only for a title with every block.
            let own = m.similarity(i, i);
            assert!(own > 0.0 && own <= 1.0 + 1e-4, "{own}");
        }
        let j = (i * 7 + 3) % c.titles.len();
        let s = m.similarity(i, j);
        assert!((0.0..=1.0).contains(&s));
        assert_eq!(s, m.similarity(j, i));
    }
}

#[test]
fn shared_director_outweighs_nothing_shared() {
    let mut c = Catalog {
        genres: vec!["drama".into(), "comedy".into()],
        people: vec!["Ann".into(), "Bob".into(), "Cid".into()],
        countries: vec!["US".into()],
        ..Catalog::default()
    };
    let mk = |title: &str, g: u32, d: Vec<u32>| Title {
        id: title.into(),
        title: title.into(),
        genres: vec![g],
        directors: d,
        year: Some(2000),
        ..Title::default()
    };
    c.titles = vec![
        mk("a", 0, vec![0]),
        mk("b", 0, vec![0]),
        mk("c", 0, vec![1]),
        mk("d", 0, vec![1]),
    ];
    let m = Model::build(&c, &Weights::default());
    assert!(m.similarity(0, 1) > m.similarity(0, 2));
    assert_eq!(m.block_of(m.vector(0)[0].0), Block::Genres);
}

#[test]
fn weights_round_trip_through_the_bundle_codec() {
    let w = Weights {
        cast: 0.9,
        ..Weights::default()
    };
    let bytes = postcard::to_allocvec(&w).expect("encode");
    let back: Weights = postcard::from_bytes(&bytes).expect("decode");
    assert_eq!(back, w);
    assert_eq!(w.as_pairs().len(), Block::ALL.len() + 4);
}

#[test]
fn prior_rewards_votes_and_top10() {
    let mut c = synth::catalog(50, 3);
    c.titles[0].imdb_votes = Some(2_000_000);
    c.titles[0].imdb_score = Some(8.5);
    c.titles[1].imdb_votes = Some(10);
    c.titles[1].imdb_score = Some(9.9);
    c.titles[1].sources.clear();
    let p = prior(&c);
    assert!(p[0] > p[1], "{} vs {}", p[0], p[1]);
    assert!(p.iter().all(|x| (0.0..=1.0).contains(x)));
}

#[test]
fn engagement_views_stand_in_for_missing_votes() {
    let mut c = synth::catalog(50, 3);
    for t in &mut c.titles {
        t.imdb_votes = None;
        t.imdb_score = None;
        t.tmdb_popularity = None;
        t.sources.clear();
    }
    c.titles[0].engagement_views = Some(90_000_000);
    c.titles[1].engagement_views = Some(1_000);
    let p = prior(&c);
    assert!(p[0] > p[1] && p[1] > p[2], "{} {} {}", p[0], p[1], p[2]);
    // Votes, where known, still decide: views never replace them.
    c.titles[3].imdb_votes = Some(5);
    c.titles[4].imdb_votes = Some(2_000_000);
    c.titles[3].engagement_views = Some(90_000_000);
    let q = prior(&c);
    assert!(q[3] < q[0], "{} vs {}", q[3], q[0]);
}
