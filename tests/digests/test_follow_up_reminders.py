"""Reminders of overdue follow-ups: a row on the shared outbox per owner and due state,
delivered to a real SMTP server, retried, never sent twice, and shown to organizers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clinicdesk.digests import reminders, services
from clinicdesk.digests.models import FollowUp, FollowUpReminder
from clinicdesk.outbox.models import OutboxStatus
from tests.digests.conftest import add_follow_up
from tests.support.mail import html_body, text_body
from tests.support.worker import run_tasks

QUIM = "quim@example.org"


@pytest.fixture(autouse=True)
def _english_site(settings) -> None:
    settings.LANGUAGE_CODE = "en"
    settings.SITE_URL = "http://clinicdesk.test"


@pytest.fixture
def quim_reachable(people) -> None:
    services.set_reminder_address(person=people["quim"], email=QUIM)


def _follow_ups_page(program) -> str:
    return reverse("digests:follow-ups", kwargs={"slug": program.slug})


def _retry_url(program, reminder: FollowUpReminder) -> str:
    return reverse(
        "digests:reminder-retry", kwargs={"slug": program.slug, "reminder_id": reminder.pk}
    )


def test_reminder_goes_once_to_the_owner_naming_their_overdue_follow_ups(
    digest, people, quim_reachable, mailbox
):
    add_follow_up(digest, people["quim"], "send the <b>slides</b>", dt.date(2020, 8, 1))
    add_follow_up(digest, people["quim"], "not due yet", dt.date(2099, 1, 1))
    add_follow_up(digest, people["quim"], "already done", dt.date(2020, 7, 1), "done", "Done.")
    add_follow_up(digest, people["sele"], "Sele has no address", dt.date(2020, 7, 20))

    queued = reminders.queue_overdue_reminders()
    run_tasks()

    [reminder] = FollowUpReminder.objects.all()
    assert queued.reminders == [reminder.pk]
    assert reminder.owner == people["quim"]
    assert sorted(reminder.follow_ups.values_list("description", flat=True)) == [
        "send the <b>slides</b>",
        "will relay this message to the relevant person",
    ]
    [message] = mailbox.messages
    assert message["To"] == QUIM
    assert message["Subject"] == "2 overdue follow-ups"
    assert message["Auto-Submitted"] == "auto-generated"
    first, second = FollowUp.objects.filter(reminders=reminder).order_by("due_date")
    assert text_body(message) == (
        "Hello Quim,\n\n"
        "These commitments made on calls are past their due date:\n\n"
        "* Wikimedia Clinics #006: will relay this message to the relevant person\n"
        "  Due July 30, 2020 · for a volunteer from Wikimedia Venezuela\n"
        f"  http://clinicdesk.test/manage/programs/wikimedia-clinics/follow-ups/{first.pk}/\n\n"
        "* Wikimedia Clinics #006: send the <b>slides</b>\n"
        "  Due August 1, 2020 · for volunteer from Spain\n"
        f"  http://clinicdesk.test/manage/programs/wikimedia-clinics/follow-ups/{second.pk}/\n\n"
        "Mark each one done or dropped, with its resolution, or give it a new due date: "
        "readers of the digest see its status.\n\n"
    )
    html = html_body(message)
    assert "<li><strong>Wikimedia Clinics #006</strong>: send the &lt;b&gt;slides&lt;/b&gt;" in html
    assert "<b>slides</b>" not in html
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.recipient, reminder.subject) == (
        OutboxStatus.SENT,
        1,
        QUIM,
        "2 overdue follow-ups",
    )

    # The periodic work runs again the same day: nothing new is written or sent.
    assert reminders.queue_overdue_reminders().reminders == []
    run_tasks()
    assert FollowUpReminder.objects.count() == 1
    assert len(mailbox.messages) == 1


def test_the_same_due_state_is_reminded_once_even_by_runs_that_overlap(
    digest, people, quim_reachable, mailbox
):
    reminders.queue_overdue_reminders()
    # A second run that read the follow-ups before the first one noted them reminded.
    FollowUp.objects.update(last_reminded_at=None)
    assert reminders.queue_overdue_reminders().reminders == []
    run_tasks()
    assert FollowUpReminder.objects.count() == 1
    assert len(mailbox.messages) == 1


def test_reminded_again_a_week_later_while_open_and_not_once_done(
    digest, people, quim_reachable, mailbox
):
    now = timezone.now()
    reminders.queue_overdue_reminders(now=now)
    run_tasks()
    # Six days later: too soon.
    assert reminders.queue_overdue_reminders(now=now + dt.timedelta(days=6)).reminders == []
    # A week later, still open: a second reminder.
    [second] = reminders.queue_overdue_reminders(
        now=now + dt.timedelta(days=7, minutes=1)
    ).reminders
    run_tasks()
    assert [m["To"] for m in mailbox.messages] == [QUIM, QUIM]
    assert FollowUpReminder.objects.get(pk=second).status == OutboxStatus.SENT
    # Done: no more reminders.
    services.update_follow_up(
        follow_up=FollowUp.objects.get(), status="done", resolution="Relayed."
    )
    assert reminders.queue_overdue_reminders(now=now + dt.timedelta(days=30)).reminders == []
    run_tasks()
    assert len(mailbox.messages) == 2


def test_failed_send_is_retried_then_sent_and_never_twice(
    client, owner, program, digest, people, quim_reachable, mailbox
):
    mailbox.busy = 1  # the server answers 451 once
    reminders.queue_overdue_reminders()
    run_tasks()
    reminder = FollowUpReminder.objects.get()
    assert (reminder.status, reminder.attempts) == (OutboxStatus.RETRYING, 1)
    assert reminder.last_error == "The mail server answered 451 4.3.0 Mailbox busy, try again later"
    assert mailbox.messages == []
    client.force_login(owner)
    page = client.get(_follow_ups_page(program)).content.decode()
    assert "will try again" in page
    assert "451 4.3.0 Mailbox busy, try again later" in page

    # The retry waits for its time; when it comes, the worker sends.
    [waiting] = DBTaskResult.objects.filter(status="READY")
    assert waiting.run_after == reminder.next_attempt_at
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())
    run_tasks()
    [message] = mailbox.messages
    assert message["To"] == QUIM
    assert message["Subject"] == "1 overdue follow-up"
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.last_error) == (OutboxStatus.SENT, 2, "")

    # A duplicate task, another periodic run, an organizer's "send again": nothing more.
    assert reminders.OUTBOX.deliver(reminder.pk).status == OutboxStatus.SENT
    assert reminders.queue_overdue_reminders().reminders == []
    response = client.post(_retry_url(program, reminder), follow=True)
    assert "Only a reminder that failed can be sent again." in response.content.decode()
    run_tasks()
    assert len(mailbox.messages) == 1
    page = client.get(_follow_ups_page(program)).content.decode()
    assert f"sent to {QUIM}" in page


def test_refused_address_fails_and_an_organizer_sends_it_again(
    client, owner, program, digest, people, quim_reachable, mailbox
):
    mailbox.unknown = {QUIM}
    reminders.queue_overdue_reminders()
    run_tasks()
    reminder = FollowUpReminder.objects.get()
    assert (reminder.status, reminder.attempts) == (OutboxStatus.FAILED, 1)
    assert reminder.last_error == (
        f"The mail server refused the address {QUIM}: 550 5.1.1 No such address here"
    )
    client.force_login(owner)
    page = client.get(_follow_ups_page(program)).content.decode()
    assert "550 5.1.1 No such address here" in page
    assert f'action="{_retry_url(program, reminder)}"' in page
    follow_up = FollowUp.objects.get()
    edit_page = client.get(
        reverse(
            "digests:follow-up-edit", kwargs={"slug": program.slug, "follow_up_id": follow_up.pk}
        )
    ).content.decode()
    assert "550 5.1.1 No such address here" in edit_page
    assert f'action="{_retry_url(program, reminder)}"' in edit_page

    services.set_reminder_address(person=people["quim"], email="quim@wikimedia.example")
    response = client.post(_retry_url(program, reminder))
    assert response.status_code == 302
    assert response["Location"] == _follow_ups_page(program)
    run_tasks()
    [message] = mailbox.messages
    assert message["To"] == "quim@wikimedia.example"
    reminder.refresh_from_db()
    assert (reminder.status, reminder.recipient) == (OutboxStatus.SENT, "quim@wikimedia.example")


def test_reminder_skipped_when_its_follow_ups_are_done_before_delivery(
    digest, people, quim_reachable, mailbox
):
    reminders.queue_overdue_reminders()
    services.update_follow_up(
        follow_up=FollowUp.objects.get(), status="dropped", resolution="Nobody could."
    )
    run_tasks()
    assert FollowUpReminder.objects.get().status == OutboxStatus.SKIPPED
    assert mailbox.messages == []


def test_reminder_skipped_when_the_address_is_removed_before_delivery(
    digest, people, quim_reachable, mailbox
):
    reminders.queue_overdue_reminders()
    services.set_reminder_address(person=people["quim"], email="")
    run_tasks()
    assert FollowUpReminder.objects.get().status == OutboxStatus.SKIPPED
    assert mailbox.messages == []


def test_retry_only_for_organizers_of_a_program_the_reminder_concerns(
    client, owner, member, outsider, program, digest, people, quim_reachable, mailbox
):
    mailbox.unknown = {QUIM}
    reminders.queue_overdue_reminders()
    run_tasks()
    reminder = FollowUpReminder.objects.get()
    url = _retry_url(program, reminder)
    assert client.post(url).status_code == 302  # anonymous: to the sign-in page
    for persona in (member, outsider):
        client.force_login(persona)
        assert client.post(url).status_code == 403
    client.force_login(member)
    assert client.post(_retry_url(member.organized_programs.get(), reminder)).status_code == 404
    client.force_login(owner)
    assert client.get(url).status_code == 405
    assert client.post(_retry_url(program, reminder)[:-8] + "999999/retry/").status_code == 404
    assert FollowUpReminder.objects.get().status == OutboxStatus.FAILED


def test_the_command_queues_the_periodic_work_and_the_worker_sends(
    digest, people, quim_reachable, mailbox, capsys
):
    call_command("remind_follow_ups")
    assert capsys.readouterr().out.startswith("queued: ")
    [queued] = DBTaskResult.objects.all()
    assert (queued.queue_name, queued.task_path) == (
        "default",
        "clinicdesk.digests.tasks.queue_overdue_reminders",
    )
    assert mailbox.messages == []
    run_tasks()
    assert [m["To"] for m in mailbox.messages] == [QUIM]


def test_the_command_sends_at_once_without_a_worker(
    digest, people, quim_reachable, mailbox, capsys
):
    call_command("remind_follow_ups", "--now")
    assert capsys.readouterr().out == "sent 1 of 1 reminder(s)\n"
    assert [m["To"] for m in mailbox.messages] == [QUIM]
    run_tasks()  # the task queued for the worker finds it sent
    assert len(mailbox.messages) == 1


def test_lost_reminder_is_queued_again_by_the_periodic_work(
    digest, people, quim_reachable, mailbox
):
    now = timezone.now()
    reminders.queue_overdue_reminders(now=now)
    DBTaskResult.objects.all().delete()  # the queue lost it
    run_tasks()
    assert mailbox.messages == []
    later = now + dt.timedelta(hours=1)
    assert reminders.queue_overdue_reminders(now=later).requeued == 1
    run_tasks()
    assert [m["To"] for m in mailbox.messages] == [QUIM]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_follow_ups_page_query_count_same_with_1_and_3_reminders(
    client, owner, program, digest, people, quim_reachable, mailbox
):
    client.force_login(owner)
    reminders.queue_overdue_reminders()
    run_tasks()
    one = _queries(client, _follow_ups_page(program))
    services.set_reminder_address(person=people["sele"], email="sele@example.org")
    mailbox.unknown = {"sele@example.org"}
    add_follow_up(digest, people["sele"], "share the IdeaLab page", dt.date(2020, 8, 1))
    add_follow_up(digest, people["quim"], "find who can answer", dt.date(2020, 8, 2))
    reminders.queue_overdue_reminders()
    run_tasks()
    assert sorted(FollowUpReminder.objects.values_list("status", flat=True)) == [
        OutboxStatus.FAILED,
        OutboxStatus.SENT,
        OutboxStatus.SENT,
    ]
    assert _queries(client, _follow_ups_page(program)) == one
