#!/usr/bin/env python3
"""detect.py: detection time, from killing a target to the committed DOWN incident.

A victim `python3 -m http.server` on 127.0.0.1:--port is probed by `courtwatch run` (Kind=http,
Interval, RetryInterval, FailuresToDown, Timeout as given). Each trial:
  1. start the victim (or keep it) and wait until the failure log shows the probe UP;
  2. choose the moment of the kill:
       'late'   just after a probe has been answered (the victim's request log grows, then 0.3 s):
                the next probe is a whole Interval away, the worst case;
       'random' a uniformly random moment within one Interval;
  3. SIGKILL the victim by its recorded PID (connection refused from then on);
  4. poll the failure log (sqlite3, read-only URI) every 50 ms for a new incident.opened event of the
     probe; detection time = when it is first seen committed - the kill.
The bound from issue 3 is Interval + (FailuresToDown-1) x RetryInterval + Timeout + 1 s.
Trials alternate late, random, late, ... Between trials the victim is restarted and the incident
must resolve first. Appends one VERDICT line (worst trial vs the bound) to --verdicts.
"""
import argparse
import json
import os
import random
import shutil
import signal
import statistics
import sys
import time

sys.dont_write_bytecode = True          # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cwbench  # noqa: E402

PROBE_ID = "victim"


def poll(predicate, limit_s, step=0.05):
    """Call predicate() every `step` s until it returns something truthy or `limit_s` passes."""
    end = time.monotonic() + limit_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= end:
            return None
        time.sleep(step)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--courtwatch", required=True)
    ap.add_argument("--out", required=True, help="work directory (emptied)")
    ap.add_argument("--verdicts", required=True)
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--port", type=int, default=18710)
    ap.add_argument("--interval", type=float, default=5)
    ap.add_argument("--retry", type=float, default=1)
    ap.add_argument("--failures", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=2)
    a = ap.parse_args()
    bound = a.interval + (a.failures - 1) * a.retry + a.timeout + 1

    shutil.rmtree(a.out, ignore_errors=True)
    config, state, www = (os.path.join(a.out, d) for d in ("config", "state", "www"))
    for d in (state, www):
        os.makedirs(d)
    with open(os.path.join(www, "index.html"), "w") as f:
        f.write("ok\n")
    cwbench.write_site(config, "bench-detect", "courtwatch detection benchmark")
    with open(os.path.join(config, "victim.probe"), "w") as f:
        f.write(f"[Probe]\nID={PROBE_ID}\nKind=http\nURL=http://127.0.0.1:{a.port}/\nExpectStatus=200\n"
                f"Interval={a.interval:g}s\nRetryInterval={a.retry:g}s\nFailuresToDown={a.failures}\n"
                f"SuccessesToUp=2\nTimeout={a.timeout:g}s\n")
    ttl = a.trials * 120 + 120
    pidfile = os.path.join(a.out, "pids")
    victim_log = os.path.join(a.out, "victim.log")

    def start_victim():
        v = cwbench.Proc([sys.executable, "-u", "-m", "http.server", str(a.port), "--bind", "127.0.0.1",
                          "--directory", www], ttl, victim_log, pidfile=pidfile)
        import socket
        def listening():
            try:
                socket.create_connection(("127.0.0.1", a.port), timeout=0.5).close()
                return True
            except OSError:
                return False
        if not poll(listening, 10):
            v.stop()
            raise RuntimeError(f"victim did not listen on 127.0.0.1:{a.port}")
        return v

    db = os.path.join(state, "failure-log.sqlite")

    def query(sql, *args):
        try:
            con = cwbench.open_ro(db)
            try:
                return con.execute(sql, args).fetchall()
            finally:
                con.close()
        except Exception:          # not created yet, or busy: try again on the next poll
            return None

    def probe_state():
        rows = query("SELECT state FROM probes WHERE id = ?", PROBE_ID)
        return rows[0][0] if rows else None

    def max_seq():
        rows = query("SELECT COALESCE(MAX(seq), 0) FROM events")
        return rows[0][0] if rows else 0

    print(f"detection: victim http://127.0.0.1:{a.port}/, Interval={a.interval:g}s RetryInterval={a.retry:g}s "
          f"FailuresToDown={a.failures} Timeout={a.timeout:g}s; bound {bound:g} s; {a.trials} trial(s)", flush=True)
    victim = start_victim()
    daemon = cwbench.Proc([a.courtwatch, "run", "--config", config, "--state", state, "--log-level", "info"],
                          ttl, os.path.join(a.out, "daemon.log"), pidfile=pidfile)
    results = []
    try:
        for trial in range(1, a.trials + 1):
            mode = "late" if trial % 2 == 1 else "random"
            if victim is None:
                victim = start_victim()
            # the probe must be UP (and a previous incident resolved) before the kill
            if not poll(lambda: probe_state() == "up", a.interval + a.retry * 4 + a.timeout + 20, 0.1):
                raise RuntimeError(f"trial {trial}: probe never became UP (state {probe_state()})")
            if mode == "late":
                size0 = os.path.getsize(victim_log)
                if not poll(lambda: os.path.getsize(victim_log) > size0, a.interval + a.timeout + 5, 0.01):
                    raise RuntimeError(f"trial {trial}: the victim saw no probe within an interval")
                time.sleep(0.3)                       # let the answer reach the prober
            else:
                time.sleep(random.uniform(0, a.interval))
            seq0 = max_seq()
            killed_wall_ms = time.time() * 1000
            t_kill = time.monotonic()
            victim.kill_program(signal.SIGKILL)
            victim.stop()
            victim = None

            def opened():
                rows = query("SELECT seq, at_ms, payload FROM events WHERE kind = 'incident.opened' "
                             "AND probe_id = ? AND seq > ?", PROBE_ID, seq0)
                return rows[0] if rows else None
            row = poll(opened, bound + 20)
            seen = time.monotonic() - t_kill
            if row is None:
                results.append({"trial": trial, "mode": mode, "detected_s": None})
                print(f"  trial {trial} ({mode}): NO incident.opened within {bound + 20:g} s", flush=True)
                break
            seq, at_ms, payload = row
            try:
                started = json.loads(payload).get("started_at_ms")
            except ValueError:
                started = None
            r = {"trial": trial, "mode": mode, "detected_s": round(seen, 2),
                 "event_at_s": round((at_ms - killed_wall_ms) / 1000, 2),
                 "first_failure_s": round((started - killed_wall_ms) / 1000, 2) if started else None}
            results.append(r)
            print(f"  trial {trial} ({mode} kill): incident.opened committed {seen:.2f} s after the kill "
                  f"(event at_ms +{r['event_at_s']:.2f} s, incident started_at +{r['first_failure_s']} s)", flush=True)
    finally:
        if victim is not None:
            victim.stop()
        code = daemon.stop(grace=20)

    times = [r["detected_s"] for r in results if r["detected_s"] is not None]
    ok = len(times) == a.trials and max(times) <= bound
    print()
    print(f"Detection: kill -> committed DOWN incident (bound Interval + (FailuresToDown-1) x RetryInterval "
          f"+ Timeout + 1 s = {a.interval:g} + {a.failures - 1} x {a.retry:g} + {a.timeout:g} + 1 = {bound:g} s)")
    print("| trial | kill moment | kill -> committed s | kill -> event at_ms s | kill -> incident started_at s |")
    print("|---:|---|---:|---:|---:|")
    for r in results:
        print(f"| {r['trial']} | {r['mode']} | {r['detected_s'] if r['detected_s'] is not None else 'not detected'} "
              f"| {r.get('event_at_s', '')} | {r.get('first_failure_s', '')} |")
    if times:
        print(f"worst {max(times):.2f} s, median {statistics.median(times):.2f} s, bound {bound:g} s; "
              f"daemon exit after SIGTERM {code}")
    verdict = (f"VERDICT {'PASS' if ok else 'FAIL'} | detection within {bound:g} s "
               f"(Interval={a.interval:g}s, RetryInterval={a.retry:g}s, FailuresToDown={a.failures}, "
               f"Timeout={a.timeout:g}s) | worst {max(times) if times else 'n/a'} s over "
               f"{len(times)}/{a.trials} trials: {times}")
    print()
    print(verdict)
    with open(a.verdicts, "a") as f:
        f.write(verdict + "\n")


if __name__ == "__main__":
    main()
