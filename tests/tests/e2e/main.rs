//! Browser tests against the release build in `dist/`. Run by `make test`, which builds the
//! site and installs Chromium first; plain `cargo test` skips them (they are `#[ignore]`d).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bad_bundles;
mod bench;
mod discover;
mod history;
mod pages;
mod pwa;
mod refine;
mod support;
