"""The newsletters part of the JSON API."""

from __future__ import annotations

import datetime as dt

import pytest

from clinicdesk.newsletters import services
from clinicdesk.newsletters.models import Subscription


@pytest.fixture
def published(issue):
    services.publish_issue(issue=issue, now=dt.datetime(2030, 6, 1, 12, tzinfo=dt.UTC))
    return issue


def test_api_lists_published_issues(client, published, program):
    rows = client.get(f"/api/programs/{program.slug}/newsletter/issues").json()

    assert rows == [
        {
            "number": 7,
            "language": "en",
            "title": "Clinics Newsletter Issue 7",
            "url": "http://testserver/programs/wikimedia-clinics/newsletter/7/en/",
            "issue_date": "2030-06-01",
            "period_start": "2030-04-01",
            "period_end": "2030-05-31",
            "published_at": "2030-06-01T12:00:00Z",
            "translated_from": None,
        }
    ]


def test_api_issue_sections(client, published, program):
    body = client.get(f"/api/programs/{program.slug}/newsletter/issues/7/en").json()

    assert [m["month"] for m in body["past"]] == ["2030-04", "2030-05"]
    lua = body["past"][0]["sessions"][0]
    assert lua["resources"][0] == {
        "kind": "recording",
        "title": "recording",
        "url": "https://video.example.org/1",
        "start_seconds": 330,
        "end_seconds": 375,
    }
    assert lua["presenters"] == ["Ana"]
    assert body["upcoming"][1]["sessions"][0]["date_precision"] == "discussed"
    [opportunity] = body["opportunities"]
    assert (opportunity["deadline"], opportunity["time_zone"]) == (
        "2030-06-09T06:00:00Z",
        "America/Mexico_City",
    )


def test_api_issue_rendered_as_wikitext(client, published, program):
    response = client.get(f"/api/programs/{program.slug}/newsletter/issues/7/en/wikitext")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "== Past sessions ==" in response.content.decode()


def test_api_draft_or_unknown_issue_is_404(client, issue, program):
    assert client.get(f"/api/programs/{program.slug}/newsletter/issues/7/en").status_code == 404
    assert client.get(f"/api/programs/{program.slug}/newsletter/issues/7/zz-zz").status_code == 404


def test_api_subscribe_answers_alike_and_refuses_bad_input(client, program):
    url = f"/api/programs/{program.slug}/newsletter/subscriptions"

    first = client.post(url, {"email": "ana@example.org", "language": "en"}, "application/json")
    second = client.post(url, {"email": "ana@example.org", "language": "en"}, "application/json")
    bad = client.post(url, {"email": "nope", "language": "en"}, "application/json")
    missing = client.post(url, {"email": "ana@example.org"}, "application/json")

    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json() == second.json()
    assert Subscription.objects.count() == 1
    assert bad.status_code == 422
    assert bad.json() == {"detail": "Give an e-mail address such as name@example.org."}
    assert missing.status_code == 422
