"""The registration API: organizers' bearer tokens, registrations and needs, the OpenAPI
schema; the headcount in the sessions API once a session is held."""

from __future__ import annotations

import datetime as dt

import pytest

from clinicdesk.registration import services
from clinicdesk.scheduling.models import ClinicSession, Person
from tests.conftest import make_session
from tests.registration.conftest import register

REGISTRATIONS = "/api/programs/wikimedia-clinics/sessions/1/registrations"
NEEDS = "/api/programs/wikimedia-clinics/sessions/1/needs"
PROGRAM_NEEDS = "/api/programs/wikimedia-clinics/needs"


@pytest.fixture
def token(owner) -> str:
    return services.create_api_token(user=owner, name="spreadsheet")[1]


def _get(client, path: str, token: str | None = None, **query):
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return client.get(path, query, headers=headers)


def test_registrations_need_a_valid_token(client, clinic, token, member):
    assert _get(client, REGISTRATIONS).status_code == 401
    assert _get(client, REGISTRATIONS, "B" * 32).status_code == 401
    assert _get(client, REGISTRATIONS, "x" * 5000).status_code == 401
    other = services.create_api_token(user=member, name="other")[1]
    forbidden = _get(client, REGISTRATIONS, other)
    assert forbidden.status_code == 403
    assert forbidden.json() == {"detail": "This token's owner does not organize this program."}
    assert _get(client, REGISTRATIONS, token).status_code == 200
    assert (
        _get(client, "/api/programs/wikimedia-clinics/sessions/9/registrations", token).status_code
        == 404
    )


def test_revoked_token_stops_working(client, clinic, owner):
    row, token = services.create_api_token(user=owner, name="old")
    services.revoke_api_token(api_token=row)
    assert _get(client, REGISTRATIONS, token).status_code == 401


def test_registrations_list_every_answer(client, clinic, token):
    ana = register(clinic, "Ana", accessibility_notes="Captions", topic="<b>Lua</b>")
    register(clinic, "Ben")
    register(clinic, "Chi")
    services.check_in_registration(registration=ana, role=Person.Role.VOLUNTEER)

    body = _get(client, REGISTRATIONS, token).json()
    assert [(r["name"], r["status"]) for r in body] == [
        ("Ana", "confirmed"),
        ("Ben", "confirmed"),
        ("Chi", "waitlisted"),
    ]
    first = body[0]
    assert first["email"] == "ana@example.org"
    assert first["interpretation_language"] == "fr"
    assert first["needs_data_package"] is True
    assert first["accessibility_notes"] == "Captions"
    assert first["topic"] == "<b>Lua</b>"
    assert first["attribution"] == "affiliation"
    assert first["checked_in_as"] == "volunteer"
    assert body[1]["checked_in_as"] is None
    waitlisted = _get(client, REGISTRATIONS, token, status="waitlisted").json()
    assert [r["name"] for r in waitlisted] == ["Chi"]
    assert _get(client, REGISTRATIONS, token, status="everyone").status_code == 422


def test_needs_of_a_session_and_a_program(client, clinic, program, token):
    register(clinic, "Ana")
    register(clinic, "Ben", interpretation_language="ar", needs_childcare=True)
    register(clinic, "Chi")
    needs = _get(client, NEEDS, token).json()
    assert needs == {
        "registrations": {"confirmed": 2, "waitlisted": 1},
        "cancelled": 0,
        "interpretation": {
            "fr": {"confirmed": 1, "waitlisted": 1},
            "ar": {"confirmed": 1, "waitlisted": 0},
        },
        "data_package": {"confirmed": 2, "waitlisted": 1},
        "childcare": {"confirmed": 1, "waitlisted": 0},
        "accessibility_notes": {"confirmed": 0, "waitlisted": 0},
        "number": 1,
        "label": "#001",
        "erased_at": None,
    }
    program_needs = _get(client, PROGRAM_NEEDS, token).json()
    assert program_needs["program"] == "wikimedia-clinics"
    assert [s["label"] for s in program_needs["sessions"]] == ["#001"]
    assert program_needs["total"]["interpretation"]["fr"] == {"confirmed": 1, "waitlisted": 1}


def test_openapi_documents_the_token_and_the_endpoints(client, db):
    schema = client.get("/api/openapi.json").json()
    assert schema["components"]["securitySchemes"]["ApiTokenAuth"]["scheme"] == "bearer"
    for path in (
        "/api/programs/{slug}/sessions/{number}/registrations",
        "/api/programs/{slug}/sessions/{number}/needs",
        "/api/programs/{slug}/needs",
    ):
        operation = schema["paths"][path]["get"]
        assert operation["security"] == [{"ApiTokenAuth": []}]
        assert operation["tags"] == ["registration"]
    for path in (
        "/api/programs/{slug}/headcounts",
        "/api/programs/{slug}/sessions/{number}/headcount",
    ):
        assert "security" not in schema["paths"][path]["get"]
    headcount = schema["components"]["schemas"]["AttendanceOut"]["properties"]
    assert list(headcount) == ["number", "label", "staff", "volunteers", "total", "counted_by_hand"]


def test_headcount_api_once_held(client, program):
    held = make_session(program, 6, start_date=dt.date(2020, 7, 16))
    upcoming = make_session(program, 7)
    services.record_headcount(session=held, staff=7, volunteers=10)
    services.record_headcount(session=upcoming, staff=1, volunteers=1)
    ClinicSession.objects.filter(pk=held.pk).update(status="held")
    expected = {
        "number": 6,
        "label": "#006",
        "staff": 7,
        "volunteers": 10,
        "total": 17,
        "counted_by_hand": True,
    }
    assert client.get("/api/programs/wikimedia-clinics/headcounts").json() == [expected]
    assert client.get("/api/programs/wikimedia-clinics/sessions/6/headcount").json() == expected
    missing = client.get("/api/programs/wikimedia-clinics/sessions/7/headcount")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No headcount for this session (yet)."}
    assert client.get("/api/programs/nope/headcounts").status_code == 404


def test_headcounts_api_query_count_same_at_1_and_3(client, program):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/programs/wikimedia-clinics/headcounts").status_code == 200
        return len(captured)

    def held(number: int) -> None:
        session = make_session(program, number, start_date=dt.date(2020, 1, number))
        services.record_headcount(session=session, staff=1, volunteers=2)

    held(1)
    one = count()
    held(2)
    held(3)
    assert len(client.get("/api/programs/wikimedia-clinics/headcounts").json()) == 3
    assert count() == one
