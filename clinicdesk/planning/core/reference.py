"""A straightforward pure-Python implementation of the planner's objective: no NumPy, one
member, slot and date at a time with ``zoneinfo``, every rotation tried.

It is the oracle the tests hold the fast planner to, and the baseline the benchmark measures
the fast planner against. It is exponential in K and linear in everything else: use it on
small cases (or time it on a sample).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from clinicdesk.lib.tz import get_zone, to_utc_lenient
from clinicdesk.planning.core.model import (
    CELL_MINUTES,
    CELLS_PER_WEEK,
    DAY_MINUTES,
    HourWindow,
    Member,
    PlanRequest,
    Slot,
    Staff,
)
from clinicdesk.planning.core.served import zone_area

Objective = tuple[float, float, float]


def slot_instant(slot: Slot, start: dt.date, week: int) -> dt.datetime:
    day = start + dt.timedelta(days=(slot.weekday - start.weekday()) % 7, weeks=week)
    wall = dt.datetime.combine(day, slot.time)
    return to_utc_lenient(wall, slot.zone)[0]


def _local(instant: dt.datetime, zone: str) -> tuple[int, int]:
    local = instant.astimezone(get_zone(zone))
    return local.weekday(), local.hour * 60 + local.minute


def _in_window(weekday: int, minute: int, window: HourWindow, duration: int,
               weekdays: frozenset[int]) -> bool:  # fmt: skip
    return weekday in weekdays and window.start <= minute and minute + duration <= window.end


def is_served(member: Member, instant: dt.datetime, request: PlanRequest) -> tuple[bool, bool]:
    """(served, comfortably) for one member and one call."""
    weekday, minute = _local(instant, member.zone)
    duration = request.duration_minutes
    if weekday not in request.weekdays:
        return False, False
    if member.availability is None:
        served = _in_window(weekday, minute, request.acceptable, duration, request.weekdays)
    else:
        moment = weekday * DAY_MINUTES + minute
        first = moment // CELL_MINUTES
        last = (moment + duration - 1) // CELL_MINUTES
        served = all(
            cell % CELLS_PER_WEEK in member.availability for cell in range(first, last + 1)
        )
    comfortable = served and _in_window(
        weekday, minute, request.comfortable, duration, request.weekdays
    )
    return served, comfortable


def staff_on_call(staff: Sequence[Staff], instant: dt.datetime, duration: int) -> int:
    count = 0
    for person in staff:
        weekday, minute = _local(instant, person.zone)
        count += _in_window(weekday, minute, person.hours, duration, person.weekdays)
    return count


@dataclass
class Table:
    """For each slot, the weeks each member is served on (and comfortably)."""

    slots: list[Slot]
    served: list[list[set[int]]]  # slot -> member -> weeks
    comfortable: list[list[set[int]]]
    staffed: list[bool]


def build_table(request: PlanRequest, slots: Sequence[Slot]) -> Table:
    members = list(request.members)  # type: ignore[arg-type]
    weeks = request.horizon.weeks
    served: list[list[set[int]]] = []
    comfortable: list[list[set[int]]] = []
    staffed: list[bool] = []
    for slot in slots:
        by_member: list[set[int]] = [set() for _ in members]
        comfort_by_member: list[set[int]] = [set() for _ in members]
        ok = True
        for week in range(weeks):
            instant = slot_instant(slot, request.horizon.start, week)
            if request.staff:
                count = staff_on_call(request.staff, instant, request.duration_minutes)
                ok = ok and count >= request.min_staff
            for index, member in enumerate(members):
                is_ok, is_comfortable = is_served(member, instant, request)
                if is_ok:
                    by_member[index].add(week)
                if is_comfortable:
                    comfort_by_member[index].add(week)
        served.append(by_member)
        comfortable.append(comfort_by_member)
        staffed.append(ok)
    return Table(list(slots), served, comfortable, staffed)


def objective(request: PlanRequest, table: Table, chosen: Sequence[int]) -> Objective:
    """(smallest regional share, overall share, comfort) of a rotation. Comfort is the
    average over its calls of the share each call serves within comfortable hours."""
    members = list(request.members)  # type: ignore[arg-type]
    weeks = request.horizon.weeks
    covered: dict[str, float] = {}
    totals: dict[str, float] = {}
    comfort = 0.0
    for index, member in enumerate(members):
        region = member.region or zone_area(member.zone)
        served_weeks: set[int] = set()
        for slot in chosen:
            served_weeks |= table.served[slot][index]
            comfort += member.weight * len(table.comfortable[slot][index]) / weeks
        covered[region] = covered.get(region, 0.0) + member.weight * len(served_weeks) / weeks
        totals[region] = totals.get(region, 0.0) + member.weight
    whole = sum(totals.values())
    return (
        min(covered[r] / totals[r] for r in totals),
        sum(covered.values()) / whole,
        comfort / whole / max(1, len(chosen)),
    )


def brute_force(request: PlanRequest, slots: Sequence[Slot]) -> tuple[tuple[int, ...], Objective]:
    """The best rotation of ``request.k`` staffed slots, trying every one."""
    table = build_table(request, slots)
    usable = [i for i, ok in enumerate(table.staffed) if ok]
    best: tuple[tuple[int, ...], Objective] | None = None
    for chosen in itertools.combinations(usable, request.k):
        value = objective(request, table, chosen)
        if best is None or value > best[1]:
            best = (chosen, value)
    if best is None:
        raise ValueError("fewer staffed slots than the rotation needs")
    return best
