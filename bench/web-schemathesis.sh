#!/bin/sh
# Runs schemathesis (PyPI) against the daemon's own OpenAPI document (issue 7), bounded: a few examples per
# operation, requests paced under the per-client rate limit. The daemon runs with a real configuration (a
# probe on its own /healthz and a heartbeat probe) and an ops token made by `courtwatch token add`.
# Settings: COURTWATCH (binary), WEB_PORT, ST_EXAMPLES (per operation), ST_RATE.
set -eu
COURTWATCH=$(realpath "${COURTWATCH:-.build/debug/courtwatch}")
PORT=${WEB_PORT:-18093}
EXAMPLES=${ST_EXAMPLES:-30}
RATE=${ST_RATE:-15/s}
# `st` is on PATH, or (just installed under pyenv, before its shims are rehashed) in python3's scripts folder.
ST=$(command -v st || python3 -c 'import os, sysconfig; print(os.path.join(sysconfig.get_path("scripts"), "st"))')
[ -x "$ST" ] || { echo "needs schemathesis: python3 -m pip install schemathesis" >&2; exit 1; }
[ -x "$COURTWATCH" ] || { echo "no binary at $COURTWATCH (swift build)" >&2; exit 1; }

work=$(mktemp -d)
daemon=""
cleanup() { [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
mkdir -p "$work/config"
printf '[Daemon]\nListen=127.0.0.1:%s\nTokensFile=tokens\n' "$PORT" > "$work/config/courtwatch.conf"
printf '[Site]\nID=st-site\nName=Schemathesis Court\nTimeZone=Europe/London\n' > "$work/config/site.conf"
printf '[Probe]\nID=self\nName=Web surface\nKind=http\nURL=http://127.0.0.1:%s/healthz\nInterval=2s\nSystem=web\n' \
  "$PORT" > "$work/config/self.probe"
printf '[Probe]\nID=nightly\nName=Nightly job\nKind=heartbeat\nPeriod=1h\nGrace=10m\n' > "$work/config/nightly.probe"
mkdir -p "$work/config/staff"
printf '[Staff]\nID=st-1\nName=Schemathesis Clerk\nRole=legal-adviser\nWorkingHours=Mon-Fri 09:00-17:00\nSystems=web\n' \
  > "$work/config/staff/st-1.staff"
token=$("$COURTWATCH" token add --role ops --subject schemathesis --config "$work/config" 2>/dev/null)
# The staff routes answer only a member of staff, as themself: a second pass uses this token.
staff_token=$("$COURTWATCH" token add --role staff --subject st-1 --config "$work/config" 2>/dev/null)
"$COURTWATCH" run --config "$work/config" --state "$work/state" --log-level warning 2>"$work/daemon.log" &
daemon=$!
tries=0
until curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do
  tries=$((tries + 1)); [ "$tries" -lt 100 ] || { cat "$work/daemon.log" >&2; exit 1; }
  sleep 0.1
done
# An incident to act on.
"$COURTWATCH" incidents open --config "$work/config" --state "$work/state" --site st-site --system web \
  --text "Schemathesis test incident" --by st --impact minor >/dev/null 2>&1 || true

cd "$work"   # schemathesis keeps a .schemathesis cache in the current directory
# Rules a schema cannot express: a period's from must come before its to (and be a real date), so a
# schema-valid pair can still be a 400 on the export and report routes; the same for a user report.
cat > schemathesis.toml <<'TOML'
[[operations]]
include-name = "GET /api/v1/log/export"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429", "5xx"]

[[operations]]
include-name = "GET /reports/site"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429", "5xx"]

[[operations]]
include-name = "GET /reports/user/{id}"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429", "5xx"]

# A share must end on a day still to come; an entry's details depend on its kind and free text is screened
# for case data; a problem must name a system of the site: schema-valid bodies can still be a 422.
[[operations]]
include-name = "POST /api/v1/staff/shares"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "422", "429", "5xx"]

[[operations]]
include-name = "POST /api/v1/staff/entries"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "422", "429", "5xx"]

[[operations]]
include-name = "POST /api/v1/report-problem"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "422", "429", "5xx"]
TOML
"$ST" run "http://127.0.0.1:$PORT/api/v1/openapi.json" -H "Authorization: Bearer $token" \
  --max-examples "$EXAMPLES" --rate-limit "$RATE" --checks all --workers 1 --generation-deterministic \
  --exclude-path / --exclude-path /metrics
"$ST" run "http://127.0.0.1:$PORT/api/v1/openapi.json" -H "Authorization: Bearer $staff_token" \
  --max-examples "$EXAMPLES" --rate-limit "$RATE" --checks all --workers 1 --generation-deterministic \
  --include-path-regex '^/api/v1/(staff/|report-problem)'
