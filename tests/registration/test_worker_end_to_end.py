"""End to end with real components: the form over HTTP, the worker as a process of its own
(``manage.py db_worker``), a real SMTP server on loopback; the e-mail's calendar file and
manage link; a cancellation that promotes the waitlist; a refused send retried; the periodic
chores keeping themselves going."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clinicdesk.registration import services
from clinicdesk.registration.models import OutboundEmail, Registration, ScheduledChore
from tests.conftest import make_session
from tests.registration.conftest import form_data, manage_path, open_registration
from tests.registration.processes import smtp_env, wait_until, worker_process
from tests.support.mail import calendar_attachment, text_body

pytestmark = pytest.mark.django_db(transaction=True)

REGISTER = "/programs/wikimedia-clinics/sessions/1/register/"


@pytest.fixture
def one_seat(program):
    session = make_session(
        program,
        1,
        start_date=dt.date(2030, 6, 17),
        start_time=dt.time(15, 0),
        time_zone="Europe/Madrid",
        meeting_url="https://meet.example.org/clinic-1",
    )
    open_registration(session, capacity=1)
    return session


def test_worker_process_delivers_confirmation_waitlist_and_promotion(
    client, one_seat, smtp_server, settings
):
    mailbox = smtp_server
    settings.REGISTRATION_RATE_LIMIT = 0
    mailbox.busy = 1  # the first attempt is refused for a while: it is retried
    env = smtp_env(mailbox.port) | {"EMAIL_RETRY_BASE_SECONDS": "1"}
    with worker_process(**env) as worker:
        ana = form_data(
            name="Ana",
            email="ana@example.org",
            home_time_zone="Asia/Tokyo",
            interpretation_language="",
        )
        ben = form_data(name="Ben", email="ben@example.org", interpretation_language="")
        assert client.post(REGISTER, ana)["Location"].endswith("outcome=confirmed")
        assert client.post(REGISTER, ben)["Location"].endswith("outcome=waitlisted")

        messages = mailbox.wait_for(2)
        assert sorted(m["Subject"] for m in messages) == [
            "On the waitlist: Wikimedia Clinics #001",
            "You are registered: Wikimedia Clinics #001",
        ], worker.poll()
        [confirmation] = mailbox.to("ana@example.org")
        assert "When: Monday, June 17, 2030, 10:00\u202fPM (UTC+9, Tokyo)" in text_body(
            confirmation
        )
        event = icalendar.Calendar.from_ical(calendar_attachment(confirmation)).walk("VEVENT")[0]
        assert event.decoded("DTSTART") == dt.datetime(2030, 6, 17, 13, 0, tzinfo=dt.UTC)
        sent = OutboundEmail.objects.filter(registration__email="ana@example.org", status="sent")
        retried = wait_until(sent.first)  # the worker marks it sent once the server took it
        assert retried.attempts == 2

        link = manage_path(confirmation)
        assert "ana@example.org" in client.get(link).content.decode()
        cancel = link.rstrip("/") + "/cancel/"
        assert client.post(cancel).status_code == 303

        mailbox.wait_for(4)
        assert mailbox.to("ana@example.org")[-1]["Subject"] == (
            "Registration cancelled: Wikimedia Clinics #001"
        )
        promotion = mailbox.to("ben@example.org")[-1]
        assert promotion["Subject"] == "A seat is yours: Wikimedia Clinics #001"
        assert calendar_attachment(promotion) is not None
        assert wait_until(lambda: not OutboundEmail.objects.exclude(status="sent").exists())
    assert dict(Registration.objects.values_list("name", "status")) == {
        "Ana": "cancelled",
        "Ben": "confirmed",
    }


def test_worker_process_runs_the_chores_and_queues_the_next_run(program, smtp_server):
    assert services.schedule_chores() is True
    assert services.schedule_chores() is False  # one waiting run is enough
    with worker_process(**smtp_env(smtp_server.port), REGISTRATION_CHORES_INTERVAL_SECONDS="3600"):
        chore = wait_until(
            lambda: ScheduledChore.objects.filter(
                name="registration", last_run_at__isnull=False
            ).first()
        )
    assert chore is not None
    assert chore.last_report["retention"]["registrations_deleted"] == 0
    waiting = DBTaskResult.objects.filter(
        task_path="clinicdesk.registration.tasks.run_periodic_chores",
        status=TaskResultStatus.READY,
    )
    assert waiting.count() == 1  # the next run, an interval later
    assert waiting.get().run_after > chore.last_run_at + dt.timedelta(minutes=59)
