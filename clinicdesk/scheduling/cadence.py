"""Pure planning of the next calls of a rotation: plain slots in, dated calls out.

A rotation is a list of weekly slots, each a weekday and a wall time in its own zone. Calls
alternate between the slots in order; each next call is the first occurrence of the next
slot whose local date is at least ``min_gap_days`` after the previous call's local date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clinicdesk.lib.tz import get_zone, to_utc_lenient


@dataclass(frozen=True, slots=True)
class WeeklySlot:
    weekday: int  # 0 = Monday, as in datetime.date.weekday()
    time: dt.time
    zone: str

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}")
        get_zone(self.zone)


@dataclass(frozen=True, slots=True)
class PlannedCall:
    slot_index: int
    date: dt.date
    time: dt.time
    zone: str
    starts_at: dt.datetime
    adjusted: bool  # the slot's wall time fell in a daylight-saving gap or fold that day


def _occurrence(slot: WeeklySlot, index: int, earliest: dt.date, after: dt.datetime) -> PlannedCall:
    day = earliest + dt.timedelta(days=(slot.weekday - earliest.weekday()) % 7)
    while True:
        instant, adjusted = to_utc_lenient(dt.datetime.combine(day, slot.time), slot.zone)
        if instant > after:
            return PlannedCall(index, day, slot.time, slot.zone, instant, adjusted)
        day += dt.timedelta(days=7)


def plan_calls(
    slots: list[WeeklySlot],
    *,
    after: dt.datetime,
    count: int,
    min_gap_days: int = 7,
    first_slot: int = 0,
    previous_date: dt.date | None = None,
) -> list[PlannedCall]:
    """The next ``count`` calls strictly after the instant ``after``, each strictly after the
    one before it. ``previous_date``, the local date of the call before the first, keeps the
    first ``min_gap_days`` away from it too."""
    if not slots:
        raise ValueError("a rotation needs at least one weekly slot")
    if count < 0:
        raise ValueError("count must not be negative")
    if after.tzinfo is None:
        raise ValueError("after must be an aware instant")
    gap = dt.timedelta(days=max(min_gap_days, 1))
    calls: list[PlannedCall] = []
    for n in range(count):
        index = (first_slot + n) % len(slots)
        slot = slots[index]
        if calls:
            earliest = calls[-1].date + gap
            # Slots in zones far apart can make a later local date an earlier instant (Monday
            # 23:00 in Honolulu is after Tuesday 08:00 in Kiritimati): calls stay in order.
            not_before = max(after, calls[-1].starts_at)
        else:
            earliest = after.astimezone(get_zone(slot.zone)).date()
            if previous_date is not None:
                earliest = max(earliest, previous_date + gap)
            not_before = after
        calls.append(_occurrence(slot, index, earliest, not_before))
    return calls


def next_slot_index(slots: list[WeeklySlot], weekday: int, time: dt.time, zone: str) -> int:
    """The index of the slot after the one matching a call, or 0 when none matches."""
    for index, slot in enumerate(slots):
        if (slot.weekday, slot.time, slot.zone) == (weekday, time, zone):
            return (index + 1) % len(slots)
    return 0
