//! Kaggle datasets the snapshot's catalog comes from, downloaded through Kaggle's public
//! API: `GET {base}/api/v1/datasets/download/{owner}/{dataset}` answers with a redirect to
//! a zip. Basic authentication with `KAGGLE_USERNAME`/`KAGGLE_KEY` when both are set;
//! many public datasets also download without.
//!
//! The zip is untrusted: only the expected CSVs are taken from it, each entry is read
//! through a size cap (the sizes a zip declares can lie, so the cap is on bytes actually
//! inflated), and each file must pass the builder's own reader before anything is
//! written. A dataset whose zip is refused writes nothing.

use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context};

use super::http::Http;
use super::{Change, RefreshConfig};
use crate::datadirs::DataDirs;
use crate::sources::{justwatch, kaggle, SourceLog};

/// How a dataset's files are checked before they are written.
#[derive(Debug, Clone, Copy)]
enum Reader {
    /// Shivam Bansal's `netflix_titles.csv`, read by [`kaggle::read`].
    Kaggle,
    /// A JustWatch export (`titles.csv` + `credits.csv`), read by [`justwatch::read`].
    JustWatch(justwatch::Snapshot),
}

/// One Kaggle dataset and where its files go (the snapshot's relative paths).
#[derive(Debug, Clone, Copy)]
pub struct Dataset {
    /// `owner/dataset` as in Kaggle's URLs.
    pub slug: &'static str,
    /// (file name inside the zip, path relative to the data directory).
    pub files: &'static [(&'static str, &'static str)],
    reader: Reader,
}

/// The three datasets the snapshot's catalog uses.
pub static DATASETS: [Dataset; 3] = [
    Dataset {
        slug: "shivamb/netflix-shows",
        files: &[("netflix_titles.csv", kaggle::FILE)],
        reader: Reader::Kaggle,
    },
    Dataset {
        slug: "dgoenrique/netflix-movies-and-tv-shows",
        files: &[
            ("titles.csv", "catalog/justwatch_2023_dgoenrique/titles.csv"),
            (
                "credits.csv",
                "catalog/justwatch_2023_dgoenrique/credits.csv",
            ),
        ],
        reader: Reader::JustWatch(justwatch::JW_2023),
    },
    Dataset {
        slug: "victorsoeiro/netflix-tv-shows-and-movies",
        files: &[
            (
                "titles.csv",
                "catalog/justwatch_2022_victorsoeiro/titles.csv",
            ),
            (
                "credits.csv",
                "catalog/justwatch_2022_victorsoeiro/credits.csv",
            ),
        ],
        reader: Reader::JustWatch(justwatch::JW_2022),
    },
];

/// Downloads `ds`, unpacks and checks its files; returns one change per file.
pub fn fetch(http: &Http, cfg: &RefreshConfig, ds: &Dataset) -> anyhow::Result<Vec<Change>> {
    let base = cfg.kaggle_base.trim_end_matches('/');
    let url = format!("{base}/api/v1/datasets/download/{}", ds.slug);
    let auth = cfg
        .kaggle_auth
        .as_ref()
        .map(|(user, key)| (user.as_str(), key.as_str()));
    let zip = http.get_as(&url, &[], auth)?;
    let files = unzip(&zip, ds, cfg.max_entry_bytes)?;
    check(ds, &files)?;
    Ok(ds
        .files
        .iter()
        .zip(files)
        .map(|((_, rel), bytes)| Change {
            file: (*rel).to_owned(),
            summary: format!("{} bytes from Kaggle {}", bytes.len(), ds.slug),
            bytes,
        })
        .collect())
}

/// The dataset's files, in [`Dataset::files`] order, read from the zip in `bytes`. Other
/// entries are ignored; a missing, repeated or oversized entry refuses the whole zip.
fn unzip(bytes: &[u8], ds: &Dataset, max_entry: u64) -> anyhow::Result<Vec<Vec<u8>>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .with_context(|| format!("Kaggle {}: the download is not a zip archive", ds.slug))?;
    let mut found: Vec<Option<Vec<u8>>> = vec![None; ds.files.len()];
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .with_context(|| format!("Kaggle {}: zip entry {i} is unreadable", ds.slug))?;
        let name = entry
            .name()
            .with_context(|| format!("Kaggle {}: zip entry {i} has an unreadable name", ds.slug))?
            .into_owned();
        // Kaggle puts the files at the top level; a folder prefix is tolerated, the base
        // name decides. The name is only compared, never used as a path.
        let base = name.rsplit('/').next().unwrap_or(&name);
        let Some(slot) = ds.files.iter().position(|(want, _)| *want == base) else {
            continue;
        };
        if found[slot].is_some() {
            bail!("Kaggle {}: the zip holds {base} twice", ds.slug);
        }
        if entry.size() > max_entry {
            bail!(
                "Kaggle {}: {name} would inflate to {} bytes, over the {max_entry}-byte limit",
                ds.slug,
                entry.size()
            );
        }
        let mut out = Vec::new();
        (&mut entry)
            .take(max_entry.saturating_add(1))
            .read_to_end(&mut out)
            .with_context(|| format!("Kaggle {}: {name} does not inflate", ds.slug))?;
        if out.len() as u64 > max_entry {
            bail!(
                "Kaggle {}: {name} inflates past the {max_entry}-byte limit",
                ds.slug
            );
        }
        found[slot] = Some(out);
    }
    let mut files = Vec::new();
    for ((want, _), got) in ds.files.iter().zip(found) {
        match got {
            Some(b) => files.push(b),
            None => {
                let names: Vec<String> = (0..archive.len())
                    .filter_map(|i| archive.name_for_index(i)?.ok().map(|n| n.into_owned()))
                    .take(10)
                    .collect();
                bail!(
                    "Kaggle {}: the zip has no {want} (it holds {names:?})",
                    ds.slug
                )
            }
        }
    }
    Ok(files)
}

/// Runs the builder's own reader over the unpacked files (in a scratch directory laid out
/// like the data directory): missing columns, a broken file or one without a usable row
/// refuse the dataset.
fn check(ds: &Dataset, files: &[Vec<u8>]) -> anyhow::Result<()> {
    let scratch = tempfile::tempdir().context("creating a scratch directory")?;
    for ((_, rel), bytes) in ds.files.iter().zip(files) {
        let p = scratch.path().join(rel);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(&p, bytes).with_context(|| format!("writing {}", p.display()))?;
    }
    // Errors name the file as it was in the zip, not the scratch path.
    let named = |e: crate::sources::FatalError| {
        let file = Path::new(&e.file)
            .file_name()
            .map_or_else(|| e.file.clone(), |n| n.to_string_lossy().into_owned());
        anyhow::anyhow!(
            "Kaggle {}: {file}:{}:{}: {}",
            ds.slug,
            e.line,
            e.column,
            e.reason
        )
    };
    let (records, logs) = match ds.reader {
        Reader::Kaggle => {
            let mut log = SourceLog::new(kaggle::SOURCE, kaggle::FILE);
            let recs = kaggle::read(&scratch.path().join(kaggle::FILE), &mut log).map_err(named)?;
            (recs.len(), vec![log])
        }
        Reader::JustWatch(snap) => {
            let dirs = DataDirs::new(None, scratch.path().to_path_buf());
            let (recs, tlog, clog) = justwatch::read(&dirs, snap).map_err(named)?;
            (recs.len(), vec![tlog, clog])
        }
    };
    if records == 0 {
        bail!("Kaggle {}: no usable title in the download", ds.slug);
    }
    for log in logs {
        let r = log.finish();
        // A few bad rows are normal (the readers skip them); most rows bad means the
        // file is not what the name says.
        if r.rows_rejected * 2 > r.rows_read {
            bail!(
                "Kaggle {}: {}: {} of {} rows unusable",
                ds.slug,
                r.file,
                r.rows_rejected,
                r.rows_read
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, body) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(body).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn unzip_takes_only_wanted_entries_and_caps_their_size() {
        let ds = &DATASETS[1];
        let z = zip_of(&[
            ("readme.txt", b"x"),
            ("credits.csv", b"c"),
            ("sub/titles.csv", b"t"),
        ]);
        let files = unzip(&z, ds, 10).unwrap();
        assert_eq!(files, vec![b"t".to_vec(), b"c".to_vec()]);

        let big = vec![b'a'; 4096];
        let z = zip_of(&[("titles.csv", &big), ("credits.csv", b"c")]);
        let err = unzip(&z, ds, 1000).unwrap_err().to_string();
        assert!(err.contains("1000-byte limit"), "{err}");

        let z = zip_of(&[("titles.csv", b"t")]);
        let err = unzip(&z, ds, 10).unwrap_err().to_string();
        assert!(err.contains("no credits.csv"), "{err}");

        let err = unzip(b"<html>not a zip</html>", ds, 10)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a zip archive"), "{err}");
    }
}
