"""The abstract base of every outbox table (see the package's docstring)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboxStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("e-mail status", "waiting")
    SENDING = "sending", pgettext_lazy("e-mail status", "sending")
    RETRYING = "retrying", pgettext_lazy("e-mail status", "will try again")
    SENT = "sent", pgettext_lazy("e-mail status", "sent")
    FAILED = "failed", pgettext_lazy("e-mail status", "failed")
    SKIPPED = "skipped", pgettext_lazy("e-mail status", "no longer needed")


class OutboxMessage(models.Model):
    """One e-mail from the moment it is decided until it is delivered.

    The row is written in the transaction that decides the e-mail, so it is never lost; the
    task queue delivers it (``delivery.Outbox``), and a failed delivery stays here, visible,
    with its attempts, its last error and the next try. The message itself is composed from
    the record at delivery.
    """

    Status = OutboxStatus

    status = models.CharField(
        _("status"), max_length=20, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        abstract = True
        # What the sweep for stalled e-mails reads. A subclass that declares its own Meta
        # inherits this one (``class Meta(OutboxMessage.Meta)``) to keep the index.
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="%(class)s_due")]
