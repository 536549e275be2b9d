"""The digests API: structured digests, each rendered format, follow-ups and search, with
speakers named only as they agreed; documented in the OpenAPI schema."""

from __future__ import annotations

import pytest

from clinicdesk.digests import services
from clinicdesk.scheduling import services as scheduling_services

BASE = "/api/programs/wikimedia-clinics/sessions/6/digests"


@pytest.fixture
def published(digest):
    services.publish_digest(digest=digest)
    return digest


def test_api_lists_published_versions(client, published):
    response = client.get(BASE)
    assert response.status_code == 200
    assert response.json() == [
        {
            "language": "en",
            "url": "http://testserver/programs/wikimedia-clinics/sessions/6/digests/en/",
            "api_url": "http://testserver/api/programs/wikimedia-clinics/sessions/6/digests/en",
        }
    ]


def test_api_structured_digest(client, published):
    body = client.get(BASE + "/en").json()
    assert body["session_title"] == "Wikimedia Clinics #006"
    assert body["headcount"] == {"staff": 7, "volunteers": 10, "staff_of": "Wikimedia Foundation"}
    [topic] = body["topics"]
    assert topic["title"] == "Impact of the pandemic on affiliates"
    statement, question, _note, follow_up = topic["items"]
    assert statement == {
        "kind": "statement",
        "speaker": "Claudia from Wikimedia Mexico",
        "text": "We adapted everything to be *online-only*.",
        "html": "We adapted everything to be <em>online-only</em>.",
        "state": "original",
        "follow_up": None,
        "resource": None,
        "children": [
            {
                "kind": "statement",
                "speaker": "Quim (WMF)",
                "text": "Thank you for sharing.",
                "html": "Thank you for sharing.",
                "state": "original",
                "follow_up": None,
                "resource": None,
                "children": [],
            }
        ],
    }
    assert question["speaker"] is None
    assert follow_up["follow_up"] == {
        "owner": "Quim (WMF)",
        "requester": "a volunteer from Wikimedia Venezuela",
        "description": "will relay this message to the relevant person",
        "due_date": "2020-07-30",
        "status": "open",
        "resolution": "",
        "overdue": True,
    }
    assert set(body["formats"]) == {"html", "wikitext", "markdown", "text"}


def test_api_never_names_beyond_consent(client, published, people):
    scheduling_services.set_attribution_consent(person=people["claudia"], consent="anonymous")
    response = client.get(BASE + "/en")
    assert "Claudia" not in response.content.decode()
    assert response.json()["topics"][0]["items"][0]["speaker"] == "a volunteer"


@pytest.mark.parametrize(
    ("output", "content_type", "starts"),
    [
        ("html", "text/html; charset=utf-8", '<div class="digest" lang="en">'),
        ("wikitext", "text/x-wiki; charset=utf-8", "This is a digest"),
        ("markdown", "text/markdown; charset=utf-8", "# Wikimedia Clinics #006"),
        ("text", "text/plain; charset=utf-8", "Wikimedia Clinics #006"),
    ],
)
def test_api_rendered_formats(client, published, output, content_type, starts):
    response = client.get(f"{BASE}/en/{output}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content.decode().startswith(starts)


def test_api_unknown_or_draft_is_404(client, digest):
    assert client.get(BASE + "/en").status_code == 404  # a draft
    services.publish_digest(digest=digest)
    assert client.get(BASE + "/fr").status_code == 404
    assert client.get(BASE + "/en/pdf").status_code == 422
    assert client.get("/api/programs/nope/sessions/6/digests").status_code == 404


def test_api_follow_ups_of_published_digests(client, digest):
    assert client.get("/api/programs/wikimedia-clinics/follow-ups").json() == []
    services.publish_digest(digest=digest)
    [follow_up] = client.get("/api/programs/wikimedia-clinics/follow-ups?status=open").json()
    assert follow_up["owner"] == "Quim (WMF)"
    assert client.get("/api/programs/wikimedia-clinics/follow-ups?status=done").json() == []
    assert client.get("/api/programs/wikimedia-clinics/follow-ups?status=bogus").status_code == 422


def test_api_search(client, published):
    response = client.get("/api/digests/search?q=pandemic&program=wikimedia-clinics&language=en")
    assert response.status_code == 200
    body = response.json()
    [hit] = body["results"]
    assert (body["query"], body["page"], body["has_more"]) == ("pandemic", 1, False)
    assert hit["session_number"] == 6
    assert "\ue000pandemic\ue001" in hit["snippet"]
    assert (
        hit["api_url"] == "http://testserver/api/programs/wikimedia-clinics/sessions/6/digests/en"
    )


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 422),
        ("q=x&page=0", 400),
        ("q=x&page=51", 400),
        ("q=x&language=klingon!", 400),
        ("q=x&date_from=2021-01-01&date_to=2020-01-01", 400),
        ("q=x&date_from=not-a-date", 422),
        ("q=x&program=nope", 404),
        ("q=" + "x" * 301, 400),
    ],
)
def test_api_search_bad_input(client, published, query, status):
    assert client.get("/api/digests/search?" + query).status_code == status


def test_api_schema_documents_the_digest_paths(client, db):
    schema = client.get("/api/openapi.json").json()
    assert {
        "/api/programs/{slug}/sessions/{number}/digests",
        "/api/programs/{slug}/sessions/{number}/digests/{language}",
        "/api/programs/{slug}/sessions/{number}/digests/{language}/{output}",
        "/api/programs/{slug}/follow-ups",
        "/api/digests/search",
    } <= set(schema["paths"])
    rendered = schema["paths"]["/api/programs/{slug}/sessions/{number}/digests/{language}/{output}"]
    assert set(rendered["get"]["responses"]["200"]["content"]) == {
        "text/html",
        "text/x-wiki",
        "text/markdown",
        "text/plain",
    }
    assert "ItemOut" in schema["components"]["schemas"]
