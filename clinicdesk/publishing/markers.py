"""The generated parts of a wiki page, kept between markers that people can see when editing:

    <!-- clinicdesk:begin upcoming -->
    ...what clinicdesk writes...
    <!-- clinicdesk:end upcoming -->

Publishing replaces only what lies between a part's markers and leaves the rest of the page,
written by people, as it is. Each part's fingerprint is kept after publishing: when the text
between the markers on the wiki no longer has it, someone edited the generated part by hand,
and that is a conflict to report, never something to overwrite.

Pure: text in, text out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
_MARKER = re.compile(r"<!--\s*clinicdesk:(begin|end)\s+([^\s>]+)\s*-->")


def begin_marker(name: str) -> str:
    return f"<!-- clinicdesk:begin {name} -->"


def end_marker(name: str) -> str:
    return f"<!-- clinicdesk:end {name} -->"


@dataclass(frozen=True, slots=True)
class Part:
    """What clinicdesk writes between one pair of markers."""

    name: str
    text: str
    # The section heading written above the part when a page that lacks it gets it added.
    heading: str = ""

    def __post_init__(self) -> None:
        if not NAME.match(self.name):
            raise ValueError(f"not a part name: {self.name!r}")


class MarkerProblem(ValueError):
    """The markers of a part on the page are broken: unpaired, repeated or nested."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem  # "unclosed", "unopened", "repeated", "nested"


def normalize(text: str) -> str:
    """The text as MediaWiki keeps it: line ends and trailing spaces do not count."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def fingerprint(text: str) -> str:
    return hashlib.sha256(normalize(text).encode()).hexdigest()


def wrap(part: Part) -> str:
    return f"{begin_marker(part.name)}\n{normalize(part.text)}\n{end_marker(part.name)}"


@dataclass(frozen=True, slots=True)
class Span:
    """Where a part's inner text lies on a page: ``page[start:end]``."""

    start: int
    end: int


def find_parts(page: str) -> dict[str, Span]:
    """Every marked part of ``page``. Raises :class:`MarkerProblem` on broken markers."""
    found: dict[str, Span] = {}
    open_name: str | None = None
    open_end = 0
    for match in _MARKER.finditer(page):
        kind, name = match[1], match[2]
        if kind == "begin":
            if open_name is not None:
                raise MarkerProblem(open_name, "nested")
            if name in found:
                raise MarkerProblem(name, "repeated")
            open_name, open_end = name, match.end()
        else:
            if open_name is None:
                raise MarkerProblem(name, "unopened")
            if name != open_name:
                raise MarkerProblem(open_name, "nested")
            found[name] = Span(open_end, match.start())
            open_name = None
    if open_name is not None:
        raise MarkerProblem(open_name, "unclosed")
    return found


def read_parts(page: str) -> dict[str, str]:
    """The inner text of every marked part, normalized."""
    return {name: normalize(page[span.start : span.end]) for name, span in find_parts(page).items()}


@dataclass(frozen=True, slots=True)
class Merge:
    """The page with clinicdesk's parts in place, and what that did."""

    text: str
    changed: bool  # the text differs from the page as it was (or the page is new)
    conflicts: tuple[str, ...] = ()  # parts edited on the wiki since clinicdesk wrote them
    added: tuple[str, ...] = ()  # parts the page lacked, added at its end
    # The inner text on the wiki of each conflicting part, to show organizers what changed.
    found: Mapping[str, str] | None = None

    @property
    def has_conflicts(self) -> bool:
        return bool(self.conflicts)


def new_page(parts: Sequence[Part]) -> str:
    """A page made only of ``parts``, each under its heading."""
    blocks = []
    for part in parts:
        block = wrap(part)
        if part.heading:
            block = f"== {part.heading} ==\n{block}"
        blocks.append(block)
    return "\n\n".join(blocks) + "\n"


def merge(
    page: str | None,
    parts: Sequence[Part],
    *,
    last_written: Mapping[str, str],
    overwrite: Collection[str] = (),
) -> Merge:
    """``page`` with each part's markers holding the part's new text.

    ``last_written`` holds the fingerprint of what clinicdesk last wrote into each part: a part
    whose text on the page has another fingerprint was edited by hand and is reported as a
    conflict (and the page left unchanged), unless it is in ``overwrite`` (an organizer's
    decision) or already holds exactly the new text. A part without markers on the page is
    added at its end, under its heading. ``page`` None is a page that does not exist yet.

    Raises :class:`MarkerProblem` when the page's markers are broken.
    """
    if page is None:
        return Merge(text=new_page(parts), changed=True, added=tuple(p.name for p in parts))
    spans = find_parts(page)
    conflicts: list[str] = []
    found: dict[str, str] = {}
    for part in parts:
        span = spans.get(part.name)
        if span is None or part.name in overwrite:
            continue
        current = page[span.start : span.end]
        expected = last_written.get(part.name)
        if (
            expected is not None
            and fingerprint(current) != expected
            and normalize(current) != normalize(part.text)
        ):
            conflicts.append(part.name)
            found[part.name] = normalize(current)
    if conflicts:
        return Merge(text=page, changed=False, conflicts=tuple(conflicts), found=found)

    text = page
    # From the end of the page backwards, so that the spans still to replace stay valid.
    present = sorted(
        (part for part in parts if part.name in spans),
        key=lambda part: spans[part.name].start,
        reverse=True,
    )
    for part in present:
        span = spans[part.name]
        text = f"{text[: span.start]}\n{normalize(part.text)}\n{text[span.end :]}"
    missing = [part for part in parts if part.name not in spans]
    if missing:
        kept = text.rstrip()
        text = f"{kept}\n\n{new_page(missing)}" if kept else new_page(missing)
    return Merge(
        text=text,
        changed=normalize(text) != normalize(page),
        added=tuple(part.name for part in missing),
    )
