"""``manage.py schedule_chores``: queue the periodic chores of registration for the worker."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clinicdesk.registration import services


class Command(BaseCommand):
    help = (
        "Queue the periodic chores (reminders, the e-mail sweep, retention) for the worker, "
        "unless a run is already waiting. `manage.py serve` runs it; safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if services.schedule_chores():
            self.stdout.write("queued the periodic chores")
        else:
            self.stdout.write(
                "the periodic chores were already queued (or the task backend keeps no queue)"
            )
