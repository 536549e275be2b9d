"""E-mails to subscribers through the shared outbox: the confirmation request (double
opt-in) and each issue, with a one-click unsubscribe link of its own (``List-Unsubscribe``
and RFC 8058's ``List-Unsubscribe-Post``).

Links are minted when the e-mail is composed, at delivery (only their SHA-256 is stored);
a failed send takes its link back.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clinicdesk.newsletters import emails, services, tasks
from clinicdesk.newsletters.models import (
    Issue,
    SubscriberEmail,
    Subscription,
    UnsubscribeLink,
)
from clinicdesk.outbox.delivery import Composed, Outbox
from clinicdesk.outbox.emails import Email
from clinicdesk.registration import tokens


def _compose(row: SubscriberEmail) -> Composed:
    subscription = row.subscription
    if row.kind == SubscriberEmail.Kind.CONFIRMATION:
        previous = subscription.confirm_digest
        token = services.new_confirmation_token(subscription)
        digest = subscription.confirm_digest
        subject, text, html = emails.confirmation_mail(subscription, token)

        def undo_confirmation() -> None:
            Subscription.objects.filter(pk=subscription.pk, confirm_digest=digest).update(
                confirm_digest=previous
            )

        email = Email(
            to=(subscription.email,),
            subject=subject,
            text=text,
            html=html,
            headers={"Auto-Submitted": "auto-generated"},
        )
        return Composed(email, undo_confirmation)
    issue = row.issue
    assert issue is not None  # noqa: S101 - the constraint says so
    token = services.new_unsubscribe_token(subscription)
    url = emails.unsubscribe_url(token)
    subject, text, html = emails.issue_mail(issue, unsubscribe_url=url)

    def undo_link() -> None:
        UnsubscribeLink.objects.filter(digest=tokens.digest_of(token)).delete()

    email = Email(
        to=(subscription.email,),
        subject=subject,
        text=text,
        html=html,
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"<{issue.program.slug}.newsletter.clinicdesk>",
            "Auto-Submitted": "auto-generated",
        },
    )
    return Composed(email, undo_link)


def _still_wanted(row: SubscriberEmail, now: dt.datetime) -> bool:
    status = row.subscription.status
    if row.kind == SubscriberEmail.Kind.CONFIRMATION:
        return status == Subscription.Status.PENDING
    return status == Subscription.Status.ACTIVE and row.issue is not None and row.issue.is_published


OUTBOX: Outbox[SubscriberEmail] = Outbox(
    model=SubscriberEmail,
    compose=_compose,
    task=tasks.deliver_subscriber_email,
    still_wanted=_still_wanted,
    select_related=("subscription__program", "issue__program"),
    recorded=lambda row, email: {"subject": email.subject[:300]},
)


def queue_confirmation(subscription: Subscription) -> SubscriberEmail:
    """Writes the confirmation e-mail in the caller's transaction and hands it to the queue."""
    row = SubscriberEmail.objects.create(
        subscription=subscription,
        kind=SubscriberEmail.Kind.CONFIRMATION,
        next_attempt_at=timezone.now(),
    )
    OUTBOX.queue(row.pk)
    return row


def queue_issue(issue: Issue) -> int:
    """Writes the issue's e-mail for each confirmed subscriber it is for, and hands them to
    the queue: the subscribers in its language, and for the original also those in a
    language the issue has no version in. A subscriber gets one version of a number once.
    Returns how many."""
    subscribers = Subscription.objects.filter(
        program=issue.program_id, status=Subscription.Status.ACTIVE
    )
    if issue.source_id is None:
        others = (
            Issue.objects.filter(program=issue.program_id, number=issue.number)
            .exclude(pk=issue.pk)
            .values_list("language", flat=True)
        )
        subscribers = subscribers.filter(Q(language=issue.language) | ~Q(language__in=list(others)))
    else:
        subscribers = subscribers.filter(language=issue.language)
    had = SubscriberEmail.objects.filter(
        kind=SubscriberEmail.Kind.ISSUE,
        issue__program=issue.program_id,
        issue__number=issue.number,
    ).values_list("subscription_id", flat=True)
    now = timezone.now()
    with transaction.atomic():
        rows = SubscriberEmail.objects.bulk_create(
            SubscriberEmail(
                subscription=subscription,
                kind=SubscriberEmail.Kind.ISSUE,
                issue=issue,
                next_attempt_at=now,
            )
            for subscription in subscribers.exclude(pk__in=list(had)).order_by("pk")
        )
        for row in rows:
            OUTBOX.queue(row.pk)
    return len(rows)
