"""``manage.py remind_follow_ups``: queues the e-mails to owners of overdue follow-ups (run it
daily); ``--now`` sends them at once instead of through the worker."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from clinicdesk.digests.tasks import send_overdue_reminders


class Command(BaseCommand):
    help = "Remind the owners of overdue follow-ups by e-mail (queued on the e-mail queue)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Send now, without the queue.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            sent = send_overdue_reminders.call()
            self.stdout.write(f"sent {sent} reminder(s)")
        else:
            result = send_overdue_reminders.enqueue()
            self.stdout.write(f"queued: {result.id}")
