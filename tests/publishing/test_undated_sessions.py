"""Sessions without a day in what publishing writes: the Atom feeds, the wiki's "Upcoming
calls" and archive table, list announcements and the announcement form. A session known only
by its month says "January 2031", one whose date is to be discussed says so (with the month
expected, when there is one), in the reader's language."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from clinicdesk.digests import services as digest_services
from clinicdesk.publishing import content, emails, forms, queries, services
from clinicdesk.publishing.models import MailingList
from clinicdesk.publishing.programpage import (
    ArchiveRow,
    UpcomingCall,
    archive_wikitext,
    upcoming_wikitext,
)
from clinicdesk.scheduling.models import ClinicSession
from tests.conftest import make_session
from tests.publishing.conftest import work
from tests.support.mail import html_body, text_body

ATOM = "{http://www.w3.org/2005/Atom}"
MONTH = ClinicSession.DatePrecision.MONTH
DISCUSSED = ClinicSession.DatePrecision.DISCUSSED
JANUARY = dt.date(2031, 1, 1)
FEBRUARY = dt.date(2031, 2, 1)


def undated_sessions(program) -> tuple[ClinicSession, ClinicSession, ClinicSession]:
    """#001 in January 2031 (day unknown), #002 expected in February 2031 (date to be
    discussed), #003 with no date at all."""
    month_only = make_session(
        program, 1, start_date=None, start_time=None, date_precision=MONTH, start_month=JANUARY
    )
    expected = make_session(
        program, 2, start_date=None, start_time=None, date_precision=DISCUSSED,
        start_month=FEBRUARY,
    )  # fmt: skip
    open_date = make_session(program, 3, start_date=None, start_time=None)
    return month_only, expected, open_date


# --- The pure renderer --------------------------------------------------------------------------


def _call(number: int, precision: str, month: dt.date | None) -> UpcomingCall:
    return UpcomingCall(
        number=number,
        title=f"#{number:03d}",
        page_url=f"https://x/{number}/",
        date_precision=precision,
        month=month,
    )


def test_upcoming_wikitext_names_the_month_of_a_call_without_a_day():
    calls = [_call(1, MONTH, JANUARY), _call(2, DISCUSSED, FEBRUARY), _call(3, DISCUSSED, None)]

    assert upcoming_wikitext(calls, language="en").splitlines() == [
        "* '''[https://x/1/ #001]''', January 2031.",
        "* '''[https://x/2/ #002]''', February 2031, date to be discussed.",
        "* '''[https://x/3/ #003]''', date to be discussed.",
    ]
    assert upcoming_wikitext(calls, language="es").splitlines() == [
        "* '''[https://x/1/ #001]''', enero de 2031.",
        "* '''[https://x/2/ #002]''', febrero de 2031, fecha por acordar.",
        "* '''[https://x/3/ #003]''', fecha por acordar.",
    ]


def test_archive_wikitext_names_the_month_of_a_past_call_without_a_day():
    rows = [ArchiveRow(number=7, date=None, date_precision=MONTH, month=dt.date(2024, 9, 1))]

    assert archive_wikitext(rows, language="en").splitlines()[4] == "| September 2024"
    assert archive_wikitext(rows, language="es").splitlines()[4] == "| septiembre de 2024"


# --- The program page from the record -----------------------------------------------------------


@pytest.mark.django_db
def test_program_page_parts_name_the_month_from_the_record(program):
    undated_sessions(program)
    make_session(
        program, 4, start_date=None, start_time=None, date_precision=MONTH,
        start_month=dt.date(2024, 9, 1), status=ClinicSession.Status.HELD,
    )  # fmt: skip
    target = services.create_wiki_target(
        program=program, name="Meta", api_url="https://meta.example.org/w/api.php",
        credentials_name="META", program_page_title="Wikimedia Clinics", language="en",
    )  # fmt: skip

    upcoming, archive = content.program_parts(target, now=dt.datetime(2030, 6, 1, tzinfo=dt.UTC))

    assert [line.split("''', ", 1)[1] for line in upcoming.text.splitlines()] == [
        "January 2031.",
        "February 2031, date to be discussed.",
        "date to be discussed.",
    ]
    assert "| September 2024" in archive.text.splitlines()


# --- The Atom feeds -----------------------------------------------------------------------------


def _feed(client, name: str, slug: str, language: str) -> ET.Element:
    with translation.override(language):
        url = reverse(f"publishing:{name}", kwargs={"slug": slug})
    response = client.get(url)
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 - our own feed, from the test client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Wikimedia Clinics #003: date to be discussed",
                "Wikimedia Clinics #002: February 2031, date to be discussed",
                "Wikimedia Clinics #001: January 2031",
            ],
        ),
        (
            "es",
            [
                "Wikimedia Clinics #003: fecha por acordar",
                "Wikimedia Clinics #002: febrero de 2031, fecha por acordar",
                "Wikimedia Clinics #001: enero de 2031",
            ],
        ),
    ],
)
def test_sessions_feed_names_the_month_of_a_call_without_a_day(client, program, language, expected):
    undated_sessions(program)

    root = _feed(client, "sessions-feed", program.slug, language)

    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == expected
    assert [e.find(f"{ATOM}summary").text for e in entries] == [
        title.split(": ", 1)[1] for title in expected
    ]


@pytest.mark.django_db
def test_digests_feed_names_the_month_a_digest_was_held_in(client, program):
    session = make_session(
        program, 5, start_date=None, start_time=None, date_precision=MONTH,
        start_month=dt.date(2024, 9, 1), status=ClinicSession.Status.HELD,
    )  # fmt: skip
    digest = digest_services.create_digest(session=session, language="en", introduction=False)
    topic = digest_services.add_topic(digest=digest, title="Maps")
    digest_services.add_item(topic=topic, text="We drew maps.")
    digest_services.publish_digest(digest=digest)

    root = _feed(client, "digests-feed", program.slug, "en")

    assert root.find(f"{ATOM}entry/{ATOM}summary").text == (
        "The digest of Wikimedia Clinics #005, held September 2024."
    )


# --- List announcements and the announcement form -----------------------------------------------


@pytest.mark.django_db
def test_announcement_names_the_month_of_calls_without_a_day(mailbox, program):
    calls = undated_sessions(program)
    english = services.create_mailing_list(
        program=program, name="Wikimedia-l", address="wikimedia-l@lists.example.org", language="en"
    )
    spanish = services.create_mailing_list(
        program=program, name="Wikimedia-es", address="wikimedia-es@lists.example.org",
        language="es",
    )  # fmt: skip
    services.announce_sessions(program=program, sessions=list(calls), lists=[english, spanish])
    work(queue="email")

    by_list = {message["To"]: message for message in mailbox.messages}
    text = text_body(by_list["wikimedia-l@lists.example.org"])
    assert "* Wikimedia Clinics #001: January 2031\n" in text
    assert "* Wikimedia Clinics #002: February 2031, date to be discussed\n" in text
    assert "* Wikimedia Clinics #003: date to be discussed\n" in text
    # No time to show in the reader's zone: the link is to the call's page.
    assert "In your time zone:" not in text
    assert (
        "  The call's page: http://clinicdesk.test/programs/wikimedia-clinics/sessions/1/\n" in text
    )
    html = html_body(by_list["wikimedia-l@lists.example.org"])
    assert "<strong>Wikimedia Clinics #001</strong>: January 2031<br>" in html
    assert (
        '<a href="http://clinicdesk.test/programs/wikimedia-clinics/sessions/1/">'
        "The call's page</a>"
    ) in html
    texto = text_body(by_list["wikimedia-es@lists.example.org"])
    assert "* Wikimedia Clinics #001: enero de 2031\n" in texto
    assert "* Wikimedia Clinics #002: febrero de 2031, fecha por acordar\n" in texto
    assert "* Wikimedia Clinics #003: fecha por acordar\n" in texto
    assert "  Página de la llamada: http://clinicdesk.test/" in texto


@pytest.mark.django_db
def test_announcement_of_one_call_known_by_month_says_it_in_the_subject(program):
    month_only, _expected, _open = undated_sessions(program)

    subject, _text, _html = emails.render_announcement(program, [month_only], "", "es")

    assert subject == "Wikimedia Clinics #001: enero de 2031"


@pytest.mark.django_db
def test_announcement_form_labels_calls_without_a_day(program):
    undated_sessions(program)
    form = forms.AnnouncementForm(
        sessions=queries.announceable_sessions(program), lists=MailingList.objects.none()
    )

    with translation.override("en"):
        labels = [label for _value, label in form.fields["sessions"].choices]

    assert labels == [
        "Wikimedia Clinics #001 — January 2031",
        "Wikimedia Clinics #002 — February 2031, date to be discussed",
        "Wikimedia Clinics #003 — date to be discussed",
    ]
