"""Starts clinicdesk on its embedded defaults: migrates, loads the demo, serves with gunicorn,
and runs the background worker (``manage.py db_worker``) beside it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from clinicdesk.lib.env import env_int, env_str


class Command(BaseCommand):
    help = "Prepare the database and demo data, then serve the app (PORT, default 8000)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo data.")
        parser.add_argument("--workers", type=int, default=env_int("WEB_CONCURRENCY", 2))

    def handle(self, *args: Any, **options: Any) -> None:
        port = env_int("PORT", 8000)
        host = env_str("HOST", "127.0.0.1")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not options["no_demo"]:
            call_command("load_demo", verbosity=0)
        # The worker keeps the periodic chores going once the first run is queued.
        call_command("schedule_chores", verbosity=0)
        call_command("schedule_publishing", verbosity=0)
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable))
        if gunicorn is None:
            raise CommandError("gunicorn is not installed in this environment.")
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104 - only compared
        self.stdout.write(f"clinicdesk is running at http://{shown}:{port}/  (Ctrl-C stops it)")
        self.stdout.flush()
        argv = [
            gunicorn,
            "clinicdesk.wsgi",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ]
        worker = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "db_worker",
            "--queue-name",
            "*",
            "--no-reload",
            "--interval",
            "1",
        ]
        sys.exit(run_together([worker, argv]))


def run_together(commands: list[list[str]]) -> int:
    """Runs the commands side by side until one stops or a signal comes, then stops them all
    and waits for them. Returns 0 after a requested stop, else the status of the first process
    that stopped on its own."""
    processes = [subprocess.Popen(argv) for argv in commands]  # noqa: S603 - our own argv
    asked_to_stop = False

    def stop(signum: int, frame: Any) -> None:
        nonlocal asked_to_stop
        asked_to_stop = True
        for process in processes:
            if process.poll() is None:
                process.terminate()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    first_to_stop = None
    try:
        while first_to_stop is None and not asked_to_stop:
            first_to_stop = next((p for p in processes if p.poll() is not None), None)
            time.sleep(0.5)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if first_to_stop is None:
        return 0
    return abs(int(first_to_stop.returncode or 0)) or 1
