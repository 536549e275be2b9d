"""The rotation planner at community scale: 100,000 members with individual availability over
a realistic spread of zones, 336 candidate slots, a 26-week horizon.

``python bench/run.py planner [--members N] [--repeat R] [--sample S]``

Targets (issue 5): K = 3 proven optimal in under 2 s; K = 5 with local search in under 1 s;
peak memory under 1 GiB; at least 100 times faster than a straightforward pure-Python
implementation of the same objective on the same data.

How it measures:

* The planner runs in a child process (a fresh interpreter, as a web worker would be after its
  first request), with ``--blas-threads`` BLAS threads (default 1: one web worker per core;
  OpenBLAS threads spin when the cores are shared): one small warm-up plan (imports, zone
  rules), then each K ``--repeat`` times;
  the median is reported, end to end (from the members' columns to the full report) and for
  the search alone. The child's peak resident memory (``ru_maxrss``) is its peak memory, data
  included.
* The pure-Python reference is ``clinicdesk/planning/core/reference.py``: ``zoneinfo`` for each
  member, slot and date, sets of served weeks, every rotation tried. It is timed on a random
  sample of members (``--sample``) and of rotations, and scaled: building the table is linear in
  members, each rotation's value is linear in members, and the exact search tries every one of
  C(336, 3) rotations. For K = 5, trying every rotation (C(336, 5) = 3.5e10) is not a fair
  baseline; the same greedy and swap local search, written in plain Python over the same sets,
  is timed on the sample and scaled by the number of members.

It is a measurement, not a test: it exits 0 when a target is missed and says so.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "planner.json"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGET_K3_SECONDS = 2.0
TARGET_K5_SECONDS = 1.0
TARGET_PEAK_BYTES = 1024**3
TARGET_RATIO = 100.0
WEEKS = 26


def _load() -> float:
    return os.getloadavg()[0]


# --- The child: the fast planner ----------------------------------------------------------------


def _plan_once(table: Any, k: int) -> tuple[float, Any]:
    from _planner_data import HORIZON_START, TODAY

    from clinicdesk.planning.core import Horizon, PlanRequest, plan_rotation

    request = PlanRequest(members=table, k=k, horizon=Horizon(HORIZON_START, WEEKS), today=TODAY)
    started = time.perf_counter()
    cpu = time.process_time()
    plan = plan_rotation(request)
    return time.perf_counter() - started, time.process_time() - cpu, plan


def child(members: int, repeat: int) -> dict[str, Any]:
    from _planner_data import community_table

    warm = community_table(2_000, seed=1)
    _plan_once(warm, 3)
    _plan_once(warm, 5)
    table = community_table(members)
    out: dict[str, Any] = {}
    for k in (3, 5):
        runs = []
        for _ in range(repeat):
            seconds, cpu, plan = _plan_once(table, k)
            runs.append((seconds, plan.stats.seconds_prepare, plan.stats.seconds_search, cpu))
        total = [r[0] for r in runs]
        out[f"k{k}"] = {
            "seconds": statistics.median(total),
            "seconds_runs": total,
            "cpu_seconds": statistics.median(r[3] for r in runs),
            "seconds_prepare": statistics.median(r[1] for r in runs),
            "seconds_search": statistics.median(r[2] for r in runs),
            "method": plan.method,
            "proven_optimal": plan.proven_optimal,
            "slots": [s.slot.label() for s in plan.slots],
            "min_region_share": plan.min_region_share,
            "overall_share": plan.overall_share,
            "comfort_share": plan.comfort_share,
            "upper_bound": plan.upper_bound,
            "gap": plan.gap,
            "stats": {
                "profiles": plan.stats.profiles,
                "rows": plan.stats.rows,
                "subsets": plan.stats.subsets,
                "pruned_by_pairs": plan.stats.pruned_by_pairs,
                "pruned_by_bound": plan.stats.pruned_by_bound,
                "evaluated": plan.stats.evaluated,
                "local_search_moves": plan.stats.local_search_moves,
                "arithmetic": plan.stats.arithmetic,
            },
        }
    out["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return out


# --- The pure-Python reference, on a sample -----------------------------------------------------


def _python_local_search(
    served: list[list[set[int]]], regions: list[str], weights: list[float], k: int, weeks: int
) -> tuple[tuple[int, ...], float]:
    """Greedy then best-improvement swaps, by (min regional share, overall share), in plain
    Python over each slot's sets of served weeks per member."""
    totals: dict[str, float] = {}
    for region, weight in zip(regions, weights, strict=True):
        totals[region] = totals.get(region, 0.0) + weight

    def value(chosen: list[int]) -> tuple[float, float]:
        covered: dict[str, float] = dict.fromkeys(totals, 0.0)
        for m, (region, weight) in enumerate(zip(regions, weights, strict=True)):
            weeks_served: set[int] = set()
            for s in chosen:
                weeks_served |= served[s][m]
            covered[region] += weight * len(weeks_served) / weeks
        return (
            min(covered[r] / totals[r] for r in totals),
            sum(covered.values()) / sum(totals.values()),
        )

    slots = range(len(served))
    chosen: list[int] = []
    while len(chosen) < k:
        chosen.append(max((s for s in slots if s not in chosen), key=lambda s: value([*chosen, s])))
    best = value(chosen)
    improved = True
    while improved:
        improved = False
        for i in range(k):
            for s in slots:
                if s in chosen:
                    continue
                trial = [*chosen[:i], s, *chosen[i + 1 :]]
                trial_value = value(trial)
                if trial_value > best:
                    chosen, best, improved = trial, trial_value, True
    return tuple(sorted(chosen)), best[0]


def reference(members: int, sample: int, triples: int, seed: int = 5) -> dict[str, Any]:
    from _planner_data import HORIZON_START, TODAY, community

    from clinicdesk.planning.core import Horizon, PlanRequest, default_candidates, zone_area
    from clinicdesk.planning.core.reference import build_table, objective

    chosen = community(sample, seed=seed)
    request = PlanRequest(members=chosen, k=3, horizon=Horizon(HORIZON_START, WEEKS), today=TODAY)
    candidates = default_candidates("UTC")
    started = time.perf_counter()
    table = build_table(request, candidates)
    table_seconds = time.perf_counter() - started

    rng = random.Random(seed)
    picks = [tuple(sorted(rng.sample(range(len(candidates)), 3))) for _ in range(triples)]
    started = time.perf_counter()
    for triple in picks:
        objective(request, table, triple)
    per_triple = (time.perf_counter() - started) / triples

    ls_sample = max(20, sample // 10)
    subset = list(range(ls_sample))
    served = [[table.served[s][m] for m in subset] for s in range(len(candidates))]
    regions = [chosen[m].region or zone_area(chosen[m].zone) for m in subset]
    started = time.perf_counter()
    _python_local_search(served, regions, [1.0] * ls_sample, 5, WEEKS)
    ls_seconds = time.perf_counter() - started

    scale = members / sample
    all_triples = math.comb(len(candidates), 3)
    table_full = table_seconds * scale
    exhaustive_full = per_triple * scale * all_triples
    return {
        "sample_members": sample,
        "sample_triples": triples,
        "table_seconds_sample": table_seconds,
        "per_triple_seconds_sample": per_triple,
        "table_seconds_estimated": table_full,
        "exact_k3_seconds_estimated": table_full + exhaustive_full,
        "local_search_sample_members": ls_sample,
        "local_search_k5_seconds_sample": ls_seconds,
        "local_search_k5_seconds_estimated": table_full + ls_seconds * members / ls_sample,
    }


# --- The parent ---------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/run.py planner", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=300, help="members the reference is timed on")
    parser.add_argument("--triples", type=int, default=300, help="rotations the reference values")
    parser.add_argument("--blas-threads", type=int, default=1, help="BLAS threads of the planner")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinicdesk.settings")
    if args.child:
        print(json.dumps(child(args.members, args.repeat)))
        return 0

    load_before = _load()
    members = f"{args.members:,}"
    print(
        f"planner: {members} members, 336 candidate slots, {WEEKS} weeks; "
        f"{args.blas_threads} BLAS thread(s); load {load_before:.2f}"
    )
    command = [sys.executable, __file__, "--child", "--members", str(args.members)]
    command += ["--repeat", str(args.repeat)]
    threads = str(args.blas_threads)
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads}
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, cwd=ROOT, env=environment
    )
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return 2
    fast = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"reference: pure Python on {args.sample} members, {args.triples} rotations, scaled")
    slow = reference(args.members, args.sample, args.triples)
    load_after = _load()

    k3, k5 = fast["k3"], fast["k5"]
    ratio_k3 = slow["exact_k3_seconds_estimated"] / k3["seconds"]
    ratio_k5 = slow["local_search_k5_seconds_estimated"] / k5["seconds"]
    peak = fast["peak_rss_bytes"]
    checks = [
        (
            "K=3 proven optimal",
            f"{k3['seconds']:.3f} s",
            f"< {TARGET_K3_SECONDS} s",
            k3["proven_optimal"] and k3["seconds"] < TARGET_K3_SECONDS,
        ),
        (
            "K=5 local search",
            f"{k5['seconds']:.3f} s",
            f"< {TARGET_K5_SECONDS} s",
            k5["seconds"] < TARGET_K5_SECONDS,
        ),
        ("peak memory", f"{peak / 1024**2:,.0f} MiB", "< 1024 MiB", peak < TARGET_PEAK_BYTES),
        (
            "K=3 vs pure Python (exhaustive)",
            f"{ratio_k3:,.0f}x",
            f">= {TARGET_RATIO:.0f}x",
            ratio_k3 >= TARGET_RATIO,
        ),
        (
            "K=5 vs pure Python (same local search)",
            f"{ratio_k5:,.0f}x",
            f">= {TARGET_RATIO:.0f}x",
            ratio_k5 >= TARGET_RATIO,
        ),
    ]
    print()
    for k, row in (("K=3", k3), ("K=5", k5)):
        runs = ", ".join(f"{s:.3f}" for s in row["seconds_runs"])
        kind = row["method"] + (" proven optimal" if row["proven_optimal"] else "")
        print(f"{k}: {row['seconds']:.3f} s end to end, median of {runs}; {kind}")
        print(
            f"     prepare {row['seconds_prepare']:.3f} s, search {row['seconds_search']:.3f} s, "
            f"CPU {row['cpu_seconds']:.3f} s (all threads)"
        )
        print(
            f"     least-served region {row['min_region_share']:.4f}, overall "
            f"{row['overall_share']:.4f}, upper bound {row['upper_bound']:.4f} "
            f"(gap {row['gap']:.4f}); {row['slots']}"
        )
        print(f"     {row['stats']}")
    print(
        f"reference: table {slow['table_seconds_sample']:.2f} s for {args.sample} members "
        f"-> {slow['table_seconds_estimated']:,.0f} s for {members}"
    )
    print(
        f"           {slow['per_triple_seconds_sample'] * 1e3:.3f} ms per rotation for "
        f"{args.sample} members -> exhaustive K=3 {slow['exact_k3_seconds_estimated']:,.0f} s"
    )
    print(
        f"           local search K=5 {slow['local_search_k5_seconds_sample']:.2f} s for "
        f"{slow['local_search_sample_members']} members "
        f"-> {slow['local_search_k5_seconds_estimated']:,.0f} s (with the table)"
    )
    print()
    for name, shown, target, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {shown} (target {target})")
    if max(load_before, load_after) > 1.5:
        print(f"warning: the machine was busy (load {load_before:.2f} -> {load_after:.2f})")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "members": args.members,
                "candidate_slots": 336,
                "weeks": WEEKS,
                "blas_threads": args.blas_threads,
                "fast": fast,
                "reference": slow,
                "ratios": {"k3_exhaustive": ratio_k3, "k5_local_search": ratio_k5},
                "targets": {
                    name: {"value": value, "target": target, "pass": ok}
                    for name, value, target, ok in checks
                },
                "load_average": [load_before, load_after],
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            },
            indent=2,
        )
    )
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
