"""Planning's writes: polls open and close, answers are stored in UTC and changed through
their link, settings are remembered, and applying a plan sets the rotation and schedules the
horizon's sessions through scheduling's services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinicdesk.planning import services
from clinicdesk.planning.core.weekgrid import utc_to_cells
from clinicdesk.planning.models import AvailabilityPoll, PlannerSettings
from clinicdesk.scheduling.cadence import WeeklySlot
from clinicdesk.scheduling.models import ClinicSession, Program
from tests.conftest import make_session
from tests.planning.conftest import EVENINGS, HUBS, STAFF

NOW = dt.datetime(2030, 1, 7, 12, 0, tzinfo=dt.UTC)


def _version(program: Program) -> int:
    return Program.objects.get(pk=program.pk).content_version


def test_services_open_close_reopen_keep_answers(program):
    before = _version(program)
    poll = services.open_poll(program=program, now=NOW)
    assert (poll.is_open, poll.opened_at, _version(program)) == (True, NOW, before + 1)
    assert services.open_poll(program=program, now=NOW) == poll  # already open: the same
    services.answer_poll(poll=poll, time_zone="Europe/Madrid", cells=[36], today=NOW.date())

    services.close_poll(poll=poll, now=NOW)
    poll.refresh_from_db()
    assert (poll.is_open, poll.closed_at, _version(program)) == (False, NOW, before + 2)
    again = services.open_poll(program=program, now=NOW)
    assert (again.pk, again.is_open, again.closed_at, again.answers.count()) == (
        poll.pk,
        True,
        None,
        1,
    )


def test_services_new_poll_closes_the_open_one(program, poll):
    fresh = services.start_new_poll(program=program, now=NOW)
    poll.refresh_from_db()
    assert (poll.is_open, fresh.is_open, fresh.answers.count()) == (False, True, 0)
    assert AvailabilityPoll.objects.filter(program=program, is_open=True).count() == 1


def test_services_answer_is_stored_in_utc_with_its_offset(poll):
    # Monday 18:00-21:00 in Madrid, in winter: 17:00-20:00 UTC, quarter-hours 68-80.
    answer = services.answer_poll(
        poll=poll,
        time_zone="Europe/Madrid",
        cells=[36, 37, 38, 39, 40, 41],
        today=dt.date(2030, 1, 7),
    )
    answer.refresh_from_db()
    assert (answer.time_zone, answer.utc_offset_minutes, answer.utc_quarters) == (
        "Europe/Madrid",
        60,
        [[68, 80]],
    )
    assert utc_to_cells(answer.utc_quarters, answer.utc_offset_minutes) == frozenset(range(36, 42))


@pytest.mark.parametrize(
    ("zone", "cells", "message"),
    [
        ("Mars/Base", [36], "“Mars/Base” is not a known time zone (for example Europe/Madrid)."),
        ("Europe/Madrid", [], "Mark at least one half-hour you can attend."),
        ("Europe/Madrid", [400], "Mark half-hours of the week shown."),
    ],
)
def test_services_answer_refuses_what_it_cannot_use(poll, zone, cells, message):
    with pytest.raises(ValidationError) as caught:
        services.answer_poll(poll=poll, time_zone=zone, cells=cells, today=NOW.date())
    assert caught.value.messages == [message]
    assert poll.answers.count() == 0


def test_services_closed_poll_takes_no_answers(poll):
    services.close_poll(poll=poll, now=NOW)
    with pytest.raises(ValidationError) as caught:
        services.answer_poll(poll=poll, time_zone="Europe/Madrid", cells=[1], today=NOW.date())
    assert caught.value.messages == ["This poll is closed: it takes no more answers."]


def test_services_change_and_withdraw_an_answer(poll):
    answer = services.answer_poll(
        poll=poll, time_zone="Europe/Madrid", cells=[36], today=NOW.date()
    )
    services.change_answer(
        answer=answer, time_zone="Asia/Kolkata", cells=EVENINGS, today=NOW.date()
    )
    answer.refresh_from_db()
    assert answer.time_zone == "Asia/Kolkata"
    assert utc_to_cells(answer.utc_quarters, answer.utc_offset_minutes) == frozenset(EVENINGS)
    services.withdraw_answer(answer=answer)
    assert poll.answers.count() == 0


def test_services_settings_are_saved_once_and_changed_in_place(program, django_assert_num_queries):
    services.save_planner_settings(program=program, hubs=HUBS, staff=STAFF)
    settings = PlannerSettings.objects.get(program=program)
    assert settings.hubs[0] == {"zone": "America/Mexico_City", "percent": 40, "region": ""}
    assert settings.staff[0] == {
        "zone": "Europe/Madrid",
        "start": "08:00",
        "end": "21:00",
        "weekdays": [0, 1, 2, 3, 4],
        "name": "",
    }
    with CaptureQueriesContext(connection) as queries:
        services.save_planner_settings(program=program, hubs=HUBS, staff=STAFF)
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    services.save_planner_settings(program=program, hubs=HUBS[:1], staff=[])
    settings.refresh_from_db()
    assert (len(settings.hubs), settings.staff) == (1, [])


# --- Applying a plan ----------------------------------------------------------------------------

SLOTS = [WeeklySlot(0, dt.time(16, 0), "UTC"), WeeklySlot(3, dt.time(9, 30), "Asia/Kolkata")]


def test_services_apply_sets_rotation_and_alternates_sessions(program, staff_people):
    program.cadence_days = 10
    program.save(update_fields=["cadence_days"])
    latest = make_session(
        program, 10, start_date=dt.date(2030, 1, 6), start_time=dt.time(13, 0), hosts=staff_people,
        duration_minutes=80, spoken_languages=["es"],
    )  # fmt: skip

    applied = services.apply_plan(
        program=program, slots=SLOTS, start=dt.date(2030, 1, 13), weeks=8, now=NOW
    )

    assert [(r.weekday, r.local_time, r.time_zone) for r in program.rotation.all()] == [
        (0, dt.time(16, 0), "UTC"),
        (3, dt.time(9, 30), "Asia/Kolkata"),
    ]
    sessions = [(s.number, s.start_date, s.start_time, s.time_zone) for s in applied.sessions]
    # The first keeps the cadence from #010 (6 January): 10 days, then the next Monday slot.
    assert sessions == [
        (11, dt.date(2030, 1, 21), dt.time(16, 0), "UTC"),
        (12, dt.date(2030, 1, 31), dt.time(9, 30), "Asia/Kolkata"),
        (13, dt.date(2030, 2, 11), dt.time(16, 0), "UTC"),
        (14, dt.date(2030, 2, 21), dt.time(9, 30), "Asia/Kolkata"),
        (15, dt.date(2030, 3, 4), dt.time(16, 0), "UTC"),
    ]
    assert applied.sessions[1].starts_at == dt.datetime(2030, 1, 31, 4, 0, tzinfo=dt.UTC)
    copy = applied.sessions[0]
    assert (copy.duration_minutes, copy.spoken_languages, list(copy.hosts.all())) == (
        80,
        ["es"],
        list(latest.hosts.all()),
    )
    assert applied.limited is False


def test_services_apply_without_sessions_schedules_a_first_one(program):
    applied = services.apply_plan(
        program=program, slots=SLOTS, start=dt.date(2030, 1, 13), weeks=2, now=NOW
    )
    assert [(s.number, s.start_date, s.time_zone) for s in applied.sessions] == [
        (1, dt.date(2030, 1, 14), "UTC"),
        (2, dt.date(2030, 1, 24), "Asia/Kolkata"),
    ]


def test_services_apply_refuses_no_slots_and_changes_nothing(program):
    with pytest.raises(ValidationError) as caught:
        services.apply_plan(program=program, slots=[], start=dt.date(2030, 1, 13), weeks=4, now=NOW)
    assert caught.value.messages == ["The plan has no weekly slot to apply."]
    assert (program.rotation.count(), ClinicSession.objects.count()) == (0, 0)
