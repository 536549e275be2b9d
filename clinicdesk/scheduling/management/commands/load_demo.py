"""``manage.py load_demo``: the Wikimedia Clinics program from the shipped seeds, with a few
upcoming demo calls. Running it again changes nothing."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clinicdesk.demo import seed_path
from clinicdesk.scheduling import services
from clinicdesk.scheduling.importers.apply import (
    ImportReport,
    import_announcement,
    import_archive_page,
)
from clinicdesk.scheduling.models import Program

DEMO_SLUG = "wikimedia-clinics"
# The seeds name no cities: a spread of the community's hubs across the regions the calls
# alternate for, from the Americas to South-East Asia, for the world clock.
DEMO_COMMUNITY_ZONES = [
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Europe/Madrid",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Jakarta",
]
# "Two to three times a month" (seed 001): at least 10 days between calls gives three calls
# in most months and never more, and the next slot of the weekly rotation after those 10
# days keeps the gap under three weeks.
DEMO_CADENCE_DAYS = 10
DEMO_UPCOMING_CALLS = 4
# Apps whose demo.py adds to the demo, in this order (later ones may build on earlier ones).
DEMO_APPS = (
    "registration",
    "digests",
    "planning",
    "publishing",
    "consultations",
    "newsletters",
)


class Command(BaseCommand):
    verbosity = 1
    help = (
        "Load the demo program (Wikimedia Clinics) from the shipped seed texts and plan its "
        "next calls. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        try:
            page = seed_path("001").read_text(encoding="utf-8")
            announcement = seed_path("000").read_text(encoding="utf-8")
        except LookupError as error:
            raise CommandError(str(error)) from error
        with transaction.atomic():
            self._show(import_archive_page(page, slug=DEMO_SLUG))
            program = Program.objects.get(slug=DEMO_SLUG)
            self._show(import_announcement(announcement, program=program))
            program.refresh_from_db()
            self._set_demo_settings(program)
            self._plan_upcoming(program)
            self._load_app_demos(program)

    def _show(self, report: ImportReport) -> None:
        if not report.ok:
            raise CommandError(
                f"the demo {report.source} could not be imported:\n" + "\n".join(report.lines())
            )
        self._say(f"{report.source}: {len(report.created)} created, {len(report.updated)} updated")

    def _set_demo_settings(self, program: Program) -> None:
        wanted = {"community_zones": DEMO_COMMUNITY_ZONES, "cadence_days": DEMO_CADENCE_DAYS}
        changed = {k: v for k, v in wanted.items() if getattr(program, k) != v}
        if changed:
            services.update_program(program=program, **changed)
            self._say(f"demo settings: {', '.join(changed)}")

    def _plan_upcoming(self, program: Program) -> None:
        now = timezone.now()
        if program.sessions.filter(is_demo=True, starts_at__gt=now).exists():
            self._say("upcoming demo calls already planned")
            return
        # The latest call continues the rotation: #010 the first time, and after the planned
        # demo calls have passed, the last of them.
        latest = program.sessions.select_related("program").order_by("-number").first()
        if latest is None:
            raise CommandError("the demo program has no session to continue from")
        planned = services.repeat_session(
            session=latest, count=DEMO_UPCOMING_CALLS, is_demo=True, after=now
        )
        self._say(
            "planned demo calls: "
            + ", ".join(f"{s.label} {s.start_date:%Y-%m-%d} {s.start_time:%H:%M}" for s in planned)
        )

    def _load_app_demos(self, program: Program) -> None:
        """Each app may ship ``clinicdesk/<app>/demo.py`` with ``load_demo(*, program, say)``:
        registration opens the demo calls, digests imports #006's digest, and so on."""
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"clinicdesk.{app}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"clinicdesk.{app}.demo":
                    raise
                continue
            module.load_demo(program=program, say=self._say)

    def _say(self, message: str) -> None:
        if self.verbosity >= 1:
            self.stdout.write(message)
