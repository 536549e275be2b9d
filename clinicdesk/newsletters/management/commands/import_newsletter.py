"""``manage.py import_newsletter FILE --program SLUG [--draft]``

Imports a rendered newsletter page (the text a browser copies, like seed 003) into a
program: its sessions with their resources, its opportunities and stories, and the issue,
compiled from them (published on its date unless ``--draft``). Running it again adds
nothing. Exits non-zero, saving nothing, when the text cannot be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinicdesk.newsletters.importer import NewsletterTextError
from clinicdesk.newsletters.importing import import_newsletter
from clinicdesk.scheduling.models import Program


class Command(BaseCommand):
    help = "Import a rendered newsletter page (text) into the program SLUG."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE")
        parser.add_argument("--program", required=True, metavar="SLUG")
        parser.add_argument(
            "--draft", action="store_true", help="Compile the issue but do not publish it."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(f"there is no program {options['program']!r}")
        try:
            text = options["file"].read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{options['file']}: {error}") from error
        try:
            result = import_newsletter(
                text, program=program, publish=not options["draft"], say=self.stdout.write
            )
        except NewsletterTextError as error:
            raise CommandError(f"{options['file']}: {error}") from error
        except ValidationError as error:
            raise CommandError(f"{options['file']}: {' '.join(error.messages)}") from error
        if not result.issue_created:
            self.stdout.write(f"issue {result.issue.number} was already imported: nothing added")
