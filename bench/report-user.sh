#!/usr/bin/env bash
# Benchmark (issue 6, not a timed test): builds a year of incidents and self-logged entries for one person,
# then times `courtwatch report user` for the whole year in each format and prints the measured figures.
#
#   COURTWATCH   the binary [.build-bench/release/courtwatch]
#   INCIDENTS    incidents in the year [400]
#   ENTRIES      self-logged entries [150]
#   RUNS         timed runs per format (the median is printed) [5]
#   SEED         random seed for the synthetic year [6]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
COURTWATCH=${COURTWATCH:-$ROOT/.build-bench/release/courtwatch}
INCIDENTS=${INCIDENTS:-400}
ENTRIES=${ENTRIES:-150}
RUNS=${RUNS:-5}
SEED=${SEED:-6}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/courtwatch-report-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
CONFIG=$WORK/config
STATE=$WORK/state
mkdir -p "$CONFIG"
cat > "$CONFIG/site.conf" <<'CONF'
[Site]
ID=bench-site
Name=Benchmark Magistrates' Court
TimeZone=Europe/London
Holidays=england-and-wales
CONF
# One probe per system: `incidents open` checks system names against the configuration.
for system in common-platform libra cvp cjsm network printing ndelius; do
    printf '[Probe]\nID=%s\nName=%s\nKind=http\nURL=http://127.0.0.1:9/\nSystem=%s\n' "$system" "$system" "$system" \
        > "$CONFIG/$system.probe"
done
"$COURTWATCH" staff add la-bench --name "Bench Person" --role legal-adviser --team crime \
    --hours "Mon-Thu 08:30-17:00; Fri 08:30-16:30" --leave 2025-08-04..2025-08-15,2025-12-29 \
    --config "$CONFIG" >/dev/null

echo "building a year: $INCIDENTS incidents and $ENTRIES entries (seed $SEED)..."
python3 - "$SEED" "$INCIDENTS" "$ENTRIES" > "$WORK/commands" <<'PY'
import random, sys, datetime as dt
seed, incidents, entries = (int(a) for a in sys.argv[1:])
rng = random.Random(seed)
systems = ["common-platform", "libra", "cvp", "cjsm", "network", "printing", "ndelius"]
start_of_year = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
def when(minutes):
    return (start_of_year + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
for _ in range(incidents):
    start = rng.randrange(0, 364 * 1440)
    length = rng.choice([rng.randrange(5, 60), rng.randrange(30, 240), rng.randrange(120, 2 * 1440)])
    chosen = ",".join(rng.sample(systems, rng.choice([1, 1, 1, 2, 3])))
    extra = rng.choice(["", "", "", "--planned", "--impact minor"])
    print(f"incidents open --site bench-site --system {chosen} --by bench --text outage --source bench "
          f"--started-at {when(start)} --resolved-at {when(start + length)} {extra}")
kinds = ["time-lost --minutes {m} --could-not record-results", "extra-hours --until {u} --claim toil",
         "cost --amount 3.50 --what phone", "deadline --status at-risk", "manager-notified --how email",
         "helpdesk-ticket --reference INC{m}"]
for _ in range(entries):
    start = rng.randrange(0, 364 * 1440)
    m = rng.randrange(10, 180)
    kind = rng.choice(kinds).format(m=m, u=when(start + m))
    print(f"staff log la-bench --at {when(start)} --kind {kind}")
PY
while read -r line; do
    # shellcheck disable=SC2086
    "$COURTWATCH" $line --config "$CONFIG" --state "$STATE" >/dev/null 2>"$WORK/error" || { echo "failed: $line: $(cat "$WORK/error")" >&2; exit 1; }
done < "$WORK/commands"

echo "binary: $COURTWATCH"
echo "timing: courtwatch report user la-bench --from 2025-01-01 --to 2025-12-31 (median of $RUNS runs, whole process)"
for format in json html csv pdf; do
    times=()
    for _ in $(seq "$RUNS"); do
        start=$(date +%s%N)
        summary=$("$COURTWATCH" report user la-bench --from 2025-01-01 --to 2025-12-31 --format "$format" \
            --out "$WORK/report.$format" --config "$CONFIG" --state "$STATE" | head -1)
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000000 )))
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
    printf '  %-4s %5d ms  (%s)\n' "$format" "$median" "${summary##*: }"
done
