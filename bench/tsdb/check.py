#!/usr/bin/env python3
"""Checks one query answer of the time-series benchmark (bench/tsdb-bench.sh) for plausibility.

usage: check.py SYSTEM QUERY --devices N --window S ANSWER.json [ANSWER.json...]

SYSTEM is influxdb, victoriametrics or epcfleet; QUERY is q1, q2 or q3 (see tsdb-bench.sh).
On success prints one line: "<what was found> digest=<hex>", where the digest covers the values
that must be the same in every system's answer (q2: each device's latest gauge value; q3: the
raw values of the hour), so that the report can tell whether the systems agree. On an empty,
failed or implausible answer prints the reason on stderr and exits 1: a benchmark that measures
errors is worthless.
"""
import argparse
import hashlib
import json
import math
import sys


def fail(msg):
    print(f"check: {msg}", file=sys.stderr)
    sys.exit(1)


def num(v):
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        fail(f"not a number: {v!r}")
    return f if math.isfinite(f) else None


def canon(v):
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def digest(items):
    return hashlib.sha1("\n".join(items).encode()).hexdigest()[:16]


# Each reader returns, for q1: list of value lists (one per series); q2: {device: value};
# q3: list of values in time order.

def influxdb(query, answers):
    doc = json.load(open(answers[0]))
    results = doc.get("results") or fail(f"no results: {str(doc)[:300]}")
    for r in results:
        if "error" in r:
            fail(f"InfluxDB error: {r['error']}")
    series = results[0].get("series") or []
    if query == "q1":
        out = []
        for s in series:
            for col in range(1, len(s["columns"])):
                out.append([num(row[col]) for row in s["values"]])
        return out
    if query == "q2":
        return {s["tags"]["device"]: num(s["values"][-1][1]) for s in series}
    if len(series) != 1:
        fail(f"q3: expected 1 series, got {len(series)}")
    return [num(row[1]) for row in series[0]["values"]]


def victoriametrics(query, answers):
    doc = json.load(open(answers[0]))
    if doc.get("status") != "success":
        fail(f"VictoriaMetrics: {str(doc)[:300]}")
    result = doc["data"]["result"]
    if query == "q1":
        return [[num(v) for _, v in r["values"]] for r in result]
    if query == "q2":
        return {r["metric"].get("device", "?"): num(r["value"][1]) for r in result}
    if len(result) != 1:
        fail(f"q3: expected 1 series, got {len(result)}")
    return [num(v) for _, v in result[0]["values"]]


def epcfleet(query, answers):
    series = []
    for a in answers:
        doc = json.load(open(a))
        if "series" not in doc:
            fail(f"epcfleetd: {str(doc)[:300]}")
        series += doc["series"]
    if query == "q1":
        return [[num(v) for v in s["values"]] for s in series]
    if query == "q2":
        return {s["device"]: num(s["value"]) for s in series}
    if len(series) != 1:
        fail(f"q3: expected 1 series, got {len(series)}")
    return [v for v in (num(x) for x in series[0]["values"]) if v is not None]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("system", choices=["influxdb", "victoriametrics", "epcfleet"])
    p.add_argument("query", choices=["q1", "q2", "q3"])
    p.add_argument("answers", nargs="+")
    p.add_argument("--devices", type=int, required=True)
    p.add_argument("--window", type=int, required=True, help="q1's window in seconds")
    a = p.parse_args()
    got = globals()[a.system](a.query, a.answers)
    if a.query == "q1":
        # 16 interfaces x (in, out), one point per 5 minutes (a few lost at the window's start
        # and to counter resets); rates are never negative, and not all zero.
        buckets = a.window // 300
        values = [v for s in got for v in s if v is not None]
        if len(got) != 32:
            fail(f"q1: expected 32 series, got {len(got)}")
        if len(values) < 0.8 * 32 * (buckets - 2):
            fail(f"q1: only {len(values)} points in 32 series of {buckets} buckets")
        if min(values) < 0 or max(values) <= 0:
            fail(f"q1: implausible rates (min {min(values)}, max {max(values)})")
        print(f"32 series, {len(values)} points digest=-")
    elif a.query == "q2":
        if len(got) != a.devices or any(v is None for v in got.values()):
            fail(f"q2: expected a value for each of {a.devices} devices, got {len(got)}")
        print(f"{len(got)} devices digest={digest(f'{d}={canon(v)}' for d, v in sorted(got.items()))}")
    else:
        if not 59 <= len(got) <= 61 or any(v is None for v in got):
            fail(f"q3: expected 60 raw points, got {len(got)}")
        print(f"{len(got)} points digest={digest(canon(v) for v in got)}")


if __name__ == "__main__":
    main()
