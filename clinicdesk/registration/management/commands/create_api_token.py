"""``manage.py create_api_token USERNAME NAME``: a bearer token for the registration API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from clinicdesk.registration import services


class Command(BaseCommand):
    help = (
        "Make an API token for an organizer and print it (only its digest is kept). It reads "
        "the registrations and needs of the programs that user organizes."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="What the token is for.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user is called {options['username']!r}")
        _row, token = services.create_api_token(user=user, name=options["name"])
        self.stdout.write(token)
