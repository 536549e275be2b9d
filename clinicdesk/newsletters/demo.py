"""The newsletters part of the demo: the Let's Connect program from seed 003, its learning
clinics (September-November 2024 held, with recordings and slides; January-March 2025 to
come, one with its date to be discussed), the opportunities and stories, and Issue 21
compiled from them and published.

Called by ``manage.py load_demo``; running it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from clinicdesk.demo import seed_path
from clinicdesk.newsletters.importing import ensure_settings, import_newsletter
from clinicdesk.scheduling import services as scheduling_services
from clinicdesk.scheduling.models import Program

SLUG = "lets-connect"
NAME = "Let's Connect learning clinics"
WIKI_PREFIX = "Let's Connect Newsletter"
WIKI_TITLE_PATTERN = "{prefix}/Archive/{year}/Issue {number}"


def lets_connect(say: Callable[[str], None]) -> Program:
    program = Program.objects.filter(slug=SLUG).first()
    if program is None:
        program = scheduling_services.create_program(
            name=NAME,
            slug=SLUG,
            purpose=(
                "Peer learning for Wikimedians: learning clinics where affiliates and "
                "volunteers share what they learned, and connectathons."
            ),
            default_languages=["en"],
            wiki_page_prefix=WIKI_PREFIX,
        )
        say(f"program: {NAME}")
    ensure_settings(program, wiki_title_pattern=WIKI_TITLE_PATTERN)
    return program


def load_demo(*, program: Program | None = None, say: Callable[[str], None] = print) -> None:
    """Imports seed 003 as the Let's Connect program's Issue 21. ``program`` (the clinics
    demo's) is not used: the newsletter belongs to a program of its own."""
    own = lets_connect(say)
    import_newsletter(seed_path("003").read_text(encoding="utf-8"), program=own, say=say)
