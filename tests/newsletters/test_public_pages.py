"""The public issue page, its plain text, the list of issues and the Atom feed."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinicdesk.newsletters import services

ATOM = "{http://www.w3.org/2005/Atom}"


def _url(issue) -> str:
    return issue.get_absolute_url()


def test_issue_page_shows_the_compiled_sections_without_javascript(client, issue):
    services.publish_issue(issue=issue)

    response = client.get(_url(issue))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Clinics Newsletter Issue 7</h1>" in page
    assert "<h2>Past sessions</h2>" in page
    assert "<h3>April 2030 Clinic calls</h3>" in page
    assert (
        '<a href="https://video.example.org/1" rel="noopener noreferrer nofollow">recording '
        "from 5:30 to 6:15</a>" in page
    )
    assert "[Date to be discussed] " in page
    assert "Deadline: June 8, 2030, end of the day (UTC-6, Mexico City)." in page
    assert "<script" not in page.split("</header>")[-1]


def test_draft_issue_is_not_public(client, issue):
    assert client.get(_url(issue)).status_code == 404


def test_unknown_language_is_not_found(client, issue):
    services.publish_issue(issue=issue)
    url = _url(issue).replace("/en/", "/xx-not-a-language/")

    assert client.get(url).status_code == 404


def test_hidden_item_is_left_out_of_the_page(client, issue):
    item = issue.items.get(session__title="Templates")
    services.set_item_hidden(item=item, hidden=True)
    services.publish_issue(issue=issue)

    page = client.get(_url(issue)).content.decode()

    assert "Templates" not in page
    assert "Lua for beginners" in page


def test_editor_change_shows_at_once_on_the_cached_page(client, issue):
    services.publish_issue(issue=issue)
    assert "Templates" in client.get(_url(issue)).content.decode()

    services.set_item_hidden(item=issue.items.get(session__title="Templates"), hidden=True)

    assert "Templates" not in client.get(_url(issue)).content.decode()


def test_issue_text_is_plain_text(client, issue):
    services.publish_issue(issue=issue)

    response = client.get(_url(issue) + "issue.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("Clinics Newsletter Issue 7\n==========================\n")
    assert (
        "  1. Lua for beginners (http://testserver/programs/wikimedia-clinics/sessions/1/)" in text
    )


def test_issue_list_and_feed(client, issue, program):
    services.publish_issue(issue=issue, now=dt.datetime(2030, 6, 1, 12, tzinfo=dt.UTC))

    listing = client.get(f"/programs/{program.slug}/newsletter/").content.decode()
    feed = client.get(f"/programs/{program.slug}/newsletter/feed/en.atom")

    assert f'<a href="{_url(issue)}">Clinics Newsletter Issue 7</a>' in listing
    assert feed["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)  # noqa: S314 - our own feed, from the test client
    [entry] = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Clinics Newsletter Issue 7"
    assert entry.findtext(f"{ATOM}published") == "2030-06-01T12:00:00+00:00"
    assert "Lua for beginners" in entry.findtext(f"{ATOM}summary")


def test_feed_in_a_language_without_issues_is_empty(client, issue, program):
    services.publish_issue(issue=issue)

    response = client.get(f"/programs/{program.slug}/newsletter/feed/es.atom")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, from the test client

    assert root.findall(f"{ATOM}entry") == []


@pytest.mark.parametrize("count", [1, 3])
def test_issue_list_queries_do_not_grow_with_issues(client, program, record, count):
    for number in range(1, count + 1):
        issue = services.create_issue(
            program=program, number=number, period_start=dt.date(2030, 4, 1),
            period_end=dt.date(2030, 5, 31),
        )  # fmt: skip
        services.compile_issue(issue=issue)
        services.publish_issue(issue=issue)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/programs/{program.slug}/newsletter/")

    assert response.status_code == 200
    # The content version, the program, the issues (and the rate-limit-free page has no more).
    assert len(queries) == 3


def test_program_page_links_to_the_latest_issue(client, issue, program):
    assert 'id="newsletter"' not in client.get(program.get_absolute_url()).content.decode()

    services.publish_issue(issue=issue)

    page = client.get(program.get_absolute_url()).content.decode()
    assert f'<a href="{_url(issue)}">Clinics Newsletter Issue 7</a>' in page


def test_spanish_version_speaks_spanish_on_an_english_page(client, issue):
    version = services.start_translation(source=issue, language="es")
    services.publish_issue(issue=issue)
    services.publish_issue(issue=version)

    page = client.get(version.get_absolute_url()).content.decode()

    assert '<article lang="es">' in page
    assert "<h3>Llamadas de la clínica de abril de 2030</h3>" in page
    # Links inside the Spanish issue lead to the Spanish site.
    assert '<a href="/es/programs/wikimedia-clinics/newsletter/7/en/" hreflang="en"' in page
    assert "Parts of this translation are not translated yet" in page


def _page_queries(client, url: str) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_issue_page_queries_do_not_grow_with_sessions(client, issue, program):
    from tests.conftest import make_session

    services.publish_issue(issue=issue)
    few = _page_queries(client, _url(issue))
    for number in (10, 11):
        make_session(program, number, start_date=dt.date(2030, 5, number), status="held")
    services.compile_issue(issue=issue)

    assert _page_queries(client, _url(issue)) == few


def test_demo_issue_page(client, db):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)

    page = client.get("/programs/lets-connect/newsletter/21/en/").content.decode()

    assert "<h1>Let\u2019s Connect Newsletter Issue 21</h1>" in page
    assert "<h2>Did you miss Learning Clinics - no worries!</h2>" in page
    assert "<h3>February 2025 Learning Clinics</h3>" in page
    assert "Deadline: December 30, 2024, end of the day (UTC)." in page
