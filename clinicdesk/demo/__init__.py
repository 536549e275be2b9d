"""The demo data: copies of the five seed documents, shipped with the code.

``load_demo`` imports seeds 001 (the program page) and 000 (the announcement); later
features read the others (digest, newsletter, event) from here too.
"""

from __future__ import annotations

from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"


def seed_path(prefix: str) -> Path:
    """The one shipped seed whose name starts with ``prefix`` and an underscore ("001_...")."""
    found = sorted(SEEDS_DIR.glob(f"{prefix}_*.txt"))
    if len(found) != 1:
        raise LookupError(
            f"expected exactly one seed file {prefix}_*.txt in {SEEDS_DIR}, found {len(found)}"
        )
    return found[0]
