#!/usr/bin/env python3
"""exporter_scraper.py: drives prometheus-snmp-exporter the way Prometheus would, for
bench/snmp-fleet.sh. Starts the exporter (its PID goes to --pidfile, so run-poller-bench.py
reports the exporter's CPU apart from this driver's), then scrapes /snmp?target=ip:port&module=M
for every device of $FLEET_TARGETS once per interval: first scrapes spread evenly over the
interval, at most --concurrency at once over keep-alive connections, a scrape timeout of
min(interval, 10 s) (Prometheus's default), a scrape that overruns its interval skips the
rounds it missed. Writes $FLEET_RESULTS lines (<unix_ms_end> <id> <ok> <latency_ms> <varbinds>;
ok = HTTP 200 with every expected varbind, from snmp_scrape_pdus_returned) and, on SIGTERM, a
JSON summary of the window ($FLEET_WARMUP s after start, $FLEET_DURATION s long) with the same
on-time definition as snmp-collector-bench: due times that got a scrape started within 1 s.

usage: exporter_scraper.py --module issue4_v2c [--interval 60] [--concurrency 1000]
                           [--config bench/snmp/snmp_exporter.yml] [--pidfile F] [--summary F]
"""
import argparse, asyncio, json, math, os, resource, signal, subprocess, sys, time


def parse_args():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--module', required=True)
    ap.add_argument('--interval', type=float, default=60)
    ap.add_argument('--concurrency', type=int, default=1000)
    ap.add_argument('--config', default=os.path.join(here, 'snmp_exporter.yml'))
    ap.add_argument('--exporter', default='prometheus-snmp-exporter')
    ap.add_argument('--port', type=int, default=0, help='exporter HTTP port (0: a free one)')
    ap.add_argument('--pidfile'); ap.add_argument('--summary')
    ap.add_argument('--tail', type=float, default=10, help='due times this close to the window end are not judged')
    return ap.parse_args()


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def load_targets(path):
    out = []
    for line in open(path):
        if line.startswith('#') or not line.strip():
            continue
        f = line.rstrip('\n').split('\t')
        out.append((f[0], f'{f[1]}:{f[2]}', 11 + 41 * int(f[3])))  # id, ip:port, expected varbinds
    return out


def vm_hwm_mb(pid):
    try:
        for line in open(f'/proc/{pid}/status'):
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class Http:
    """Minimal HTTP/1.1 GET over a pool of keep-alive connections (Content-Length or chunked)."""

    def __init__(self, port):
        self.port, self.idle = port, []

    async def get(self, path):
        conn = self.idle.pop() if self.idle else await asyncio.open_connection('127.0.0.1', self.port)
        r, w = conn
        try:
            w.write(f'GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'.encode())
            head = await r.readuntil(b'\r\n\r\n')
            status = int(head.split(b' ', 2)[1])
            hl = head.lower()
            if b'transfer-encoding: chunked' in hl:
                parts = []
                while True:
                    n = int((await r.readuntil(b'\r\n')).split(b';')[0], 16)
                    if n == 0:
                        await r.readuntil(b'\r\n')
                        break
                    parts.append(await r.readexactly(n)); await r.readexactly(2)
                body = b''.join(parts)
            else:
                i = hl.find(b'content-length:')
                body = await r.readexactly(int(hl[i + 15:hl.index(b'\r\n', i)])) if i >= 0 else b''
            self.idle.append(conn)
            return status, body
        except BaseException:
            w.close()
            raise


def pdus_returned(body):
    i = body.rfind(b'\nsnmp_scrape_pdus_returned ')
    if i < 0:
        return 0
    return int(float(body[i + 27:body.index(b'\n', i + 1)]))


async def main():
    a = parse_args()
    targets = load_targets(os.environ['FLEET_TARGETS'])
    results = open(os.environ['FLEET_RESULTS'], 'a') if os.environ.get('FLEET_RESULTS') else None
    launched = time.monotonic()
    ws = launched + float(os.environ.get('FLEET_WARMUP', 0))
    dur = float(os.environ.get('FLEET_DURATION', 0))
    port = a.port or free_port()
    exp = subprocess.Popen([a.exporter, f'--config.file={a.config}', f'--web.listen-address=127.0.0.1:{port}',
                            '--log.level=warn'])
    http = Http(port)
    for _ in range(100):
        try:
            await http.get('/metrics'); break
        except OSError:
            await asyncio.sleep(0.1)
    if a.pidfile:
        open(a.pidfile, 'w').write(f'{exp.pid}\n')
    print(f'{len(targets)} devices, module {a.module}, every {a.interval} s, exporter pid {exp.pid} on :{port}',
          file=sys.stderr, flush=True)

    interval, timeout = a.interval, min(a.interval, 10.0)
    sem = asyncio.Semaphore(a.concurrency)
    t0 = time.monotonic()
    first_due = [t0 + interval * i / len(targets) for i in range(len(targets))]
    polls = [[] for _ in targets]  # (k, lag_s, ok)
    hwm = [0.0]

    async def device(i):
        tid, hp, expect = targets[i]
        due, k = first_due[i], 0
        path = f'/snmp?target={hp}&module={a.module}'
        while True:
            await asyncio.sleep(max(0, due - time.monotonic()))
            async with sem:
                start = time.monotonic()
                ok, vbs = False, 0
                try:
                    status, body = await asyncio.wait_for(http.get(path), timeout)
                    vbs = pdus_returned(body) if status == 200 else 0
                    ok = status == 200 and vbs >= expect
                except (asyncio.TimeoutError, OSError, ValueError, asyncio.IncompleteReadError):
                    pass
                end = time.monotonic()
            polls[i].append((k, start - due, ok))
            if results:
                results.write(f'{int(time.time() * 1000)} {tid} {int(ok)} {(end - start) * 1000:.1f} {vbs}\n')
            # next due: keep the phase; due times that passed while this scrape ran are skipped
            # (as the collector does with a poll still running)
            k = max(k + 1, math.ceil((end - first_due[i]) / interval))
            due = first_due[i] + k * interval

    async def watch():
        while True:
            hwm[0] = max(hwm[0], vm_hwm_mb(exp.pid) or 0)
            if results:
                results.flush()
            await asyncio.sleep(1)

    tasks = [asyncio.create_task(device(i)) for i in range(len(targets))] + [asyncio.create_task(watch())]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    await stop.wait()
    t_end = time.monotonic()
    we = min(t_end, ws + dur) if dur > 0 else t_end
    judged_to = we - a.tail
    due_n = started = on_time = on_time_ok = 0; lags = []
    for i, recs in enumerate(polls):
        f = first_due[i]
        kmin = max(0, math.ceil((ws - f) / interval))
        kmax = int((judged_to - f) // interval)
        if kmax < kmin:
            continue
        due_n += kmax - kmin + 1
        for k, lag, ok in recs:
            if kmin <= k <= kmax:
                started += 1; lags.append(lag)
                if lag <= 1.0:
                    on_time += 1; on_time_ok += ok
    lags.sort()
    pct = lambda q: round(lags[min(len(lags) - 1, int(len(lags) * q))] * 1000) if lags else 0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    summary = {'poller': 'exporter', 'module': a.module, 'devices': len(targets), 'interval_s': interval,
               'concurrency': a.concurrency, 'window_from_ms': int((time.time() - (time.monotonic() - ws)) * 1000),
               'window_s': round(we - ws, 1), 'judged_s': round(judged_to - ws, 1),
               'due': due_n, 'started': started, 'on_time': on_time, 'on_time_ok': on_time_ok,
               'on_time_ratio': round(on_time / due_n, 5) if due_n else 0,
               'on_time_ok_ratio': round(on_time_ok / due_n, 5) if due_n else 0,
               'start_lag_p50_ms': pct(.5), 'start_lag_p99_ms': pct(.99), 'start_lag_max_ms': pct(1.0),
               'vm_hwm_mb': round(max(hwm[0], vm_hwm_mb(exp.pid) or 0), 1),
               'driver_cpu_s': round(ru.ru_utime + ru.ru_stime, 2)}
    print(json.dumps(summary), file=sys.stderr, flush=True)
    if a.summary:
        with open(a.summary, 'a') as f:
            f.write(json.dumps(summary) + '\n')
    if results:
        results.flush()
    for t in tasks:
        t.cancel()
    exp.terminate()


if __name__ == '__main__':
    asyncio.run(main())
