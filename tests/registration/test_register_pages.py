"""The public registration form: on the session page and its own page; what a POST gets back,
from a seat to every kind of refusal; light pages, no inline code, fixed query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinicdesk.core.middleware import ZONE_COOKIE
from clinicdesk.registration import services
from clinicdesk.registration.models import Headcount, OutboundEmail, Registration
from clinicdesk.scheduling import services as scheduling
from clinicdesk.scheduling.models import ClinicSession
from tests.conftest import make_session
from tests.registration.conftest import form_data, open_registration, register
from tests.scheduling.test_public_pages import MAX_PAGE_BYTES, _InlineCodeFinder

SESSION_PAGE = "/programs/wikimedia-clinics/sessions/1/"
REGISTER = "/programs/wikimedia-clinics/sessions/1/register/"
PROGRAM_PAGE = "/programs/wikimedia-clinics/"


def _html(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def test_session_page_shows_the_form_deadline_and_seats(client, clinic):
    open_registration(
        clinic,
        times=services.WindowTimes(time_zone="Europe/Madrid", closes_on=dt.date(2030, 6, 16)),
    )
    html = _html(client, SESSION_PAGE)
    assert '<h2 id="registration">Registration</h2>' in html
    # 23:59 in Madrid (summer time) is 21:59 UTC; the reader's zone here is UTC.
    assert (
        'Registration is open until <strong><time datetime="2030-06-16T21:59:00Z">Sunday, June 16, '
        '2030, 9:59\u202fPM <span class="zone">(UTC)</span></time></strong>'
    ) in html
    assert "Deadline as set:" in html
    assert "2 seats left of 2." in html
    assert f'action="{REGISTER}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<option value="ar">Arabic</option>' in html
    assert '<option value="zh">Chinese</option>' in html
    assert 'name="needs_data_package"' in html
    assert 'name="needs_childcare"' in html
    assert 'name="conduct_acknowledged"' in html
    assert "Read the expected conduct of this program" in html
    assert '<script src="/static/registration/register.js" defer></script>' in html


def test_session_page_without_registration_has_no_form(client, program):
    make_session(program, 1)
    html = _html(client, SESSION_PAGE)
    assert 'id="registration"' not in html
    assert "csrfmiddlewaretoken" not in html


def test_session_page_says_full_and_waitlist(client, clinic):
    register(clinic, "Ana")
    register(clinic, "Ben")
    register(clinic, "Chi")
    html = _html(client, SESSION_PAGE)
    assert "All 2 seats are taken: if you register now, you join the waitlist" in html
    assert "1 person on the waitlist." in html


def test_zone_field_prefilled_from_the_readers_chosen_zone(client, clinic):
    assert 'name="home_time_zone" value=' not in _html(client, SESSION_PAGE)
    client.cookies[ZONE_COOKIE] = "Asia/Tokyo"
    assert re.search(r'name="home_time_zone" value="Asia/Tokyo"', _html(client, SESSION_PAGE))


def test_register_post_confirms_and_redirects_to_what_happened(client, clinic):
    response = client.post(REGISTER, form_data())
    assert response.status_code == 303
    assert (
        response["Location"]
        == "/programs/wikimedia-clinics/sessions/1/register/done/?outcome=confirmed"
    )
    registration = Registration.objects.get()
    assert (registration.name, registration.status, registration.interpretation_language) == (
        "Claudia",
        "confirmed",
        "fr",
    )
    assert OutboundEmail.objects.get().kind == "confirmation"
    done = _html(client, response["Location"])
    assert "<h1>You are registered</h1>" in done
    assert "We are sending an e-mail to the address you gave" in done


def test_register_by_city_name_finds_the_zone(client, clinic):
    client.post(REGISTER, form_data(home_time_zone="  mexico city "))
    assert Registration.objects.get().home_time_zone == "America/Mexico_City"


def test_register_waitlisted_outcome(client, clinic):
    register(clinic, "Ana")
    register(clinic, "Ben")
    response = client.post(REGISTER, form_data())
    assert response["Location"].endswith("?outcome=waitlisted")
    assert "<h1>You are on the waitlist</h1>" in _html(client, response["Location"])


def test_replayed_form_changes_nothing(client, clinic):
    first = client.post(REGISTER, form_data())
    again = client.post(REGISTER, form_data())
    assert first.status_code == again.status_code == 303
    assert again["Location"].endswith("?outcome=unchanged")
    assert Registration.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"conduct_acknowledged": None}, "Please read and accept the expected conduct."),
        ({"email": "nobody"}, "Enter a valid email address."),
        ({"name": ""}, "This field is required."),
        (
            {"interpretation_language": "de"},
            "Select a valid choice. de is not one of the available choices.",
        ),
        ({"home_time_zone": "Atlantis"}, "“Atlantis” is not a time zone we know."),
        ({"attribution": "everything"}, "Select a valid choice."),
        ({"name": "x" * 100_000}, "Ensure this value has at most 200 characters (it has 100000)."),
        ({"topic": "x" * 5000}, "Ensure this value has at most 1000 characters (it has 5000)."),
        ({"language": "tlh"}, "Select a valid choice."),
    ],
)
def test_register_bad_input_is_400_with_a_message_and_stores_nothing(
    client, clinic, changes, message
):
    register(clinic, "Ana")
    before = list(Registration.objects.values())
    response = client.post(REGISTER, form_data(**changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved: please correct what is marked below." in html
    assert message in html
    assert list(Registration.objects.values()) == before


def test_register_name_with_a_line_break_is_refused(client, clinic):
    response = client.post(REGISTER, form_data(name="Ana\r\nBcc: all@example.org"))
    assert response.status_code == 400
    assert "Please use ordinary characters on one line." in response.content.decode()
    assert not Registration.objects.exists()


def test_register_null_character_is_refused(client, clinic):
    response = client.post(REGISTER, form_data(topic="a\x00b"))
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_register_html_in_answers_is_shown_as_text(client, clinic):
    response = client.post(REGISTER, form_data(name="<script>alert(1)</script>", email="bad"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html


@pytest.mark.parametrize(
    ("setup", "status", "message"),
    [
        ("not open yet", 409, "Registration for this session is not open yet."),
        ("deadline passed", 410, "Registration for this session is closed."),
        ("closed by organizers", 410, "Registration for this session is closed."),
        ("held", 410, "This session has already been held."),
        ("cancelled", 410, "This session was cancelled."),
    ],
)
def test_register_outside_the_window_gets_a_clear_4xx(client, clinic, setup, status, message):
    if setup == "not open yet":
        open_registration(
            clinic, times=services.WindowTimes(time_zone="UTC", opens_on=dt.date(2030, 6, 1))
        )
    elif setup == "deadline passed":
        open_registration(
            clinic,
            times=services.WindowTimes(time_zone="UTC", closes_on=dt.date(2020, 1, 1)),
        )
    elif setup == "closed by organizers":
        open_registration(clinic, is_open=False)
    elif setup == "held":
        ClinicSession.objects.filter(pk=clinic.pk).update(status="held")
    else:
        scheduling.cancel_session(session=clinic)
    response = client.post(REGISTER, form_data())
    assert response.status_code == status
    html = response.content.decode()
    assert f'<p class="error" role="alert">{message}</p>' in html
    assert 'name="email"' not in html
    assert not Registration.objects.exists()


def test_register_page_of_a_session_without_registration_is_404(client, program):
    make_session(program, 1)
    assert client.get(REGISTER).status_code == 404
    assert client.post(REGISTER, form_data()).status_code == 404
    assert client.get("/programs/wikimedia-clinics/sessions/99/register/").status_code == 404


def test_register_without_csrf_token_is_403_and_stores_nothing(clinic):
    client = Client(enforce_csrf_checks=True)
    response = client.post(REGISTER, form_data())
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_register_with_csrf_token_from_the_page(clinic):
    client = Client(enforce_csrf_checks=True)
    page = client.get(SESSION_PAGE).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = client.post(REGISTER, form_data(csrfmiddlewaretoken=token))
    assert response.status_code == 303


def test_rate_limit_per_address_is_429_with_retry_after(client, clinic, settings):
    settings.REGISTRATION_RATE_LIMIT = 3
    for n in range(3):
        assert client.post(REGISTER, form_data(email=f"p{n}@example.org")).status_code == 303
    refused = client.post(REGISTER, form_data(email="p3@example.org"))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    assert "Too many forms came from your network in a short time." in refused.content.decode()
    assert Registration.objects.count() == 3
    other = client.post(REGISTER, form_data(email="p4@example.org"), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 303


def test_register_page_on_its_own(client, clinic):
    html = _html(client, REGISTER)
    assert "<h1>Register for Wikimedia Clinics #001</h1>" in html
    assert "Listen with patience and respect." in html  # the conduct, in full


def test_program_page_links_to_the_form_with_the_deadline(client, clinic):
    html = _html(client, PROGRAM_PAGE)
    assert f'<a href="{REGISTER}">Register</a> by <time datetime="2030-06-17T13:00:00Z">' in html


def test_program_page_marks_a_full_session_at_once(client, clinic):
    assert "waitlist only" not in _html(client, PROGRAM_PAGE)
    register(clinic, "Ana")
    register(clinic, "Ben")
    assert "(waitlist only)" in _html(client, PROGRAM_PAGE)


def test_program_page_is_still_served_from_the_cache(client, clinic, django_assert_num_queries):
    _html(client, PROGRAM_PAGE)
    with django_assert_num_queries(0):
        _html(client, PROGRAM_PAGE)


def test_held_session_shows_its_headcount(client, clinic):
    services.record_headcount(session=clinic, staff=7, volunteers=10)
    assert "headcount" not in _html(client, SESSION_PAGE)  # not held yet
    ClinicSession.objects.filter(pk=clinic.pk).update(status="held")
    cache.clear()
    html = _html(client, SESSION_PAGE)
    assert '<p class="headcount">7 staff members and 10 volunteers</p>' in html
    assert "Registration for this session is over." in html
    assert Headcount.objects.get().total == 17


def test_session_page_in_spanish(client, clinic):
    html = _html(client, "/es" + SESSION_PAGE)
    assert '<h2 id="registration">Inscripción</h2>' in html
    assert "Inscribirme" in html
    for english in ("Registration", "Register", "seats left", "waitlist", "Your name"):
        assert english not in html


# --- Light, CSP-ready, fixed queries ----------------------------------------------------------


@pytest.mark.parametrize("path", [SESSION_PAGE, REGISTER, "/es" + REGISTER, PROGRAM_PAGE])
def test_registration_pages_have_no_inline_code_and_are_light(client, clinic, path):
    response = client.get(path)
    assert response.status_code == 200
    assert len(response.content) < MAX_PAGE_BYTES // 2, len(response.content)
    finder = _InlineCodeFinder()
    finder.feed(response.content.decode())
    assert finder.problems == []


def _queries(client, path: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_session_page_queries_same_with_1_and_3_registrations(client, clinic):
    register(clinic, "Ana")
    one = _queries(client, SESSION_PAGE)
    register(clinic, "Ben")
    register(clinic, "Chi")
    assert _queries(client, SESSION_PAGE) == one


def test_program_page_queries_same_with_1_and_3_open_sessions(client, clinic, program):
    one = _queries(client, PROGRAM_PAGE)
    for number in (2, 3):
        open_registration(make_session(program, number))
    assert _html(client, PROGRAM_PAGE).count(">Register</a>") == 3
    assert _queries(client, PROGRAM_PAGE) == one


def test_register_form_page_queries_same_with_1_and_3_registrations(client, clinic):
    register(clinic, "Ana")
    one = _queries(client, REGISTER)
    register(clinic, "Ben")
    register(clinic, "Chi")
    assert _queries(client, REGISTER) == one


def test_done_page_url(clinic):
    assert reverse(
        "registration:registered", kwargs={"slug": "wikimedia-clinics", "number": 1}
    ) == ("/programs/wikimedia-clinics/sessions/1/register/done/")
