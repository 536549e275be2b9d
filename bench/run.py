"""The one benchmark command: `python bench/run.py [SUITE ...] [-- suite options]`.

Each suite is a module `bench/<suite>.py` with a `main(argv) -> int`; with no suite named,
every suite runs in turn. Each prints its figures and their ratios to the reference its issue
names, and writes JSON to bench/results/<suite>.json.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def suites() -> list[str]:
    return sorted(
        path.stem
        for path in HERE.glob("*.py")
        if path.stem != "run" and not path.stem.startswith("_")
    )


def main(argv: list[str]) -> int:
    known = suites()
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        print("suites:", ", ".join(known))
        return 0
    names = [a for a in argv if a in known] or known
    rest = [a for a in argv if a not in known and a != "--"]
    sys.path.insert(0, str(HERE))
    worst = 0
    for name in names:
        print(f"\n===== bench: {name} =====", flush=True)
        worst = max(worst, importlib.import_module(name).main(rest))
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
