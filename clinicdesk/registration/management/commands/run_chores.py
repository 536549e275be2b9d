"""``manage.py run_chores``: run the periodic chores of registration once, now."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from clinicdesk.registration import services


class Command(BaseCommand):
    help = (
        "Run the periodic chores once, now: queue due reminders, hand lost e-mails to the "
        "queue again, delete registrations past their retention period. For a cron job when "
        "no worker keeps the chores going."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(services.run_chores(), indent=2))
