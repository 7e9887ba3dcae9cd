//! Canonical vocabularies shared by every source: genres and countries.
//!
//! Genres use JustWatch's lower-case ids, the richest and most regular of the sources.
//! Kaggle's `listed_in` values are Netflix browse rows, which mix genre, format, audience
//! and origin; only the genre part is mapped. The table (also in ARCHITECTURE.md):
//!
//! | Kaggle `listed_in` | canonical |
//! |---|---|
//! | Action & Adventure, TV Action & Adventure | action |
//! | Anime Features, Anime Series | animation |
//! | Children & Family Movies, Kids' TV | family |
//! | Comedies, TV Comedies, Stand-Up Comedy, Stand-Up Comedy & Talk Shows | comedy |
//! | Crime TV Shows | crime |
//! | Documentaries, Docuseries, Science & Nature TV | documentation |
//! | Dramas, TV Dramas | drama |
//! | Horror Movies, TV Horror | horror |
//! | Music & Musicals | music |
//! | Reality TV | reality |
//! | Romantic Movies, Romantic TV Shows | romance |
//! | Sci-Fi & Fantasy, TV Sci-Fi & Fantasy | scifi + fantasy |
//! | Sports Movies | sport |
//! | Thrillers, TV Thrillers, TV Mysteries | thriller |
//! | International …, British/Korean/Spanish-Language TV Shows, Classic …, Cult Movies, Independent Movies, LGBTQ Movies, Faith & Spirituality, Teen TV Shows, Movies, TV Shows | none (origin, era or audience, not genre) |
//!
//! Kids' TV maps to family only: many kids' shows are live action, so adding animation
//! would mislabel them. Streaming Availability ids map the same way (adventure → action,
//! documentary/news → documentation, mystery → thriller; talk → none), and so do TMDB's
//! genre names ([`tmdb_genres`]).

/// The canonical genre ids, sorted.
pub const GENRES: [&str; 19] = [
    "action",
    "animation",
    "comedy",
    "crime",
    "documentation",
    "drama",
    "european",
    "family",
    "fantasy",
    "history",
    "horror",
    "music",
    "reality",
    "romance",
    "scifi",
    "sport",
    "thriller",
    "war",
    "western",
];

/// Maps a JustWatch or Streaming Availability genre id onto the canonical vocabulary.
pub fn canonical_genre(id: &str) -> Option<&'static str> {
    let id = id.trim().to_ascii_lowercase();
    if let Ok(i) = GENRES.binary_search(&id.as_str()) {
        return Some(GENRES[i]);
    }
    match id.as_str() {
        "adventure" => Some("action"),
        "documentary" | "news" => Some("documentation"),
        "mystery" => Some("thriller"),
        "sci-fi" | "science fiction" => Some("scifi"),
        _ => None,
    }
}

/// Canonical genres for one Kaggle `listed_in` category (see the module table).
pub fn kaggle_genres(category: &str) -> &'static [&'static str] {
    match category.trim() {
        "Action & Adventure" | "TV Action & Adventure" => &["action"],
        "Anime Features" | "Anime Series" => &["animation"],
        "Children & Family Movies" | "Kids' TV" => &["family"],
        "Comedies" | "TV Comedies" | "Stand-Up Comedy" | "Stand-Up Comedy & Talk Shows" => {
            &["comedy"]
        }
        "Crime TV Shows" => &["crime"],
        "Documentaries" | "Docuseries" | "Science & Nature TV" => &["documentation"],
        "Dramas" | "TV Dramas" => &["drama"],
        "Horror Movies" | "TV Horror" => &["horror"],
        "Music & Musicals" => &["music"],
        "Reality TV" => &["reality"],
        "Romantic Movies" | "Romantic TV Shows" => &["romance"],
        "Sci-Fi & Fantasy" | "TV Sci-Fi & Fantasy" => &["scifi", "fantasy"],
        "Sports Movies" => &["sport"],
        "Thrillers" | "TV Thrillers" | "TV Mysteries" => &["thriller"],
        _ => &[],
    }
}

/// Canonical genres for one TMDB genre name (films and series lists both). TMDB's
/// "Mystery" is a thriller here as for Streaming Availability; "Kids" is family as Kaggle's
/// Kids' TV; "TV Movie", "Soap" and "Talk" are formats, not genres.
pub fn tmdb_genres(name: &str) -> &'static [&'static str] {
    match name.trim() {
        "Action" | "Adventure" | "Action & Adventure" => &["action"],
        "Animation" => &["animation"],
        "Comedy" => &["comedy"],
        "Crime" => &["crime"],
        "Documentary" | "News" => &["documentation"],
        "Drama" => &["drama"],
        "Family" | "Kids" => &["family"],
        "Fantasy" => &["fantasy"],
        "History" => &["history"],
        "Horror" => &["horror"],
        "Music" => &["music"],
        "Mystery" | "Thriller" => &["thriller"],
        "Reality" => &["reality"],
        "Romance" => &["romance"],
        "Science Fiction" => &["scifi"],
        "Sci-Fi & Fantasy" => &["scifi", "fantasy"],
        "War" | "War & Politics" => &["war"],
        "Western" => &["western"],
        _ => &[],
    }
}

/// True for a two-letter upper-case code (JustWatch writes ISO 3166-1 alpha-2).
pub fn is_iso2(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// ISO2 code for a country name as Kaggle (Flixable) spells it. Covers every name in the
/// 2021 snapshot; historical states map to their successor (West/East Germany → DE) except
/// the Soviet Union, which JustWatch itself codes `SU`.
pub fn country_iso2(name: &str) -> Option<&'static str> {
    let name = name.trim().trim_end_matches(',');
    COUNTRIES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, c)| *c)
}

const COUNTRIES: &[(&str, &str)] = &[
    ("United States", "US"),
    ("India", "IN"),
    ("United Kingdom", "GB"),
    ("Canada", "CA"),
    ("France", "FR"),
    ("Japan", "JP"),
    ("Spain", "ES"),
    ("South Korea", "KR"),
    ("Germany", "DE"),
    ("Mexico", "MX"),
    ("China", "CN"),
    ("Australia", "AU"),
    ("Egypt", "EG"),
    ("Turkey", "TR"),
    ("Hong Kong", "HK"),
    ("Nigeria", "NG"),
    ("Italy", "IT"),
    ("Brazil", "BR"),
    ("Argentina", "AR"),
    ("Belgium", "BE"),
    ("Indonesia", "ID"),
    ("Taiwan", "TW"),
    ("Philippines", "PH"),
    ("Thailand", "TH"),
    ("South Africa", "ZA"),
    ("Colombia", "CO"),
    ("Netherlands", "NL"),
    ("Denmark", "DK"),
    ("Ireland", "IE"),
    ("Sweden", "SE"),
    ("Singapore", "SG"),
    ("Poland", "PL"),
    ("United Arab Emirates", "AE"),
    ("New Zealand", "NZ"),
    ("Lebanon", "LB"),
    ("Israel", "IL"),
    ("Norway", "NO"),
    ("Chile", "CL"),
    ("Russia", "RU"),
    ("Malaysia", "MY"),
    ("Pakistan", "PK"),
    ("Czech Republic", "CZ"),
    ("Switzerland", "CH"),
    ("Romania", "RO"),
    ("Uruguay", "UY"),
    ("Saudi Arabia", "SA"),
    ("Austria", "AT"),
    ("Luxembourg", "LU"),
    ("Finland", "FI"),
    ("Greece", "GR"),
    ("Hungary", "HU"),
    ("Iceland", "IS"),
    ("Bulgaria", "BG"),
    ("Qatar", "QA"),
    ("Peru", "PE"),
    ("Jordan", "JO"),
    ("Kuwait", "KW"),
    ("Vietnam", "VN"),
    ("Serbia", "RS"),
    ("Kenya", "KE"),
    ("Cambodia", "KH"),
    ("Portugal", "PT"),
    ("Morocco", "MA"),
    ("Ghana", "GH"),
    ("West Germany", "DE"),
    ("Venezuela", "VE"),
    ("Bangladesh", "BD"),
    ("Croatia", "HR"),
    ("Iran", "IR"),
    ("Algeria", "DZ"),
    ("Syria", "SY"),
    ("Senegal", "SN"),
    ("Malta", "MT"),
    ("Zimbabwe", "ZW"),
    ("Soviet Union", "SU"),
    ("Ukraine", "UA"),
    ("Slovenia", "SI"),
    ("Nepal", "NP"),
    ("Mauritius", "MU"),
    ("Cayman Islands", "KY"),
    ("Namibia", "NA"),
    ("Guatemala", "GT"),
    ("Iraq", "IQ"),
    ("Georgia", "GE"),
    ("Burkina Faso", "BF"),
    ("Ethiopia", "ET"),
    ("Cameroon", "CM"),
    ("Palestine", "PS"),
    ("Angola", "AO"),
    ("Mozambique", "MZ"),
    ("Belarus", "BY"),
    ("Puerto Rico", "PR"),
    ("Cyprus", "CY"),
    ("Malawi", "MW"),
    ("Paraguay", "PY"),
    ("Albania", "AL"),
    ("Slovakia", "SK"),
    ("Bermuda", "BM"),
    ("Ecuador", "EC"),
    ("Armenia", "AM"),
    ("Mongolia", "MN"),
    ("Bahamas", "BS"),
    ("Sri Lanka", "LK"),
    ("Latvia", "LV"),
    ("Liechtenstein", "LI"),
    ("Cuba", "CU"),
    ("Nicaragua", "NI"),
    ("Dominican Republic", "DO"),
    ("Samoa", "WS"),
    ("Azerbaijan", "AZ"),
    ("Botswana", "BW"),
    ("Vatican City", "VA"),
    ("Jamaica", "JM"),
    ("Kazakhstan", "KZ"),
    ("Lithuania", "LT"),
    ("Afghanistan", "AF"),
    ("Somalia", "SO"),
    ("Sudan", "SD"),
    ("Panama", "PA"),
    ("Uganda", "UG"),
    ("East Germany", "DE"),
    ("Montenegro", "ME"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genres_sorted_for_binary_search() {
        let mut sorted = GENRES;
        sorted.sort_unstable();
        assert_eq!(sorted, GENRES);
    }

    #[test]
    fn mappings() {
        assert_eq!(canonical_genre("Drama"), Some("drama"));
        assert_eq!(canonical_genre("documentary"), Some("documentation"));
        assert_eq!(canonical_genre("talk"), None);
        assert_eq!(kaggle_genres("Stand-Up Comedy"), &["comedy"]);
        assert_eq!(kaggle_genres("Docuseries"), &["documentation"]);
        assert!(kaggle_genres("International TV Shows").is_empty());
        assert_eq!(country_iso2("South Korea"), Some("KR"));
        assert_eq!(country_iso2("West Germany"), Some("DE"));
        assert_eq!(country_iso2("Atlantis"), None);
        assert_eq!(tmdb_genres("Sci-Fi & Fantasy"), &["scifi", "fantasy"]);
        assert_eq!(tmdb_genres("Science Fiction"), &["scifi"]);
        assert_eq!(tmdb_genres("Mystery"), &["thriller"]);
        assert!(tmdb_genres("TV Movie").is_empty());
        for g in ["Action", "Documentary", "Kids", "War & Politics", "Western"] {
            assert!(tmdb_genres(g).iter().all(|c| GENRES.contains(c)), "{g}");
        }
    }
}
