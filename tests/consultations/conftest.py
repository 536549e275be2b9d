"""Fixtures of the consultation tests: a consultation of the shared program with its events,
initiatives in two groups and listed communities; participants registered through the
registration app, each with the private link that opens their ballot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from clinicdesk.consultations import services
from clinicdesk.consultations.models import Consultation
from clinicdesk.consultations.participants import Participant, participant_key
from clinicdesk.registration import services as registration
from clinicdesk.scheduling.models import ClinicSession, Program
from tests.conftest import make_session

INITIATIVES = """\
# R1 | Sustainability
1.1 | Awareness | Make the projects known.
1.2 | Advocacy | Speak for free knowledge.
1.3 | Revenue
# R2 | User experience
2.1 | Onboarding | Help newcomers.
2.2 | Mentorship
"""


def open_times(**changes) -> services.ConsultationTimes:
    """Submissions and ranking open from yesterday until next year, in Madrid time."""
    today = timezone.now().date()
    values = {
        "time_zone": "Europe/Madrid",
        "submissions_opens_on": today - dt.timedelta(days=1),
        "submissions_closes_on": today + dt.timedelta(days=365),
        "ranking_opens_on": today - dt.timedelta(days=1),
        "ranking_closes_on": today + dt.timedelta(days=365),
    }
    values.update(changes)
    return services.ConsultationTimes(**values)


def closed_times() -> services.ConsultationTimes:
    today = timezone.now().date()
    return open_times(
        submissions_opens_on=today - dt.timedelta(days=30),
        submissions_closes_on=today - dt.timedelta(days=20),
        ranking_opens_on=today - dt.timedelta(days=10),
        ranking_closes_on=today - dt.timedelta(days=2),
    )


@pytest.fixture
def event(program: Program) -> ClinicSession:
    """An event of the program in 2030, registration open, interpretation into Spanish."""
    session = make_session(
        program,
        1,
        start_date=dt.date(2030, 6, 17),
        start_time=dt.time(13, 0),
        time_zone="UTC",
        kind=ClinicSession.Kind.EVENT,
        spoken_languages=["en"],
        interpretation_languages=["es", "fr"],
    )
    registration.configure_registration(session=session, capacity=None)
    session.refresh_from_db()
    return session


def make_consultation(program: Program, events=(), **fields) -> Consultation:
    fields.setdefault("times", open_times())
    fields.setdefault("languages", ["en", "es"])
    consultation = services.create_consultation(
        program=program,
        title=fields.pop("title", "Priorities 2031"),
        slug=fields.pop("slug", "priorities-2031"),
        question="Which initiatives matter most?",
        sessions=events,
        **fields,
    ).consultation
    services.import_initiatives(consultation=consultation, text=INITIATIVES)
    services.add_communities(
        consultation=consultation,
        text="Wikimedia Testland | AR\nLagos Wiki Circle | NG\nWiki Women Circle | international",
    )
    return consultation


@pytest.fixture
def consultation(program: Program, event: ClinicSession) -> Consultation:
    return make_consultation(program, [event])


def ids(consultation: Consultation, *codes: str) -> list[int]:
    found = dict(consultation.initiatives.values_list("code", "pk"))
    return [found[code] for code in codes]


def participant(consultation: Consultation, n: int, region: str = "africa", language: str = "en"):
    return Participant(
        key=participant_key(consultation, f"person{n}@example.org"),
        region=region,
        language=language,
    )


@dataclass
class Registered:
    token: str
    email: str


def register(
    session: ClinicSession,
    email: str,
    *,
    zone: str = "Africa/Lagos",
    interpretation: str = "",
    name: str = "Ada",
) -> Registered:
    """Registers someone for ``session`` through the registration app; returns their link's
    token."""
    answers = registration.Answers(
        name=name,
        email=email,
        home_time_zone=zone,
        language="en",
        attribution="anonymous",
        conduct_acknowledged=True,
        interpretation_language=interpretation,
    )
    result = registration.register(session=session, answers=answers)
    return Registered(registration.mint_manage_token(registration=result.registration), email)
