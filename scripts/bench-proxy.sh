#!/usr/bin/env bash
# Bounded load test of the proxy on loopback against a fake Gemini (no network, no key).
# Runs wrk for a fixed time per endpoint and prints requests/s and latency percentiles.
# Usage: scripts/bench-proxy.sh [seconds=10] [connections=32]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
CONNS=${2:-32}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
[ -n "${SKIP_BUILD:-}" ] || cargo build -q --profile release-native -p proxy --bins --examples
BIN=$CARGO_TARGET_DIR/release-native
SITE=$(mktemp -d)
echo '<!doctype html><title>bench</title>' > "$SITE/index.html"
BODY=$(mktemp)
# A near-limit request: 200 compact candidates (~30 KB, as RefineRequest::from_catalog
# shrinks them to fit the 32 KB body limit).
python3 - "$BODY" <<'PY'
import json, sys
c = [{"id": f"tt{i:07d}", "title": f"Title {i}", "year": 1990 + i % 30, "type": "Movie",
      "genres": ["comedy", "drama"],
      "description": "A plot cut short…"} for i in range(200)]
json.dump({"seeds": [{"id": "tt0000001", "title": "Seed"}], "feedback": "lighter, funnier",
           "candidates": c, "k": 10}, open(sys.argv[1], "w"))
PY
LUA=$(mktemp --suffix .lua)
cat > "$LUA" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$BODY", "r"); wrk.body = f:read("*a"); f:close()
LUA
"$BIN/examples/fake_gemini" 127.0.0.1:18091 & FAKE=$!
GEMINI_API_KEY=bench-key GEMINI_BASE_URL=http://127.0.0.1:18091 RUST_LOG=warn \
  "$BIN/proxy" --addr 127.0.0.1:18090 --site "$SITE" --rate-per-minute 0 & PROXY=$!
trap 'kill $FAKE $PROXY 2>/dev/null; rm -rf "$SITE" "$BODY" "$LUA"' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:18090/api/health >/dev/null && break; sleep 0.1; done
echo "== body $(wc -c < "$BODY") bytes, ${SECS}s, $CONNS connections, 2 wrk threads"
echo "== fake Gemini alone (upstream cost baseline)"
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s <(cat "$LUA"; echo 'wrk.body = "{\"contents\":[{\"parts\":[{\"text\":\"{}\"}]}]}"') \
  http://127.0.0.1:18091/v1beta/models/x:generateContent | grep -E "Requests/sec|Latency |50%|99%"
echo "== POST /api/refine (proxy + fake Gemini)"
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$LUA" http://127.0.0.1:18090/api/refine \
  | grep -E "Requests/sec|Latency |50%|99%|Non-2xx"
echo "== GET /api/health"
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency http://127.0.0.1:18090/api/health | grep -E "Requests/sec|Latency |50%|99%"
