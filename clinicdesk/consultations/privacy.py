"""Small-count suppression, so that no participant can be singled out from what is published.

Three rules, applied to everything built from ballots (results, their breakdowns, raw data):

* **A figure resting on fewer than ``threshold`` ballots is not shown** (it reads "fewer than
  5"); a zero is shown, since it tells nothing about anyone.
* **A breakdown shows a group only when it holds at least ``threshold`` ballots.** Smaller
  groups are pooled into "other"; when the pool is still too small, its ballots are left out
  of the breakdown (they still count in the overall result).
* **Raw data generalizes its groupings** (region, language group) until every combination that
  appears holds at least ``threshold`` ballots: first a rare value becomes "other", then a rare
  combination loses its language group, then its region; a ballot that still stands out keeps
  its choices but no grouping at all.

Pure: plain values in and out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

DEFAULT_THRESHOLD = 5
OTHER = "other"
WITHHELD = "withheld"  # a pool still too small to show


def shown(count: int, threshold: int) -> int | None:
    """``count`` when it may be published, None when it must read "fewer than threshold"."""
    if count == 0 or count >= threshold:
        return count
    return None


def pool_groups(sizes: Mapping[str, int], threshold: int) -> dict[str, str]:
    """Where each group's ballots go in a breakdown: the group itself when large enough,
    :data:`OTHER` when the small groups together are, else :data:`WITHHELD`."""
    small = [group for group, size in sizes.items() if size < threshold]
    pooled = sum(sizes[group] for group in small)
    # A pool of one group would publish that group under another name.
    pool = OTHER if pooled >= threshold and len(small) > 1 else WITHHELD
    return {group: (pool if group in small else group) for group in sizes}


def generalize(
    cells: Mapping[tuple[str, ...], int], threshold: int
) -> dict[tuple[str, ...], tuple[str, ...]]:
    """The published combination for each combination of grouping values.

    ``cells`` counts ballots per combination (e.g. ``("africa", "fr"): 12``). Every published
    combination other than the fully withheld one holds at least ``threshold`` ballots.
    """
    if not cells:
        return {}
    dims = len(next(iter(cells)))
    mapping = {cell: cell for cell in cells}

    def counts() -> Counter[tuple[str, ...]]:
        total: Counter[tuple[str, ...]] = Counter()
        for cell, size in cells.items():
            total[mapping[cell]] += size
        return total

    # 1. A value that is rare on its own becomes "other".
    for dim in range(dims):
        marginal: Counter[str] = Counter()
        for cell, size in cells.items():
            marginal[mapping[cell][dim]] += size
        rare = {value for value, size in marginal.items() if size < threshold}
        for cell in cells:
            if mapping[cell][dim] in rare:
                mapping[cell] = _replace(mapping[cell], dim, OTHER)
    # 2. A rare combination loses its values, last dimension first.
    for dim in reversed(range(dims)):
        total = counts()
        for cell in cells:
            if total[mapping[cell]] < threshold:
                mapping[cell] = _replace(mapping[cell], dim, OTHER)
    # 3. What still stands out keeps no grouping at all.
    total = counts()
    withheld = tuple(WITHHELD for _ in range(dims))
    for cell in cells:
        if total[mapping[cell]] < threshold:
            mapping[cell] = withheld
    return mapping


def _replace(cell: tuple[str, ...], dim: int, value: str) -> tuple[str, ...]:
    return (*cell[:dim], value, *cell[dim + 1 :])


def published_sizes(
    cells: Mapping[tuple[str, ...], int], mapping: Mapping[tuple[str, ...], tuple[str, ...]]
) -> dict[tuple[str, ...], int]:
    total: Counter[tuple[str, ...]] = Counter()
    for cell, size in cells.items():
        total[mapping[cell]] += size
    return dict(total)
