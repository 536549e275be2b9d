"""``manage.py import_digests FILE [FILE ...] --program SLUG``

Imports digests from the rendered text of their wiki pages (like seed 002) or from wikitext,
each file in its own transaction, showing its progress; exits non-zero when any file could not
be imported. The session and language come from each text unless given.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinicdesk.digests.importers import FORMATS
from clinicdesk.digests.importers.apply import ALL, import_digest
from clinicdesk.scheduling.models import Program


class Command(BaseCommand):
    help = (
        "Import digests (the rendered text of a wiki page, or wikitext) into the program SLUG, "
        "one transaction per file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--program", required=True, metavar="SLUG")
        parser.add_argument(
            "--session", type=int, metavar="NUMBER", help="The session (default: from the text)."
        )
        parser.add_argument(
            "--language", default="", metavar="CODE", help="The language (default: from the text)."
        )
        parser.add_argument("--format", choices=FORMATS, default="auto", dest="source_format")
        parser.add_argument(
            "--confirm-follow-ups",
            action="store_true",
            help="Save every proposed follow-up whose owner is a staff member.",
        )
        parser.add_argument(
            "--replace", action="store_true", help="Replace a version already in that language."
        )
        parser.add_argument("--publish", action="store_true", help="Publish each digest.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be imported; save nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(f"there is no program {options['program']}")
        files: list[Path] = options["files"]
        if options["session"] and len(files) > 1:
            raise CommandError("--session names one session: give one file with it")
        started = time.monotonic()
        failed = []
        for index, path in enumerate(files, start=1):
            self.stdout.write(f"[{index}/{len(files)}] {path}")
            if not self._import_file(path, program, options):
                failed.append(path)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{len(files) - len(failed)} of {len(files)} file(s) imported in {elapsed:.1f} s"
        )
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(files)} file(s) could not be imported: "
                + ", ".join(str(path) for path in failed)
            )

    def _import_file(self, path: Path, program: Program, options: dict[str, Any]) -> bool:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            self.stderr.write(self.style.ERROR(f"  cannot read the file: {error}"))
            return False
        report = import_digest(
            text,
            program=program,
            session_number=options["session"],
            language=options["language"],
            source_format=options["source_format"],
            confirm=ALL if options["confirm_follow_ups"] else (),
            replace=options["replace"],
            publish=options["publish"],
            dry_run=options["dry_run"],
        )
        for line in report.lines():
            style = self.style.ERROR if line.startswith(("problem", "nothing")) else str
            self.stdout.write(f"  {style(line)}")
        return report.ok
