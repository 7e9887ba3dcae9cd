#!/usr/bin/env bash
# Writes DIR/sw.js from the template web/sw.js: the precache list (every file of the built
# site with its SHA-256 and content type) and a cache version derived from those hashes, so
# any change to any file makes a new version. Called by the Trunk post_build hook on the
# staging directory; the browser tests call it on modified copies of a site.
# Usage: scripts/gen_sw.sh DIR
set -euo pipefail
dir="${1:?usage: gen_sw.sh DIR}"
template="$(cd "$(dirname "$0")/.." && pwd)/web/sw.js"
cd "$dir"
type_of() {
  case "$1" in
    *.html) echo "text/html; charset=utf-8" ;;
    *.js) echo "text/javascript; charset=utf-8" ;;
    *.css) echo "text/css; charset=utf-8" ;;
    *.wasm) echo "application/wasm" ;;
    *.png) echo "image/png" ;;
    *.webmanifest) echo "application/manifest+json" ;;
    *.json) echo "application/json" ;;
    *) echo "application/octet-stream" ;;
  esac
}
# Precompressed twins, the worker itself, the GitHub Pages 404 copy of index.html, the
# live config and build-side reports are not part of the app.
entries="$(find . -type f ! -name '*.br' ! -name '*.gz' ! -name 'sw.js' ! -name '404.html' \
  ! -name 'config.json' ! -name 'report.json' ! -name '.gitkeep' | sed 's|^\./||' | LC_ALL=C sort |
  while IFS= read -r f; do
    case "$f" in *'"'* | *'\'* | *'&'*) echo "gen_sw.sh: unsupported file name: $f" >&2; exit 1 ;; esac
    printf '  ["%s", "%s", "%s"],\n' "$f" "$(sha256sum "$f" | cut -c1-64)" "$(type_of "$f")"
  done)"
version="$(printf '%s' "$entries" | sha256sum | cut -c1-16)"
list="[
${entries}
]"
# awk, not sed: the list spans lines.
awk -v version="$version" -v list="$list" '
  { gsub(/__VERSION__/, version); sub(/__PRECACHE__/, list); print }
' "$template" > sw.js.tmp
mv sw.js.tmp sw.js
echo "gen_sw.sh: $(printf '%s\n' "$entries" | grep -c .) files precached, version $version"
