//! The builder library: source readers, entity resolution, training and bundle writing.
//!
//! Only this crate knows the source file formats; everything downstream sees engine types.

pub mod build;
pub mod datadirs;
pub mod eval;
pub mod fsutil;
pub mod link;
pub mod matching;
pub mod par;
pub mod recommend;
pub mod refresh;
pub mod report;
pub mod resolve;
pub mod sources;
pub mod train;
pub mod vocab;

/// The builder's hash map. FxHash: the keys are short strings from trusted files, where
/// SipHash's DoS resistance buys nothing and costs ~5% of the build.
pub type HashMap<K, V> = rustc_hash::FxHashMap<K, V>;
/// The builder's hash set (FxHash, as [`HashMap`]).
pub type HashSet<T> = rustc_hash::FxHashSet<T>;
