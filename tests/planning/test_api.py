"""POST /api/plans: a plan from JSON, bad input answered 422 with what binds, in the schema."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone


def _post(client, body):
    return client.post("/api/plans", json.dumps(body), content_type="application/json")


def _tomorrow() -> str:
    return (timezone.now().date() + dt.timedelta(days=1)).isoformat()


DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
HUBS = [
    {"zone": "America/Mexico_City", "percent": 40},
    {"zone": "Europe/Madrid", "percent": 35},
    {"zone": "Asia/Kolkata", "percent": 25},
]


def test_api_plan_from_hubs(client, db):
    response = _post(
        client, {"k": 2, "hubs": HUBS, "horizon_start": _tomorrow(), "horizon_weeks": 4}
    )
    assert response.status_code == 200
    plan = response.json()
    assert (plan["k"], plan["method"], plan["proven_optimal"], plan["gap"]) == (2, "exact", True, 0)
    assert plan["min_region_share"] == 1.0
    assert [r["region"] for r in plan["regions"]] == ["America", "Europe", "Asia"]
    assert [r["weight_share"] for r in plan["regions"]] == [0.4, 0.35, 0.25]
    slot = plan["slots"][0]
    assert set(slot) == {
        "weekday", "time", "zone", "label", "served_alone", "region_shares", "local_times",
        "fewest_staff",
    }  # fmt: skip
    assert slot["zone"] == "UTC"
    assert slot["label"] == f"{DAYS[slot['weekday']]} {slot['time']} UTC"
    assert {t["zone"] for t in slot["local_times"]} == {
        "America/Mexico_City",
        "Europe/Madrid",
        "Asia/Kolkata",
    }
    assert len(plan["weeks"]) == 4
    assert plan["notes"] == [
        {
            "code": "staff_not_checked",
            "message": "Staffing was not checked: give the staff's working hours to keep only "
            "slots with enough staff.",
        }
    ]
    assert plan["stats"]["candidates"] == 336


def test_api_plan_from_members_with_availability_and_staff(client, db):
    evenings = [d * 48 + c for d in range(5) for c in range(36, 42)]
    body = {
        "k": 1,
        "horizon_start": _tomorrow(),
        "horizon_weeks": 2,
        "members": [
            {"zone": "Europe/Madrid", "availability": evenings},
            {"zone": "Europe/Berlin", "weight": 2, "region": "Central"},
        ],
        "staff": [
            {"zone": "Europe/Madrid", "start": "08:00", "end": "22:00"},
            {"zone": "Europe/Paris", "start": "08:00", "end": "22:00"},
        ],
    }
    plan = _post(client, body).json()
    assert plan["proven_optimal"] is True
    assert plan["slots"][0]["fewest_staff"] == 2
    assert {r["region"] for r in plan["regions"]} == {"Europe", "Central"}


@pytest.mark.parametrize(
    ("body", "code", "field", "detail"),
    [
        (
            {"k": 2, "hubs": [{"zone": "Mars/Base", "percent": 100}]},
            "unknown_zone",
            "hubs",
            "“Mars/Base”: not a known IANA time zone (for example Europe/Madrid), in the "
            "spread of hubs.",
        ),
        (
            {"k": 2, "hubs": HUBS[:2]},
            "weights_do_not_add_up",
            "hubs",
            "The shares add up to 75 %, not 100 %: adjust them so that they total 100 %.",
        ),
        (
            {"k": 2, "members": []},
            "empty_community",
            "members",
            "The community is empty: give at least one member, hub or poll answer to plan for.",
        ),
        (
            {"k": 400, "hubs": HUBS},
            "too_many_slots",
            "k",
            "The rotation asks for 400 weekly slots but there are only 336 candidate slots.",
        ),
        (
            {"k": 2, "hubs": HUBS, "horizon_start": "2020-01-06"},
            "horizon_in_past",
            "horizon",
            None,
        ),
        (
            {
                "k": 1,
                "hubs": HUBS,
                "staff": [
                    {"zone": "Europe/Madrid", "start": "09:00", "end": "11:00"},
                    {"zone": "Asia/Tokyo", "start": "09:00", "end": "11:00"},
                ],
            },
            "no_staffed_slot",
            "staff",
            None,
        ),
    ],
)
def test_api_plan_bad_input_is_422_with_what_binds(client, db, body, code, field, detail):
    response = _post(client, body)
    assert response.status_code == 422
    error = response.json()
    assert (error["code"], error["field"]) == (code, field)
    if detail:
        assert error["detail"] == detail
    assert error["detail"]


def test_api_plan_malformed_json_is_422_not_500(client, db):
    response = _post(client, {"hubs": HUBS})  # no k
    assert response.status_code == 422


def test_api_plan_is_in_the_openapi_schema(client, db):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/plans"]["post"]
    assert operation["summary"] == "Plan a fair rotation of weekly call times"
    assert set(operation["responses"]) >= {"200", "422"}
    assert "PlanIn" in json.dumps(operation["requestBody"])


def test_api_staff_hours_that_end_as_they_start_are_refused(client, db):
    body = {
        "k": 1,
        "hubs": HUBS,
        "staff": [
            {"zone": "Europe/Madrid", "start": "09:00", "end": "09:00"},
            {"zone": "Europe/Paris"},
        ],
    }
    error = _post(client, body).json()
    assert (error["code"], error["field"]) == ("invalid_staff_hours", "staff")
    assert error["detail"] == (
        "Staff member 1 works from 09:00 to 09:00: give hours within one day (00:00 to 24:00), "
        "the start before the end, and at least one working day."
    )
