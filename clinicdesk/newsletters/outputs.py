"""What publishing an issue and subscribing set off: e-mails and the wiki page.

The one seam between the newsletter's services and the shared channels (``outbox`` for
subscriber e-mails, ``publishing`` for the wiki page and the program's mailing lists).
"""

from __future__ import annotations

from clinicdesk.newsletters.models import Issue, Subscription


def issue_published(issue: Issue) -> None:
    """Called once, in the publishing transaction, when an issue is first published."""


def send_confirmation(subscription: Subscription, token: str) -> None:
    """Called in the subscribing transaction with the confirmation link's token."""
