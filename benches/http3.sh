#!/usr/bin/env bash
# HTTP/3 beside HTTP/2, side by side in one run (hyperfine alternates the
# commands), for the HTTP/3 issue:
#   bash benches/http3.sh      (needs curl, hyperfine, /usr/bin/time)
# The demo server with --tls --http3 on loopback; curl here has no
# HTTP/3, so the reference is curl --http2 to the same server, beside
# wirescope --http2 and wirescope --http3: a small GET (a new connection
# each: the QUIC handshake against TCP + TLS) and one 50 MiB body.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=target/release/wirescope
OUT=${BENCH_OUT:-target/bench}
mkdir -p "$OUT"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" demo-server --tls --http3 --addr "127.0.0.1:$PORT" --ca-out "$OUT/h3-ca.pem" >"$OUT/h3-demo.log" 2>&1 &
D=$!
trap 'kill $D 2>/dev/null' EXIT
CA="$OUT/h3-ca.pem"
for _ in $(seq 50); do
  curl -s --cacert "$CA" -o /dev/null "https://localhost:$PORT/get" && break
  sleep 0.1
done
ratio() {
  python3 - "$1" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
(c, cs), (h2, h2s), (h3, h3s) = [(x["mean"], x["stddev"]) for x in r]
print(f"{sys.argv[2]}: curl --http2 {c*1e3:.2f}±{cs*1e3:.2f} ms; wirescope --http2 {h2*1e3:.2f}±{h2s*1e3:.2f} ms ({h2/c:.2f}x); wirescope --http3 {h3*1e3:.2f}±{h3s*1e3:.2f} ms ({h3/c:.2f}x)")
PY
}
mem() { /usr/bin/time -o "$OUT/mem" -f "%M" "$@" >/dev/null 2>&1; awk '{printf "%.1f MiB", $1/1024}' "$OUT/mem"; }
for path in get bytes/52428800; do
  URL="https://localhost:$PORT/$path"
  echo "== /$path"
  hyperfine -N --warmup 3 --runs "${RUNS:-20}" --export-json "$OUT/h3_${path//\//_}.json" \
    "curl -s --http2 --cacert $CA -o /dev/null $URL" \
    "$BIN send --http2 --cacert $CA --print timing $URL" \
    "$BIN send --http3 --cacert $CA --print timing $URL" >/dev/null
  ratio "$OUT/h3_${path//\//_}.json" "/$path"
  echo "   peak RSS: curl --http2 $(mem curl -s --http2 --cacert "$CA" -o /dev/null "$URL"); wirescope --http2 $(mem "$BIN" send --http2 --cacert "$CA" --print timing "$URL"); --http3 $(mem "$BIN" send --http3 --cacert "$CA" --print timing "$URL")"
  "$BIN" send --http3 --cacert "$CA" --format json "$URL" | python3 -c '
import json, sys
d = json.loads(sys.stdin.readline())
t = d["timings"]; h = d["h3"]
print("   --http3 phases (ms): dns", t["dns"], "· QUIC handshake", t["connect"], "· send", t["send"], "· wait", t["wait"], "· receive", t["receive"], "·", len(h["datagrams"]), "datagrams, body", d["body_len"], "B")'
done
