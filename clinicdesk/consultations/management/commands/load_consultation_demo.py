"""``manage.py load_consultation_demo``: the Global Conversations consultation of seed 004,
with its events, initiatives, community submissions and ballots. Running it again changes
nothing. (``load_demo`` runs it too once ``consultations`` is among its ``DEMO_APPS``.)"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clinicdesk.consultations.demo import load_demo


class Command(BaseCommand):
    help = "Load the Global Conversations consultation (seed 004). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]

        def say(message: str) -> None:
            if verbosity >= 1:
                self.stdout.write(message)

        load_demo(say=say)
