"""E-mails through a real SMTP server on loopback: what each says, its calendar file and its
manage link; what a registrant typed stays text; every language; retries that lose nothing."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clinicdesk.registration import services
from clinicdesk.registration.models import ManageToken, OutboundEmail
from tests.registration.conftest import BEFORE, manage_path, ready_tasks, register
from tests.support.mail import calendar_attachment, free_port, html_body, text_body
from tests.support.worker import run_on_commit_callbacks


def test_confirmation_gives_local_time_calendar_meeting_and_manage_links(
    client, clinic, mailbox, deliver
):
    register(clinic, "Claudia", email="claudia@example.org")
    deliver()

    [message] = mailbox.messages
    assert message["To"] == "claudia@example.org"
    assert message["Subject"] == "You are registered: Wikimedia Clinics #001"
    body = text_body(message)
    # 13:00 UTC is 07:00 in Mexico City (no daylight saving there since 2022), zone named.
    assert "When: Monday, June 17, 2030, 7:00\u202fAM (UTC-6, Mexico City)" in body
    assert "Scheduled as: Monday, June 17, 2030, 1:00\u202fPM (UTC)" in body
    assert "Meeting link: https://meet.example.org/clinic-1" in body
    assert "Session page: http://testserver/programs/wikimedia-clinics/sessions/1/" in body
    assert "- Interpretation into French" in body
    assert "- An internet data package" in body
    assert "How you may be named in the digest: by affiliation only" in body

    calendar = icalendar.Calendar.from_ical(calendar_attachment(message))
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{clinic.uid}@clinicdesk"
    assert event.decoded("DTSTART") == dt.datetime(2030, 6, 17, 13, 0, tzinfo=dt.UTC)
    assert str(event["LOCATION"]) == "https://meet.example.org/clinic-1"
    assert calendar["METHOD"] == "PUBLISH"

    page = client.get(manage_path(message))
    assert page.status_code == 200
    assert "claudia@example.org" in page.content.decode()


def test_every_email_carries_a_manage_link_of_its_own(clinic, mailbox, deliver):
    ana = register(clinic, "Ana")
    deliver()
    services.register(
        session=clinic,
        answers=services.Answers(
            name="Ana",
            email="ana@example.org",
            home_time_zone="Europe/Madrid",
            language="en",
            attribution="anonymous",
            conduct_acknowledged=True,
        ),
        now=BEFORE,
    )
    deliver()
    first, second = mailbox.messages
    assert second["Subject"] == "Registration updated: Wikimedia Clinics #001"
    assert manage_path(first) != manage_path(second)
    assert ManageToken.objects.filter(registration=ana).count() == 2


def test_waitlist_and_promotion_notices(clinic, mailbox, deliver):
    ana = register(clinic, "Ana")
    register(clinic, "Ben")
    register(clinic, "Chi", email="chi@example.org")
    deliver()
    [waitlisted] = mailbox.to("chi@example.org")
    assert waitlisted["Subject"] == "On the waitlist: Wikimedia Clinics #001"
    assert "you are on its waitlist, number 1" in text_body(waitlisted)
    assert "Meeting link" not in text_body(waitlisted)
    assert calendar_attachment(waitlisted) is None

    services.cancel_registration(registration=ana, now=BEFORE)
    deliver()
    cancelled = mailbox.to("ana@example.org")[-1]
    assert cancelled["Subject"] == "Registration cancelled: Wikimedia Clinics #001"
    promoted = mailbox.to("chi@example.org")[-1]
    assert promoted["Subject"] == "A seat is yours: Wikimedia Clinics #001"
    assert "Meeting link: https://meet.example.org/clinic-1" in text_body(promoted)
    assert calendar_attachment(promoted) is not None


def test_html_and_script_in_answers_stay_text_in_every_part(clinic, mailbox, deliver):
    register(
        clinic,
        "<script>alert(1)</script>",
        email="mallory@example.org",
        accessibility_notes='<img src=x onerror="alert(2)">',
        affiliation="<b>Bold</b>",
    )
    deliver()
    [message] = mailbox.messages
    html = html_body(message)
    assert "<script>" not in html
    assert "<img" not in html
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt;," in html
    assert "Accessibility: &lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html
    text = text_body(message)
    assert "Hello <script>alert(1)</script>," in text
    assert '- Accessibility: <img src=x onerror="alert(2)">' in text
    assert "&lt;" not in text


def test_email_in_the_registrants_language(clinic, mailbox, deliver):
    register(
        clinic, "Lucía", email="lucia@example.org", language="es", home_time_zone="Europe/Madrid"
    )
    deliver()
    [message] = mailbox.messages
    assert message["Subject"] == "Inscripción confirmada: Wikimedia Clinics #001"
    body = text_body(message)
    assert "Hola, Lucía:" in body
    assert "Cuándo: lunes, 17 de junio de 2030, 15:00 (UTC+2, Madrid)" in body
    assert "/es/registrations/" in body


def test_subject_is_one_line_whatever_the_title(clinic, mailbox, deliver):
    from clinicdesk.scheduling import services as scheduling

    scheduling.update_session(session=clinic, title="A   title\twith  spaces")
    register(clinic, "Ana")
    deliver()
    assert mailbox.messages[0]["Subject"] == "You are registered: A title with spaces"


# --- The outbox: retried with backoff, never lost ----------------------------------------------


def test_failed_send_is_retried_with_backoff_then_delivered(clinic, mailbox, deliver, settings):
    settings.EMAIL_RETRY_BASE_SECONDS = 60
    mailbox.busy = 1
    register(clinic, "Ana")
    started = timezone.now()
    deliver()

    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.RETRYING
    assert email.attempts == 1
    assert "451" in email.last_error
    assert mailbox.messages == []
    assert not ManageToken.objects.exists()  # the link of the failed attempt is gone
    [retry] = ready_tasks("deliver_email")
    assert retry.args_kwargs == {"args": [email.pk], "kwargs": {}}
    assert (
        started + dt.timedelta(seconds=59)
        < retry.run_after
        < timezone.now() + dt.timedelta(seconds=61)
    )

    retry.run_after = timezone.now()  # the minute has passed
    retry.save(update_fields=["run_after"])
    deliver()
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 2, "")
    assert len(mailbox.messages) == 1


def test_send_fails_every_time_until_marked_failed_and_kept(clinic, mailbox, deliver, settings):
    settings.EMAIL_RETRY_BASE_SECONDS = 0  # each retry is due at once
    settings.EMAIL_MAX_ATTEMPTS = 3
    mailbox.busy = 10
    register(clinic, "Ana")
    deliver()
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts) == ("failed", 3)
    assert ready_tasks("deliver_email") == []

    mailbox.busy = 0
    services.retry_email(email=email)
    deliver()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)
    assert len(mailbox.messages) == 1


def test_address_the_server_refuses_for_good_fails_at_once_with_its_words(clinic, mailbox, deliver):
    mailbox.unknown.add("gone@example.org")
    register(clinic, "Ana", email="gone@example.org")
    deliver()

    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts) == ("failed", 1)
    assert email.last_error == (
        "The mail server refused the address gone@example.org: 550 5.1.1 No such address here"
    )
    assert ready_tasks("deliver_email") == []
    assert not ManageToken.objects.exists()
    assert mailbox.messages == []


def test_smtp_server_down_is_retried(clinic, settings, deliver):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    register(clinic, "Ana")
    deliver()
    email = OutboundEmail.objects.get()
    assert email.status == "retrying"
    assert "ConnectionRefusedError" in email.last_error


def test_duplicate_delivery_task_sends_once(clinic, mailbox, deliver):
    register(clinic, "Ana")
    email = OutboundEmail.objects.get()
    services.OUTBOX.queue(email.pk)  # a second task for the same e-mail
    deliver()
    assert len(mailbox.messages) == 1


def test_email_no_longer_wanted_is_skipped(clinic, mailbox, deliver):
    ana = register(clinic, "Ana")
    services.cancel_registration(registration=ana, now=BEFORE)  # before the worker ran
    deliver()
    assert dict(OutboundEmail.objects.values_list("kind", "status")) == {
        "confirmation": "skipped",
        "cancelled": "sent",
    }
    assert [m["Subject"] for m in mailbox.messages] == [
        "Registration cancelled: Wikimedia Clinics #001"
    ]


def test_sweep_requeues_emails_the_queue_lost(clinic, mailbox, deliver):
    register(clinic, "Ana")
    run_on_commit_callbacks()
    DBTaskResult.objects.all().delete()  # the queue lost the task
    email = OutboundEmail.objects.get()
    later = timezone.now() + dt.timedelta(minutes=16)
    assert services.requeue_stalled_emails() == 0  # not late yet
    assert services.requeue_stalled_emails(now=later) == 1
    assert services.requeue_stalled_emails(now=later) == 0  # queued again only once
    deliver()
    email.refresh_from_db()
    assert email.status == "sent"
    assert len(mailbox.messages) == 1


def test_sweep_requeues_an_email_claimed_by_a_worker_that_died(clinic, mailbox, deliver):
    register(clinic, "Ana")
    email = OutboundEmail.objects.get()
    OutboundEmail.objects.filter(pk=email.pk).update(status="sending", claimed_at=timezone.now())
    deliver()  # its task finds it claimed and leaves it
    assert mailbox.messages == []
    assert services.requeue_stalled_emails() == 0  # it may still be sending
    assert services.requeue_stalled_emails(now=timezone.now() + dt.timedelta(minutes=16)) == 1
    deliver()
    assert len(mailbox.messages) == 1


def test_registrants_are_told_once_when_the_session_is_cancelled(clinic, mailbox, deliver):
    from clinicdesk.scheduling import services as scheduling

    register(clinic, "Ana")
    register(clinic, "Ben")
    gone = register(clinic, "Chi")
    services.cancel_registration(registration=gone, now=BEFORE)
    deliver()
    mailbox.messages.clear()
    scheduling.cancel_session(session=clinic)

    report = services.run_chores()
    assert report["cancelled_sessions_told"] == 2
    assert services.run_chores()["cancelled_sessions_told"] == 0
    deliver()
    assert sorted((m["To"], m["Subject"]) for m in mailbox.messages) == [
        ("ana@example.org", "Cancelled: Wikimedia Clinics #001"),
        ("ben@example.org", "Cancelled: Wikimedia Clinics #001"),
    ]
    body = text_body(mailbox.messages[0])
    assert "http://testserver/programs/wikimedia-clinics/" in body
    assert "Meeting link" not in body


def test_delivery_task_is_written_with_the_registration(clinic):
    """With the database task backend, the task commits with the outbox row, or neither."""
    register(clinic, "Ana")
    [task] = ready_tasks("deliver_email")
    assert task.args_kwargs == {"args": [OutboundEmail.objects.get().pk], "kwargs": {}}


def test_other_task_backends_get_the_email_once_committed(
    clinic, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks() as callbacks:
        register(clinic, "Ana")
    assert len(callbacks) == 1
    assert ready_tasks("deliver_email") == []
