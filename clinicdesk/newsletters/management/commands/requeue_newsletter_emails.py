"""``manage.py requeue_newsletter_emails``: hands the task queue again any e-mail to a
subscriber it lost (waiting long past its time, or claimed by a worker that stopped), for a
cron job until the newsletter's sweep joins the periodic chores."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Queue again the e-mails to newsletter subscribers that the task queue lost."

    def handle(self, *args: Any, **options: Any) -> None:
        from clinicdesk.newsletters import subscriberemails

        count = subscriberemails.OUTBOX.requeue_stalled()
        self.stdout.write(f"{count} e-mails to subscribers queued again")
