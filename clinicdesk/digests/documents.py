"""A digest as plain data: what the renderers read and the importers produce.

Built from the database by ``queries.digest_document`` (which reads every person's consent as
it stands) and rendered by ``renderers``; no ORM object ever reaches a renderer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clinicdesk.digests.attribution import Speaker

# Item kinds, as stored (see models.Item.Kind).
STATEMENT = "statement"
QUESTION = "question"
NOTE = "note"
FOLLOW_UP = "follow_up"
RESOURCE = "resource"
ITEM_KINDS = (STATEMENT, QUESTION, NOTE, FOLLOW_UP, RESOURCE)

# Topic kinds.
INTRODUCTION = "introduction"
SEGMENT = "segment"
PARTICIPANTS = "participants"

# Translation states.
ORIGINAL = "original"
UNTRANSLATED = "untranslated"
OUTDATED = "outdated"
CURRENT = "current"


@dataclass(frozen=True, slots=True)
class FollowUpData:
    owner: Speaker
    description: str
    status: str  # open, done, dropped
    requester: Speaker | None = None
    due_date: dt.date | None = None
    resolution: str = ""


@dataclass(frozen=True, slots=True)
class ResourceData:
    kind: str  # recording, slides, tool, page, document
    url: str
    title: str
    language: str = ""
    start_seconds: int | None = None
    end_seconds: int | None = None
    segment_title: str = ""  # for a resource on a scheduled segment


@dataclass(frozen=True, slots=True)
class ItemData:
    kind: str
    text: str = ""  # the Markdown subset, inline
    speaker: Speaker | None = None
    children: tuple[ItemData, ...] = ()
    follow_up: FollowUpData | None = None
    resource: ResourceData | None = None
    state: str = ORIGINAL
    # The language the text is written in when it is not the digest's (an untranslated copy).
    text_language: str = ""


@dataclass(frozen=True, slots=True)
class TopicData:
    title: str
    kind: str = PARTICIPANTS
    body: str = ""  # the Markdown subset, with blocks
    items: tuple[ItemData, ...] = ()
    state: str = ORIGINAL


@dataclass(frozen=True, slots=True)
class VersionLink:
    """Another language version of the same digest."""

    language: str
    url: str
    wiki_title: str = ""  # "Wikimedia Clinics/006/es"; empty without a wiki page prefix


@dataclass(frozen=True, slots=True)
class DigestData:
    language: str
    session_title: str  # "Wikimedia Clinic #006"
    session_date: dt.date | None = None
    session_month: dt.date | None = None  # the first of its month, when only that is known
    spoken_languages: tuple[str, ...] = ()
    wiki_title: str = ""  # this version's page, "Wikimedia Clinics/006/en"
    url: str = ""
    lead: str = ""
    staff_count: int | None = None
    volunteer_count: int | None = None
    staff_organization: str = ""
    topics: tuple[TopicData, ...] = ()
    resources: tuple[ResourceData, ...] = ()  # on the session or its segments
    other_versions: tuple[VersionLink, ...] = ()
    source_language: str = ""  # of the version this one translates, if any

    @property
    def title(self) -> str:
        return self.wiki_title or self.session_title


def walk_items(items: tuple[ItemData, ...]) -> list[ItemData]:
    """Every item, depth first, in reading order."""
    found: list[ItemData] = []
    stack = list(reversed(items))
    while stack:
        item = stack.pop()
        found.append(item)
        stack.extend(reversed(item.children))
    return found
