#!/usr/bin/env bash
# The record issue's benchmarks, side by side with curl in one run:
#   bash benches/record.sh        (needs curl, hyperfine, /usr/bin/time)
# N small GETs on one HTTP/2 connection over TLS (curl --http2 with N
# URLs reuses its connection the same way `wirescope send` with N URLs
# does); the per-request cost must not grow with N.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=target/release/wirescope
OUT=${BENCH_OUT:-target/bench}
mkdir -p "$OUT"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" demo-server --tls --addr "127.0.0.1:$PORT" --ca-out "$OUT/ca.pem" >"$OUT/demo-tls.log" 2>&1 &
DEMO=$!
trap 'kill $DEMO 2>/dev/null' EXIT
for _ in $(seq 50); do curl -s --cacert "$OUT/ca.pem" -o /dev/null "https://127.0.0.1:$PORT/get" && break; sleep 0.1; done
URL="https://127.0.0.1:$PORT/get"
for N in ${COUNTS:-1000 5000}; do
  URLS=$(python3 -c "print(' '.join(['$URL'] * $N))")
  # One argument to hyperfine may not pass 128 KiB: each side's command
  # goes in a script (the same bash start-up cost on both sides).
  echo "exec curl -s --http2 --cacert $OUT/ca.pem -o /dev/null $URLS" >"$OUT/curl_$N.sh"
  echo "exec $BIN send --cacert $OUT/ca.pem --print timing $URLS" >"$OUT/ws_$N.sh"
  echo "== $N GETs on one HTTP/2 connection (TLS)"
  hyperfine -N --warmup 1 --runs ${RUNS:-10} --export-json "$OUT/h2_$N.json" \
    "bash $OUT/curl_$N.sh" "bash $OUT/ws_$N.sh" >/dev/null
  python3 - "$OUT/h2_$N.json" "$N" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
n = int(sys.argv[2])
(c, cs), (w, ws) = [(x["mean"], x["stddev"]) for x in r]
print(f"{n} GETs: curl {c*1e3:.0f}±{cs*1e3:.0f} ms, wirescope {w*1e3:.0f}±{ws*1e3:.0f} ms, "
      f"ratio {w/c:.2f} (target <= 1.0); per request wirescope {w/n*1e6:.0f} us, curl {c/n*1e6:.0f} us")
PY
done
