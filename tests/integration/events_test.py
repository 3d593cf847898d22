#!/usr/bin/env python3
"""Live events over the real WebSocket endpoint, seen by real clients of two tenants.

Python's standard library has no WebSocket client, so this file carries the few lines of RFC 6455
framing a client needs (no extensions, client-to-server masking). Usage:
    events_test.py path/to/epcfleetd
"""
import base64
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

EPCFLEETD = sys.argv.pop(1) if len(sys.argv) > 1 else "build/asan/apps/epcfleetd/epcfleetd"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class WebSocket:
    def __init__(self, port, headers):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            "GET /api/v1/events HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ] + [f"{k}: {v}" for k, v in headers.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            self.buf += chunk
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        self.status = int(head.split(b" ")[1]) if head else 0

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv_text(self, timeout):
        self.sock.settimeout(timeout)
        while True:
            b0, b1 = self._read(2)
            length = b1 & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(length)
            opcode = b0 & 0x0F
            if opcode == 1:
                return payload.decode()
            if opcode == 8:
                raise ConnectionError("server closed the WebSocket")

    def messages(self, seconds):
        """Every text message that arrives within `seconds`."""
        out, deadline = [], time.time() + seconds
        while time.time() < deadline:
            try:
                out.append(json.loads(self.recv_text(max(0.05, deadline - time.time()))))
            except (socket.timeout, TimeoutError):
                break
        return out

    def close(self):
        self.sock.close()


class Server:
    def __init__(self):
        self.dir = tempfile.TemporaryDirectory()
        pw = os.path.join(self.dir.name, "pw")
        with open(pw, "w") as f:
            f.write("events-admin-password\n")
        subprocess.run([EPCFLEETD, "init", "--data-dir", self.dir.name + "/d", "--admin-password-file", pw],
                       check=True, capture_output=True)
        self.port = free_port()
        self.log = open(os.path.join(self.dir.name, "log"), "w")
        self.proc = subprocess.Popen([EPCFLEETD, "serve", "--data-dir", self.dir.name + "/d", "--http",
                                      "--listen", f"127.0.0.1:{self.port}"], stdout=self.log, stderr=self.log)
        for _ in range(400):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def call(self, method, path, body=None, token=None, headers=None):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
        if body is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read().decode(), r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(), e.headers

    def login(self, user, password):
        status, body, _ = self.call("POST", "/api/v1/auth/login", {"username": user, "password": password})
        assert status == 200, body
        return json.loads(body)["token"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(20)
        self.log.close()
        self.dir.cleanup()


class EventsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        s = cls.server
        cls.admin = s.login("admin", "events-admin-password")
        for tenant, user in (("acme", "amy"), ("umbrella", "uma")):
            s.call("POST", "/api/v1/tenants", {"id": tenant, "name": tenant}, cls.admin)
            s.call("POST", f"/api/v1/tenants/{tenant}/users",
                   {"username": user, "password": user + "-password-1", "role": "owner"}, cls.admin)
        s.call("POST", "/api/v1/tenants/acme/users",
               {"username": "vic", "password": "vic-password-12", "role": "viewer"}, cls.admin)
        cls.amy = s.login("amy", "amy-password-1")
        cls.uma = s.login("uma", "uma-password-1")
        cls.vic = s.login("vic", "vic-password-12")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_each_tenant_sees_only_its_own_events(self):
        s = self.server
        amy_ws = WebSocket(s.port, {"Authorization": "Bearer " + self.amy})
        uma_ws = WebSocket(s.port, {"Authorization": "Bearer " + self.uma})
        admin_ws = WebSocket(s.port, {"Authorization": "Bearer " + self.admin})
        vic_ws = WebSocket(s.port, {"Authorization": "Bearer " + self.vic})
        for ws in (amy_ws, uma_ws, admin_ws, vic_ws):
            self.assertEqual(ws.status, 101)
        time.sleep(0.3)
        status, body, _ = s.call("POST", "/api/v1/tenants/acme/users",
                                 {"username": "newbie", "password": "newbie-password", "role": "viewer"}, self.amy)
        self.assertEqual(status, 201, body)
        amy_events = amy_ws.messages(3)
        self.assertTrue(any(e["type"] == "audit" and e["tenant"] == "acme" and e["data"]["target"] == "newbie"
                            and e["data"]["action"] == "user.create" for e in amy_events), amy_events)
        self.assertTrue(any(e["data"]["target"] == "newbie" for e in admin_ws.messages(1)),
                        "platform admins see every tenant")
        leaked = [e for e in uma_ws.messages(1) if e.get("tenant") != "umbrella"]
        self.assertEqual(leaked, [], "another tenant's events must never arrive")
        self.assertEqual(vic_ws.messages(1), [], "viewers do not read the audit log, live or not")
        # And the other way round: umbrella's change reaches uma, not amy.
        status, body, _ = s.call("POST", "/api/v1/tenants/umbrella/tokens", {"name": "ci", "role": "viewer"}, self.uma)
        self.assertEqual(status, 201, body)
        self.assertTrue(any(e["tenant"] == "umbrella" and e["data"]["action"] == "token.create"
                            for e in uma_ws.messages(3)))
        self.assertEqual([e for e in amy_ws.messages(1) if e.get("tenant") == "umbrella"], [])
        for ws in (amy_ws, uma_ws, admin_ws, vic_ws):
            ws.close()

    def test_unauthenticated_and_cross_origin_upgrades_are_refused(self):
        s = self.server
        self.assertEqual(WebSocket(s.port, {}).status, 401)
        self.assertEqual(WebSocket(s.port, {"Authorization": "Bearer efs_not-a-session"}).status, 401)
        evil = WebSocket(s.port, {"Authorization": "Bearer " + self.amy, "Origin": "https://evil.example"})
        self.assertEqual(evil.status, 403)
        same = WebSocket(s.port, {"Authorization": "Bearer " + self.amy, "Origin": f"http://127.0.0.1:{s.port}"})
        self.assertEqual(same.status, 101)
        same.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
