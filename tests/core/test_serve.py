"""The README's first command: `manage.py serve` prepares everything and serves the demo."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_prints_its_url_and_serves_the_demo_program(tmp_path):
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env.update({"CLINICDESK_DATA_DIR": str(tmp_path), "PORT": str(port)})
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        url = None
        deadline = time.monotonic() + 120
        assert server.stdout is not None
        while time.monotonic() < deadline and url is None:
            line = server.stdout.readline()
            if not line:
                break
            if "running at " in line:
                url = line.split("running at ", 1)[1].split()[0]
        assert url == f"http://127.0.0.1:{port}/"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url + "programs/wikimedia-clinics/", timeout=5) as r:
                    body = r.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert "Wikimedia Clinics" in body
        assert "Abstract Wikipedia" in body  # #010's scheduled segment, in the archive table
        with urllib.request.urlopen(
            url + "programs/wikimedia-clinics/sessions/10/", timeout=5
        ) as r:
            assert "Denny Vrandečić" in r.read().decode()
        with urllib.request.urlopen(url + "static/core/site.css", timeout=5) as r:
            assert r.status == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
