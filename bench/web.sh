#!/bin/sh
# Web surface load test (issue 7), not a timed unit test: the daemon watches probes that hit its own web
# server, wrk loads the status board, the status API and /metrics on loopback, and afterwards every probe
# must still have run on schedule (last check no older than its interval plus slack).
# Settings: COURTWATCH (binary), WEB_PORT, WEB_SECONDS (per route), WEB_CONNECTIONS, WEB_PROBES.
set -eu
COURTWATCH=${COURTWATCH:-.build-bench/release/courtwatch}
PORT=${WEB_PORT:-18089}
SECONDS_PER_ROUTE=${WEB_SECONDS:-10}
CONNECTIONS=${WEB_CONNECTIONS:-32}
PROBES=${WEB_PROBES:-50}
OUT=${BENCH_OUT:-bench-results}
command -v wrk >/dev/null || { echo "bench-web needs wrk: apt-get install -y wrk" >&2; exit 1; }
[ -x "$COURTWATCH" ] || { echo "no binary at $COURTWATCH (make bench-build)" >&2; exit 1; }

work=$(mktemp -d)
daemon=""
cleanup() { [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
mkdir -p "$work/config" "$OUT"
cat > "$work/config/courtwatch.conf" <<CONF
[Daemon]
Listen=127.0.0.1:$PORT
PublicStatus=yes
TokensFile=tokens
CONF
cat > "$work/config/site.conf" <<CONF
[Site]
ID=bench-site
Name=Bench Crown Court
TimeZone=Europe/London
CONF
i=0
while [ "$i" -lt "$PROBES" ]; do
  cat > "$work/config/p$i.probe" <<CONF
[Probe]
ID=self-$i
Name=Web surface health $i
Kind=http
URL=http://127.0.0.1:$PORT/healthz
Interval=5s
Timeout=2s
System=web
CONF
  i=$((i + 1))
done

token=$("$COURTWATCH" token add --role site-lead --subject bench-lead --config "$work/config" 2>/dev/null)
"$COURTWATCH" run --config "$work/config" --state "$work/state" --log-level warning 2>"$work/daemon.log" &
daemon=$!
tries=0
until curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do
  tries=$((tries + 1)); [ "$tries" -lt 100 ] || { cat "$work/daemon.log" >&2; exit 1; }
  sleep 0.1
done
sleep 6   # every probe has run once
# A signed-in browser's session cookie: the board is then rendered per viewer (name, sign-out form).
cookie=$(curl -fsS -o /dev/null -D - -H "Origin: http://127.0.0.1:$PORT" -H "Sec-Fetch-Site: same-origin" \
  --data-urlencode "token=$token" "http://127.0.0.1:$PORT/signin" | sed -n 's/^Set-Cookie: \([^;]*\);.*/\1/p')
[ -n "$cookie" ] || { echo "signing in for the bench failed" >&2; exit 1; }

# Each request claims a different client address (X-Real-IP from loopback), so the per-client rate limit
# (20/s) measures the server, not the limiter.
cat > "$work/clients.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, { ["X-Real-IP"] = "10." .. (n % 250) .. "." .. (math.floor(n / 250) % 250) .. ".1" })
end
LUA
report="$OUT/web.txt"
{
  echo "courtwatch web surface under wrk: $CONNECTIONS connections, 2 threads, ${SECONDS_PER_ROUTE}s per route, $PROBES probes every 5 s"
  echo "machine: $(nproc) cores, $(uname -r)"
  for route in / /api/v1/status /metrics; do
    echo
    echo "== GET $route"
    wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_ROUTE}s" -s "$work/clients.lua" "http://127.0.0.1:$PORT$route" | sed -n '/Latency/p;/Requests\/sec/p;/Non-2xx/p;/Socket errors/p'
  done
  echo
  echo "== GET / signed in (session cookie: rendered per viewer)"
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_ROUTE}s" -s "$work/clients.lua" -H "Cookie: $cookie" "http://127.0.0.1:$PORT/" | sed -n '/Latency/p;/Requests\/sec/p;/Non-2xx/p;/Socket errors/p'
  curl -fsS -H "Cookie: $cookie" "http://127.0.0.1:$PORT/" | grep -q "bench-lead" || { echo "the signed-in board does not name the viewer" >&2; exit 1; }
  echo
  now=$(date +%s)
  stale=$(curl -fsS "http://127.0.0.1:$PORT/metrics" | awk -v now="$now" '
    /^courtwatch_probe_last_check_timestamp_seconds/ { age = now - $2; if (age > worst) worst = age; n++ }
    END { printf "%d probes, oldest last check %.1f s ago", n, worst; if (worst > 12) print " — LATE"; else print " — on schedule" }')
  echo "after the load: $stale"
  curl -fsS "http://127.0.0.1:$PORT/metrics" | grep '^courtwatch_probe_loop' || true
} | tee "$report"
grep -q "on schedule" "$report"
