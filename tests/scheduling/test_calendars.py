"""iCalendar files, parsed back with icalendar: one per session and a feed per program."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from clinicdesk.lib.tz import Fold
from clinicdesk.scheduling import services
from clinicdesk.scheduling.calendars import CalendarEvent, build_calendar
from tests.conftest import make_session

UTC = dt.UTC
MADRID = "Europe/Madrid"
FEED = "/programs/wikimedia-clinics/calendar.ics"


@pytest.fixture(autouse=True)
def _empty_page_cache():
    cache.clear()
    yield
    cache.clear()
    # A request under /es/ leaves Spanish active in this thread for the tests that follow.
    translation.activate(settings.LANGUAGE_CODE)


def _ics(number: int) -> str:
    return f"/programs/wikimedia-clinics/sessions/{number}/calendar.ics"


def _parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.content)


def _only_event(calendar: icalendar.Calendar) -> icalendar.Event:
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def _utc_start(calendar: icalendar.Calendar, event: icalendar.Event) -> dt.datetime:
    """DTSTART read through the calendar's own VTIMEZONE, not the local zone database."""
    start = event["DTSTART"]
    zones = {str(c["TZID"]): c for c in calendar.walk("VTIMEZONE")}
    own_zone = zones[start.params["TZID"]].to_tz(lookup_tzid=False)
    return start.dt.replace(tzinfo=own_zone).astimezone(UTC)


# --- One session --------------------------------------------------------------------------------


def test_session_calendar_headers(client, program):
    make_session(program, 1)
    response = client.get(_ics(1))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="wikimedia-clinics-001.ics"'


def test_session_calendar_event_fields(client, program, staff_people):
    session = make_session(
        program,
        10,
        start_date=dt.date(2030, 9, 15),
        start_time=dt.time(13, 0),
        meeting_url="https://meet.example.org/clinic",
        hosts=staff_people,
    )
    services.add_segment(
        session=session,
        title="Abstract Wikipedia",
        presenter="Denny Vrandečić",
        start_offset_minutes=10,
        duration_minutes=30,
    )
    calendar = _parse(client.get(_ics(10)))
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Wikimedia Clinics #010"
    event = _only_event(calendar)
    assert str(event["UID"]) == f"{session.uid}@clinicdesk"
    assert str(event["SUMMARY"]) == "Wikimedia Clinics #010"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert event["DTSTART"].dt == dt.datetime(2030, 9, 15, 13, 0, tzinfo=UTC)
    assert event["DURATION"].dt == dt.timedelta(minutes=90)
    page = "http://testserver/programs/wikimedia-clinics/sessions/10/"
    assert str(event["URL"]) == page
    assert str(event["LOCATION"]) == "https://meet.example.org/clinic"
    assert str(event["DESCRIPTION"]) == (
        "Wikimedia Clinics #010\n"
        "+10 min: Abstract Wikipedia (Denny Vrandečić)\n"
        "https://meet.example.org/clinic\n" + page
    )


@pytest.mark.parametrize(
    ("day", "expected_utc"),
    [
        (dt.date(2030, 1, 17), dt.datetime(2030, 1, 17, 17, 0, tzinfo=UTC)),  # CET, UTC+1
        (dt.date(2030, 7, 17), dt.datetime(2030, 7, 17, 16, 0, tzinfo=UTC)),  # CEST, UTC+2
    ],
)
def test_session_calendar_keeps_madrid_wall_time_with_vtimezone(client, program, day, expected_utc):
    make_session(program, 1, start_date=day, start_time=dt.time(18, 0), time_zone=MADRID)
    calendar = _parse(client.get(_ics(1)))
    event = _only_event(calendar)
    start = event["DTSTART"]
    assert start.params["TZID"] == MADRID
    assert start.dt.replace(tzinfo=None) == dt.datetime.combine(day, dt.time(18, 0))
    assert [str(c["TZID"]) for c in calendar.walk("VTIMEZONE")] == [MADRID]
    assert _utc_start(calendar, event) == expected_utc
    assert start.dt.astimezone(UTC) == expected_utc


@pytest.mark.parametrize(
    ("fold", "expected_utc"),
    [
        (Fold.FIRST, dt.datetime(2030, 10, 27, 0, 30, tzinfo=UTC)),
        (Fold.SECOND, dt.datetime(2030, 10, 27, 1, 30, tzinfo=UTC)),
    ],
)
def test_session_calendar_in_the_fold_keeps_the_chosen_reading(client, program, fold, expected_utc):
    # 02:30 happens twice in Madrid on 27 October 2030. RFC 5545 reads a repeated local time
    # as its first occurrence, so the second one has to be written in UTC.
    make_session(
        program,
        1,
        start_date=dt.date(2030, 10, 27),
        start_time=dt.time(2, 30),
        time_zone=MADRID,
        fold=fold,
    )
    calendar = _parse(client.get(_ics(1)))
    start = _only_event(calendar)["DTSTART"]
    if fold is Fold.FIRST:
        assert start.params["TZID"] == MADRID
        assert _utc_start(calendar, _only_event(calendar)) == expected_utc
    else:
        assert "TZID" not in start.params
        assert start.dt == expected_utc
        assert start.to_ical() == b"20301027T013000Z"


def test_session_without_time_of_day_is_an_all_day_event(client, program):
    make_session(program, 2, start_date=dt.date(2030, 1, 20), start_time=None)
    calendar = _parse(client.get(_ics(2)))
    event = _only_event(calendar)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert event["DTSTART"].dt == dt.date(2030, 1, 20)
    assert event["DTEND"].dt == dt.date(2030, 1, 21)
    assert "DURATION" not in event
    assert calendar.walk("VTIMEZONE") == []


def test_session_without_date_gives_a_calendar_without_events(client, program):
    make_session(program, 3, start_date=None, start_time=None)
    calendar = _parse(client.get(_ics(3)))
    assert calendar.walk("VEVENT") == []


def test_session_known_only_by_its_month_has_no_event_anywhere(client, program):
    # A calendar event needs a day; the month is not made into a guessed first day.
    make_session(
        program, 3, start_date=None, start_time=None, date_precision="month",
        start_month=dt.date(2031, 1, 1),
    )  # fmt: skip
    dated = make_session(program, 4, start_date=dt.date(2031, 1, 20), start_time=None)

    assert _parse(client.get(_ics(3))).walk("VEVENT") == []
    assert [str(e["UID"]) for e in _parse(client.get(FEED)).walk("VEVENT")] == [
        f"{dated.uid}@clinicdesk"
    ]


def test_session_calendar_uid_stable_and_sequence_follows_the_time(client, program):
    session = make_session(
        program, 1, start_date=dt.date(2030, 1, 17), start_time=dt.time(18, 0), time_zone=MADRID
    )
    first = _only_event(_parse(client.get(_ics(1))))

    services.update_session(session=session, spoken_languages=["es", "en"])
    languages_only = _only_event(_parse(client.get(_ics(1))))
    assert languages_only["UID"] == first["UID"]
    assert languages_only["SEQUENCE"] == 0

    services.update_session(session=session, start_time=dt.time(19, 0))
    moved_calendar = _parse(client.get(_ics(1)))
    moved = _only_event(moved_calendar)
    assert moved["UID"] == first["UID"]
    assert moved["SEQUENCE"] == 1
    assert _utc_start(moved_calendar, moved) == dt.datetime(2030, 1, 17, 18, 0, tzinfo=UTC)

    services.update_session(session=session, title="Clinic about maps")
    retitled = _only_event(_parse(client.get(_ics(1))))
    assert (retitled["UID"], retitled["SEQUENCE"]) == (first["UID"], 2)
    assert str(retitled["SUMMARY"]) == "Clinic about maps"


def test_cancelled_session_calendar_says_cancelled(client, program):
    session = make_session(program, 1)
    services.cancel_session(session=session)
    event = _only_event(_parse(client.get(_ics(1))))
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1


# --- The program feed ---------------------------------------------------------------------------


def test_program_feed_lists_dated_sessions_in_their_own_zones(client, program):
    winter = make_session(
        program, 1, start_date=dt.date(2030, 1, 17), start_time=dt.time(18, 0), time_zone=MADRID
    )
    summer = make_session(
        program, 2, start_date=dt.date(2030, 7, 17), start_time=dt.time(18, 0), time_zone=MADRID
    )
    all_day = make_session(program, 3, start_date=dt.date(2030, 8, 1), start_time=None)
    make_session(program, 4, start_date=None, start_time=None)  # date to be discussed
    response = client.get(FEED)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="wikimedia-clinics.ics"'
    calendar = _parse(response)
    assert str(calendar["X-WR-CALNAME"]) == "Wikimedia Clinics"
    assert "METHOD" not in calendar
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"{s.uid}@clinicdesk" for s in (winter, summer, all_day)}
    assert [str(c["TZID"]) for c in calendar.walk("VTIMEZONE")] == [MADRID]
    assert _utc_start(calendar, events[f"{winter.uid}@clinicdesk"]) == dt.datetime(
        2030, 1, 17, 17, 0, tzinfo=UTC
    )
    assert _utc_start(calendar, events[f"{summer.uid}@clinicdesk"]) == dt.datetime(
        2030, 7, 17, 16, 0, tzinfo=UTC
    )
    assert events[f"{all_day.uid}@clinicdesk"]["DTSTART"].dt == dt.date(2030, 8, 1)
    assert str(events[f"{summer.uid}@clinicdesk"]["URL"]) == (
        "http://testserver/programs/wikimedia-clinics/sessions/2/"
    )


def test_program_feed_shows_a_cancellation_at_once(client, program):
    session = make_session(program, 1)
    before = _only_event(_parse(client.get(FEED)))
    services.cancel_session(session=session)
    after = _only_event(_parse(client.get(FEED)))
    assert after["UID"] == before["UID"]
    assert (str(after["STATUS"]), after["SEQUENCE"]) == ("CANCELLED", 1)


def test_program_feed_without_sessions_is_an_empty_calendar(client, program):
    calendar = _parse(client.get(FEED))
    assert calendar.walk("VEVENT") == []


def test_program_feed_queries_do_not_grow_with_sessions(client, program, staff_people):
    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(FEED).status_code == 200
        return len(queries)

    def add(number: int) -> None:
        session = make_session(program, number, hosts=staff_people)
        services.add_segment(session=session, title=f"Topic {number}")

    add(1)
    one = count()
    add(2)
    add(3)
    assert count() == one
    assert one == 4  # version, program, sessions, segments: not the hosts the feed leaves out


# --- Malformed requests -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/programs/x/sessions/abc/calendar.ics",
        "/programs/nope/calendar.ics",
        "/programs/nope/sessions/1/calendar.ics",
        "/programs/wikimedia-clinics/sessions/2/calendar.ics",
        "/programs/wikimedia-clinics/sessions/-1/calendar.ics",
        "/programs/wikimedia-clinics/sessions/99999999999999999999999/calendar.ics",
    ],
)
def test_malformed_or_unknown_calendar_is_404(client, program, path):
    make_session(program, 1)
    assert client.get(path).status_code == 404


def test_calendar_refuses_post(client, program):
    make_session(program, 1)
    assert client.post(_ics(1)).status_code == 405
    assert client.post(FEED).status_code == 405


# --- build_calendar, pure -----------------------------------------------------------------------


def _event(**fields) -> CalendarEvent:
    values = {
        "uid": "1@clinicdesk",
        "summary": "Call",
        "sequence": 3,
        "stamp": dt.datetime(2026, 1, 1, 12, 0, tzinfo=UTC),
        "cancelled": False,
        "url": "https://clinics.example.org/programs/p/sessions/1/",
        "description": "Call",
    }
    values.update(fields)
    return CalendarEvent(**values)


def test_build_calendar_skips_events_without_a_date():
    body = build_calendar([_event()], name="Feed")
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE") == []


def test_build_calendar_one_vtimezone_per_zone_used():
    events = [
        _event(
            uid="1@c",
            start=dt.datetime(2030, 1, 17, 18, tzinfo=ZoneInfo(MADRID)),
            duration=dt.timedelta(minutes=70),
        ),
        _event(
            uid="2@c",
            start=dt.datetime(2030, 1, 19, 8, tzinfo=ZoneInfo("America/Mexico_City")),
            cancelled=True,
        ),
        _event(uid="3@c", start=dt.datetime(2030, 1, 21, 8, tzinfo=ZoneInfo(MADRID))),
    ]
    calendar = icalendar.Calendar.from_ical(build_calendar(events, name="Feed", method="PUBLISH"))
    assert sorted(str(c["TZID"]) for c in calendar.walk("VTIMEZONE")) == [
        "America/Mexico_City",
        MADRID,
    ]
    parsed = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert parsed["1@c"]["DURATION"].dt == dt.timedelta(minutes=70)
    assert parsed["2@c"]["DURATION"].dt == dt.timedelta(minutes=60)  # none given
    assert str(parsed["2@c"]["STATUS"]) == "CANCELLED"
    assert parsed["3@c"]["SEQUENCE"] == 3
    assert parsed["3@c"]["DTSTAMP"].dt == dt.datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
