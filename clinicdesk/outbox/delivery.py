"""The delivery engine of the outbox (see the package's docstring): claim → compose → send →
sent, or retry with exponential backoff → failed; skipped when no longer wanted; stalled rows
handed to the queue again."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clinicdesk.outbox.emails import Email, send
from clinicdesk.outbox.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

# A row claimed longer ago than this was dropped by a worker that stopped: it is queued again.
STALLED_AFTER = dt.timedelta(minutes=15)

Row = TypeVar("Row", bound=OutboxMessage)


def retry_delay(attempts: int, *, base_seconds: int, cap_seconds: int) -> dt.timedelta:
    """Exponential backoff after ``attempts`` failed attempts: base, 2 x base, 4 x base ...
    never more than the cap. Pure."""
    exponent = max(attempts - 1, 0)
    seconds = base_seconds * (2 ** min(exponent, 30))
    return dt.timedelta(seconds=min(seconds, cap_seconds))


# --- Errors ---------------------------------------------------------------------------------


def smtp_refusal_is_permanent(error: Exception) -> bool:
    """A refusal that sending again will not change: a 5xx answer of the SMTP server (an
    unknown address, a sender the server does not take)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reason in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _text(raw: bytes | str) -> str:
    return raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)


def describe_error(error: Exception, email: Email | None) -> str:
    """What went wrong, in words for organizers, with the SMTP server's own answer."""
    if email is None:
        return _("The e-mail could not be composed: %(error)s") % {
            "error": f"{type(error).__name__}: {error}"
        }
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        fallback = (", ".join(email.to), (0, b""))
        address, (code, reason) = next(iter(error.recipients.items()), fallback)
        return _("The mail server refused the address %(address)s: %(code)s %(reason)s") % {
            "address": address,
            "code": code,
            "reason": _text(reason),
        }
    if isinstance(error, smtplib.SMTPSenderRefused):
        return _("The mail server refused the sender address: %(code)s %(reason)s") % {
            "code": error.smtp_code,
            "reason": _text(error.smtp_error),
        }
    if isinstance(error, smtplib.SMTPResponseException):
        return _("The mail server answered %(code)s %(reason)s") % {
            "code": error.smtp_code,
            "reason": _text(error.smtp_error),
        }
    return _("The mail server could not be reached: %(error)s") % {
        "error": f"{type(error).__name__}: {error}"
    }


# --- The engine -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Composed:
    """An e-mail and what undoes what composing it wrote (e.g. a manage link minted for it),
    run when sending fails."""

    email: Email
    undo: Callable[[], None] | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """How one delivery attempt ended."""

    row_id: int
    status: str
    error: str = ""
    retry_at: dt.datetime | None = None


def _always(row: Any, now: dt.datetime) -> bool:
    return True


def _nothing(row: Any, email: Email) -> dict[str, Any]:
    return {}


def _max_attempts() -> int:
    return int(getattr(settings, "EMAIL_MAX_ATTEMPTS", 12))


@dataclass(frozen=True)
class Outbox(Generic[Row]):
    """Delivers the rows of one outbox table. Configure it once, at module level."""

    model: type[Row]
    compose: Callable[[Row], Email | Composed]
    # A django-tasks task that takes the row id and calls :meth:`deliver`.
    task: Any
    still_wanted: Callable[[Row, dt.datetime], bool] = _always
    is_permanent: Callable[[Exception], bool] = smtp_refusal_is_permanent
    describe_error: Callable[[Exception, Email | None], str] = describe_error
    select_related: tuple[str, ...] = ()
    # Extra fields saved on the row once composed (sent or failed), e.g. the subject.
    recorded: Callable[[Row, Email], Mapping[str, Any]] = field(default=_nothing)

    # --- Handing rows to the task queue ---

    def _enqueue(self, row_id: int, run_after: dt.datetime | None = None) -> None:
        task = self.task.using(run_after=run_after) if run_after else self.task
        task.enqueue(row_id)

    def _queue_is_the_database(self) -> bool:
        from django_tasks import task_backends
        from django_tasks_db.backend import DatabaseBackend

        return isinstance(task_backends[self.task.backend], DatabaseBackend)

    def queue(self, row_id: int) -> None:
        """Hands a new row to the task queue. With the database task backend the task is
        written in the same transaction as the row (both commit or neither does, so nothing
        waits for the sweep because a process stopped in between); any other backend, which
        may run the task at once, gets it once the transaction has committed."""
        if self._queue_is_the_database():
            self._enqueue(row_id)
        else:
            transaction.on_commit(partial(self._enqueue, row_id))

    # --- Delivering ---

    def _update(self, row_id: int, **values: Any) -> None:
        self.model._default_manager.filter(pk=row_id).update(**values)

    def deliver(self, row_id: int, *, now: dt.datetime | None = None) -> Delivery:
        """Sends the e-mail of one row.

        Claims the row first (only a waiting row can be claimed, so a duplicate task does
        nothing). A row no longer wanted is skipped. A permanent refusal fails at once with
        the server's words; any other failure waits ``retry_delay`` and is queued again,
        until ``EMAIL_MAX_ATTEMPTS``; a failed row stays for organizers to see.

        Side effects: an e-mail; what ``compose`` writes; a task for the next attempt.
        """
        now = now or timezone.now()
        rows = self.model._default_manager
        claimable = [OutboxStatus.PENDING, OutboxStatus.RETRYING]
        claimed = rows.filter(pk=row_id, status__in=claimable).update(
            status=OutboxStatus.SENDING, claimed_at=now
        )
        if not claimed:
            current = rows.filter(pk=row_id).values_list("status", flat=True).first()
            return Delivery(row_id, current or "deleted")
        row = rows.select_related(*self.select_related).get(pk=row_id)
        if not self.still_wanted(row, now):
            self._update(row_id, status=OutboxStatus.SKIPPED, next_attempt_at=None)
            return Delivery(row_id, OutboxStatus.SKIPPED)
        email: Email | None = None
        undo = None
        try:
            composed = self.compose(row)
            if isinstance(composed, Composed):
                email, undo = composed.email, composed.undo
            else:
                email = composed
            send(email)
        except Exception as error:  # any failure: the e-mail must stay in the outbox
            if undo is not None:
                undo()
            return self._failed(row, error, email, now)
        self._update(
            row_id,
            status=OutboxStatus.SENT,
            attempts=row.attempts + 1,
            sent_at=now,
            last_error="",
            next_attempt_at=None,
            **self.recorded(row, email),
        )
        return Delivery(row_id, OutboxStatus.SENT)

    def _failed(
        self, row: Row, error: Exception, email: Email | None, now: dt.datetime
    ) -> Delivery:
        attempts = row.attempts + 1
        text = self.describe_error(error, email)[:1000]
        recorded = dict(self.recorded(row, email)) if email is not None else {}
        logger.warning(
            "%s %s failed (attempt %d): %s", self.model._meta.label, row.pk, attempts, text
        )
        if self.is_permanent(error) or attempts >= _max_attempts():
            self._update(
                row.pk,
                status=OutboxStatus.FAILED,
                attempts=attempts,
                last_error=text,
                next_attempt_at=None,
                **recorded,
            )
            return Delivery(row.pk, OutboxStatus.FAILED, text)
        retry_at = now + retry_delay(
            attempts,
            base_seconds=getattr(settings, "EMAIL_RETRY_BASE_SECONDS", 60),
            cap_seconds=getattr(settings, "EMAIL_RETRY_MAX_SECONDS", 6 * 3600),
        )
        with transaction.atomic():
            self._update(
                row.pk,
                status=OutboxStatus.RETRYING,
                attempts=attempts,
                last_error=text,
                next_attempt_at=retry_at,
                **recorded,
            )
            transaction.on_commit(partial(self._enqueue, row.pk, retry_at))
        return Delivery(row.pk, OutboxStatus.RETRYING, text, retry_at)

    # --- Organizers and the sweep ---

    def retry(self, row: Row, *, now: dt.datetime | None = None) -> Row:
        """Sends a failed e-mail again now, with a fresh count of attempts (an organizer's
        decision, after fixing what made it fail); any other row is left as it is.

        Side effect: a delivery task, once committed.
        """
        with transaction.atomic():
            updated = self.model._default_manager.filter(
                pk=row.pk, status=OutboxStatus.FAILED
            ).update(
                status=OutboxStatus.PENDING,
                attempts=0,
                next_attempt_at=now or timezone.now(),
            )
            if updated:
                transaction.on_commit(partial(self._enqueue, row.pk))
        row.refresh_from_db()
        return row

    def requeue_stalled(self, *, now: dt.datetime | None = None) -> int:
        """Hands the queue again any row it lost: waiting long past its time, or claimed by a
        worker that stopped mid-send. Returns how many. Side effect: delivery tasks."""
        now = now or timezone.now()
        stale = now - STALLED_AFTER
        waiting = Q(
            status__in=[OutboxStatus.PENDING, OutboxStatus.RETRYING], next_attempt_at__lt=stale
        )
        abandoned = Q(status=OutboxStatus.SENDING, claimed_at__lt=stale)
        rows = self.model._default_manager
        ids = list(rows.filter(waiting | abandoned).values_list("pk", flat=True))
        if not ids:
            return 0
        with transaction.atomic():
            rows.filter(pk__in=ids).filter(waiting | abandoned).update(
                status=OutboxStatus.RETRYING, next_attempt_at=now
            )
            for row_id in ids:
                transaction.on_commit(partial(self._enqueue, row_id))
        return len(ids)
