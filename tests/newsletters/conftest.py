"""Newsletter fixtures: a small record of held and planned learning clinics with resources,
opportunities, and an issue compiled from them, all written through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from clinicdesk.digests import services as digest_services
from clinicdesk.newsletters import services
from clinicdesk.newsletters.models import Issue, Opportunity
from clinicdesk.scheduling import services as scheduling_services
from clinicdesk.scheduling.models import ClinicSession
from tests.conftest import make_session

HELD = ClinicSession.Status.HELD
NOW = dt.datetime(2030, 6, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _site_url(settings) -> None:
    settings.SITE_URL = "http://clinicdesk.test"


@pytest.fixture
def record(program) -> dict[str, object]:
    """May 2030 held (#1 with a recording part and slides, #2 month only), June-August to
    come (#3 on a date, #4 date to be discussed in July), #5 cancelled, and two
    opportunities: one open on 1 June 2030, one closed by then."""
    first = make_session(
        program, 1, start_date=dt.date(2030, 4, 3), start_time=dt.time(15), status=HELD,
        title="Lua for beginners",
    )  # fmt: skip
    digest_services.add_resource(
        session=first, kind="recording", url="https://video.example.org/1", title="recording",
        start_seconds=330, end_seconds=375,
    )  # fmt: skip
    segment = scheduling_services.add_segment(
        session=first, title="Slides", presenter="Ana", duration_minutes=20
    )
    digest_services.add_resource(
        session=first, segment=segment, kind="slides", url="https://slides.example.org/1",
        title="slides",
    )  # fmt: skip
    second = make_session(
        program, 2, start_date=None, start_time=None, date_precision="month",
        start_month=dt.date(2030, 5, 1), status=HELD, title="Templates",
    )  # fmt: skip
    third = make_session(
        program, 3, start_date=dt.date(2030, 6, 16), start_time=dt.time(13),
        time_zone="Europe/Madrid", title="Commons uploads",
    )  # fmt: skip
    fourth = make_session(
        program, 4, start_date=None, start_time=None, date_precision="discussed",
        start_month=dt.date(2030, 7, 1), title="Offline reading",
    )  # fmt: skip
    make_session(
        program, 5, start_date=dt.date(2030, 6, 20), status=ClinicSession.Status.CANCELLED,
        title="Cancelled call",
    )  # fmt: skip
    open_one = services.create_opportunity(
        program=program, title="Scholarship", description="Apply for the **scholarship**.",
        deadline_date=dt.date(2030, 6, 8), time_zone="America/Mexico_City", now=NOW,
    )  # fmt: skip
    closed = services.create_opportunity(
        program=program, title="Grant", deadline_date=dt.date(2030, 5, 20), time_zone="UTC",
        allow_past=True,
    )  # fmt: skip
    return {
        "sessions": [first, second, third, fourth],
        "open": open_one,
        "closed": closed,
    }


@pytest.fixture
def issue(program, record) -> Issue:
    issue = services.create_issue(
        program=program,
        number=7,
        period_start=dt.date(2030, 4, 1),
        period_end=dt.date(2030, 5, 31),
        title="Clinics Newsletter Issue 7",
    )
    services.update_issue(issue=issue, welcome="Welcome to **June**.")
    services.compile_issue(issue=issue)
    issue.refresh_from_db()
    return issue


def open_opportunity(record: dict[str, object]) -> Opportunity:
    return record["open"]  # type: ignore[return-value]
