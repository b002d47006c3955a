#!/usr/bin/env python3
"""sweep_report.py MIX.jsonl [HTTP.jsonl] --name courtwatch --verdicts FILE

Reads the JSON lines peers.sh wrote (one per sweep) and prints, per fleet size, the median of each
peer's repetitions side by side with courtwatch, every figure also as a ratio to courtwatch's
(peer / courtwatch: 3.0x CPU means the peer spent three times courtwatch's CPU per probe).
Then checks the issue-3 CPU targets and appends one 'VERDICT' line per check to --verdicts:
  - CPU per probe at most 1/3 of blackbox_exporter's (full mix: both probe every kind)
  - CPU per probe within 2x of `curl --parallel` (HTTP-only run: both probe the same http(s) targets;
    without an HTTP-only run the full-mix figures are used and the line says so)
  - correctness: courtwatch got every target's state right in every repetition
"""
import argparse
import json
import statistics


def load(path):
    rows = [json.loads(line) for line in open(path) if line.strip().startswith("{")]
    groups = {}
    for r in rows:
        groups.setdefault((r["fleet_n"], r["peer"]), []).append(r)
    return groups


def med(g, k):
    return statistics.median(r[k] for r in g)


def ratio(value, base):
    if not base:
        return "n/a"
    return f"{value / base:.2f}x"


PEER_LABEL = {"blackbox": "blackbox_exporter", "nagios": "nagios plugins",
              "curl-parallel": "curl --parallel", "curl-per-probe": "curl per probe"}


def label(peer, name):
    base = peer.split(" [")[0]
    suffix = peer[len(base):]
    if base == name:
        return base + suffix
    return PEER_LABEL.get(base, base) + suffix


def table(groups, name, title):
    print(f"\n{title}")
    print("ratio = peer / courtwatch (CPU: above 1.00x the peer costs more than courtwatch)")
    print("| fleet N | prober | probes | reps | CPU ms/probe | ratio | peak RSS MiB | ratio "
          "| wall s | ratio | correct (worst rep) | RSS scope |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    sizes = sorted({n for n, _ in groups})
    summary = {}
    for n in sizes:
        peers = [p for (m, p) in groups if m == n]
        own = [p for p in peers if p.split(" [")[0] == name]
        others = [p for p in peers if p not in own]
        base = groups[(n, own[0])] if own else None
        bcpu = med(base, "cpu_ms_per_probe") if base else None
        brss = med(base, "peak_rss_kib") if base else None
        bwall = med(base, "wall_s") if base else None
        for p in own + others:
            g = groups[(n, p)]
            cpu, rss, wall = med(g, "cpu_ms_per_probe"), med(g, "peak_rss_kib"), med(g, "wall_s")
            probes = g[0]["n"]
            worst = min(r["correct"] for r in g)
            print(f"| {n} | {label(p, name)} | {probes} | {len(g)} | {cpu:.3f} | {ratio(cpu, bcpu)} "
                  f"| {rss / 1024:.1f} | {ratio(rss, brss)} | {wall:.2f} | {ratio(wall, bwall)} "
                  f"| {worst}/{probes} | {g[0]['rss_scope']} |")
            summary[(n, p.split(" [")[0])] = {"cpu": cpu, "rss": rss, "wall": wall, "worst": worst,
                                               "n": probes, "wrong": [w for r in g for w in r["wrong"]]}
    return summary


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mix")
    ap.add_argument("http", nargs="?")
    ap.add_argument("--name", default="courtwatch")
    ap.add_argument("--verdicts", required=True)
    a = ap.parse_args()

    mix = table(load(a.mix), a.name, "Sweep, full mix (http, https, tcp, smtp; the curl peers probe only "
                                     "the http(s) targets), median of the repetitions")
    http = None
    if a.http:
        http = table(load(a.http), a.name, "Sweep, http(s) targets only (like for like with curl), "
                                           "median of the repetitions")

    verdicts = []

    def verdict(what, ok, detail):
        verdicts.append(f"VERDICT {'PASS' if ok else 'FAIL'} | {what} | {detail}")

    sizes = sorted({n for n, _ in mix})
    for n in sizes:
        cw = mix.get((n, a.name))
        if cw is None:
            verdict(f"sweep N={n}", False, "no courtwatch result")
            continue
        bb = mix.get((n, "blackbox"))
        if bb:
            verdict(f"sweep N={n}: CPU/probe <= 1/3 of blackbox_exporter (full mix)",
                    cw["cpu"] * 3 <= bb["cpu"],
                    f"courtwatch {cw['cpu']:.3f} ms vs blackbox {bb['cpu']:.3f} ms "
                    f"(blackbox = {bb['cpu'] / cw['cpu']:.2f}x courtwatch; needs >= 3.00x)")
        src, where = (http, "http(s) only") if http and (n, a.name) in http else (mix, "full mix vs curl's http subset")
        cwh, cu = src.get((n, a.name)), src.get((n, "curl-parallel"))
        if cwh and cu:
            verdict(f"sweep N={n}: CPU/probe within 2x of curl --parallel ({where})",
                    cwh["cpu"] <= 2 * cu["cpu"],
                    f"courtwatch {cwh['cpu']:.3f} ms vs curl {cu['cpu']:.3f} ms "
                    f"(courtwatch = {cwh['cpu'] / cu['cpu']:.2f}x curl; needs <= 2.00x)")
        for tag, s in (("full mix", mix), ("http only", http or {})):
            c = s.get((n, a.name))
            if c:
                verdict(f"sweep N={n}: every target's state as expected ({tag})", c["worst"] == c["n"],
                        f"{c['worst']}/{c['n']} in the worst repetition"
                        + (f"; wrong (target, expected, got): {c['wrong'][:5]}" if c["wrong"] else ""))
    print()
    for v in verdicts:
        print(v)
    with open(a.verdicts, "a") as f:
        f.write("".join(v + "\n" for v in verdicts))


if __name__ == "__main__":
    main()
