"""``manage.py requeue_newsletter_emails``: hands the task queue again, now, any e-mail to a
subscriber it lost (waiting long past its time, or claimed by a worker that stopped).

The periodic chores already do this for every app's outbox (``outbox.registry``, where
``apps.py`` registers the subscribers' one); the command is for an operator who will not wait
for their next run."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Queue again the e-mails to newsletter subscribers that the task queue lost."

    def handle(self, *args: Any, **options: Any) -> None:
        from clinicdesk.newsletters import subscriberemails

        count = subscriberemails.OUTBOX.requeue_stalled()
        self.stdout.write(f"{count} e-mails to subscribers queued again")
