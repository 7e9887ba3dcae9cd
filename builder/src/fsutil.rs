//! File helpers that never leave a half-written file behind.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed and
/// synced, then renamed over the target. A crash leaves either the old file or the new one
/// (plus its temporary file, which the next write into that directory removes).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!("{}{}", temp_prefix(name), std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    } else {
        remove_stale_temps(dir);
    }
    result.with_context(|| format!("writing {}", path.display()))
}

/// The temporary-file prefix [`write_atomic`] uses for `name`.
fn temp_prefix(name: &str) -> String {
    format!(".{name}.tmp-")
}

/// Removes temporary files that [`write_atomic`] left in `dir` when its process was
/// killed between creating and renaming them. Files of a process that is still running are
/// kept (it may be writing now). The targets themselves are never touched: a killed write
/// leaves the previous file complete. Returns the paths removed.
fn remove_stale_temps(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return removed;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name.to_str().and_then(temp_pid) else {
            continue;
        };
        let path = e.path();
        if !process_alive(pid) && std::fs::remove_file(&path).is_ok() {
            tracing::warn!("removed {}, left by an interrupted write", path.display());
            removed.push(path);
        }
    }
    removed
}

/// The writer's process id, when `file_name` is one of [`write_atomic`]'s temporary files.
fn temp_pid(file_name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix('.')?;
    let (target, pid) = rest.rsplit_once(".tmp-")?;
    if target.is_empty() || !file_name.starts_with(&temp_prefix(target)) {
        return None;
    }
    pid.parse().ok()
}

/// Whether process `pid` runs. Without `/proc` (not Linux) every process counts as alive,
/// so nothing is removed that might be in use.
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    pid == std::process::id() || !proc.is_dir() || proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_temps_of_dead_writers_go_and_the_rest_stays() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path();
        // u32::MAX is above Linux's pid_max, so it names no live process.
        let dead = sub.join(format!("{}{}", temp_prefix("titles.csv"), u32::MAX));
        let live = sub.join(format!(
            "{}{}",
            temp_prefix("credits.csv"),
            std::process::id()
        ));
        let target = sub.join("titles.csv");
        let lookalike = sub.join(".notes.tmp-abc");
        for p in [&dead, &live, &target, &lookalike] {
            std::fs::write(p, b"x").expect("write");
        }
        assert_eq!(remove_stale_temps(sub), vec![dead.clone()]);
        assert!(!dead.exists());
        assert!(live.exists() && target.exists() && lookalike.exists());
    }
}
