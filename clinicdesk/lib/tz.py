"""Time-zone arithmetic on plain values: wall time + IANA zone in, aware instants out.

Every future time in clinicdesk is stored as a local wall time and an IANA zone; the UTC
instant is derived here. A wall time that falls in a daylight-saving gap does not exist and
one that falls in a fold happens twice: both are reported, never silently shifted, unless the
caller picks a policy.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import math
import zoneinfo
from dataclasses import dataclass

UTC = dt.UTC


class TimeProblem(ValueError):
    """A time that cannot be used as given.

    ``str()`` is an English message for logs and commands; the attributes carry the facts, from
    which ``scheduling.timetext.describe_time_problem`` writes one in the reader's language.
    """


class UnknownZone(TimeProblem):
    def __init__(self, name: str) -> None:
        super().__init__(f"“{name}” is not a known IANA time zone (for example Europe/Madrid).")
        self.name = name


class NonexistentLocalTime(TimeProblem):
    """The wall time falls in a daylight-saving gap: clocks skip over it."""

    def __init__(self, wall: dt.datetime, zone: str) -> None:
        super().__init__(
            f"{wall:%Y-%m-%d %H:%M} does not exist in {zone}: the clocks skip that hour "
            "for daylight saving."
        )
        self.wall = wall
        self.zone = zone


class AmbiguousLocalTime(TimeProblem):
    """The wall time falls in a daylight-saving fold: it happens twice."""

    def __init__(self, wall: dt.datetime, zone: str) -> None:
        super().__init__(
            f"{wall:%Y-%m-%d %H:%M} happens twice in {zone} when daylight saving ends: "
            "say whether you mean the first or the second time."
        )
        self.wall = wall
        self.zone = zone


class Fold(enum.IntEnum):
    """Which of the two readings of a repeated wall time is meant."""

    FIRST = 0
    SECOND = 1


# Names the zone database may hold that are not places: "localtime" is a link to the server's
# own clock (it would make a stored time depend on the machine), "posixrules" a template for
# POSIX TZ strings, "Factory" the placeholder of a machine with no zone set.
_NOT_PLACES = frozenset({"localtime", "posixrules", "Factory"})


@functools.cache
def available_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones() - _NOT_PLACES)


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def get_zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone called ``name``; raises :class:`UnknownZone` for anything else."""
    if name not in available_zones():
        raise UnknownZone(name)
    return _zone(name)


def is_zone(name: str) -> bool:
    return name in available_zones()


def wall_time_kind(wall: dt.datetime, zone: str) -> str:
    """``"normal"``, ``"gap"`` (does not exist) or ``"fold"`` (happens twice)."""
    if wall.tzinfo is not None:
        raise ValueError("wall_time_kind() takes a naive wall time")
    tz = get_zone(zone)
    first = wall.replace(tzinfo=tz, fold=0)
    second = wall.replace(tzinfo=tz, fold=1)
    # A gap time does not survive the round trip through UTC.
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
        return "gap"
    if first.utcoffset() != second.utcoffset():
        return "fold"
    return "normal"


def to_utc(wall: dt.datetime, zone: str, *, fold: Fold | None = None) -> dt.datetime:
    """The UTC instant of the naive wall time ``wall`` in ``zone``.

    Raises :class:`NonexistentLocalTime` in a gap; :class:`AmbiguousLocalTime` in a fold unless
    ``fold`` says which reading is meant.
    """
    kind = wall_time_kind(wall, zone)
    if kind == "gap":
        raise NonexistentLocalTime(wall, zone)
    if kind == "fold" and fold is None:
        raise AmbiguousLocalTime(wall, zone)
    aware = wall.replace(tzinfo=get_zone(zone), fold=int(fold or 0))
    return aware.astimezone(UTC)


def to_utc_lenient(wall: dt.datetime, zone: str) -> tuple[dt.datetime, bool]:
    """Like :func:`to_utc` for generated times: a gap time moves forward by the gap, a fold
    takes its first reading. Returns the instant and whether it had to be adjusted."""
    kind = wall_time_kind(wall, zone)
    tz = get_zone(zone)
    if kind == "gap":
        # Read with the offset in force before the gap; that lands after it, e.g. 02:30 -> 03:30.
        return wall.replace(tzinfo=tz, fold=0).astimezone(UTC), True
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC), kind == "fold"


def to_local(instant: dt.datetime, zone: str) -> dt.datetime:
    """The aware local time of ``instant`` in ``zone``."""
    if instant.tzinfo is None:
        raise ValueError("to_local() takes an aware instant")
    return instant.astimezone(get_zone(zone))


def format_offset(offset: dt.timedelta | None) -> str:
    """``UTC``, ``UTC+2``, ``UTC-3:30``, ``UTC+5:45``."""
    if not offset:
        return "UTC"
    seconds = int(offset.total_seconds())
    # Whole minutes toward zero, so that -0:25:21 reads UTC-0:25 as +0:25:21 reads UTC+0:25.
    hours, rest = divmod(abs(seconds) // 60, 60)
    if not hours and not rest:
        return "UTC"
    sign = "+" if seconds > 0 else "-"
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


@dataclass(frozen=True, slots=True)
class Transition:
    """A change of a zone's UTC offset, at ``instant``."""

    zone: str
    instant: dt.datetime
    offset_before: dt.timedelta
    offset_after: dt.timedelta

    @property
    def is_gap(self) -> bool:
        return self.offset_after > self.offset_before


def transitions(zone: str, start: dt.datetime, end: dt.datetime) -> list[Transition]:
    """Every offset change of ``zone`` at an instant in [start, end), found to the second.

    The scan probes once a day, so two changes that undo each other within one day are not
    seen; no zone does that in its current rules.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("transitions() takes aware instants")
    tz = get_zone(zone)

    def offset_at(second: int) -> dt.timedelta:
        offset = dt.datetime.fromtimestamp(second, UTC).astimezone(tz).utcoffset()
        if offset is None:  # zoneinfo zones always have an offset
            raise UnknownZone(zone)
        return offset

    # Offsets change on whole seconds: work on epoch seconds. A change "at t" means the offset
    # at t differs from the offset at t - 1; t runs over the whole seconds in [start, end).
    first = math.ceil(start.timestamp())
    last = math.ceil(end.timestamp()) - 1
    step = 24 * 3600
    found: list[Transition] = []
    cursor = first - 1
    before = offset_at(cursor)
    while cursor < last:
        probe = min(cursor + step, last)
        if offset_at(probe) == before:
            cursor = probe
            continue
        low, high = cursor, probe  # offset_at(low) == before != offset_at(high)
        while high - low > 1:
            mid = (low + high) // 2
            if offset_at(mid) == before:
                low = mid
            else:
                high = mid
        after = offset_at(high)
        found.append(Transition(zone, dt.datetime.fromtimestamp(high, UTC), before, after))
        # Go on from the change itself: another one may follow within the same day.
        cursor, before = high, after
    return found


@dataclass(frozen=True, slots=True)
class ClockReading:
    """What a wall clock in ``zone`` shows at one instant."""

    zone: str
    local: dt.datetime
    offset_label: str
    day_shift: int  # -1, 0 or +1 against the reference zone's date


def world_clock(instant: dt.datetime, zones: list[str], reference_zone: str) -> list[ClockReading]:
    """Readings of ``instant`` in each zone, with the day shift against ``reference_zone``."""
    reference_day = to_local(instant, reference_zone).date()
    readings = []
    for name in zones:
        local = to_local(instant, name)
        readings.append(
            ClockReading(
                zone=name,
                local=local,
                offset_label=format_offset(local.utcoffset()),
                day_shift=(local.date() - reference_day).days,
            )
        )
    return readings
