//! File helpers that never leave a half-written file behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Random characters in a temporary file's name (tempfile's default).
const TEMP_RANDOM: usize = 6;
/// Ending of [`write_atomic`]'s temporary files: `.{target}.{random}.tmp`.
const TEMP_SUFFIX: &str = ".tmp";

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed and
/// synced, then renamed over the target (`tempfile::NamedTempFile::persist`). A failed
/// write removes its temporary file and leaves the old target in place; a crash leaves
/// either the old file or the new one (plus its temporary file, which the next write into
/// that directory removes).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let result = (|| {
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder
            .prefix(&prefix)
            .suffix(TEMP_SUFFIX)
            .rand_bytes(TEMP_RANDOM);
        // The mode `File::create` gives (0666 less the umask), not tempfile's private 0600:
        // the site's files are served, and the live data is read by other users' tools.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let mut tmp = builder.tempfile_in(dir)?;
        // Held until the rename: the lock, not a process id (which the system reuses), is
        // what tells a later clean-up that this writer is still at work. The OS drops it
        // when the process dies.
        tmp.as_file().lock()?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        std::io::Result::Ok(())
    })();
    if result.is_ok() {
        remove_stale_temps(dir);
    }
    result.with_context(|| format!("writing {}", path.display()))
}

/// Removes temporary files that [`write_atomic`] left in `dir` when its process was
/// killed between creating and renaming them. A file whose lock is held belongs to a
/// writer at work and is kept. The targets themselves are never touched: a killed write
/// leaves the previous file complete. Returns the paths removed.
fn remove_stale_temps(dir: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return removed;
    };
    for e in entries.flatten() {
        if !e.file_name().to_str().is_some_and(is_temp) {
            continue;
        }
        let path = e.path();
        let abandoned = std::fs::File::open(&path).is_ok_and(|f| f.try_lock().is_ok());
        if abandoned && std::fs::remove_file(&path).is_ok() {
            tracing::warn!("removed {}, left by an interrupted write", path.display());
            removed.push(path);
        }
    }
    removed
}

/// Whether `file_name` is one of [`write_atomic`]'s temporary files: `.{target}.{random}.tmp`,
/// or `.{target}.tmp-{pid}` as versions before the lock named them.
fn is_temp(file_name: &str) -> bool {
    let Some(rest) = file_name.strip_prefix('.') else {
        return false;
    };
    if let Some((target, pid)) = rest.rsplit_once(".tmp-") {
        return !target.is_empty() && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
    }
    let Some((target, random)) = rest
        .strip_suffix(TEMP_SUFFIX)
        .and_then(|r| r.rsplit_once('.'))
    else {
        return false;
    };
    !target.is_empty()
        && random.len() == TEMP_RANDOM
        && random.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abandoned_temps_go_and_the_rest_stays() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path();
        let abandoned = sub.join(".titles.csv.a1B2c3.tmp");
        let legacy = sub.join(format!(".titles.csv.tmp-{}", u32::MAX));
        let busy = sub.join(".credits.csv.x9Y8z7.tmp");
        let target = sub.join("titles.csv");
        let lookalike = sub.join(".notes.tmp-abc");
        let other = sub.join(".notes.toolong1.tmp");
        for p in [&abandoned, &legacy, &busy, &target, &lookalike, &other] {
            std::fs::write(p, b"x").expect("write");
        }
        // A writer at work holds the lock on its file.
        let writer = std::fs::File::open(&busy).expect("open");
        writer.lock().expect("lock");
        let mut removed = remove_stale_temps(sub);
        removed.sort();
        assert_eq!(removed, vec![abandoned.clone(), legacy.clone()]);
        assert!(!abandoned.exists() && !legacy.exists());
        assert!(busy.exists() && target.exists() && lookalike.exists() && other.exists());
    }

    #[test]
    fn a_write_replaces_the_target_and_leaves_no_temp() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bundle.bin");
        std::fs::write(&path, b"old").expect("write");
        write_atomic(&path, b"new").expect("write_atomic");
        assert_eq!(std::fs::read(&path).expect("read"), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("read_dir")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("bundle.bin")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let fresh = dir.path().join("fresh.bin");
            write_atomic(&fresh, b"x").expect("write_atomic");
            // Readable by others, as `File::create` makes it (a 0600 file is not served).
            let mode = std::fs::metadata(&fresh)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o044, 0o044, "mode {mode:o}");
        }
    }

    #[test]
    fn a_failed_write_keeps_the_last_good_output() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A directory where the file should go: the rename fails.
        let path = dir.path().join("report.json");
        std::fs::create_dir(&path).expect("mkdir");
        std::fs::write(path.join("keep"), b"x").expect("write");
        assert!(write_atomic(&path, b"new").is_err());
        assert!(path.join("keep").exists());
        let temps = std::fs::read_dir(dir.path())
            .expect("read_dir")
            .flatten()
            .filter(|e| e.file_name().to_str().is_some_and(is_temp))
            .count();
        assert_eq!(temps, 0, "the failed write left its temporary file");
    }
}
