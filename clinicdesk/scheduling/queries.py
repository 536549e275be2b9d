"""Reads that views, feeds and the API share. Each returns what it needs in a fixed number
of queries, whatever the number of sessions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from clinicdesk.scheduling.models import ClinicSession, Person, Program, Segment


def public_programs() -> QuerySet[Program]:
    return Program.objects.order_by("name").only("name", "slug")


# How long an app server may go on using a content version it read, before asking again.
# The server that made a change forgets it at once; others see the change within this time.
CONTENT_VERSION_TTL_SECONDS = 2


def _content_version_key(slug: str) -> str:
    return f"content-version:{slug}"


def content_version(slug: str) -> int | None:
    """The program's content version, which every change to it or its sessions moves."""
    key = _content_version_key(slug)
    version: int | None = cache.get(key)
    if version is None:
        version = (
            Program.objects.filter(slug=slug).values_list("content_version", flat=True).first()
        )
        if version is not None:
            cache.set(key, version, CONTENT_VERSION_TTL_SECONDS)
    return version


def forget_content_version(slug: str) -> None:
    cache.delete(_content_version_key(slug))


def get_public_program(slug: str) -> Program:
    return get_object_or_404(Program, slug=slug)


def _with_segments(sessions: QuerySet[ClinicSession]) -> QuerySet[ClinicSession]:
    return sessions.prefetch_related(
        Prefetch("segments", queryset=Segment.objects.order_by("start_offset_minutes", "pk"))
    )


def _with_hosts(sessions: QuerySet[ClinicSession]) -> QuerySet[ClinicSession]:
    return sessions.prefetch_related(Prefetch("hosts", queryset=Person.objects.order_by("name")))


def sessions_of(program: Program, *, with_hosts: bool = True) -> list[ClinicSession]:
    """The program's sessions by number, with their segments and (unless ``with_hosts`` is
    false, for pages that do not name them) their hosts: two or three queries."""
    sessions = _with_segments(ClinicSession.objects.filter(program=program).order_by("number"))
    if with_hosts:
        sessions = _with_hosts(sessions)
    result = list(sessions)
    for session in result:
        session.program = program  # shares the loaded program rather than loading it per row
    return result


def get_public_session(slug: str, number: int) -> ClinicSession:
    sessions = _with_hosts(_with_segments(ClinicSession.objects.select_related("program")))
    return get_object_or_404(sessions, program__slug=slug, number=number)


def is_past(session: ClinicSession, now: dt.datetime) -> bool:
    """Held, or over: the end has passed, or (time unknown) its date is before today in UTC,
    or (only the month known) its month is before this month in UTC. A session whose date
    is to be discussed stays upcoming until it is held."""
    if session.status == ClinicSession.Status.HELD:
        return True
    ends_at = session.ends_at
    if ends_at is not None:
        return ends_at < now
    if session.start_date is not None:
        return session.start_date < now.astimezone(dt.UTC).date()
    if session.date_precision == ClinicSession.DatePrecision.MONTH and session.start_month:
        return session.start_month < now.astimezone(dt.UTC).date().replace(day=1)
    return False


@dataclass
class ProgramSchedule:
    upcoming: list[ClinicSession]
    past: list[ClinicSession]  # newest last, as in the archive table


def split_schedule(sessions: list[ClinicSession], now: dt.datetime) -> ProgramSchedule:
    upcoming: list[ClinicSession] = []
    past: list[ClinicSession] = []
    for session in sessions:
        (past if is_past(session, now) else upcoming).append(session)

    def start_key(s: ClinicSession) -> tuple[dt.date, bool, dt.date, int]:
        # By month first, so a session known only by its month sits among that month's calls
        # (after those with a date); those with no month at all come last.
        return (s.month or dt.date.max, s.start_date is None, s.start_date or dt.date.max, s.number)

    upcoming.sort(key=start_key)
    past.sort(key=lambda s: s.number)
    return ProgramSchedule(upcoming=upcoming, past=past)


def _language_order(session: ClinicSession, codes: list[str]) -> list[str]:
    """Spoken languages first, then the program's defaults, then the rest by code: a JSON
    object's key order is not kept by every database, so it is never relied on."""
    preferred = [*session.spoken_languages, *session.program.default_languages]
    rank = {code: i for i, code in reversed(list(enumerate(preferred)))}
    return sorted(dict.fromkeys(codes), key=lambda code: (rank.get(code, len(rank)), code))


def archive_topics(session: ClinicSession) -> dict[str, list[str]]:
    """A past session's topic names by language, in display order: those recorded for the
    archive, else its scheduled segments' titles under its spoken language."""
    topics = session.archive_topics
    if not topics:
        titles = [segment.title for segment in session.segments.all()]
        if not titles:
            return {}
        languages = session.spoken_languages or session.program.default_languages or ["en"]
        topics = {languages[0]: titles}
    return {code: topics[code] for code in _language_order(session, list(topics))}


def archive_languages(session: ClinicSession) -> list[str]:
    """Languages of a past session's record: its topic languages, else the spoken ones."""
    return _language_order(session, list(session.archive_topics) or session.spoken_languages)
