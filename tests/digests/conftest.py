"""Digests fixtures: a held session, people with every role and consent, and a small digest
written through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from clinicdesk.demo import seed_path
from clinicdesk.digests import services
from clinicdesk.digests.models import Digest, FollowUp
from clinicdesk.scheduling import services as scheduling_services
from clinicdesk.scheduling.models import ClinicSession, Person
from tests.conftest import make_session

SEED_002 = seed_path("002").read_text(encoding="utf-8")


@pytest.fixture
def held(program) -> ClinicSession:
    """#006, held in Spanish on 16 July 2020."""
    return make_session(
        program,
        6,
        start_date=dt.date(2020, 7, 16),
        start_time=dt.time(15, 0),
        spoken_languages=["es"],
        status=ClinicSession.Status.HELD,
    )


@pytest.fixture
def people(db) -> dict[str, Person]:
    """Staff of the Foundation and volunteers who agreed to each level of naming."""
    create = scheduling_services.create_person
    return {
        "quim": create(name="Quim", role=Person.Role.STAFF, organization="WMF"),
        "sele": create(name="Sele", role=Person.Role.STAFF, organization="WMF"),
        "claudia": create(
            name="Claudia",
            affiliation="Wikimedia Mexico",
            attribution_consent=Person.Attribution.NAME,
        ),
        "venezuela": create(
            name="Rosa",
            affiliation="Wikimedia Venezuela",
            attribution_consent=Person.Attribution.AFFILIATION,
        ),
        "anonymous": create(
            name="Pau",
            affiliation="Amical Wikimedia",
            attribution_consent=Person.Attribution.ANONYMOUS,
        ),
    }


@pytest.fixture
def digest(held, people) -> Digest:
    """A short English digest: one topic raised by participants, a statement with a reply,
    a question, an editor's note and a follow-up."""
    digest = services.create_digest(
        session=held,
        language="en",
        staff_count=7,
        volunteer_count=10,
        staff_organization="Wikimedia Foundation",
        introduction=False,
    )
    topic = services.add_topic(digest=digest, title="Impact of the pandemic on affiliates")
    statement = services.add_item(
        topic=topic,
        speaker=people["claudia"],
        text="We adapted everything to be *online-only*.",
    )
    services.add_item(
        topic=topic, parent=statement, speaker=people["quim"], text="Thank you for sharing."
    )
    services.add_item(
        topic=topic,
        kind="question",
        text="How much support do you have to lead activities now?",
    )
    services.add_item(topic=topic, kind="note", text="this call was held in Spanish")
    services.add_item(
        topic=topic,
        kind="follow_up",
        text="will relay this message to the relevant person",
        follow_up={
            "owner": people["quim"],
            "due_date": dt.date(2020, 7, 30),
            "status": "open",
            "resolution": "",
            "requester": people["venezuela"],
            "requester_label": "",
            "requester_level": "",
        },
    )
    return digest


def add_follow_up(
    digest: Digest,
    owner: Person,
    text: str,
    due: dt.date | None,
    status: str = "open",
    resolution: str = "",
) -> FollowUp:
    """A follow-up asked for by "a volunteer from Spain", in the digest's only topic."""
    item = services.add_item(
        topic=digest.topics.get(),
        kind="follow_up",
        text=text,
        follow_up={
            "owner": owner,
            "due_date": due,
            "status": status,
            "resolution": resolution,
            "requester": None,
            "requester_label": "volunteer from Spain",
            "requester_level": "",
        },
    )
    assert item.follow_up is not None
    return item.follow_up
