#!/usr/bin/env bash
# Big bodies, side by side with curl in one run (commands alternated by
# hyperfine), for the record issue:
#   bash benches/bodies.sh      (needs curl, hyperfine, /usr/bin/time)
# 100 x 1 MiB on one HTTP/1.1 connection (curl with 100 URLs reuses its
# connection as `send` with 100 URLs does); one 50 MiB body over plain
# HTTP/1.1, TLS and h2: wall time, and peak RSS with the default 16 MiB
# of body kept in memory.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=target/release/wirescope
OUT=${BENCH_OUT:-target/bench}
mkdir -p "$OUT"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PLAIN=$(free_port)
TLS=$(free_port)
"$BIN" demo-server --addr "127.0.0.1:$PLAIN" >"$OUT/bodies-plain.log" 2>&1 &
A=$!
"$BIN" demo-server --tls --addr "127.0.0.1:$TLS" --ca-out "$OUT/bodies-ca.pem" >"$OUT/bodies-tls.log" 2>&1 &
B=$!
trap 'kill $A $B 2>/dev/null' EXIT
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$PLAIN/get" &&
    curl -s --cacert "$OUT/bodies-ca.pem" -o /dev/null "https://127.0.0.1:$TLS/get" && break
  sleep 0.1
done
CA="$OUT/bodies-ca.pem"
ratio() {
  python3 - "$1" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
(c, cs), (w, ws) = [(x["mean"], x["stddev"]) for x in r]
print(f"{sys.argv[2]}: curl {c*1e3:.0f}±{cs*1e3:.0f} ms, wirescope {w*1e3:.0f}±{ws*1e3:.0f} ms, ratio {w/c:.2f} (target <= 1.0)")
PY
}
# Peak RSS (MiB) and minor page faults of one run.
mem() { /usr/bin/time -o "$OUT/mem" -f "%M %R" "$@" >/dev/null 2>&1; read -r kb faults <"$OUT/mem"; python3 -c "print(f'{$kb/1024:.1f} MiB, {$faults} minor faults')"; }

MIB="http://127.0.0.1:$PLAIN/bytes/1048576"
python3 -c "print(' '.join(['-o /dev/null $MIB'] * 100))" >"$OUT/curl_mib.args"
python3 -c "print(' '.join(['$MIB'] * 100))" >"$OUT/ws_mib.args"
echo "exec curl -s \$(cat $OUT/curl_mib.args)" >"$OUT/curl_mib.sh"
echo "exec $BIN send --print timing \$(cat $OUT/ws_mib.args)" >"$OUT/ws_mib.sh"
echo "== 100 x 1 MiB on one HTTP/1.1 connection"
hyperfine -N --warmup 1 --runs "${RUNS:-10}" --export-json "$OUT/mib.json" \
  "bash $OUT/curl_mib.sh" "bash $OUT/ws_mib.sh" >/dev/null
ratio "$OUT/mib.json" "100 x 1 MiB"
echo "   curl:      $(mem bash "$OUT/curl_mib.sh")"
echo "   wirescope: $(mem bash "$OUT/ws_mib.sh")"

BIG=$((50 * 1024 * 1024))
for proto in plain tls h2; do
  case $proto in
    plain) URL="http://127.0.0.1:$PLAIN/bytes/$BIG"; C=(); W=() ;;
    tls) URL="https://127.0.0.1:$TLS/bytes/$BIG"; C=(--http1.1 --cacert "$CA"); W=(--http1.1 --cacert "$CA") ;;
    h2) URL="https://127.0.0.1:$TLS/bytes/$BIG"; C=(--http2 --cacert "$CA"); W=(--http2 --cacert "$CA") ;;
  esac
  echo "== one 50 MiB body, $proto"
  hyperfine -N --warmup 1 --runs "${RUNS:-10}" --export-json "$OUT/big_$proto.json" \
    "curl -s ${C[*]} -o /dev/null $URL" "$BIN send ${W[*]} --print timing $URL" >/dev/null
  ratio "$OUT/big_$proto.json" "50 MiB $proto"
  echo "   peak RSS (target < 30 MiB with 16 MiB kept): curl $(mem curl -s "${C[@]}" -o /dev/null "$URL"); wirescope $(mem "$BIN" send "${W[@]}" --print timing "$URL")"
done
