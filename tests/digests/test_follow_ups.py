"""Follow-ups: per owner and per program, and their status and resolution in every digest
(their reminder e-mails: ``test_follow_up_reminders.py``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from clinicdesk.digests import queries, services
from clinicdesk.digests.models import FollowUp
from clinicdesk.digests.renderers import render_text
from tests.digests.conftest import add_follow_up

TODAY = dt.date(2020, 8, 20)


def test_follow_ups_grouped_by_owner_most_overdue_first(digest, people, program):
    add_follow_up(digest, people["sele"], "share the IdeaLab page", dt.date(2020, 9, 1))
    add_follow_up(digest, people["quim"], "find who can answer", dt.date(2020, 8, 1))
    add_follow_up(digest, people["quim"], "closed one", dt.date(2020, 7, 20), "done", "Done.")
    groups = queries.follow_ups([program], today=TODAY)
    assert [(g.owner.name, [f.description for f in g.follow_ups], g.overdue) for g in groups] == [
        (
            "Quim",
            ["will relay this message to the relevant person", "find who can answer"],
            2,
        ),
        ("Sele", ["share the IdeaLab page"], 0),
    ]
    everything = queries.follow_ups([program], status=None, today=TODAY)
    assert sum(len(g.follow_ups) for g in everything) == 4


def test_reminder_address_is_checked(people):
    with pytest.raises(ValidationError) as caught:
        services.set_reminder_address(person=people["quim"], email="not an address")
    assert caught.value.message_dict == {"email": ["Enter a valid e-mail address."]}
    assert services.set_reminder_address(person=people["quim"], email="") is None


def test_digest_shows_each_follow_ups_current_status(digest, people):
    follow_up = FollowUp.objects.get()
    assert (
        "Follow-up for a volunteer from Wikimedia Venezuela: open, due July 30, 2020"
        in render_text(queries.digest_document(digest))
    )
    services.update_follow_up(
        follow_up=follow_up, status="dropped", resolution="Nobody could take it."
    )
    assert (
        "Follow-up for a volunteer from Wikimedia Venezuela: dropped. Nobody could take it."
        in render_text(queries.digest_document(digest))
    )
