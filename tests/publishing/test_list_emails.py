"""E-mails to mailing lists through a real SMTP server on loopback: announcements in the style
of seed 000, "digest of #NNN published", "call starts soon", and what the server refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clinicdesk.digests import services as digest_services
from clinicdesk.digests.models import Digest
from clinicdesk.publishing import services
from clinicdesk.publishing.models import ListMessage
from clinicdesk.scheduling import services as scheduling_services
from clinicdesk.scheduling.models import ClinicSession
from tests.conftest import make_session
from tests.publishing.conftest import work
from tests.support.mail import html_body, text_body

pytestmark = pytest.mark.django_db

CONDUCT = (
    "Listen with patience and respect.\n"
    "Share your experience, but remember others' contexts are very diverse.\n"
    "Be of service to others on the call."
)


@pytest.fixture
def clinics(program):
    scheduling_services.update_program(program=program, conduct=CONDUCT)
    services.set_list_sender(
        program=program, name="Wikimedia Clinics", address="clinics@example.org"
    )
    return program


@pytest.fixture
def wikimedia_l(clinics):
    return services.create_mailing_list(
        program=clinics, name="Wikimedia-l", address="wikimedia-l@lists.example.org", language="en"
    )


def two_calls(program) -> list[ClinicSession]:
    """Seed 000's two calls, ten years later: Monday 17:30 UTC and Wednesday 08:00 UTC."""
    first = make_session(
        program,
        1,
        start_date=dt.date(2030, 6, 17),
        start_time=dt.time(17, 30),
        meeting_url="https://meet.google.com/abc-defg-hij",
        duration_minutes=120,
    )
    second = make_session(
        program,
        2,
        start_date=dt.date(2030, 6, 19),
        start_time=dt.time(10, 0),
        time_zone="Europe/Madrid",
        meeting_url="https://meet.google.com/klm-nopq-rst",
    )
    scheduling_services.add_segment(session=second, title="Abstract Wikipedia", presenter="Denny")
    return [first, second]


def test_announcement_is_plain_text_first_with_an_html_alternative(mailbox, clinics, wikimedia_l):
    calls = two_calls(clinics)
    services.announce_sessions(
        program=clinics, sessions=calls, lists=[wikimedia_l], intro="Dear Wikimedians,"
    )
    work(queue="email")

    [message] = mailbox.messages
    assert message["From"] == "Wikimedia Clinics <clinics@example.org>"
    assert message["To"] == "wikimedia-l@lists.example.org"
    assert message["Subject"] == "Wikimedia Clinics: the next 2 calls"
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    text = text_body(message)
    assert text.startswith("Dear Wikimedians,\n\nThe next calls are scheduled for:\n\n")
    assert "* Wikimedia Clinics #001: Monday, June 17, 2030, 17:30 UTC (120 minutes)\n" in text
    assert (
        "  In your time zone: http://clinicdesk.test/programs/wikimedia-clinics/sessions/1/\n"
        in text
    )
    assert "  Meeting link: https://meet.google.com/abc-defg-hij\n" in text
    # 10:00 in Madrid in summer is 08:00 UTC.
    assert "* Wikimedia Clinics #002: Wednesday, June 19, 2030, 08:00 UTC (90 minutes)\n" in text
    assert "  Scheduled topic: Abstract Wikipedia with Denny\n" in text
    assert "How to join\nOpen the meeting link at the time of the call." in text
    assert "Expected conduct\n" in text
    assert "* Listen with patience and respect.\n" in text
    html = html_body(message)
    assert '<a href="https://meet.google.com/abc-defg-hij">Meeting link</a>' in html
    assert "<li>Be of service to others on the call.</li>" in html
    sent = ListMessage.objects.get()
    assert sent.status == ListMessage.Status.SENT
    assert sent.subject == "Wikimedia Clinics: the next 2 calls"


def test_announcement_in_the_lists_language(mailbox, clinics):
    lista = services.create_mailing_list(
        program=clinics,
        name="Wikimedia-es",
        address="wikimedia-es@lists.example.org",
        language="es",
    )
    [call, _other] = two_calls(clinics)
    services.announce_sessions(program=clinics, sessions=[call], lists=[lista])
    work(queue="email")
    text = text_body(mailbox.messages[0])
    assert "lunes, 17 de junio de 2030, 17:30 UTC" in text


def test_announcement_refuses_cancelled_calls_and_other_programs_lists(
    clinics, wikimedia_l, member
):
    [call, _other] = two_calls(clinics)
    scheduling_services.cancel_session(session=call)
    with pytest.raises(Exception, match="cancelled call"):
        services.announce_sessions(program=clinics, sessions=[call], lists=[wikimedia_l])
    assert not ListMessage.objects.exists()


def publish_006(program) -> Digest:
    session = make_session(
        program,
        6,
        start_date=dt.date(2020, 7, 16),
        start_time=dt.time(15, 0),
        spoken_languages=["es"],
        status=ClinicSession.Status.HELD,
    )
    english = digest_services.create_digest(
        session=session, language="en", staff_count=7, volunteer_count=10, introduction=False
    )
    topic = digest_services.add_topic(digest=english, title="Impact of the pandemic on affiliates")
    digest_services.add_item(
        topic=topic,
        speaker_label="a volunteer from Wikimujeres",
        text="Before the pandemic we had weekly in-person meetings.",
    )
    digest_services.publish_digest(digest=english)
    spanish = digest_services.start_translation(source=english, language="es")
    digest_services.publish_digest(digest=spanish)
    return english


def test_digest_notice_links_every_language_and_carries_the_text_once(
    mailbox, clinics, wikimedia_l
):
    publish_006(clinics)

    assert services.queue_digest_notices() == 1
    work(queue="email")
    assert services.queue_digest_notices() == 0  # once per session

    [message] = mailbox.messages
    assert message["Subject"] == "Digest of Wikimedia Clinics #006 published"
    assert message["Auto-Submitted"] == "auto-generated"
    text = text_body(message)
    assert "* English: http://clinicdesk.test" in text
    assert "* Spanish: http://clinicdesk.test" in text
    assert "Before the pandemic we had weekly in-person meetings." in text
    assert "The English version follows." in text
    assert "Before the pandemic we had weekly in-person meetings." in html_body(message)


def test_digest_published_before_the_list_existed_is_not_sent(mailbox, clinics):
    publish_006(clinics)
    services.create_mailing_list(program=clinics, name="New list", address="new@example.org")
    assert services.queue_digest_notices() == 0


def test_call_starts_soon_reminder_goes_once(mailbox, clinics):
    services.create_mailing_list(
        program=clinics,
        name="Wikimedia-l",
        address="wikimedia-l@lists.example.org",
        sends_reminders=True,
        reminder_minutes=60,
    )
    soon = timezone.now() + dt.timedelta(minutes=30)
    make_session(
        clinics,
        9,
        start_date=soon.date(),
        start_time=soon.time().replace(second=0, microsecond=0),
        meeting_url="https://meet.example.org/now",
    )
    make_session(
        clinics, 10, start_date=(soon + dt.timedelta(days=2)).date(), start_time=dt.time(12, 0)
    )

    assert services.queue_list_reminders() == 1
    assert services.queue_list_reminders() == 0
    work(queue="email")

    [message] = mailbox.messages
    assert message["Subject"] == "Starting soon: Wikimedia Clinics #009"
    assert "Meeting link: https://meet.example.org/now" in text_body(message)


def test_list_address_refused_by_the_server_fails_at_once_with_the_reason(
    mailbox, clinics, wikimedia_l
):
    mailbox.unknown.add("wikimedia-l@lists.example.org")
    services.announce_sessions(program=clinics, sessions=two_calls(clinics), lists=[wikimedia_l])
    work(queue="email")

    message = ListMessage.objects.get()
    assert message.status == ListMessage.Status.FAILED
    assert message.attempts == 1
    assert "refused the address wikimedia-l@lists.example.org: 550" in message.last_error
    assert mailbox.messages == []

    # The organizer fixes the address on the list server and sends it again.
    mailbox.unknown.clear()
    services.retry_list_message(message=message)
    work(queue="email")
    message.refresh_from_db()
    assert message.status == ListMessage.Status.SENT
    assert len(mailbox.messages) == 1


def test_temporary_refusal_is_tried_again_later(mailbox, clinics, wikimedia_l, settings):
    settings.EMAIL_RETRY_BASE_SECONDS = 60
    mailbox.busy = 1
    services.announce_sessions(program=clinics, sessions=two_calls(clinics), lists=[wikimedia_l])
    work(queue="email")
    message = ListMessage.objects.get()
    assert message.status == ListMessage.Status.RETRYING
    assert "451" in message.last_error

    later = message.next_attempt_at + dt.timedelta(seconds=1)
    delivery = services.deliver_list_message(message_id=message.pk, now=later)
    assert delivery.status == ListMessage.Status.SENT
    assert len(mailbox.messages) == 1


def test_mail_server_down_is_tried_again_later(clinics, wikimedia_l, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # nothing listens
    services.announce_sessions(program=clinics, sessions=two_calls(clinics), lists=[wikimedia_l])
    work(queue="email")
    message = ListMessage.objects.get()
    assert message.status == ListMessage.Status.RETRYING
    assert "could not be reached" in message.last_error


def test_reminder_for_a_call_cancelled_meanwhile_is_skipped(mailbox, clinics):
    services.create_mailing_list(
        program=clinics, name="L", address="l@example.org", sends_reminders=True
    )
    soon = timezone.now() + dt.timedelta(minutes=30)
    session = make_session(
        clinics, 9, start_date=soon.date(), start_time=soon.time().replace(second=0, microsecond=0)
    )
    services.queue_list_reminders()
    scheduling_services.cancel_session(session=session)
    work(queue="email")
    assert ListMessage.objects.get().status == ListMessage.Status.SKIPPED
    assert mailbox.messages == []
