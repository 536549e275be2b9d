"""Reminders before a session: the nearest one due, once, to confirmed registrants who asked."""

from __future__ import annotations

import datetime as dt

from clinicdesk.registration import services
from clinicdesk.registration.models import OutboundEmail
from clinicdesk.scheduling import services as scheduling
from tests.registration.conftest import BEFORE, STARTS_AT, register
from tests.support.mail import text_body


def _reminders() -> list[tuple[str, str]]:
    return list(
        OutboundEmail.objects.filter(kind="reminder")
        .order_by("registration__name", "key")
        .values_list("registration__name", "key")
    )


def test_reminders_24_hours_then_1_hour_before(clinic):
    register(clinic, "Ana")
    register(clinic, "Ben", email_consent=False)
    register(clinic, "Chi")  # waitlisted

    assert services.queue_due_reminders(now=STARTS_AT - dt.timedelta(hours=25)) == 0
    assert services.queue_due_reminders(now=STARTS_AT - dt.timedelta(hours=23)) == 1
    assert services.queue_due_reminders(now=STARTS_AT - dt.timedelta(hours=22)) == 0
    assert services.queue_due_reminders(now=STARTS_AT - dt.timedelta(minutes=59)) == 1
    assert services.queue_due_reminders(now=STARTS_AT + dt.timedelta(minutes=1)) == 0

    assert _reminders() == [
        ("Ana", "reminder:1440:20300617T1300"),
        ("Ana", "reminder:60:20300617T1300"),
    ]


def test_reminders_follow_the_programs_offsets(clinic):
    services.configure_program(
        program=clinic.program, reminder_offsets=[2 * 1440], retention_days=90
    )
    register(clinic, "Ana")
    assert services.queue_due_reminders(now=STARTS_AT - dt.timedelta(hours=47)) == 1
    assert services.queue_due_reminders(now=STARTS_AT - dt.timedelta(minutes=30)) == 0
    assert _reminders() == [("Ana", "reminder:2880:20300617T1300")]


def test_no_reminder_for_who_registered_after_its_time(clinic):
    register(clinic, "Ana", now=STARTS_AT - dt.timedelta(hours=3))
    assert services.queue_due_reminders(now=STARTS_AT - dt.timedelta(hours=2)) == 0
    assert services.queue_due_reminders(now=STARTS_AT - dt.timedelta(minutes=30)) == 1


def test_moved_session_gets_its_reminders_again(clinic):
    register(clinic, "Ana")
    services.queue_due_reminders(now=STARTS_AT - dt.timedelta(hours=23))
    scheduling.update_session(session=clinic, start_date=dt.date(2030, 6, 24))
    moved = STARTS_AT + dt.timedelta(days=7)
    assert services.queue_due_reminders(now=moved - dt.timedelta(hours=23)) == 1
    assert _reminders()[-1] == ("Ana", "reminder:1440:20300624T1300")


def test_no_reminder_for_a_cancelled_session(clinic):
    register(clinic, "Ana")
    scheduling.cancel_session(session=clinic)
    assert services.queue_due_reminders(now=STARTS_AT - dt.timedelta(hours=23)) == 0


def test_reminder_email_says_when(clinic, mailbox, deliver):
    register(clinic, "Ana", now=BEFORE)
    deliver()
    services.queue_due_reminders(now=STARTS_AT - dt.timedelta(minutes=50))
    deliver()
    reminder = mailbox.messages[-1]
    assert reminder["Subject"] == "Reminder: Wikimedia Clinics #001 starts in 1 hour"
    assert "Meeting link: https://meet.example.org/clinic-1" in text_body(reminder)
