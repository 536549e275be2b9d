"""What publishing an issue and subscribing set off: the wiki pages, the e-mails to the
program's mailing lists, and the e-mails to subscribers.

The one seam between the newsletter's services and the shared channels: ``publishing``
(through its source registry: ``newsletters/publishing.py``) for the wiki pages and list
e-mails, and the shared outbox (``subscriberemails.py``) for the e-mails to subscribers.
"""

from __future__ import annotations

from clinicdesk.newsletters import subscriberemails
from clinicdesk.newsletters.models import Issue, Subscription
from clinicdesk.newsletters.publishing import KIND
from clinicdesk.publishing import services as publishing_services


def issue_published(issue: Issue) -> None:
    """Called once per version, in the transaction that first publishes it: its wiki page on
    every active wiki of the program, and (for the original) the e-mail to the program's
    lists, each in its language."""
    publishing_services.publish_source_pages(program=issue.program, kind=KIND, keys=[str(issue.pk)])
    if issue.source_id is None:
        publishing_services.queue_source_email(program=issue.program, kind=KIND, key=str(issue.pk))
    subscriberemails.queue_issue(issue)


def send_confirmation(subscription: Subscription) -> None:
    """Called in the subscribing transaction: the confirmation e-mail (its link is minted
    when it is composed)."""
    subscriberemails.queue_confirmation(subscription)
