"""Public pages: a program with its upcoming calls and archive, and one session."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from clinicdesk.core.pagecache import cached_public_page
from clinicdesk.lib.formats import describe_time, zone_city
from clinicdesk.lib.tz import world_clock
from clinicdesk.scheduling import queries
from clinicdesk.scheduling.agenda import build_agenda
from clinicdesk.scheduling.models import ClinicSession


def _archive_rows(past: list[ClinicSession]) -> list[dict[str, Any]]:
    rows = []
    for session in past:
        languages = queries.archive_languages(session)
        topics = queries.archive_topics(session)
        depth = max((len(names) for names in topics.values()), default=0)
        rows.append(
            {
                "session": session,
                "languages": languages,
                "topic_languages": list(topics),
                # One line per topic, its name in each language side by side, as in the archive.
                "topic_lines": [
                    [(lang, names[i] if i < len(names) else "") for lang, names in topics.items()]
                    for i in range(depth)
                ],
            }
        )
    return rows


def program_version(request: HttpRequest, slug: str, **_: Any) -> int | None:
    return queries.content_version(slug)


@require_GET
@cached_public_page(program_version)
def program_page(request: HttpRequest, slug: str) -> HttpResponse:
    program = queries.get_public_program(slug)
    sessions = queries.sessions_of(program, with_hosts=False)
    schedule = queries.split_schedule(sessions, timezone.now())
    return render(
        request,
        "scheduling/program.html",
        {
            "program": program,
            "upcoming": schedule.upcoming,
            "archive": _archive_rows(schedule.past),
            "conduct_lines": [line for line in program.conduct.splitlines() if line.strip()],
        },
    )


@require_GET
@cached_public_page(program_version)
def session_page(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = queries.get_public_session(slug, number)
    program = session.program
    language = get_language() or "en"
    reader_zone = request.reader_zone  # type: ignore[attr-defined]
    clocks = []
    if session.starts_at is not None and program.community_zones:
        for reading in world_clock(session.starts_at, program.community_zones, reader_zone):
            clocks.append(
                {
                    "reading": reading,
                    "city": zone_city(reading.zone, language),
                    "time": describe_time(reading.local.time(), language),
                }
            )
    segments = list(session.segments.all())
    agenda = build_agenda(
        session.duration_minutes,
        [(s.start_offset_minutes, s.duration_minutes, s.title, s.presenter) for s in segments],
    )
    agenda_rows = []
    for item in agenda:
        starts = None
        if session.starts_at is not None:
            starts = session.starts_at + dt.timedelta(minutes=item.start_offset)
        agenda_rows.append({"item": item, "starts_at": starts})
    return render(
        request,
        "scheduling/session.html",
        {
            "program": program,
            "session": session,
            "clocks": clocks,
            "agenda": agenda_rows,
            "hosts": list(session.hosts.all()),
            # Topics as recorded for the archive (the agenda already shows the segments).
            "topics": queries.archive_topics(session) if session.archive_topics else {},
            "is_past": queries.is_past(session, timezone.now()),
        },
    )
