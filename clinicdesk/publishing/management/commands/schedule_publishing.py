"""Queues the periodic publishing sweep (republish what changed, digest notices, reminders),
unless one is already waiting or no wiki or mailing list needs it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clinicdesk.publishing import services


class Command(BaseCommand):
    help = "Queue the periodic publishing sweep; the worker keeps it going."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = services.schedule_sweep()
        if options["verbosity"] >= 1:
            self.stdout.write("publishing sweep queued" if queued else "nothing to queue")
