"""Fixtures of the registration tests: an open session, answers, a real SMTP server on
loopback, and a stand-in for the worker that runs queued tasks the way ``db_worker`` does."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import caches
from django.db import connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clinicdesk.registration import services
from clinicdesk.registration.models import Registration
from clinicdesk.scheduling.models import ClinicSession, Person, Program
from tests.conftest import make_session

# 13:00 UTC on Monday 17 June 2030: 15:00 in Madrid, 22:00 in Tokyo, 07:00 in Mexico City.
STARTS_AT = dt.datetime(2030, 6, 17, 13, 0, tzinfo=dt.UTC)
BEFORE = dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC)  # registration is open then


@pytest.fixture(autouse=True)
def _empty_rate_limits(request):
    """The rate-limit counters live in a database table that transactional tests do not flush."""
    marked = request.node.get_closest_marker("django_db") is not None
    requested = {"db", "transactional_db"} & set(request.fixturenames)
    uses_db = marked or requested
    if uses_db:
        if not marked:  # set the database up before using it (the marker does it itself)
            request.getfixturevalue(sorted(requested)[0])
        caches["ratelimit"].clear()
    yield
    if uses_db:
        caches["ratelimit"].clear()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def run_ready_tasks(limit: int = 500) -> list[DBTaskResult]:
    """Runs the queued tasks that are due, as ``db_worker`` does, in this thread (the real
    worker process is used by the end-to-end tests)."""
    ran = []
    for _ in range(limit):
        row = DBTaskResult.objects.ready().first()
        if row is None:
            break
        row.claim("test-worker")
        result = row.task_result
        try:
            value = row.task.call(*result.args, **result.kwargs)
        except Exception as error:
            row.set_failed(error)
        else:
            row.set_successful(value)
        ran.append(row)
    return ran


def ready_tasks(name: str) -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=f"clinicdesk.registration.tasks.{name}"
        )
    )


def run_on_commit_callbacks() -> int:
    """Runs what the services asked to do once their transaction commits: in a test that runs
    inside a transaction, it never commits."""
    pending_count = 0
    while connection.run_on_commit:
        pending = list(connection.run_on_commit)
        connection.run_on_commit.clear()
        for _savepoints, callback, _robust in pending:
            callback()
        pending_count += len(pending)
    return pending_count


def deliver() -> list[DBTaskResult]:
    """The commit's callbacks (queuing tasks), then the worker, until nothing is left to do."""
    ran: list[DBTaskResult] = []
    while True:
        queued = run_on_commit_callbacks()
        done = run_ready_tasks()
        ran += done
        if not queued and not done:
            return ran


@pytest.fixture(name="deliver")
def deliver_fixture():
    return deliver


# --- A real SMTP server on loopback -----------------------------------------------------------


class Mailbox:
    """What the SMTP server received; it can refuse the next messages with a temporary error."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse_next = 0
        self.lock = threading.Lock()
        self.received = threading.Condition(self.lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.lock:
            if self.refuse_next:
                self.refuse_next -= 1
                return "451 4.3.0 Mailbox busy, try again later"
            self.messages.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
            self.received.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[EmailMessage]:
        with self.received:
            self.received.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
            return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@pytest.fixture
def mailbox(smtp_server, settings) -> Mailbox:
    """The SMTP server, with Django sending to it."""
    box, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 10
    settings.SITE_URL = "http://testserver"
    return box


def text_body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def calendar_attachment(message: EmailMessage) -> bytes | None:
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            return part.get_payload(decode=True)
    return None


def manage_path(message: EmailMessage) -> str:
    """The path of the private manage link in an e-mail's text body."""
    for line in text_body(message).splitlines():
        line = line.strip()
        if "/registrations/" in line and line.startswith("http"):
            return "/" + line.split("://", 1)[1].split("/", 1)[1]
    raise AssertionError("no manage link in the e-mail")
