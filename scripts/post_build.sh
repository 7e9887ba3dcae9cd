#!/usr/bin/env bash
# Trunk post_build hook, on the staged site: the service worker's precache list, a 404.html
# copy of index.html (GitHub Pages serves it for deep links such as /repo/title/tt123),
# then brotli and gzip twins of every text file so the server can send them precompressed.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run from trunk}"
cp "$dir/index.html" "$dir/404.html"
"$(dirname "$0")/gen_sw.sh" "$dir"
find "$dir" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \
  -o -name '*.bin' -o -name '*.json' -o -name '*.svg' -o -name '*.webmanifest' \) -print0 |
  while IFS= read -r -d '' f; do
    gzip -9 -k -f -n "$f"
    brotli -q 11 -k -f "$f"
  done
