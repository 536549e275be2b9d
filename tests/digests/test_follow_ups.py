"""Follow-ups: per owner and per program, overdue reminders by e-mail on the task queue, and
their status and resolution in every digest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from clinicdesk.digests import queries, services
from clinicdesk.digests.models import FollowUp
from clinicdesk.digests.renderers import render_text
from clinicdesk.digests.tasks import REMIND_EVERY_DAYS, send_overdue_reminders

TODAY = dt.date(2020, 8, 20)


def _add_follow_up(digest, owner, text, due, status="open", resolution=""):
    topic = digest.topics.get()
    return services.add_item(
        topic=topic,
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
    ).follow_up


def test_follow_ups_grouped_by_owner_most_overdue_first(digest, people, program):
    _add_follow_up(digest, people["sele"], "share the IdeaLab page", dt.date(2020, 9, 1))
    _add_follow_up(digest, people["quim"], "find who can answer", dt.date(2020, 8, 1))
    _add_follow_up(digest, people["quim"], "closed one", dt.date(2020, 7, 20), "done", "Done.")
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


def test_overdue_reminder_sent_once_then_after_a_week(digest, people, mailoutbox, settings):
    settings.LANGUAGE_CODE = "en"
    services.set_reminder_address(person=people["quim"], email="quim@example.org")
    _add_follow_up(digest, people["sele"], "not Sele's turn", dt.date(2020, 7, 20))  # no address
    assert send_overdue_reminders.call() == 1
    [message] = mailoutbox
    assert message.to == ["quim@example.org"]
    assert message.subject == "1 overdue follow-up"
    assert (
        "* Wikimedia Clinics #006: will relay this message to the relevant person" in message.body
    )
    assert "Due July 30, 2020 · for a volunteer from Wikimedia Venezuela" in message.body
    assert "/manage/programs/wikimedia-clinics/follow-ups/" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert "<li><strong>Wikimedia Clinics #006</strong>: will relay this message" in html
    # Not again the same day...
    assert send_overdue_reminders.call() == 0
    # ...but again a week later, while it is still open.
    FollowUp.objects.update(
        last_reminded_at=timezone.now() - dt.timedelta(days=REMIND_EVERY_DAYS, hours=1)
    )
    assert send_overdue_reminders.call() == 1
    # Done: no more reminders.
    services.update_follow_up(
        follow_up=FollowUp.objects.get(owner=people["quim"]), status="done", resolution="Relayed."
    )
    FollowUp.objects.update(last_reminded_at=None)
    assert send_overdue_reminders.call() == 0
    assert len(mailoutbox) == 2


def test_reminder_escapes_what_people_typed(digest, people, mailoutbox):
    services.set_reminder_address(person=people["quim"], email="quim@example.org")
    _add_follow_up(digest, people["quim"], "<script>alert(1)</script>", dt.date(2020, 7, 20))
    send_overdue_reminders.call()
    html = mailoutbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert mailoutbox[0].subject == "2 overdue follow-ups"


def test_reminders_are_queued_by_the_command(db, capsys):
    from django_tasks_db.models import DBTaskResult

    call_command("remind_follow_ups")
    assert "queued:" in capsys.readouterr().out
    [queued] = DBTaskResult.objects.all()
    assert queued.queue_name == "email"
    assert queued.task_path == "clinicdesk.digests.tasks.send_overdue_reminders"


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
