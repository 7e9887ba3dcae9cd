//! YouTube trailer statistics: the June 2025 snapshot (`youtube_trailer_stats.csv`, one
//! search hit per Top 10 title) and the file `builder refresh` keeps from the YouTube Data
//! API (`youtube/youtube_stats.csv` in the live directory, one row per video and fetch date).

use std::collections::HashMap;
use std::path::Path;

use super::{read_table, FatalError, RowError, SourceLog, TableSpec};

/// The 2025 snapshot, relative to the data directory.
pub const SNAPSHOT_FILE: &str = "youtube/netflix_top10_trailers_2025/youtube_trailer_stats.csv";
/// Statistics fetched by `builder refresh`.
pub const LIVE_FILE: &str = "youtube/youtube_stats.csv";
/// The snapshot has no fetch-date column; its statistics were read 2025-06-23..26 (the
/// source commit is dated 2025-06-26), so that date stands for all of them.
pub const SNAPSHOT_FETCHED: &str = "2025-06-26";

const SNAPSHOT_COLUMNS: &[&str] = &[
    "Title",
    "YouTube Title",
    "Video ID",
    "Published At",
    "View Count",
    "Like Count",
    "Comment Count",
    "Duration",
];

/// Header of the live file, in the order `refresh` writes it.
pub const LIVE_COLUMNS: &[&str] = &[
    "video_id",
    "fetched",
    "video_title",
    "published_at",
    "view_count",
    "like_count",
    "comment_count",
    "duration",
];

/// One trailer statistics row from either file.
#[derive(Debug, Clone, PartialEq)]
pub struct TrailerRow {
    /// Line in its file.
    pub line: u64,
    /// The title the snapshot searched for (snapshot only).
    pub query_title: Option<String>,
    /// YouTube video id.
    pub video_id: String,
    /// The video's title.
    pub video_title: String,
    /// Publication date, `YYYY-MM-DD`.
    pub published: String,
    /// Date the statistics were read.
    pub fetched: String,
    /// Views.
    pub views: u64,
    /// Likes, when public.
    pub likes: Option<u64>,
    /// Comments, when public.
    pub comments: Option<u64>,
    /// Length in seconds.
    pub duration_s: u32,
}

/// Parses an ISO 8601 duration such as `PT1H2M3S` (or `P1DT2H`) into seconds.
pub fn parse_duration(s: &str) -> Option<u32> {
    let rest = s.trim().strip_prefix('P')?;
    let mut total: u32 = 0;
    let mut num = String::new();
    let mut in_time = false;
    let mut any = false;
    for c in rest.chars() {
        match c {
            'T' if !in_time && num.is_empty() => in_time = true,
            '0'..='9' => num.push(c),
            unit => {
                let n: u32 = num.parse().ok()?;
                num.clear();
                let mult = match (unit, in_time) {
                    ('D', false) => 86_400,
                    ('W', false) => 604_800,
                    ('H', true) => 3_600,
                    ('M', true) => 60,
                    ('S', true) => 1,
                    _ => return None,
                };
                total = total.checked_add(n.checked_mul(mult)?)?;
                any = true;
            }
        }
    }
    (num.is_empty() && any).then_some(total)
}

/// `2025-05-14T15:00:01Z` → `2025-05-14`, checked.
fn date_part(column: &str, s: &str) -> Result<String, RowError> {
    let d = s.trim().get(..10).unwrap_or("");
    if super::is_iso_date(d) {
        Ok(d.to_owned())
    } else {
        Err(RowError::col(
            column,
            format!("not an ISO 8601 time: {s:?}"),
        ))
    }
}

/// Reads the 2025 snapshot. A repeated (Title, Video ID) keeps the first row.
pub fn read_snapshot(path: &Path, log: &mut SourceLog) -> Result<Vec<TrailerRow>, FatalError> {
    let spec = TableSpec {
        delimiter: b',',
        quoting: true,
        required: SNAPSHOT_COLUMNS,
        gzip: false,
    };
    let mut out = Vec::new();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    read_table(path, &spec, log, |row| {
        let query = row
            .opt_str("Title")?
            .ok_or_else(|| RowError::col("Title", "empty title"))?;
        let video_id = row
            .opt_str("Video ID")?
            .ok_or_else(|| RowError::col("Video ID", "empty video id"))?;
        let key = (query.to_owned(), video_id.to_owned());
        if let Some(first) = seen.get(&key) {
            return Err(RowError::row(format!("duplicate of line {first}")));
        }
        let dur = row.str("Duration")?;
        let r = TrailerRow {
            line: row.line,
            query_title: Some(query.to_owned()),
            video_id: video_id.to_owned(),
            video_title: row.str("YouTube Title")?.trim().to_owned(),
            published: date_part("Published At", row.str("Published At")?)?,
            fetched: SNAPSHOT_FETCHED.to_owned(),
            views: row.num("View Count")?,
            likes: row.opt_num("Like Count")?,
            comments: row.opt_num("Comment Count")?,
            duration_s: parse_duration(dur)
                .ok_or_else(|| RowError::col("Duration", format!("not a duration: {dur:?}")))?,
        };
        seen.insert(key, row.line);
        out.push(r);
        Ok(())
    })?;
    log.saw_date(SNAPSHOT_FETCHED);
    Ok(out)
}

/// Reads the live statistics file. A repeated (video_id, fetched) keeps the first row.
pub fn read_live(path: &Path, log: &mut SourceLog) -> Result<Vec<TrailerRow>, FatalError> {
    let spec = TableSpec {
        delimiter: b',',
        quoting: true,
        required: LIVE_COLUMNS,
        gzip: false,
    };
    let mut out = Vec::new();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    read_table(path, &spec, log, |row| {
        let video_id = row
            .opt_str("video_id")?
            .ok_or_else(|| RowError::col("video_id", "empty video id"))?;
        let fetched = row.date("fetched")?;
        let key = (video_id.to_owned(), fetched.to_owned());
        if let Some(first) = seen.get(&key) {
            return Err(RowError::row(format!("duplicate of line {first}")));
        }
        let dur = row.str("duration")?;
        let r = TrailerRow {
            line: row.line,
            query_title: None,
            video_id: video_id.to_owned(),
            video_title: row.str("video_title")?.trim().to_owned(),
            published: date_part("published_at", row.str("published_at")?)?,
            fetched: fetched.to_owned(),
            views: row.num("view_count")?,
            likes: row.opt_num("like_count")?,
            comments: row.opt_num("comment_count")?,
            duration_s: parse_duration(dur)
                .ok_or_else(|| RowError::col("duration", format!("not a duration: {dur:?}")))?,
        };
        seen.insert(key, row.line);
        out.push(r);
        Ok(())
    })?;
    for r in &out {
        log.saw_date(&r.fetched);
    }
    Ok(out)
}

/// The title a trailer video is for, from its YouTube title: the first `|`-separated part
/// (`"STRAW | Official Trailer | Netflix"` → `"STRAW"`), with a trailing
/// "Official Trailer"/"Trailer"/"Teaser" and a leading "Tyler Perry's"-style possessive
/// credit left for the caller's fuzzy matching.
pub fn title_from_video(video_title: &str) -> String {
    let first = video_title.split('|').next().unwrap_or("").trim();
    let lower = first.to_lowercase();
    for suffix in [
        " official trailer",
        " official teaser",
        " final trailer",
        " trailer",
        " teaser",
    ] {
        if let Some(cut) = lower.strip_suffix(suffix) {
            return first[..cut.len()]
                .trim_end_matches([' ', '-', '–', ':'])
                .to_owned();
        }
    }
    first.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_durations() {
        assert_eq!(parse_duration("PT2M3S"), Some(123));
        assert_eq!(parse_duration("PT1H26M10S"), Some(5170));
        assert_eq!(parse_duration("PT45S"), Some(45));
        assert_eq!(parse_duration("P1DT1S"), Some(86_401));
        assert_eq!(parse_duration("2:03"), None);
        assert_eq!(parse_duration("PT"), None);
    }

    #[test]
    fn video_titles() {
        assert_eq!(
            title_from_video("STRAW | Official Trailer | Netflix"),
            "STRAW"
        );
        assert_eq!(
            title_from_video("Squid Game Season 2 Official Trailer"),
            "Squid Game Season 2"
        );
        assert_eq!(title_from_video("Plain"), "Plain");
    }
}
