"""The private manage link: see, change, cancel, delete; a wrong or expired link reveals nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clinicdesk.registration import services, tokens
from clinicdesk.registration.models import ManageToken, Registration
from clinicdesk.scheduling.models import ClinicSession
from tests.registration.conftest import register


@pytest.fixture
def ana(clinic) -> Registration:
    return register(clinic, "Ana")


@pytest.fixture
def link(ana) -> str:
    return reverse(
        "registration:manage", kwargs={"token": services.mint_manage_token(registration=ana)}
    )


def _answers(**changes) -> dict[str, str]:
    data = {
        "name": "Ana",
        "affiliation": "Wikimedia Mexico",
        "home_time_zone": "America/Mexico_City",
        "language": "en",
        "interpretation_language": "fr",
        "needs_data_package": "on",
        "attribution": "affiliation",
        "email_consent": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_manage_page_shows_the_registration_privately(client, link):
    response = client.get(link)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<dd><strong>confirmed</strong></dd>" in html
    assert "<dd>ana@example.org</dd>" in html
    assert 'name="interpretation_language"' in html
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert "csrfmiddlewaretoken" in html


def test_manage_page_saves_changes(client, link, ana):
    response = client.post(
        link, _answers(interpretation_language="ar", needs_childcare="on", topic="Lua")
    )
    assert response.status_code == 303
    assert response["Location"] == link
    ana.refresh_from_db()
    assert (ana.interpretation_language, ana.needs_childcare, ana.topic) == ("ar", True, "Lua")
    assert "Saved your changes." in client.get(link).content.decode()


def test_manage_page_bad_input_changes_nothing(client, link, ana):
    before = Registration.objects.values().get(pk=ana.pk)
    response = client.post(link, _answers(interpretation_language="ru", name=""))
    assert response.status_code == 400
    assert Registration.objects.values().get(pk=ana.pk) == before


def test_manage_page_after_the_session_started_is_read_only(client, link, ana):
    ClinicSession.objects.filter(pk=ana.session_id).update(
        starts_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    html = client.get(link).content.decode()
    assert "can no longer be changed" in html
    assert 'name="interpretation_language"' not in html
    response = client.post(link, _answers(topic="late"))
    assert response.status_code == 410
    ana.refresh_from_db()
    assert ana.topic == ""


def test_cancel_from_the_link_promotes_the_waitlist(client, clinic, link, ana):
    register(clinic, "Ben")
    chi = register(clinic, "Chi")
    cancel = reverse("registration:cancel", kwargs={"token": link.split("/")[-2]})
    assert "Yes, cancel my registration" in client.get(cancel).content.decode()
    response = client.post(cancel)
    assert response.status_code == 303
    ana.refresh_from_db()
    chi.refresh_from_db()
    assert (ana.status, chi.status) == ("cancelled", "confirmed")
    html = client.get(link).content.decode()
    assert "Your registration is cancelled." in html
    assert "This registration is cancelled." in html
    again = client.post(cancel)  # a replayed cancellation changes nothing
    assert again.status_code == 200
    assert Registration.objects.get(pk=chi.pk).status == "confirmed"


def test_delete_from_the_link_removes_everything_and_the_link(client, link, ana):
    token = link.split("/")[-2]
    delete = reverse("registration:delete", kwargs={"token": token})
    response = client.post(delete)
    assert response.status_code == 303
    assert response["Location"] == reverse("registration:deleted")
    assert not Registration.objects.filter(pk=ana.pk).exists()
    assert not ManageToken.objects.exists()
    gone = client.get(link)
    assert gone.status_code == 404
    assert "This link does not work" in gone.content.decode()


@pytest.mark.parametrize(
    "token",
    [
        "A" * 32,  # well formed, never issued
        "short",
        "x" * 5000,
        "%3Cscript%3E",
        "abc.def-ghi",
    ],
)
def test_wrong_link_is_a_clear_404_that_reveals_nothing(client, ana, link, token):
    response = client.get(f"/registrations/{token}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "This link does not work" in html
    assert "Ana" not in html
    assert "ana@example.org" not in html
    assert client.post(f"/registrations/{token}/cancel/").status_code == 404
    assert client.post(f"/registrations/{token}/delete/").status_code == 404
    assert Registration.objects.get(pk=ana.pk).status == "confirmed"


def test_tampered_link_does_not_open_the_registration(client, link):
    token = link.split("/")[-2]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert tokens.is_well_formed(tampered)
    assert client.get(f"/registrations/{tampered}/").status_code == 404


def test_only_the_digest_of_a_token_is_stored(ana, link):
    token = link.split("/")[-2]
    stored = ManageToken.objects.get()
    assert stored.digest == tokens.digest_of(token)
    assert token not in stored.digest


def test_wrong_links_are_rate_limited(client, ana):
    for _ in range(30):
        assert client.get(f"/registrations/{'B' * 32}/").status_code == 404
    assert client.get(f"/registrations/{'B' * 32}/").status_code == 429


def test_manage_page_in_spanish(client, ana):
    token = services.mint_manage_token(registration=ana)
    html = client.get(f"/es/registrations/{token}/").content.decode()
    assert "<h1>Tu inscripción</h1>" in html
    assert "Your registration" not in html


def test_manage_page_links_a_confirmed_registrant_to_their_ballot(client, clinic, ana, link):
    from clinicdesk.consultations import services as consultations

    consultations.create_consultation(
        program=clinic.program, title="Global priorities", slug="priorities", sessions=[clinic]
    )
    token = link.split("/")[-2]
    html = client.get(link).content.decode()
    assert "Global priorities" in html
    assert f"/{token}/" in html.split("Global priorities")[0].rsplit("<a ", 1)[1]
    services.cancel_registration(registration=ana)
    assert "Global priorities" not in client.get(link).content.decode()
