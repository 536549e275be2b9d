"""`manage.py serve` runs the worker beside gunicorn and stops both together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.mail import free_port

ROOT = Path(__file__).resolve().parents[2]


def _children(pid: int) -> dict[int, str]:
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found[int(entry.name)] = cmdline
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_serve_starts_the_worker_and_stops_it_with_the_server(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env.update({"CLINICDESK_DATA_DIR": str(tmp_path), "PORT": str(free_port())})
    serve = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--no-demo", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert serve.stdout is not None
        deadline = time.monotonic() + 300  # migrations of every app, on a busy machine
        while time.monotonic() < deadline:
            line = serve.stdout.readline()
            if not line or "running at " in line:
                break
        children = {}
        while time.monotonic() < deadline and len(children) < 2:
            children = _children(serve.pid)
            time.sleep(0.2)
        commands = sorted(children.values())
        assert len(commands) == 2, commands
        assert any("manage.py db_worker --queue-name * --no-reload" in c for c in commands)
        assert any("gunicorn clinicdesk.wsgi" in c for c in commands)

        serve.send_signal(signal.SIGTERM)  # to serve alone: it stops both
        assert serve.wait(timeout=40) == 0
        assert not any(_alive(pid) for pid in children)
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait(timeout=10)
