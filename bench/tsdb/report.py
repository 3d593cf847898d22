#!/usr/bin/env python3
"""Prints the tables of the time-series benchmark and writes its results as JSON.

usage: report.py RESULTS_DIR OUT.json

RESULTS_DIR holds meta.kv (the run's parameters) and one <system>.kv per system (key=value
lines written by bench/tsdb-bench.sh).
"""
import json
import os
import sys

SYSTEMS = [("epcfleet", "epcfleetd"), ("influxdb", "InfluxDB"), ("victoriametrics", "VictoriaMetrics")]
NUMERIC = {"samples", "stored_samples", "ingest_wall_s", "ingest_cpu_s", "settle_wall_s",
           "settle_cpu_s", "feed_cpu_s", "bytes_before", "bytes_after", "bytes_apparent",
           "hwm_kib", "q1_first_ms", "q1_median_ms", "q2_first_ms", "q2_median_ms",
           "q3_first_ms", "q3_median_ms"}


def read_kv(path):
    out = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if "=" in line:
                k, v = line.split("=", 1)
                if k in NUMERIC:
                    try:
                        v = float(v)
                    except ValueError:
                        pass
                out[k] = v
    return out


def derive(r):
    if r.get("status") != "ok":
        return r
    s = r["samples"]
    r["ingest_samples_per_s"] = s / r["ingest_wall_s"]
    r["ingest_samples_per_cpu_s"] = s / r["ingest_cpu_s"] if r["ingest_cpu_s"] > 0 else None
    total_cpu = r["ingest_cpu_s"] + r.get("settle_cpu_s", 0)
    r["samples_per_cpu_s_with_compaction"] = s / total_cpu if total_cpu > 0 else None
    r["bytes_per_sample"] = (r["bytes_after"] - r["bytes_before"]) / s
    r["peak_rss_mib"] = r["hwm_kib"] / 1024
    return r


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def main():
    d, out = sys.argv[1], sys.argv[2]
    meta = read_kv(os.path.join(d, "meta.kv"))
    results = {}
    for key, _ in SYSTEMS:
        p = os.path.join(d, f"{key}.kv")
        if os.path.exists(p):
            results[key] = derive(read_kv(p))

    print(f"Time-series store: {meta['devices']} devices x 50 series every 60 s for {meta['hours']} h"
          f" = {int(float(meta['expected_samples'])):,} samples (seed {meta['seed']}), fed as line"
          f" protocol in batches of {meta['batch']} lines or {meta.get('span', '?')} s of data, each"
          f" device on one of {meta['conns']} connections;"
          f" {meta['cores']} cores ({meta['cpu']}); load average {meta['load_before']} before,"
          f" {meta['load_after']} after")
    head = ("system", "samples/s", "per CPU-s", "+compact.", "B/sample", "peak MiB",
            "q1 ms", "q2 ms", "q3 ms")
    print("| %-15s | %9s | %9s | %9s | %8s | %8s | %13s | %13s | %13s |" % head)
    print("|%s|" % "|".join(["-" * 17] + ["-" * 10 + ":"] * 3 + ["-" * 9 + ":"] * 2 + ["-" * 14 + ":"] * 3))
    for key, name in SYSTEMS:
        r = results.get(key)
        if r is None:
            continue
        if r.get("status") != "ok":
            print("| %-15s | %s |" % (name, r.get("status", "?") + ": " + r.get("reason", "")))
            continue

        def q(n):
            return "%5.1f (%5.1f)" % (r[f"{n}_median_ms"], r[f"{n}_first_ms"])
        print("| %-15s | %9.0f | %9s | %9s | %8.2f | %8.0f | %13s | %13s | %13s |" % (
            name, r["ingest_samples_per_s"], fmt(r["ingest_samples_per_cpu_s"], ".0f"),
            fmt(r["samples_per_cpu_s_with_compaction"], ".0f"), r["bytes_per_sample"],
            r["peak_rss_mib"], q("q1"), q("q2"), q("q3")))
    print("samples/s: wall-clock ingest rate; per CPU-s: samples / server CPU seconds during the"
          " ingest; +compact.: the same with the CPU of the flush/compaction afterwards;"
          " q: median of %s runs (first run)." % meta["runs"])

    ours = results.get("epcfleet")
    print()
    print("Ratios (above 1 means epcfleetd is better: faster, leaner or smaller):")
    print("| %-28s | %9s | %9s | %8s | %8s | %6s | %6s | %6s |" % (
        "ratio", "samples/s", "per CPU-s", "B/sample", "peak RSS", "q1", "q2", "q3"))
    print("|%s|" % "|".join(["-" * 30] + ["-" * 10 + ":"] * 2 + ["-" * 9 + ":"] * 2 + ["-" * 7 + ":"] * 3))
    for key, name in SYSTEMS[1:]:
        peer = results.get(key)
        if peer is None or peer.get("status") != "ok":
            continue
        if ours is None or ours.get("status") != "ok":
            print("| %-28s | %s |" % (f"epcfleetd vs {name}", "pending (no epcfleetd figures)"))
            continue

        def ratio(a, b):
            return "-" if not a or not b else "%.2f" % (a / b)
        print("| %-28s | %9s | %9s | %8s | %8s | %6s | %6s | %6s |" % (
            f"epcfleetd vs {name}",
            ratio(ours["ingest_samples_per_s"], peer["ingest_samples_per_s"]),
            ratio(ours["ingest_samples_per_cpu_s"], peer["ingest_samples_per_cpu_s"]),
            ratio(peer["bytes_per_sample"], ours["bytes_per_sample"]),
            ratio(peer["peak_rss_mib"], ours["peak_rss_mib"]),
            ratio(peer["q1_median_ms"], ours["q1_median_ms"]),
            ratio(peer["q2_median_ms"], ours["q2_median_ms"]),
            ratio(peer["q3_median_ms"], ours["q3_median_ms"])))

    # The raw answers must agree between systems (q2: the latest value of each device; q3: the
    # hour's raw points).
    ok = [r for r in results.values() if r.get("status") == "ok"]
    agree = {}
    for q in ("q2", "q3"):
        digests = {r["name"]: r.get(f"{q}_digest") for r in ok}
        agree[q] = len(set(digests.values())) <= 1
        if not agree[q]:
            print(f"WARNING: the systems' {q} answers differ: {digests}")
    print()
    for r in ok:
        print(f"{r['name']} {r.get('version', '?')}: {int(r['samples']):,} samples acknowledged,"
              f" {r.get('stored', '?')} stored; disk {int(r['bytes_after'] - r['bytes_before']):,} B"
              f" after compaction (allocated, du; {r.get('disk_detail', '')}); ingest"
              f" {r['ingest_wall_s']:.1f} s wall, {r['ingest_cpu_s']:.1f} s server CPU; compaction"
              f" {r.get('settle_wall_s', 0):.0f} s, {r.get('settle_cpu_s', 0):.1f} s CPU; feeder"
              f" {r.get('feed_cpu_s', 0):.1f} s CPU; answers q1 {r.get('q1_found')}, q2"
              f" {r.get('q2_found')}, q3 {r.get('q3_found')}")
    doc = {"meta": meta, "results": results, "answers_agree": agree}
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump(doc, f, indent=2, sort_keys=True)
    print(f"results: {out}")


if __name__ == "__main__":
    main()
