"""The horizon's real call instants, and each zone's UTC offset at them, as NumPy arrays.

Instants are whole minutes since the Unix epoch (UTC). Offsets come from the zone's actual
transitions over the horizon (``lib.tz.transitions``), so daylight saving is followed date by
date, including the weeks when two zones have changed their clocks and two others have not.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import numpy.typing as npt

from clinicdesk.lib.tz import get_zone, transitions
from clinicdesk.planning.core.model import DAY_MINUTES, WEEK_MINUTES, Horizon, Slot

Minutes = npt.NDArray[np.int64]

EPOCH = dt.date(1970, 1, 1)
# 1970-01-01 was a Thursday: add three days so that minute 0 of the week is Monday 00:00.
_EPOCH_WEEKDAY_SHIFT = 3 * DAY_MINUTES
# Wide enough for any offset in the zone database (-12:00 to +14:00) and then some.
_OFFSET_MARGIN = 18 * 60


def _instant(minute: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(minute * 60, dt.UTC)


@functools.lru_cache(maxsize=4096)
def zone_regimes(zone: str, first: int, last: int) -> tuple[Minutes, Minutes]:
    """The instants in (first, last] where ``zone`` changes its offset, and the offsets
    (minutes east of UTC) in force before the first change and after each one."""
    tz = get_zone(zone)
    start = _instant(first)
    before = start.astimezone(tz).utcoffset() or dt.timedelta(0)
    changes = transitions(zone, start + dt.timedelta(minutes=1), _instant(last + 1))
    times = np.array([int(change.instant.timestamp()) // 60 for change in changes], dtype=np.int64)
    offsets = np.array(
        [int(before.total_seconds()) // 60]
        + [int(change.offset_after.total_seconds()) // 60 for change in changes],
        dtype=np.int64,
    )
    return times, offsets


def offsets_at(zone: str, instants: Minutes) -> Minutes:
    """The offset of ``zone`` (minutes east of UTC) at each instant."""
    if instants.size == 0:
        return np.zeros(instants.shape, dtype=np.int64)
    times, offsets = zone_regimes(zone, int(instants.min()) - 1, int(instants.max()))
    return offsets[np.searchsorted(times, instants, side="right")]


def local_to_instants(zone: str, local: Minutes) -> Minutes:
    """The instants of naive local wall times (minutes since the epoch, read as if UTC).

    As ``lib.tz.to_utc_lenient``: a wall time in a gap is read with the offset before the
    gap (so it lands after it), one in a fold takes its first reading.
    """
    if local.size == 0:
        return np.zeros(local.shape, dtype=np.int64)
    times, offsets = zone_regimes(
        zone, int(local.min()) - _OFFSET_MARGIN, int(local.max()) + _OFFSET_MARGIN
    )
    # The new offset applies to wall times from the later of the two readings of the change:
    # before that, a gap time is read with the old offset and a fold time takes its first one.
    boundaries = times + np.maximum(offsets[:-1], offsets[1:])
    return local - offsets[np.searchsorted(boundaries, local, side="right")]


def minute_of_week(local: Minutes) -> Minutes:
    """Minutes since Monday 00:00 of local epoch minutes."""
    return (local + _EPOCH_WEEKDAY_SHIFT) % WEEK_MINUTES


def occurrence_dates(slot: Slot, horizon: Horizon) -> list[dt.date]:
    """The local date of the slot in each week of the horizon."""
    first = horizon.start + dt.timedelta(days=(slot.weekday - horizon.start.weekday()) % 7)
    return [first + dt.timedelta(weeks=week) for week in range(horizon.weeks)]


def slot_instants(slots: list[Slot], horizon: Horizon) -> Minutes:
    """Instants (slots x weeks) of every slot's call in every week of the horizon."""
    result = np.zeros((len(slots), horizon.weeks), dtype=np.int64)
    weeks = np.arange(horizon.weeks, dtype=np.int64) * 7
    by_zone: dict[str, list[int]] = {}
    for index, slot in enumerate(slots):
        by_zone.setdefault(slot.zone, []).append(index)
    start_day = (horizon.start - EPOCH).days
    for zone, indices in by_zone.items():
        chosen = [slots[i] for i in indices]
        first_day = np.array(
            [start_day + (s.weekday - horizon.start.weekday()) % 7 for s in chosen],
            dtype=np.int64,
        )
        minute = np.array([s.minute for s in chosen], dtype=np.int64)
        local = (first_day[:, None] + weeks[None, :]) * DAY_MINUTES + minute[:, None]
        result[indices] = local_to_instants(zone, local)
    return result


def to_datetime(minute: int) -> dt.datetime:
    return _instant(minute)
