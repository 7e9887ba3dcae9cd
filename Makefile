# The two commands a user needs. Both install what is missing first (scripts/setup.sh).
SHELL := /bin/bash
ENV := source scripts/env.sh &&

.PHONY: serve test setup bundle site

## make serve: build the bundle and the release site, then serve both at http://127.0.0.1:8080
serve:
	scripts/setup.sh
	$(ENV) cargo run --profile release-native -p builder -- build --data data --out public
	$(ENV) trunk build --release
	$(ENV) cargo run --profile release-native -p proxy -- --addr 127.0.0.1:8080 --site dist

## make test: format, lints, unit and integration tests, then the headless-Chromium tests
test:
	scripts/setup.sh --test
	cargo fmt --all --check
	$(ENV) cargo clippy --workspace --all-targets -- -D warnings
	$(ENV) cargo test --workspace
	$(ENV) cargo run -p builder -- build --data data --out public
	$(ENV) trunk build --release
	$(ENV) cargo test -p tests -- --ignored --test-threads 1
