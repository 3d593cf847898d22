#!/usr/bin/env python3
"""The time-series API against the real server: line-protocol writes, series discovery, range and
latest queries, errors, tenant isolation, retention, and no acknowledged sample lost to kill -9.

Usage: timeseries_test.py path/to/epcfleetd
"""
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

import server_harness
from server_harness import PASSWORD, Server, free_port

if len(sys.argv) > 1:
    server_harness.EPCFLEETD = sys.argv.pop(1)


# The writer of the crash test: a separate process that posts batch after batch and records each
# batch the server acknowledged (204) before it posts the next.
WRITER = r"""
import sys, time, urllib.request
port, token, base, acked_path = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
k = int(sys.argv[5])
with open(acked_path, "a") as acked:
    while k < 100000:
        lines = "".join(f"crash,device=epc-{d} value={k * 10 + d}i {base + k * 1000}\n" for d in range(20))
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/tenants/acme/write?precision=ms",
                                     data=lines.encode(), method="POST")
        req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                if r.status == 204:
                    acked.write(f"{k}\n")
                    acked.flush()
                    k += 1
        except Exception:
            time.sleep(0.05)
"""


class TimeSeriesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        s = cls.server
        cls.admin = s.login("admin", PASSWORD)
        for tenant, user in (("acme", "amy"), ("globex", "gil")):
            s.call("POST", "/api/v1/tenants", {"id": tenant, "name": tenant}, cls.admin)
            s.call("POST", f"/api/v1/tenants/{tenant}/users",
                   {"username": user, "password": user + "-password-1", "role": "owner"}, cls.admin)
        s.call("POST", "/api/v1/tenants/acme/users",
               {"username": "vic", "password": "vic-password-12", "role": "viewer"}, cls.admin)
        cls.amy = s.login("amy", "amy-password-1")
        cls.gil = s.login("gil", "gil-password-1")
        cls.vic = s.login("vic", "vic-password-12")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def write(self, lines, token=None, precision="s", tenant="acme", scheme="Bearer"):
        return self.server.call("POST", f"/api/v1/tenants/{tenant}/write?precision={precision}",
                                token=token or self.amy, raw="".join(lines).encode(), scheme=scheme)

    def test_written_samples_come_back_through_every_query(self):
        s = self.server
        now = int(time.time()) // 60 * 60
        start = now - 3600
        lines = []
        for m in range(60):
            t = start + m * 60
            for d in range(3):
                lines.append(f"if,device=rt-{d},ifName=eth0 HCInOctets={m * 6000 * (d + 1)}i {t}\n")
                lines.append(f"epc,device=rt-{d},site={'north' if d < 2 else 'south'} AttachedUEs={100 + d},cpu=0.25 {t}\n")
        status, body = self.write(lines, scheme="Token")
        self.assertEqual(status, 204, body)

        status, page = s.get("/api/v1/tenants/acme/series", self.amy, metric="if_HCInOctets")
        self.assertEqual(status, 200)
        self.assertEqual(sorted(x["device"] for x in page["items"]), ["rt-0", "rt-1", "rt-2"])
        self.assertEqual(page["items"][0]["labels"], {"ifName": "eth0"})
        status, names = s.get("/api/v1/tenants/acme/metrics", self.amy)
        self.assertEqual(status, 200, names)
        self.assertIn({"name": "if_HCInOctets", "series": 3}, names["items"])
        status, page = s.get("/api/v1/tenants/acme/series", self.amy, labels="site=~nor.*,device!=rt-0")
        self.assertEqual({(x["metric"], x["device"]) for x in page["items"]},
                         {("epc_AttachedUEs", "rt-1"), ("epc_cpu", "rt-1")})

        # Rate of a counter growing 6000 per minute on rt-0: 100 per second, at any step.
        for step in ("60s", "5m", "15m"):
            status, r = s.get("/api/v1/tenants/acme/query_range", self.amy, metric="if_HCInOctets",
                              device="rt-0", fn="rate", step=step, start=start + 900, end=now - 900)
            self.assertEqual(status, 200, r)
            values = [v for v in r["series"][0]["values"] if v is not None]
            self.assertTrue(values, r)
            for v in values:
                self.assertAlmostEqual(v, 100.0, places=6, msg=f"step {step}: {r}")
        # Sum of attached UEs per site, and an average.
        status, r = s.get("/api/v1/tenants/acme/query_range", self.amy, metric="epc_AttachedUEs",
                          agg="sum", by="site", step="10m", start=start, end=now - 600)
        self.assertEqual(status, 200, r)
        by_site = {x["labels"]["site"]: x["values"] for x in r["series"]}
        self.assertEqual(set(by_site), {"north", "south"})
        self.assertTrue(all(v == 201 for v in by_site["north"] if v is not None), by_site)
        self.assertTrue(all(v == 102 for v in by_site["south"] if v is not None), by_site)
        self.assertEqual(len(r["timestamps"]), len(by_site["north"]))
        # Latest values of the fleet.
        status, r = s.get("/api/v1/tenants/acme/query", self.amy, metric="epc_cpu")
        self.assertEqual(status, 200, r)
        self.assertEqual(len(r["series"]), 3)
        self.assertTrue(all(x["value"] == 0.25 and x["timestamp"] == (now - 60) * 1000 for x in r["series"]), r)

    def test_a_bad_batch_writes_nothing_and_says_which_line(self):
        t = int(time.time())
        status, body = self.write([f"bad,device=x value=1 {t}\n", "bad,device=x value= \n"])
        self.assertEqual(status, 400, body)
        self.assertIn("line 2", body)
        status, r = self.server.get("/api/v1/tenants/acme/query", self.amy, metric="bad")
        self.assertEqual((status, r["series"]), (200, []), "nothing of a refused batch is stored")
        status, body = self.write([f"late,device=x value=5 {t}\n", f"late,device=x value=6 {t - 600}\n"])
        self.assertEqual(status, 204, "an older sample inside the head is accepted and merged")
        self.assertEqual(self.write([f"bad value=1 {t + 86400}\n"])[0], 400, "future")
        self.assertEqual(self.write([f"bad value=1 {t}\n"], precision="h")[0], 400)
        self.assertEqual(self.write([f"bad value=1 {t}\n"], token=self.vic)[0], 403, "viewers cannot write")

    def test_gzipped_writes_are_accepted(self):
        import gzip
        t = int(time.time())
        s = self.server
        status, body = s.call("POST", "/api/v1/tenants/acme/write?precision=s", token=self.amy,
                              raw=gzip.compress(f"gz,device=z value=7 {t}\n".encode()),
                              headers={"Content-Encoding": "gzip"})
        self.assertEqual(status, 204, body)
        self.assertEqual(s.get("/api/v1/tenants/acme/query", self.amy, metric="gz")[1]["series"][0]["value"], 7)
        status, body = s.call("POST", "/api/v1/tenants/acme/write", token=self.amy, raw=b"not gzip",
                              headers={"Content-Encoding": "gzip"})
        self.assertEqual(status, 400, body)

    def test_bad_query_parameters_get_clear_errors(self):
        s = self.server
        cases = [
            ({"metric": "m", "step": "0"}, "step"),
            ({"metric": "m", "fn": "median"}, "unknown fn"),
            ({"metric": "m", "labels": "a=~("}, "regular expression"),
            ({"metric": "m", "start": "yesterday"}, "start"),
            ({"metric": "m", "step": "1s", "start": "0", "end": "100000"}, "larger step"),
            ({}, "metric is required"),
        ]
        for params, expected in cases:
            status, r = s.get("/api/v1/tenants/acme/query_range", self.amy, **params)
            self.assertEqual(status, 400, params)
            self.assertIn(expected, r["error"]["message"], params)

    def test_another_tenant_sees_nothing(self):
        s = self.server
        t = int(time.time())
        self.assertEqual(self.write([f"secret,device=a value=42 {t}\n"])[0], 204)
        self.assertEqual(s.get("/api/v1/tenants/acme/query", self.gil, metric="secret")[0], 404)
        self.assertEqual(s.get("/api/v1/tenants/acme/series", self.gil)[0], 404)
        self.assertEqual(self.write([f"x value=1 {t}\n"], token=self.gil)[0], 404)
        status, r = s.get("/api/v1/tenants/globex/query", self.gil, metric="secret")
        self.assertEqual((status, r["series"]), (200, []))
        status, r = s.get("/api/v1/tenants/globex/series", self.gil)
        self.assertEqual((status, r["items"]), (200, []))

    def test_deleting_a_tenant_deletes_its_time_series(self):
        s = self.server
        s.call("POST", "/api/v1/tenants", {"id": "initech", "name": "initech"}, self.admin)
        t = int(time.time())
        self.assertEqual(self.write([f"old,device=a value=1 {t}\n"], token=self.admin, tenant="initech")[0], 204)
        self.assertEqual(s.call("DELETE", "/api/v1/tenants/initech", token=self.admin)[0], 204)
        with open(os.path.join(s.data, "tsdb", "series.log"), "rb") as f:
            self.assertIn(b"Dinitech", f.read(), "the series log records the tenant's series as dropped")
        status, body = s.call("POST", "/api/v1/tenants", {"id": "initech", "name": "again"}, self.admin)
        self.assertEqual(status, 409, body)

    def test_retention_is_per_tenant_and_audited(self):
        s = self.server
        status, r = s.get("/api/v1/tenants/globex/retention", self.gil)
        self.assertEqual((status, r), (200, {"raw": "15d", "5m": "90d", "1h": "730d"}))
        status, body = s.call("PUT", "/api/v1/tenants/globex/retention", {"raw": "7d"}, self.gil)
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["raw"], "7d")
        self.assertEqual(s.get("/api/v1/tenants/acme/retention", self.amy)[1]["raw"], "15d")
        status, body = s.call("PUT", "/api/v1/tenants/globex/retention", {"raw": "200d"}, self.gil)
        self.assertEqual(status, 400, body)
        status, r = s.get("/api/v1/tenants/globex/audit", self.gil, action="timeseries.retention")
        self.assertEqual(status, 200, r)
        self.assertTrue(any(x["action"] == "timeseries.retention" for x in r["items"]), r)

    def test_zz_no_acknowledged_sample_is_lost_to_kill_9(self):
        """Runs last (zz): it kills and restarts the server."""
        s = self.server
        acked_path = os.path.join(s.dir.name, "acked")
        base = (int(time.time()) - 1800) * 1000
        rng = random.Random(5)
        next_k = 0
        rounds = 5
        for _ in range(rounds):
            writer = subprocess.Popen([sys.executable, "-c", WRITER, str(s.port), self.amy, str(base),
                                       acked_path, str(next_k)])
            time.sleep(rng.uniform(0.5, 2.0))
            s.kill9()
            writer.kill()
            writer.wait()
            with open(acked_path) as f:
                acked = [int(x) for x in f.read().split()]
            next_k = (max(acked) + 1) if acked else 0
            s.start()
        with open(acked_path) as f:
            acked = sorted({int(x) for x in f.read().split()})
        self.assertGreater(len(acked), 20, "the writer got too few batches in to prove anything")
        top = max(acked)
        status, r = s.get("/api/v1/tenants/acme/query_range", self.amy, metric="crash", fn="last",
                          step="1s", start=base / 1000, end=(base + top * 1000) / 1000)
        self.assertEqual(status, 200, r)
        self.assertEqual(len(r["series"]), 20)
        for series in r["series"]:
            d = int(series["device"].split("-")[1])
            values = series["values"]
            missing = [k for k in acked if values[k] != k * 10 + d]
            self.assertEqual(missing, [], f"acknowledged batches missing for {series['device']}")


class Prometheus:
    """A real Prometheus with its remote-write receiver on, no scrape jobs."""

    def __init__(self, workdir):
        self.dir = workdir
        self.port = free_port()
        with open(os.path.join(workdir, "prometheus.yml"), "w") as f:
            f.write("global:\n  scrape_interval: 1h\n")
        self.proc = None

    def start(self):
        self.log = open(os.path.join(self.dir, "prometheus.log"), "a")
        self.proc = subprocess.Popen(
            ["prometheus", "--web.enable-remote-write-receiver", f"--config.file={self.dir}/prometheus.yml",
             f"--storage.tsdb.path={self.dir}/prom-data", f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self.log, stderr=self.log)
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=1)
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("prometheus did not start")

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(30)
            self.log.close()
            self.proc = None

    def values(self, query, at):
        url = f"http://127.0.0.1:{self.port}/api/v1/query?" + urllib.parse.urlencode({"query": query, "time": at})
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.loads(r.read())["data"]["result"]


class RemoteWriteTest(unittest.TestCase):
    """Every accepted sample also reaches a Prometheus-compatible endpoint, even across its outage."""

    def test_samples_reach_prometheus_across_an_outage(self):
        workdir = tempfile.TemporaryDirectory()
        prom = Prometheus(workdir.name)
        prom.start()
        server = Server(env={"EPCFLEET_REMOTE_WRITE_URL": f"http://127.0.0.1:{prom.port}/api/v1/write",
                             "EPCFLEET_REMOTE_WRITE_LABELS": "cluster=test",
                             "EPCFLEET_REMOTE_WRITE_TENANT_LABELS": "acme:region=north;other:region=x"})
        try:
            admin = server.login("admin", PASSWORD)
            server.call("POST", "/api/v1/tenants", {"id": "acme", "name": "acme"}, admin)
            now = int(time.time())

            def write(minute, value):
                status, body = server.call("POST", "/api/v1/tenants/acme/write?precision=s", token=admin,
                                           raw=f"epc,device=e1 AttachedUEs={value}i {now - 120 + minute * 20}\n".encode())
                self.assertEqual(status, 204, body)

            def wait_for(value, seconds=30):
                deadline = time.time() + seconds
                while time.time() < deadline:
                    result = prom.values('epc_AttachedUEs{tenant="acme",device="e1",cluster="test",region="north"}', now)
                    if result and float(result[0]["value"][1]) == value:
                        return
                    time.sleep(0.3)
                self.fail(f"Prometheus never showed {value}: {result}")

            write(0, 100)
            wait_for(100)
            prom.stop()
            for m in range(1, 5):
                write(m, 100 + m)  # accepted while the endpoint is down: queued on disk
            time.sleep(1)
            prom.start()
            wait_for(104, seconds=60)
            status, body = server.call("GET", "/metrics")
            self.assertIn("epcfleet_remote_write_sent_samples_total", body)
        finally:
            server.stop()
            prom.stop()
            workdir.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
