"""A real epcfleetd for the Python integration tests: init with an admin password, serve plain
HTTP on a free loopback port, JSON calls, login, kill -9 and restart."""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

EPCFLEETD = "build/asan/apps/epcfleetd/epcfleetd"  # the test sets it from its command line
PASSWORD = "tsdb-admin-password"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, env=None):
        self.env = dict(os.environ, **(env or {}))
        self.dir = tempfile.TemporaryDirectory()
        pw = os.path.join(self.dir.name, "pw")
        with open(pw, "w") as f:
            f.write(PASSWORD + "\n")
        subprocess.run([EPCFLEETD, "init", "--data-dir", self.data, "--admin-password-file", pw],
                       check=True, capture_output=True)
        self.port = free_port()
        self.proc = None
        self.start()

    @property
    def data(self):
        return self.dir.name + "/d"

    def start(self):
        self.log = open(os.path.join(self.dir.name, "log"), "a")
        self.proc = subprocess.Popen([EPCFLEETD, "serve", "--data-dir", self.data, "--http",
                                      "--listen", f"127.0.0.1:{self.port}"], stdout=self.log, stderr=self.log,
                                     env=self.env)
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("server exited: see " + self.log.name)
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(20)
        self.log.close()

    def call(self, method, path, body=None, token=None, raw=None, scheme="Bearer", headers=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method, data=data)
        if body is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"{scheme} {token}")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def get(self, path, token, **params):
        status, body = self.call("GET", path + "?" + urllib.parse.urlencode(params), token=token)
        return status, (json.loads(body) if body else None)

    def login(self, user, password):
        status, body = self.call("POST", "/api/v1/auth/login", {"username": user, "password": password})
        assert status == 200, body
        return json.loads(body)["token"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)
        self.log.close()
        self.dir.cleanup()
