"""Runs the publishing sweep once, now (for a backend that keeps no task for later, or cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clinicdesk.publishing import services


class Command(BaseCommand):
    help = "Republish what changed and queue digest notices and list reminders, once."

    def handle(self, *args: Any, **options: Any) -> None:
        report = services.run_sweep()
        if options["verbosity"] >= 1:
            self.stdout.write(", ".join(f"{key}: {value}" for key, value in report.items()))
