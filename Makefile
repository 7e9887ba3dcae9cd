# The two commands a user needs. Both install what is missing first (scripts/setup.sh).
SHELL := /bin/bash
ENV := source scripts/env.sh &&
TARGET := $${CARGO_TARGET_DIR:-target}

.PHONY: serve test setup bundle site

## make serve: build the bundle and the release site, then serve both at http://127.0.0.1:8080
serve:
	scripts/setup.sh
	$(ENV) cargo build --profile release-native -p builder -p proxy
	$(TARGET)/release-native/builder build --out public
	$(ENV) trunk build --release
	$(TARGET)/release-native/proxy --addr 127.0.0.1:8080 --site dist

## make test: format, lints, unit and integration tests, then the headless-Chromium tests
test:
	scripts/setup.sh --test
	cargo fmt --all --check
	# A broken workflow fails here, not on GitHub.
	$(ENV) for f in .github/workflows/*.yml; do action-validator "$$f" || exit 1; done
	$(ENV) cargo clippy --workspace --all-targets -- -D warnings
	$(ENV) cargo test --workspace
	# The builder binary `cargo test --workspace` just built: `cargo run -p builder` would
	# resolve features differently and recompile half the dependency tree.
	$(TARGET)/debug/builder build --out public
	# Smoke run of every fuzz target on the bundle just built (long runs: BENCHMARKS.md).
	$(TARGET)/debug/fuzz all --secs 2 --seeds public --crashes $(TARGET)/fuzz-crashes
	$(ENV) trunk build --release
	# The same site under a sub-path, as GitHub Pages serves it, for the offline/PWA test.
	$(ENV) trunk build --release --public-url /wtw/ --dist dist-wtw
	$(ENV) cargo test --workspace -- --ignored --test-threads 1
