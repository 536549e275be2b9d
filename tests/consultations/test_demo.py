"""The Global Conversations demo: seed 004's events, 45 initiatives in 10 groups, about 50
communities' submissions and 250 ballots; loading it again changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clinicdesk.consultations.demo import load_demo
from clinicdesk.consultations.models import Ballot, Consultation, Submission
from clinicdesk.registration.models import RegistrationSettings
from clinicdesk.scheduling.models import ClinicSession, Program


@pytest.mark.django_db
def test_demo_loads_once_with_real_looking_content(client):
    said: list[str] = []
    load_demo(say=said.append)
    load_demo(say=said.append)

    program = Program.objects.get(slug="global-conversations")
    sessions = list(program.sessions.order_by("number"))
    assert [s.start_date for s in sessions] == [
        dt.date(2020, 11, 21),
        dt.date(2020, 11, 22),
        dt.date(2020, 12, 5),
        dt.date(2020, 12, 6),
    ]
    assert all(
        s.interpretation_languages == ["ar", "zh", "fr", "de", "id", "ru", "es"] for s in sessions
    )
    assert all(s.status == ClinicSession.Status.HELD for s in sessions)
    december = RegistrationSettings.objects.get(session=sessions[2])
    assert (december.closes_on, december.offers_data_package, december.offers_childcare) == (
        dt.date(2020, 12, 4),
        True,
        True,
    )
    consultation = Consultation.objects.get()
    assert consultation.groups.count() == 10
    assert consultation.initiatives.count() == 45
    assert 45 <= consultation.submissions.filter(status=Submission.Status.ACCEPTED).count() <= 50
    assert consultation.submissions.filter(status=Submission.Status.PENDING).count() == 2
    assert Ballot.objects.count() == 250
    assert (
        consultation.initiatives.get(code="4.3").texts["es"]["title"]
        == "Centros regionales y temáticos"
    )
    assert len([line for line in said if "ballots" in line]) == 1

    kwargs = {"slug": program.slug, "consultation": consultation.slug}
    for name in ("detail", "submissions", "results", "data", "rank-start"):
        assert client.get(reverse(f"consultations:{name}", kwargs=kwargs)).status_code == 200, name
    results = client.get(reverse("consultations:results", kwargs=kwargs)).content.decode()
    assert "250 ballots." in results
    assert "Sub-Saharan Africa" in results


@pytest.mark.django_db
def test_load_consultation_demo_command():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_consultation_demo", stdout=out)

    assert "250 ballots" in out.getvalue()
    assert Consultation.objects.count() == 1
