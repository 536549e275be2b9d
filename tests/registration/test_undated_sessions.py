"""A session without a day, as registration shows it: its register page, a registrant's manage
link and e-mails, the needs table. "January 2031" when only its month is known, "date to be
discussed" (with the month expected, if any) otherwise, in the reader's language; no calendar
file, since a calendar event needs a day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clinicdesk.scheduling.models import ClinicSession
from tests.conftest import make_session
from tests.registration.conftest import manage_path, open_registration, register
from tests.support.mail import html_body, text_body

MONTH = ClinicSession.DatePrecision.MONTH
DISCUSSED = ClinicSession.DatePrecision.DISCUSSED
JANUARY = dt.date(2031, 1, 1)
FEBRUARY = dt.date(2031, 2, 1)

pytestmark = pytest.mark.django_db


def undated(program, number: int, precision: str, month: dt.date | None) -> ClinicSession:
    session = make_session(
        program, number, start_date=None, start_time=None, date_precision=precision,
        start_month=month, meeting_url=f"https://meet.example.org/clinic-{number}",
    )  # fmt: skip
    open_registration(session)
    session.refresh_from_db()
    return session


@pytest.mark.parametrize(
    ("precision", "month", "language", "expected"),
    [
        (MONTH, JANUARY, "en", "<p>January 2031</p>"),
        (MONTH, JANUARY, "es", "<p>Enero de 2031</p>"),
        (DISCUSSED, FEBRUARY, "en", "<p>February 2031, date to be discussed</p>"),
        (DISCUSSED, None, "en", "<p>Date to be discussed</p>"),
        (DISCUSSED, None, "es", "<p>Fecha por acordar</p>"),
    ],
)
def test_register_page_says_when_a_session_without_a_day_is(
    client, program, precision, month, language, expected
):
    undated(program, 1, precision, month)
    prefix = "" if language == "en" else f"/{language}"

    response = client.get(f"{prefix}/programs/wikimedia-clinics/sessions/1/register/")

    assert response.status_code == 200
    assert expected in response.content.decode()


@pytest.mark.parametrize(
    ("precision", "month", "language", "when"),
    [
        (MONTH, JANUARY, "en", "When: January 2031"),
        (MONTH, JANUARY, "es", "Cuándo: enero de 2031"),
        (DISCUSSED, FEBRUARY, "en", "When: February 2031, date to be discussed"),
        (DISCUSSED, None, "en", "When: date to be discussed"),
        (DISCUSSED, None, "es", "Cuándo: fecha por acordar"),
    ],
)
def test_confirmation_says_when_a_session_without_a_day_is_and_has_no_calendar(
    client, program, mailbox, deliver, precision, month, language, when
):
    session = undated(program, 1, precision, month)
    register(session, "Claudia", language=language, interpretation_language="")
    deliver()

    [message] = mailbox.messages
    text = text_body(message)
    assert f"\n{when}\n" in text
    label, value = when.split(": ", 1)
    assert f'<th scope="row" align="left">{label}:</th><td>{value}</td>' in html_body(message)
    assert [part.get_content_type() for part in message.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]
    manage = client.get(manage_path(message)).content.decode()
    assert f"Wikimedia Clinics #001</a>, {value}</dd>" in manage


def test_needs_table_says_when_sessions_without_a_day_are(client, program, owner):
    undated(program, 1, MONTH, JANUARY)
    undated(program, 2, DISCUSSED, None)
    client.force_login(owner)

    response = client.get(reverse("registration:program-needs", args=[program.slug]))

    page = response.content.decode()
    assert '<br><span class="muted">January 2031</span></th>' in page
    assert '<br><span class="muted">date to be discussed</span></th>' in page
