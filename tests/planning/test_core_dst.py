"""Daylight saving: a community split between Europe and North America loses each other in the
weeks their clocks change on different Sundays, and the report says which weeks and why."""

from __future__ import annotations

import datetime as dt

import pytest

from clinicdesk.planning.core import (
    Horizon,
    Member,
    PlanRequest,
    Slot,
    ZoneShift,
    plan_rotation,
)

# Weekday lunch in New York (12:00-13:30) is weekday evening in Madrid (18:00-19:30) while both
# keep the same distance: six hours. From the second Sunday of March (US) to the last (EU), and
# from the last Sunday of October (EU) to the first of November (US), it is five.
LUNCH = frozenset(day * 48 + cell for day in range(5) for cell in (24, 25, 26))
EVENING = frozenset(day * 48 + cell for day in range(5) for cell in (36, 37, 38))


@pytest.fixture(scope="module")
def plan():
    members = [Member("America/New_York", 1, "", LUNCH)] * 10 + [
        Member("Europe/Madrid", 1, "", EVENING)
    ] * 10
    return plan_rotation(
        PlanRequest(
            members=members,
            k=1,
            horizon=Horizon(dt.date(2031, 3, 3), 35),
            today=dt.date(2031, 1, 1),
            anchor_zone="Europe/Madrid",
        )
    )


def test_dst_rotation_is_madrid_evening_new_york_lunch(plan):
    assert [s.slot for s in plan.slots] == [Slot(0, 18 * 60, "Europe/Madrid")]
    assert plan.proven_optimal


def test_dst_worst_dates_are_the_weeks_out_of_step(plan):
    out_of_step = (ZoneShift("America/New_York", -300, -360),)
    assert [(d.date, d.share, d.usual_share, d.shifted) for d in plan.worst_dates] == [
        (dt.date(2031, 3, 10), 0.5, 1.0, out_of_step),
        (dt.date(2031, 3, 17), 0.5, 1.0, out_of_step),
        (dt.date(2031, 3, 24), 0.5, 1.0, out_of_step),
        (dt.date(2031, 10, 27), 0.5, 1.0, out_of_step),
    ]
    assert plan.worst_dates[0].starts_at == dt.datetime(2031, 3, 10, 17, 0, tzinfo=dt.UTC)


def test_dst_weeks_and_shares_count_every_date(plan):
    low = [(w.week_start, w.share) for w in plan.weeks if w.share < 1]
    assert low == [
        (dt.date(2031, 3, 10), 0.5),
        (dt.date(2031, 3, 17), 0.5),
        (dt.date(2031, 3, 24), 0.5),
        (dt.date(2031, 10, 27), 0.5),
    ]
    assert plan.min_region_share == pytest.approx(31 / 35)
    assert plan.overall_share == pytest.approx((35 + 31) / 70)
    [new_york] = plan.partly_served
    assert (new_york.zone, new_york.members, new_york.served_dates) == (
        "America/New_York",
        10,
        pytest.approx(31 / 35),
    )
    assert plan.left_out == ()


def test_dst_local_times_name_each_change(plan):
    [slot] = plan.slots
    new_york = [t for t in slot.local_times if t.zone == "America/New_York"]
    runs = [(t.minute, t.offset_minutes, t.since, t.until) for t in new_york]
    assert runs == [
        (12 * 60, -300, dt.date(2031, 3, 3), dt.date(2031, 3, 3)),
        (13 * 60, -240, dt.date(2031, 3, 10), dt.date(2031, 3, 24)),
        (12 * 60, -240, dt.date(2031, 3, 31), dt.date(2031, 10, 20)),
        (13 * 60, -240, dt.date(2031, 10, 27), dt.date(2031, 10, 27)),
    ]
    assert {(t.region, t.weekday) for t in new_york} == {("America", 0)}
