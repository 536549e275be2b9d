"""The demo opens registration as Global Conversations did; the management commands."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clinicdesk.registration import demo, services
from clinicdesk.registration.models import Registration, RegistrationSettings
from clinicdesk.scheduling import services as scheduling
from clinicdesk.scheduling.cadence import WeeklySlot
from clinicdesk.scheduling.models import ClinicSession
from tests.conftest import make_session
from tests.registration.conftest import open_registration, register


@pytest.fixture
def demo_calls(program):
    first = make_session(program, 10, start_date=dt.date(2020, 9, 15))
    return scheduling.repeat_session(
        session=first,
        count=3,
        slots=[WeeklySlot(0, dt.time(17, 30), "UTC")],
        is_demo=True,
        after=timezone.now(),
    )


def test_demo_opens_registration_on_the_upcoming_demo_calls_once(program, demo_calls):
    said: list[str] = []
    demo.load_demo(program=program, say=said.append)
    rows = RegistrationSettings.objects.order_by("session__number")
    assert [r.session.number for r in rows] == [11, 12, 13]
    assert {r.capacity for r in rows} == {250}
    assert all(r.offers_data_package and r.offers_childcare for r in rows)
    first = ClinicSession.objects.get(number=11)
    assert first.interpretation_languages == ["ar", "zh", "fr", "de", "id", "ru", "es"]
    assert ClinicSession.objects.get(number=12).interpretation_languages == []
    deadline = rows[0].closes_at
    assert deadline is not None
    assert deadline < first.starts_at
    assert rows[0].closes_time == dt.time(23, 59)
    assert said == ["registration opened: #011, #012, #013"]

    again: list[str] = []
    demo.load_demo(program=program, say=again.append)
    assert again == []
    assert RegistrationSettings.objects.count() == 3


def test_load_demo_command_opens_registration(db):
    call_command("load_demo", verbosity=0)
    upcoming = ClinicSession.objects.filter(is_demo=True, starts_at__gt=timezone.now())
    assert upcoming.count() == 4
    assert RegistrationSettings.objects.filter(session__in=upcoming, capacity=250).count() == 4
    call_command("load_demo", verbosity=0)
    clinics = RegistrationSettings.objects.filter(session__program__slug="wikimedia-clinics")
    assert clinics.count() == 4


def test_schedule_chores_command_queues_one_run(db, capsys):
    call_command("schedule_chores")
    call_command("schedule_chores")
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "queued the periodic chores",
        "the periodic chores were already queued (or the task backend keeps no queue)",
    ]
    waiting = DBTaskResult.objects.filter(
        task_path="clinicdesk.registration.tasks.run_periodic_chores",
        status=TaskResultStatus.READY,
    )
    assert waiting.count() == 1


def test_schedule_chores_with_another_task_backend_queues_nothing(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert services.schedule_chores() is False


def test_run_chores_command(clinic, capsys):
    call_command("run_chores")
    assert '"reminders_queued": 0' in capsys.readouterr().out


def test_apply_retention_command(program, capsys):
    past = make_session(program, 6, start_date=dt.date(2020, 7, 16))
    open_registration(past, now=dt.datetime(2020, 7, 1, tzinfo=dt.UTC))
    register(past, "Ana", interpretation_language="", now=dt.datetime(2020, 7, 2, tzinfo=dt.UTC))
    call_command("apply_retention", "--program", program.slug)
    assert capsys.readouterr().out.strip() == (
        "1 registration(s) and 0 check-in(s) deleted from wikimedia-clinics #006"
    )
    assert not Registration.objects.exists()
    with pytest.raises(CommandError, match="no program is called 'nope'"):
        call_command("apply_retention", "--program", "nope")


def test_create_api_token_command(owner, capsys):
    call_command("create_api_token", "owner", "spreadsheet")
    token = capsys.readouterr().out.strip()
    assert services.user_for_api_token(token) == User.objects.get(username="owner")
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody", "x")
