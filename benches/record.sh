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

# Memory (issue 13 item 4): peak RSS (/usr/bin/time's "Maximum resident
# set size") of `send --format json` on a 50 MiB body, beside curl's, over
# plain HTTP/1.1, TLS HTTP/1.1 and h2; then N small GETs in one `send`
# (10 against 20,000: the difference is what grows with the run), with
# and without --har, and the HAR's size per exchange.
PLAIN=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" demo-server --addr "127.0.0.1:$PLAIN" >"$OUT/demo-plain.log" 2>&1 &
DEMO2=$!
trap 'kill $DEMO $DEMO2 2>/dev/null' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PLAIN/get" && break; sleep 0.1; done
# Peak RSS in MiB of a command (its output thrown away).
rss() { /usr/bin/time -o "$OUT/rss" -f %M "$@" >/dev/null 2>"$OUT/rss.err" || { cat "$OUT/rss.err" >&2; return 1; }; python3 -c "print(f'{int(open(\"$OUT/rss\").read().split()[-1])/1024:.1f}')"; }
BIG=$((50 * 1024 * 1024))
echo "== peak RSS, one 50 MiB body, send --format json (MiB; target < 60)"
printf '%-18s %10s %8s\n' "" wirescope curl
printf '%-18s %10s %8s\n' "HTTP/1.1" \
  "$(rss "$BIN" send --format json "http://127.0.0.1:$PLAIN/bytes/$BIG")" \
  "$(rss curl -s -o /dev/null "http://127.0.0.1:$PLAIN/bytes/$BIG")"
printf '%-18s %10s %8s\n' "HTTP/1.1 over TLS" \
  "$(rss "$BIN" send --format json --http1.1 --cacert "$OUT/ca.pem" "https://127.0.0.1:$PORT/bytes/$BIG")" \
  "$(rss curl -s --http1.1 --cacert "$OUT/ca.pem" -o /dev/null "https://127.0.0.1:$PORT/bytes/$BIG")"
printf '%-18s %10s %8s\n' "h2 (TLS)" \
  "$(rss "$BIN" send --format json --http2 --cacert "$OUT/ca.pem" "https://127.0.0.1:$PORT/bytes/$BIG")" \
  "$(rss curl -s --http2 --cacert "$OUT/ca.pem" -o /dev/null "https://127.0.0.1:$PORT/bytes/$BIG")"
GET="http://127.0.0.1:$PLAIN/get"
MANY=${MANY:-20000}
for N in 10 "$MANY"; do
  python3 -c "print(' '.join(['$GET'] * $N))" >"$OUT/urls_$N"
  # Argument lists this long go through a script (exec: the RSS measured
  # is the program's, not bash's).
  echo "exec $BIN send --format json \$(cat $OUT/urls_$N)" >"$OUT/json_$N.sh"
  echo "exec $BIN send --format json --har $OUT/run_$N.har \$(cat $OUT/urls_$N)" >"$OUT/har_$N.sh"
  echo "exec curl -s -o /dev/null \$(cat $OUT/urls_$N)" >"$OUT/curlmany_$N.sh"
done
echo "== peak RSS, small GETs in one run over one HTTP/1.1 connection (MiB; target: $MANY within 5 MB of 10)"
printf '%-22s %8s %8s %8s\n' "" 10 "$MANY" growth
for kind in json har curlmany; do
  a=$(rss bash "$OUT/${kind}_10.sh"); b=$(rss bash "$OUT/${kind}_$MANY.sh")
  printf '%-22s %8s %8s %8s\n' "$kind" "$a" "$b" "$(python3 -c "print(f'{$b-$a:+.1f}')")"
done
python3 - "$OUT/run_$MANY.har" "$MANY" <<'PY'
import json, os, sys
path, n = sys.argv[1], int(sys.argv[2])
size = os.path.getsize(path)
entries = json.load(open(path))["log"]["entries"]
assert len(entries) == n, (len(entries), n)
body = sum(len(e["response"]["content"].get("text", "")) for e in entries)
wire = sum(len(e["_wirescope"]["sent"]) + len(e["_wirescope"]["received"]) for e in entries)
print(f"HAR of {n} GETs: {size/n:.0f} B per exchange; of which response body text {body/n:.0f} B "
      f"and the wire bytes' base64 {wire/n:.0f} B; the rest {(size-body-wire)/n:.0f} B (target <= 2048)")
PY
