"""Importers of existing digests: from the rendered text of a wiki page (seed 002) and from
wikitext.

``rendered`` and ``wikitext`` are pure front ends over ``common`` (the builder of topics and
items, the header sentences, follow-up proposals); ``speakers`` reads and matches speakers;
``apply`` is the thin adapter that saves a digest through :mod:`clinicdesk.digests.services`,
one transaction per text.
"""

from __future__ import annotations

import re

from clinicdesk.digests.importers.common import ImportedDigest
from clinicdesk.digests.importers.rendered import parse_rendered
from clinicdesk.digests.importers.wikitext import parse_wikitext
from clinicdesk.scheduling.importers.reading import Parsed

RENDERED = "rendered"
WIKITEXT = "wikitext"
AUTO = "auto"
FORMATS = (AUTO, RENDERED, WIKITEXT)

_WIKITEXT_SIGNS = re.compile(r"^=+[^=\n]+=+\s*$|^\*+\s*'''|\[\[[^\]]+\]\]|^\*\*", re.MULTILINE)


def guess_format(text: str) -> str:
    """Wikitext when the text has wiki headings, bold speakers or internal links."""
    return WIKITEXT if len(_WIKITEXT_SIGNS.findall(text)) >= 2 else RENDERED


def parse_digest(
    text: str, *, source_format: str = AUTO, known_names: frozenset[str] = frozenset()
) -> Parsed[ImportedDigest]:
    """Reads a digest in ``source_format`` (rendered, wikitext, or auto to guess)."""
    if source_format == AUTO:
        source_format = guess_format(text)
    if source_format == WIKITEXT:
        return parse_wikitext(text, known_names=known_names)
    return parse_rendered(text, known_names=known_names)
