"""A burst of registrations over HTTP: 1,000 attempts from 50 concurrent clients for a session
of 250 seats, against gunicorn with two workers, on SQLite and on PostgreSQL.

``python bench/run.py registration`` (or ``make bench BENCH_ARGS=registration``). For each
database: a throwaway data folder (and, for PostgreSQL, a database of its own, dropped after),
``migrate``, ``collectstatic``, one program with one session of 250 seats open for
registration, gunicorn on 127.0.0.1, then the burst. Each attempt is what a browser does: GET
the form (which sets the CSRF cookie), then POST it with the cookie and the token, as a new
person. The rate limit is raised for the run (``REGISTRATION_RATE_LIMIT``), not switched off,
so its shared counter stays in the measured path; the worker does not run during the burst
(the e-mails wait in the outbox, as they would for the seconds a burst lasts).

It reports registrations per second (attempts completed / wall time of the burst), p50 and p99
latency of an attempt (GET + POST) and of the POST alone, the error count (anything but the
303 after a POST), and the confirmed and waitlisted counts read back from the database. The
targets: >= 100 registrations/s, 0 errors, exactly 250 confirmed. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import re
import shutil
import statistics
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import web  # bench/web.py: the server, its environment and manage.py, shared

ROOT = web.ROOT
HOST = web.HOST
RESULTS = ROOT / "bench" / "results" / "registration.json"
SLUG = "bench-conversations"
PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

MIN_RATE = 100.0  # registrations per second

SETUP = """
import datetime as dt
from django.utils import timezone
from clinicdesk.registration import services as registration
from clinicdesk.scheduling import services
program = services.create_program(name="Bench Conversations", slug="{slug}",
    conduct="Listen with patience and respect.")
start = (timezone.now() + dt.timedelta(days=30)).date()
session = services.schedule_session(program=program, number=1, start_date=start,
    start_time=dt.time(13, 0), time_zone="UTC",
    interpretation_languages=["ar", "zh", "fr", "de", "id", "ru", "es"],
    meeting_url="https://meet.example.org/bench")
registration.configure_registration(session=session, capacity={seats})
print("ok")
"""

COUNT = """
import json
from collections import Counter
from clinicdesk.registration.models import OutboundEmail, Registration, RegistrationSettings
statuses = Counter(Registration.objects.values_list("status", flat=True))
row = RegistrationSettings.objects.get(session__program__slug="{slug}")
print(json.dumps({{
    "statuses": statuses,
    "counters": [row.confirmed_count, row.waitlisted_count],
    "emails_queued": OutboundEmail.objects.count(),
}}))
"""


class BenchError(Exception):
    pass


@dataclass
class Attempt:
    ok: bool
    seconds: float
    post_seconds: float
    error: str = ""


@dataclass
class Run:
    database: str
    attempts: int
    clients: int
    seats: int
    wall_seconds: float
    registrations_per_second: float
    p50_ms: float
    p99_ms: float
    post_p50_ms: float
    post_p99_ms: float
    errors: int
    confirmed: int
    waitlisted: int
    counters: list[int]
    emails_queued: int
    # CPU the server and these clients spent per attempt: with the machine's CPUs to
    # themselves they would serve at most cpus / (server + client) attempts a second.
    server_cpu_ms_per_attempt: float = 0.0
    client_cpu_ms_per_attempt: float = 0.0
    error_samples: list[str] = field(default_factory=list)

    @property
    def ceiling_per_second(self) -> float:
        spent = self.server_cpu_ms_per_attempt + self.client_cpu_ms_per_attempt
        return 1000 * (os.cpu_count() or 1) / spent if spent else 0.0

    @property
    def failed_targets(self) -> list[str]:
        failed = []
        if self.registrations_per_second < MIN_RATE:
            failed.append(f"{self.registrations_per_second:.0f}/s < {MIN_RATE:.0f}/s")
        if self.errors:
            failed.append(f"{self.errors} errors")
        if self.confirmed != self.seats:
            failed.append(f"{self.confirmed} confirmed, not {self.seats}")
        if self.confirmed + self.waitlisted != self.attempts - self.errors:
            failed.append("registrations lost")
        return failed


# --- One attempt: GET the form, POST it ------------------------------------------------------

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _request(
    port: int, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, cookies, text
    finally:
        connection.close()


def attempt(port: int, number: int) -> Attempt:
    path = f"/programs/{SLUG}/sessions/1/register/"
    started = time.perf_counter()
    try:
        status, cookies, page = _request(port, "GET", path)
        token = _TOKEN.search(page)
        if status != 200 or token is None or "csrftoken" not in cookies:
            return Attempt(False, time.perf_counter() - started, 0.0, f"GET {status}")
        form = {
            "csrfmiddlewaretoken": token[1],
            "name": f"Participant {number}",
            "email": f"participant{number}@example.org",
            "affiliation": "Bench community",
            "home_time_zone": "Africa/Lagos",
            "language": "en",
            "interpretation_language": ("ar", "zh", "fr", "")[number % 4],
            "attribution": "anonymous",
            "conduct_acknowledged": "on",
        }
        if number % 3 == 0:
            form["needs_data_package"] = "on"
        posted = time.perf_counter()
        status, _cookies, body = _request(
            port,
            "POST",
            path,
            urllib.parse.urlencode(form),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookies['csrftoken']}",
            },
        )
        done = time.perf_counter()
        if status != 303:
            return Attempt(False, done - started, done - posted, f"POST {status}: {body[:200]}")
        return Attempt(True, done - started, done - posted)
    except OSError as error:
        return Attempt(False, time.perf_counter() - started, 0.0, repr(error))


def burst(port: int, attempts: int, clients: int) -> tuple[list[Attempt], float]:
    """``attempts`` attempts shared by ``clients`` threads started together."""
    numbers = iter(range(attempts))
    lock = threading.Lock()
    results: list[Attempt] = []
    barrier = threading.Barrier(clients + 1)

    def client() -> None:
        barrier.wait()
        while True:
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            result = attempt(port, number)
            with lock:
                results.append(result)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=600)
    return results, time.perf_counter() - started


def server_cpu_seconds(group: int, database: str = "") -> float:
    """CPU time (user + system) of the server: every live process in gunicorn's process group,
    and the PostgreSQL backends serving ``database`` (whose work SQLite does in-process)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            ours = int(fields[2]) == group  # pgrp
            if not ours and database:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                ours = command.startswith("postgres:") and f" {database} " in command
        except (OSError, ValueError):
            continue
        if ours:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _ms(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- The databases -------------------------------------------------------------------------------


@contextlib.contextmanager
def postgres_database() -> Any:
    """A database of its own on the local PostgreSQL, dropped afterwards."""
    import psycopg

    name = f"clinicdesk_bench_registration_{os.getpid()}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure(database: str, args: argparse.Namespace) -> Run:
    data_dir = Path(tempfile.mkdtemp(prefix=f"clinicdesk-bench-registration-{database}-"))
    env = web.server_env(data_dir)
    # Raised, not switched off: the shared counter stays in the measured path.
    env["REGISTRATION_RATE_LIMIT"] = os.environ.get("BENCH_RATE_LIMIT", str(args.attempts * 10))
    server: web.Gunicorn | None = None
    with contextlib.ExitStack() as stack:
        if database == "postgres":
            env["DATABASE_URL"] = stack.enter_context(postgres_database())
        try:
            for step in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
                done = web.manage(env, *step)
                if done.returncode != 0:
                    raise BenchError(f"manage.py {step[0]} failed:\n{done.stderr or done.stdout}")
            done = web.manage(env, "shell", "-c", SETUP.format(slug=SLUG, seats=args.seats))
            if done.returncode != 0 or "ok" not in done.stdout:
                raise BenchError(f"could not set the session up:\n{done.stderr or done.stdout}")
            server = web.Gunicorn(env, web.free_port(), args.workers, data_dir / "gunicorn.log")
            server.wait_ready()
            port = int(server.base.rsplit(":", 1)[1])
            print(f"  {database}: gunicorn ({args.workers} workers) at {server.base}", flush=True)
            # Warm each worker (imports, templates, connections) outside the measured burst.
            for _ in range(args.workers * 4):
                web.fetch(f"{server.base}/programs/{SLUG}/sessions/1/register/", gzip_ok=False)
            database_name = env.get("DATABASE_URL", "").rsplit("/", 1)[-1]
            server_cpu = server_cpu_seconds(server.process.pid, database_name)
            client_cpu = time.process_time()
            results, wall = burst(port, args.attempts, args.clients)
            client_cpu = time.process_time() - client_cpu
            server_cpu = server_cpu_seconds(server.process.pid, database_name) - server_cpu
            problems = server.log_tail(200)
            if "Traceback" in problems:
                print(f"  the server logged errors:\n{server.log_tail()}")
        finally:
            if server is not None:
                server.stop()
        counted = web.manage(env, "shell", "-c", COUNT.format(slug=SLUG))
        if counted.returncode != 0:
            raise BenchError(f"could not count the registrations:\n{counted.stderr}")
        if args.keep_data:
            print(f"  data folder kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    counts = json.loads(counted.stdout.strip().splitlines()[-1])
    ok = [r for r in results if r.ok]
    errors = [r for r in results if not r.ok]
    return Run(
        database=database,
        attempts=args.attempts,
        clients=args.clients,
        seats=args.seats,
        wall_seconds=wall,
        registrations_per_second=len(ok) / wall if wall else 0.0,
        p50_ms=_ms([r.seconds for r in results], 0.50),
        p99_ms=_ms([r.seconds for r in results], 0.99),
        post_p50_ms=_ms([r.post_seconds for r in ok], 0.50),
        post_p99_ms=_ms([r.post_seconds for r in ok], 0.99),
        errors=len(errors) + (args.attempts - len(results)),
        confirmed=counts["statuses"].get("confirmed", 0),
        waitlisted=counts["statuses"].get("waitlisted", 0),
        counters=counts["counters"],
        emails_queued=counts["emails_queued"],
        server_cpu_ms_per_attempt=1000 * server_cpu / max(len(results), 1),
        client_cpu_ms_per_attempt=1000 * client_cpu / max(len(results), 1),
        error_samples=[e.error for e in errors[:5]],
    )


def table(runs: list[Run]) -> str:
    header = (
        "database",
        "reg/s",
        "p50 ms",
        "p99 ms",
        "POST p50",
        "POST p99",
        "errors",
        "confirmed",
        "waitlisted",
        "CPU ms/att",
        "ceiling/s",
        "verdict",
    )
    rows = [header]
    for r in runs:
        rows.append(
            (
                r.database,
                f"{r.registrations_per_second:.0f}",
                f"{r.p50_ms:.0f}",
                f"{r.p99_ms:.0f}",
                f"{r.post_p50_ms:.0f}",
                f"{r.post_p99_ms:.0f}",
                str(r.errors),
                str(r.confirmed),
                str(r.waitlisted),
                f"{r.server_cpu_ms_per_attempt:.1f}+{r.client_cpu_ms_per_attempt:.1f}",
                f"{r.ceiling_per_second:.0f}",
                "PASS" if not r.failed_targets else "FAIL: " + ", ".join(r.failed_targets),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row[:-1], widths, strict=True))
        ]
        lines.append("  ".join([*cells, row[-1]]))
        if n == 0:
            lines.append("  ".join(["-" * w for w in widths] + ["-" * 7]))
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres", "both"],
        default="both",
        help="where to measure (default both; postgres needs 127.0.0.1:5432)",
    )
    parser.add_argument("--attempts", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seats", type=int, default=250)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--json", type=Path, default=RESULTS)
    parser.add_argument("--keep-data", action="store_true")
    # Options of other suites (bench/run.py passes them all along) are not ours.
    args, _unknown = parser.parse_known_args(argv)
    if not (1 <= args.clients <= 200 and 1 <= args.attempts <= 20_000 and args.seats >= 1):
        parser.error("1-200 clients, 1-20000 attempts, at least one seat")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    runs: list[Run] = []
    load_before = os.getloadavg()[0]
    try:
        for database in databases:
            print(
                f"Burst on {database}: {args.attempts} attempts from {args.clients} clients, "
                f"{args.seats} seats",
                flush=True,
            )
            runs.append(measure(database, args))
    except (BenchError, web.BenchError) as error:
        print(f"\nbench: {error}")
        return 2
    except KeyboardInterrupt:
        print("\nbench: interrupted")
        return 130
    print(
        f"\n{args.attempts} registration attempts (GET the form + POST it) from {args.clients} "
        f"concurrent clients, gunicorn with {args.workers} sync workers, "
        f"{os.cpu_count()} CPUs shared with the clients:\n"
    )
    print(table(runs))
    for run in runs:
        if run.error_samples:
            print(f"{run.database} errors, first ones: {run.error_samples}")
    print(
        f"\nTargets: >= {MIN_RATE:.0f} registrations/s, 0 errors, exactly the seats confirmed "
        "and every other attempt waitlisted.\n"
        "CPU ms/att: CPU time of the server (gunicorn, its workers and, on PostgreSQL, the "
        "database's backends) + of these clients per "
        "attempt; ceiling/s: the rate those would allow with every CPU of the machine theirs, "
        "a figure that other work on the machine does not lower."
    )
    warning = web.busy_warning(load_before)
    if warning:
        print(f"WARNING: {warning}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "commit": web.git_commit(),
                "cpus": os.cpu_count(),
                "load_average_1min_before": load_before,
                "runs": [
                    asdict(r)
                    | {
                        "ceiling_per_second": r.ceiling_per_second,
                        "verdict": "pass" if not r.failed_targets else "fail",
                    }
                    for r in runs
                ],
                "median_of_rates": statistics.median(r.registrations_per_second for r in runs)
                if runs
                else 0,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"Results written to {args.json}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
