"""Every app's outbox is registered, and registration's periodic chores hand the queue again
what it lost in each of them: an e-mail to a registrant, to a mailing list and to a
newsletter subscriber, delivered through the real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clinicdesk.digests import reminders
from clinicdesk.newsletters import services as newsletter_services
from clinicdesk.newsletters import subscriberemails
from clinicdesk.newsletters.models import SubscriberEmail
from clinicdesk.outbox import registry
from clinicdesk.outbox.delivery import Outbox
from clinicdesk.outbox.models import OutboxMessage, OutboxStatus
from clinicdesk.publishing import services as publishing_services
from clinicdesk.publishing.models import ListMessage
from clinicdesk.registration import services as registration_services
from clinicdesk.registration.models import OutboundEmail
from tests.conftest import make_session
from tests.registration.conftest import answers
from tests.support.worker import run_on_commit_callbacks, run_tasks

OUTBOXES = ["newsletters.SubscriberEmail", "publishing.ListMessage", "registration.OutboundEmail"]


def _tables() -> set[str]:
    return {
        model._meta.label
        for model in apps.get_models()
        if issubclass(model, OutboxMessage) and not model._meta.abstract
    }


def test_every_outbox_table_has_its_outbox_registered():
    assert _tables() <= set(registry.registered())
    assert set(registry.registered()) <= _tables()


def test_every_apps_outbox_is_registered_once():
    assert set(OUTBOXES) <= set(registry.registered())
    assert registry.registered()["registration.OutboundEmail"] is registration_services.OUTBOX
    assert registry.registered()["publishing.ListMessage"] is publishing_services.LIST_OUTBOX
    assert registry.registered()["newsletters.SubscriberEmail"] is subscriberemails.OUTBOX
    assert registry.registered()["digests.FollowUpReminder"] is reminders.OUTBOX

    before = registry.registered()
    registry.register(subscriberemails.OUTBOX)  # a second ready(): nothing changes
    assert registry.registered() == before


def test_a_second_outbox_for_one_table_is_refused():
    twin = Outbox(model=ListMessage, compose=publishing_services.LIST_OUTBOX.compose, task=None)

    with pytest.raises(
        ValueError, match=r"^an outbox for publishing\.ListMessage is already registered$"
    ):
        registry.register(twin)
    assert registry.registered()["publishing.ListMessage"] is publishing_services.LIST_OUTBOX


@pytest.mark.django_db
def test_periodic_chores_requeue_lost_emails_of_every_outbox(program, mailbox):
    session = make_session(program, 1, start_date=dt.date(2030, 6, 17))
    registration_services.configure_registration(session=session, capacity=5)
    registration_services.register(
        session=session,
        answers=answers(name="Claudia", email="claudia@example.org", interpretation_language=""),
    )
    mailing_list = publishing_services.create_mailing_list(
        program=program, name="Wikimedia-l", address="wikimedia-l@lists.example.org", language="en"
    )
    publishing_services.announce_sessions(program=program, sessions=[session], lists=[mailing_list])
    newsletter_services.subscribe(program=program, email="ana@example.org", language="en")
    run_on_commit_callbacks()
    DBTaskResult.objects.all().delete()  # the queue lost every task (e.g. its table restored)
    rows = [OutboundEmail.objects.get(), ListMessage.objects.get(), SubscriberEmail.objects.get()]
    assert [row.status for row in rows] == [OutboxStatus.PENDING] * 3

    nothing = dict.fromkeys(registry.registered(), 0)
    assert registration_services.run_chores()["emails_requeued"] == nothing
    later = timezone.now() + dt.timedelta(minutes=16)
    report = registration_services.run_chores(now=later)

    assert report["emails_requeued"] == {**nothing, **dict.fromkeys(OUTBOXES, 1)}
    for row in rows:
        row.refresh_from_db()
        assert (row.status, row.next_attempt_at) == (OutboxStatus.RETRYING, later)
    run_tasks(queue="email")
    assert sorted(message["To"] for message in mailbox.messages) == [
        "ana@example.org",
        "claudia@example.org",
        "wikimedia-l@lists.example.org",
    ]
    for row in rows:
        row.refresh_from_db()
        assert row.status == OutboxStatus.SENT
