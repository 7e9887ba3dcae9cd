//! Components used by more than one page, or large enough to stand alone.

pub mod card;
pub mod charts;
pub mod combobox;
pub mod history_likes;
pub mod lists;
pub mod refine;
pub mod section;
