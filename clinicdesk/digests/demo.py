"""The digests part of the demo: the people of seed 002 and its digest, #006 in English.

Called by ``manage.py load_demo`` after the scheduling seeds; running it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from clinicdesk.demo import seed_path
from clinicdesk.digests.importers.apply import ALL, import_digest
from clinicdesk.digests.models import Digest
from clinicdesk.scheduling import services as scheduling_services
from clinicdesk.scheduling.models import Person, Program

DIGEST_SESSION = 6
DIGEST_LANGUAGE = "en"
# Who speaks in seed 002 by name: the Foundation's staff, and the volunteers who said they may
# be named (the rest of the digest names volunteers only by affiliation, as written).
PEOPLE = [
    {"name": "Quim", "role": Person.Role.STAFF, "organization": "WMF"},
    {"name": "Sele", "role": Person.Role.STAFF, "organization": "WMF"},
    {"name": "Melissa", "role": Person.Role.STAFF, "organization": "WMF"},
    {
        "name": "Claudia",
        "affiliation": "Wikimedia Mexico",
        "attribution_consent": Person.Attribution.NAME,
    },
    {
        "name": "Constanza",
        "affiliation": "Wikimedia Argentina",
        "attribution_consent": Person.Attribution.NAME,
    },
    {
        "name": "Anna",
        "affiliation": "Wikimedia Argentina",
        "attribution_consent": Person.Attribution.NAME,
    },
]


def _people(say: Callable[[str], None]) -> None:
    added = []
    for fields in PEOPLE:
        if not Person.objects.filter(name=fields["name"]).exists():
            scheduling_services.create_person(**fields)
            added.append(fields["name"])
    if added:
        say(f"digest speakers: {', '.join(added)}")


def load_demo(*, program: Program, say: Callable[[str], None]) -> None:
    """Adds the speakers of seed 002 and imports it, published, as #006's English digest."""
    _people(say)
    session = program.sessions.filter(number=DIGEST_SESSION).first()
    if session is None:
        say(f"no session #{DIGEST_SESSION:03d}: the digest of seed 002 is not imported")
        return
    if Digest.objects.filter(session=session, language=DIGEST_LANGUAGE).exists():
        return  # imported by an earlier run: nothing to say
    report = import_digest(
        seed_path("002").read_text(encoding="utf-8"),
        program=program,
        session_number=DIGEST_SESSION,
        language=DIGEST_LANGUAGE,
        confirm=ALL,
        publish=True,
    )
    if not report.ok:
        raise RuntimeError("the demo digest could not be imported:\n" + "\n".join(report.lines()))
    say(f"digest of #006: {report.topics} topics, {report.items} items, published")
