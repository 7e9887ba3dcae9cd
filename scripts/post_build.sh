#!/usr/bin/env bash
# Trunk post_build hook: precompresses the staged site so the server can send brotli/gzip.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run from trunk}"
find "$dir" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \
  -o -name '*.bin' -o -name '*.json' -o -name '*.svg' -o -name '*.webmanifest' \) -print0 |
  while IFS= read -r -d '' f; do
    gzip -9 -k -f -n "$f"
    brotli -q 11 -k -f "$f"
  done
