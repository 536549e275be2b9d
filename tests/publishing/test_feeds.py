"""Atom feeds of a program: new sessions and published digests."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from clinicdesk.digests import services as digest_services
from clinicdesk.digests.queries import digest_path
from clinicdesk.scheduling import services as scheduling_services
from clinicdesk.scheduling.models import ClinicSession
from tests.conftest import make_session

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, name: str, slug: str) -> ET.Element:
    response = client.get(reverse(f"publishing:{name}", kwargs={"slug": slug}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own feed, from the test client


def test_sessions_feed_lists_new_sessions_newest_first_in_utc(client, program):
    make_session(
        program,
        1,
        start_date=dt.date(2030, 6, 17),
        start_time=dt.time(15, 0),
        time_zone="Europe/Madrid",
    )
    second = make_session(program, 2, start_date=dt.date(2030, 6, 19), start_time=dt.time(8, 0))
    scheduling_services.add_segment(session=second, title="Abstract Wikipedia", presenter="Denny")

    root = feed(client, "sessions-feed", program.slug)

    assert root.find(f"{ATOM}title").text == "Wikimedia Clinics: calls"
    entries = root.findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert titles == [
        "Wikimedia Clinics #002: Wednesday, June 19, 2030, 08:00 UTC",
        "Wikimedia Clinics #001: Monday, June 17, 2030, 13:00 UTC",
    ]
    assert entries[0].find(f"{ATOM}link").get("href") == (
        "http://testserver/programs/wikimedia-clinics/sessions/2/"
    )
    assert "Scheduled topics: Abstract Wikipedia" in entries[0].find(f"{ATOM}summary").text
    assert entries[0].find(f"{ATOM}id").text == f"urn:uuid:{second.uid}"


def test_sessions_feed_marks_a_cancelled_call(client, program):
    session = make_session(program, 3)
    scheduling_services.cancel_session(session=session)
    root = feed(client, "sessions-feed", program.slug)
    assert root.find(f"{ATOM}entry/{ATOM}title").text.endswith("(cancelled)")


def test_sessions_feed_follows_a_change_at_once(client, program):
    make_session(program, 1)
    assert len(feed(client, "sessions-feed", program.slug).findall(f"{ATOM}entry")) == 1
    make_session(program, 2)
    assert len(feed(client, "sessions-feed", program.slug).findall(f"{ATOM}entry")) == 2


def test_digests_feed_lists_published_versions_only(client, program):
    session = make_session(
        program, 6, start_date=dt.date(2020, 7, 16), status=ClinicSession.Status.HELD
    )
    english = digest_services.create_digest(session=session, language="en", introduction=False)
    topic = digest_services.add_topic(digest=english, title="Impact of the pandemic")
    digest_services.add_item(topic=topic, text="We adapted everything.")
    digest_services.create_digest(session=session, language="es", introduction=False)
    assert feed(client, "digests-feed", program.slug).findall(f"{ATOM}entry") == []

    digest_services.publish_digest(digest=english)

    entries = feed(client, "digests-feed", program.slug).findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Digest of Wikimedia Clinics #006 (English)"
    ]
    assert entries[0].find(f"{ATOM}link").get("href") == "http://testserver" + digest_path(
        program.slug, 6, "en"
    )


def test_feeds_of_an_unknown_program_are_404(client, db):
    for name in ("sessions-feed", "digests-feed"):
        assert client.get(reverse(f"publishing:{name}", kwargs={"slug": "nope"})).status_code == 404


def test_program_page_announces_its_feeds(client, program):
    html = client.get(program.get_absolute_url()).content.decode()
    sessions_url = reverse("publishing:sessions-feed", kwargs={"slug": program.slug})
    digests_url = reverse("publishing:digests-feed", kwargs={"slug": program.slug})
    assert f'<link rel="alternate" type="application/atom+xml" href="{sessions_url}"' in html
    assert f'<link rel="alternate" type="application/atom+xml" href="{digests_url}"' in html
    assert f'<a href="{sessions_url}" type="application/atom+xml">' in html


def test_sessions_feed_in_spanish_under_es(client, program):
    make_session(program, 1, start_date=dt.date(2030, 6, 17), start_time=dt.time(13, 0))
    response = client.get(
        "/es" + reverse("publishing:sessions-feed", kwargs={"slug": program.slug})
    )
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, from the test client
    assert root.find(f"{ATOM}title").text == "Wikimedia Clinics: llamadas"
    assert root.find(f"{ATOM}entry/{ATOM}title").text == (
        "Wikimedia Clinics #001: lunes, 17 de junio de 2030, 13:00 UTC"
    )
