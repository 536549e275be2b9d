"""A newsletter issue as plain data, in one language, ready for every renderer.

Built by ``queries.issue_document`` from the issue's rows; read by ``renderers`` (text,
HTML, wikitext) and the templates. Hidden items are left out here, so no output can show them.

Pure: no Django, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Where a translated text stands against its source (the digests' words).
ORIGINAL = "original"
UNTRANSLATED = "untranslated"
OUTDATED = "outdated"
CURRENT = "current"


@dataclass(frozen=True, slots=True)
class ResourceEntry:
    kind: str  # "recording", "slides", "tool", "page", "document"
    title: str
    url: str
    start_seconds: int | None = None
    end_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class SessionEntry:
    title: str
    url: str
    kind: str
    day: dt.date | None
    starts_at: dt.datetime | None
    time_zone: str
    date_precision: str
    month: dt.date | None
    program_name: str = ""
    resources: tuple[ResourceEntry, ...] = ()
    presenters: tuple[str, ...] = ()
    note: str = ""
    note_state: str = ORIGINAL


@dataclass(frozen=True, slots=True)
class MonthGroup:
    month: dt.date | None  # None: sessions with no month in view ("date to be discussed")
    kind: str  # the kind all its sessions share, else ""
    entries: tuple[SessionEntry, ...]


@dataclass(frozen=True, slots=True)
class OpportunityEntry:
    title: str
    description: str
    url: str
    deadline_at: dt.datetime
    deadline_date: dt.date
    deadline_time: dt.time | None
    time_zone: str
    audience: str = ""
    languages: tuple[str, ...] = ()
    note: str = ""
    note_state: str = ORIGINAL


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    alt: str


@dataclass(frozen=True, slots=True)
class StoryEntry:
    title: str
    body: str
    images: tuple[Image, ...] = ()
    state: str = ORIGINAL


@dataclass(frozen=True, slots=True)
class IssueLink:
    number: int
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class VersionLink:
    language: str
    url: str


@dataclass(frozen=True)
class IssueData:
    program_name: str
    number: int
    language: str
    title: str
    url: str
    issue_date: dt.date
    period_start: dt.date
    period_end: dt.date
    welcome_heading: str
    welcome: str
    headings: dict[str, str]
    stories_intro: str
    text_state: str
    past: tuple[MonthGroup, ...]
    upcoming: tuple[MonthGroup, ...]
    opportunities: tuple[OpportunityEntry, ...]
    stories: tuple[StoryEntry, ...]
    previous: IssueLink | None = None
    next: IssueLink | None = None
    versions: tuple[VersionLink, ...] = field(default=())
    published_at: dt.datetime | None = None
