"""Every app's outbox, so that one periodic chore hands the task queue again what it lost in
all of them.

An app registers its :class:`~clinicdesk.outbox.delivery.Outbox` in its
``AppConfig.ready()``; registration's periodic chores call :func:`requeue_stalled_everywhere`.
A new app's e-mails are covered by registering its outbox, with no change to the chores::

    # clinicdesk/<app>/apps.py
    def ready(self) -> None:
        from clinicdesk.<app>.services import OUTBOX
        from clinicdesk.outbox import registry

        registry.register(OUTBOX)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from clinicdesk.outbox.delivery import Outbox

_OUTBOXES: dict[str, Outbox[Any]] = {}


def _name(outbox: Outbox[Any]) -> str:
    return str(outbox.model._meta.label)  # "registration.OutboundEmail"


def register(outbox: Outbox[Any]) -> None:
    """Adds an app's outbox, known by its table's model. Registering the same one again (a
    second ``ready()``) changes nothing; a second outbox for the same table is refused, as it
    would deliver the same rows twice over."""
    name = _name(outbox)
    known = _OUTBOXES.get(name)
    if known is not None and known is not outbox:
        raise ValueError(f"an outbox for {name} is already registered")
    _OUTBOXES[name] = outbox


def registered() -> dict[str, Outbox[Any]]:
    """The registered outboxes by their model's label, e.g. ``"publishing.ListMessage"``."""
    return dict(sorted(_OUTBOXES.items()))


def requeue_stalled_everywhere(*, now: dt.datetime | None = None) -> dict[str, int]:
    """``Outbox.requeue_stalled`` for every registered outbox: how many rows of each were
    handed to the queue again. Side effect: delivery tasks."""
    now = now or timezone.now()
    return {name: outbox.requeue_stalled(now=now) for name, outbox in registered().items()}
