"""Reads a digest from its wikitext: ``== headings ==``, ``*`` bullets nested by their count,
``'''bold speakers''':``, links; read with mwparserfromhell.

Bold and italics, external links and entities become the Markdown subset; an internal link
keeps its text; templates, references and comments cannot be kept and are reported.

Pure: text in, :class:`~clinicdesk.digests.importers.common.ImportedDigest` and problems out.
"""

from __future__ import annotations

import re

import mwparserfromhell
from mwparserfromhell.nodes import (
    Comment,
    ExternalLink,
    HTMLEntity,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

from clinicdesk.digests.importers.common import (
    BULLET,
    HEADING,
    TEXT,
    ImportedDigest,
    SourceLine,
    build_digest,
    md_escape,
)
from clinicdesk.digests.markup import is_safe_url
from clinicdesk.scheduling.importers.reading import Parsed, Problem, split_lines

_HEADING = re.compile(r"^(?P<marks>={1,6})\s*(?P<text>.*?)\s*(?P=marks)\s*$")
_LIST = re.compile(r"^(?P<marks>[*#:;]+)\s*(?P<text>.*)$")
_BOLD_TAGS = {"b", "strong"}
_ITALIC_TAGS = {"i", "em"}
_DROPPED_TAGS = {"ref", "references", "gallery", "math", "syntaxhighlight", "score", "graph"}


def parse_wikitext(
    text: str, *, known_names: frozenset[str] = frozenset()
) -> Parsed[ImportedDigest]:
    """Reads a page's wikitext; ``data`` is None when it holds no topics at all."""
    problems: list[Problem] = []
    source: list[SourceLine] = []
    for line in split_lines(text):
        raw = line.raw
        if not raw.strip():
            source.append(SourceLine(TEXT, "", line.number, raw))
            continue
        if match := _HEADING.match(raw.strip()):
            converted = _inline(match["text"], line.number, raw, problems)
            source.append(SourceLine(HEADING, converted, line.number, raw, len(match["marks"])))
        elif match := _LIST.match(raw):
            converted = _inline(match["text"], line.number, raw, problems)
            source.append(SourceLine(BULLET, converted, line.number, raw, len(match["marks"])))
        elif raw.strip() in {"----", "__NOTOC__", "__TOC__", "__NOEDITSECTION__"} or raw.startswith(
            ("{|", "|", "!")
        ):
            problems.append(
                Problem(line.number, raw, "not placed: a table or page switch", blocking=False)
            )
        else:
            converted = _inline(raw.strip(), line.number, raw, problems)
            source.append(SourceLine(TEXT, converted, line.number, raw))
    return build_digest(source, known_names=known_names, problems=problems)


def _inline(text: str, number: int, raw: str, problems: list[Problem]) -> str:
    """One line's wikitext as the Markdown subset."""
    return _convert(mwparserfromhell.parse(text), number, raw, problems).strip()


def _convert(code: Wikicode, number: int, raw: str, problems: list[Problem]) -> str:
    parts: list[str] = []
    for node in code.nodes:
        if isinstance(node, Text):
            parts.append(md_escape(str(node.value)))
        elif isinstance(node, HTMLEntity):
            parts.append(md_escape(node.normalize()))
        elif isinstance(node, Tag):
            tag = str(node.tag).lower()
            inner = _convert(node.contents, number, raw, problems) if node.contents else ""
            if tag in _DROPPED_TAGS:
                problems.append(
                    Problem(number, raw, f"a <{tag}> cannot be kept: left out", blocking=False)
                )
            elif tag == "nowiki":
                parts.append(md_escape(str(node.contents or "")))
            elif tag == "br":
                parts.append(" ")
            elif tag in _BOLD_TAGS:
                parts.append(f"**{inner}**" if inner.strip() else inner)
            elif tag in _ITALIC_TAGS:
                parts.append(f"*{inner}*" if inner.strip() else inner)
            else:
                parts.append(inner)
        elif isinstance(node, ExternalLink):
            url = str(node.url).strip()
            title = _convert(node.title, number, raw, problems) if node.title else ""
            if is_safe_url(url):
                parts.append(f"[{title}]({url})" if title else url)
            else:
                parts.append(title or md_escape(url))
        elif isinstance(node, Wikilink):
            shown = node.text if node.text is not None else node.title
            parts.append(_convert(mwparserfromhell.parse(str(shown)), number, raw, problems))
        elif isinstance(node, Template):
            problems.append(
                Problem(
                    number,
                    raw,
                    f"the template {{{{{str(node.name).strip()}}}}} is left out",
                    blocking=False,
                )
            )
        elif isinstance(node, Comment):
            continue
        else:
            parts.append(md_escape(str(node)))
    return "".join(parts)
