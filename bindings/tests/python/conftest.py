"""Fixtures: the generated bindings on sys.path, and a real sync server on a
loopback port (the workspace's own binary, seeded with the fixtures)."""

import os
import pathlib
import re
import socket
import subprocess
import sys
import threading
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", pathlib.Path.home() / ".cache/lianjian/target"))
sys.path.insert(0, str(TARGET / "bindings" / "python"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVER = TARGET / "debug" / "lianjian-sync-server"


class RunningServer(tuple):
    """(url, {role: [(name, code, user_id)]}), and `data`, the server's data
    folder, for the office's command-line imports."""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Starts lianjian-sync-server; yields a RunningServer."""
    data = tmp_path_factory.mktemp("server")
    port = free_port()
    proc = subprocess.Popen(
        [str(SERVER), "--data", str(data), "serve",
         "--listen", f"127.0.0.1:{port}", "--fixtures", str(ROOT / "fixtures"), "--demo-year", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    users = {}
    line_re = re.compile(r"^\s+(\S+)\s+(\S+)\s+([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})\s+(\S+)$")
    deadline = time.time() + 60
    while True:
        line = proc.stdout.readline()
        if not line or time.time() > deadline:
            proc.kill()
            raise RuntimeError("the sync server did not start")
        if "listening on" in line:
            break
        m = line_re.match(line.rstrip("\n"))
        if m:
            users.setdefault(m.group(1), []).append((m.group(2), m.group(3), m.group(4)))
    # Keep reading its output so the server never blocks on a full pipe.
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    running = RunningServer((url, users))
    running.data = data
    yield running
    proc.terminate()
    proc.wait(timeout=10)


from lianjian_ffi import DeviceClock  # noqa: E402  (after the sys.path entry above)


class FixedClock(DeviceClock):
    """A device clock standing at a set instant until moved: no test depends
    on the day it runs."""

    def __init__(self, rfc3339):
        self.set(rfc3339)

    def set(self, rfc3339):
        from datetime import datetime
        self.millis = int(datetime.fromisoformat(rfc3339).timestamp() * 1000)

    def now_millis(self):
        return self.millis
