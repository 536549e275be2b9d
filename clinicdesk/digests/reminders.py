"""E-mails reminding owners of their overdue follow-ups, through the shared outbox.

The periodic work (:func:`queue_overdue_reminders`, run daily by ``manage.py
remind_follow_ups``) writes one :class:`~clinicdesk.digests.models.FollowUpReminder` per
owner for the overdue follow-ups not reminded of in the last :data:`REMIND_EVERY_DAYS`, and
hands it to the queue; :data:`OUTBOX` delivers it (claimed once, retried with backoff, failed
and kept for organizers to send again). An owner is reminded again a week later while a
follow-up stays open and overdue, and not once it is done, dropped or given a later due date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from clinicdesk.digests import queries, tasks
from clinicdesk.digests.attribution import speaker_name
from clinicdesk.digests.models import FollowUp, FollowUpReminder, OwnerContact
from clinicdesk.lib.formats import describe_date
from clinicdesk.outbox.delivery import Outbox
from clinicdesk.outbox.emails import Email, render
from clinicdesk.scheduling.models import Person

REMIND_EVERY_DAYS = 7


def _entries(follow_ups: list[FollowUp], language: str) -> list[dict[str, str]]:
    entries = []
    with translation.override(language):
        for follow_up in follow_ups:
            requester = queries.requester_of(follow_up)
            entries.append(
                {
                    "session": follow_up.session.display_title,
                    "description": follow_up.description,
                    "due": (
                        describe_date(follow_up.due_date, language, form="long")
                        if follow_up.due_date
                        else ""
                    ),
                    "requester": speaker_name(requester) if requester is not None else "",
                    "url": settings.SITE_URL
                    + reverse(
                        "digests:follow-up-edit",
                        kwargs={
                            "slug": follow_up.session.program.slug,
                            "follow_up_id": follow_up.pk,
                        },
                    ),
                }
            )
    return entries


def _still_overdue(reminder: FollowUpReminder, today: dt.date) -> list[FollowUp]:
    """The reminder's follow-ups that are open and overdue now, in due order."""
    return [
        follow_up
        for follow_up in reminder.follow_ups.select_related(
            "session__program", "requester"
        ).order_by("due_date", "pk")
        if queries.is_overdue(follow_up, today)
    ]


def _address(owner: Person) -> str:
    return OwnerContact.objects.filter(person=owner).values_list("email", flat=True).first() or ""


def _compose(reminder: FollowUpReminder) -> Email:
    language = settings.LANGUAGE_CODE
    follow_ups = _still_overdue(reminder, timezone.localdate())
    context = {
        "owner": reminder.owner,
        "follow_ups": follow_ups,
        "entries": _entries(follow_ups, language),
        "language": language,
    }
    subject, text, html = render("digests/emails/overdue", context, language)
    return Email(
        to=(_address(reminder.owner),),
        subject=subject,
        text=text,
        html=html,
        headers={"Auto-Submitted": "auto-generated"},
    )


def _still_wanted(reminder: FollowUpReminder, now: dt.datetime) -> bool:
    """Skipped once the owner has no reminder address, or none of its follow-ups is overdue
    any more (done, dropped or given a later date)."""
    return bool(_address(reminder.owner)) and bool(
        _still_overdue(reminder, timezone.localdate(now))
    )


OUTBOX: Outbox[FollowUpReminder] = Outbox(
    model=FollowUpReminder,
    compose=_compose,
    task=tasks.deliver_follow_up_reminder,
    still_wanted=_still_wanted,
    select_related=("owner",),
    recorded=lambda row, email: {"recipient": email.to[0], "subject": email.subject[:300]},
)


def reminder_key(owner: Person, follow_ups: list[FollowUp]) -> str:
    """The owner and the due state of these follow-ups: each one's due date and when its
    owner was last reminded of it. The same state gives the same key, so a reminder is
    written once; a reminder sent, a new due date or another follow-up gives a new one."""
    state = ";".join(
        f"{f.pk}:{f.due_date}:{f.last_reminded_at.isoformat() if f.last_reminded_at else '-'}"
        for f in sorted(follow_ups, key=lambda f: f.pk)
    )
    return hashlib.sha256(f"{owner.pk}|{state}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Queued:
    """What one run of the periodic work did."""

    reminders: list[int]
    requeued: int


def queue_overdue_reminders(*, now: dt.datetime | None = None) -> Queued:
    """Writes a reminder for each owner of open follow-ups past their due date who has a
    reminder address and was not reminded of them in the last :data:`REMIND_EVERY_DAYS`,
    notes them reminded, and hands the reminders to the queue; then hands the queue again
    any reminder it lost.

    Side effects: ``FollowUpReminder`` rows and their delivery tasks (each in its own
    transaction); ``FollowUp.last_reminded_at``.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    remind_before = now - dt.timedelta(days=REMIND_EVERY_DAYS)
    written = []
    for owner, follow_ups in queries.overdue_by_owner(today, remind_before=remind_before).items():
        try:
            with transaction.atomic():
                reminder = FollowUpReminder.objects.create(
                    owner=owner, key=reminder_key(owner, follow_ups), next_attempt_at=now
                )
                reminder.follow_ups.set(follow_ups)
                FollowUp.objects.filter(pk__in=[f.pk for f in follow_ups]).update(
                    last_reminded_at=now
                )
                OUTBOX.queue(reminder.pk)
        except IntegrityError:  # the same reminder, written by another run a moment ago
            continue
        written.append(reminder.pk)
    return Queued(reminders=written, requeued=OUTBOX.requeue_stalled(now=now))


def retry_reminder(*, reminder: FollowUpReminder) -> FollowUpReminder:
    """Sends a failed reminder again now, with a fresh count of attempts (an organizer's
    decision, after fixing the address). Side effect: a delivery task."""
    return OUTBOX.retry(reminder)
