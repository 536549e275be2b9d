"""Read-only JSON for programs and their sessions."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from clinicdesk.lib.tz import get_zone
from clinicdesk.scheduling import queries
from clinicdesk.scheduling.models import ClinicSession, Program

router = Router(tags=["programs"])


class ProgramOut(Schema):
    slug: str
    name: str
    purpose: str
    conduct: str
    default_languages: list[str]
    community_zones: list[str]
    url: str
    calendar_url: str
    sessions_url: str


class SegmentOut(Schema):
    title: str
    presenter: str
    start_offset_minutes: int
    duration_minutes: int
    start: dt.datetime | None  # UTC


class SessionOut(Schema):
    number: int
    label: str
    title: str
    kind: str
    start: dt.datetime | None  # the UTC instant; null while the time of day is unknown
    time_zone: str
    local_start: str | None  # ISO 8601 wall time with its offset in ``time_zone``
    date: dt.date | None  # the local date; null when only the month is known or "to be discussed"
    date_precision: str  # "day", "month" (only the month known) or "discussed"
    month: str | None  # "2025-01": the session's month when its date or month is known
    duration_minutes: int
    spoken_languages: list[str]
    interpretation_languages: list[str]
    status: str
    is_demo: bool
    meeting_url: str
    hosts: list[str]  # as the public page names them: "Quim (WMF)"
    segments: list[SegmentOut]
    url: str
    calendar_url: str


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _program_out(request: HttpRequest, program: Program) -> ProgramOut:
    return ProgramOut(
        slug=program.slug,
        name=program.name,
        purpose=program.purpose,
        conduct=program.conduct,
        default_languages=program.default_languages,
        community_zones=program.community_zones,
        url=_absolute(request, program.get_absolute_url()),
        calendar_url=_absolute(
            request, reverse("scheduling:program-calendar", kwargs={"slug": program.slug})
        ),
        sessions_url=_absolute(
            request, reverse("api:list_sessions", kwargs={"slug": program.slug})
        ),
    )


def _session_out(request: HttpRequest, session: ClinicSession) -> SessionOut:
    start = session.starts_at
    local_start = None
    if start is not None:
        local_start = start.astimezone(get_zone(session.time_zone)).isoformat()
    segments = [
        SegmentOut(
            title=s.title,
            presenter=s.presenter,
            start_offset_minutes=s.start_offset_minutes,
            duration_minutes=s.duration_minutes,
            start=start + dt.timedelta(minutes=s.start_offset_minutes) if start else None,
        )
        for s in session.segments.all()
    ]
    where = {"slug": session.program.slug, "number": session.number}
    return SessionOut(
        number=session.number,
        label=session.label,
        title=session.display_title,
        kind=session.kind,
        start=start,
        time_zone=session.time_zone,
        local_start=local_start,
        date=session.start_date,
        date_precision=session.date_precision,
        month=f"{session.month:%Y-%m}" if session.month else None,
        duration_minutes=session.duration_minutes,
        spoken_languages=session.spoken_languages,
        interpretation_languages=session.interpretation_languages,
        status=session.status,
        is_demo=session.is_demo,
        meeting_url=session.meeting_url,
        hosts=[str(person) for person in session.hosts.all()],
        segments=segments,
        url=_absolute(request, reverse("scheduling:session", kwargs=where)),
        calendar_url=_absolute(request, reverse("scheduling:session-calendar", kwargs=where)),
    )


@router.get("/programs", response=list[ProgramOut], summary="List programs")
def list_programs(request: HttpRequest) -> list[ProgramOut]:
    return [_program_out(request, p) for p in Program.objects.order_by("name")]


@router.get("/programs/{slug}", response=ProgramOut, summary="One program")
def get_program(request: HttpRequest, slug: str) -> ProgramOut:
    return _program_out(request, queries.get_public_program(slug))


@router.get(
    "/programs/{slug}/sessions",
    response=list[SessionOut],
    summary="The sessions of a program, by number",
)
def list_sessions(request: HttpRequest, slug: str) -> list[SessionOut]:
    program = queries.get_public_program(slug)
    return [_session_out(request, s) for s in queries.sessions_of(program)]
