"""Fixtures of the registration tests: an open session, answers, and a stand-in for the worker
that runs queued tasks the way ``db_worker`` does. The SMTP server (``mailbox``,
``smtp_server``) comes from ``tests/support/mail.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from email.message import EmailMessage

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clinicdesk.registration import services
from clinicdesk.registration.models import Registration
from clinicdesk.scheduling.models import ClinicSession, Person, Program
from tests.conftest import make_session
from tests.support.mail import text_body
from tests.support.worker import run_tasks

# 13:00 UTC on Monday 17 June 2030: 15:00 in Madrid, 22:00 in Tokyo, 07:00 in Mexico City.
STARTS_AT = dt.datetime(2030, 6, 17, 13, 0, tzinfo=dt.UTC)
BEFORE = dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC)  # registration is open then


def open_registration(session: ClinicSession, **options) -> None:
    options.setdefault("capacity", 2)
    options.setdefault("now", BEFORE)
    services.configure_registration(session=session, **options)


@pytest.fixture
def clinic(program: Program) -> ClinicSession:
    """#001 of the shared program, 13:00 UTC on 17 June 2030, interpretation into Arabic,
    Chinese and French, registration open with 2 seats."""
    session = make_session(
        program,
        1,
        start_date=dt.date(2030, 6, 17),
        start_time=dt.time(13, 0),
        time_zone="UTC",
        duration_minutes=90,
        spoken_languages=["en"],
        interpretation_languages=["ar", "zh", "fr"],
        meeting_url="https://meet.example.org/clinic-1",
    )
    open_registration(session)
    session.refresh_from_db()
    return session


ANSWERS = services.Answers(
    name="Claudia",
    email="claudia@example.org",
    home_time_zone="America/Mexico_City",
    language="en",
    attribution=Person.Attribution.AFFILIATION,
    conduct_acknowledged=True,
    affiliation="Wikimedia Mexico",
    interpretation_language="fr",
    needs_data_package=True,
    email_consent=True,
)


def answers(**changes) -> services.Answers:
    return replace(ANSWERS, **changes)


def register(session: ClinicSession, name: str, **changes) -> Registration:
    changes.setdefault("email", f"{name.lower()}@example.org")
    changes.setdefault("now", BEFORE)
    now = changes.pop("now")
    return services.register(
        session=session, answers=answers(name=name, **changes), now=now
    ).registration


def form_data(**changes) -> dict[str, str]:
    """The registration form as a browser posts it."""
    data = {
        "name": "Claudia",
        "email": "claudia@example.org",
        "affiliation": "Wikimedia Mexico",
        "home_time_zone": "America/Mexico_City",
        "language": "en",
        "interpretation_language": "fr",
        "needs_data_package": "on",
        "accessibility_notes": "",
        "attribution": "affiliation",
        "topic": "",
        "email_consent": "on",
        "conduct_acknowledged": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- The worker ---------------------------------------------------------------------------------


def ready_tasks(name: str) -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=f"clinicdesk.registration.tasks.{name}"
        )
    )


def deliver() -> list[DBTaskResult]:
    """The commit's callbacks (queuing tasks), then the worker on every queue, until nothing is
    left to do."""
    return run_tasks()


@pytest.fixture(name="deliver")
def deliver_fixture():
    return deliver


@pytest.fixture(autouse=True)
def _site_url(settings) -> None:
    """Links in e-mails point at the test client's host."""
    settings.SITE_URL = "http://testserver"


def manage_path(message: EmailMessage) -> str:
    """The path of the private manage link in an e-mail's text body."""
    for line in text_body(message).splitlines():
        line = line.strip()
        if "/registrations/" in line and line.startswith("http"):
            return "/" + line.split("://", 1)[1].split("/", 1)[1]
    raise AssertionError("no manage link in the e-mail")
