"""Who each candidate slot serves on each date of the horizon, as boolean NumPy matrices.

Members with the same zone, region and availability are one *profile* (their weights add up).
A zone's local times at the slots' instants change only when its offset does, so the weeks of
the horizon fall into a few *classes* per zone (before and after a daylight-saving change, and
the week of the change itself). One *row* is a profile in one of its zone's week classes; its
weight is the profile's weight times the number of weeks in the class, so that summing row
weights over the rows a rotation serves gives the weighted member-dates served.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clinicdesk.planning.core.horizon import Minutes, minute_of_week, offsets_at
from clinicdesk.planning.core.model import (
    CELL_MINUTES,
    CELLS_PER_WEEK,
    DAY_MINUTES,
    BadWeight,
    HourWindow,
    InvalidAvailability,
    Member,
    MemberTable,
    Staff,
)

Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

# The sums the search does on 32-bit floats are exact while every partial sum is an integer
# below 2**24; weights are scaled to integers when they allow it.
FLOAT32_EXACT = 2**24
_SCALES = (1, 2, 4, 5, 8, 10, 20, 25, 50, 100, 1000, 10_000)

# Areas of the zone database that are regions of the world; other names map to one of them.
_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)
_LEGACY_AREAS = {"US": "America", "Canada": "America", "Brazil": "America", "Mexico": "America",
                 "Chile": "America"}  # fmt: skip
OTHER_REGION = "UTC"


def zone_area(zone: str) -> str:
    """The region a zone belongs to when none is given: its area ("America", "Europe", ...)."""
    area = zone.split("/", 1)[0] if "/" in zone else ""
    if area in _AREAS:
        return area
    return _LEGACY_AREAS.get(area, OTHER_REGION)


@dataclass(frozen=True)
class Community:
    """Members grouped into profiles (same zone, region and availability)."""

    zones: tuple[str, ...]
    regions: tuple[str, ...]
    zone_of: Ints  # per profile
    region_of: Ints
    pattern_of: Ints  # -1: the acceptable hours stand in for an availability
    weight: Floats  # per profile, scaled (see ``scale``)
    members: Ints  # member entries per profile
    patterns: Bools  # availability patterns x 336 half-hour cells of the local week
    scale: float  # weights were multiplied by this
    integral: bool  # scaled weights are integers


def _index(values: Sequence[str]) -> tuple[tuple[str, ...], Ints]:
    """Distinct values in order of first appearance, and each value's index among them."""
    distinct = tuple(dict.fromkeys(values))
    ids = {value: i for i, value in enumerate(distinct)}
    index = np.fromiter(map(ids.__getitem__, values), np.int64, len(values))
    return distinct, index


def _table_of(members: Sequence[Member]) -> tuple[MemberTable, list[frozenset[int]]]:
    """A list of members as columns; availabilities become pattern numbers (see below)."""
    patterns: dict[frozenset[int], int] = {}
    pattern_index = np.fromiter(
        (
            -1 if m.availability is None else patterns.setdefault(m.availability, len(patterns))
            for m in members
        ),
        np.int64,
        len(members),
    )
    table = MemberTable(
        zones=[m.zone for m in members],
        weights=np.fromiter((m.weight for m in members), np.float64, len(members)),
        regions=[m.region for m in members],
        stated=pattern_index,  # type: ignore[arg-type]  # pattern numbers, unpacked below
    )
    return table, list(patterns)


def _patterns_of_cells(cells: list[frozenset[int]], pattern_index: Ints) -> Bools:
    grid = np.zeros((len(cells), CELLS_PER_WEEK), dtype=np.bool_)
    for index, marked_cells in enumerate(cells):
        if not marked_cells:
            continue
        marked = np.fromiter(marked_cells, dtype=np.int64, count=len(marked_cells))
        if marked.min() < 0 or marked.max() >= CELLS_PER_WEEK:
            first = int(np.flatnonzero(pattern_index == index)[0])
            wrong = int(marked.min() if marked.min() < 0 else marked.max())
            raise InvalidAvailability("members", index=first + 1, cell=str(wrong))
        grid[index, marked] = True
    return grid


def _patterns_of_grid(availability: Bools, stated: Bools) -> tuple[Bools, Ints]:
    """Distinct rows of a members x 336 grid, and each member's row (-1: not stated)."""
    if availability.ndim != 2 or availability.shape[1] != CELLS_PER_WEEK:
        raise InvalidAvailability("members", index=1, cell=str(availability.shape))
    packed = np.packbits(availability.astype(np.bool_), axis=1)
    keys = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
    index = np.full(availability.shape[0], -1, dtype=np.int64)
    chosen = np.flatnonzero(stated)
    if chosen.size == 0:
        return np.zeros((0, CELLS_PER_WEEK), dtype=np.bool_), index
    _, first, inverse = np.unique(keys[chosen], return_index=True, return_inverse=True)
    index[chosen] = inverse.reshape(-1)
    return availability[chosen[first]].astype(np.bool_), index


def group_members(members: Sequence[Member] | MemberTable, weeks: int) -> Community:
    """Groups members into profiles; raises for a bad weight or availability cell."""
    if isinstance(members, MemberTable):
        table = members
        n = len(table)
        stated = (
            np.ones(n, dtype=np.bool_)
            if table.stated is None
            else np.asarray(table.stated, dtype=np.bool_)
        )
        if table.availability is None:
            grid = np.zeros((0, CELLS_PER_WEEK), dtype=np.bool_)
            pattern_index = np.full(n, -1, dtype=np.int64)
        else:
            grid, pattern_index = _patterns_of_grid(np.asarray(table.availability), stated)
    else:
        table, cells = _table_of(members)
        n = len(members)
        pattern_index = np.asarray(table.stated, dtype=np.int64)
        grid = _patterns_of_cells(cells, pattern_index)
    zones, zone_index = _index(table.zones)
    if table.regions is None:
        # Each zone's area, looked up once per zone.
        regions, area_of_zone = _index([zone_area(zone) for zone in zones])
        region_index = area_of_zone[zone_index]
    else:
        areas = {zone: zone_area(zone) for zone in zones}
        regions, region_index = _index(
            [region or areas[zone] for region, zone in zip(table.regions, table.zones, strict=True)]
        )
    raw = (
        np.ones(n, dtype=np.float64)
        if table.weights is None
        else np.asarray(table.weights, dtype=np.float64)
    )
    bad = np.flatnonzero(~(np.isfinite(raw) & (raw > 0)))
    if bad.size:
        first = int(bad[0])
        raise BadWeight("members", index=first + 1, weight=str(raw[first]))
    # One key per (zone, region, pattern): the profile.
    key = (zone_index * len(regions) + region_index) * (grid.shape[0] + 1) + (pattern_index + 1)
    _, first_member, inverse = np.unique(key, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    scale, integral = _integer_scale(raw, weeks)
    weights = np.round(raw * scale) if integral else raw
    return Community(
        zones=zones,
        regions=regions,
        zone_of=zone_index[first_member],
        region_of=region_index[first_member],
        pattern_of=pattern_index[first_member],
        weight=np.bincount(inverse, weights=weights, minlength=first_member.size).astype(
            np.float64
        ),
        members=np.bincount(inverse, minlength=first_member.size).astype(np.int64),
        patterns=grid,
        scale=scale if integral else 1.0,
        integral=integral,
    )


def _integer_scale(weights: Floats, weeks: int) -> tuple[float, bool]:
    for scale in _SCALES:
        scaled = weights * scale
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1.0, scaled)):
            return float(scale), float(np.round(scaled).sum()) * weeks < FLOAT32_EXACT
    return 1.0, False


@dataclass(frozen=True)
class Rules:
    """The hours the served matrices are judged by."""

    duration: int
    acceptable: HourWindow
    comfortable: HourWindow
    weekdays: frozenset[int]


@dataclass(frozen=True)
class ServedTable:
    """Rows (profile x week class) against slots."""

    served: Bools  # rows x slots
    class_comfort: Bools  # classes x slots: the call falls in comfortable hours (and weekdays)
    comfort_single: Floats  # per slot: the weight it serves within comfortable hours
    row_profile: Ints
    row_class: Ints
    row_weight: Floats  # the profile's weight x the weeks in the class
    class_zone: Ints  # per class
    class_weeks: Bools  # classes x weeks
    zone_offsets: dict[str, Ints]  # zone -> offsets (slots x weeks), minutes east of UTC

    def comfort(self, columns: list[int] | Ints) -> Bools:
        """rows x columns: served within comfortable hours."""
        result: Bools = self.served[:, columns] & self.class_comfort[:, columns][self.row_class]
        return result


def _window_ok(
    moments: Ints, window: HourWindow, duration: int, allowed: npt.NDArray[np.bool_]
) -> Bools:
    day_minute = moments % DAY_MINUTES
    weekday = moments // DAY_MINUTES
    result: Bools = (
        allowed[weekday] & (day_minute >= window.start) & (day_minute + duration <= window.end)
    )
    return result


def _distinct_weeks(local: Ints) -> tuple[Ints, Ints, Ints]:
    """The distinct columns (weeks) of ``local`` (slots x weeks) as rows, each week's class,
    and how many weeks each class has. Weeks are told apart by a checksum, then compared in
    full, so that two different weeks are never merged."""
    rng = np.random.default_rng(0)
    checksum = local.T.astype(np.float64) @ rng.random(local.shape[0])
    _, first, week_class, counts = np.unique(
        checksum, return_index=True, return_inverse=True, return_counts=True
    )
    week_class = week_class.reshape(-1)
    classes = local.T[first]
    if not np.array_equal(classes[week_class], local.T):
        classes, week_class, counts = np.unique(
            local.T, axis=0, return_inverse=True, return_counts=True
        )
        week_class = week_class.reshape(-1)
    return classes, week_class, counts


def _prefix_sums(patterns: Bools) -> npt.NDArray[np.int16]:
    """Prefix sums of each pattern over two weeks, so that a call that runs past Sunday
    midnight reads on into Monday."""
    doubled = np.concatenate([patterns, patterns], axis=1)
    prefix = np.zeros((doubled.shape[0], doubled.shape[1] + 1), dtype=np.int16)
    np.cumsum(doubled, axis=1, out=prefix[:, 1:])
    return prefix


def build_served(community: Community, instants: Minutes, rules: Rules) -> ServedTable:
    """Who each slot (rows of ``instants``) serves in each week (its columns).

    Rows are grouped by zone, then by week class, members with an availability after those
    without, so that each group is filled as one block of a table allocated once."""
    slots, weeks = instants.shape
    allowed = np.zeros(7, dtype=np.bool_)
    allowed[list(rules.weekdays)] = True
    # For calls that start on a half-hour (every zone but a few a quarter-hour off): whether
    # each pattern has the call's cells marked from each start cell on, wrapping from Sunday
    # night into Monday. The others read prefix sums of their zone's patterns.
    spans = -(-rules.duration // CELL_MINUTES)
    fits = community.patterns.copy()
    for shift in range(1, spans):
        fits &= np.roll(community.patterns, -shift, axis=1)

    # The zones' week classes first, to size the table.
    plan: list[tuple[int, Ints, Ints, Ints, Ints]] = []
    zone_offsets: dict[str, Ints] = {}
    total_rows = 0
    for zone_index, zone in enumerate(community.zones):
        profiles = np.flatnonzero(community.zone_of == zone_index)
        if profiles.size == 0:
            continue
        offsets = offsets_at(zone, instants)
        zone_offsets[zone] = offsets
        classes, week_class, counts = _distinct_weeks(minute_of_week(instants + offsets))
        # Members with no availability (the acceptable hours stand in) first.
        profiles = profiles[np.argsort(community.pattern_of[profiles] >= 0, kind="stable")]
        plan.append((zone_index, profiles, classes.astype(np.int64), week_class, counts))
        total_rows += profiles.size * classes.shape[0]

    served = np.empty((total_rows, slots), dtype=np.bool_)
    row_profile = np.empty(total_rows, dtype=np.int64)
    row_class = np.empty(total_rows, dtype=np.int64)
    row_weight = np.empty(total_rows, dtype=np.float64)
    class_zone: list[int] = []
    class_weeks: list[Bools] = []
    class_comfort: list[Bools] = []
    comfort_single = np.zeros(slots, dtype=np.float64)
    dtype = np.float32 if community.integral else np.float64
    row = 0
    for zone_index, profiles, moments, week_class, counts in plan:
        patterns = community.pattern_of[profiles]
        plain = int((patterns < 0).sum())
        marked = patterns[plain:]
        weight = community.weight[profiles]
        acceptable = _window_ok(moments, rules.acceptable, rules.duration, allowed)
        comfortable = _window_ok(moments, rules.comfortable, rules.duration, allowed)
        weekday_ok = allowed[moments // DAY_MINUTES]
        first = moments // CELL_MINUTES
        aligned = not (moments % CELL_MINUTES).any()
        marked_fits = fits[marked] if aligned and marked.size else fits[:0]
        if not aligned and marked.size:
            last = (moments + rules.duration - 1) // CELL_MINUTES
            needed = (last - first + 1).astype(np.int16)
            prefix = _prefix_sums(community.patterns[marked])
        for k in range(moments.shape[0]):
            block = served[row : row + profiles.size]
            block[:plain] = acceptable[k]
            if marked.size:
                if aligned:
                    # Rows first, then one column gather: far faster than a 2-D fancy index.
                    np.take(marked_fits, first[k], axis=1, out=block[plain:])
                    block[plain:] &= weekday_ok[k]
                else:
                    counts_k = prefix[:, last[k] + 1] - prefix[:, first[k]]
                    block[plain:] = (counts_k == needed[k][None, :]) & weekday_ok[k]
            class_id = len(class_zone)
            class_zone.append(zone_index)
            class_weeks.append(week_class == k)
            class_comfort.append(comfortable[k])
            row_profile[row : row + profiles.size] = profiles
            row_class[row : row + profiles.size] = class_id
            row_weight[row : row + profiles.size] = weight * counts[k]
            # Comfort is served and in comfortable hours: sum the class's block once.
            sums = (weight * counts[k]).astype(dtype) @ block.astype(dtype)
            comfort_single += sums.astype(np.float64) * comfortable[k]
            row += profiles.size
    return ServedTable(
        served=served,
        class_comfort=np.array(class_comfort, dtype=np.bool_).reshape(len(class_zone), slots),
        comfort_single=comfort_single,
        row_profile=row_profile,
        row_class=row_class,
        row_weight=row_weight,
        class_zone=np.array(class_zone, dtype=np.int64),
        class_weeks=np.array(class_weeks, dtype=np.bool_).reshape(len(class_zone), weeks),
        zone_offsets=zone_offsets,
    )


def staff_counts(staff: Sequence[Staff], instants: Minutes, duration: int) -> Ints:
    """How many staff members have each call (slots x weeks) within their working hours."""
    counts = np.zeros(instants.shape, dtype=np.int64)
    for member in staff:
        allowed = np.zeros(7, dtype=np.bool_)
        allowed[list(member.weekdays)] = True
        local = minute_of_week(instants + offsets_at(member.zone, instants))
        counts += _window_ok(local, member.hours, duration, allowed)
    return counts
