"""The consultations API: documented in the OpenAPI schema, suppression as on the pages,
results and ballots refused with the reason until ranking closes, submissions checked."""

from __future__ import annotations

import pytest

from clinicdesk.consultations import services
from clinicdesk.consultations.models import Submission
from tests.consultations.conftest import ids, participant

BASE = "/api/programs/wikimedia-clinics/consultations/priorities-2031"


def _cast(consultation, rows):
    n = 0
    for count, region, language, codes in rows:
        for _ in range(count):
            n += 1
            services.submit_ballot(
                consultation=consultation,
                participant=participant(consultation, n, region, language),
                choices=ids(consultation, *codes),
            )


def _close(consultation):
    services.set_window_now(consultation=consultation, which="ranking", edge="closes")


@pytest.mark.django_db
def test_schema_documents_every_consultation_endpoint(client):
    schema = client.get("/api/openapi.json").json()

    paths = {path for path in schema["paths"] if "consultations" in path}
    assert paths == {
        "/api/programs/{slug}/consultations",
        "/api/programs/{slug}/consultations/{consultation}",
        "/api/programs/{slug}/consultations/{consultation}/initiatives",
        "/api/programs/{slug}/consultations/{consultation}/submissions",
        "/api/programs/{slug}/consultations/{consultation}/results",
        "/api/programs/{slug}/consultations/{consultation}/raw-data",
        "/api/programs/{slug}/consultations/{consultation}/raw-data/ballots",
    }
    results = schema["paths"]["/api/programs/{slug}/consultations/{consultation}/results"]["get"]
    assert set(results["responses"]) == {"200", "403"}
    assert (
        "post" in schema["paths"]["/api/programs/{slug}/consultations/{consultation}/submissions"]
    )


@pytest.mark.django_db
def test_consultation_gives_each_time_in_utc_and_in_its_zone(client, consultation):
    found = client.get(BASE).json()

    assert found["time_zone"] == "Europe/Madrid"
    assert found["ranking"]["state"] == "open"
    assert found["ranking"]["closes"].endswith("Z") or found["ranking"]["closes"].endswith("+00:00")
    assert found["ranking"]["closes_local"].endswith(("+01:00", "+02:00"))
    assert found["results_published"] is False
    assert [e["number"] for e in found["events"]] == [1]
    assert client.get("/api/programs/wikimedia-clinics/consultations").json()[0]["slug"] == (
        "priorities-2031"
    )


@pytest.mark.django_db
def test_initiatives_in_a_language_with_every_text(client, consultation):
    services.import_initiatives(
        consultation=consultation, text="# R1 | Sostenibilidad\n1.1 | Conocimiento", language="es"
    )

    groups = client.get(BASE + "/initiatives?language=es").json()

    assert [g["code"] for g in groups] == ["R1", "R2"]
    first = groups[0]["initiatives"][0]
    assert (first["code"], first["title"], first["language"]) == ("1.1", "Conocimiento", "es")
    assert set(first["texts"]) == {"en", "es"}
    assert groups[0]["initiatives"][1]["language"] == "en"


@pytest.mark.django_db
def test_results_before_closing_are_refused_with_the_reason(client, consultation):
    _cast(consultation, [(6, "africa", "en", ["1.1"])])

    response = client.get(BASE + "/results")
    ballots = client.get(BASE + "/raw-data/ballots")

    assert response.status_code == ballots.status_code == 403
    assert response.json()["detail"].startswith("Results are published when ranking closes, on ")


@pytest.mark.django_db
def test_results_after_closing_with_suppressed_counts_and_breakdowns(client, consultation):
    _cast(consultation, [(6, "africa", "en", ["2.1", "1.1"]), (2, "cee", "ru", ["1.2"])])
    _close(consultation)

    found = client.get(BASE + "/results?method=approval").json()

    assert (found["method"], found["ballots"], found["published"]) == ("approval", 8, True)
    rows = {row["code"]: row for row in found["rows"]}
    assert rows["2.1"] == {
        "rank": 1,
        "code": "2.1",
        "title": "Onboarding",
        "score": 6,
        "first_choices": 6,
        "approvals": 6,
    }
    assert rows["1.2"]["approvals"] is None
    assert rows["1.2"]["score"] is None
    region = next(b for b in found["breakdowns"] if b["dimension"] == "region")
    assert [(g["key"], g["ballots"]) for g in region["groups"]] == [("africa", 6)]
    assert region["withheld"] is True
    assert client.get(BASE + "/results?method=plurality").status_code == 422


@pytest.mark.django_db
def test_raw_data_and_ballot_pages(client, consultation):
    _cast(consultation, [(6, "africa", "en", ["2.1", "1.1"]), (2, "cee", "ru", ["1.2"])])
    _close(consultation)

    raw = client.get(BASE + "/raw-data").json()
    page = client.get(BASE + "/raw-data/ballots?offset=5&limit=2").json()

    assert raw["suppression_threshold"] == 5
    assert "ballots.csv" in raw["downloads"]
    assert [c["column"] for c in raw["data_dictionary"]["submissions"]][:2] == [
        "submission",
        "community",
    ]
    assert page["count"] == 8
    assert [b["ballot"] for b in page["ballots"]] == [6, 7]
    assert all(
        (b["region"], b["language_group"]) in {("africa", "en"), ("withheld", "withheld")}
        for b in page["ballots"]
    )
    assert client.get(BASE + "/raw-data/ballots?limit=5000").status_code == 422


@pytest.mark.django_db
def test_send_a_submission_and_bad_ones(client, consultation):
    good = {
        "community": "lagos wiki circle",
        "contact_name": "Ana",
        "contact_email": "ana@example.org",
        "priorities": [{"initiative": "2.1", "comment": "Newcomers"}, {"initiative": "1.1"}],
    }

    created = client.post(BASE + "/submissions", good, content_type="application/json")
    unknown_initiative = client.post(
        BASE + "/submissions",
        {**good, "priorities": [{"initiative": "9.9"}]},
        content_type="application/json",
    )
    unknown_community = client.post(
        BASE + "/submissions", {**good, "community": "Nobody"}, content_type="application/json"
    )
    twice = client.post(
        BASE + "/submissions",
        {**good, "priorities": [{"initiative": "1.1"}, {"initiative": "1.1"}]},
        content_type="application/json",
    )

    assert (created.status_code, created.json()) == (201, {"status": "pending"})
    assert Submission.objects.get().community.name == "Lagos Wiki Circle"
    assert unknown_initiative.status_code == 400
    assert (
        unknown_initiative.json()["detail"]
        == "“9.9” is not one of this consultation's initiatives."
    )
    assert unknown_community.status_code == 400
    assert unknown_community.json()["errors"]["community"][0].startswith(
        "We do not know this community."
    )
    assert twice.json()["detail"] == "You chose “1.1” more than once: choose each initiative once."
    assert Submission.objects.count() == 1


@pytest.mark.django_db
def test_submissions_list_only_accepted_ones(client, consultation):
    submission = services.submit_priorities(
        consultation=consultation,
        community_id=consultation.communities.get(name="Wiki Women Circle").pk,
        contact_name="Ana",
        contact_email="ana@example.org",
        priorities=[services.Priority(ids(consultation, "2.2")[0], "Mentors")],
    )
    assert client.get(BASE + "/submissions").json() == []

    services.review_submission(submission=submission, accept=True)

    assert client.get(BASE + "/submissions").json() == [
        {
            "community": "Wiki Women Circle",
            "region": "international",
            "country": "",
            "priorities": [{"place": 1, "initiative": "2.2", "comment": "Mentors"}],
        }
    ]
