#!/usr/bin/env bash
# bench/run.sh: the whole `make bench` run (issue 3, performance), in one go on one machine:
#   1. sweeps side by side with the peers (shared/bench/peers.sh, courtwatch as its `cmd` peer):
#      full mix, then http(s) only (like for like with curl --parallel); ratio table + CPU verdicts
#   2. steady state: `courtwatch run` with STEADY_N fleet probes at STEADY_INTERVAL for STEADY_DURATION
#   3. detection: kill a loopback target, time until the DOWN incident is committed
# Everything it prints also goes to $BENCH_OUT/report.txt.
#
# Environment (defaults in brackets):
#   COURTWATCH     the binary [.build-bench/release/courtwatch]
#   PEERBENCH      the peer harness [../shared/bench, beside the repository]
#   BENCH_OUT      results directory [bench-results]
#   BENCH_DIR      the peer harness's runtime directory [/tmp/peerbench]
#   BENCH_SIZES    fleet sizes for the sweeps ["1000 5000"]
#   BENCH_REPS     repetitions per size and peer [3]
#   BENCH_PEERS    peers beside courtwatch ["blackbox nagios curl-parallel"]
#   BENCH_HTTP     1: also the http(s)-only sweeps (courtwatch, blackbox, curl-parallel) [1]
#   PARALLEL, PROBE_TIMEOUT   for every sweep [50, 2]
#   STEADY_N [10000]  STEADY_DURATION [600 s]  STEADY_INTERVAL [30s]  STEADY_RETRY [5s]
#   DETECT_TRIALS [3]  DETECT_INTERVAL [5]  DETECT_RETRY [1]  DETECT_FAILURES [3]  DETECT_TIMEOUT [2]
#   BENCH_PARTS    which parts to run ["sweep steady detect"]
#   BENCH_STRICT   1: exit 1 when any target is missed (default 0: the run only fails when it breaks)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HERE=$ROOT/bench
COURTWATCH=${COURTWATCH:-$ROOT/.build-bench/release/courtwatch}
PEERBENCH=${PEERBENCH:-$ROOT/../shared/bench}
OUT=${BENCH_OUT:-$ROOT/bench-results}
export BENCH_DIR=${BENCH_DIR:-/tmp/peerbench}
export PARALLEL=${PARALLEL:-50} PROBE_TIMEOUT=${PROBE_TIMEOUT:-2}
BENCH_SIZES=${BENCH_SIZES:-"1000 5000"}
BENCH_REPS=${BENCH_REPS:-3}
BENCH_PEERS=${BENCH_PEERS:-"blackbox nagios curl-parallel"}
BENCH_HTTP=${BENCH_HTTP:-1}
BENCH_PARTS=${BENCH_PARTS:-"sweep steady detect"}
STEADY_N=${STEADY_N:-10000}
STEADY_DURATION=${STEADY_DURATION:-600}
STEADY_INTERVAL=${STEADY_INTERVAL:-30s}
STEADY_RETRY=${STEADY_RETRY:-5s}
DETECT_TRIALS=${DETECT_TRIALS:-3}
PY=${PYTHON:-python3}

die() { echo "bench: $*" >&2; exit 2; }
[ -x "$COURTWATCH" ] || die "$COURTWATCH not built (make bench builds it)"
[ -x "$PEERBENCH/peers.sh" ] || die "peer harness not found at $PEERBENCH (set PEERBENCH)"
PEERBENCH=$(cd "$PEERBENCH" && pwd)
mkdir -p "$OUT"
if [ -z "${BENCH_TEED:-}" ]; then     # run again with everything copied to report.txt
  set +e
  BENCH_TEED=1 "$0" "$@" 2>&1 | tee "$OUT/report.txt"
  exit "${PIPESTATUS[0]}"
fi
VERDICTS=$OUT/verdicts.txt
: >"$VERDICTS"

cleanup() { "$PEERBENCH/fleet.sh" stop >/dev/null 2>&1 || true; }
trap cleanup EXIT

started=$(date +%s)
echo "courtwatch benchmark — $(date -u +%FT%TZ)"
echo "machine: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "courtwatch: $COURTWATCH ($("$COURTWATCH" --version 2>/dev/null || echo '?'), git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- Sources 2>/dev/null || echo ' + uncommitted Sources changes'))"
echo "peers: $PEERBENCH; sizes [$BENCH_SIZES], reps $BENCH_REPS, P=$PARALLEL, timeout ${PROBE_TIMEOUT}s"
echo "versions: $(dpkg-query -W -f='${Package} ${Version}; ' prometheus-blackbox-exporter monitoring-plugins-basic curl nginx-light nginx 2>/dev/null)"

CMD_PEER="courtwatch=$COURTWATCH sweep --targets {targets} --parallel {parallel} --timeout {timeout} --insecure"

for part in $BENCH_PARTS; do
  case $part in
  sweep)
    echo; echo "== 1. Sweeps side by side (peers.sh; raw JSON lines in $OUT/sweep-*.jsonl) =="
    t=$(date +%s)
    CMD_PEER=$CMD_PEER PEERS=$BENCH_PEERS REPS=$BENCH_REPS RESULTS=$OUT/sweep-mix.jsonl \
      "$PEERBENCH/peers.sh" $BENCH_SIZES >"$OUT/sweep-mix.log" 2>&1 \
      || { tail -20 "$OUT/sweep-mix.log"; die "peers.sh (full mix) failed; see $OUT/sweep-mix.log"; }
    echo "full mix: $(( $(date +%s) - t )) s"
    http=""
    if [ "$BENCH_HTTP" = 1 ]; then
      t=$(date +%s)
      http_peers=""
      for p in $BENCH_PEERS; do case $p in blackbox|curl-parallel) http_peers="$http_peers $p" ;; esac; done
      KINDS=http CMD_PEER=$CMD_PEER PEERS=${http_peers# } REPS=$BENCH_REPS RESULTS=$OUT/sweep-http.jsonl \
        "$PEERBENCH/peers.sh" $BENCH_SIZES >"$OUT/sweep-http.log" 2>&1 \
        || { tail -20 "$OUT/sweep-http.log"; die "peers.sh (http only) failed; see $OUT/sweep-http.log"; }
      echo "http(s) only: $(( $(date +%s) - t )) s"
      http=$OUT/sweep-http.jsonl
    fi
    "$PY" "$HERE/sweep_report.py" "$OUT/sweep-mix.jsonl" $http --name courtwatch --verdicts "$VERDICTS"
    ;;
  steady)
    echo; echo "== 2. Steady-state daemon (work files in $OUT/steady) =="
    "$PEERBENCH/fleet.sh" start "$STEADY_N"
    "$PY" "$HERE/steady.py" --courtwatch "$COURTWATCH" --targets "$BENCH_DIR/targets.txt" --n "$STEADY_N" \
      --duration "$STEADY_DURATION" --interval "$STEADY_INTERVAL" --timeout "${PROBE_TIMEOUT}s" \
      --retry "$STEADY_RETRY" --out "$OUT/steady" --verdicts "$VERDICTS"
    "$PEERBENCH/fleet.sh" stop >/dev/null
    ;;
  detect)
    echo; echo "== 3. Detection time (work files in $OUT/detect) =="
    "$PY" "$HERE/detect.py" --courtwatch "$COURTWATCH" --out "$OUT/detect" --verdicts "$VERDICTS" \
      --trials "$DETECT_TRIALS" --interval "${DETECT_INTERVAL:-5}" --retry "${DETECT_RETRY:-1}" \
      --failures "${DETECT_FAILURES:-3}" --timeout "${DETECT_TIMEOUT:-2}"
    ;;
  *) die "unknown part '$part' in BENCH_PARTS (sweep, steady, detect)" ;;
  esac
done

echo; echo "== Summary: issue-3 targets ($(( ($(date +%s) - started) / 60 )) min $(( ($(date +%s) - started) % 60 )) s) =="
cat "$VERDICTS"
pass=$(grep -c '^VERDICT PASS' "$VERDICTS" || true)
fail=$(grep -c '^VERDICT FAIL' "$VERDICTS" || true)
echo "$pass passed, $fail failed; full report: $OUT/report.txt"
if [ "$fail" -gt 0 ] && [ "${BENCH_STRICT:-0}" = 1 ]; then exit 1; fi
