"""The time-zone core, property-tested over every IANA zone and every offset change of the
next 24 months: gaps raise, folds need a choice, everything else round-trips."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from clinicdesk.lib import tz
from clinicdesk.lib.tz import (
    AmbiguousLocalTime,
    Fold,
    NonexistentLocalTime,
    Transition,
    UnknownZone,
)

UTC = dt.UTC
HORIZON = dt.timedelta(days=730)
PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@functools.cache
def upcoming_transitions() -> tuple[Transition, ...]:
    """Every offset change of every zone from now to 24 months ahead (about half a second),
    less the few that follow another change of the same zone within two days, where the
    gap and fold arithmetic of one change would overlap the other's."""
    now = dt.datetime.now(UTC).replace(microsecond=0)
    found: list[Transition] = []
    for zone in sorted(tz.available_zones()):
        changes = tz.transitions(zone, now, now + HORIZON)
        for i, change in enumerate(changes):
            neighbours = changes[max(i - 1, 0) : i] + changes[i + 1 : i + 2]
            if all(abs(n.instant - change.instant) > dt.timedelta(days=2) for n in neighbours):
                found.append(change)
    return tuple(found)


TRANSITIONS = upcoming_transitions()


def wall(text: str) -> dt.datetime:
    """A naive wall time, as the functions under test take it."""
    return dt.datetime.fromisoformat(text)


def _edges(change: Transition) -> tuple[dt.datetime, dt.datetime]:
    """The naive wall times the clock shows just before and just after the change."""
    naive = change.instant.replace(tzinfo=None)
    return naive + change.offset_before, naive + change.offset_after


def _expected_kind(change: Transition, wall: dt.datetime) -> str:
    before_edge, after_edge = _edges(change)
    if change.is_gap and before_edge <= wall < after_edge:
        return "gap"
    if not change.is_gap and after_edge <= wall < before_edge:
        return "fold"
    return "normal"


def _wall_of(instant: dt.datetime, zone: str) -> dt.datetime:
    return tz.to_local(instant, zone).replace(tzinfo=None)


# Seconds from the wall time the clock leaves at the change: whole minutes near the edges
# (where the bugs live) and any second within three hours.
_NEAR = st.one_of(
    st.integers(min_value=-180, max_value=180).map(lambda minutes: minutes * 60),
    st.integers(min_value=-3 * 3600, max_value=3 * 3600),
)


# --- The transitions themselves ------------------------------------------------------------------


def test_transitions_cover_every_zone_with_daylight_saving_in_the_next_24_months():
    zones = {change.zone for change in TRANSITIONS}
    assert {"Europe/Madrid", "America/Santiago", "Australia/Lord_Howe"} <= zones
    assert "America/Mexico_City" not in zones  # no daylight saving since 2022
    assert "Asia/Kolkata" not in zones
    # Lord Howe Island moves its clocks by half an hour: not every change is a whole hour.
    assert any(
        abs(c.offset_after - c.offset_before) == dt.timedelta(minutes=30) for c in TRANSITIONS
    )
    assert any(c.is_gap for c in TRANSITIONS)
    assert any(not c.is_gap for c in TRANSITIONS)


def test_transitions_europe_madrid_2026_are_the_two_eu_changes():
    found = tz.transitions(
        "Europe/Madrid", dt.datetime(2026, 1, 1, tzinfo=UTC), dt.datetime(2027, 1, 1, tzinfo=UTC)
    )
    assert found == [
        Transition(
            "Europe/Madrid",
            dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
            dt.timedelta(hours=1),
            dt.timedelta(hours=2),
        ),
        Transition(
            "Europe/Madrid",
            dt.datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
            dt.timedelta(hours=2),
            dt.timedelta(hours=1),
        ),
    ]
    assert found[0].is_gap
    assert not found[1].is_gap


def test_transitions_range_includes_start_and_excludes_end():
    change = dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert len(tz.transitions("Europe/Madrid", change, change + dt.timedelta(days=1))) == 1
    assert tz.transitions("Europe/Madrid", change - dt.timedelta(days=1), change) == []


def test_transitions_zone_without_daylight_saving_has_none():
    start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    assert tz.transitions("Asia/Kolkata", start, start + HORIZON) == []
    assert tz.transitions("UTC", start, start + HORIZON) == []


def test_transitions_refuse_naive_bounds():
    with pytest.raises(ValueError, match="aware"):
        tz.transitions("Europe/Madrid", wall("2026-01-01 00:00"), wall("2027-01-01 00:00"))


@PROPERTY_SETTINGS
@given(change=st.sampled_from(TRANSITIONS))
def test_transitions_offset_differs_one_second_before_and_at_the_instant(change):
    note(repr(change))
    before = change.instant - dt.timedelta(seconds=1)
    assert tz.to_local(before, change.zone).utcoffset() == change.offset_before
    assert tz.to_local(change.instant, change.zone).utcoffset() == change.offset_after
    assert change.offset_before != change.offset_after
    # Found again, alone, from a window of a day on each side.
    day = dt.timedelta(days=1)
    assert tz.transitions(change.zone, change.instant - day, change.instant + day) == [change]


# --- Wall times around every change --------------------------------------------------------------


def test_every_upcoming_change_edges_classify_exactly():
    """Not sampled: the four wall times at the edges of every change of the next 24 months."""
    second = dt.timedelta(seconds=1)
    for change in TRANSITIONS:
        before_edge, after_edge = _edges(change)
        inside = "gap" if change.is_gap else "fold"
        low, high = min(before_edge, after_edge), max(before_edge, after_edge)
        assert tz.wall_time_kind(low - second, change.zone) == "normal", change
        assert tz.wall_time_kind(low, change.zone) == inside, change
        assert tz.wall_time_kind(high - second, change.zone) == inside, change
        assert tz.wall_time_kind(high, change.zone) == "normal", change


@PROPERTY_SETTINGS
@given(change=st.sampled_from(TRANSITIONS), seconds=_NEAR)
def test_wall_time_near_a_change_behaves_by_its_kind(change, seconds):
    wall = _edges(change)[0] + dt.timedelta(seconds=seconds)
    zone = change.zone
    kind = _expected_kind(change, wall)
    note(f"{change!r} wall={wall} expected={kind}")
    event(kind)
    assert tz.wall_time_kind(wall, zone) == kind
    shift = change.offset_after - change.offset_before

    if kind == "gap":
        for fold in (None, Fold.FIRST, Fold.SECOND):
            with pytest.raises(NonexistentLocalTime) as raised:
                tz.to_utc(wall, zone, fold=fold)
            assert zone in str(raised.value)
        instant, adjusted = tz.to_utc_lenient(wall, zone)
        assert adjusted is True
        assert instant >= change.instant
        # Moved forward by exactly the gap: 02:30 becomes 03:30.
        assert _wall_of(instant, zone) == wall + shift

    elif kind == "fold":
        with pytest.raises(AmbiguousLocalTime) as raised:
            tz.to_utc(wall, zone)
        assert zone in str(raised.value)
        first = tz.to_utc(wall, zone, fold=Fold.FIRST)
        second = tz.to_utc(wall, zone, fold=Fold.SECOND)
        assert second - first == change.offset_before - change.offset_after
        assert first < change.instant <= second
        assert _wall_of(first, zone) == wall
        assert _wall_of(second, zone) == wall
        assert tz.to_utc_lenient(wall, zone) == (first, True)

    else:
        instant = tz.to_utc(wall, zone)
        assert instant.tzinfo is UTC
        assert _wall_of(instant, zone) == wall
        # The fold choice only matters inside a fold.
        assert tz.to_utc(wall, zone, fold=Fold.SECOND) == instant
        assert tz.to_utc_lenient(wall, zone) == (instant, False)


@PROPERTY_SETTINGS
@given(
    zone=st.sampled_from(sorted(tz.available_zones())),
    seconds=st.integers(min_value=0, max_value=int(HORIZON.total_seconds())),
)
def test_any_instant_in_any_zone_round_trips_through_its_wall_time(zone, seconds):
    instant = dt.datetime(2026, 1, 1, tzinfo=UTC) + dt.timedelta(seconds=seconds)
    local = tz.to_local(instant, zone)
    assert local.utcoffset() is not None
    back = tz.to_utc(local.replace(tzinfo=None), zone, fold=Fold(local.fold))
    assert back == instant


# --- Fixed cases ----------------------------------------------------------------------------------


def test_to_utc_madrid_gap_and_fold_2026():
    with pytest.raises(NonexistentLocalTime, match="2026-03-29 02:30 does not exist"):
        tz.to_utc(wall("2026-03-29 02:30"), "Europe/Madrid")
    assert tz.to_utc_lenient(wall("2026-03-29 02:30"), "Europe/Madrid") == (
        dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        True,
    )
    with pytest.raises(AmbiguousLocalTime, match="happens twice"):
        tz.to_utc(wall("2026-10-25 02:30"), "Europe/Madrid")
    assert tz.to_utc(wall("2026-10-25 02:30"), "Europe/Madrid", fold=Fold.FIRST) == (
        dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    )
    assert tz.to_utc(wall("2026-10-25 02:30"), "Europe/Madrid", fold=Fold.SECOND) == (
        dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    )


def test_to_utc_refuses_aware_wall_time_and_to_local_naive_instant():
    with pytest.raises(ValueError, match="naive"):
        tz.to_utc(dt.datetime(2026, 1, 1, tzinfo=UTC), "Europe/Madrid")
    with pytest.raises(ValueError, match="aware"):
        tz.to_local(wall("2026-01-01 00:00"), "Europe/Madrid")


def test_get_zone_unknown_raises_with_clear_message():
    with pytest.raises(UnknownZone) as raised:
        tz.get_zone("Mars/Olympus_Mons")
    assert str(raised.value) == (
        "“Mars/Olympus_Mons” is not a known IANA time zone (for example Europe/Madrid)."
    )
    assert raised.value.name == "Mars/Olympus_Mons"
    assert isinstance(raised.value, ValueError)
    with pytest.raises(UnknownZone):
        tz.to_utc(wall("2026-01-01 12:00"), "europe/madrid")  # names are case-sensitive
    assert not tz.is_zone("")


def test_available_zones_exclude_the_servers_own_clock():
    assert tz.is_zone("Europe/Madrid")
    assert tz.is_zone("UTC")
    for name in ("localtime", "posixrules", "Factory"):
        assert not tz.is_zone(name)
        with pytest.raises(UnknownZone):
            tz.get_zone(name)


@pytest.mark.parametrize(
    ("offset", "label"),
    [
        (dt.timedelta(hours=5, minutes=30), "UTC+5:30"),
        (dt.timedelta(hours=5, minutes=45), "UTC+5:45"),
        (-dt.timedelta(hours=3, minutes=30), "UTC-3:30"),
        (dt.timedelta(hours=-5), "UTC-5"),
        (dt.timedelta(hours=14), "UTC+14"),
        (dt.timedelta(0), "UTC"),
        (None, "UTC"),
        # Historical offsets with seconds: whole minutes toward zero, the same on both sides.
        (-dt.timedelta(minutes=25, seconds=21), "UTC-0:25"),
        (dt.timedelta(minutes=25, seconds=21), "UTC+0:25"),
        (dt.timedelta(seconds=-30), "UTC"),
    ],
)
def test_format_offset(offset, label):
    assert tz.format_offset(offset) == label


def test_world_clock_day_shift_across_the_date_line():
    # 20:00 UTC on 15 January 2026: noon in Los Angeles, 09:00 the next day in Auckland.
    instant = dt.datetime(2026, 1, 15, 20, 0, tzinfo=UTC)
    readings = tz.world_clock(
        instant, ["Pacific/Auckland", "America/Los_Angeles"], "America/Los_Angeles"
    )
    assert [
        (r.zone, r.local.replace(tzinfo=None), r.offset_label, r.day_shift) for r in readings
    ] == [
        ("Pacific/Auckland", wall("2026-01-16 09:00"), "UTC+13", 1),
        ("America/Los_Angeles", wall("2026-01-15 12:00"), "UTC-8", 0),
    ]
    from_auckland = tz.world_clock(instant, ["America/Los_Angeles"], "Pacific/Auckland")
    assert from_auckland[0].day_shift == -1


def test_world_clock_offsets_follow_the_date_not_today():
    summer = tz.world_clock(dt.datetime(2026, 7, 1, 12, tzinfo=UTC), ["Europe/Madrid"], "UTC")
    winter = tz.world_clock(dt.datetime(2026, 1, 15, 12, tzinfo=UTC), ["Europe/Madrid"], "UTC")
    assert summer[0].offset_label == "UTC+2"
    assert winter[0].offset_label == "UTC+1"


def test_world_clock_unknown_zone_raises():
    with pytest.raises(UnknownZone):
        tz.world_clock(dt.datetime(2026, 1, 1, tzinfo=UTC), ["Nowhere/City"], "UTC")
