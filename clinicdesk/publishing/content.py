"""What a wiki page holds, built from the record: loads through the scheduling and digests
queries, then hands plain data to the pure builders (``programpage``, the digests' wikitext
renderer) and returns the marked parts to publish. Pages of other apps come from their
registered source (``sources.py``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from clinicdesk.digests import queries as digest_queries
from clinicdesk.digests.documents import DigestData
from clinicdesk.digests.models import Digest
from clinicdesk.digests.renderers.wikitext import page_title, render_wikitext
from clinicdesk.publishing import programpage, sources
from clinicdesk.publishing.markers import Part
from clinicdesk.publishing.models import WikiPage, WikiTarget
from clinicdesk.scheduling import queries as scheduling_queries
from clinicdesk.scheduling.models import ClinicSession, Person, Program

DIGEST_PART = "digest"
TITLE_FIELDS = ("prefix", "program", "number", "language")


# --- Titles (pure) --------------------------------------------------------------------------


def check_title_pattern(pattern: str) -> None:
    """Raises ValueError when ``pattern`` uses anything but the known fields."""
    pattern.format(prefix="P", program="P", number="001", language="en")


def digest_title(pattern: str, *, prefix: str, program: str, number: int, language: str) -> str:
    """A digest version's page, e.g. "Wikimedia Clinics/006/en"; empty without a pattern."""
    if not pattern.strip():
        return ""
    title = pattern.format(
        prefix=prefix, program=program, number=f"{number:03d}", language=language
    )
    return page_title(title)


def title_prefix(program: Program) -> str:
    return program.wiki_page_prefix.strip() or program.name


def digest_title_for(target: WikiTarget, number: int, language: str) -> str:
    program = target.program
    return digest_title(
        target.digest_title_pattern,
        prefix=title_prefix(program),
        program=program.name,
        number=number,
        language=language,
    )


# --- Addresses on clinicdesk ------------------------------------------------------------------


def absolute(path: str) -> str:
    return settings.SITE_URL + path


# --- Whether the record changed ----------------------------------------------------------------


def source_stamp(target: WikiTarget) -> str:
    """A value that moves whenever what the target's pages show may have changed: the
    program's content version (every session and digest change moves it), the people (their
    attribution consent) and the target's own settings."""
    version = (
        Program.objects.filter(pk=target.program_id)
        .values_list("content_version", flat=True)
        .first()
    )
    latest = Person.objects.aggregate(latest=Max("updated_at"))["latest"]
    people = int(latest.timestamp()) if latest else 0
    return f"{version}.{people}.{int(target.updated_at.timestamp() * 1000)}"


def page_stamp(target: WikiTarget, page: WikiPage, known: dict[str, str] | None = None) -> str:
    """The stamp ``page`` is compared against: :func:`source_stamp` for the program and digest
    pages, its source's own stamp (with the target's settings) for another app's page.
    ``known`` keeps the stamps already computed for this target, by kind."""
    known = {} if known is None else known
    group = page.source_kind if page.kind == WikiPage.Kind.SOURCE else ""
    if group not in known:
        if group:
            source = sources.get(group)
            own = source.stamp(target) if source is not None else "gone"
            known[group] = f"{own}.{int(target.updated_at.timestamp() * 1000)}"[:100]
        else:
            known[group] = source_stamp(target)
    return known[group]


# --- The program page ---------------------------------------------------------------------------


def _upcoming_call(session: ClinicSession) -> programpage.UpcomingCall:
    return programpage.UpcomingCall(
        number=session.number,
        title=session.display_title,
        page_url=absolute(session.get_absolute_url()),
        starts_at=session.starts_at,
        date=session.start_date,
        date_precision=session.date_precision,
        month=session.start_month,
        meeting_url=session.meeting_url,
        topics=tuple(
            programpage.ScheduledTopic(segment.title, segment.presenter)
            for segment in session.segments.all()
        ),
        cancelled=session.is_cancelled,
    )


def program_parts(target: WikiTarget, *, now: dt.datetime | None = None) -> tuple[Part, ...]:
    """ "Upcoming calls" and the archive table of the target's program, in the wiki's language.

    A cancelled call stays in the upcoming list, marked, and leaves the archive; each past
    call's digest versions link to their pages on this wiki (or on clinicdesk when the target
    publishes no digests).
    """
    program = target.program
    schedule = scheduling_queries.split_schedule(
        scheduling_queries.sessions_of(program, with_hosts=False), now or timezone.now()
    )
    upcoming = [_upcoming_call(s) for s in schedule.upcoming]
    published = digest_queries.digest_links_by_session(program)
    rows = []
    for session in schedule.past:
        if session.is_cancelled:
            continue
        topics = scheduling_queries.archive_topics(session)
        links = [
            programpage.DigestLink(
                language=row.language,
                title=digest_title_for(target, session.number, row.language),
                url=absolute(row.url),
            )
            for row in _in_language_order(published.get(session.pk, []), list(topics))
        ]
        rows.append(
            programpage.ArchiveRow(
                number=session.number,
                date=session.start_date,
                topics=tuple((code, tuple(names)) for code, names in topics.items()),
                languages=tuple(scheduling_queries.archive_languages(session)),
                digests=tuple(links),
                date_precision=session.date_precision,
                month=session.start_month,
            )
        )
    return programpage.program_parts(upcoming, rows, language=target.language)


def _in_language_order(
    rows: list[digest_queries.VersionRow], order: list[str]
) -> list[digest_queries.VersionRow]:
    rank = {code: i for i, code in enumerate(order)}
    return sorted(rows, key=lambda row: (rank.get(row.language, len(rank)), row.language))


# --- Digest pages -------------------------------------------------------------------------------


def digest_wikitext(target: WikiTarget, digest: Digest) -> str:
    """The digest version's page: the digests app's wikitext, with the language links
    pointing at this wiki's pages."""
    doc = digest_queries.digest_document(digest, public=True, absolute=True)
    return _digest_text(target, doc, digest.session.number)


def _digest_text(target: WikiTarget, doc: DigestData, number: int) -> str:
    doc = replace(
        doc,
        wiki_title=digest_title_for(target, number, doc.language),
        other_versions=tuple(
            replace(version, wiki_title=digest_title_for(target, number, version.language))
            for version in doc.other_versions
        ),
    )
    return render_wikitext(doc)


@dataclass(frozen=True, slots=True)
class PageContent:
    title: str
    parts: tuple[Part, ...]
    # The digest is no longer published (or gone), or the target no longer keeps this kind of
    # page: the page on the wiki is left alone.
    withdrawn: bool = False


def source_pages(target: WikiTarget, kind: str) -> dict[str, sources.PageSpec]:
    """The pages the source ``kind`` says ``target`` should hold, by key (none when the
    source is gone), their titles cleaned of what a wiki title may not hold."""
    source = sources.get(kind)
    if source is None:
        return {}
    return {spec.key: replace(spec, title=page_title(spec.title)) for spec in source.pages(target)}


def _source_contents(target: WikiTarget, pages: list[WikiPage]) -> dict[int, PageContent]:
    """What each of ``pages`` (all of one target, of source kinds) should hold: one
    ``pages()`` and one ``page_parts()`` call per source kind."""
    found: dict[int, PageContent] = {}
    by_kind: dict[str, list[WikiPage]] = defaultdict(list)
    for page in pages:
        by_kind[page.source_kind].append(page)
    for kind, kind_pages in by_kind.items():
        source = sources.get(kind)
        specs = source_pages(target, kind)
        listed = [page.source_key for page in kind_pages if page.source_key in specs]
        parts = source.page_parts(target, listed) if source is not None and listed else {}
        for page in kind_pages:
            page_parts = parts.get(page.source_key)
            if page_parts is None:
                found[page.pk] = PageContent(title=page.title, parts=(), withdrawn=True)
            else:
                title = specs[page.source_key].title
                found[page.pk] = PageContent(title=title, parts=tuple(page_parts))
    return found


def page_content(page: WikiPage, *, now: dt.datetime | None = None) -> PageContent:
    """What ``page`` should hold now."""
    target = page.target
    if page.kind == WikiPage.Kind.SOURCE:
        return _source_contents(target, [page])[page.pk]
    if page.kind == WikiPage.Kind.PROGRAM:
        if not target.program_page_title:
            return PageContent(title=page.title, parts=(), withdrawn=True)
        return PageContent(
            title=page_title(target.program_page_title), parts=program_parts(target, now=now)
        )
    digest = page.digest
    if (
        digest is None
        or digest.status != Digest.Status.PUBLISHED
        or not target.digest_title_pattern
    ):
        return PageContent(title=page.title, parts=(), withdrawn=True)
    title = digest_title_for(target, digest.session.number, digest.language)
    return PageContent(title=title, parts=(Part(DIGEST_PART, digest_wikitext(target, digest)),))


def page_contents(
    target: WikiTarget, pages: Iterable[WikiPage], *, now: dt.datetime | None = None
) -> dict[int, PageContent]:
    """What each of ``pages`` should hold now, by page id: the digests read in one batch (six
    queries whatever their number), for the sweep that compares every page of a program."""
    pages = list(pages)
    digest_ids = [
        page.digest_id
        for page in pages
        if page.kind == WikiPage.Kind.DIGEST and page.digest_id is not None
    ]
    published = (
        Digest.objects.filter(pk__in=digest_ids, status=Digest.Status.PUBLISHED)
        .select_related("session")
        .order_by("pk")
    )
    digests = list(published)
    documents = digest_queries.digest_documents(published, public=True, absolute=True)
    texts = {
        digest.pk: _digest_text(target, doc, digest.session.number)
        for digest, doc in zip(digests, documents, strict=True)
    }
    by_id = {digest.pk: digest for digest in digests}
    found = _source_contents(target, [page for page in pages if page.kind == WikiPage.Kind.SOURCE])
    for page in pages:
        if page.kind == WikiPage.Kind.SOURCE:
            continue
        if page.kind == WikiPage.Kind.PROGRAM:
            found[page.pk] = page_content(page, now=now)
        elif page.digest_id in texts and target.digest_title_pattern:
            digest = by_id[page.digest_id]
            found[page.pk] = PageContent(
                title=digest_title_for(target, digest.session.number, digest.language),
                parts=(Part(DIGEST_PART, texts[digest.pk]),),
            )
        else:
            found[page.pk] = PageContent(title=page.title, parts=(), withdrawn=True)
    return found


def published_digests(program: Program) -> list[Digest]:
    return list(
        Digest.objects.filter(session__program=program, status=Digest.Status.PUBLISHED)
        .select_related("session")
        .order_by("session__number", "language")
    )


def digests_by_session(digests: Iterable[Digest]) -> dict[int, list[Digest]]:
    grouped: dict[int, list[Digest]] = defaultdict(list)
    for digest in digests:
        grouped[digest.session_id].append(digest)
    return dict(grouped)
