"""The read-only JSON API: programs, their sessions, and the OpenAPI schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinicdesk.scheduling import services
from tests.conftest import make_session

BASE = "http://testserver"
SESSIONS = "/api/programs/wikimedia-clinics/sessions"


@pytest.fixture
def session_with_segment(program, staff_people):
    session = make_session(
        program,
        10,
        start_date=dt.date(2030, 7, 17),
        start_time=dt.time(18, 0),
        time_zone="Europe/Madrid",
        duration_minutes=80,
        spoken_languages=["es", "en"],
        interpretation_languages=["fr"],
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


def test_api_sessions_exact_fields(client, session_with_segment):
    response = client.get(SESSIONS)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == [
        {
            "number": 10,
            "label": "#010",
            "title": "Wikimedia Clinics #010",
            "kind": "clinic",
            "start": "2030-07-17T16:00:00Z",
            "time_zone": "Europe/Madrid",
            "local_start": "2030-07-17T18:00:00+02:00",
            "date": "2030-07-17",
            "date_precision": "day",
            "month": "2030-07",
            "duration_minutes": 80,
            "spoken_languages": ["es", "en"],
            "interpretation_languages": ["fr"],
            "status": "planned",
            "is_demo": False,
            "meeting_url": "https://meet.example.org/clinic",
            "hosts": ["Quim (WMF)", "Sele (WMF)"],
            "segments": [
                {
                    "title": "Abstract Wikipedia",
                    "presenter": "Denny Vrandečić",
                    "start_offset_minutes": 15,
                    "duration_minutes": 30,
                    "start": "2030-07-17T16:15:00Z",
                }
            ],
            "url": f"{BASE}/programs/wikimedia-clinics/sessions/10/",
            "calendar_url": f"{BASE}/programs/wikimedia-clinics/sessions/10/calendar.ics",
        }
    ]


def test_api_sessions_winter_offset(client, program):
    make_session(
        program,
        1,
        start_date=dt.date(2030, 1, 17),
        start_time=dt.time(18, 0),
        time_zone="Europe/Madrid",
    )
    (session,) = client.get(SESSIONS).json()
    assert (session["start"], session["local_start"]) == (
        "2030-01-17T17:00:00Z",
        "2030-01-17T18:00:00+01:00",
    )


def test_api_sessions_unknown_time_and_date_are_null(client, program):
    make_session(program, 1, start_date=dt.date(2030, 1, 20), start_time=None)
    make_session(program, 2, start_date=None, start_time=None)
    first, second = client.get(SESSIONS).json()
    assert (first["start"], first["local_start"], first["date"]) == (None, None, "2030-01-20")
    assert (second["start"], second["local_start"], second["date"]) == (None, None, None)


def test_api_sessions_in_number_order_with_status(client, program):
    make_session(program, 3, start_date=dt.date(2030, 1, 1))
    cancelled = make_session(program, 1, start_date=dt.date(2030, 3, 1))
    services.cancel_session(session=cancelled)
    numbers = [(s["number"], s["status"]) for s in client.get(SESSIONS).json()]
    assert numbers == [(1, "cancelled"), (3, "planned")]


def test_api_programs_list_and_detail(client, program):
    expected = {
        "slug": "wikimedia-clinics",
        "name": "Wikimedia Clinics",
        "purpose": "Open support calls.",
        "conduct": "Listen with patience and respect.",
        "default_languages": ["en"],
        "community_zones": [
            "America/Mexico_City",
            "Europe/Madrid",
            "Africa/Lagos",
            "Asia/Kolkata",
        ],
        "url": f"{BASE}/programs/wikimedia-clinics/",
        "calendar_url": f"{BASE}/programs/wikimedia-clinics/calendar.ics",
        "sessions_url": f"{BASE}{SESSIONS}",
    }
    assert client.get("/api/programs").json() == [expected]
    assert client.get("/api/programs/wikimedia-clinics").json() == expected


def test_api_addresses_do_not_follow_the_browser_language(client, session_with_segment):
    (session,) = client.get(SESSIONS, headers={"accept-language": "es"}).json()
    assert session["url"] == f"{BASE}/programs/wikimedia-clinics/sessions/10/"


@pytest.mark.parametrize(
    "path", ["/api/programs/nope", "/api/programs/nope/sessions", "/api/programs/%20"]
)
def test_api_unknown_program_is_404_json(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"detail": "Not Found"}


def test_api_is_read_only(client, program):
    assert client.post("/api/programs").status_code == 405
    assert client.delete("/api/programs/wikimedia-clinics").status_code == 405


def test_openapi_schema_lists_paths_and_session_fields(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "clinicdesk API"
    scheduling_paths = {p for p in schema["paths"] if p.startswith("/api/programs")}
    # Other apps add their own paths under a program (digests, follow-ups, ...).
    assert {
        "/api/programs",
        "/api/programs/{slug}",
        "/api/programs/{slug}/sessions",
    } <= scheduling_paths
    session_out = schema["components"]["schemas"]["SessionOut"]
    assert list(session_out["properties"]) == [
        "number",
        "label",
        "title",
        "kind",
        "start",
        "time_zone",
        "local_start",
        "date",
        "date_precision",
        "month",
        "duration_minutes",
        "spoken_languages",
        "interpretation_languages",
        "status",
        "is_demo",
        "meeting_url",
        "hosts",
        "segments",
        "url",
        "calendar_url",
    ]
    assert {"format": "date-time", "type": "string"} in session_out["properties"]["start"]["anyOf"]
    assert session_out["properties"]["segments"]["items"] == {
        "$ref": "#/components/schemas/SegmentOut"
    }


# --- Queries do not grow with the number of rows ------------------------------------------------


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def _add_session(program, number: int, hosts) -> None:
    session = make_session(program, number, hosts=hosts)
    services.add_segment(session=session, title=f"Topic {number}", start_offset_minutes=10)


def test_api_sessions_query_count_same_at_1_and_3(client, program, staff_people):
    _add_session(program, 1, staff_people)
    one = _queries(client, SESSIONS)
    _add_session(program, 2, staff_people)
    _add_session(program, 3, staff_people)
    assert len(client.get(SESSIONS).json()) == 3
    assert _queries(client, SESSIONS) == one


def test_api_programs_query_count_same_at_1_and_3(client, program):
    one = _queries(client, "/api/programs")
    services.create_program(name="Let's Connect", slug="lets-connect")
    services.create_program(name="Global Conversations", slug="global-conversations")
    assert len(client.get("/api/programs").json()) == 3
    assert _queries(client, "/api/programs") == one
