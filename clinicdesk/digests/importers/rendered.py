"""Reads a digest from the rendered text of its wiki page (seed 002): what a reader copies
from the browser.

Headings carry the wiki's section edit link glued to them ("Topic 2: Impact of the pandemic
on affiliatesEdit") or a "[edit]" after them; bullets ("•") nest by their indentation; the first
line is the page's title ("Wikimedia Clinics/006/en"). The wiki's own page furniture
("Jump to navigation", "Retrieved from …") is reported and left out.

Pure: text in, :class:`~clinicdesk.digests.importers.common.ImportedDigest` and problems out.
"""

from __future__ import annotations

import re

from clinicdesk.digests.importers.common import (
    BULLET,
    HEADING,
    TEXT,
    ImportedDigest,
    SourceLine,
    build_digest,
    md_escape,
)
from clinicdesk.scheduling.importers.reading import Parsed, Problem, clean, split_lines

_EDIT_LINK = re.compile(
    r"(?:\s*\[\s*(?:edit|editar|modifier|bearbeiten|править)\s*\]|(?<=\S)(?:Edit|Editar|Modifier))$"
)
_TOPIC_OR_QUESTION = re.compile(
    r"^(?:(?:Topic|Tema)\s*#?\s*\d+\s*[:.]|(?:Question|Pregunta)\s*:)", re.IGNORECASE
)
_BULLET = re.compile(r"^(?P<indent>\s*)(?:[•◦▪‣·*]|-(?=\s))\s+(?P<text>.*)$")
_CHROME = re.compile(
    r"^(?:From Meta, a Wikimedia project coordination wiki|From Wikipedia, the free encyclopedia"
    r"|Jump to navigation(?: Jump to search)?|Jump to search|Retrieved from\b.*|Categories?:.*"
    r"|This page was last edited\b.*|Privacy policy|About Meta|Disclaimers|Mobile view"
    r"|Text is available under\b.*)$",
    re.IGNORECASE,
)
MAX_HEADING_LENGTH = 300


def parse_rendered(
    text: str, *, known_names: frozenset[str] = frozenset()
) -> Parsed[ImportedDigest]:
    """Reads the page's rendered text; ``data`` is None when it holds no topics at all."""
    lines = split_lines(text)
    problems: list[Problem] = []
    source: list[SourceLine] = []
    page_title = ""
    indents: list[int] = []  # the indentation of each open bullet level
    for line in lines:
        raw = line.raw
        if line.is_blank:
            source.append(SourceLine(TEXT, "", line.number, raw))
            continue
        if not page_title and not source and _looks_like_title(line.text):
            page_title = line.text
            continue
        if _CHROME.match(line.text):
            problems.append(
                Problem(line.number, raw, "not placed: the wiki's page furniture", blocking=False)
            )
            continue
        bullet = _BULLET.match(raw.replace("\t", "    "))
        if bullet:
            indent = len(bullet["indent"].replace("\u00a0", " "))
            while indents and indent < indents[-1]:
                indents.pop()
            if not indents or indent > indents[-1]:
                indents.append(indent)
            source.append(
                SourceLine(BULLET, md_escape(clean(bullet["text"])), line.number, raw, len(indents))
            )
            continue
        indents = []
        heading = _heading_text(line.text)
        if heading is not None:
            source.append(SourceLine(HEADING, md_escape(heading), line.number, raw))
        else:
            source.append(SourceLine(TEXT, md_escape(line.text, block=True), line.number, raw))
    return build_digest(source, page_title=page_title, known_names=known_names, problems=problems)


def _looks_like_title(text: str) -> bool:
    """A page title: one short line with no sentence in it ("Wikimedia Clinics/006/en")."""
    return len(text) <= 250 and not re.search(r"[.!?:]\s|[.!?]$", text) and "/" in text


def _heading_text(text: str) -> str | None:
    if len(text) > MAX_HEADING_LENGTH:
        return None
    without = _EDIT_LINK.sub("", text)
    if without != text:
        return without.strip()
    if _TOPIC_OR_QUESTION.match(text):
        return text
    return None
