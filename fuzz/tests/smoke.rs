//! The harness itself: the mutator stays in bounds, and the targets that need no bundle
//! run a few thousand inputs without a crash. (The bundle targets run in `make test` after
//! the build, on the real bundle: `fuzz all --secs 2`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

#[test]
fn mutator_respects_the_length_limit_and_is_reproducible() {
    let run = |seed| {
        let mut rng = fuzz::Rng::new(seed);
        let mut data = b"{\"feedback\":\"x\"}".to_vec();
        for _ in 0..10_000 {
            fuzz::mutate(&mut rng, &mut data, &[b"other seed"], 64);
            assert!(data.len() <= 64);
        }
        data
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}

#[test]
fn request_and_answer_targets_survive_mutated_inputs() {
    let dir = tempfile_dir();
    for name in ["request", "answer", "history"] {
        let mut t = fuzz::target(name, None).expect("target");
        let stats = fuzz::run(t.as_mut(), 1, 3_000, Duration::from_secs(60), &dir);
        assert_eq!(stats.execs, 3_000);
        assert_eq!(stats.crashes, 0, "{name}: {:?}", stats.crash_files);
        assert!(stats.outcomes > 3, "{name}: mutants reach several outcomes");
    }
}

fn tempfile_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("fuzz-smoke-{}", std::process::id()))
}
