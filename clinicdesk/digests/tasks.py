"""Background work of the digests app, on the e-mail queue of ``settings.TASKS``.

``send_overdue_reminders`` writes to each owner of overdue follow-ups once (one e-mail for all
of theirs) and again after :data:`REMIND_EVERY_DAYS`, until the follow-ups are done, dropped or
given a later due date. ``manage.py remind_follow_ups`` enqueues it (run it daily, e.g. from
cron); the worker (``manage.py db_worker``) sends.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from clinicdesk.digests import emails, queries, services
from clinicdesk.digests.attribution import speaker_name
from clinicdesk.digests.models import FollowUp, OwnerContact
from clinicdesk.lib.formats import describe_date

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
                    "requester": (speaker_name(requester) if requester is not None else ""),
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


@task(queue_name="email")
def send_overdue_reminders() -> int:
    """E-mails each owner their overdue follow-ups; returns how many e-mails were sent."""
    now = timezone.now()
    today = timezone.localdate(now)
    language = settings.LANGUAGE_CODE
    sent = 0
    remind_before = now - dt.timedelta(days=REMIND_EVERY_DAYS)
    overdue = queries.overdue_by_owner(today, remind_before=remind_before)
    contacts = dict(
        OwnerContact.objects.filter(person__in=list(overdue)).values_list("person_id", "email")
    )
    for owner, follow_ups in overdue.items():
        emails.send(
            emails.Email(
                to=contacts[owner.pk],
                template="overdue",
                language=language,
                context={
                    "owner": owner,
                    "follow_ups": follow_ups,
                    "entries": _entries(follow_ups, language),
                },
            )
        )
        services.record_reminded(follow_ups=follow_ups, when=now)
        sent += 1
    return sent
