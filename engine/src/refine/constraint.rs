//! What the on-device refiner understood: [`Constraint`]s, each shown back to the viewer.

use serde::{Deserialize, Serialize};

use crate::catalog::Kind;

/// Length preferences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Length {
    /// Films up to 100 minutes, series of at most two seasons.
    Short,
    /// Films of 130 minutes or more, series of three seasons or more.
    Long,
    /// A series with a single season.
    Miniseries,
    /// Runtime at most this many minutes.
    MaxMinutes(u16),
}

/// One thing the viewer asked for, understood from the feedback text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Constraint {
    /// Favour (or with `avoid`, drop) titles of a canonical genre.
    Genre {
        /// Canonical genre id.
        genre: String,
        /// True for "no horror".
        avoid: bool,
    },
    /// Lighter (comedy, family, animation, romance) or darker (horror, thriller, crime, war).
    Tone {
        /// True for lighter.
        light: bool,
    },
    /// Titles based on real events: documentaries, history, "true story" plots.
    TrueStory {
        /// True for "no true stories".
        avoid: bool,
    },
    /// Favour (or drop) titles with this person in the cast or directing.
    Person {
        /// Index into `catalog.people`.
        person: u32,
        /// Display name.
        name: String,
        /// True for "nothing with X".
        avoid: bool,
    },
    /// Only films or only series.
    Kind {
        /// The wanted kind.
        kind: Kind,
    },
    /// Release years, inclusive at both ends.
    Era {
        /// First year, if bounded.
        from: Option<u16>,
        /// Last year, if bounded.
        to: Option<u16>,
    },
    /// Production country (a stand-in for language: the catalog has no language field).
    Country {
        /// ISO 3166-1 alpha-2 codes that count.
        codes: Vec<String>,
        /// Display label, e.g. "Korean".
        label: String,
        /// True for "nothing Korean".
        avoid: bool,
    },
    /// Runtime or season count.
    Length(Length),
    /// Made for children: the family genre or a children's age rating (TV-Y, TV-Y7, G).
    Kids {
        /// True for "not for kids".
        avoid: bool,
    },
    /// More like this catalog title (scored with the model's similarity).
    LikeTitle {
        /// Index into `catalog.titles`.
        index: usize,
        /// Display title.
        title: String,
    },
    /// A word to find (or avoid) in the title or plot, e.g. "zombies".
    Keyword {
        /// The word as typed (folded).
        word: String,
        /// The stem matched against folded plot words (prefix match).
        stem: String,
        /// True for "nothing with zombies".
        avoid: bool,
    },
}

impl Constraint {
    /// A short human-readable description, shown back to the viewer.
    pub fn describe(&self) -> String {
        match self {
            Constraint::Genre { genre, avoid } => {
                if *avoid {
                    format!("no {}", genre_label(genre))
                } else {
                    format!("more {}", genre_label(genre))
                }
            }
            Constraint::Tone { light: true } => "lighter in tone".into(),
            Constraint::Tone { light: false } => "darker in tone".into(),
            Constraint::TrueStory { avoid: false } => "based on real events".into(),
            Constraint::TrueStory { avoid: true } => "no true stories".into(),
            Constraint::Person { name, avoid, .. } => {
                if *avoid {
                    format!("nothing with {name}")
                } else {
                    format!("with {name}")
                }
            }
            Constraint::Kind { kind: Kind::Movie } => "films only".into(),
            Constraint::Kind { kind: Kind::Show } => "series only".into(),
            Constraint::Era { from, to } => match (from, to) {
                (Some(a), Some(b)) => format!("released {a}–{b}"),
                (Some(a), None) => format!("released {a} or later"),
                (None, Some(b)) => format!("released {b} or earlier"),
                (None, None) => "any year".into(),
            },
            Constraint::Country { label, avoid, .. } => {
                if *avoid {
                    format!("nothing {label}")
                } else {
                    label.clone()
                }
            }
            Constraint::Length(Length::Short) => "shorter".into(),
            Constraint::Length(Length::Long) => "longer".into(),
            Constraint::Length(Length::Miniseries) => "a miniseries".into(),
            Constraint::Length(Length::MaxMinutes(m)) => format!("under {m} minutes"),
            Constraint::LikeTitle { title, .. } => format!("more like {title}"),
            Constraint::Kids { avoid: false } => "for kids".into(),
            Constraint::Kids { avoid: true } => "not for kids".into(),
            Constraint::Keyword { word, avoid, .. } => {
                if *avoid {
                    format!("no {word}")
                } else {
                    format!("about {word}")
                }
            }
        }
    }

    /// Whether this asks for titles with a property (Korean, comedy, with X, for kids,
    /// about zombies, a decade, a miniseries): such a constraint must be met by the picks,
    /// or the viewer is told that nothing in the catalog met it. Preferences (lighter,
    /// shorter, more like X) and exclusions are not.
    pub fn selects(&self) -> bool {
        match self {
            Constraint::Genre { avoid, .. }
            | Constraint::TrueStory { avoid }
            | Constraint::Person { avoid, .. }
            | Constraint::Country { avoid, .. }
            | Constraint::Keyword { avoid, .. }
            | Constraint::Kids { avoid } => !avoid,
            Constraint::Era { .. }
            | Constraint::Length(Length::Miniseries)
            | Constraint::Length(Length::MaxMinutes(_)) => true,
            Constraint::Tone { .. }
            | Constraint::Kind { .. }
            | Constraint::Length(_)
            | Constraint::LikeTitle { .. } => false,
        }
    }

    /// The plain sentence for a selecting constraint nothing in the catalog met, e.g.
    /// "No Korean titles in the catalog matched."
    pub fn no_match(&self) -> String {
        let what = match self {
            Constraint::Genre { genre, .. } => format!("{} titles", genre_label(genre)),
            Constraint::TrueStory { .. } => "titles based on real events".into(),
            Constraint::Person { name, .. } => format!("titles with {name}"),
            Constraint::Country { label, .. } => format!("{label} titles"),
            Constraint::Keyword { word, .. } => format!("titles about {word}"),
            Constraint::Kids { .. } => "titles for kids".into(),
            Constraint::Length(Length::Miniseries) => "miniseries".into(),
            other => format!("titles {}", other.describe()),
        };
        format!("No {what} in the catalog matched (with the profile's filters).")
    }

    /// The same constraint, negated where negation means something ("no horror").
    /// `None` when negation makes no sense (e.g. "not like X").
    pub(super) fn negate(self) -> Option<Constraint> {
        Some(match self {
            Constraint::Genre { genre, avoid } => Constraint::Genre {
                genre,
                avoid: !avoid,
            },
            Constraint::Tone { light } => Constraint::Tone { light: !light },
            Constraint::TrueStory { avoid } => Constraint::TrueStory { avoid: !avoid },
            Constraint::Person {
                person,
                name,
                avoid,
            } => Constraint::Person {
                person,
                name,
                avoid: !avoid,
            },
            Constraint::Kind { kind } => Constraint::Kind {
                kind: match kind {
                    Kind::Movie => Kind::Show,
                    Kind::Show => Kind::Movie,
                },
            },
            Constraint::Country {
                codes,
                label,
                avoid,
            } => Constraint::Country {
                codes,
                label,
                avoid: !avoid,
            },
            Constraint::Kids { avoid } => Constraint::Kids { avoid: !avoid },
            Constraint::Length(Length::Short) => Constraint::Length(Length::Long),
            Constraint::Length(Length::Long) => Constraint::Length(Length::Short),
            Constraint::Keyword { word, stem, avoid } => Constraint::Keyword {
                word,
                stem,
                avoid: !avoid,
            },
            Constraint::Era { .. } | Constraint::Length(_) | Constraint::LikeTitle { .. } => {
                return None
            }
        })
    }
}

/// Descriptions of all constraints, in order.
pub fn describe(constraints: &[Constraint]) -> Vec<String> {
    constraints.iter().map(Constraint::describe).collect()
}

pub(super) fn genre_label(g: &str) -> &str {
    match g {
        "action" => "action",
        "animation" => "animation",
        "comedy" => "comedy",
        "crime" => "crime",
        "documentation" => "documentaries",
        "drama" => "drama",
        "european" => "European titles",
        "family" => "family titles",
        "fantasy" => "fantasy",
        "history" => "history",
        "horror" => "horror",
        "music" => "music",
        "reality" => "reality TV",
        "romance" => "romance",
        "scifi" => "sci-fi",
        "sport" => "sport",
        "thriller" => "thrillers",
        "war" => "war",
        "western" => "westerns",
        other => other,
    }
}
