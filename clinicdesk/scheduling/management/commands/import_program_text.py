"""``manage.py import_program_text FILE [FILE ...] --kind archive|announcement --program SLUG``

Imports program pages (rendered wiki text, like seed 001) or announcement e-mails (like seed
000), each file in its own transaction; exits non-zero when any file could not be imported.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinicdesk.scheduling.importers.apply import (
    ImportReport,
    import_announcement,
    import_archive_page,
)
from clinicdesk.scheduling.models import Program


class Command(BaseCommand):
    help = (
        "Import a program's wiki page (--kind archive) or an announcement e-mail "
        "(--kind announcement) from text files into the program SLUG."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--kind", choices=["archive", "announcement"], required=True)
        parser.add_argument(
            "--program",
            required=True,
            metavar="SLUG",
            help="The program's short name; an archive page creates the program if needed.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be created or updated, and save nothing.",
        )
        parser.add_argument(
            "--reference-date",
            type=dt.date.fromisoformat,
            metavar="YYYY-MM-DD",
            help=(
                "Announcements: a call that matches no session of the program is dated in "
                "the latest fitting year up to this date's year (default: today)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = options["files"]
        failed = [path for path in files if not self._import_file(path, options)]
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(files)} file(s) could not be imported: "
                + ", ".join(str(path) for path in failed)
            )

    def _import_file(self, path: Path, options: dict[str, Any]) -> bool:
        kind, slug = options["kind"], options["program"]
        self.stdout.write(f"{path}: importing as {kind} into {slug}")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            self.stderr.write(self.style.ERROR(f"{path}: cannot read the file: {error}"))
            return False
        report: ImportReport
        if kind == "archive":
            report = import_archive_page(text, slug=slug, dry_run=options["dry_run"])
        else:
            program = Program.objects.filter(slug=slug).first()
            if program is None:
                self.stderr.write(
                    self.style.ERROR(
                        f"{path}: there is no program {slug}; import its wiki page first "
                        "(--kind archive)"
                    )
                )
                return False
            report = import_announcement(
                text,
                program=program,
                dry_run=options["dry_run"],
                reference=options["reference_date"],
            )
        for line in report.lines():
            style = self.style.ERROR if line.startswith(("problem", "nothing")) else str
            self.stdout.write(f"  {style(line)}")
        if report.ok:
            done = "checked" if report.dry_run else "imported"
            self.stdout.write(self.style.SUCCESS(f"{path}: {done}"))
        else:
            self.stderr.write(self.style.ERROR(f"{path}: not imported"))
        return report.ok
