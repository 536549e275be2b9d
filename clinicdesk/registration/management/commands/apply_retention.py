"""``manage.py apply_retention``: delete registrations past their retention period, now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from clinicdesk.registration import services
from clinicdesk.scheduling.models import Program


class Command(BaseCommand):
    help = (
        "Delete the contact details, needs answers and topics of every session past its "
        "program's retention period, keeping the counts. The worker does it every few "
        "minutes; this does it now."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--program", help="Only this program (its short name).")

    def handle(self, *args: Any, **options: Any) -> None:
        program = None
        if options["program"]:
            program = Program.objects.filter(slug=options["program"]).first()
            if program is None:
                raise CommandError(f"no program is called {options['program']!r}")
        report = services.apply_retention(program=program)
        self.stdout.write(
            f"{report.registrations_deleted} registration(s) and {report.check_ins_deleted} "
            f"check-in(s) deleted"
            + (f" from {', '.join(report.sessions)}" if report.sessions else "")
        )
