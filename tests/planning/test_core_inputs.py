"""The core's inputs: declared hubs, the poll's UTC-anchored week, the horizon's instants, and
the two ways of giving members (a list or columns), whole or fractional weights."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinicdesk.lib.tz import available_zones, to_utc_lenient
from clinicdesk.planning.core import (
    Horizon,
    Member,
    MemberTable,
    PlanRequest,
    Slot,
    plan_rotation,
)
from clinicdesk.planning.core.horizon import local_to_instants, offsets_at, slot_instants
from clinicdesk.planning.core.hubs import (
    BadHub,
    EmptySpread,
    Hub,
    even_spread,
    hub_members,
    parse_hubs,
)
from clinicdesk.planning.core.served import zone_area
from clinicdesk.planning.core.weekgrid import (
    answers_grid,
    cells_to_utc,
    offset_minutes,
    utc_to_cells,
)

TODAY = dt.date(2031, 1, 1)


# --- Hubs ----------------------------------------------------------------------------------------


def test_hubs_parse_both_orders_regions_and_decimal_commas():
    hubs = parse_hubs(
        "30 % America/Mexico_City (Latin America)\n"
        "Africa/Lagos 20%; 12,5 % Asia/Kolkata, 37.5% Europe/Madrid"
    )
    assert hubs == [
        Hub("America/Mexico_City", 30.0, "Latin America"),
        Hub("Africa/Lagos", 20.0),
        Hub("Asia/Kolkata", 12.5),
        Hub("Europe/Madrid", 37.5),
    ]
    assert [m.weight for m in hub_members(hubs)] == [30.0, 20.0, 12.5, 37.5]
    assert hub_members(hubs)[0].region == "Latin America"


def test_hubs_thirds_add_up_within_the_tolerance():
    assert len(parse_hubs("33.33 % Europe/Madrid, 33.33 % Asia/Kolkata, 33.33 % Africa/Lagos")) == 3


def test_hubs_bad_entries_are_named():
    with pytest.raises(BadHub) as caught:
        parse_hubs("50 % Europe/Madrid, half of the rest in Lagos")
    assert str(caught.value) == (
        "Hub 2 (“half of the rest in Lagos”): write a share and a time zone, for example "
        "“30 % America/Mexico_City”, optionally followed by a region in brackets."
    )
    with pytest.raises(EmptySpread):
        parse_hubs(" \n ")


def test_hubs_even_spread_adds_up_to_100():
    spread = even_spread(["Europe/Madrid", "Asia/Kolkata", "Africa/Lagos"])
    assert [h.percent for h in spread] == [33.34, 33.33, 33.33]
    assert sum(h.percent for h in spread) == pytest.approx(100)


def test_zone_area_is_the_default_region():
    assert [zone_area(z) for z in ("America/Mexico_City", "US/Eastern", "Etc/GMT-5", "UTC")] == [
        "America",
        "America",
        "UTC",
        "UTC",
    ]


# --- The poll's week ----------------------------------------------------------------------------


def test_weekgrid_madrid_evening_is_stored_in_utc():
    # Monday 18:00-19:00 in Madrid in winter (UTC+1) is Monday 17:00-18:00 UTC.
    assert cells_to_utc({36, 37}, offset_minutes("Europe/Madrid", dt.date(2031, 1, 6))) == [
        (68, 72)
    ]


def test_weekgrid_wraps_around_the_week_and_keeps_quarter_hour_zones():
    # Monday 00:00-00:30 in Kathmandu (UTC+5:45) is Sunday 18:15-18:45 UTC.
    assert cells_to_utc({0}, 345) == [(649, 651)]
    assert utc_to_cells([(649, 651)], 345) == frozenset({0})


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    st.frozensets(st.integers(0, 335), max_size=60),
    st.sampled_from(sorted(available_zones())),
    st.dates(dt.date(2026, 1, 1), dt.date(2035, 12, 31)),
)
def test_weekgrid_round_trip_is_exact_in_every_zone(cells, zone, day):
    offset = offset_minutes(zone, day)
    assert utc_to_cells(cells_to_utc(cells, offset), offset) == cells


# --- The horizon's instants ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "minute"),
    [
        ("Europe/Madrid", dt.date(2031, 3, 30), 2 * 60 + 30),  # in the spring gap
        ("Europe/Madrid", dt.date(2031, 10, 26), 2 * 60 + 30),  # in the autumn fold
        ("America/New_York", dt.date(2031, 3, 9), 2 * 60),
        ("Australia/Lord_Howe", dt.date(2031, 4, 6), 1 * 60 + 45),  # a half-hour change
        ("Asia/Kolkata", dt.date(2031, 6, 1), 23 * 60 + 30),
    ],
)
def test_horizon_reads_gaps_and_folds_like_lib_tz(zone, day, minute):
    local = np.array([(day - dt.date(1970, 1, 1)).days * 1440 + minute], dtype=np.int64)
    wall = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
    expected = to_utc_lenient(wall, zone)[0]
    assert int(local_to_instants(zone, local)[0]) * 60 == int(expected.timestamp())


def test_horizon_slot_instants_follow_the_slot_zone():
    instants = slot_instants([Slot(0, 18 * 60, "Europe/Madrid")], Horizon(dt.date(2031, 3, 24), 2))
    assert [dt.datetime.fromtimestamp(int(i) * 60, dt.UTC).hour for i in instants[0]] == [17, 16]
    assert offsets_at("America/New_York", instants[0]).tolist() == [-240, -240]


# --- Members as a list or as columns; whole or fractional weights -------------------------------


def _request(members) -> PlanRequest:
    return PlanRequest(
        members=members, k=2, horizon=Horizon(dt.date(2031, 3, 3), 6), today=TODAY, step_minutes=60
    )


def test_members_as_columns_plan_like_members_as_a_list():
    cells = frozenset(range(36, 42))
    listed = [
        Member("Europe/Madrid", 2.0, "", cells),
        Member("Asia/Kolkata"),
        Member("America/Bogota", 1.0, "Latin America", cells),
    ]
    grid = np.zeros((3, 336), dtype=bool)
    grid[0, list(cells)] = True
    grid[2, list(cells)] = True
    columns = MemberTable(
        zones=["Europe/Madrid", "Asia/Kolkata", "America/Bogota"],
        weights=np.array([2.0, 1.0, 1.0]),
        regions=["", "", "Latin America"],
        availability=grid,
        stated=np.array([True, False, True]),
    )
    a, b = plan_rotation(_request(listed)), plan_rotation(_request(columns))
    assert [s.slot for s in a.slots] == [s.slot for s in b.slots]
    assert (a.min_region_share, a.overall_share, a.comfort_share) == (
        b.min_region_share,
        b.overall_share,
        b.comfort_share,
    )
    assert [r.region for r in a.regions] == ["Europe", "Asia", "Latin America"]


def test_fractional_weights_plan_like_scaled_whole_ones():
    zones = ["Europe/Madrid", "Asia/Kolkata", "America/Bogota", "Pacific/Auckland"]
    whole = plan_rotation(
        _request([Member(z, w) for z, w in zip(zones, [3, 1, 2, 1], strict=True)])
    )
    odd = plan_rotation(
        _request([Member(z, w / 7.123) for z, w in zip(zones, [3, 1, 2, 1], strict=True)])
    )
    assert whole.stats.arithmetic == "exact integers"
    assert odd.stats.arithmetic == "float64"
    assert [s.slot for s in odd.slots] == [s.slot for s in whole.slots]
    assert odd.overall_share == pytest.approx(whole.overall_share)


def test_rotation_as_large_as_the_candidates_uses_each_once():
    request = dataclasses.replace(
        _request([Member("Europe/Madrid"), Member("Asia/Tokyo")]),
        k=3,
        candidates=[Slot(0, 9 * 60, "UTC"), Slot(0, 12 * 60, "UTC"), Slot(2, 6 * 60, "UTC")],
    )
    plan = plan_rotation(request)
    assert sorted(s.slot for s in plan.slots) == sorted(request.candidates)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(
            st.frozensets(st.integers(0, 335), max_size=40),
            st.sampled_from([0, 60, -300, 330, 345, -570, 765]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_weekgrid_many_answers_at_once_read_like_one_at_a_time(answers):
    stored = [(cells_to_utc(cells, offset), offset) for cells, offset in answers]
    grid = answers_grid(stored)
    for row, (cells, _) in enumerate(answers):
        assert frozenset(np.flatnonzero(grid[row]).tolist()) == cells
