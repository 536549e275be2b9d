"""Retention: a program's period after a session, answers and contact details deleted, counts
kept; the chores do it, organizers can do it now, and running it again deletes nothing more."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from clinicdesk.registration import services
from clinicdesk.registration.models import (
    CheckIn,
    Headcount,
    ManageToken,
    OutboundEmail,
    Registration,
    RegistrationSummary,
)
from clinicdesk.registration.needs import NeedsSummary, Tally
from clinicdesk.scheduling.models import Person
from tests.conftest import make_session
from tests.registration.conftest import STARTS_AT, open_registration, register

ENDS_AT = STARTS_AT + dt.timedelta(minutes=90)


def _fill(clinic):
    ana = register(clinic, "Ana", accessibility_notes="Captions")
    register(clinic, "Ben", interpretation_language="ar", needs_childcare=True)
    register(clinic, "Chi")
    services.mint_manage_token(registration=ana)
    services.check_in_registration(registration=ana, role=Person.Role.VOLUNTEER)
    services.add_walk_in(session=clinic, name="Quim", role=Person.Role.STAFF)
    return ana


def test_retention_deletes_answers_and_contacts_and_keeps_the_counts(clinic):
    ana = _fill(clinic)
    ana.refresh_from_db()
    person = ana.person

    early = services.apply_retention(now=ENDS_AT + dt.timedelta(days=89, hours=23))
    assert early.sessions == []
    assert Registration.objects.count() == 3

    report = services.apply_retention(now=ENDS_AT + dt.timedelta(days=90))

    assert report.as_dict() == {
        "sessions": ["wikimedia-clinics #001"],
        "registrations_deleted": 3,
        "check_ins_deleted": 2,
    }
    assert not Registration.objects.exists()
    assert not CheckIn.objects.exists()
    assert not ManageToken.objects.exists()
    assert not OutboundEmail.objects.exists()
    summary = NeedsSummary.from_dict(RegistrationSummary.objects.get(session=clinic).needs)
    assert summary.registrations == Tally(2, 1)
    assert summary.interpretation == {"fr": Tally(1, 1), "ar": Tally(1, 0)}
    assert summary.data_package == Tally(2, 1)
    assert summary.childcare == Tally(1, 0)
    assert summary.accessibility_notes == Tally(1, 0)
    headcount = Headcount.objects.get(session=clinic)
    assert (headcount.staff, headcount.volunteers) == (1, 1)
    person.refresh_from_db()  # the person digests may name stays, as far as they agreed
    assert person.name == "Ana"

    again = services.apply_retention(now=ENDS_AT + dt.timedelta(days=91))
    assert again.sessions == []
    assert NeedsSummary.from_dict(RegistrationSummary.objects.get(session=clinic).needs) == summary


def test_retention_period_is_per_program(clinic, program):
    services.configure_program(program=program, reminder_offsets=[60], retention_days=7)
    _fill(clinic)
    report = services.apply_retention(now=ENDS_AT + dt.timedelta(days=7))
    assert report.registrations_deleted == 3


def test_retention_leaves_other_sessions_alone(clinic, program):
    later = make_session(program, 2, start_date=dt.date(2030, 12, 1))
    open_registration(later)
    register(later, "Zoe", interpretation_language="")
    _fill(clinic)
    services.apply_retention(now=ENDS_AT + dt.timedelta(days=90))
    assert list(Registration.objects.values_list("name", flat=True)) == ["Zoe"]


def test_needs_page_and_api_show_the_kept_counts(client, clinic, owner):
    _fill(clinic)
    services.apply_retention(now=ENDS_AT + dt.timedelta(days=90))
    client.force_login(owner)
    page = client.get(
        reverse("registration:needs", kwargs={"slug": clinic.program.slug, "number": 1})
    ).content.decode()
    assert "The answers were deleted after the retention period" in page
    assert '<th scope="row">Interpretation into Arabic</th><td>1</td><td>0</td>' in page


def test_organizer_runs_retention_now(client, clinic, owner):
    _fill(clinic)
    client.force_login(owner)
    url = reverse("registration:retention", kwargs={"slug": clinic.program.slug})
    # The session is in 2030: nothing is past its period yet.
    response = client.post(url, follow=True)
    assert "No session is past its retention period" in response.content.decode()
    assert Registration.objects.count() == 3


def test_chores_run_retention(clinic):
    _fill(clinic)
    report = services.run_chores(now=ENDS_AT + dt.timedelta(days=90))
    assert report["retention"]["registrations_deleted"] == 3
    assert not Registration.objects.exists()


def test_organizer_runs_retention_now_on_a_past_session(client, program, owner):
    past = make_session(program, 6, start_date=dt.date(2020, 7, 16))
    open_registration(past, now=dt.datetime(2020, 7, 1, tzinfo=dt.UTC))
    register(past, "Ana", interpretation_language="", now=dt.datetime(2020, 7, 2, tzinfo=dt.UTC))
    client.force_login(owner)
    response = client.post(
        reverse("registration:retention", kwargs={"slug": program.slug}), follow=True
    )
    assert (
        "Deleted 1 registration(s) and 0 check-in(s) of wikimedia-clinics #006; their counts are "
        "kept." in response.content.decode()
    )
    assert not Registration.objects.exists()
    assert RegistrationSummary.objects.get(session=past).registrations_deleted == 1
