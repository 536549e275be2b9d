"""Planning the next calls of a rotation: pure, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from clinicdesk.lib.tz import UnknownZone
from clinicdesk.scheduling.cadence import PlannedCall, WeeklySlot, next_slot_index, plan_calls

UTC = dt.UTC
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, SUNDAY = 0, 1, 2, 3, 6

# Seed 000: Monday 17:30 UTC and Wednesday 08:00 UTC, alternating.
SEED_SLOTS = [
    WeeklySlot(MONDAY, dt.time(17, 30), "UTC"),
    WeeklySlot(WEDNESDAY, dt.time(8, 0), "UTC"),
]


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_plan_calls_reproduces_the_first_two_clinics_of_seed_000():
    calls = plan_calls(SEED_SLOTS, after=_utc(2020, 6, 14), count=2, min_gap_days=2)
    assert calls == [
        PlannedCall(
            0, dt.date(2020, 6, 15), dt.time(17, 30), "UTC", _utc(2020, 6, 15, 17, 30), False
        ),
        PlannedCall(1, dt.date(2020, 6, 17), dt.time(8, 0), "UTC", _utc(2020, 6, 17, 8, 0), False),
    ]


def test_plan_calls_alternates_slots():
    calls = plan_calls(SEED_SLOTS, after=_utc(2020, 6, 14), count=5, min_gap_days=2)
    assert [c.slot_index for c in calls] == [0, 1, 0, 1, 0]
    assert [c.date for c in calls] == [
        dt.date(2020, 6, 15),
        dt.date(2020, 6, 17),
        dt.date(2020, 6, 22),
        dt.date(2020, 6, 24),
        dt.date(2020, 6, 29),
    ]


def test_plan_calls_respects_min_gap_days():
    calls = plan_calls(SEED_SLOTS, after=_utc(2020, 6, 14), count=4, min_gap_days=7)
    assert [c.date for c in calls] == [
        dt.date(2020, 6, 15),
        dt.date(2020, 6, 24),  # Wednesday 17 June is only two days after the Monday
        dt.date(2020, 7, 6),
        dt.date(2020, 7, 15),
    ]


def test_plan_calls_min_gap_counts_local_dates_not_hours():
    # Monday 23:00 in Los Angeles is Tuesday 06:00 UTC; Wednesday 08:00 in Tokyo is Tuesday
    # 23:00 UTC: 17 hours apart, yet two local dates apart, which is what the gap counts.
    slots = [
        WeeklySlot(MONDAY, dt.time(23, 0), "America/Los_Angeles"),
        WeeklySlot(WEDNESDAY, dt.time(8, 0), "Asia/Tokyo"),
    ]
    calls = plan_calls(slots, after=_utc(2020, 6, 14), count=2, min_gap_days=2)
    assert [(c.date, c.starts_at) for c in calls] == [
        (dt.date(2020, 6, 15), _utc(2020, 6, 16, 6, 0)),
        (dt.date(2020, 6, 17), _utc(2020, 6, 16, 23, 0)),
    ]
    later = plan_calls(slots, after=_utc(2020, 6, 14), count=2, min_gap_days=3)
    assert later[1].date == dt.date(2020, 6, 24)


def test_plan_calls_keep_order_across_the_date_line():
    # Monday 23:00 in Honolulu (UTC-10) is Tuesday 09:00 UTC; the next local day, Tuesday 08:00
    # in Kiritimati (UTC+14), is Monday 18:00 UTC: earlier. The next call waits a week.
    slots = [
        WeeklySlot(MONDAY, dt.time(23, 0), "Pacific/Honolulu"),
        WeeklySlot(TUESDAY, dt.time(8, 0), "Pacific/Kiritimati"),
    ]
    calls = plan_calls(slots, after=_utc(2020, 6, 14), count=4, min_gap_days=1)
    assert [c.starts_at for c in calls] == [
        _utc(2020, 6, 16, 9, 0),
        _utc(2020, 6, 22, 18, 0),
        _utc(2020, 6, 30, 9, 0),
        _utc(2020, 7, 6, 18, 0),
    ]


def test_plan_calls_first_call_strictly_after_after():
    at_start = plan_calls(SEED_SLOTS, after=_utc(2020, 6, 15, 17, 30), count=1)
    assert at_start[0].date == dt.date(2020, 6, 22)
    just_before = plan_calls(SEED_SLOTS, after=_utc(2020, 6, 15, 17, 29, 59), count=1)
    assert just_before[0].date == dt.date(2020, 6, 15)


def test_plan_calls_first_slot_picks_where_the_rotation_resumes():
    calls = plan_calls(SEED_SLOTS, after=_utc(2020, 6, 14), count=3, min_gap_days=2, first_slot=1)
    assert [(c.slot_index, c.date) for c in calls] == [
        (1, dt.date(2020, 6, 17)),
        (0, dt.date(2020, 6, 22)),
        (1, dt.date(2020, 6, 24)),
    ]


def test_plan_calls_after_in_another_zone_reads_the_slots_local_date():
    # 23:30 UTC on Sunday 14 June is already Monday 15 June in Tokyo.
    slots = [WeeklySlot(MONDAY, dt.time(9, 0), "Asia/Tokyo")]
    calls = plan_calls(slots, after=_utc(2020, 6, 14, 23, 30), count=1)
    assert (calls[0].date, calls[0].starts_at) == (dt.date(2020, 6, 15), _utc(2020, 6, 15, 0, 0))


def test_plan_calls_madrid_slot_keeps_local_time_across_the_march_change():
    slots = [WeeklySlot(THURSDAY, dt.time(18, 0), "Europe/Madrid")]
    calls = plan_calls(slots, after=_utc(2026, 3, 20), count=3)
    assert [(c.date, c.time, c.starts_at, c.adjusted) for c in calls] == [
        (dt.date(2026, 3, 26), dt.time(18, 0), _utc(2026, 3, 26, 17, 0), False),
        (dt.date(2026, 4, 2), dt.time(18, 0), _utc(2026, 4, 2, 16, 0), False),
        (dt.date(2026, 4, 9), dt.time(18, 0), _utc(2026, 4, 9, 16, 0), False),
    ]


def test_plan_calls_slot_in_the_gap_is_moved_forward_and_flagged():
    slots = [WeeklySlot(SUNDAY, dt.time(2, 30), "Europe/Madrid")]
    calls = plan_calls(slots, after=_utc(2026, 3, 25), count=2)
    # 02:30 does not exist on 29 March 2026 in Madrid: the call starts at 03:30 CEST.
    assert (calls[0].date, calls[0].starts_at, calls[0].adjusted) == (
        dt.date(2026, 3, 29),
        _utc(2026, 3, 29, 1, 30),
        True,
    )
    assert (calls[1].date, calls[1].starts_at, calls[1].adjusted) == (
        dt.date(2026, 4, 5),
        _utc(2026, 4, 5, 0, 30),
        False,
    )


def test_plan_calls_slot_in_the_fold_takes_the_first_reading_and_is_flagged():
    slots = [WeeklySlot(SUNDAY, dt.time(2, 30), "Europe/Madrid")]
    calls = plan_calls(slots, after=_utc(2026, 10, 20), count=1)
    assert (calls[0].date, calls[0].starts_at, calls[0].adjusted) == (
        dt.date(2026, 10, 25),
        _utc(2026, 10, 25, 0, 30),
        True,
    )


def test_plan_calls_zero_count_is_empty():
    assert plan_calls(SEED_SLOTS, after=_utc(2020, 6, 14), count=0) == []


def test_plan_calls_without_slots_raises():
    with pytest.raises(ValueError, match="at least one weekly slot"):
        plan_calls([], after=_utc(2020, 6, 14), count=1)


def test_plan_calls_refuses_negative_count_and_naive_after():
    with pytest.raises(ValueError, match="negative"):
        plan_calls(SEED_SLOTS, after=_utc(2020, 6, 14), count=-1)
    with pytest.raises(ValueError, match="aware"):
        plan_calls(SEED_SLOTS, after=dt.datetime.fromisoformat("2020-06-14 00:00"), count=1)


def test_weekly_slot_validates_weekday_and_zone():
    with pytest.raises(ValueError, match="weekday must be 0"):
        WeeklySlot(7, dt.time(9, 0), "UTC")
    with pytest.raises(UnknownZone):
        WeeklySlot(0, dt.time(9, 0), "Europe/Atlantis")


def test_next_slot_index_follows_the_matching_slot():
    assert next_slot_index(SEED_SLOTS, MONDAY, dt.time(17, 30), "UTC") == 1
    assert next_slot_index(SEED_SLOTS, WEDNESDAY, dt.time(8, 0), "UTC") == 0  # wraps around


def test_next_slot_index_without_match_starts_at_zero():
    assert next_slot_index(SEED_SLOTS, MONDAY, dt.time(17, 30), "Europe/Madrid") == 0
    assert next_slot_index(SEED_SLOTS, TUESDAY, dt.time(17, 30), "UTC") == 0


def test_plan_calls_keep_the_gap_from_the_call_before_the_first():
    # The last call was Monday 15 June: with a 7-day gap the Wednesday after it is too soon.
    calls = plan_calls(
        SEED_SLOTS,
        after=_utc(2020, 6, 15, 17, 30),
        count=2,
        min_gap_days=7,
        first_slot=1,
        previous_date=dt.date(2020, 6, 15),
    )
    assert [(c.slot_index, c.date) for c in calls] == [
        (1, dt.date(2020, 6, 24)),
        (0, dt.date(2020, 7, 6)),
    ]
    without = plan_calls(
        SEED_SLOTS, after=_utc(2020, 6, 15, 17, 30), count=1, min_gap_days=7, first_slot=1
    )
    assert without[0].date == dt.date(2020, 6, 17)
