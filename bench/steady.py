#!/usr/bin/env python3
"""steady.py: the daemon in steady state against the loopback fleet.

Writes a configuration of N probes (the first N lines of the fleet's targets.txt: http, https, tcp and
smtp, including the targets that are meant to be down) at --interval, runs `courtwatch run` on it for
--duration seconds, samples the daemon once a second (utime+stime from /proc/PID/stat, VmRSS and
VmHWM from /proc/PID/status), reads its once-a-minute 'probe loop' lines (runs, worst start delay,
health), stops it with SIGTERM, then reads the failure log read-only: samples recorded, events by
kind, each probe's final state against the fleet's expected state.

Prints one table and appends VERDICT lines (RSS < --rss-limit-mib, worst lateness <= --late-limit-ms,
sustained rate, final states as expected, clean stop) to --verdicts.
"""
import argparse
import collections
import json
import os
import shutil
import sys
import time

sys.dont_write_bytecode = True          # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwbench  # noqa: E402


def parse_duration(text):
    text = str(text).strip()
    for suffix, mult in (("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)):
        if text.endswith(suffix) and text[: -len(suffix)].replace(".", "", 1).isdigit():
            return float(text[: -len(suffix)]) * mult
    return float(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--courtwatch", required=True)
    ap.add_argument("--targets", required=True, help="the fleet's targets.txt")
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--duration", default="600", help="seconds (or 10m, 70s)")
    ap.add_argument("--interval", default="30s")
    ap.add_argument("--timeout", default="2s")
    ap.add_argument("--retry", default="5s", help="RetryInterval")
    ap.add_argument("--failures", type=int, default=3, help="FailuresToDown")
    ap.add_argument("--successes", type=int, default=2, help="SuccessesToUp")
    ap.add_argument("--out", required=True, help="work directory (emptied)")
    ap.add_argument("--verdicts", required=True)
    ap.add_argument("--rss-limit-mib", type=float, default=64)
    ap.add_argument("--late-limit-ms", type=float, default=1000)
    a = ap.parse_args()

    duration = parse_duration(a.duration)
    interval_s = parse_duration(a.interval)
    with open(a.targets) as f:
        fleet = [line.split() for line in f if line.strip()]
    if len(fleet) < a.n:
        sys.exit(f"steady.py: {a.targets} has {len(fleet)} targets, need {a.n}")
    fleet = fleet[: a.n]

    shutil.rmtree(a.out, ignore_errors=True)
    config, state = os.path.join(a.out, "config"), os.path.join(a.out, "state")
    os.makedirs(state)
    cwbench.write_site(config, "bench-steady", "courtwatch steady-state benchmark")
    expected, kinds = {}, collections.Counter()
    per_file = 500
    for start in range(0, a.n, per_file):
        with open(os.path.join(config, f"fleet-{start // per_file:03d}.probe"), "w") as f:
            for i in range(start, min(start + per_file, a.n)):
                kind, target, exp = fleet[i]
                pid = f"t{i:05d}"
                expected[pid] = exp
                kinds[kind + ("s" if target.startswith("https://") else "")] += 1
                f.write(cwbench.probe_section(pid, kind, target, a.interval, a.timeout, a.retry,
                                              a.failures, a.successes) + "\n")

    log_path = os.path.join(a.out, "daemon.log")
    ttl = duration + 300
    print(f"steady state: {a.n} probes ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}; "
          f"{sum(1 for v in expected.values() if v == 'down')} meant to be down), Interval={a.interval} "
          f"Timeout={a.timeout} RetryInterval={a.retry} FailuresToDown={a.failures}; running {duration:.0f} s",
          flush=True)
    daemon = cwbench.Proc([a.courtwatch, "run", "--config", config, "--state", state, "--log-level", "info"],
                          ttl, log_path, pidfile=os.path.join(a.out, "daemon.pid"))
    t0 = time.monotonic()
    samples = []          # (elapsed s, cpu s, rss KiB, hwm KiB, threads)
    split_at_peak = None  # (RssAnon KiB, RssFile KiB) when VmRSS was largest
    loop_lines = []       # (elapsed s, runs, window, worst ms, health, cpu s at that moment)
    log_pos, pending, died = 0, b"", None
    expected_lines = int(duration // 60)
    try:
        # Sample once a second for `duration`, then up to 10 s more for the last minute's line.
        while True:
            now = time.monotonic() - t0
            s = cwbench.cpu_rss(daemon.pid)
            if s is None or not daemon.alive():
                died = now
                break
            samples.append((now,) + s)
            if split_at_peak is None or s[1] >= split_at_peak[2]:
                split = cwbench.rss_breakdown(daemon.pid)
                if split:
                    split_at_peak = split + (s[1],)
            with open(log_path, "rb") as f:
                f.seek(log_pos)
                chunk = f.read()
                log_pos += len(chunk)
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                m = cwbench.LOOP_RE.search(line.decode(errors="replace"))
                if m:
                    loop_lines.append((now, int(m.group(1)), m.group(2), int(m.group(3)), m.group(4) or "?", s[0]))
                    print(f"  t={now:5.0f}s  {line.decode(errors='replace').strip()}  "
                          f"(RSS {s[1] / 1024:.1f} MiB, CPU {s[0]:.1f} s)", flush=True)
            if now >= duration and (len(loop_lines) >= expected_lines or now >= duration + 10):
                break
            time.sleep(max(0.0, 1.0 - ((time.monotonic() - t0) % 1.0)))
        final = cwbench.cpu_rss(daemon.pid) if died is None else None
        run_s = time.monotonic() - t0
    finally:
        exit_code = daemon.stop(grace=20)
    if final:
        samples.append((run_s,) + final)

    # ---- the failure log, read-only, after the daemon has stopped ----
    db = os.path.join(state, "failure-log.sqlite")
    con = cwbench.open_ro(db)
    recorded, failed = con.execute("SELECT COALESCE(SUM(count),0), COALESCE(SUM(failures),0) FROM sample_minutes").fetchone()
    by_kind = dict(con.execute("SELECT kind, COUNT(*) FROM events GROUP BY kind ORDER BY kind").fetchall())
    states = dict(con.execute("SELECT id, state FROM probes WHERE active = 1").fetchall())
    open_incidents = con.execute("SELECT COUNT(*) FROM incidents WHERE resolved_at_ms IS NULL").fetchone()[0]
    con.close()
    db_bytes = sum(os.path.getsize(os.path.join(state, f)) for f in os.listdir(state)
                   if f.startswith("failure-log.sqlite"))
    right = sum(1 for pid, exp in expected.items() if states.get(pid) == exp)
    wrong = [(pid, fleet[int(pid[1:])][1], exp, states.get(pid)) for pid, exp in expected.items()
             if states.get(pid) != exp]
    with open(log_path, "rb") as f:
        log_lines = f.read().decode(errors="replace").splitlines()
    level_count = collections.Counter(l[1] for l in log_lines if len(l) > 2 and l[0] == "<" and l[2] == ">")
    problems = [l for l in log_lines if len(l) > 2 and l[0] == "<" and l[1] in "01234"]

    # ---- figures ----
    cpu_total = samples[-1][1] if samples else 0.0
    peak_hwm = max((x[3] for x in samples), default=0)
    peak_rss = max((x[2] for x in samples), default=0)
    end_rss = samples[-1][2] if samples else 0
    threads = max((x[4] for x in samples), default=0)
    worst_late = max((x[3] for x in loop_lines), default=None)
    runs_logged = sum(x[1] for x in loop_lines)
    # Steady window: from the first 'probe loop' line (startup and the first phase-spread interval
    # behind) to the last one.
    steady = None
    if len(loop_lines) >= 2:
        cpu_w = loop_lines[-1][5] - loop_lines[0][5]
        runs_w = sum(x[1] for x in loop_lines[1:])
        secs_w = loop_lines[-1][0] - loop_lines[0][0]
        steady = (cpu_w, runs_w, secs_w)
    expected_per_min = a.n * 60 / interval_s
    min_runs = min((x[1] for x in loop_lines), default=0)

    print()
    print(f"Steady-state daemon: {a.n} probes at Interval={a.interval}, {run_s:.0f} s "
          f"({len(loop_lines)} probe-loop lines), state machine and failure-log writes included")
    print("| figure | value | target |")
    print("|---|---:|---|")
    if steady:
        cpu_w, runs_w, secs_w = steady
        print(f"| CPU ms per probe run, steady window ({secs_w:.0f} s after the first minute) | "
              f"{cpu_w * 1000 / max(runs_w, 1):.3f} | |")
        print(f"| CPU, steady window, % of one core | {cpu_w * 100 / max(secs_w, 1e-9):.1f} % | |")
    print(f"| CPU ms per probe run, whole run incl. startup and stop | "
          f"{cpu_total * 1000 / max(recorded, 1):.3f} | |")
    print(f"| CPU s, whole run | {cpu_total:.2f} | |")
    print(f"| probe runs logged (probe-loop lines) / samples recorded in the log | {runs_logged} / {recorded} | |")
    print(f"| runs per minute: expected ~{expected_per_min:.0f}, fewest in a minute | {min_runs} | "
          f">= {0.95 * expected_per_min:.0f} |")
    print(f"| worst probe start delay (max over probe-loop lines) | "
          f"{'n/a' if worst_late is None else f'{worst_late} ms'} | <= {a.late_limit_ms:.0f} ms |")
    print(f"| peak RSS (VmHWM) | {peak_hwm / 1024:.1f} MiB | < {a.rss_limit_mib:.0f} MiB |")
    print(f"| largest sampled VmRSS / at the end | {peak_rss / 1024:.1f} / {end_rss / 1024:.1f} MiB | |")
    if split_at_peak:
        print(f"| at the largest VmRSS: anonymous (heap) / file-backed (shared libraries) | "
              f"{split_at_peak[0] / 1024:.1f} / {split_at_peak[1] / 1024:.1f} MiB | |")
    print(f"| threads (max sampled) | {threads} | |")
    print(f"| final states as expected | {right}/{a.n} | all |")
    print(f"| events by kind | {', '.join(f'{k} {v}' for k, v in by_kind.items())} | |")
    print(f"| open incidents at the end | {open_incidents} | |")
    print(f"| failure log size | {db_bytes / 1048576:.1f} MiB | |")
    print(f"| log lines by level (<N>) | {', '.join(f'<{k}> {v}' for k, v in sorted(level_count.items()))} | |")
    print(f"| health in probe-loop lines | {', '.join(sorted({x[4] for x in loop_lines})) or 'n/a'} | ok |")
    print(f"| daemon exit after SIGTERM | {exit_code} | 0 |")
    if died is not None:
        print(f"| DAEMON DIED after {died:.1f} s | | |")
    if wrong:
        print(f"wrong final states (probe, target, expected, got), first 10 of {len(wrong)}: {wrong[:10]}")
    if problems:
        print(f"warning/error lines in the daemon log (first 10 of {len(problems)}):")
        for l in problems[:10]:
            print("  " + l)
    with open(os.path.join(a.out, "samples.jsonl"), "w") as f:
        for x in samples:
            f.write(json.dumps({"t": round(x[0], 2), "cpu_s": x[1], "rss_kib": x[2], "hwm_kib": x[3],
                                "threads": x[4]}) + "\n")

    verdicts = []

    def verdict(what, ok, detail):
        verdicts.append(f"VERDICT {'PASS' if ok else 'FAIL'} | {what} | {detail}")

    tag = f"steady {a.n} probes @ {a.interval}, {run_s / 60:.1f} min"
    verdict(f"{tag}: daemon kept running", died is None, "ran to the end" if died is None else f"died after {died:.1f} s")
    verdict(f"{tag}: RSS < {a.rss_limit_mib:.0f} MiB", 0 < peak_hwm < a.rss_limit_mib * 1024,
            f"peak VmHWM {peak_hwm / 1024:.1f} MiB")
    verdict(f"{tag}: probe loop never more than {a.late_limit_ms / 1000:g} s late",
            worst_late is not None and worst_late <= a.late_limit_ms,
            "no probe-loop line seen" if worst_late is None else
            f"worst start delay {worst_late} ms over {len(loop_lines)} minutes "
            f"(per minute: {[x[3] for x in loop_lines]})")
    verdict(f"{tag}: sustained rate", bool(loop_lines) and min_runs >= 0.95 * expected_per_min,
            f"runs per minute {[x[1] for x in loop_lines]}, expected ~{expected_per_min:.0f}")
    verdict(f"{tag}: final states as expected", right == a.n, f"{right}/{a.n}")
    verdict(f"{tag}: health ok, clean stop", exit_code == 0 and all(x[4] == "ok" for x in loop_lines),
            f"exit {exit_code}, health {sorted({x[4] for x in loop_lines})}")
    print()
    for v in verdicts:
        print(v)
    with open(a.verdicts, "a") as f:
        f.write("".join(v + "\n" for v in verdicts))


if __name__ == "__main__":
    main()
