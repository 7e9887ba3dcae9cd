//! Source readers. Each module knows exactly one upstream format.

pub mod kaggle;
pub mod top10;
