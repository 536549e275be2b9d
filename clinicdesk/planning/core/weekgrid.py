"""The availability poll's week: half-hour cells in a member's own zone, stored in UTC.

A member marks half-hour cells of their local week (0 = Monday 00:00-00:30). They are stored
as ranges of UTC quarter-hours of the week (0 = Monday 00:00 UTC, 672 in a week), with the
UTC offset their zone had in the week they answered: quarter-hours, because some zones are a
quarter of an hour off (Asia/Kathmandu, UTC+5:45). Read back with that same offset, the cells
are exactly the ones marked; the planner then follows the zone's daylight-saving changes date
by date, since people keep their local habits when the clocks change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from clinicdesk.lib.tz import get_zone
from clinicdesk.planning.core.model import CELL_MINUTES, CELLS_PER_WEEK, DAY_MINUTES

QUARTER_MINUTES = 15
QUARTERS_PER_WEEK = 7 * DAY_MINUTES // QUARTER_MINUTES  # 672
_QUARTERS_PER_CELL = CELL_MINUTES // QUARTER_MINUTES
CELLS_PER_DAY = DAY_MINUTES // CELL_MINUTES  # 48

Ranges = list[tuple[int, int]]
Bools = npt.NDArray[np.bool_]


class BadOffset(ValueError):
    """An offset that is not a whole number of quarter-hours (no zone uses one)."""


def offset_minutes(zone: str, day: dt.date) -> int:
    """The zone's UTC offset at noon UTC on ``day``, in minutes east of UTC."""
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    offset = noon.astimezone(get_zone(zone)).utcoffset() or dt.timedelta(0)
    return int(offset.total_seconds()) // 60


def _ranges(quarters: Iterable[int]) -> Ranges:
    """Sorted [start, end) ranges of a set of quarter-hours."""
    result: Ranges = []
    for quarter in sorted(set(quarters)):
        if result and result[-1][1] == quarter:
            result[-1] = (result[-1][0], quarter + 1)
        else:
            result.append((quarter, quarter + 1))
    return result


def _shift(offset: int) -> int:
    if offset % QUARTER_MINUTES:
        raise BadOffset(f"{offset} minutes is not a whole number of quarter-hours")
    return offset // QUARTER_MINUTES


def cells_to_utc(cells: Iterable[int], offset: int) -> Ranges:
    """Local half-hour cells -> UTC quarter-hour ranges of the week."""
    shift = _shift(offset)
    quarters = []
    for cell in cells:
        if not 0 <= cell < CELLS_PER_WEEK:
            raise ValueError(f"cell {cell} is outside the week (0-{CELLS_PER_WEEK - 1})")
        for part in range(_QUARTERS_PER_CELL):
            quarters.append((cell * _QUARTERS_PER_CELL + part - shift) % QUARTERS_PER_WEEK)
    return _ranges(quarters)


def utc_to_cells(ranges: Iterable[Iterable[int]], offset: int) -> frozenset[int]:
    """UTC quarter-hour ranges -> the local half-hour cells wholly inside them."""
    shift = _shift(offset)
    local: set[int] = set()
    for pair in ranges:
        start, end = tuple(pair)
        if not 0 <= start < end <= QUARTERS_PER_WEEK:
            raise ValueError(f"[{start}, {end}) is not a range of quarter-hours of the week")
        local.update((quarter + shift) % QUARTERS_PER_WEEK for quarter in range(start, end))
    return frozenset(
        cell
        for cell in range(CELLS_PER_WEEK)
        if all(cell * _QUARTERS_PER_CELL + p in local for p in range(_QUARTERS_PER_CELL))
    )


def cell_of(weekday: int, minute: int) -> int:
    return weekday * CELLS_PER_DAY + minute // CELL_MINUTES


def cell_start(cell: int) -> tuple[int, int]:
    """(weekday, minutes after midnight) of a cell's start."""
    return cell // CELLS_PER_DAY, (cell % CELLS_PER_DAY) * CELL_MINUTES


def cell_counts(answers: Iterable[frozenset[int]]) -> list[int]:
    """How many answers mark each cell."""
    counts = [0] * CELLS_PER_WEEK
    for cells in answers:
        for cell in cells:
            counts[cell] += 1
    return counts


def answers_grid(answers: Sequence[tuple[Iterable[Iterable[int]], int]]) -> Bools:
    """answers x 336: the local cells of many stored answers at once, each given as its UTC
    quarter-hour ranges and its offset (minutes) - the same as :func:`utc_to_cells` for each."""
    utc = np.zeros((len(answers), QUARTERS_PER_WEEK), dtype=np.bool_)
    shifts = np.zeros(len(answers), dtype=np.int64)
    for row, (ranges, offset) in enumerate(answers):
        shifts[row] = _shift(offset)
        for pair in ranges:
            start, end = tuple(pair)
            if not 0 <= start < end <= QUARTERS_PER_WEEK:
                raise ValueError(f"[{start}, {end}) is not a range of quarter-hours of the week")
            utc[row, start:end] = True
    # Local quarter q is UTC quarter q - shift.
    source = (np.arange(QUARTERS_PER_WEEK)[None, :] - shifts[:, None]) % QUARTERS_PER_WEEK
    local = np.take_along_axis(utc, source, axis=1)
    cells = local.reshape(len(answers), CELLS_PER_WEEK, _QUARTERS_PER_CELL).all(axis=2)
    return np.asarray(cells, dtype=np.bool_)
