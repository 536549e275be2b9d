"""The rules of registration on plain values: window, seats, reminders, retries, retention."""

from __future__ import annotations

import datetime as dt

import pytest

from clinicdesk.registration import rules
from clinicdesk.registration.rules import Availability, Place, Window

START = dt.datetime(2030, 6, 17, 13, 0, tzinfo=dt.UTC)


def window(**changes) -> Window:
    values = {
        "is_open": True,
        "opens_at": dt.datetime(2030, 6, 1, 0, 0, tzinfo=dt.UTC),
        "closes_at": dt.datetime(2030, 6, 16, 23, 59, tzinfo=dt.UTC),
        "session_status": "open",
        "session_starts_at": START,
        "session_date": START.date(),
    }
    values.update(changes)
    return Window(**values)


@pytest.mark.parametrize(
    ("changes", "now", "expected"),
    [
        ({}, dt.datetime(2030, 6, 10, tzinfo=dt.UTC), Availability.OPEN),
        ({}, dt.datetime(2030, 5, 31, 23, 59, tzinfo=dt.UTC), Availability.NOT_YET_OPEN),
        ({}, dt.datetime(2030, 6, 16, 23, 59, tzinfo=dt.UTC), Availability.CLOSED),
        ({"closes_at": None}, dt.datetime(2030, 6, 17, 12, 59, tzinfo=dt.UTC), Availability.OPEN),
        ({"closes_at": None}, START, Availability.OVER),
        ({"is_open": False}, dt.datetime(2030, 6, 10, tzinfo=dt.UTC), Availability.CLOSED),
        ({"session_status": "held"}, dt.datetime(2030, 6, 10, tzinfo=dt.UTC), Availability.HELD),
        (
            {"session_status": "cancelled"},
            dt.datetime(2030, 6, 10, tzinfo=dt.UTC),
            Availability.CANCELLED,
        ),
        (
            {"session_starts_at": None, "closes_at": None},
            dt.datetime(2030, 6, 16, 23, 59, tzinfo=dt.UTC),
            Availability.OPEN,
        ),
        (
            {"session_starts_at": None, "closes_at": None},
            dt.datetime(2030, 6, 17, 0, 0, tzinfo=dt.UTC),
            Availability.CLOSED,
        ),
        (
            {"session_starts_at": None, "session_date": None, "closes_at": None},
            dt.datetime(2040, 1, 1, tzinfo=dt.UTC),
            Availability.OPEN,
        ),
    ],
)
def test_availability_follows_switch_window_and_session(changes, now, expected):
    assert rules.availability(window(**changes), now) == expected


def test_window_deadline_defaults_to_the_start():
    assert window(closes_at=None).deadline == START
    assert window().deadline == dt.datetime(2030, 6, 16, 23, 59, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("capacity", "confirmed", "expected"),
    [
        (None, 10_000, Place.CONFIRMED),
        (2, 1, Place.CONFIRMED),
        (2, 2, Place.WAITLISTED),
        (2, 3, Place.WAITLISTED),
    ],
)
def test_place_for_gives_seats_then_the_waitlist(capacity, confirmed, expected):
    assert rules.place_for(capacity=capacity, confirmed=confirmed) == expected


@pytest.mark.parametrize(
    ("capacity", "confirmed", "waitlisted", "expected"),
    [(2, 1, 5, 1), (2, 2, 5, 0), (2, 3, 5, 0), (10, 1, 3, 3), (None, 7, 4, 4), (5, 0, 0, 0)],
)
def test_seats_to_fill_never_exceeds_free_seats_or_the_waitlist(
    capacity, confirmed, waitlisted, expected
):
    assert rules.seats_to_fill(capacity=capacity, confirmed=confirmed, waitlisted=waitlisted) == (
        expected
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (START - dt.timedelta(hours=25), None),
        (START - dt.timedelta(hours=24), 1440),
        (START - dt.timedelta(hours=3), 1440),
        (START - dt.timedelta(minutes=60), 60),
        (START - dt.timedelta(minutes=5), 60),
        (START, None),
    ],
)
def test_due_reminder_is_the_nearest_whose_time_has_come(now, expected):
    assert rules.due_reminder([1440, 60], starts_at=START, now=now) == expected


def test_reminder_key_changes_when_the_session_moves():
    assert rules.reminder_key(60, START) == "reminder:60:20300617T1300"
    assert rules.reminder_key(60, START + dt.timedelta(days=7)) == "reminder:60:20300624T1300"


def test_needs_reminder_only_for_those_registered_before_its_time():
    early = START - dt.timedelta(days=3)
    late = START - dt.timedelta(hours=2)
    assert rules.needs_reminder(offset_minutes=1440, starts_at=START, registered_at=early)
    assert not rules.needs_reminder(offset_minutes=1440, starts_at=START, registered_at=late)
    assert rules.needs_reminder(offset_minutes=60, starts_at=START, registered_at=late)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h, 1h", [1440, 60]),
        ("24, 1", [1440, 60]),
        ("30m; 2d", [2880, 30]),
        ("90min", [90]),
        ("", []),
        ("1h, 60m", [60]),
    ],
)
def test_parse_offsets_reads_hours_minutes_and_days(text, expected):
    assert rules.parse_offsets(text) == expected


@pytest.mark.parametrize("text", ["soon", "-1h", "0", "31d", "1.5h"])
def test_parse_offsets_refuses_what_is_not_a_time_before(text):
    with pytest.raises(ValueError, match=r".+"):
        rules.parse_offsets(text)


def test_describe_offset_reads_back():
    assert [rules.describe_offset(m) for m in (1440, 60, 90)] == ["24h", "1h", "90m"]
    assert rules.parse_offsets(", ".join(rules.describe_offset(m) for m in (1440, 90))) == [
        1440,
        90,
    ]


def test_session_end_is_the_end_or_the_last_moment_of_its_day():
    end = START + dt.timedelta(minutes=90)
    assert rules.session_end(ends_at=end, session_date=START.date()) == end
    assert rules.session_end(ends_at=None, session_date=dt.date(2030, 6, 17)) == dt.datetime(
        2030, 6, 18, 12, 0, tzinfo=dt.UTC
    )
    assert rules.session_end(ends_at=None, session_date=None) is None


def test_retention_due_after_the_period():
    end = START + dt.timedelta(minutes=90)
    assert not rules.retention_due(ended_at=end, retention_days=90, now=end + dt.timedelta(days=89))
    assert rules.retention_due(ended_at=end, retention_days=90, now=end + dt.timedelta(days=90))
    assert not rules.retention_due(
        ended_at=None, retention_days=1, now=end + dt.timedelta(days=900)
    )
