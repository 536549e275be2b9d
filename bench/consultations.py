"""Consultation results and raw data at scale: 100,000 ballots over 45 initiatives.

`python bench/run.py consultations` (or `python bench/consultations.py`). A throwaway data
folder with a SQLite database (or `DATABASE_URL` for PostgreSQL), `migrate`, then:

1. **Every method in under 2 s.** Borda, approval and Schulze, each overall and broken down
   by region and by language group with suppression applied (`results.build_results`), on
   100,000 ballots of up to 5 choices over 45 initiatives. Timed on the ballot matrix (the
   pure core, the figure the target is about) and from the database (loading the ballots,
   then the three methods).
2. **The CSV export streams in constant memory.** The ballots' CSV is downloaded through the
   real view (`StreamingHttpResponse` over a server-side cursor) at 10,000 and at 100,000
   ballots, each in a fresh process; Python's peak allocation (tracemalloc) and the growth of
   the process's peak RSS (`ru_maxrss`) are measured while it streams. Constant memory: the
   peak at 100,000 is within 1.5 times the peak at 10,000 although the file is 10 times
   larger, and far below the file's size.

It exits 0 when a target is missed and says so plainly; non-zero only if it could not measure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "consultations.json"
BALLOTS = 100_000
SMALL = 10_000
INITIATIVES = 45
GROUPS = 10
WIDTH = 5
SEED = 2020
TARGET_SECONDS = 2.0
MAX_MEMORY_RATIO = 1.5
REGIONS = [
    ("africa", 0.18), ("mena", 0.08), ("south-asia", 0.14), ("east-asia-pacific", 0.16),
    ("cee", 0.12), ("western-europe", 0.14), ("latin-america", 0.13), ("north-america", 0.04),
    ("", 0.01),
]  # fmt: skip
LANGUAGES = [
    ("en", 0.44), ("es", 0.12), ("fr", 0.10), ("ar", 0.08), ("ru", 0.07), ("id", 0.07),
    ("zh", 0.05), ("de", 0.07),
]  # fmt: skip


def _setup(data_dir: str) -> None:
    os.environ["CLINICDESK_DATA_DIR"] = data_dir
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnop")
    os.environ["DJANGO_SETTINGS_MODULE"] = "clinicdesk.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _slug(size: int) -> str:
    return f"bench-{size}"


def _populate(sizes: list[int]) -> None:
    """A program with one consultation per size, each with its ballots (bulk inserted)."""
    import numpy as np
    from django.core.management import call_command

    from clinicdesk.consultations import services
    from clinicdesk.consultations.models import Ballot
    from clinicdesk.scheduling import services as scheduling

    call_command("migrate", verbosity=0)
    program = scheduling.create_program(name="Bench", slug="bench")
    lines = []
    for group in range(GROUPS):
        lines.append(f"# R{group + 1} | Recommendation {group + 1}")
        for item in range(INITIATIVES // GROUPS + (1 if group < INITIATIVES % GROUPS else 0)):
            lines.append(f"{group + 1}.{item + 1} | Initiative {group + 1}.{item + 1}")
    rng = np.random.default_rng(SEED)
    for size in sizes:
        consultation = services.create_consultation(
            program=program, title=f"Bench {size}", slug=_slug(size), max_choices=WIDTH
        ).consultation
        services.import_initiatives(consultation=consultation, text="\n".join(lines))
        ids = list(consultation.initiatives.order_by("position").values_list("pk", flat=True))
        assert len(ids) == INITIATIVES
        weights = rng.random(INITIATIVES) ** 2 * 3
        region_p = np.array([w for _r, w in REGIONS])
        language_p = np.array([w for _l, w in LANGUAGES])
        regions = rng.choice(len(REGIONS), size=size, p=region_p / region_p.sum())
        languages = rng.choice(len(LANGUAGES), size=size, p=language_p / language_p.sum())
        counts = rng.integers(1, WIDTH + 1, size=size)
        keys = weights + rng.gumbel(size=(size, INITIATIVES))
        order = np.argsort(-keys, axis=1)[:, :WIDTH]
        batch = []
        for n in range(size):
            batch.append(
                Ballot(
                    consultation=consultation,
                    participant_key=f"{n:064x}",
                    region=REGIONS[regions[n]][0],
                    language=LANGUAGES[languages[n]][0],
                    choices=[ids[i] for i in order[n, : counts[n]]],
                )
            )
            if len(batch) == 5000:
                Ballot.objects.bulk_create(batch)
                batch = []
        Ballot.objects.bulk_create(batch)
        # Ranking closed: the results and the ballots' raw data are public.
        services.set_window_now(consultation=consultation, which="ranking", edge="closes")


def _time(function: Any, repeat: int) -> tuple[float, Any]:
    timings = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), result


def _methods(size: int, repeat: int) -> dict[str, Any]:
    from django.core.cache import cache

    from clinicdesk.consultations import queries
    from clinicdesk.consultations.methods import Method
    from clinicdesk.consultations.models import Consultation
    from clinicdesk.consultations.results import build_results

    consultation = Consultation.objects.select_related("program").get(slug=_slug(size))
    groups = queries.initiative_views(consultation, "en")
    options, index = queries.options_of(groups)
    load_seconds, data = _time(lambda: queries.load_ballots(consultation, index), repeat)
    assert data.matrix.shape == (size, WIDTH)

    def every_method() -> dict[str, Any]:
        return {
            method.value: build_results(
                data.matrix,
                options,
                method,
                threshold=5,
                groupings={"region": data.regions, "language": data.languages},
            )
            for method in Method
        }

    pure_seconds, results = _time(every_method, repeat)
    per_method = {}
    for method in Method:
        seconds, _ = _time(
            lambda method=method: build_results(
                data.matrix,
                options,
                method,
                threshold=5,
                groupings={"region": data.regions, "language": data.languages},
            ),
            repeat,
        )
        per_method[method.value] = round(seconds, 4)

    def end_to_end() -> None:
        cache.clear()
        queries._LOADED.clear()  # read the ballots from the database every time
        for method in Method:
            queries.results_of(consultation, method=method, language="en")

    database_seconds, _ = _time(end_to_end, max(1, repeat // 2))
    top = {m: [row.code for row in r.rows[:3]] for m, r in results.items()}
    return {
        "ballots": size,
        "initiatives": INITIATIVES,
        "width": WIDTH,
        "breakdowns": [b.dimension for b in results["borda"].breakdowns],
        "all_methods_seconds": round(pure_seconds, 4),
        "per_method_seconds": per_method,
        "load_from_database_seconds": round(load_seconds, 4),
        "from_database_all_methods_seconds": round(database_seconds, 4),
        "target_seconds": TARGET_SECONDS,
        "ratio_to_target": round(pure_seconds / TARGET_SECONDS, 4),
        "database_ratio_to_target": round(database_seconds / TARGET_SECONDS, 4),
        "top_three": top,
    }


def _export_child(data_dir: str, size: int) -> dict[str, Any]:
    """Runs in a fresh process: streams the ballots' CSV through the view, measuring memory."""
    _setup(data_dir)
    from django.test import Client

    from clinicdesk.consultations.models import Consultation

    consultation = Consultation.objects.select_related("program").get(slug=_slug(size))
    client = Client(HTTP_HOST="127.0.0.1")
    address = f"/programs/bench/consultations/{consultation.slug}/data/ballots.csv"
    # Warm up imports, URL resolution and the first queries on a tiny request.
    warm = client.get(f"/programs/bench/consultations/{consultation.slug}/data/data-dictionary.csv")
    b"".join(warm.streaming_content)

    def download() -> tuple[int, int, int]:
        response = client.get(address)
        assert response.status_code == 200, response.status_code
        assert response.streaming
        total = lines = chunks = 0
        for chunk in response.streaming_content:
            total += len(chunk)
            lines += chunk.count(b"\n")
            chunks += 1
        return total, lines, chunks

    # Untraced: the time it takes and how far the process's peak RSS grows.
    baseline_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    total, lines, chunks = download()
    seconds = time.perf_counter() - start
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Traced: the largest amount Python held at any moment while streaming.
    tracemalloc.start()
    download()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "ballots": size,
        "rows": lines - 1,
        "bytes": total,
        "chunks": chunks,
        "seconds": round(seconds, 3),
        "rows_per_second": round((lines - 1) / seconds),
        "tracemalloc_peak_bytes": peak,
        "rss_growth_kib": peak_rss - baseline_rss,
    }


def _export(data_dir: str, size: int) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, __file__, "--export-child", str(size), "--data-dir", data_dir],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ},
    )
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr[-2000:])
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py consultations", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--export-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.export_child:
        print(json.dumps(_export_child(args.data_dir, args.export_child)))
        return 0
    data_dir = tempfile.mkdtemp(prefix="clinicdesk-bench-consultations-")
    _setup(data_dir)
    from django.db import connection

    start = time.perf_counter()
    _populate([SMALL, BALLOTS])
    populate_seconds = time.perf_counter() - start
    print(
        f"database: {connection.vendor}; {SMALL:,} and {BALLOTS:,} ballots over {INITIATIVES} "
        f"initiatives written in {populate_seconds:.1f} s",
        flush=True,
    )
    methods = _methods(BALLOTS, args.repeat)
    verdict = "meets" if methods["all_methods_seconds"] < TARGET_SECONDS else "MISSES"
    print(
        f"every method (Borda, approval, Schulze; overall, by region, by language), "
        f"{BALLOTS:,} ballots: {methods['all_methods_seconds']:.3f} s "
        f"({methods['ratio_to_target']:.1%} of the {TARGET_SECONDS:.0f} s target: {verdict} it)"
    )
    for name, seconds in methods["per_method_seconds"].items():
        print(f"  {name}: {seconds:.3f} s")
    print(
        f"from the database: loading {methods['load_from_database_seconds']:.3f} s; loading and "
        f"every method {methods['from_database_all_methods_seconds']:.3f} s "
        f"({methods['database_ratio_to_target']:.1%} of the target)"
    )
    small = _export(data_dir, SMALL)
    large = _export(data_dir, BALLOTS)
    ratio = large["tracemalloc_peak_bytes"] / max(small["tracemalloc_peak_bytes"], 1)
    size_ratio = large["bytes"] / max(small["bytes"], 1)
    constant = ratio <= MAX_MEMORY_RATIO
    for run in (small, large):
        print(
            f"CSV export, {run['ballots']:,} ballots: {run['bytes'] / 1e6:.2f} MB in "
            f"{run['chunks']} chunks, {run['seconds']:.2f} s ({run['rows_per_second']:,} rows/s); "
            f"peak Python allocation {run['tracemalloc_peak_bytes'] / 1e6:.2f} MB, "
            f"peak RSS growth {run['rss_growth_kib'] / 1024:.1f} MB"
        )
    print(
        f"the file grows {size_ratio:.1f} times, the peak allocation {ratio:.2f} times "
        f"(target at most {MAX_MEMORY_RATIO}): "
        + ("constant memory" if constant else "MEMORY GROWS WITH THE FILE")
    )
    report = {
        "suite": "consultations",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "database": connection.vendor,
        "methods": methods,
        "csv_export": {
            "small": small,
            "large": large,
            "file_growth": round(size_ratio, 2),
            "peak_allocation_growth": round(ratio, 3),
            "max_peak_allocation_growth": MAX_MEMORY_RATIO,
            "constant_memory": constant,
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
