"""The planner's entry points: check the request, build the served matrices, search, report."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from clinicdesk.lib.tz import is_zone
from clinicdesk.planning.core import model as m
from clinicdesk.planning.core.horizon import Minutes, slot_instants
from clinicdesk.planning.core.model import gettext_noop
from clinicdesk.planning.core.report import build_report
from clinicdesk.planning.core.served import (
    Bools,
    Community,
    Floats,
    Ints,
    Rules,
    ServedTable,
    build_served,
    group_members,
    staff_counts,
)
from clinicdesk.planning.core.solver import (
    Coverage,
    ExactResult,
    LocalSearchResult,
    evaluate,
    exact_one,
    exact_three,
    exact_two,
    grams,
    local_search,
    make_coverage,
    singles,
)

_MAX_LISTED_ZONES = 5


def default_candidates(zone: str, step_minutes: int = 30) -> list[m.Slot]:
    """Every ``step_minutes`` of the week, in ``zone``."""
    return [
        m.Slot(weekday, minute, zone)
        for weekday in range(7)
        for minute in range(0, m.DAY_MINUTES, step_minutes)
    ]


def _check_zones(field: str, names: Sequence[str], where: str) -> None:
    unknown = list(dict.fromkeys(name for name in names if not is_zone(name)))
    if unknown:
        shown = ", ".join(f"“{name}”" for name in unknown[:_MAX_LISTED_ZONES])
        if len(unknown) > _MAX_LISTED_ZONES:
            shown += f" (+{len(unknown) - _MAX_LISTED_ZONES})"
        raise m.UnknownZones(field, zones=shown, where=where)


def _check_window(window: m.HourWindow, error: type[m.PlanningError], field: str) -> None:
    if not window.is_valid():
        raise error(field, start=m.format_minutes(window.start), end=m.format_minutes(window.end))


def check_request(request: m.PlanRequest) -> list[m.Slot]:
    """Raises the first :class:`PlanningError` the request has; returns its candidates."""
    if not request.members:
        raise m.EmptyCommunity("members")
    # Weights and availability cells are checked while grouping the members (served.py).
    zones = (
        request.members.zones
        if isinstance(request.members, m.MemberTable)
        else [member.zone for member in request.members]
    )
    _check_zones("members", list(dict.fromkeys(zones)), gettext_noop("the community"))
    _check_window(request.acceptable, m.InvalidAcceptableHours, "acceptable")
    _check_window(request.comfortable, m.InvalidComfortableHours, "comfortable")
    if not request.acceptable.contains(request.comfortable):
        raise m.ComfortOutsideAcceptable(
            "comfortable",
            comfortable=request.comfortable.label(),
            acceptable=request.acceptable.label(),
        )
    if not 15 <= request.duration_minutes <= request.acceptable.length:
        raise m.InvalidDuration(
            "duration_minutes",
            minutes=request.duration_minutes,
            longest=request.acceptable.length,
        )
    if not request.weekdays or not request.weekdays <= m.ALL_WEEKDAYS:
        raise m.InvalidWeekdays("weekdays")
    if not 1 <= request.horizon.weeks <= m.MAX_HORIZON_WEEKS:
        raise m.InvalidHorizon("horizon", weeks=request.horizon.weeks, most=m.MAX_HORIZON_WEEKS)
    if request.horizon.start < request.today:
        raise m.HorizonInPast(
            "horizon", start=request.horizon.start.isoformat(), today=request.today.isoformat()
        )
    _check_zones("staff", [s.zone for s in request.staff], gettext_noop("the staff's hours"))
    for index, staff in enumerate(request.staff, start=1):
        if not staff.hours.is_valid():
            raise m.InvalidStaffHours(
                "staff",
                index=index,
                start=m.format_minutes(staff.hours.start),
                end=m.format_minutes(staff.hours.end),
            )
        if not staff.weekdays or not staff.weekdays <= m.ALL_WEEKDAYS:
            raise m.InvalidStaffHours(
                "staff",
                index=index,
                start=m.format_minutes(staff.hours.start),
                end=m.format_minutes(staff.hours.end),
            )
    if request.staff and len(request.staff) < request.min_staff:
        raise m.NotEnoughStaff("staff", needed=request.min_staff, given=len(request.staff))
    if request.candidates is None:
        _check_zones("anchor_zone", [request.anchor_zone], gettext_noop("the slots' time zone"))
        step = request.step_minutes
        if not 15 <= step <= 240 or m.DAY_MINUTES % step:
            raise m.InvalidStep("step_minutes", minutes=step)
        candidates = default_candidates(request.anchor_zone, step)
    else:
        candidates = list(dict.fromkeys(request.candidates))
        _check_zones(
            "candidates", [slot.zone for slot in candidates], gettext_noop("the candidate slots")
        )
        for index, slot in enumerate(candidates, start=1):
            if not (0 <= slot.weekday <= 6 and 0 <= slot.minute < m.DAY_MINUTES):
                raise m.InvalidSlot("candidates", index=index, slot=repr(slot))
    if request.k < 1:
        raise m.InvalidK("k", k=request.k, most=len(candidates))
    if request.k > len(candidates):
        raise m.TooManySlots("k", k=request.k, available=len(candidates))
    if request.method == "exact" and request.k > m.MAX_EXACT_K:
        raise m.ExactTooLarge("method", k=request.k, most=m.MAX_EXACT_K)
    return candidates


@dataclass(frozen=True)
class Prepared:
    """A checked request with its community, instants and served table."""

    request: m.PlanRequest
    candidates: list[m.Slot]
    community: Community
    instants: Minutes
    table: ServedTable
    staff: Ints | None  # slots x weeks, None when no staff hours were given
    region_total: Floats
    seconds: float


def _rules(request: m.PlanRequest) -> Rules:
    return Rules(
        duration=request.duration_minutes,
        acceptable=request.acceptable,
        comfortable=request.comfortable,
        weekdays=request.weekdays,
    )


def prepare(request: m.PlanRequest, slots: Sequence[m.Slot] | None = None) -> Prepared:
    started = time.perf_counter()
    candidates = check_request(request)
    if slots is not None:
        _check_zones("slots", [slot.zone for slot in slots], gettext_noop("the rotation"))
        candidates = list(slots)
    community = group_members(request.members, request.horizon.weeks)
    instants = slot_instants(candidates, request.horizon)
    table = build_served(community, instants, _rules(request))
    staff = None
    if request.staff:
        staff = staff_counts(request.staff, instants, request.duration_minutes)
    region_total = np.bincount(
        community.region_of,
        weights=community.weight * request.horizon.weeks,
        minlength=len(community.regions),
    ).astype(np.float64)
    return Prepared(
        request=request,
        candidates=candidates,
        community=community,
        instants=instants,
        table=table,
        staff=staff,
        region_total=region_total,
        seconds=time.perf_counter() - started,
    )


def _staffed(prepared: Prepared) -> Ints:
    if prepared.staff is None:
        return np.arange(len(prepared.candidates), dtype=np.int64)
    return np.flatnonzero(prepared.staff.min(axis=1) >= prepared.request.min_staff).astype(np.int64)


def _columns(matrix: Bools, columns: Ints) -> Bools:
    if columns.size == matrix.shape[1] and np.array_equal(columns, np.arange(columns.size)):
        return matrix
    chosen: Bools = np.ascontiguousarray(matrix.T[columns].T)
    return chosen


def _coverage(prepared: Prepared, columns: Ints) -> Coverage:
    table = prepared.table
    return make_coverage(
        _columns(table.served, columns),
        table.comfort_single[columns],
        table.row_weight,
        prepared.community.region_of[table.row_profile],
        prepared.region_total,
        exact=prepared.community.integral,
    )


def _no_staffed_slot(prepared: Prepared) -> m.NoStaffedSlot:
    assert prepared.staff is not None  # noqa: S101 - only called with staff hours
    fewest = prepared.staff.min(axis=1)
    best = int(np.argmax(fewest))
    return m.NoStaffedSlot(
        "staff",
        needed=prepared.request.min_staff,
        most=int(fewest[best]),
        when=prepared.candidates[best].label(),
    )


def plan_rotation(request: m.PlanRequest) -> m.Plan:
    """The fairest rotation of ``request.k`` weekly slots, with its report.

    Raises :class:`PlanningError` for input it cannot use, saying which constraint binds.
    """
    prepared = prepare(request)
    started = time.perf_counter()
    staffed = _staffed(prepared)
    if staffed.size == 0:
        raise _no_staffed_slot(prepared)
    if request.k > staffed.size:
        raise m.TooFewStaffedSlots(
            "k", k=request.k, available=int(staffed.size), needed=request.min_staff
        )
    cov = _coverage(prepared, staffed)
    if cov.served.shape[0] == 0:
        if prepared.staff is None:
            raise m.NobodyServed("members", feasible=int(staffed.size))
        raise m.NobodyServedWithStaff("staff", feasible=int(staffed.size))
    exact = request.k <= m.MAX_EXACT_K and request.method != "heuristic"
    searched: ExactResult | LocalSearchResult
    if exact and request.k >= 2:
        region_grams = grams(cov)
        served_singles = np.diagonal(region_grams, axis1=1, axis2=2).T.copy()
    else:
        served_singles = singles(cov)
    heuristic = local_search(cov, request.k, served_singles)
    upper_t, upper_o = heuristic.upper_t, heuristic.upper_o
    if exact:
        if request.k == 1:
            searched = exact_one(cov, served_singles)
        elif request.k == 2:
            searched = exact_two(cov, region_grams)
        else:
            searched = exact_three(cov, region_grams, heuristic)
        searched.moves = heuristic.moves
        upper_t, upper_o = searched.value.min_share, searched.value.overall
    else:
        searched = heuristic
    chosen = [int(staffed[i]) for i in searched.slots]
    seconds_search = time.perf_counter() - started
    heat = _heat(prepared, staffed, served_singles.sum(axis=1))
    stats = m.SearchStats(
        candidates=len(prepared.candidates),
        staffed=int(staffed.size),
        members=len(request.members),
        profiles=int(prepared.community.weight.size),
        rows=int(cov.served.shape[0]),
        subsets=searched.subsets if isinstance(searched, ExactResult) else 0,
        pruned_by_pairs=searched.pruned_by_pairs if isinstance(searched, ExactResult) else 0,
        pruned_by_bound=searched.pruned_by_bound if isinstance(searched, ExactResult) else 0,
        evaluated=searched.evaluated if isinstance(searched, ExactResult) else 0,
        local_search_moves=searched.moves,
        seconds_prepare=prepared.seconds,
        seconds_search=seconds_search,
        arithmetic="exact integers" if cov.exact else "float64",
    )
    return build_report(
        prepared,
        columns=chosen,
        method="exact" if exact else "local-search",
        proven_optimal=exact,
        upper_bound=min(1.0, upper_t),
        overall_upper_bound=min(1.0, upper_o),
        heat=heat,
        stats=stats,
    )


def _heat(prepared: Prepared, staffed: Ints, staffed_served: Floats) -> tuple[m.HeatCell, ...]:
    """Each candidate's share served alone: the search's sums for the staffed ones, the table
    summed (in whole numbers, exact in float32) for the others."""
    table = prepared.table
    served = np.zeros(len(prepared.candidates), dtype=np.float64)
    served[staffed] = staffed_served
    others = np.setdiff1d(np.arange(len(prepared.candidates)), staffed)
    if others.size:
        dtype = np.float32 if prepared.community.integral else np.float64
        weight: npt.NDArray[np.floating[Any]] = table.row_weight.astype(dtype)
        step = 16_384
        for start in range(0, table.served.shape[0], step):
            block: npt.NDArray[np.floating[Any]] = table.served[start : start + step][
                :, others
            ].astype(dtype)
            served[others] += (weight[start : start + step] @ block).astype(np.float64)
    total = float(prepared.region_total.sum())
    is_staffed = np.zeros(len(prepared.candidates), dtype=np.bool_)
    is_staffed[staffed] = True
    return tuple(
        m.HeatCell(slot, float(served[i] / total), bool(is_staffed[i]))
        for i, slot in enumerate(prepared.candidates)
    )


def evaluate_rotation(request: m.PlanRequest, slots: Sequence[m.Slot]) -> m.Plan:
    """The report of a given rotation (e.g. the program's current one) on the same data."""
    if not slots:
        raise m.InvalidK("slots", k=0, most=m.CELLS_PER_WEEK)
    prepared = prepare(request, slots)
    started = time.perf_counter()
    columns = np.arange(len(slots), dtype=np.int64)
    cov = _coverage(prepared, columns)
    value = evaluate(cov, list(range(len(slots)))) if cov.served.shape[0] else None
    stats = m.SearchStats(
        candidates=len(slots),
        staffed=int(_staffed(prepared).size),
        members=len(request.members),
        profiles=int(prepared.community.weight.size),
        rows=int(cov.served.shape[0]),
        subsets=1,
        pruned_by_pairs=0,
        pruned_by_bound=0,
        evaluated=1,
        local_search_moves=0,
        seconds_prepare=prepared.seconds,
        seconds_search=time.perf_counter() - started,
        arithmetic="exact integers" if cov.exact else "float64",
    )
    return build_report(
        prepared,
        columns=list(range(len(slots))),
        method="given",
        proven_optimal=False,
        upper_bound=value.min_share if value else 0.0,
        overall_upper_bound=value.overall if value else 0.0,
        heat=(),
        stats=stats,
    )
