#!/usr/bin/env python3
"""fleet_report.py: the figures of bench/snmp-fleet.sh.

  fleet_report.py row --label L --poller ours|exporter --version 2c|3 --mode M \\
      HARNESS_JSON SUMMARY_JSON RESULTS      -> one JSON row on stdout
  fleet_report.py table ROWS.jsonl           -> the Markdown table and the ours/exporter ratios

CPU is the poller's own: snmp-collector-bench's process (client, poller, store), or the exporter's
process alone (its HTTP driver, standing in for Prometheus, is left out), both measured by
run-poller-bench.py over the same window. Varbinds are those of complete polls in the window
(what the poller reported; the simulator's served count, which includes the GETBULK overshoot
past each walked column, is given beside it). RSS is the measured process's peak (VmHWM).
"""
import argparse, json, sys


def pct(v, q):
    return v[min(len(v) - 1, int(len(v) * q))] if v else None


def row(a):
    h = json.loads(open(a.harness).read().strip().splitlines()[-1])
    s = json.loads(open(a.summary).read().strip().splitlines()[-1])
    cpu = h.get('component_cpu_s') if a.poller == 'exporter' else h['poller_cpu_s']
    win = h['window_s']
    t0 = s['window_from_ms']; t1 = t0 + s['window_s'] * 1000
    lat = []; n = ok = 0
    for line in open(a.results):
        f = line.split()
        if len(f) < 5 or not (t0 <= int(f[0]) <= t1):
            continue
        n += 1
        if f[2] == '1':
            ok += 1; lat.append(float(f[3]))
    lat.sort()
    vbs = h.get('reported_varbinds', 0)
    return {'label': a.label, 'poller': a.poller, 'version': a.version, 'mode': a.mode,
            'devices': h['devices'], 'interval_s': s['interval_s'], 'window_s': win,
            'vb_per_cpu_s': round(vbs / cpu) if cpu else None,
            'served_vb_per_cpu_s': round(h['sim_varbinds'] / cpu) if cpu else None,
            'cpu_pct': round(100 * cpu / win, 1) if cpu is not None else None,
            'rss_mb': round(s['vm_hwm_mb']) if s.get('vm_hwm_mb') else None, 'polls': n, 'success': round(ok / n, 5) if n else None,
            'lat_p50': pct(lat, .5), 'lat_p95': pct(lat, .95), 'lat_p99': pct(lat, .99),
            'on_time': s.get('on_time_ratio'), 'on_time_ok': s.get('on_time_ok_ratio'), 'due': s.get('due'),
            'start_lag_p99_ms': s.get('start_lag_p99_ms'), 'varbinds': vbs,
            'load_start': h.get('loadavg_start', [None])[0], 'sim_dropped': h.get('sim_dropped'),
            'retries': s.get('retries'), 'deferred': s.get('polls_deferred'), 'overrun': s.get('polls_overrun'),
            'late_1s': s.get('polls_late_1s'), 'start_lag_p50_ms': s.get('start_lag_p50_ms'),
            'cpu_client_loop_s': s.get('cpu_client_loop_s'), 'cpu_poller_s': s.get('cpu_poller_s'),
            'requests': s.get('requests'), 'sim_requests': h.get('sim_requests'),
            'exporter_driver_cpu_s': s.get('driver_cpu_s')}


def fmt(v, unit=''):
    if v is None:
        return '–'
    if unit == 'ratio':
        return f'{v * 100:.2f} %'
    if isinstance(v, (int, float)) and unit == 'k':
        return f'{v / 1000:,.0f} k'
    if isinstance(v, float) and unit == 'ms':
        return f'{v:,.0f}' if v >= 100 else f'{v:.1f}'
    return f'{v:,}' if isinstance(v, int) else str(v)


def table(path):
    rows = [json.loads(l) for l in open(path) if l.strip()]
    print('| devices | every | SNMP | poller | mode | varbinds / CPU-s | (served) | CPU % of a core '
          '| peak RSS MB | polls | success | latency p50 / p95 / p99 ms | on time | on time & ok | load |')
    print('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|')
    for r in rows:
        lat = ' / '.join(fmt(r[k], 'ms') for k in ('lat_p50', 'lat_p95', 'lat_p99'))
        print(f"| {r['devices']:,} | {r['interval_s']:g} s | v{r['version']} | {r['poller']} | {r['mode']} "
              f"| {fmt(r['vb_per_cpu_s'], 'k')} | {fmt(r['served_vb_per_cpu_s'], 'k')} | {fmt(r['cpu_pct'])} "
              f"| {fmt(r['rss_mb'])} | {fmt(r['polls'])} | {fmt(r['success'], 'ratio')} | {lat} "
              f"| {fmt(r['on_time'], 'ratio')} | {fmt(r['on_time_ok'], 'ratio')} | {r['load_start']} |")
    print()
    print('| devices | every | SNMP | mode | varbinds/CPU-s ours ÷ exporter | CPU exporter ÷ ours '
          '| RSS ours ÷ exporter |')
    print('|---|---|---|---|---|---|---|')
    by = {(r['devices'], r['interval_s'], r['version'], r['mode'], r['poller']): r for r in rows}
    for (d, i, v, m, p), o in by.items():
        e = by.get((d, i, v, m, 'exporter'))
        if p != 'ours' or not e:
            continue
        q = lambda x, y: f'{x / y:.1f}×' if x and y else '–'
        print(f"| {d:,} | {i:g} s | v{v} | {m} | {q(o['vb_per_cpu_s'], e['vb_per_cpu_s'])} "
              f"| {q(e['cpu_pct'], o['cpu_pct'])} | {q(o['rss_mb'], e['rss_mb'])} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    r = sub.add_parser('row')
    for k in ('label', 'poller', 'version', 'mode'):
        r.add_argument('--' + k, required=True)
    r.add_argument('harness'); r.add_argument('summary'); r.add_argument('results')
    t = sub.add_parser('table'); t.add_argument('rows')
    a = ap.parse_args()
    if a.cmd == 'row':
        print(json.dumps(row(a)))
    else:
        table(a.rows)


if __name__ == '__main__':
    sys.exit(main())
