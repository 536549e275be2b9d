"""Organizer pages: the three personas everywhere, registrations with filters and CSV, needs
per session and per program, attendance and headcount, the outbox, API tokens; query counts
that do not grow with the rows."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinicdesk.registration import services
from clinicdesk.registration.models import (
    ApiToken,
    CheckIn,
    Headcount,
    OutboundEmail,
    Registration,
    RegistrationSettings,
)
from clinicdesk.scheduling import services as scheduling
from clinicdesk.scheduling.models import ClinicSession, Person
from tests.conftest import make_session
from tests.registration.conftest import open_registration, register

SLUG = "wikimedia-clinics"


def _url(name: str, **kwargs) -> str:
    return reverse(f"registration:{name}", kwargs=kwargs)


def _session_url(name: str, number: int = 1) -> str:
    return _url(name, slug=SLUG, number=number)


GET_PAGES = [
    ("settings", "session"),
    ("list", "session"),
    ("export", "session"),
    ("needs", "session"),
    ("attendance", "session"),
    ("program-needs", "program"),
    ("program-settings", "program"),
]


def _page(name: str, kind: str) -> str:
    return _session_url(name) if kind == "session" else _url(name, slug=SLUG)


@pytest.mark.parametrize(("name", "kind"), GET_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"), [("owner", 200), ("member", 403), ("outsider", 403)]
)
def test_organizer_pages_for_the_three_personas(
    client, clinic, request, name, kind, persona, status
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_page(name, kind)).status_code == status


@pytest.mark.parametrize(("name", "kind"), GET_PAGES)
def test_organizer_pages_send_anonymous_readers_to_log_in(client, clinic, name, kind):
    response = client.get(_page(name, kind))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("name", "kind"), GET_PAGES)
def test_organizer_pages_of_a_missing_session_or_program_are_404(client, clinic, owner, name, kind):
    client.force_login(owner)
    url = _session_url(name, 99) if kind == "session" else _url(name, slug="nope")
    assert client.get(url).status_code == 404


def _post_actions(clinic) -> list[tuple[str, dict[str, str]]]:
    ana = register(clinic, "Ana")
    host = scheduling.create_person(name="Quim", role=Person.Role.STAFF, organization="WMF")
    scheduling.set_hosts(session=clinic, hosts=[host])
    walk_in = services.add_walk_in(session=clinic, name="Sele", role=Person.Role.STAFF)
    email = OutboundEmail.objects.get()
    OutboundEmail.objects.filter(pk=email.pk).update(status="failed")
    return [
        (_url("check-in", slug=SLUG, number=1, registration_id=ana.pk), {"role": "volunteer"}),
        (_url("check-in-host", slug=SLUG, number=1, person_id=host.pk), {}),
        (_session_url("walk-in"), {"name": "Walk In", "role": "volunteer"}),
        (_url("check-in-remove", slug=SLUG, number=1, check_in_id=walk_in.pk), {}),
        (_session_url("headcount"), {"staff": "7", "volunteers": "10"}),
        (_session_url("held"), {}),
        (_session_url("settings"), {"capacity": "50", "time_zone": "UTC", "is_open": "on"}),
        (_url("email-retry", slug=SLUG, number=1, email_id=email.pk), {}),
        (_url("retention", slug=SLUG), {}),
    ]


def _state() -> list:
    return [
        list(Registration.objects.values()),
        list(CheckIn.objects.values()),
        list(Headcount.objects.values()),
        list(RegistrationSettings.objects.values()),
        list(OutboundEmail.objects.values()),
        list(ClinicSession.objects.values("status")),
    ]


@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_organizer_actions_refused_to_others_change_nothing(client, clinic, request, persona):
    actions = _post_actions(clinic)
    client.force_login(request.getfixturevalue(persona))
    before = _state()
    for url, data in actions:
        assert client.post(url, data).status_code == 403, url
    assert _state() == before


def test_organizer_actions_need_a_login(client, clinic):
    for url, data in _post_actions(clinic):
        assert client.post(url, data).status_code == 302, url


# --- Registrations ---------------------------------------------------------------------------


def test_registrations_list_with_filters(client, clinic, owner):
    register(clinic, "Ana", needs_childcare=True)
    register(clinic, "Ben", interpretation_language="ar", needs_data_package=False)
    register(clinic, "Chi", interpretation_language="", needs_data_package=False)
    client.force_login(owner)

    def names(**query) -> list[str]:
        response = client.get(_session_url("list"), query)
        return [r.name for r in response.context["registrations"]]

    assert names() == ["Ana", "Ben", "Chi"]
    assert names(status="waitlisted") == ["Chi"]
    assert names(need="interpretation:ar") == ["Ben"]
    assert names(need="interpretation") == ["Ana", "Ben"]
    assert names(need="data_package") == ["Ana"]
    assert names(need="childcare") == ["Ana"]
    assert names(q="BEN@") == ["Ben"]
    page = client.get(_session_url("list")).content.decode()
    assert "2 confirmed, 1 on the waitlist" in page


def test_registrations_list_shows_html_as_text(client, clinic, owner):
    register(clinic, "<b>Bold</b>", email="bold@example.org", topic="<script>alert(1)</script>")
    client.force_login(owner)
    html = client.get(_session_url("list")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html


def test_registrations_export_csv_same_filters_and_no_formulas(client, clinic, owner):
    register(
        clinic,
        '=HYPERLINK("http://evil")',
        email="evil@example.org",
        topic="+1 more",
        accessibility_notes="-x",
    )
    register(clinic, "Ben", interpretation_language="ar")
    client.force_login(owner)
    response = client.get(_session_url("export"), {"need": "interpretation:fr"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="wikimedia-clinics-001-registrations.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["status", "name", "email"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["name"] == '\'=HYPERLINK("http://evil")'
    assert row["topic"] == "'+1 more"
    assert row["accessibility_notes"] == "'-x"
    assert row["interpretation_language"] == "fr"
    assert row["needs_data_package"] == "yes"
    assert row["reminders"] == "yes"


def test_undelivered_emails_are_listed_and_can_be_sent_again(client, clinic, owner, deliver):
    register(clinic, "Ana")
    email = OutboundEmail.objects.get()
    OutboundEmail.objects.filter(pk=email.pk).update(
        status="failed", attempts=12, last_error="SMTPServerDisconnected: gone"
    )
    client.force_login(owner)
    html = client.get(_session_url("list")).content.decode()
    assert "SMTPServerDisconnected: gone" in html
    assert "Send again" in html
    response = client.post(_url("email-retry", slug=SLUG, number=1, email_id=email.pk))
    assert response.status_code == 302
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 0)


def test_registration_settings_form_opens_with_seats_and_deadline(client, program, owner):
    make_session(program, 3, start_date=dt.date(2030, 12, 5))
    client.force_login(owner)
    response = client.post(
        _session_url("settings", 3),
        {
            "is_open": "on",
            "capacity": "250",
            "time_zone": "UTC",
            "closes_on": "2030-12-04",
            "offers_data_package": "on",
            "offers_childcare": "on",
        },
    )
    assert response.status_code == 302
    row = RegistrationSettings.objects.get(session__number=3)
    assert (row.capacity, row.closes_at) == (250, dt.datetime(2030, 12, 4, 23, 59, tzinfo=dt.UTC))


def test_registration_settings_form_refuses_a_gap_time(client, clinic, owner):
    client.force_login(owner)
    before = RegistrationSettings.objects.values().get()
    response = client.post(
        _session_url("settings"),
        {
            "is_open": "on",
            "time_zone": "Europe/Madrid",
            "closes_on": "2030-03-31",
            "closes_time": "02:30",
        },
    )
    assert response.status_code == 400
    assert "does not exist in Europe/Madrid" in response.content.decode()
    assert RegistrationSettings.objects.values().get() == before


# --- Needs -----------------------------------------------------------------------------------


def test_needs_page_counts_and_notes(client, clinic, owner):
    register(clinic, "Ana", accessibility_notes="Captions, please")
    register(clinic, "Ben", interpretation_language="ar")
    register(clinic, "Chi", needs_childcare=True)
    client.force_login(owner)
    html = client.get(_session_url("needs")).content.decode()
    assert '<th scope="row">Interpretation into French</th><td>1</td><td>1</td>' in html
    assert '<th scope="row">Interpretation into Arabic</th><td>1</td><td>0</td>' in html
    assert '<th scope="row">Internet data packages</th><td>2</td><td>1</td>' in html
    assert '<th scope="row">Childcare</th><td>0</td><td>1</td>' in html
    assert "<li><strong>Ana</strong>: Captions, please</li>" in html


def test_program_needs_adds_sessions_up(client, clinic, program, owner):
    second = make_session(program, 2, interpretation_languages=["fr", "es"])
    open_registration(second)
    register(clinic, "Ana")
    register(second, "Ben", interpretation_language="es")
    register(second, "Chi")
    client.force_login(owner)
    response = client.get(_url("program-needs", slug=SLUG))
    needs = response.context["needs"]
    assert [s.number for s, _summary in needs.rows] == [1, 2]
    assert needs.languages == ["fr", "es"]
    assert needs.total.interpretation["fr"].confirmed == 2


# --- Attendance ------------------------------------------------------------------------------


def test_check_in_registrants_hosts_and_walk_ins_make_the_headcount(client, clinic, owner):
    ana = register(clinic, "Ana")
    ben = register(clinic, "Ben")
    host = scheduling.create_person(name="Quim", role=Person.Role.STAFF, organization="WMF")
    scheduling.set_hosts(session=clinic, hosts=[host])
    client.force_login(owner)
    client.post(
        _url("check-in", slug=SLUG, number=1, registration_id=ana.pk), {"role": "volunteer"}
    )
    client.post(_url("check-in", slug=SLUG, number=1, registration_id=ben.pk), {"role": "staff"})
    client.post(_url("check-in-host", slug=SLUG, number=1, person_id=host.pk))
    client.post(_session_url("walk-in"), {"name": "Walk In", "role": "volunteer"})

    headcount = Headcount.objects.get()
    assert (headcount.staff, headcount.volunteers) == (2, 2)
    ana.refresh_from_db()
    assert ana.person.attribution_consent == Person.Attribution.AFFILIATION
    html = client.get(_session_url("attendance")).content.decode()
    assert "Headcount: 2 staff, 2 volunteers" in html

    walk_in = CheckIn.objects.get(name="Walk In")
    client.post(_url("check-in-remove", slug=SLUG, number=1, check_in_id=walk_in.pk))
    headcount.refresh_from_db()
    assert headcount.volunteers == 1


def test_headcount_by_hand_for_a_call_without_registration(client, program, owner):
    make_session(program, 6, start_date=dt.date(2020, 7, 16))
    client.force_login(owner)
    response = client.post(_session_url("headcount", 6), {"staff": "7", "volunteers": "10"})
    assert response.status_code == 302
    client.post(_session_url("held", 6))
    session = ClinicSession.objects.get(number=6)
    assert session.status == "held"
    page = client.get(session.get_absolute_url()).content.decode()
    assert '<p class="headcount">7 staff members and 10 volunteers</p>' in page


def test_headcount_with_one_number_is_refused(client, clinic, owner):
    client.force_login(owner)
    response = client.post(_session_url("headcount"), {"staff": "7"})
    assert response.status_code == 400
    assert "Give both numbers" in response.content.decode()
    assert not Headcount.objects.exists()


def test_mark_held_before_the_start_is_refused(client, clinic, owner):
    client.force_login(owner)
    response = client.post(_session_url("held"))
    assert response.status_code == 409
    assert "once it has started" in response.content.decode()
    clinic.refresh_from_db()
    assert clinic.status == "planned"


def test_walk_in_without_a_name_is_400(client, clinic, owner):
    client.force_login(owner)
    assert client.post(_session_url("walk-in"), {"name": "", "role": "staff"}).status_code == 400
    assert not CheckIn.objects.exists()


# --- API tokens ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"), [("owner", 200), ("member", 200), ("outsider", 403)]
)
def test_api_tokens_page_for_the_three_personas(client, clinic, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url("api-tokens")).status_code == status


def test_api_token_is_shown_once_and_can_be_revoked(client, clinic, owner, member):
    client.force_login(owner)
    response = client.post(_url("api-tokens"), {"name": "interpreters"})
    assert response.status_code == 201
    token = response.context["new_token"]
    assert token in response.content.decode()
    assert token not in client.get(_url("api-tokens")).content.decode()
    row = ApiToken.objects.get()
    assert services.user_for_api_token(token) == owner
    client.force_login(member)
    assert client.post(_url("api-token-revoke", token_id=row.pk)).status_code == 404
    client.force_login(owner)
    client.post(_url("api-token-revoke", token_id=row.pk))
    assert services.user_for_api_token(token) is None


# --- Queries do not grow with the rows --------------------------------------------------------


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _with_check_ins(clinic, names: list[str]) -> None:
    for name in names:
        registration = register(clinic, name, needs_childcare=True, accessibility_notes="x")
        services.check_in_registration(registration=registration, role=Person.Role.VOLUNTEER)
        services.add_walk_in(session=clinic, name=f"{name} walk-in", role=Person.Role.STAFF)


@pytest.mark.parametrize("name", ["list", "export", "needs", "attendance"])
def test_session_pages_queries_same_at_1_and_3(client, clinic, owner, name):
    client.force_login(owner)
    _with_check_ins(clinic, ["Ana"])
    one = _count(client, _session_url(name))
    _with_check_ins(clinic, ["Ben", "Chi"])
    assert _count(client, _session_url(name)) == one


def test_program_needs_queries_same_at_1_and_3_sessions(client, clinic, program, owner):
    client.force_login(owner)
    register(clinic, "Ana")
    one = _count(client, _url("program-needs", slug=SLUG))
    for number in (2, 3):
        session = make_session(program, number, interpretation_languages=["fr"])
        open_registration(session)
        register(session, "Ben")
    assert _count(client, _url("program-needs", slug=SLUG)) == one


def test_dashboard_links_each_session_to_its_registrations(client, clinic, owner):
    client.force_login(owner)
    html = client.get(reverse("manage:program", kwargs={"slug": SLUG})).content.decode()
    assert f'href="{_session_url("list")}"' in html
    session_page = client.get(reverse("manage:session", kwargs={"slug": SLUG, "number": 1}))
    assert f'href="{_session_url("attendance")}"' in session_page.content.decode()
