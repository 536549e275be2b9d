"""Public pages: the program with its upcoming calls and archive, one session in the reader's
zone and language, the zone chooser; light, and without inline CSS or JS."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from clinicdesk.core.middleware import ZONE_COOKIE
from clinicdesk.scheduling import services
from tests.conftest import make_session

PROGRAM = "/programs/wikimedia-clinics/"
NNBSP = "\u202f"  # CLDR's narrow no-break space before AM/PM
MAX_PAGE_BYTES = 50 * 1024


@pytest.fixture(autouse=True)
def _empty_page_cache():
    cache.clear()
    yield
    cache.clear()
    # A request under /es/ leaves Spanish active in this thread for the tests that follow.
    translation.activate(settings.LANGUAGE_CODE)


def _session_url(number: int, prefix: str = "") -> str:
    return f"{prefix}/programs/wikimedia-clinics/sessions/{number}/"


@pytest.fixture
def summer_call(program, staff_people):
    """18:00 in Madrid on Wednesday 17 July 2030 (16:00 UTC), with one scheduled segment."""
    session = make_session(
        program,
        10,
        start_date=dt.date(2030, 7, 17),
        start_time=dt.time(18, 0),
        time_zone="Europe/Madrid",
        duration_minutes=90,
        spoken_languages=["es"],
        interpretation_languages=["en"],
        meeting_url="https://meet.example.org/clinic",
        hosts=staff_people,
    )
    services.add_segment(
        session=session,
        title="Abstract Wikipedia",
        presenter="Denny Vrandečić",
        start_offset_minutes=15,
        duration_minutes=30,
    )
    return session


@pytest.fixture
def held_call(program):
    """Seed 001: #006 held in Spanish on 16 July 2020, topics named in Spanish and English."""
    return make_session(
        program,
        6,
        start_date=dt.date(2020, 7, 16),
        start_time=dt.time(15, 0),
        spoken_languages=["es"],
        archive_topics={
            "es": ["Herramientas de traducción", "Eventos en línea"],
            "en": ["Translation tools", "Online events"],
        },
    )


def _page(client, path: str, **kwargs) -> str:
    response = client.get(path, **kwargs)
    assert response.status_code == 200
    return response.content.decode()


def _clocks(html: str) -> list[tuple[str, str, str]]:
    strip = re.search(r'<ul class="clocks">(.*?)</ul>', html, re.S)
    assert strip is not None, "no world-clock strip"
    return re.findall(
        r'<span class="city">(.*?)</span>\s*<span class="when">(.*?)</span>\s*'
        r'<span class="zone">(.*?)</span>',
        strip.group(1),
    )


def _agenda(html: str) -> list[str]:
    block = re.search(r'<ol class="agenda">(.*?)</ol>', html, re.S)
    assert block is not None
    items = re.findall(r"<li[^>]*>(.*?)</li>", block.group(1), re.S)
    # Squeeze the template's layout whitespace only: CLDR's no-break spaces stay.
    return [re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", "", item)).strip() for item in items]


# --- Session page -------------------------------------------------------------------------------


def test_session_page_time_in_zone_from_cookie(client, summer_call):
    client.cookies[ZONE_COOKIE] = "Asia/Tokyo"
    html = _page(client, _session_url(10))
    assert (
        '<time datetime="2030-07-17T16:00:00Z">Thursday, July 18, 2030, 1:00'
        f'{NNBSP}AM <span class="zone">(UTC+9, Tokyo)</span></time>'
    ) in html
    assert "Times in <strong>Tokyo (Asia/Tokyo)</strong>" in html
    assert 'data-tz-source="cookie"' in html
    # The time as scheduled, in the session's own zone, for a reader elsewhere.
    assert (
        'Scheduled as <time datetime="2030-07-17T16:00:00Z">'
        f'Wednesday, July 17, 2030, 6:00{NNBSP}PM <span class="zone">(UTC+2, Madrid)</span></time>'
    ) in html


def test_session_page_time_in_zone_from_address_wins_over_cookie(client, summer_call):
    client.cookies[ZONE_COOKIE] = "Asia/Tokyo"
    html = _page(client, _session_url(10), query_params={"tz": "America/Mexico_City"})
    assert (
        f"Wednesday, July 17, 2030, 10:00{NNBSP}AM "
        '<span class="zone">(UTC-6, Mexico City)</span></time>'
    ) in html
    assert "Times in <strong>Mexico City (America/Mexico_City)</strong>" in html
    assert "(UTC+9, Tokyo)" not in html


def test_session_page_in_its_own_zone_does_not_repeat_the_time(client, summer_call):
    html = _page(client, _session_url(10), query_params={"tz": "Europe/Madrid"})
    assert f"Wednesday, July 17, 2030, 6:00{NNBSP}PM" in html
    assert "Scheduled as" not in html


def test_session_page_world_clock_summer_date(client, summer_call):
    html = _page(client, _session_url(10))
    assert _clocks(html) == [
        ("Mexico City", f"10:00{NNBSP}AM", "UTC-6"),
        ("Madrid", f"6:00{NNBSP}PM", "UTC+2"),
        ("Lagos", f"5:00{NNBSP}PM", "UTC+1"),
        ("Kolkata", f"9:30{NNBSP}PM", "UTC+5:30"),
    ]


def test_session_page_world_clock_winter_date(client, program):
    make_session(
        program,
        1,
        start_date=dt.date(2030, 1, 16),
        start_time=dt.time(18, 0),
        time_zone="Europe/Madrid",
    )
    html = _page(client, _session_url(1))
    assert _clocks(html) == [
        ("Mexico City", f"11:00{NNBSP}AM", "UTC-6"),
        ("Madrid", f"6:00{NNBSP}PM", "UTC+1"),
        ("Lagos", f"6:00{NNBSP}PM", "UTC+1"),
        ("Kolkata", f"10:30{NNBSP}PM", "UTC+5:30"),
    ]


def test_session_page_world_clock_marks_the_day_against_the_readers_date(client, summer_call):
    # 16:00 UTC on 17 July is 02:00 on 18 July in Sydney: every city is on the day before.
    html = _page(client, _session_url(10), query_params={"tz": "Australia/Sydney"})
    strip = re.search(r'<ul class="clocks">(.*?)</ul>', html, re.S)
    assert strip is not None
    assert strip.group(1).count("previous day") == 4
    assert "next day" not in strip.group(1)


def test_session_page_agenda_segments_and_open_time(client, summer_call):
    html = _page(client, _session_url(10))
    assert _agenda(html) == [
        f"4:00{NNBSP}PM (UTC) — Open time: bring any topic",
        f"4:15{NNBSP}PM (UTC) — Abstract Wikipedia, with Denny Vrandečić",
        f"4:45{NNBSP}PM (UTC) — Open time: bring any topic",
    ]


def test_session_page_links_hosts_and_languages(client, summer_call):
    html = _page(client, _session_url(10))
    assert '<a href="https://meet.example.org/clinic" rel="noopener">Meeting link</a>' in html
    assert (
        '<a href="/programs/wikimedia-clinics/sessions/10/calendar.ics" download>'
        "Add to your calendar (.ics)</a>"
    ) in html
    assert "<li>Quim (WMF)</li><li>Sele (WMF)</li>" in html
    assert "Held in: Spanish" in html
    assert "Interpretation offered into: English" in html
    assert "(90 minutes)" in html


def test_session_page_cancelled_hides_the_meeting_link(client, summer_call):
    services.cancel_session(session=summer_call)
    html = _page(client, _session_url(10))
    assert "<strong>cancelled</strong>" in html
    assert "https://meet.example.org/clinic" not in html


def test_session_page_without_time_of_day_says_so(client, program):
    make_session(program, 2, start_date=dt.date(2020, 1, 20), start_time=None)
    html = _page(client, _session_url(2))
    assert "Monday, January 20, 2020 — " in html
    assert "The time of day of this call was not recorded." in html
    assert "<time" not in html


def test_session_page_upcoming_without_time_of_day_is_to_be_announced(client, program):
    make_session(program, 2, start_date=dt.date(2030, 1, 20), start_time=None)
    html = _page(client, _session_url(2))
    assert "Sunday, January 20, 2030 — " in html
    assert "time to be announced" in html
    assert "not recorded" not in html
    assert "/programs/wikimedia-clinics/sessions/2/calendar.ics" in html


def test_session_page_without_date_says_to_be_discussed(client, program):
    make_session(program, 3, start_date=None, start_time=None)
    assert "Date to be discussed." in _page(client, _session_url(3))


def test_session_page_in_spanish_formats_dates_in_spanish(client, summer_call):
    html = _page(client, _session_url(10, prefix="/es"), query_params={"tz": "Europe/Madrid"})
    assert '<html lang="es"' in html
    assert (
        '<time datetime="2030-07-17T16:00:00Z">miércoles, 17 de julio de 2030, 18:00 '
        '<span class="zone">(UTC+2, Madrid)</span></time>'
    ) in html
    assert ("Ciudad de México", "10:00", "UTC-6") in _clocks(html)
    assert "Idiomas hablados: Español" in html


def test_session_page_invalid_cookie_falls_back_to_default_zone(client, summer_call):
    client.cookies[ZONE_COOKIE] = "Not/AZone"
    html = _page(client, _session_url(10))
    assert "Times in <strong>UTC</strong>" in html
    assert 'data-tz-source="invalid"' in html
    assert f'4:00{NNBSP}PM <span class="zone">(UTC)</span>' in html


def test_session_page_unknown_address_zone_is_400_with_the_chooser(client, summer_call):
    client.cookies[ZONE_COOKIE] = "Asia/Tokyo"
    response = client.get(_session_url(10), query_params={"tz": "<script>", "x": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "“&lt;script&gt;” is not a time zone. Choose a time zone from the list." in html
    assert "<script>" not in html
    # Choosing a zone there leads back to the page asked for, without the bad zone.
    assert f'name="next" value="{_session_url(10)}?x=1"' in html
    assert '<option value="Asia/Tokyo" selected>' in html


def test_api_unknown_address_zone_is_400_in_json(client, summer_call):
    response = client.get("/api/programs", query_params={"tz": "Mars/Olympus_Mons"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "“Mars/Olympus_Mons” is not a time zone. Choose a time zone from the list."
    }


def test_known_address_zone_wins_over_cookie(client, summer_call):
    client.cookies[ZONE_COOKIE] = "Asia/Tokyo"
    html = _page(client, _session_url(10), query_params={"tz": "Asia/Kolkata"})
    assert "Times in <strong>Kolkata (Asia/Kolkata)</strong>" in html
    assert 'data-tz-source="address"' in html


@pytest.mark.parametrize(
    "path",
    [
        "/programs/nope/sessions/10/",
        "/programs/wikimedia-clinics/sessions/11/",
        "/programs/wikimedia-clinics/sessions/abc/",
        "/programs/wikimedia-clinics/sessions/99999999999999999999999/",
        "/programs/nope/",
        "/es/programs/nope/",
    ],
)
def test_unknown_program_or_session_is_404(client, summer_call, path):
    response = client.get(path)
    assert response.status_code == 404
    heading = "Página no encontrada" if path.startswith("/es/") else "Not found"
    assert f"<h1>{heading}</h1>" in response.content.decode()


# --- Program page -------------------------------------------------------------------------------


def test_program_page_upcoming_and_archive(client, summer_call, held_call):
    html = _page(client, PROGRAM)
    upcoming = html.split('id="upcoming"', 1)[1].split('id="archive"', 1)[0]
    archive = html.split('id="archive"', 1)[1]
    assert "Wikimedia Clinics #010" in upcoming
    assert "Scheduled topic: Abstract Wikipedia — Denny Vrandečić" in upcoming
    assert "/sessions/6/" not in upcoming
    assert '<a href="/programs/wikimedia-clinics/sessions/6/">006</a>' in archive
    assert "/sessions/10/" not in archive
    assert "Jul 16, 2020" in archive
    assert (
        '<a href="/programs/wikimedia-clinics/calendar.ics">'
        "Subscribe to the calendar of all calls</a>"
    ) in html


def test_program_page_archive_row_names_topics_in_both_languages(client, held_call):
    html = _page(client, PROGRAM)
    rows = re.findall(r"<tr>(<td lang=.*?)</tr>", html)
    assert rows == [
        '<td lang="es">Herramientas de traducción</td><td lang="en">Translation tools</td>',
        '<td lang="es">Eventos en línea</td><td lang="en">Online events</td>',
    ]
    assert '<th scope="col" lang="es">Español</th><th scope="col" lang="en">English</th>' in html
    assert "<td>Spanish, English</td>" in html


def test_program_page_upcoming_without_time_or_date(client, program):
    make_session(program, 1, start_date=dt.date(2030, 1, 20), start_time=None)
    make_session(program, 2, start_date=None, start_time=None)
    html = _page(client, PROGRAM)
    assert 'Sunday, January 20, 2030 <span class="muted">(time to be announced)</span>' in html
    assert '<span class="muted">date to be discussed</span>' in html


def test_program_page_upcoming_names_a_titled_call_with_its_number(client, program):
    make_session(program, 12, title="Lua for beginners", start_date=None, start_time=None)
    make_session(program, 13, start_date=None, start_time=None)
    html = _page(client, PROGRAM)
    assert (
        '<li><a href="/programs/wikimedia-clinics/sessions/12/">Lua for beginners</a> (#012),\n'
    ) in html
    assert (
        '<li><a href="/programs/wikimedia-clinics/sessions/13/">Wikimedia Clinics #013</a>,\n'
        in html
    )


def test_program_page_in_spanish(client, summer_call, held_call):
    html = _page(client, "/es" + PROGRAM, query_params={"tz": "Europe/Madrid"})
    assert "miércoles, 17 de julio de 2030, 18:00" in html
    assert "16 jul 2020" in html
    assert "<td>Español, Inglés</td>" in html


# --- Zone chooser -------------------------------------------------------------------------------


def test_zone_post_unknown_zone_is_400_with_a_message(client, db):
    response = client.post("/zone/", {"tz": "Mars/Olympus_Mons", "next": PROGRAM})
    assert response.status_code == 400
    assert "Choose a time zone from the list." in response.content.decode()
    assert ZONE_COOKIE not in response.cookies


def test_zone_post_valid_zone_sets_cookie_and_redirects_to_next(client, db):
    response = client.post("/zone/", {"tz": "Asia/Kolkata", "next": PROGRAM})
    assert response.status_code == 302
    assert response["Location"] == PROGRAM
    cookie = response.cookies[ZONE_COOKIE]
    assert cookie.value == "Asia/Kolkata"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["samesite"] == "Lax"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_zone_post_external_next_goes_home(client, db, target):
    response = client.post("/zone/", {"tz": "Asia/Kolkata", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_zone_cookie_is_used_by_the_next_page(client, summer_call):
    client.post("/zone/", {"tz": "Asia/Kolkata", "next": PROGRAM})
    assert "(UTC+5:30, Kolkata)" in _page(client, _session_url(10))


# --- Queries do not grow with the number of rows ------------------------------------------------


def _queries(client, path: str) -> int:
    cache.clear()  # count the page being built, not served from the cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def _add_sessions(program, staff_people, numbers) -> None:
    for number in numbers:
        upcoming = make_session(program, number, hosts=staff_people)
        services.add_segment(session=upcoming, title=f"Topic {number}")
        held = make_session(
            program,
            100 + number,
            start_date=dt.date(2020, 7, number),
            archive_topics={"es": [f"Tema {number}"], "en": [f"Topic {number}"]},
            hosts=staff_people,
        )
        services.add_segment(session=held, title=f"Past topic {number}")


def test_program_page_query_count_same_at_1_and_3(client, program, staff_people):
    _add_sessions(program, staff_people, [1])
    one = _queries(client, PROGRAM)
    _add_sessions(program, staff_people, [2, 3])
    assert _page(client, PROGRAM).count("Scheduled topic:") == 3
    assert _queries(client, PROGRAM) == one
    # Version, program, sessions, segments (not hosts: the page does not name them), then
    # the open poll, registrations, consultations, the latest newsletter and the digests.
    assert one == 9


def test_session_page_query_count_same_with_1_and_3_segments(client, program, staff_people):
    session = make_session(program, 1, hosts=staff_people)
    services.add_segment(session=session, title="First", duration_minutes=10)
    one = _queries(client, _session_url(1))
    services.add_segment(session=session, title="Second", start_offset_minutes=20)
    services.add_segment(session=session, title="Third", start_offset_minutes=50)
    assert _queries(client, _session_url(1)) == one


def test_home_page_query_count_same_at_1_and_3(client, program):
    one = _queries(client, "/")
    services.create_program(name="Let's Connect", slug="lets-connect")
    services.create_program(name="Global Conversations", slug="global-conversations")
    assert _page(client, "/").count("/programs/") == 3
    assert _queries(client, "/") == one


# --- Every page is light and CSP-ready ----------------------------------------------------------


class _InlineCodeFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if "style" in names:
            self.problems.append(f"style= on <{tag}>")
        self.problems.extend(f"{name}= on <{tag}>" for name in names if name.startswith("on"))
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script" and "src" not in names:
            self.problems.append("<script> without src")
        for name, value in attrs:
            if name in {"href", "src", "action"} and (value or "").strip().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL in <{tag} {name}>")


PAGES = [
    "/",
    "/es/",
    PROGRAM,
    "/ar" + PROGRAM,
    _session_url(10),
    _session_url(10, prefix="/es"),
    _session_url(6),
    "/zone/",
    "/programs/nope/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_has_no_inline_code_and_is_light(client, summer_call, held_call, path):
    client.cookies[ZONE_COOKIE] = "Asia/Kolkata"
    response = client.get(path)
    assert response.status_code in {200, 404}
    assert len(response.content) < MAX_PAGE_BYTES, len(response.content)
    finder = _InlineCodeFinder()
    finder.feed(response.content.decode())
    assert finder.problems == []


# --- The page cache -----------------------------------------------------------------------------


def test_cached_page_keeps_the_readers_zone_source(client, summer_call):
    _page(client, _session_url(10))  # a reader with no cookie: the default zone, UTC
    client.cookies[ZONE_COOKIE] = "UTC"  # another reader who chose UTC
    assert 'data-tz-source="cookie"' in _page(client, _session_url(10))


def test_session_page_lists_its_topics_in_each_language(client, held_call):
    html = _page(client, _session_url(6))
    topics = re.search(r'<section aria-labelledby="topics">(.*?)</section>', html, re.S)
    assert topics is not None, "no topics section"
    # The spoken language first, each list marked with its language for screen readers.
    assert re.findall(r'<h3 lang="(\w+)">(.*?)</h3>', topics[1]) == [
        ("es", "Español"),
        ("en", "English"),
    ]
    assert re.findall(r'<ul lang="(\w+)">(.*?)</ul>', topics[1]) == [
        ("es", "<li>Herramientas de traducción</li><li>Eventos en línea</li>"),
        ("en", "<li>Translation tools</li><li>Online events</li>"),
    ]


def test_session_page_without_recorded_topics_has_no_topics_section(client, summer_call):
    html = _page(client, _session_url(10))
    assert 'aria-labelledby="topics"' not in html


def test_session_page_of_a_past_call_still_planned_says_it_is_not_recorded_as_held(client, program):
    make_session(program, 10, start_date=dt.date(2020, 9, 15), start_time=dt.time(13, 0))
    html = _page(client, _session_url(10))
    assert (
        '<strong>planned</strong>\n <span class="muted">'
        "(its time has passed, and it is not recorded as held)</span>"
    ) in html


def test_session_page_of_an_upcoming_call_has_no_such_remark(client, summer_call):
    assert "not recorded as held" not in _page(client, _session_url(10))
