"""Reads that pages, the API, the services and the renderers share. Each loads what it needs in
a fixed number of queries, whatever the number of topics, items or versions.

``digest_document`` turns a digest into the plain data the renderers read; it reads every
speaker's consent as it stands now, so a withdrawal changes every output at once.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

from clinicdesk.digests import documents as d
from clinicdesk.digests.attribution import STAFF, VOLUNTEER, Speaker
from clinicdesk.digests.models import Digest, FollowUp, FollowUpReminder, Item, Resource, Topic
from clinicdesk.lib.languages import language_name
from clinicdesk.scheduling.models import ClinicSession, Person, Program
from clinicdesk.scheduling.queries import content_version

# PostgreSQL's text search configurations for the languages it stems; the rest use "simple".
SEARCH_CONFIGS = {
    "ar": "arabic",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "id": "indonesian",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}


def search_config(language: str) -> str:
    return SEARCH_CONFIGS.get(language.split("-")[0].lower(), "simple")


def language_label(code: str) -> str:
    """A language's name in the reader's language."""
    return language_name(code, get_language() or "en")


# --- Headcount ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Headcount:
    staff: int | None
    volunteers: int | None


def session_headcount(session: ClinicSession) -> Headcount | None:
    """The headcount recorded with the session's attendance, when there is one.

    The one seam with attendance, which registration records (check-ins, or a count by hand);
    without one, each digest keeps the headcount its editor typed or imported.
    """
    try:
        from clinicdesk.registration.queries import headcounts_for
    except ImportError:  # registration keeps no attendance on this installation
        return None
    found = headcounts_for([session]).get(session.pk)
    if found is None or not found.total:
        return None
    return Headcount(found.staff, found.volunteers)


def headcount(digest: Digest) -> Headcount:
    """What the digest's header says: its own figures, else the session's attendance."""
    if digest.staff_count is not None or digest.volunteer_count is not None:
        return Headcount(digest.staff_count, digest.volunteer_count)
    return session_headcount(digest.session) or Headcount(None, None)


# --- Speakers -----------------------------------------------------------------------------------


def speaker_of(person: Person, *, level: str = "") -> Speaker:
    """The person as a speaker, with their consent as it stands now."""
    return Speaker(
        is_person=True,
        name=person.name,
        role=STAFF if person.role == Person.Role.STAFF else VOLUNTEER,
        organization=person.organization,
        affiliation=person.affiliation,
        consent=person.attribution_consent,
        level=level,
    )


def _item_speaker(item: Item) -> Speaker | None:
    if item.speaker is not None:
        return speaker_of(item.speaker, level=item.speaker_level)
    if item.speaker_label:
        return Speaker.free(item.speaker_label)
    return None


def requester_of(follow_up: FollowUp) -> Speaker | None:
    if follow_up.requester is not None:
        return speaker_of(follow_up.requester, level=follow_up.requester_level)
    if follow_up.requester_label:
        return Speaker.free(follow_up.requester_label)
    return None


# --- Addresses ----------------------------------------------------------------------------------


_SLUG, _NUMBER, _LANGUAGE = "zzslugzz", 987654321, "zzlanguagezz"


@functools.lru_cache(maxsize=64)
def _path_pattern(name: str, language: str, prefix: str) -> str:
    return reverse(name, kwargs={"slug": _SLUG, "number": _NUMBER, "language": _LANGUAGE})


def version_path(name: str, slug: str, number: int, language: str) -> str:
    """``reverse(name, ...)`` for a digest version, reversed once per interface language:
    lists and search results name many versions."""
    pattern = _path_pattern(name, get_language() or "", get_script_prefix())
    # The slug goes in last: whatever it holds, no placeholder is looked for after it.
    return (
        pattern.replace(str(_NUMBER), str(number), 1)
        .replace(_LANGUAGE, language, 1)
        .replace(_SLUG, slug, 1)
    )


def digest_path(slug: str, number: int, language: str) -> str:
    return version_path("digests:digest", slug, number, language)


def wiki_title(program: Program, number: int, language: str) -> str:
    """ "Wikimedia Clinics/006/en"; empty when the program has no wiki page prefix."""
    prefix = program.wiki_page_prefix.strip()
    return f"{prefix}/{number:03d}/{language}" if prefix else ""


# --- Translation states -------------------------------------------------------------------------


def unit_state(unit: Topic | Item) -> str:
    if unit.source_id is None:
        return d.ORIGINAL
    if unit.source_revision is None:
        return d.UNTRANSLATED
    source = unit.source
    if source is not None and source.revision > unit.source_revision:
        return d.OUTDATED
    return d.CURRENT


def lead_state(digest: Digest) -> str:
    if digest.source_id is None:
        return d.ORIGINAL
    if digest.lead_source_revision is None:
        return d.UNTRANSLATED
    source = digest.source
    if source is not None and source.lead_revision > digest.lead_source_revision:
        return d.OUTDATED
    return d.CURRENT


# --- A digest as plain data ---------------------------------------------------------------------

_ITEM_RELATED = (
    "speaker",
    "source",
    "follow_up__owner",
    "follow_up__requester",
    "resource__segment",
)


def _with_document_data(digests: QuerySet[Digest]) -> QuerySet[Digest]:
    return digests.select_related("session__program", "source").prefetch_related(
        Prefetch(
            "topics",
            queryset=Topic.objects.select_related("source").order_by("position", "pk"),
        ),
        Prefetch(
            "topics__items",
            queryset=Item.objects.select_related(*_ITEM_RELATED).order_by("position", "pk"),
        ),
        Prefetch(
            "session__digests",
            queryset=Digest.objects.only("pk", "language", "status", "session_id"),
            to_attr="digest_versions",
        ),
        Prefetch(
            "session__resources",
            queryset=Resource.objects.filter(topic__isnull=True).select_related("segment"),
            to_attr="session_resources",
        ),
    )


def _resource_data(resource: Resource) -> d.ResourceData:
    return d.ResourceData(
        kind=resource.kind,
        url=resource.url,
        title=resource.title,
        language=resource.language,
        start_seconds=resource.start_seconds,
        end_seconds=resource.end_seconds,
        segment_title=resource.segment.title if resource.segment_id and resource.segment else "",
    )


def _follow_up_data(follow_up: FollowUp) -> d.FollowUpData:
    return d.FollowUpData(
        owner=speaker_of(follow_up.owner),
        description=follow_up.description,
        status=follow_up.status,
        requester=requester_of(follow_up),
        due_date=follow_up.due_date,
        resolution=follow_up.resolution,
    )


def _items(items: list[Item], source_language: str) -> tuple[d.ItemData, ...]:
    children: dict[int | None, list[Item]] = defaultdict(list)
    for item in items:
        children[item.parent_id].append(item)

    def build(parent_id: int | None) -> tuple[d.ItemData, ...]:
        built = []
        for item in children.get(parent_id, []):
            state = unit_state(item)
            built.append(
                d.ItemData(
                    kind=item.kind,
                    text=item.text,
                    speaker=_item_speaker(item),
                    children=build(item.pk),
                    follow_up=_follow_up_data(item.follow_up) if item.follow_up else None,
                    resource=_resource_data(item.resource) if item.resource else None,
                    state=state,
                    text_language=source_language if state == d.UNTRANSLATED else "",
                )
            )
        return tuple(built)

    return build(None)


def _document(digest: Digest, *, public: bool, absolute: bool) -> d.DigestData:
    session = digest.session
    program = session.program
    source_language = digest.source.language if digest.source_id and digest.source else ""
    base = settings.SITE_URL if absolute else ""
    others = sorted(
        (
            version
            for version in getattr(session, "digest_versions", [])
            if version.pk != digest.pk and (not public or version.status == Digest.Status.PUBLISHED)
        ),
        key=lambda version: version.language,
    )
    topics = tuple(
        d.TopicData(
            title=topic.title,
            kind=topic.kind,
            body=topic.body,
            items=_items(list(topic.items.all()), source_language),
            state=unit_state(topic),
        )
        for topic in digest.topics.all()
    )
    counted = (
        Headcount(digest.staff_count, digest.volunteer_count)
        if digest.staff_count is not None or digest.volunteer_count is not None
        else headcount(digest)
    )
    return d.DigestData(
        language=digest.language,
        session_title=session.display_title,
        session_date=session.start_date,
        session_month=(
            session.start_month
            if session.date_precision == ClinicSession.DatePrecision.MONTH
            else None
        ),
        spoken_languages=tuple(session.spoken_languages),
        wiki_title=wiki_title(program, session.number, digest.language),
        url=base + digest_path(program.slug, session.number, digest.language),
        lead=digest.lead,
        staff_count=counted.staff,
        volunteer_count=counted.volunteers,
        staff_organization=digest.staff_organization,
        topics=topics,
        resources=tuple(
            _resource_data(resource) for resource in getattr(session, "session_resources", [])
        ),
        other_versions=tuple(
            d.VersionLink(
                version.language,
                base + digest_path(program.slug, session.number, version.language),
                wiki_title(program, session.number, version.language),
            )
            for version in others
        ),
        source_language=source_language,
    )


def digest_document(digest: Digest, *, public: bool = True, absolute: bool = False) -> d.DigestData:
    """The digest as plain data for the renderers (six queries).

    ``public`` links only the published versions; ``absolute`` writes full addresses (for
    wikitext, Markdown and e-mail).
    """
    loaded = _with_document_data(Digest.objects.filter(pk=digest.pk)).get()
    return _document(loaded, public=public, absolute=absolute)


def digest_documents(
    digests: QuerySet[Digest], *, public: bool = True, absolute: bool = False
) -> list[d.DigestData]:
    """Many digests as plain data, in the same six queries whatever their number."""
    return [
        _document(digest, public=public, absolute=absolute)
        for digest in _with_document_data(digests)
    ]


# --- Public pages -------------------------------------------------------------------------------


def get_published_digest(slug: str, number: int, language: str) -> Digest:
    return get_object_or_404(
        Digest.objects.select_related("session__program"),
        session__program__slug=slug,
        session__number=number,
        language=language,
        status=Digest.Status.PUBLISHED,
    )


@dataclass(frozen=True, slots=True)
class VersionRow:
    language: str
    url: str
    is_published: bool = True


def published_versions(session: ClinicSession) -> list[VersionRow]:
    """The session's published digest versions, by language (one query)."""
    slug = session.program.slug
    languages = (
        Digest.objects.filter(session=session, status=Digest.Status.PUBLISHED)
        .order_by("language")
        .values_list("language", flat=True)
    )
    return [VersionRow(code, digest_path(slug, session.number, code)) for code in languages]


def digest_links_by_session(program: Program) -> dict[int, list[VersionRow]]:
    """Every published digest version of the program, by session id (one query): the
    archive table links each of them."""
    rows = (
        Digest.objects.filter(session__program=program, status=Digest.Status.PUBLISHED)
        .order_by("session__number", "language")
        .values_list("session_id", "session__number", "language")
    )
    links: dict[int, list[VersionRow]] = defaultdict(list)
    for session_id, number, language in rows:
        links[session_id].append(VersionRow(language, digest_path(program.slug, number, language)))
    return dict(links)


# A reader's cached digest page names people as they agreed when it was built; a change of
# consent anywhere moves this stamp, so no page outlives a withdrawal by more than this.
PEOPLE_STAMP_TTL_SECONDS = 2
_PEOPLE_STAMP_KEY = "digests:people-stamp"


def people_stamp() -> int:
    """A number that moves whenever a person (and so their consent) changes."""
    stamp: int | None = cache.get(_PEOPLE_STAMP_KEY)
    if stamp is None:
        latest = Person.objects.aggregate(latest=Max("updated_at"))["latest"]
        stamp = int(latest.timestamp() * 1_000_000) if latest else 0
        cache.set(_PEOPLE_STAMP_KEY, stamp, PEOPLE_STAMP_TTL_SECONDS)
    return stamp


def forget_people_stamp() -> None:
    cache.delete(_PEOPLE_STAMP_KEY)


def digest_page_version(slug: str) -> int | None:
    """The cache version of a program's digest pages: its content version and the people."""
    version = content_version(slug)
    if version is None:
        return None
    return hash((version, people_stamp()))


# --- Organizer pages ----------------------------------------------------------------------------


def versions_of(session: ClinicSession) -> list[Digest]:
    return list(
        Digest.objects.filter(session=session).select_related("source").order_by("language")
    )


def get_version(session: ClinicSession, language: str) -> Digest:
    return get_object_or_404(
        Digest.objects.select_related("session__program", "source"),
        session=session,
        language=language,
    )


def editor_topics(digest: Digest) -> list[Topic]:
    """The digest's topics with their items (and each unit's source) in two queries."""
    return list(
        digest.topics.select_related("source", "segment")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=Item.objects.select_related(*_ITEM_RELATED).order_by("position", "pk"),
            )
        )
        .order_by("position", "pk")
    )


@dataclass
class EditorItem:
    item: Item
    depth: int
    state: str
    speaker: Speaker | None
    is_first: bool
    is_last: bool


def editor_rows(topic: Topic) -> list[EditorItem]:
    """A topic's items, depth first, for the editor's list (no query: prefetched)."""
    items = list(topic.items.all())
    children: dict[int | None, list[Item]] = defaultdict(list)
    for item in items:
        children[item.parent_id].append(item)
    rows: list[EditorItem] = []

    def visit(parent_id: int | None, depth: int) -> None:
        siblings = children.get(parent_id, [])
        for index, item in enumerate(siblings):
            rows.append(
                EditorItem(
                    item,
                    depth,
                    unit_state(item),
                    _item_speaker(item),
                    index == 0,
                    index == len(siblings) - 1,
                )
            )
            visit(item.pk, depth + 1)

    visit(None, 0)
    return rows


def translation_summary(digest: Digest) -> dict[str, int]:
    """How many of a translation's texts are untranslated or outdated (two queries)."""
    counts = {d.UNTRANSLATED: 0, d.OUTDATED: 0}
    if digest.source_id is None:
        return counts
    units: list[Topic | Item] = [
        *Topic.objects.filter(digest=digest).select_related("source"),
        *Item.objects.filter(topic__digest=digest).select_related("source"),
    ]
    for unit in units:
        state = unit_state(unit)
        if state in counts:
            counts[state] += 1
    state = lead_state(digest)
    if state in counts and digest.lead:
        counts[state] += 1
    return counts


@dataclass
class OwnerFollowUps:
    owner: Person
    follow_ups: list[FollowUp]
    overdue: int


def follow_ups(
    programs: Iterable[Program] | QuerySet[Program],
    *,
    status: str | None = FollowUp.Status.OPEN,
    today: dt.date,
) -> list[OwnerFollowUps]:
    """Follow-ups of these programs grouped by owner, the most overdue first, each with its
    latest reminder e-mail as ``latest_reminder`` (two queries)."""
    found = FollowUp.objects.filter(session__program__in=programs).select_related(
        "owner", "requester", "session__program"
    )
    if status:
        found = found.filter(status=status)
    by_owner: dict[int, OwnerFollowUps] = {}
    listed = list(found.order_by("owner__name", "due_date", "pk"))
    latest = latest_reminders([follow_up.pk for follow_up in listed])
    for follow_up in listed:
        follow_up.latest_reminder = latest.get(follow_up.pk)  # type: ignore[attr-defined]
        group = by_owner.setdefault(follow_up.owner_id, OwnerFollowUps(follow_up.owner, [], 0))
        group.follow_ups.append(follow_up)
        if is_overdue(follow_up, today):
            group.overdue += 1
    return sorted(by_owner.values(), key=lambda group: (-group.overdue, group.owner.name))


def latest_reminders(follow_up_ids: list[int]) -> dict[int, FollowUpReminder]:
    """The latest reminder e-mail naming each of these follow-ups (one query)."""
    links = (
        FollowUpReminder.follow_ups.through.objects.filter(followup_id__in=follow_up_ids)
        .select_related("followupreminder")
        .order_by("followupreminder__created_at", "followupreminder_id")
    )
    return {link.followup_id: link.followupreminder for link in links}


def is_overdue(follow_up: FollowUp, today: dt.date) -> bool:
    return (
        follow_up.status == FollowUp.Status.OPEN
        and follow_up.due_date is not None
        and follow_up.due_date < today
    )


def overdue_by_owner(today: dt.date, *, remind_before: dt.datetime) -> dict[Person, list[FollowUp]]:
    """Open follow-ups past their due date whose owner has a reminder address and was not
    reminded of them since ``remind_before`` (one query)."""
    found = (
        FollowUp.objects.filter(
            status=FollowUp.Status.OPEN,
            due_date__lt=today,
            owner__follow_up_contact__isnull=False,
        )
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=remind_before))
        .select_related("owner", "session__program", "requester")
        .order_by("owner__name", "due_date", "pk")
    )
    grouped: dict[Person, list[FollowUp]] = defaultdict(list)
    for follow_up in found:
        grouped[follow_up.owner].append(follow_up)
    return dict(grouped)


def staff_people() -> QuerySet[Person]:
    return Person.objects.filter(role=Person.Role.STAFF).order_by("name")


def session_resources(session: ClinicSession) -> list[Resource]:
    return list(
        Resource.objects.filter(session=session, topic__isnull=True)
        .select_related("segment")
        .order_by("segment__start_offset_minutes", "pk")
    )


def digests_of_program(program: Program) -> list[Digest]:
    return list(
        Digest.objects.filter(session__program=program)
        .select_related("session")
        .order_by("-session__number", "language")
    )


def known_people() -> QuerySet[Person]:
    return Person.objects.order_by("name")
