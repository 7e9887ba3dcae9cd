//! The recommendation engine: bundle format, catalog types, text normalisation, search,
//! features, KNN scoring, explanations, filters, diversity, feedback re-ranking and trend
//! queries.
//!
//! Invariant: this crate does no I/O. It takes bytes and values and returns values, so the
//! very same code runs in the `builder` CLI (native) and in the browser (wasm32).

pub mod bundle;
pub mod catalog;
pub mod explain;
pub mod features;
pub mod franchise;
pub mod history;
pub mod metrics;
pub mod mmr;
pub mod model;
pub mod normalize;
pub mod recommend;
pub mod refine;
pub mod report;
pub mod search;
pub mod synth;
pub mod text;
pub mod trends;
mod wire;

pub use bundle::{Bundle, BundleError, Header, FORMAT_VERSION, MAGIC};
pub use catalog::{Catalog, Kind, SourceRef, Title};
