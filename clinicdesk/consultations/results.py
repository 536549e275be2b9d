"""A consultation's results as plain data, suppression applied: what the results page, the API,
the chart, the wikitext and the e-mail all show, so that they never disagree.

Pure: a ballot matrix, the options and the ballots' groupings in; dataclasses out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from clinicdesk.consultations.methods import Matrix, Method, Outcome, TieRule, combine
from clinicdesk.consultations.privacy import OTHER, WITHHELD, pool_groups, shown


@dataclass(frozen=True, slots=True)
class Option:
    """An initiative as results name it."""

    code: str
    title: str
    group: str = ""  # its group's code (a recommendation)


@dataclass(frozen=True, slots=True)
class Row:
    rank: int
    code: str
    title: str
    group: str
    # None where the figure rests on fewer ballots than the threshold.
    score: int | None
    first_choices: int | None
    approvals: int | None


@dataclass(frozen=True, slots=True)
class TiedOption:
    code: str
    title: str
    first_choices: int | None
    approvals: int | None


@dataclass(frozen=True, slots=True)
class TieNote:
    """Options with the same score; ``rules[i]`` is what put ``options[i]`` before
    ``options[i + 1]`` (``UNBROKEN``: they share a rank)."""

    score: int | None
    rank: int
    options: tuple[TiedOption, ...]
    rules: tuple[TieRule, ...]


@dataclass(frozen=True, slots=True)
class GroupResult:
    key: str  # a region or language code, privacy.OTHER for the pool
    ballots: int
    ranks: dict[str, int]  # option code -> rank in this group
    rows: list[Row]


@dataclass(frozen=True, slots=True)
class Breakdown:
    dimension: str  # "region" or "language"
    groups: list[GroupResult]
    withheld: bool  # some ballots are left out: their pool was too small to show


@dataclass(frozen=True)
class Results:
    method: Method
    ballots: int
    width: int
    threshold: int
    enough: bool  # at least ``threshold`` ballots: below that nothing is published
    rows: list[Row] = field(default_factory=list)
    ties: list[TieNote] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)

    def top(self, count: int) -> list[Row]:
        return self.rows[:count]


def _rows(outcome: Outcome, options: Sequence[Option], threshold: int) -> list[Row]:
    rows = []
    for standing in outcome.standings:
        option = options[standing.option]
        rests_on_enough = shown(standing.approvals, threshold) is not None
        rows.append(
            Row(
                rank=standing.rank,
                code=option.code,
                title=option.title,
                group=option.group,
                score=standing.score if rests_on_enough else None,
                first_choices=shown(standing.first_choices, threshold),
                approvals=shown(standing.approvals, threshold),
            )
        )
    return rows


def _ties(outcome: Outcome, options: Sequence[Option], threshold: int) -> list[TieNote]:
    by_option = {standing.option: standing for standing in outcome.standings}
    notes = []
    for tie in outcome.ties:
        standings = [by_option[o] for o in tie.options]
        enough = all(shown(s.approvals, threshold) is not None for s in standings)
        notes.append(
            TieNote(
                score=tie.score if enough else None,
                rank=standings[0].rank,
                options=tuple(
                    TiedOption(
                        code=options[s.option].code,
                        title=options[s.option].title,
                        first_choices=shown(s.first_choices, threshold),
                        approvals=shown(s.approvals, threshold),
                    )
                    for s in standings
                ),
                rules=tie.rules,
            )
        )
    return notes


def _breakdown(
    dimension: str,
    matrix: Matrix,
    keys: NDArray[np.str_],
    options: Sequence[Option],
    method: Method,
    threshold: int,
) -> Breakdown:
    sizes = Counter(str(key) for key in keys)
    pools = pool_groups(dict(sizes), threshold)
    published: dict[str, list[str]] = {}
    for key, pool in pools.items():
        if pool != WITHHELD:
            published.setdefault(pool, []).append(key)
    groups = []
    # Groups by size, largest first; the pool of small groups last.
    for pool in sorted(published, key=lambda k: (k == OTHER, -sizes.get(k, 0), k)):
        mask = np.isin(keys, published[pool])
        outcome = combine(matrix[mask], len(options), method)
        rows = _rows(outcome, options, threshold)
        groups.append(
            GroupResult(
                key=pool,
                ballots=int(mask.sum()),
                ranks={row.code: row.rank for row in rows},
                rows=rows,
            )
        )
    return Breakdown(dimension, groups, withheld=WITHHELD in pools.values())


def build_results(
    matrix: Matrix,
    options: Sequence[Option],
    method: Method | str,
    *,
    threshold: int,
    groupings: Mapping[str, NDArray[np.str_]] | None = None,
) -> Results:
    """The results of ``matrix`` by ``method``, overall and by each grouping (one key per
    ballot, e.g. ``{"region": [...], "language": [...]}``), small counts suppressed."""
    method = Method(method)
    ballots = int(matrix.shape[0])
    width = int(matrix.shape[1])
    if ballots < threshold:
        return Results(method, ballots, width, threshold, enough=False)
    outcome = combine(matrix, len(options), method)
    breakdowns = [
        _breakdown(dimension, matrix, keys, options, method, threshold)
        for dimension, keys in (groupings or {}).items()
    ]
    return Results(
        method=method,
        ballots=ballots,
        width=width,
        threshold=threshold,
        enough=True,
        rows=_rows(outcome, options, threshold),
        ties=_ties(outcome, options, threshold),
        breakdowns=breakdowns,
    )
