#!/usr/bin/env bash
# What capture costs a program, side by side in one run (hyperfine
# alternates the commands), for the capture issue:
#   bash benches/capture.sh      (needs curl, hyperfine, /usr/bin/time)
# curl alone against the demo server, and the same curl under `wirescope
# capture` printing a line per exchange (the default) and under
# `--format json` (every byte of both legs in base64; stdout to
# /dev/null): 100 small GETs on one connection, and one 50 MiB body over
# plain http and https (the proxy terminates TLS and dials upstream TLS
# again). Peak RSS for the 50 MiB run, and the bytes it reports.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=target/release/wirescope
OUT=${BENCH_OUT:-target/bench}
mkdir -p "$OUT"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PLAIN=$(free_port)
TLS=$(free_port)
"$BIN" demo-server --addr "127.0.0.1:$PLAIN" >"$OUT/capture-plain.log" 2>&1 &
A=$!
"$BIN" demo-server --tls --addr "127.0.0.1:$TLS" --ca-out "$OUT/capture-ca.pem" >"$OUT/capture-tls.log" 2>&1 &
B=$!
trap 'kill $A $B 2>/dev/null' EXIT
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$PLAIN/get" &&
    curl -s --cacert "$OUT/capture-ca.pem" -o /dev/null "https://127.0.0.1:$TLS/get" && break
  sleep 0.1
done
CA="$OUT/capture-ca.pem"
ratio() {
  python3 - "$1" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
(c, cs), (t, ts), (j, js) = [(x["mean"], x["stddev"]) for x in r]
print(f"{sys.argv[2]}: curl {c*1e3:.1f}±{cs*1e3:.1f} ms; under capture, text {t*1e3:.1f}±{ts*1e3:.1f} ms ({t/c:.2f}x), json {j*1e3:.1f}±{js*1e3:.1f} ms ({j/c:.2f}x)")
PY
}
# Peak RSS of one run: for a command with a child, /usr/bin/time reports
# the larger of the two (ru_maxrss is a maximum, not a sum).
mem() { /usr/bin/time -o "$OUT/mem" -f "%M" "$@" >/dev/null 2>&1; awk '{printf "%.1f MiB", $1/1024}' "$OUT/mem"; }

SMALL="http://127.0.0.1:$PLAIN/get"
python3 -c "print(' '.join(['-o /dev/null $SMALL'] * 100))" >"$OUT/capture_small.args"
echo "exec curl -s \$(cat $OUT/capture_small.args)" >"$OUT/capture_curl_small.sh"
echo "exec $BIN capture -- curl -s \$(cat $OUT/capture_small.args) >/dev/null" >"$OUT/capture_ws_small.sh"
echo "exec $BIN capture --format json -- curl -s \$(cat $OUT/capture_small.args) >/dev/null" >"$OUT/capture_wsj_small.sh"
echo "== 100 small GETs, one connection"
hyperfine -N --warmup 1 --runs "${RUNS:-10}" --export-json "$OUT/capture_small.json" \
  "bash $OUT/capture_curl_small.sh" "bash $OUT/capture_ws_small.sh" "bash $OUT/capture_wsj_small.sh" >/dev/null
ratio "$OUT/capture_small.json" "100 small GETs"

BIG=$((50 * 1024 * 1024))
for proto in plain tls; do
  case $proto in
    plain) URL="http://127.0.0.1:$PLAIN/bytes/$BIG"; C=(); W=() ;;
    tls) URL="https://127.0.0.1:$TLS/bytes/$BIG"; C=(--cacert "$CA"); W=(--cacert "$CA") ;;
  esac
  echo "== one 50 MiB body, $proto"
  # Under capture curl trusts the run's CA (CURL_CA_BUNDLE); wirescope
  # trusts the demo's CA upstream.
  echo "exec $BIN capture ${W[*]} -- curl -s -o /dev/null $URL >/dev/null" >"$OUT/capture_ws_big.sh"
  echo "exec $BIN capture --format json ${W[*]} -- curl -s -o /dev/null $URL >/dev/null" >"$OUT/capture_wsj_big.sh"
  hyperfine -N --warmup 1 --runs "${RUNS:-10}" --export-json "$OUT/capture_big_$proto.json" \
    "curl -s ${C[*]} -o /dev/null $URL" "bash $OUT/capture_ws_big.sh" "bash $OUT/capture_wsj_big.sh" >/dev/null
  ratio "$OUT/capture_big_$proto.json" "50 MiB $proto"
  echo "   peak RSS: curl alone $(mem curl -s "${C[@]}" -o /dev/null "$URL"); under capture, text (the larger of wirescope and curl) $(mem "$BIN" capture "${W[@]}" -- curl -s -o /dev/null "$URL"), json $(mem "$BIN" capture --format json "${W[@]}" -- curl -s -o /dev/null "$URL")"
  "$BIN" capture --format json "${W[@]}" -- curl -s -o /dev/null "$URL" 2>/dev/null |
    python3 -c '
import json, sys
d = json.loads(sys.stdin.readline())
print("   reported: received_total", d["received_total"], "· upstream received_total", d["upstream"]["received_total"], "· body_len", d["body_len"])'
done
