"""Public pages: a digest version and its formats, the session page's versions, the archive's
links, search; consent withdrawals show at once; light and CSP-ready; query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinicdesk.digests import services
from clinicdesk.digests.models import Item
from clinicdesk.scheduling import services as scheduling_services
from tests.conftest import make_session
from tests.scheduling.test_public_pages import MAX_PAGE_BYTES, _InlineCodeFinder

DIGEST = "/programs/wikimedia-clinics/sessions/6/digests/en/"


@pytest.fixture
def published(digest):
    services.publish_digest(digest=digest)
    return digest


def _page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    return response.content.decode()


def test_digest_page_shows_the_rendered_digest(client, published):
    html = _page(client, DIGEST)
    assert '<h1 lang="en">Digest of Wikimedia Clinics #006' in html
    assert (
        "<strong>Claudia from Wikimedia Mexico</strong>: We adapted everything to be "
        "<em>online-only</em>." in html
    )
    assert (
        '<h3 class="question">Question: How much support do you have to lead activities now?</h3>'
        in html
    )
    assert "Follow-up for a volunteer from Wikimedia Venezuela: open, due July 30, 2020" in html
    for suffix in ("wiki", "md", "txt"):
        assert f'href="digest.{suffix}"' in html


def test_digest_page_draft_or_unknown_is_404(client, digest):
    _page(client, DIGEST, 404)
    services.publish_digest(digest=digest)
    for path in [
        "/programs/wikimedia-clinics/sessions/6/digests/es/",
        "/programs/wikimedia-clinics/sessions/6/digests/<script>/",
        "/programs/wikimedia-clinics/sessions/99/digests/en/",
        "/programs/nope/sessions/6/digests/en/",
        DIGEST + "digest.exe",
        DIGEST + "digest.html",
    ]:
        _page(client, path, 404)


@pytest.mark.parametrize(
    ("suffix", "starts"),
    [
        ("wiki", "This is a digest (a processed, edited summary)"),
        ("md", "# Wikimedia Clinics #006\n\nThis is a digest"),
        ("txt", "Wikimedia Clinics #006\n\nThis is a digest"),
    ],
)
def test_digest_formats(client, published, suffix, starts):
    response = client.get(DIGEST + f"digest.{suffix}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'inline; filename="wikimedia-clinics-006-en.{suffix}"'
    )
    assert response.content.decode().startswith(starts)


def test_withdrawn_consent_shows_at_once_on_the_cached_page(client, published, people):
    assert "Claudia from Wikimedia Mexico" in _page(client, DIGEST)
    assert "Claudia from Wikimedia Mexico" in _page(client, DIGEST)  # from the page cache
    scheduling_services.set_attribution_consent(person=people["claudia"], consent="affiliation")
    cache.delete("digests:people-stamp")  # the moment's grace an app server may take
    html = _page(client, DIGEST)
    assert "a volunteer from Wikimedia Mexico</strong>: We adapted" in html
    assert "Claudia" not in html
    assert "Claudia" not in _page(client, DIGEST + "digest.wiki")


def test_session_page_lists_digest_versions_by_language(client, published):
    session_page = "/programs/wikimedia-clinics/sessions/6/"
    html = _page(client, session_page)
    assert (
        '<ul class="digest-versions"><li><a href="/programs/wikimedia-clinics/sessions/6/'
        'digests/en/" hreflang="en" lang="en">English</a></li></ul>' in html
    )
    spanish = services.start_translation(source=published, language="es")
    services.publish_digest(digest=spanish)
    html = _page(client, session_page)
    assert (
        'lang="en">English</a></li><li><a href="/programs/wikimedia-clinics/sessions/6/'
        'digests/es/" hreflang="es" lang="es">Español</a>' in html
    )


def test_program_archive_links_each_digest_version(client, published):
    html = _page(client, "/programs/wikimedia-clinics/")
    assert '<th scope="col">digests</th>' in html
    assert (
        '<td><a href="/programs/wikimedia-clinics/sessions/6/digests/en/" hreflang="en" '
        'lang="en">English</a>' in html
    )
    # The archive names the published version's topics in its language.
    assert '<td lang="en">Impact of the pandemic on affiliates</td>' in html


def _queries(client, path: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200, path
    return len(captured)


def test_program_page_query_count_same_at_1_and_3_digests(client, published, program, people):
    one = _queries(client, "/programs/wikimedia-clinics/")
    for number in (7, 8):
        session = make_session(program, number, start_date=dt.date(2020, 8, number))
        digest = services.create_digest(session=session, language="en", introduction=False)
        topic = services.add_topic(digest=digest, title=f"Topic {number}")
        services.add_item(topic=topic, text="x")
        services.publish_digest(digest=digest)
    assert _page(client, "/programs/wikimedia-clinics/").count("/digests/en/") == 3
    assert _queries(client, "/programs/wikimedia-clinics/") == one


def test_session_page_query_count_same_at_1_and_3_versions(client, published):
    one = _queries(client, "/programs/wikimedia-clinics/sessions/6/")
    for language in ("es", "fr"):
        services.publish_digest(
            digest=services.start_translation(source=published, language=language)
        )
    assert _queries(client, "/programs/wikimedia-clinics/sessions/6/") == one


def test_digest_page_query_count_same_at_1_and_3_items(client, published, people):
    topic = published.topics.get()
    one = _queries(client, DIGEST)
    for index in range(2):
        services.add_item(topic=topic, speaker=people["sele"], text=f"more {index}")
    services.add_resource(
        session=published.session, kind="slides", url="https://e.org", title="Slides"
    )
    assert Item.objects.filter(topic=topic).count() == 7
    assert _queries(client, DIGEST) == one


def test_search_page_query_count_same_at_1_and_3_results(client, published, program, people):
    url = "/programs/wikimedia-clinics/search/?q=pandemic"
    one = _queries(client, url)
    for number in (7, 8):
        session = make_session(program, number, start_date=dt.date(2020, 8, number))
        digest = services.create_digest(session=session, language="en", introduction=False)
        services.add_item(topic=services.add_topic(digest=digest, title="The pandemic"), text="x")
        services.publish_digest(digest=digest)
    assert _page(client, url).count("<mark>") >= 3
    assert _queries(client, url) == one


def test_search_page_finds_and_highlights(client, published):
    html = _page(client, "/programs/wikimedia-clinics/search/?q=online-only")
    assert (
        '<a href="/programs/wikimedia-clinics/sessions/6/digests/en/">'
        "Digest of Wikimedia Clinics #006</a>" in html
    )
    assert "<mark>online</mark>" in html
    html = _page(client, "/search/?q=pandemic&program=wikimedia-clinics&language=en")
    assert "Digest of Wikimedia Clinics #006" in html
    assert "No published digest matches." in _page(client, "/search/?q=zebra")
    assert "Type at least one word to search for." in _page(client, "/search/?q=%22%22")


@pytest.mark.parametrize(
    "query",
    [
        "date_from=2020-13-01",
        "date_from=2021-01-01&date_to=2020-01-01",
        "q=" + "x" * 301,
        "language=klingon",
        "program=nope",
    ],
)
def test_search_page_bad_input_is_400(client, published, query):
    response = client.get("/search/?" + query)
    assert response.status_code == 400


def test_search_page_bad_page_number_is_the_first_page(client, published):
    assert "Digest of Wikimedia Clinics #006" in _page(client, "/search/?q=pandemic&page=abc")
    assert "Digest of Wikimedia Clinics #006" not in _page(client, "/search/?q=pandemic&page=3")


@pytest.mark.parametrize(
    "path",
    [
        DIGEST,
        "/es" + DIGEST,
        "/ar" + DIGEST,
        "/programs/wikimedia-clinics/search/?q=pandemic",
        "/search/",
        "/programs/wikimedia-clinics/sessions/6/",
    ],
)
def test_digest_pages_have_no_inline_code_and_are_light(client, published, path):
    response = client.get(path)
    assert response.status_code == 200
    assert len(response.content) < MAX_PAGE_BYTES
    finder = _InlineCodeFinder()
    finder.feed(response.content.decode())
    assert finder.problems == []


def test_digest_page_in_spanish_interface(client, published):
    html = _page(client, "/es" + DIGEST)
    assert "Resumen de Wikimedia Clinics #006" in html
    assert "Otros formatos" in html
    # The digest itself stays in its own language.
    assert "This is a digest (a processed, edited summary)" in html


def test_version_paths_match_reverse_in_every_language(db):
    from django.urls import reverse
    from django.utils import translation

    from clinicdesk.digests.queries import digest_path

    for language in ("en", "es", "ar"):
        with translation.override(language):
            assert digest_path("zz-987654321", 7, "pt-br") == reverse(
                "digests:digest",
                kwargs={"slug": "zz-987654321", "number": 7, "language": "pt-br"},
            )
