//! One module per route: each page reads its state from the URL and the shared app data.

pub mod bench;
pub mod data;
pub mod discover;
pub mod title;
pub mod trends;
pub mod you;
