"""``manage.py remind_follow_ups``: queues the search for overdue follow-ups, whose reminders
the worker then sends (run it daily); ``--now`` writes the reminders and sends them at once,
for an installation without a worker."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from clinicdesk.digests import reminders
from clinicdesk.digests.tasks import queue_overdue_reminders


class Command(BaseCommand):
    help = "Remind the owners of overdue follow-ups by e-mail (through the worker's queue)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Send now, without the worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["now"]:
            result = queue_overdue_reminders.enqueue()
            self.stdout.write(f"queued: {result.id}")
            return
        queued = reminders.queue_overdue_reminders()
        # The worker would do the same; a task it runs later for a row sent here does nothing.
        outcomes = [reminders.OUTBOX.deliver(row_id).status for row_id in queued.reminders]
        sent = outcomes.count("sent")
        self.stdout.write(f"sent {sent} of {len(outcomes)} reminder(s)")
