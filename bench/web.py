"""Throughput, latency and page weight of clinicdesk's public pages against the bare view.

One command (``make bench``): a throwaway data folder, ``migrate``, ``collectstatic``,
``load_demo``, gunicorn with two workers on 127.0.0.1, a warm-up, then wrk against each page,
repeated, medians reported. It is a measurement, not a test: it exits 0 when a target is
missed and says so plainly. It exits non-zero only when it could not measure at all.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "web.json"
HOST = "127.0.0.1"  # never anything else: the benchmark only talks to its own server

BARE = "/healthz"
PAGES = [
    ("bare view", BARE),
    ("program page", "/programs/wikimedia-clinics/"),
    ("session page", "/programs/wikimedia-clinics/sessions/10/"),
    ("calendar feed", "/programs/wikimedia-clinics/calendar.ics"),
]

# The targets (see bench/README.md).
MIN_RATIO = 0.50  # of the bare view's requests per second
MAX_P99_MS = 100.0  # at 16 connections
MAX_WIRE_BYTES = 50 * 1024  # body, as sent to a client that accepts gzip

WRK_TIME_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


class BenchError(Exception):
    """Something stopped the benchmark from measuring; the message says what to do."""


# --- wrk ----------------------------------------------------------------------------------------


@dataclass
class WrkRun:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int
    socket_errors: dict[str, int]


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * WRK_TIME_UNITS[match[2]]


def parse_wrk(output: str) -> WrkRun:
    """Requests/s, 50th and 99th percentile latency and errors from ``wrk --latency``."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    total = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    if not (rps and p50 and p99 and total):
        raise BenchError(f"could not read wrk's output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkRun(
        requests_per_second=float(rps[1]),
        p50_ms=_ms(p50[1]),
        p99_ms=_ms(p99[1]),
        requests=int(total[1]),
        non_2xx_3xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=(
            dict(
                zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True)
            )
            if errors
            else {}
        ),
    )


def run_wrk(url: str, *, seconds: int, threads: int, connections: int) -> WrkRun:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        # As a browser asks: the server may compress (it costs CPU, so it belongs in the figure).
        "-H",
        "Accept-Encoding: gzip",
        url,
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"wrk failed on {url}:\n{done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


# --- page weight --------------------------------------------------------------------------------


class _Assets(HTMLParser):
    """The stylesheets, scripts and images a browser fetches on a first visit."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and (values.get("rel") or "").lower() in {"stylesheet", "icon"}:
            self.urls.append(values.get("href") or "")
        elif tag in {"script", "img"} and values.get("src"):
            self.urls.append(values["src"] or "")


def fetch(url: str, *, gzip_ok: bool) -> tuple[int, bytes, str]:
    """Status, body bytes as sent (not decompressed) and Content-Type of one GET."""
    request = urllib.request.Request(url, headers={"User-Agent": "clinicdesk-bench"})
    if gzip_ok:
        request.add_header("Accept-Encoding", "gzip")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            encoding = response.headers.get("Content-Encoding", "")
            body = response.read()
            if encoding and encoding != "gzip":
                raise BenchError(f"{url} answered with an unexpected encoding: {encoding}")
            return response.status, body, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")


@dataclass
class PageWeight:
    gzip_bytes: int
    identity_bytes: int
    first_visit_bytes: int  # the gzip body plus its stylesheets, scripts and images
    assets: list[str] = field(default_factory=list)


def weigh(base: str, path: str) -> PageWeight:
    status, compressed, content_type = fetch(base + path, gzip_ok=True)
    _, plain, _ = fetch(base + path, gzip_ok=False)
    if status != 200:
        raise BenchError(f"{path} answered {status}, not 200: is the demo data loaded?")
    total = len(compressed)
    assets: list[str] = []
    if content_type.startswith("text/html"):
        text = gzip.decompress(compressed) if compressed[:2] == b"\x1f\x8b" else compressed
        parser = _Assets()
        parser.feed(text.decode("utf-8", "replace"))
        for asset in dict.fromkeys(parser.urls):
            if not asset.startswith("/"):
                continue  # only the app's own files; nothing else is fetched
            asset_status, asset_body, _ = fetch(base + asset, gzip_ok=True)
            if asset_status == 200:
                total += len(asset_body)
                assets.append(asset)
    return PageWeight(len(compressed), len(plain), total, assets)


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def server_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # The benchmark's own SQLite file and in-process cache: never a database or cache that
    # happens to be configured in the calling shell.
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "WHITENOISE_USE_FINDERS",
        "CLINICDESK_MANIFEST_STATIC",
    ):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "clinicdesk.settings",
            "CLINICDESK_DATA_DIR": str(data_dir),
            "DEBUG": "0",
            "ALLOWED_HOSTS": HOST,
            "LOG_LEVEL": "WARNING",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def prepare(env: dict[str, str]) -> None:
    known = manage(env, "help", "--commands")
    if known.returncode != 0:
        raise BenchError(f"manage.py does not start:\n{known.stderr}")
    if "load_demo" not in known.stdout.split():
        raise BenchError(
            "manage.py has no load_demo command yet, so there is no demo data to measure. "
            "The benchmark measures the real demo data only; run it again once load_demo exists."
        )
    for step in (
        ("migrate", "--noinput"),
        ("collectstatic", "--noinput"),
        ("load_demo",),
    ):
        started = time.monotonic()
        done = manage(env, *step)
        if done.returncode != 0:
            raise BenchError(f"manage.py {' '.join(step)} failed:\n{done.stderr or done.stdout}")
        print(f"  manage.py {' '.join(step)}: {time.monotonic() - started:.1f} s")


class Gunicorn:
    def __init__(self, env: dict[str, str], port: int, workers: int, log: Path) -> None:
        executable = Path(sys.executable).parent / "gunicorn"
        if not executable.exists():
            raise BenchError(f"{executable} is missing: run `make install` first.")
        self.log = log
        self._log_file = log.open("w")
        # A session of its own: Ctrl-C in the terminal reaches this script, which then stops
        # the whole server (master and workers) itself.
        self.process = subprocess.Popen(
            [
                str(executable),
                "clinicdesk.wsgi",
                "-w",
                str(workers),
                "-b",
                f"{HOST}:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.base = f"http://{HOST}:{port}"

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn stopped at start:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                status, _, _ = fetch(self.base + BARE, gzip_ok=False)
                if status == 200:
                    return
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        self._log_file.flush()
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self._log_file.close()


# --- the report ---------------------------------------------------------------------------------


@dataclass
class PageResult:
    page: str
    path: str
    requests_per_second: float
    ratio_to_bare: float
    p50_ms: float
    p99_ms: float
    weight: PageWeight
    runs: list[WrkRun]
    failed_targets: list[str]
    errors: int

    @property
    def is_bare(self) -> bool:
        return self.path == BARE

    @property
    def verdict(self) -> str:
        if self.is_bare:
            return "reference"
        return "PASS" if not self.failed_targets else "FAIL: " + ", ".join(self.failed_targets)


def judge(result: PageResult) -> list[str]:
    failed = []
    if result.is_bare:
        return failed
    if result.ratio_to_bare < MIN_RATIO:
        failed.append(f"req/s {result.ratio_to_bare:.0%} < {MIN_RATIO:.0%} of bare")
    if result.p99_ms >= MAX_P99_MS:
        failed.append(f"p99 {result.p99_ms:.0f} ms >= {MAX_P99_MS:.0f} ms")
    if result.weight.gzip_bytes >= MAX_WIRE_BYTES:
        failed.append(f"{result.weight.gzip_bytes} B >= {MAX_WIRE_BYTES} B")
    if result.errors:
        failed.append(f"{result.errors} errors")
    return failed


def table(results: list[PageResult]) -> str:
    header = (
        "page",
        "req/s",
        "vs bare",
        "p50 ms",
        "p99 ms",
        "gzip B",
        "plain B",
        "1st visit B",
        "verdict",
    )
    rows = [header]
    for r in results:
        rows.append(
            (
                r.page,
                f"{r.requests_per_second:,.0f}",
                f"{r.ratio_to_bare:.0%}",
                f"{r.p50_ms:.1f}",
                f"{r.p99_ms:.1f}",
                f"{r.weight.gzip_bytes:,}",
                f"{r.weight.identity_bytes:,}",
                f"{r.weight.first_visit_bytes:,}",
                r.verdict,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row[:-1], widths, strict=True))
        ]
        lines.append("  ".join([*cells, row[-1]]))
        if n == 0:
            lines.append("  ".join(["-" * w for w in widths] + ["-" * 7]))
    return "\n".join(lines)


def busy_warning(load: float) -> str | None:
    """A warning when other work shares the CPUs: the figures then say more about it."""
    cpus = os.cpu_count() or 1
    if load <= 0.5 * cpus:
        return None
    return (
        f"The machine was busy before the run (1-minute load {load:.1f} on {cpus} CPUs): "
        "other work competed with the server and wrk, so these figures are low and noisy."
    )


def git_commit() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


# --- main ---------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "Measure clinicdesk's public pages against the bare view (/healthz) with wrk, "
            "on gunicorn with the demo data, and check them against the targets: "
            f"each page at least {MIN_RATIO:.0%} of the bare view's requests/s, "
            f"p99 under {MAX_P99_MS:.0f} ms at 16 connections, "
            f"under {MAX_WIRE_BYTES // 1024} KB over the wire."
        ),
    )
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds of wrk per page and run (default 10)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="3 s per page and run, 1 s warm-up: a rough figure"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per page; medians are reported (default 3)"
    )
    parser.add_argument(
        "--warmup", type=int, default=2, help="seconds of unmeasured load per page (default 2)"
    )
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--json", type=Path, default=RESULTS, help=f"where to write the results ({RESULTS})"
    )
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="render every page on every request (CLINICDESK_PAGE_CACHE=0): what the cache saves",
    )
    parser.add_argument(
        "--keep-data", action="store_true", help="keep the temporary data folder and server log"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = 3, 1
    if args.duration < 1 or args.repeat < 1 or args.warmup < 0:
        parser.error("--duration and --repeat must be at least 1, --warmup at least 0")
    return args


def measure(args: argparse.Namespace, server: Gunicorn) -> list[PageResult]:
    print("Page weight:")
    weights = {}
    for name, path in PAGES:
        weights[path] = weigh(server.base, path)
        print(f"  {name}: {weights[path].gzip_bytes:,} B gzip, {weights[path].identity_bytes:,} B")

    if args.warmup:
        print(f"Warm-up: {args.warmup} s per page")
        for _, path in PAGES:
            run_wrk(
                server.base + path,
                seconds=args.warmup,
                threads=args.threads,
                connections=args.connections,
            )

    runs: dict[str, list[WrkRun]] = {path: [] for _, path in PAGES}
    # Pages take turns within each round, so a slow drift of the machine spreads over all.
    for round_number in range(1, args.repeat + 1):
        for name, path in PAGES:
            run = run_wrk(
                server.base + path,
                seconds=args.duration,
                threads=args.threads,
                connections=args.connections,
            )
            runs[path].append(run)
            print(
                f"  run {round_number}/{args.repeat} {name}: {run.requests_per_second:,.0f} req/s,"
                f" p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms"
            )

    def median_rps(path: str) -> float:
        return statistics.median(run.requests_per_second for run in runs[path])

    bare_rps = median_rps(BARE)
    results = []
    for name, path in PAGES:
        rps = median_rps(path)
        result = PageResult(
            page=name,
            path=path,
            requests_per_second=rps,
            ratio_to_bare=rps / bare_rps if bare_rps else 0.0,
            p50_ms=statistics.median(run.p50_ms for run in runs[path]),
            p99_ms=statistics.median(run.p99_ms for run in runs[path]),
            weight=weights[path],
            runs=runs[path],
            failed_targets=[],
            errors=sum(run.non_2xx_3xx + sum(run.socket_errors.values()) for run in runs[path]),
        )
        result.failed_targets = judge(result)
        results.append(result)
    return results


def write_json(
    path: Path, args: argparse.Namespace, results: list[PageResult], loads: dict[str, float]
) -> None:
    document: dict[str, Any] = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_1min": loads,
        },
        "setup": {
            "server": f"gunicorn, {args.workers} sync workers, DEBUG=0, SQLite, demo data",
            "load": f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency",
            "warmup_seconds": args.warmup,
            "repeat": args.repeat,
            "statistic": "median of the runs",
            "page_cache": not args.no_page_cache,
        },
        "targets": {
            "min_ratio_to_bare": MIN_RATIO,
            "max_p99_ms": MAX_P99_MS,
            "max_wire_bytes": MAX_WIRE_BYTES,
        },
        "pages": [
            {
                "page": r.page,
                "path": r.path,
                "requests_per_second": r.requests_per_second,
                "ratio_to_bare": round(r.ratio_to_bare, 4),
                "p50_ms": r.p50_ms,
                "p99_ms": r.p99_ms,
                "weight": asdict(r.weight),
                "errors": r.errors,
                "verdict": "reference"
                if r.is_bare
                else ("pass" if not r.failed_targets else "fail"),
                "failed_targets": r.failed_targets,
                "runs": [asdict(run) for run in r.runs],
            }
            for r in results
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk).", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    data_dir = Path(tempfile.mkdtemp(prefix="clinicdesk-bench-"))
    env = server_env(data_dir)
    env["CLINICDESK_PAGE_CACHE"] = "0" if args.no_page_cache else "1"
    server: Gunicorn | None = None
    loads = {"before": os.getloadavg()[0]}
    try:
        print(f"Preparing {data_dir}")
        prepare(env)
        port = free_port()
        server = Gunicorn(env, port, args.workers, data_dir / "gunicorn.log")
        server.wait_ready()
        print(f"gunicorn ({args.workers} workers) at {server.base}")
        try:
            results = measure(args, server)
        except BenchError as error:
            if server.process.poll() is not None:
                raise BenchError(
                    f"{error}\ngunicorn exited with {server.process.returncode}; its log ends:\n"
                    f"{server.log_tail()}"
                ) from error
            raise
        loads["after"] = os.getloadavg()[0]
        problems = server.log_tail(200)
        if "Traceback" in problems or "[ERROR]" in problems:
            print(f"\nThe server logged errors during the run:\n{server.log_tail()}")
    except BenchError as error:
        print(f"\nbench: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nbench: interrupted", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            server.stop()
        if args.keep_data:
            print(f"Data folder kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)

    print(
        f"\nMedians of {args.repeat} run(s) of wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s on {os.cpu_count()} CPUs (wrk and the server share them), "
        f"page cache {'off' if args.no_page_cache else 'on'}:\n"
    )
    print(table(results))
    missed = [r for r in results if r.failed_targets]
    print(
        f"\nTargets: each page >= {MIN_RATIO:.0%} of the bare view's req/s, "
        f"p99 < {MAX_P99_MS:.0f} ms, gzip body < {MAX_WIRE_BYTES // 1024} KB."
    )
    if missed:
        print(f"MISSED by {len(missed)} page(s): " + "; ".join(r.page for r in missed))
    else:
        print("All targets met.")
    warning = busy_warning(loads["before"])
    if warning:
        print(f"WARNING: {warning}")
    write_json(args.json, args, results, loads)
    print(f"Results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
