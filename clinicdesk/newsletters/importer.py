"""A newsletter issue read from its rendered wiki page (the text a browser copies), as plain data.

The page is the Let's Connect layout of seed 003: a title, "< Go back to Issue N", then
sections whose headings are followed by the wiki's "edit" link. The first section is the
editor's welcome; then two runs of month headings ("September Learning Clinic", ...), the
past clinics (numbered, each with "Find this session's resources here: ...") and the coming
ones ("[January 16th] - title", "[Date to be discussed] title"), each run under a heading of
its own; then the opportunities (bullets with a deadline), the stories (a heading with an
introduction, then one heading per story) and a last heading with nothing under it.

What a copied page cannot carry is not invented: link targets and images are not in the
text, so resources come back with their labels only and stories without their pictures.

Pure: no Django, no database.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH_NAME = "|".join(MONTHS)
_MONTH_HEADING = re.compile(rf"^({_MONTH_NAME})\b", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*\d+\.\s+(.*)$")
_BULLET = re.compile(r"^\s*[•*]\s+(.*)$")
_FIND = re.compile(
    r"[:.\s]*\bFind this session['\u2019]s resources? here\s*[:\-\u2013]?\s*", re.IGNORECASE
)
_RANGE = re.compile(r"\bfrom\s+(\d{1,2}(?::\d{2}){1,2})\s*[-\u2013]\s*(\d{1,2}(?::\d{2}){1,2})")
_BRACKET = re.compile(r"^\[([^\]]+)\]\s*(?:[-\u2013]\s*)?(.*)$")
_DAY = re.compile(rf"^({_MONTH_NAME})\s+(\d{{1,2}})(?:st|nd|rd|th)?$", re.IGNORECASE)
_FULL_DATE = re.compile(rf"\b({_MONTH_NAME})\s+(\d{{1,2}}),\s*(\d{{4}})", re.IGNORECASE)
_DEADLINE = re.compile(
    rf"\bdeadline\b[^.]*?\b({_MONTH_NAME})\s+(\d{{1,2}}),\s*(\d{{4}})", re.IGNORECASE
)
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_ISSUE_NUMBER = re.compile(r"\bIssue\s+(\d+)\b", re.IGNORECASE)
_WELCOME_MONTH = re.compile(rf"\b({_MONTH_NAME})['\u2019]s issue\b", re.IGNORECASE)
_SLIDES_OF = re.compile(r"^(presentation slides)\s+of\s+(.+)$", re.IGNORECASE)
_PRESENTER = re.compile(r"^(.+?)(?:['\u2019]s)?\s+presentations?$", re.IGNORECASE)


class NewsletterTextError(ValueError):
    """The text is not a newsletter page this importer can read; the message says why."""


@dataclass(frozen=True, slots=True)
class ResourceText:
    kind: str  # "recording" or "slides"
    title: str
    presenter: str = ""
    start_seconds: int | None = None
    end_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class PastClinicText:
    month: dt.date
    title: str
    resources: tuple[ResourceText, ...]
    presenters: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UpcomingClinicText:
    month: dt.date
    title: str
    day: dt.date | None  # None: "date to be discussed"


@dataclass(frozen=True, slots=True)
class OpportunityText:
    title: str
    description: str
    deadline: dt.date


@dataclass(frozen=True, slots=True)
class StoryText:
    title: str
    body: str
    image_count: int


@dataclass
class NewsletterText:
    page_title: str
    title: str
    number: int
    previous_number: int | None
    issue_date: dt.date
    welcome_heading: str
    welcome: str
    headings: dict[str, str] = field(default_factory=dict)
    past: list[PastClinicText] = field(default_factory=list)
    upcoming: list[UpcomingClinicText] = field(default_factory=list)
    opportunities: list[OpportunityText] = field(default_factory=list)
    stories_intro: str = ""
    stories: list[StoryText] = field(default_factory=list)

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        """From the first past clinic's month to the end of the last one's."""
        first = min(c.month for c in self.past)
        last = max(c.month for c in self.past)
        return first, _month_end(last)


@dataclass
class _Section:
    heading: str
    lines: list[str] = field(default_factory=list)


def _month_end(month: dt.date) -> dt.date:
    following = month.replace(day=28) + dt.timedelta(days=4)
    return following.replace(day=1) - dt.timedelta(days=1)


def _month_number(name: str) -> int:
    return MONTHS.index(name.lower()) + 1


def _seconds(clock: str) -> int:
    total = 0
    for part in clock.split(":"):
        total = total * 60 + int(part)
    return total


def _sections(lines: list[str]) -> tuple[list[str], list[_Section]]:
    """The lines before the first heading, and each heading with the lines under it."""
    head: list[str] = []
    sections: list[_Section] = []
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        following = index + 1
        while following < len(lines) and not lines[following].strip():
            following += 1
        if line and following < len(lines) and lines[following].strip().lower() == "edit":
            sections.append(_Section(line))
            index = following + 1
            continue
        (sections[-1].lines if sections else head).append(lines[index])
        index += 1
    return head, sections


_NAVIGATION = re.compile(r"^<\s*Go back to Issue\s+\d+|^Go to Issue\s+\d+\s*>", re.IGNORECASE)


def _paragraphs(lines: list[str]) -> list[str]:
    """Blocks of text, one per non-empty line; lines holding only spaces were images, and
    the links to other issues are navigation, not text."""
    return [
        line.strip()
        for line in lines
        if line.strip() and line.strip() != "edit" and not _NAVIGATION.match(line.strip())
    ]


def _resources(text: str) -> tuple[tuple[ResourceText, ...], tuple[str, ...]]:
    text = text.strip().rstrip(".").strip()
    first, _, rest = text.partition(" and ")
    resources: list[ResourceText] = []
    presenters: list[str] = []
    if "recording" in first.lower():
        span = _RANGE.search(first)
        title = _RANGE.sub("", first).strip()
        resources.append(
            ResourceText(
                kind="recording",
                title=title,
                start_seconds=_seconds(span[1]) if span else None,
                end_seconds=_seconds(span[2]) if span else None,
            )
        )
    else:
        rest = text
    rest = rest.strip()
    if not rest:
        return tuple(resources), ()
    slides_of = _SLIDES_OF.match(rest)
    if slides_of:
        names = [n.strip() for n in re.split(r",\s*|\s+and\s+|\s*&\s*", slides_of[2]) if n]
        presenters.extend(names)
        resources.append(
            ResourceText(kind="slides", title=slides_of[1], presenter=", ".join(names))
        )
        return tuple(resources), tuple(presenters)
    for piece in re.split(r",\s*|\s*&\s*", rest):
        piece = piece.strip()
        if not piece:
            continue
        presenter = ""
        named = _PRESENTER.match(piece)
        if named and named[1].lower() != "presentation":
            presenter = named[1].strip()
            presenters.append(presenter)
        resources.append(ResourceText(kind="slides", title=piece, presenter=presenter))
    return tuple(resources), tuple(presenters)


def _past(month: dt.date, lines: list[str]) -> list[PastClinicText]:
    clinics = []
    for line in lines:
        numbered = _NUMBERED.match(line)
        if not numbered:
            continue
        text = numbered[1].strip()
        parts = _FIND.split(text, maxsplit=1)
        title = parts[0].strip().rstrip(":.").strip()
        resources, presenters = _resources(parts[1]) if len(parts) > 1 else ((), ())
        clinics.append(PastClinicText(month, title, resources, presenters))
    return clinics


def _upcoming(month: dt.date, lines: list[str]) -> list[UpcomingClinicText]:
    clinics = []
    for line in _paragraphs(lines):
        bracket = _BRACKET.match(line)
        if not bracket:
            clinics.append(UpcomingClinicText(month, line, None))
            continue
        when, title = bracket[1].strip(), bracket[2].strip()
        day_match = _DAY.match(when)
        day = None
        if day_match:
            day = dt.date(month.year, _month_number(day_match[1]), int(day_match[2]))
        clinics.append(UpcomingClinicText(month, title, day))
    return clinics


def _opportunities(lines: list[str]) -> list[OpportunityText]:
    found = []
    for line in lines:
        bullet = _BULLET.match(line)
        if not bullet:
            continue
        text = bullet[1].strip()
        deadline = _DEADLINE.search(text) or list(_FULL_DATE.finditer(text))[-1:]
        if isinstance(deadline, list):
            if not deadline:
                raise NewsletterTextError(f"an opportunity without a deadline: {text[:80]}")
            deadline = deadline[0]
        day = dt.date(int(deadline[3]), _month_number(deadline[1]), int(deadline[2]))
        title = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
        if len(title) > 120:
            title = title[:117].rstrip() + "…"
        found.append(OpportunityText(title=title.rstrip("."), description=text, deadline=day))
    return found


def _story(section: _Section) -> StoryText:
    body = "\n\n".join(_paragraphs(section.lines))
    images = sum(1 for line in section.lines if line and not line.strip())
    return StoryText(title=section.heading, body=body, image_count=images)


def parse_newsletter(text: str) -> NewsletterText:
    """Reads a rendered newsletter page; raises :class:`NewsletterTextError` when it cannot."""
    lines = text.splitlines()
    head, sections = _sections(lines)
    head_lines = _paragraphs(head)
    if len(head_lines) < 2 or not sections:
        raise NewsletterTextError(
            "This is not a rendered newsletter page: expected a title, then headings each "
            "followed by the wiki's “edit” link."
        )
    page_title, title = head_lines[0], head_lines[1]
    number = _ISSUE_NUMBER.search(title)
    if number is None:
        raise NewsletterTextError(f"The title “{title}” names no issue number (“Issue 21”).")
    previous = None
    for line in head:
        back = _ISSUE_NUMBER.search(line)
        if back and _NAVIGATION.match(line.strip()) and "back" in line.lower():
            previous = int(back[1])

    # Runs of month headings, and the heading just before each run.
    runs: list[tuple[int, int]] = []
    index = 0
    while index < len(sections):
        if _MONTH_HEADING.match(sections[index].heading):
            start = index
            while index < len(sections) and _MONTH_HEADING.match(sections[index].heading):
                index += 1
            runs.append((start, index))
        else:
            index += 1
    if len(runs) != 2 or runs[0][0] < 2:
        raise NewsletterTextError(
            "Expected a welcome, then the past months' sessions and the coming months' "
            "sessions, each under month headings (“September Learning Clinics”)."
        )
    welcome_section = sections[0]
    (past_start, past_end), (coming_start, coming_end) = runs
    past_heading = sections[past_start - 1].heading
    coming_heading = sections[coming_start - 1].heading
    rest = sections[coming_end:]
    if len(rest) < 2:
        raise NewsletterTextError("Expected the opportunities and the stories after the sessions.")

    coming_year_match = _YEAR.search(coming_heading)
    coming_months = [
        _month_number(_MONTH_HEADING.match(s.heading)[1])  # type: ignore[index]
        for s in sections[coming_start:coming_end]
    ]
    past_months = [
        _month_number(_MONTH_HEADING.match(s.heading)[1])  # type: ignore[index]
        for s in sections[past_start:past_end]
    ]
    welcome_text = "\n\n".join(_paragraphs(welcome_section.lines))
    year_match = _YEAR.search(welcome_text)
    if coming_year_match:
        coming_year = int(coming_year_match[0])
        past_year = coming_year - 1 if past_months[-1] >= coming_months[0] else coming_year
    elif year_match:
        past_year = int(year_match[0])
        coming_year = past_year + 1 if past_months[-1] >= coming_months[0] else past_year
    else:
        raise NewsletterTextError("The page names no year for its sessions.")

    result = NewsletterText(
        page_title=page_title,
        title=title,
        number=int(number[1]),
        previous_number=previous,
        issue_date=dt.date(past_year, past_months[-1], 1),
        welcome_heading=welcome_section.heading,
        welcome=welcome_text,
    )
    welcome_month = _WELCOME_MONTH.search(welcome_text)
    if welcome_month:
        month = _month_number(welcome_month[1])
        year = past_year if month >= past_months[-1] else past_year + 1
        result.issue_date = dt.date(year, month, 1)
    else:
        result.issue_date = _month_end(result.issue_date) + dt.timedelta(days=1)

    def year_of(months: list[int], first_year: int, i: int) -> int:
        # Months run forward: a month smaller than the one before starts the next year.
        return first_year + sum(1 for a, b in itertools.pairwise(months[: i + 1]) if b < a)

    for i, section in enumerate(sections[past_start:past_end]):
        first = dt.date(year_of(past_months, past_year, i), past_months[i], 1)
        result.past.extend(_past(first, section.lines))
    for i, section in enumerate(sections[coming_start:coming_end]):
        first = dt.date(year_of(coming_months, coming_year, i), coming_months[i], 1)
        result.upcoming.extend(_upcoming(first, section.lines))

    opportunities, stories_section, *story_sections = rest
    result.opportunities = _opportunities(opportunities.lines)
    result.stories_intro = "\n\n".join(_paragraphs(stories_section.lines))
    closing = ""
    if story_sections and not _paragraphs(story_sections[-1].lines):
        closing = story_sections.pop().heading
    result.stories = [_story(s) for s in story_sections]
    result.headings = {
        "past": past_heading,
        "upcoming": coming_heading,
        "opportunities": opportunities.heading,
        "stories": stories_section.heading,
    }
    if closing:
        result.headings["closing"] = closing
    if not result.past:
        raise NewsletterTextError("No past session was found under the month headings.")
    return result
