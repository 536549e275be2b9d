"""The registration part of the JSON API: organizers read a session's registrations and the
needs of a session or a program, with a bearer token made on the API tokens page or by
``manage.py create_api_token``."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from clinicdesk.registration import queries, services
from clinicdesk.registration.models import Headcount, Registration
from clinicdesk.registration.needs import NeedsSummary, Tally
from clinicdesk.scheduling import access
from clinicdesk.scheduling import queries as scheduling_queries
from clinicdesk.scheduling.models import ClinicSession, Program

router = Router(tags=["registration"])


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: a token an organizer made; it reads what they organize."""

    openapi_description = (
        "A token made by an organizer on /manage/api-tokens/ (or with `manage.py "
        "create_api_token`). It reads the programs that organizer organizes."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return services.user_for_api_token(token)


organizer_token = ApiTokenAuth()


class NeedTallyOut(Schema):
    confirmed: int
    waitlisted: int


class NeedsOut(Schema):
    registrations: NeedTallyOut
    cancelled: int
    interpretation: dict[str, NeedTallyOut]  # by language code, most needed first
    data_package: NeedTallyOut
    childcare: NeedTallyOut
    accessibility_notes: NeedTallyOut  # how many notes there are to read


class SessionNeedsRow(NeedsOut):
    number: int
    label: str


class SessionNeedsOut(SessionNeedsRow):
    erased_at: dt.datetime | None  # when retention deleted the answers the counts come from


class ProgramNeedsOut(Schema):
    program: str
    sessions: list[SessionNeedsRow]
    total: NeedsOut


class RegistrationOut(Schema):
    id: int
    status: Literal["confirmed", "waitlisted", "cancelled"]
    name: str
    email: str
    affiliation: str
    home_time_zone: str
    language: str
    interpretation_language: str  # empty when none is needed
    needs_data_package: bool
    needs_childcare: bool
    accessibility_notes: str
    attribution: Literal["name", "affiliation", "anonymous"]
    topic: str
    reminders: bool
    registered_at: dt.datetime
    updated_at: dt.datetime
    checked_in_as: Literal["staff", "volunteer"] | None


class AttendanceOut(Schema):
    number: int
    label: str
    staff: int
    volunteers: int
    total: int
    counted_by_hand: bool  # else counted from the check-ins


def headcount_out(session: ClinicSession, headcount: Headcount | None) -> AttendanceOut | None:
    """The headcount the public may see: once the session is held (or over), if one was taken."""
    if headcount is None or headcount.total == 0:
        return None
    if not scheduling_queries.is_past(session, timezone.now()):
        return None
    return AttendanceOut(
        number=session.number,
        label=session.label,
        staff=headcount.staff,
        volunteers=headcount.volunteers,
        total=headcount.total,
        counted_by_hand=headcount.is_counted_by_hand,
    )


def _tally(tally: Tally) -> NeedTallyOut:
    return NeedTallyOut(confirmed=tally.confirmed, waitlisted=tally.waitlisted)


def _needs(summary: NeedsSummary) -> dict[str, Any]:
    return {
        "registrations": _tally(summary.registrations),
        "cancelled": summary.cancelled,
        "interpretation": {code: _tally(t) for code, t in summary.interpretation_rows()},
        "data_package": _tally(summary.data_package),
        "childcare": _tally(summary.childcare),
        "accessibility_notes": _tally(summary.accessibility_notes),
    }


def _program(request: HttpRequest, slug: str) -> Program:
    program = get_object_or_404(Program, slug=slug)
    if not access.can_organize(request.auth, program):  # type: ignore[attr-defined]
        raise HttpError(403, "This token's owner does not organize this program.")
    return program


def _session(request: HttpRequest, slug: str, number: int) -> ClinicSession:
    program = _program(request, slug)
    session = get_object_or_404(ClinicSession, program=program, number=number)
    session.program = program
    return session


def _checked_in_as(registration: Registration) -> str | None:
    try:
        return registration.check_in.role
    except Registration.check_in.RelatedObjectDoesNotExist:
        return None


@router.get(
    "/programs/{slug}/sessions/{number}/registrations",
    auth=organizer_token,
    response=list[RegistrationOut],
    summary="The registrations of a session (organizers)",
    description=(
        "Every registration of the session with its contact details and needs, confirmed "
        "first, then the waitlist in order, then cancelled ones. Needs a bearer token of an "
        "organizer of the program. Empty once retention has deleted the registrations."
    ),
)
def list_registrations(
    request: HttpRequest,
    slug: str,
    number: int,
    status: Literal["confirmed", "waitlisted", "cancelled"] | None = None,
) -> list[RegistrationOut]:
    session = _session(request, slug, number)
    rows = queries.registrations_of(session, queries.RegistrationFilters(status=status or ""))
    return [
        RegistrationOut(
            id=r.pk,
            status=r.status,  # type: ignore[arg-type]
            name=r.name,
            email=r.email,
            affiliation=r.affiliation,
            home_time_zone=r.home_time_zone,
            language=r.language,
            interpretation_language=r.interpretation_language,
            needs_data_package=r.needs_data_package,
            needs_childcare=r.needs_childcare,
            accessibility_notes=r.accessibility_notes,
            attribution=r.attribution,  # type: ignore[arg-type]
            topic=r.topic,
            reminders=r.email_consent,
            registered_at=r.created_at,
            updated_at=r.updated_at,
            checked_in_as=_checked_in_as(r),  # type: ignore[arg-type]
        )
        for r in rows
    ]


@router.get(
    "/programs/{slug}/sessions/{number}/needs",
    auth=organizer_token,
    response=SessionNeedsOut,
    summary="What a session's registrants need (organizers)",
    description=(
        "Counts of confirmed and waitlisted registrants needing interpretation (per "
        "language), an internet data package or childcare, and of accessibility notes to "
        "read. The counts outlive the answers when retention deletes them."
    ),
)
def session_needs(request: HttpRequest, slug: str, number: int) -> SessionNeedsOut:
    session = _session(request, slug, number)
    needs = queries.needs_of_session(session)
    return SessionNeedsOut(
        number=session.number,
        label=session.label,
        erased_at=needs.erased_at,
        **_needs(needs.summary),
    )


@router.get(
    "/programs/{slug}/needs",
    auth=organizer_token,
    response=ProgramNeedsOut,
    summary="What registrants need across a program's sessions (organizers)",
)
def program_needs(request: HttpRequest, slug: str) -> ProgramNeedsOut:
    program = _program(request, slug)
    needs = queries.needs_of_program(program)
    return ProgramNeedsOut(
        program=program.slug,
        sessions=[
            SessionNeedsRow(number=s.number, label=s.label, **_needs(summary))
            for s, summary in needs.rows
        ],
        total=NeedsOut(**_needs(needs.total)),
    )


@router.get(
    "/programs/{slug}/headcounts",
    response=list[AttendanceOut],
    summary="Who came to each held session, by role",
    description=(
        "Public: the headcount of every session of the program that has been held (or is "
        "over) and has one, by number: staff and volunteers, counted from the check-ins or by "
        "hand."
    ),
)
def program_headcounts(request: HttpRequest, slug: str) -> list[AttendanceOut]:
    program = get_object_or_404(Program, slug=slug)
    sessions = list(ClinicSession.objects.filter(program=program).order_by("number"))
    headcounts = queries.headcounts_for(sessions)
    found = (headcount_out(s, headcounts.get(s.pk)) for s in sessions)
    return [h for h in found if h is not None]


@router.get(
    "/programs/{slug}/sessions/{number}/headcount",
    response=AttendanceOut,
    summary="Who came to a held session, by role",
    description="Public. 404 until the session is held (or over) and a headcount is taken.",
)
def session_headcount(request: HttpRequest, slug: str, number: int) -> AttendanceOut:
    session = get_object_or_404(
        ClinicSession.objects.select_related("program"), program__slug=slug, number=number
    )
    headcount = headcount_out(session, Headcount.objects.filter(session=session).first())
    if headcount is None:
        raise HttpError(404, "No headcount for this session (yet).")
    return headcount
