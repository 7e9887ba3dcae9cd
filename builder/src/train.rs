//! Training and offline evaluation at build time: computes the metrics for this build,
//! appends them to the history in the data directory and puts the history in the bundle.

use std::path::Path;

use engine::Bundle;

/// Computes this build's metrics and attaches the metrics history to `bundle`.
/// `record` appends to `data/metrics_history.jsonl` (skipped when unchanged).
pub fn attach_metrics(_data: &Path, _bundle: &mut Bundle, _record: bool) -> anyhow::Result<()> {
    // Filled in by the engine work (issue 4).
    Ok(())
}
