#!/usr/bin/env bash
# Reproduces every number in BENCHMARKS.md, side by side in one run:
#   bash benches/run.sh            (needs curl, hyperfine, /usr/bin/time)
# Machines here are noisy: compare the ratios, not the absolute times.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=target/release/wirescope
OUT=${BENCH_OUT:-target/bench}
mkdir -p "$OUT"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" demo-server --addr "127.0.0.1:$PORT" >"$OUT/demo.log" 2>&1 &
DEMO=$!
trap 'kill $DEMO 2>/dev/null' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/get" && break; sleep 0.1; done
BASE="http://127.0.0.1:$PORT"
BIG=$((100 * 1024 * 1024))

echo "== small GET, whole process (hyperfine)"
hyperfine -N --warmup 20 --runs ${SMALL_RUNS:-300} --export-json "$OUT/small.json" \
  "curl -s -o /dev/null $BASE/get" \
  "$BIN send $BASE/get"

echo "== 100 MB body, whole process (hyperfine)"
hyperfine -N --warmup 1 --runs ${BIG_RUNS:-10} --export-json "$OUT/big.json" \
  "curl -s -o /dev/null $BASE/bytes/$BIG" \
  "$BIN send $BASE/bytes/$BIG --print timing"

echo "== 1 GB body, whole process (hyperfine)"
GIG=$((1024 * 1024 * 1024))
hyperfine -N --warmup 1 --runs ${GIG_RUNS:-3} --export-json "$OUT/gig.json" \
  "curl -s -o /dev/null $BASE/bytes/$GIG" \
  "$BIN send $BASE/bytes/$GIG --print timing"

echo "== 100 MB body, peak RSS"
/usr/bin/time -v curl -s -o /dev/null "$BASE/bytes/$BIG" 2>"$OUT/curl.time"
/usr/bin/time -v "$BIN" send "$BASE/bytes/$BIG" --print timing >/dev/null 2>"$OUT/ws.time"
rss() { awk -F': ' '/Maximum resident/ {print $2}' "$1"; }

python3 - "$OUT" "$(rss "$OUT/curl.time")" "$(rss "$OUT/ws.time")" "$BIG" <<'PY'
import json, sys
out, curl_rss, ws_rss, big = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def means(f):
    r = json.load(open(f"{out}/{f}"))["results"]
    return [(x["mean"], x["stddev"]) for x in r]
(c, cs), (w, ws) = means("small.json")
print(f"small GET: curl {c*1e3:.2f}±{cs*1e3:.2f} ms, wirescope {w*1e3:.2f}±{ws*1e3:.2f} ms, ratio wirescope/curl = {w/c:.2f} (target <= 1.2)")
(c, cs), (w, ws) = means("big.json")
tc, tw = big / c / 1e6, big / w / 1e6
print(f"100 MB: curl {tc:.0f} MB/s, wirescope {tw:.0f} MB/s, throughput ratio = {tw/tc:.2f} (target >= 0.8)")
print(f"100 MB peak RSS: curl {curl_rss/1024:.1f} MiB, wirescope {ws_rss/1024:.1f} MiB (target < 100 MB)")
(c, cs), (w, ws) = means("gig.json")
gig = 1024 ** 3
print(f"1 GB: curl {gig / c / 1e6:.0f} MB/s, wirescope {gig / w / 1e6:.0f} MB/s, throughput ratio = {c / w:.2f} (target >= 0.8)")
PY

if [ -z "${SKIP_CRITERION:-}" ]; then
  echo "== engine vs reqwest, in-process (criterion)"
  cargo bench --quiet --bench engine -- --noplot 2>&1 | grep -E "^(small|wirescope|reqwest)|time:" || true
fi
