"""The public page cache: served from cache until the record changes, never for organizers."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

from clinicdesk.scheduling import services
from tests.conftest import make_session

PAGE = "/programs/wikimedia-clinics/"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_program_page_second_view_costs_no_query(client, program, django_assert_num_queries):
    make_session(program, 1)
    first = client.get(PAGE)
    with django_assert_num_queries(0):  # the content version is cached for a moment too
        second = client.get(PAGE)
    assert second.status_code == 200
    assert second.content == first.content


def test_program_page_shows_an_edit_at_once(client, program):
    session = make_session(program, 1, title="Before the edit")
    assert b"Before the edit" in client.get(PAGE).content
    services.update_session(session=session, title="After the edit")
    body = client.get(PAGE).content
    assert b"After the edit" in body
    assert b"Before the edit" not in body


def test_program_page_cached_per_reader_zone(client, program):
    make_session(program, 1, start_date=dt.date(2030, 6, 17), start_time=dt.time(13, 0))
    assert "UTC+9, Tokyo" not in client.get(PAGE).content.decode()
    client.cookies["clinicdesk_tz"] = "Asia/Tokyo"
    tokyo = client.get(PAGE).content.decode()
    assert '10:00\u202fPM <span class="zone">(UTC+9, Tokyo)</span>' in tokyo


def test_program_page_etag_revalidates_with_304(client, program):
    make_session(program, 1)
    etag = client.get(PAGE)["ETag"]
    again = client.get(PAGE, headers={"if-none-match": etag})
    assert again.status_code == 304
    services.update_program(program=program, purpose="Changed purpose.")
    changed = client.get(PAGE, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_program_page_not_cached_for_a_signed_in_organizer(client, program, owner):
    make_session(program, 1)
    client.get(PAGE)
    client.force_login(owner)
    response = client.get(PAGE)
    assert "ETag" not in response
    assert b"/manage/" in response.content


def test_unknown_program_is_404_and_not_cached(client, db):
    assert client.get("/programs/nope/").status_code == 404
    assert client.get("/programs/nope/").status_code == 404


def test_program_page_gzipped_once_for_readers_who_accept_it(client, program):
    make_session(program, 1)
    plain = client.get(PAGE)
    packed = client.get(PAGE, headers={"accept-encoding": "gzip, br"})
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2
    assert packed["ETag"] != plain["ETag"]
    assert "Accept-Encoding" in packed["Vary"]
    assert "Content-Encoding" not in plain


def test_page_with_a_csrf_token_is_never_cached(rf, program):
    from django.middleware.csrf import get_token

    from clinicdesk.core.pagecache import cached_public_page

    calls = []

    @cached_public_page(lambda request: 1)
    def form_page(request):
        calls.append(1)
        return HttpResponse(get_token(request))

    first = form_page(rf.get("/form/"))
    second = form_page(rf.get("/form/"))
    assert len(calls) == 2
    assert first.content != second.content


def test_page_cache_switched_off_renders_every_time(client, program, settings):
    settings.CLINICDESK_PAGE_CACHE = False
    make_session(program, 1)
    first = client.get(PAGE)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(PAGE)
    assert second.status_code == 200
    assert second.content == first.content
    assert "ETag" not in second
    assert len(queries) > 0  # rendered again, where the cache answers with none
