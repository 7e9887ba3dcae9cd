//! Components used by more than one page, or large enough to stand alone.

pub mod charts;
pub mod combobox;
pub mod refine;
