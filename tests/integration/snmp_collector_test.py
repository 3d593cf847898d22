#!/usr/bin/env python3
"""SNMP monitoring through the API against the real server and a real snmpd on loopback: device
validation and sealed secrets, connection tests with their precise errors for every v3 auth/priv
combination, polling (status, latency, counters as rates, IF-MIB tables), down detection and its
event, statistics, CSV import, profiles, enable/disable and tenant isolation.

Usage: snmp_collector_test.py path/to/epcfleetd
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import server_harness
from server_harness import PASSWORD, Server, free_port

if len(sys.argv) > 1:
    server_harness.EPCFLEETD = sys.argv.pop(1)

AUTH = "auth-pass-1234"
PRIV = "priv-pass-5678"
COMMUNITY = "s3cret-community"


class Snmpd:
    """snmpd on 127.0.0.1:<free port> with a v2c community and one v3 user per auth/priv pair."""

    def __init__(self):
        self.dir = tempfile.TemporaryDirectory()
        self.port = free_port()
        state = os.path.join(self.dir.name, "state")
        os.makedirs(state)
        with open(os.path.join(self.dir.name, "snmpd.conf"), "w") as f:
            f.write(f"[snmp] persistentDir {state}\n"
                    f"rocommunity {COMMUNITY} 127.0.0.1\n"
                    "sysName epc-test-agent\nsysDescr epcfleet test agent\nsysLocation lab\n"
                    f"createUser md5des MD5 {AUTH} DES {PRIV}\n"
                    f"createUser shaaes SHA {AUTH} AES {PRIV}\n"
                    f"createUser sha256aes256 SHA-256 {AUTH} AES-256 {PRIV}\n"
                    f"createUser authonly SHA {AUTH}\n"
                    "rouser md5des priv\nrouser shaaes priv\nrouser sha256aes256 priv\n"
                    "rouser authonly auth\n")
        env = dict(os.environ, SNMPCONFPATH=f"{self.dir.name}:{state}", SNMP_PERSISTENT_DIR=state,
                   MIBS="")
        snmpd = shutil.which("snmpd") or "/usr/sbin/snmpd"
        self.proc = subprocess.Popen([snmpd, "-f", "-Lf", os.path.join(self.dir.name, "log"),
                                      f"udp:127.0.0.1:{self.port}"], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            r = subprocess.run(["snmpget", "-v2c", "-c", COMMUNITY, "-t", "0.3", "-r", "0",
                                f"127.0.0.1:{self.port}", "1.3.6.1.2.1.1.5.0"],
                               capture_output=True, env=dict(os.environ, MIBS=""))
            if r.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("snmpd did not answer")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.dir.cleanup()


def wait_for(predicate, timeout=40, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


class SnmpCollectorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.snmpd = Snmpd()
        cls.trap_port = free_port()
        cls.server = Server(env={"EPCFLEET_SNMP_DOWN_AFTER": "2", "EPCFLEET_SNMP_UP_AFTER": "1",
                                 "EPCFLEET_SNMP_TRAP_LISTEN": f"127.0.0.1:{cls.trap_port}"})
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
        cls.snmpd.stop()

    def post(self, path, body, token=None, tenant="acme"):
        status, text = self.server.call("POST", f"/api/v1/tenants/{tenant}{path}", body,
                                        token or self.amy)
        return status, (json.loads(text) if text else None)

    def device(self, **fields):
        body = {"name": "epc-" + str(time.time_ns()), "address": "127.0.0.1",
                "port": self.snmpd.port, "snmp": {"version": "2c", "community": COMMUNITY},
                "interval_s": 10, "timeout_ms": 500, "retries": 1}
        body.update(fields)
        return body

    def v3(self, user, auth="SHA", priv="AES", auth_password=AUTH, priv_password=PRIV):
        s = {"version": "3", "user": user, "auth_protocol": auth, "auth_password": auth_password}
        if priv != "none":
            s.update(priv_protocol=priv, priv_password=priv_password)
        return s

    def test_validation_refuses_with_clear_messages(self):
        cases = [
            ({"address": "epc.example"}, "not an IPv4 or IPv6 address"),
            ({"port": 70000}, "port must be between 1 and 65535"),
            ({"snmp": self.v3("shaaes", auth_password="short")}, "at least 8 characters"),
            ({"snmp": {"version": "3", "user": "u", "auth_protocol": "SHA-1024",
                       "auth_password": AUTH}}, "auth_protocol must be"),
            ({"snmp": {"version": "3", "user": "u", "auth_protocol": "SHA",
                       "auth_password": AUTH, "priv_protocol": "3DES",
                       "priv_password": PRIV}}, "priv_protocol must be"),
            ({"snmp": {"version": "2c"}}, "community is required"),
            ({"snmp": {"version": "4", "community": "x"}}, "version must be"),
            ({"interval_s": 1}, "interval_s must be between"),
            ({"colour": "red"}, "colour is not a device field"),
            ({"tags": {"device": "x"}}, "not \"device\""),
            ({"profile": "nope"}, "profile \"nope\" does not exist"),
            ({"custom_oids": [{"oid": "1.3.x", "name": "m"}]}, "not a numeric OID"),
            ({"custom_oids": [{"oid": "1.3.6.1.2.1.1.3.0", "name": "snmp_up"}]}, "reserved"),
            ({"custom_oids": [{"oid": 5, "name": "m"}]}, "wrong type"),
        ]
        for fields, message in cases:
            status, body = self.post("/devices", self.device(**fields))
            self.assertEqual(status, 400, (fields, body))
            self.assertIn(message, body["error"]["message"], fields)
        status, body = self.post("/devices", self.device(), token=self.vic)
        self.assertEqual(status, 403, body)
        # Addresses are stored as the trap receiver reports sources.
        status, d = self.post("/devices", self.device(name="mapped", address="::ffff:127.0.0.9",
                                                      enabled=False))
        self.assertEqual(status, 201, d)
        self.assertEqual(d["address"], "127.0.0.9")

    def test_secrets_are_sealed_never_returned_or_logged(self):
        status, d = self.post("/devices", self.device(name="secret-keeper"))
        self.assertEqual(status, 201, d)
        self.assertEqual(d["snmp"], {"version": "2c", "community_set": True})
        status, d3 = self.post("/devices", self.device(name="secret-keeper-v3",
                                                        snmp=self.v3("shaaes")))
        self.assertEqual(status, 201, d3)
        self.assertTrue(d3["snmp"]["auth_password_set"] and d3["snmp"]["priv_password_set"])
        # An update without secrets keeps them: the device still polls.
        status, text = self.server.call("PATCH", f"/api/v1/tenants/acme/devices/{d3['id']}",
                                        {"snmp": {"version": "3", "user": "shaaes",
                                                  "auth_protocol": "SHA", "priv_protocol": "AES"}},
                                        self.amy)
        self.assertEqual(status, 200, text)
        status, result = self.post(f"/devices/{d3['id']}/test", None)
        self.assertTrue(result["ok"], result)
        everything = ""
        for path in (f"/api/v1/tenants/acme/devices", f"/api/v1/tenants/acme/devices/{d['id']}",
                     "/api/v1/tenants/acme/audit?limit=200"):
            _, text = self.server.call("GET", path, token=self.amy)
            everything += text
        with open(self.server.log.name) as f:
            everything += f.read()
        db = os.path.join(self.server.data, "epcfleet.db")
        with open(db, "rb") as f:
            everything += f.read().decode("latin-1")
        for secret in (COMMUNITY, AUTH, PRIV):
            self.assertNotIn(secret, everything)

    def test_connection_test_answers_values_or_the_precise_error(self):
        status, r = self.post("/devices/test", self.device())
        self.assertEqual(status, 200, r)
        self.assertTrue(r["ok"], r)
        self.assertEqual(r["values"]["sysName"], "epc-test-agent")
        self.assertEqual(r["values"]["sysDescr"], "epcfleet test agent")
        self.assertTrue(r["values"]["sysObjectID"].startswith("1.3.6.1.4.1."))
        self.assertGreater(r["values"]["sysUpTime"], 0)
        self.assertGreater(r["rtt_ms"], 0)
        for user, auth, priv in (("md5des", "MD5", "DES"), ("shaaes", "SHA", "AES"),
                                 ("sha256aes256", "SHA-256", "AES-256"), ("authonly", "SHA", "none")):
            status, r = self.post("/devices/test", self.device(snmp=self.v3(user, auth, priv)))
            self.assertTrue(r["ok"], (user, r))
        failures = [
            (self.device(snmp={"version": "2c", "community": "wrong"}, timeout_ms=300, retries=0),
             "timeout"),
            (self.device(snmp=self.v3("nosuchuser")), "unknown_user_name"),
            (self.device(snmp=self.v3("shaaes", auth_password="wrong-auth-pass")), "wrong_digest"),
            (self.device(snmp=self.v3("shaaes", priv_password="wrong-priv-pass"), timeout_ms=300,
                         retries=0), "decryption_error"),
            (self.device(snmp=self.v3("authonly", "SHA", "AES")), "unsupported_security_level"),
        ]
        for body, code in failures:
            status, r = self.post("/devices/test", body)
            self.assertEqual(status, 200, r)
            self.assertFalse(r["ok"], body)
            self.assertEqual(r["error"]["code"], code, r)

    def test_polled_device_goes_up_with_latency_rates_and_tables(self):
        status, d = self.post("/devices", self.device(name="poll-me", tags={"site": "north"}))
        self.assertEqual(status, 201, d)
        dev = lambda: self.server.get(f"/api/v1/tenants/acme/devices/{d['id']}", self.amy)[1]
        up = wait_for(lambda: (lambda x: x if x["status"] == "up" else None)(dev()),
                      what="device up")
        self.assertIsNotNone(up["last_latency_ms"])
        self.assertEqual(up["values"]["sys_name"], "epc-test-agent")
        self.assertGreater(up["sys_uptime_s"], 0)
        # A second poll gives counter rates; the interface table comes with ifIndex and ifName.
        wait_for(lambda: dev()["polls"]["ok"] >= 2, timeout=30, what="second poll")
        status, series = self.server.get("/api/v1/tenants/acme/series", self.amy,
                                         metric="if_in_octets_rate", device=d["id"])
        self.assertEqual(status, 200, series)
        self.assertTrue(series["items"], series)
        labels = series["items"][0]["labels"]
        self.assertIn("ifIndex", labels)
        self.assertIn("ifName", labels)
        self.assertEqual(labels["site"], "north")
        now = time.time()
        status, q = self.server.get("/api/v1/tenants/acme/query_range", self.amy, metric="snmp_up",
                                    device=d["id"], start=int(now - 120), end=int(now) + 1,
                                    step="10s", fn="max")
        self.assertEqual(status, 200, q)
        values = [v for v in q["series"][0]["values"] if v is not None]
        self.assertTrue(values and all(v == 1 for v in values), q)
        for metric in ("snmp_poll_latency_ms", "sys_uptime_s", "hr_storage_used_bytes", "if_oper_status"):
            status, found = self.server.get("/api/v1/tenants/acme/series", self.amy, metric=metric,
                                            device=d["id"])
            self.assertTrue(found["items"], metric)
        status, stats = self.server.get(f"/api/v1/tenants/acme/devices/{d['id']}/stats", self.amy)
        self.assertEqual(status, 200, stats)
        self.assertEqual(stats["availability_pct"], 100.0)
        self.assertEqual(stats["polls"]["failed"], 0)
        self.assertIsNotNone(stats["latency_ms"]["p99"])
        self.assertEqual(stats["status"], "up")
        # Filters.
        status, listed = self.server.get("/api/v1/tenants/acme/devices", self.amy,
                                         tag="site:north", status="up")
        self.assertIn(d["id"], [x["id"] for x in listed["items"]])
        status, listed = self.server.get("/api/v1/tenants/acme/devices", self.amy, tag="site:south")
        self.assertNotIn(d["id"], [x["id"] for x in listed["items"]])
        # Another tenant sees nothing of it.
        status, _ = self.server.get(f"/api/v1/tenants/globex/devices/{d['id']}", self.gil)
        self.assertEqual(status, 404)
        status, _ = self.server.get(f"/api/v1/tenants/acme/devices/{d['id']}", self.gil)
        self.assertEqual(status, 404)

    def test_v3_device_polls(self):
        status, d = self.post("/devices", self.device(name="v3-poll",
                                                      snmp=self.v3("sha256aes256", "SHA-256",
                                                                   "AES-256")))
        self.assertEqual(status, 201, d)
        wait_for(lambda: self.server.get(f"/api/v1/tenants/acme/devices/{d['id']}",
                                         self.amy)[1]["status"] == "up", what="v3 device up")

    def test_dead_device_goes_down_once_with_an_event(self):
        status, d = self.post("/devices", self.device(name="dead", port=free_port(),
                                                      timeout_ms=200, retries=0))
        self.assertEqual(status, 201, d)
        dev = lambda: self.server.get(f"/api/v1/tenants/acme/devices/{d['id']}", self.amy)[1]
        # One failed poll is not enough (hysteresis): down after the second, ~10 s later.
        first = wait_for(lambda: (lambda x: x if x.get("polls", {}).get("failed", 0) >= 1 else None)(dev()),
                         what="first failed poll")
        self.assertEqual(first["status"], "unknown")
        self.assertEqual(first["last_error"]["code"], "timeout")
        wait_for(lambda: dev()["status"] == "down", timeout=30, what="device down")
        events = wait_for(lambda: self.server.get("/api/v1/tenants/acme/events", self.vic,
                                                  device=d["id"])[1]["items"], what="event")
        self.assertEqual(events[0]["type"], "snmp.device.status")
        self.assertEqual(events[0]["data"]["status"], "down")
        self.assertEqual(events[0]["data"]["reason"], "timeout")
        status, stats = self.server.get(f"/api/v1/tenants/acme/devices/{d['id']}/stats", self.amy)
        self.assertEqual(stats["availability_pct"], 0.0)
        # Disabled: no more polls, status unknown.
        status, text = self.server.call("POST", f"/api/v1/tenants/acme/devices/{d['id']}/disable",
                                        None, self.amy)
        self.assertEqual(status, 200, text)
        self.assertEqual(json.loads(text)["status"], "unknown")
        status, tenant_stats = self.server.get("/api/v1/tenants/acme/devices/stats", self.amy)
        self.assertEqual(status, 200, tenant_stats)
        self.assertGreaterEqual(tenant_stats["devices"]["total"], 1)

    def test_csv_import_is_all_or_nothing(self):
        _, before = self.server.get("/api/v1/tenants/globex/devices", self.gil)
        bad = ("name,address,port,version,community,user,auth_protocol,auth_password,tags\n"
               f"csv-a,127.0.0.1,{self.snmpd.port},2c,{COMMUNITY},,,,site=east\n"
               "csv-b,not-an-ip,161,2c,public,,,,\n"
               "csv-c,127.0.0.1,161,3,,u,SHA,short,\n")
        status, text = self.server.call("POST", "/api/v1/tenants/globex/devices/import", None,
                                        self.gil, raw=bad.encode(),
                                        headers={"Content-Type": "text/csv"})
        self.assertEqual(status, 422, text)
        lines = json.loads(text)["error"]["lines"]
        self.assertEqual([l["line"] for l in lines], [3, 4], lines)
        self.assertIn("not an IPv4", lines[0]["error"])
        self.assertIn("at least 8", lines[1]["error"])
        _, after = self.server.get("/api/v1/tenants/globex/devices", self.gil)
        self.assertEqual(len(before["items"]), len(after["items"]))
        # Line numbers are the file's, blank lines included.
        dupes = ("name,address,version,community\n\n\n"
                 "dup,127.0.0.1,2c,c\n"
                 "dup,127.0.0.1,2c,c\n")
        status, text = self.server.call("POST", "/api/v1/tenants/globex/devices/import", None,
                                        self.gil, raw=dupes.encode(),
                                        headers={"Content-Type": "text/csv"})
        self.assertEqual(status, 422, text)
        self.assertEqual([l["line"] for l in json.loads(text)["error"]["lines"]], [5], text)
        good = ("name,address,port,version,community,tags\n"
                f"csv-1,127.0.0.1,{self.snmpd.port},2c,{COMMUNITY},site=east;rack=4\n"
                f"\"csv, 2\",127.0.0.1,{self.snmpd.port},v2c,{COMMUNITY},\n")
        status, text = self.server.call("POST", "/api/v1/tenants/globex/devices/import", None,
                                        self.gil, raw=good.encode(),
                                        headers={"Content-Type": "text/csv"})
        self.assertEqual(status, 201, text)
        self.assertEqual(json.loads(text)["created"], 2)
        _, listed = self.server.get("/api/v1/tenants/globex/devices", self.gil, name="csv")
        names = sorted(x["name"] for x in listed["items"])
        self.assertEqual(names, ["csv, 2", "csv-1"])
        tags = [x["tags"] for x in listed["items"] if x["name"] == "csv-1"][0]
        self.assertEqual(tags, {"site": "east", "rack": "4"})

    def test_profiles(self):
        status, listed = self.server.get("/api/v1/tenants/acme/profiles", self.vic)
        names = [p["name"] for p in listed["items"]]
        for builtin in ("epc-default", "system", "if-mib", "host-resources", "epc"):
            self.assertIn(builtin, names)
        profile = {"name": "tiny", "description": "uptime and one gauge",
                   "scalars": [{"oid": "1.3.6.1.2.1.25.1.6.0", "metric": "hr_processes",
                                "type": "gauge", "unit": "processes"}]}
        status, created = self.post("/profiles", profile)
        self.assertEqual(status, 201, created)
        status, bad = self.post("/profiles", {"name": "bad", "scalars": [{"oid": "x", "metric": "m"}]})
        self.assertEqual(status, 400, bad)
        status, d = self.post("/devices", self.device(name="tiny-one", profile="tiny"))
        self.assertEqual(status, 201, d)
        wait_for(lambda: self.server.get("/api/v1/tenants/acme/series", self.amy,
                                         metric="hr_processes", device=d["id"])[1]["items"],
                 what="custom profile metric")
        status, text = self.server.call("DELETE", "/api/v1/tenants/acme/profiles/tiny", None, self.amy)
        self.assertEqual(status, 409, text)
        status, wrapper = self.post("/profiles", {"name": "tiny-plus", "includes": ["tiny"]})
        self.assertEqual(status, 201, wrapper)
        status, text = self.server.call("DELETE", "/api/v1/tenants/acme/profiles/epc-default", None,
                                        self.amy)
        self.assertEqual(status, 409, text)
        status, text = self.server.call("DELETE", f"/api/v1/tenants/acme/devices/{d['id']}", None,
                                        self.amy)
        self.assertEqual(status, 204, text)
        status, text = self.server.call("DELETE", "/api/v1/tenants/acme/profiles/tiny", None, self.amy)
        self.assertEqual(status, 409, text)  # tiny-plus includes it
        self.assertIn("included by profile tiny-plus", text)
        status, text = self.server.call("DELETE", "/api/v1/tenants/acme/profiles/tiny-plus", None,
                                        self.amy)
        self.assertEqual(status, 204, text)
        status, text = self.server.call("DELETE", "/api/v1/tenants/acme/profiles/tiny", None, self.amy)
        self.assertEqual(status, 204, text)

    def send(self, tool, *args, source="127.0.0.2"):
        return subprocess.run([tool, *args[:-1], f"--clientaddr={source}",
                               f"127.0.0.1:{self.trap_port}", *args[-1]],
                              capture_output=True, text=True, timeout=30,
                              env=dict(os.environ, MIBS=""))

    def trap_events(self, device):
        return self.server.get("/api/v1/tenants/acme/events", self.amy, device=device,
                               type="snmp.trap")[1]["items"]

    def test_traps_and_informs_are_attributed_translated_and_stored(self):
        # The device lives at 127.0.0.2 (traps come from there); it need not answer polls.
        status, d = self.post("/devices", self.device(name="trapper", address="127.0.0.2",
                                                      enabled=False,
                                                      snmp={"version": "2c",
                                                            "community": "trap-community"}))
        self.assertEqual(status, 201, d)
        link_down = ("", "1.3.6.1.6.3.1.1.5.3", "1.3.6.1.2.1.2.2.1.1.3", "i", "3")
        r = self.send("snmptrap", "-v2c", "-c", "trap-community", link_down)
        self.assertEqual(r.returncode, 0, r.stderr)
        events = wait_for(lambda: self.trap_events(d["id"]), what="v2c trap event")
        trap = events[0]["data"]
        self.assertEqual(trap["trap_name"], "IF-MIB::linkDown")
        self.assertEqual(trap["version"], "2c")
        self.assertEqual(trap["inform"], False)
        self.assertEqual(trap["name"], "trapper")
        self.assertIn({"oid": "1.3.6.1.2.1.2.2.1.1.3", "name": "IF-MIB::ifIndex.3",
                       "type": "INTEGER", "value": "3"}, trap["varbinds"])
        # An inform is acknowledged (snmpinform exits 0 only then).
        r = self.send("snmpinform", "-v2c", "-c", "trap-community", "-t", "2", "-r", "1",
                      ("", "1.3.6.1.6.3.1.1.5.4", "1.3.6.1.2.1.2.2.1.1.3", "i", "3"))
        self.assertEqual(r.returncode, 0, r.stderr)
        wait_for(lambda: any(e["data"]["inform"] for e in self.trap_events(d["id"])),
                 what="inform event")
        # v1, translated to the v2 form.
        r = self.send("snmptrap", "-v1", "-c", "trap-community",
                      ("1.3.6.1.4.1.32473", "127.0.0.2", "2", "0", "", "1.3.6.1.2.1.2.2.1.1.3",
                       "i", "3"))
        self.assertEqual(r.returncode, 0, r.stderr)
        wait_for(lambda: any(e["data"]["version"] == "1" for e in self.trap_events(d["id"])),
                 what="v1 trap event")
        # v3 with a tenant trap user (authPriv).
        status, u = self.post("/trap-users", {"username": "notifier", "auth_protocol": "SHA",
                                              "auth_password": AUTH, "priv_protocol": "AES",
                                              "priv_password": PRIV})
        self.assertEqual(status, 201, u)
        self.assertNotIn(AUTH, json.dumps(u))
        r = self.send("snmptrap", "-v3", "-l", "authPriv", "-u", "notifier", "-a", "SHA", "-A",
                      AUTH, "-x", "AES", "-X", PRIV, "-e", "0x8000000001020304", link_down)
        self.assertEqual(r.returncode, 0, r.stderr)
        wait_for(lambda: any(e["data"]["version"] == "3" for e in self.trap_events(d["id"])),
                 what="v3 trap event")
        # A v3 inform: the sender discovers epcfleetd's engine first, then is acknowledged.
        r = self.send("snmpinform", "-v3", "-l", "authPriv", "-u", "notifier", "-a", "SHA", "-A",
                      AUTH, "-x", "AES", "-X", PRIV, "-t", "2", "-r", "1", link_down)
        self.assertEqual(r.returncode, 0, r.stderr)
        wait_for(lambda: any(e["data"]["version"] == "3" and e["data"]["inform"]
                             for e in self.trap_events(d["id"])), what="v3 inform event")
        # Wrong community, wrong password, unknown source: counted, not stored.
        before = len(self.trap_events(d["id"]))
        self.send("snmptrap", "-v2c", "-c", "wrong", link_down)
        self.send("snmptrap", "-v3", "-l", "authPriv", "-u", "notifier", "-a", "SHA", "-A",
                  "wrong-auth-pass", "-x", "AES", "-X", PRIV, "-e", "0x8000000001020304",
                  link_down)
        self.send("snmptrap", "-v2c", "-c", "trap-community", link_down, source="127.0.0.3")
        metrics = wait_for(lambda: (lambda t: t if 'outcome="unknown_sender"} 1' in t else None)(
            self.server.call("GET", "/metrics")[1]), what="dropped traps counted")
        self.assertIn('epcfleet_snmp_traps_total{outcome="community_mismatch"} 1', metrics)
        self.assertIn('epcfleet_snmp_traps_total{outcome="auth_failed"} 1', metrics)
        time.sleep(0.5)
        self.assertEqual(len(self.trap_events(d["id"])), before)
        # Another tenant sees none of them.
        _, other = self.server.get("/api/v1/tenants/globex/events", self.gil, type="snmp.trap")
        self.assertEqual(other["items"], [])
        # Two tenants' devices at one address with one community: neither gets the trap.
        for tenant, token in (("acme", self.amy), ("globex", self.gil)):
            status, twin = self.post("/devices", self.device(name="twin", address="127.0.0.4",
                                                             enabled=False,
                                                             snmp={"version": "2c",
                                                                   "community": "shared"}),
                                     token=token, tenant=tenant)
            self.assertEqual(status, 201, twin)
        self.send("snmptrap", "-v2c", "-c", "shared", link_down, source="127.0.0.4")
        wait_for(lambda: 'epcfleet_snmp_traps_total{outcome="ambiguous"} 1' in
                 self.server.call("GET", "/metrics")[1], what="ambiguous trap counted")
        for tenant, token in (("acme", self.amy), ("globex", self.gil)):
            _, events = self.server.get(f"/api/v1/tenants/{tenant}/events", token,
                                        type="snmp.trap")
            self.assertFalse([e for e in events["items"] if e["data"]["name"] == "twin"])

    def test_mib_upload_and_translation(self):
        status, t = self.server.get("/api/v1/tenants/acme/mibs/translate", self.vic,
                                    oid="1.3.6.1.2.1.31.1.1.1.6.7")
        self.assertEqual(status, 200, t)
        self.assertEqual(t["name"], "IF-MIB::ifHCInOctets.7")
        status, t = self.server.get("/api/v1/tenants/acme/mibs/translate", self.vic,
                                    oid="EPC-FLEET-MIB::epcAttachedUEs.0")
        self.assertEqual(status, 200, t)
        self.assertEqual(t["oid"], "1.3.6.1.4.1.32473.1.1.1.0")
        module = """ACME-MIB DEFINITIONS ::= BEGIN
IMPORTS MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
acme MODULE-IDENTITY
    LAST-UPDATED "202611270000Z" ORGANIZATION "Acme" CONTACT-INFO "noc@acme.example"
    DESCRIPTION "Test module." ::= { enterprises 99999 }
acmeWidgets OBJECT-TYPE SYNTAX Integer32 MAX-ACCESS read-only STATUS current
    DESCRIPTION "Widgets." ::= { acme 1 }
END
"""
        status, text = self.server.call("POST", "/api/v1/tenants/acme/mibs?filename=ACME-MIB.txt",
                                        None, self.amy, raw=module.encode(),
                                        headers={"Content-Type": "text/plain"})
        self.assertEqual(status, 201, text)
        self.assertEqual(json.loads(text)["module"], "ACME-MIB")
        status, t = self.server.get("/api/v1/tenants/acme/mibs/translate", self.vic,
                                    oid="1.3.6.1.4.1.99999.1.0")
        self.assertEqual(t["name"], "ACME-MIB::acmeWidgets.0")
        # Other tenants do not see it.
        status, t = self.server.get("/api/v1/tenants/globex/mibs/translate", self.gil,
                                    oid="1.3.6.1.4.1.99999.1.0")
        self.assertNotEqual(t["name"], "ACME-MIB::acmeWidgets.0")
        broken = module.replace("::= { acme 1 }", "::= { acme 1 ")
        status, text = self.server.call("POST", "/api/v1/tenants/acme/mibs", None, self.amy,
                                        raw=broken.encode(), headers={"Content-Type": "text/plain"})
        self.assertEqual(status, 400, text)
        self.assertTrue(json.loads(text)["error"]["message"])
        status, listed = self.server.get("/api/v1/tenants/acme/mibs", self.vic)
        self.assertEqual([m["module"] for m in listed["items"]], ["ACME-MIB"])
        self.assertIn("IF-MIB", listed["standard"])
        status, text = self.server.call("DELETE", "/api/v1/tenants/acme/mibs/ACME-MIB", None,
                                        self.amy)
        self.assertEqual(status, 204, text)

    def test_a_taken_trap_port_stops_the_server_only_when_it_was_configured(self):
        import socket
        taken = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        try:
            with self.assertRaises(RuntimeError):
                Server(env={"EPCFLEET_SNMP_TRAP_LISTEN": f"127.0.0.1:{port}"})
        finally:
            taken.close()
        # The default port (1162) taken: the server runs without traps and says so.
        default = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            default.bind(("127.0.0.1", 1162))
        except OSError:
            default.close()
            default = None  # another server of this run holds it: the same situation
        try:
            env = {k: v for k, v in os.environ.items() if k != "EPCFLEET_SNMP_TRAP_LISTEN"}
            server = Server(env=env)
            try:
                status, _ = server.call("GET", "/healthz")
                self.assertEqual(status, 200)
                if default is not None:
                    with open(server.log.name) as f:
                        self.assertIn("snmp.traps_off", f.read())
            finally:
                server.stop()
        finally:
            if default is not None:
                default.close()

    def test_metrics_show_poller_figures(self):
        status, text = self.server.call("GET", "/metrics")
        self.assertEqual(status, 200)
        for name in ("epcfleet_snmp_polls_total", "epcfleet_snmp_requests_total",
                     "epcfleet_snmp_devices"):
            self.assertIn(name, text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
