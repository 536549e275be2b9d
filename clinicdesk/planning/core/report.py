"""The report of a rotation: shares per region and overall, week by week, the worst dates and
the zones whose clocks moved out of step on them, who is left out, and each slot's local time
in every region."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Literal, TypeVar

import numpy as np

from clinicdesk.planning.core import model as m
from clinicdesk.planning.core.horizon import (
    minute_of_week,
    occurrence_dates,
    offsets_at,
    to_datetime,
)
from clinicdesk.planning.core.model import gettext_noop
from clinicdesk.planning.core.served import Bools, Floats, Ints

if TYPE_CHECKING:
    from clinicdesk.planning.core.planner import Prepared

_V = TypeVar("_V", bound=Hashable)
MAX_WORST_DATES = 12
MAX_SHIFTED_ZONES = 6
_ROUND = 12  # decimals when comparing shares


def _mode(values: Sequence[_V]) -> _V:
    """The most common value; between equally common ones, the first seen."""
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)


def build_report(
    prepared: Prepared,
    *,
    columns: list[int],
    method: Literal["exact", "local-search", "given"],
    proven_optimal: bool,
    upper_bound: float,
    overall_upper_bound: float,
    heat: tuple[m.HeatCell, ...],
    stats: m.SearchStats,
) -> m.Plan:
    request = prepared.request
    community = prepared.community
    table = prepared.table
    weeks = request.horizon.weeks
    n_regions = len(community.regions)

    served: Bools = table.served[:, columns]
    comfort: Bools = table.comfort(columns)
    any_served: Bools = np.asarray(served.any(axis=1), dtype=np.bool_)
    any_comfort: Bools = np.asarray(comfort.any(axis=1), dtype=np.bool_)
    row_region: Ints = community.region_of[table.row_profile]
    region_total = prepared.region_total
    total = float(region_total.sum())
    covered: Floats = np.bincount(
        row_region, weights=table.row_weight * any_served, minlength=n_regions
    ).astype(np.float64)
    comfortable: Floats = np.bincount(
        row_region, weights=table.row_weight * any_comfort, minlength=n_regions
    ).astype(np.float64)

    # Regions, most weighty first; each with its main zone (the zone with most weight in it).
    profile_weight = community.weight
    region_weight = np.bincount(community.region_of, weights=profile_weight, minlength=n_regions)
    order = sorted(range(n_regions), key=lambda r: (-region_weight[r], community.regions[r]))
    main_zone: dict[int, str] = {}
    for r in order:
        in_region = np.flatnonzero(community.region_of == r)
        zone_weight = np.bincount(
            community.zone_of[in_region],
            weights=profile_weight[in_region],
            minlength=len(community.zones),
        )
        main_zone[r] = community.zones[int(np.argmax(zone_weight))]

    # Dates each profile is served on.
    class_week_count = table.class_weeks.sum(axis=1)
    row_weeks = class_week_count[table.row_class]
    served_weeks: Floats = np.bincount(
        table.row_profile, weights=row_weeks * any_served, minlength=profile_weight.size
    ).astype(np.float64)
    never = served_weeks == 0
    never_weight = np.bincount(
        community.region_of, weights=profile_weight * never, minlength=n_regions
    )

    regions = tuple(
        m.RegionShare(
            region=community.regions[r],
            members=int(community.members[community.region_of == r].sum()),
            weight_share=float(region_weight[r] / region_weight.sum()),
            served=float(covered[r] / region_total[r]),
            comfortable=float(comfortable[r] / region_total[r]),
            never_served=float(never_weight[r] / region_weight[r]),
            main_zone=main_zone[r],
        )
        for r in order
    )

    # Week by week.
    per_row_weight = table.row_weight / row_weeks
    in_week = table.class_weeks[table.row_class]  # rows x weeks
    week_covered = np.zeros((n_regions, weeks), dtype=np.float64)
    for r in range(n_regions):
        rows = row_region == r
        week_covered[r] = (per_row_weight[rows] * any_served[rows]) @ in_week[rows]
    week_total = region_total / weeks
    week_list = tuple(
        m.WeekShare(
            week_start=request.horizon.start + dt.timedelta(weeks=w),
            share=float(week_covered[:, w].sum() / week_total.sum()),
            region_shares=tuple(float(week_covered[r, w] / week_total[r]) for r in order),
        )
        for w in range(weeks)
    )

    slots = [prepared.candidates[c] for c in columns]
    planned = []
    for j, slot in enumerate(slots):
        alone = table.row_weight * served[:, j]
        by_region = np.bincount(row_region, weights=alone, minlength=n_regions)
        fewest = None
        if prepared.staff is not None:
            fewest = int(prepared.staff[columns[j]].min())
        planned.append(
            m.PlannedSlot(
                slot=slot,
                served_alone=float(alone.sum() / total),
                region_shares=tuple(float(by_region[r] / region_total[r]) for r in order),
                local_times=_local_times(
                    prepared,
                    columns[j],
                    [main_zone[r] for r in order],
                    [community.regions[r] for r in order],
                ),
                fewest_staff=fewest,
            )
        )

    worst = _worst_dates(prepared, columns, served, per_row_weight, in_week, week_total.sum())
    left_out, partly = _left_out(prepared, served_weeks)
    notes = _notes(prepared, columns, covered, order)
    min_share = float((covered / region_total).min())
    # Comfort, as the search weighs it: the average over the calls of each call's share
    # served within comfortable hours.
    call_comfort = (table.row_weight @ comfort.astype(np.float64)) / total
    comfort_share = float(call_comfort.mean()) if len(columns) else 0.0
    return m.Plan(
        k=len(columns),
        horizon=request.horizon,
        duration_minutes=request.duration_minutes,
        method=method,
        proven_optimal=proven_optimal,
        slots=tuple(planned),
        regions=regions,
        min_region_share=min_share,
        overall_share=float(covered.sum() / total),
        comfort_share=comfort_share,
        upper_bound=max(upper_bound, min_share),
        overall_upper_bound=max(overall_upper_bound, float(covered.sum() / total)),
        weeks=week_list,
        worst_dates=worst,
        left_out=left_out,
        partly_served=partly,
        heat=heat,
        notes=notes,
        stats=stats,
    )


def _local_times(
    prepared: Prepared, column: int, zones: list[str], regions: list[str]
) -> tuple[m.LocalTime, ...]:
    """The slot's weekday and time in each region's main zone, with the dates each holds."""
    slot = prepared.candidates[column]
    dates = occurrence_dates(slot, prepared.request.horizon)
    instants = prepared.instants[column]
    result: list[m.LocalTime] = []
    for region, zone in zip(regions, zones, strict=True):
        offsets = offsets_at(zone, instants)
        local = minute_of_week(instants + offsets)
        runs: list[tuple[int, int, int, int]] = []  # (local minute of week, offset, first, last)
        for week, (moment, offset) in enumerate(zip(local.tolist(), offsets.tolist(),
                                                    strict=True)):  # fmt: skip
            if runs and runs[-1][0] == moment and runs[-1][1] == offset:
                runs[-1] = (moment, offset, runs[-1][2], week)
            else:
                runs.append((moment, offset, week, week))
        for moment, offset, first, last in runs:
            result.append(
                m.LocalTime(
                    region=region,
                    zone=zone,
                    weekday=moment // m.DAY_MINUTES,
                    minute=moment % m.DAY_MINUTES,
                    offset_minutes=offset,
                    since=dates[first],
                    until=dates[last],
                )
            )
    return tuple(result)


def _worst_dates(
    prepared: Prepared,
    columns: list[int],
    served: Bools,
    per_row_weight: Floats,
    in_week: Bools,
    week_total: float,
) -> tuple[m.DateShare, ...]:
    """Call dates served worse than the slot's usual date, with the zones that moved."""
    request = prepared.request
    table = prepared.table
    zone_weight: dict[str, float] = {}
    for zone_index, zone in enumerate(prepared.community.zones):
        zone_weight[zone] = float(
            prepared.community.weight[prepared.community.zone_of == zone_index].sum()
        )
    found: list[m.DateShare] = []
    for j, column in enumerate(columns):
        slot = prepared.candidates[column]
        shares = ((per_row_weight * served[:, j]) @ in_week) / week_total
        rounded = [round(float(s), _ROUND) for s in shares]
        usual = _mode(rounded)
        dates = occurrence_dates(slot, request.horizon)
        instants = prepared.instants[column]
        if all(share >= usual for share in rounded):
            continue
        anchor = offsets_at(slot.zone, instants)
        # Each zone's offset from the slot's zone on each date, and its usual one.
        relative = {
            zone: (offsets[column] - anchor).tolist()
            for zone, offsets in table.zone_offsets.items()
        }
        usual_relative = {zone: _mode(values) for zone, values in relative.items()}
        for week, share in enumerate(rounded):
            if share >= usual:
                continue
            shifted = [
                (zone_weight.get(zone, 0.0), zone, values[week], usual_relative[zone])
                for zone, values in relative.items()
                if values[week] != usual_relative[zone]
            ]
            shifted.sort(key=lambda item: (-item[0], item[1]))
            found.append(
                m.DateShare(
                    date=dates[week],
                    slot_index=j,
                    starts_at=to_datetime(int(instants[week])),
                    share=float(shares[week]),
                    usual_share=usual,
                    shifted=tuple(
                        m.ZoneShift(zone, difference, usual_difference)
                        for _, zone, difference, usual_difference in shifted[:MAX_SHIFTED_ZONES]
                    ),
                )
            )
    found.sort(key=lambda d: (d.share - d.usual_share, d.date, d.slot_index))
    return tuple(sorted(found[:MAX_WORST_DATES], key=lambda d: (d.date, d.slot_index)))


def _left_out(prepared: Prepared, served_weeks: Floats) -> tuple[tuple[m.LeftOut, ...], ...]:
    """Profiles never served, and served on some dates only, summed by zone and region."""
    community = prepared.community
    weeks = prepared.request.horizon.weeks
    total = float(community.weight.sum())
    fraction = served_weeks / weeks
    key = community.zone_of * len(community.regions) + community.region_of

    def rows(chosen: Bools) -> tuple[m.LeftOut, ...]:
        if not chosen.any():
            return ()
        groups, inverse = np.unique(key[chosen], return_inverse=True)
        inverse = inverse.reshape(-1)
        weight = community.weight[chosen]
        members = np.bincount(inverse, weights=community.members[chosen])
        weights = np.bincount(inverse, weights=weight)
        served = np.bincount(inverse, weights=weight * fraction[chosen])
        result = [
            m.LeftOut(
                zone=community.zones[int(g) // len(community.regions)],
                region=community.regions[int(g) % len(community.regions)],
                members=int(members[i]),
                weight_share=float(weights[i] / total),
                served_dates=float(served[i] / weights[i]) if weights[i] else 0.0,
            )
            for i, g in enumerate(groups.tolist())
        ]
        result.sort(key=lambda row: (-row.weight_share, row.zone))
        return tuple(result)

    never: Bools = fraction == 0
    partly: Bools = (fraction > 0) & (fraction < 1 - 1e-12)
    return rows(never), rows(partly)


def _notes(
    prepared: Prepared, columns: list[int], covered: Floats, order: list[int]
) -> tuple[m.Note, ...]:
    notes: list[m.Note] = []
    request = prepared.request
    if not request.staff:
        notes.append(
            m.Note(
                "staff_not_checked",
                gettext_noop(
                    "Staffing was not checked: give the staff's working hours to keep only "
                    "slots with enough staff."
                ),
            )
        )
    elif prepared.staff is not None:
        for j, column in enumerate(columns, start=1):
            fewest = int(prepared.staff[column].min())
            if fewest < request.min_staff:
                notes.append(
                    m.Note(
                        "understaffed_slot",
                        gettext_noop(
                            "Slot %(index)d (%(slot)s) has only %(fewest)d staff members "
                            "within their working hours on some dates; every call needs "
                            "%(needed)d."
                        ),
                        {
                            "index": j,
                            "slot": prepared.candidates[column].label(),
                            "fewest": fewest,
                            "needed": request.min_staff,
                        },
                    )
                )
    for r in order:
        if covered[r] == 0:
            notes.append(
                m.Note(
                    "region_not_served",
                    gettext_noop("No slot of this rotation serves anyone in %(region)s."),
                    {"region": prepared.community.regions[r]},
                )
            )
    return tuple(notes)
