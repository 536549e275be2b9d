"""Reads that pages, exports and the API share, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from clinicdesk.registration import rules
from clinicdesk.registration.models import (
    CheckIn,
    Headcount,
    OutboundEmail,
    ProgramRegistrationSettings,
    Registration,
    RegistrationSettings,
    RegistrationSummary,
)
from clinicdesk.registration.needs import NeedsAnswer, NeedsSummary, combine, summarize
from clinicdesk.scheduling.models import ClinicSession, Person, Program

# --- Public pages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicState:
    """What the public pages say about registration for one session."""

    availability: rules.Availability
    opens_at: dt.datetime | None
    deadline: dt.datetime | None
    capacity: int | None
    confirmed: int
    waitlisted: int

    @property
    def is_open(self) -> bool:
        return self.availability == rules.Availability.OPEN

    @property
    def is_full(self) -> bool:
        return rules.is_full(capacity=self.capacity, confirmed=self.confirmed)

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed, 0)


def public_state(row: RegistrationSettings, now: dt.datetime) -> PublicState:
    window = rules.Window(
        is_open=row.is_open,
        opens_at=row.opens_at,
        closes_at=row.closes_at,
        session_status=row.session.status,
        session_starts_at=row.session.starts_at,
        session_date=row.session.start_date,
    )
    return PublicState(
        availability=rules.availability(window, now),
        opens_at=row.opens_at,
        deadline=window.deadline,
        capacity=row.capacity,
        confirmed=row.confirmed_count,
        waitlisted=row.waitlisted_count,
    )


@dataclass(frozen=True)
class SessionPanel:
    state: PublicState | None
    settings: RegistrationSettings | None
    headcount: Headcount | None


def session_panel(session: ClinicSession, now: dt.datetime | None = None) -> SessionPanel:
    """Registration and headcount of one session for its public page: one query."""
    now = now or timezone.now()
    found = (
        ClinicSession.objects.filter(pk=session.pk)
        .select_related("registration_settings", "headcount")
        .first()
    )
    row = getattr(found, "registration_settings", None) if found else None
    headcount = getattr(found, "headcount", None) if found else None
    if row is not None:
        row.session = session
    return SessionPanel(public_state(row, now) if row else None, row, headcount)


def public_states(sessions: Iterable[ClinicSession]) -> dict[int, PublicState]:
    """Registration of many sessions, by session id, in one query."""
    now = timezone.now()
    by_id = {session.pk: session for session in sessions}
    states = {}
    for row in RegistrationSettings.objects.filter(session_id__in=list(by_id)):
        row.session = by_id[row.session_id]
        states[row.session_id] = public_state(row, now)
    return states


def headcounts_for(sessions: Iterable[ClinicSession]) -> dict[int, Headcount]:
    """The headcounts of the sessions that have one, by session id, in one query."""
    ids = [session.pk for session in sessions]
    return {h.session_id: h for h in Headcount.objects.filter(session_id__in=ids)}


# --- Organizer pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationFilters:
    status: str = ""
    need: str = ""  # "interpretation:<code>", "data_package", "childcare", "accessibility"
    search: str = ""


def registrations_of(
    session: ClinicSession, filters: RegistrationFilters | None = None
) -> QuerySet[Registration]:
    filters = filters or RegistrationFilters()
    rows = Registration.objects.filter(session=session).select_related("check_in")
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.need.startswith("interpretation:"):
        rows = rows.filter(interpretation_language=filters.need.split(":", 1)[1])
    elif filters.need == "interpretation":
        rows = rows.exclude(interpretation_language="")
    elif filters.need == "data_package":
        rows = rows.filter(needs_data_package=True)
    elif filters.need == "childcare":
        rows = rows.filter(needs_childcare=True)
    elif filters.need == "accessibility":
        rows = rows.exclude(accessibility_notes="")
    if filters.search:
        text = filters.search
        rows = rows.filter(
            Q(name__icontains=text) | Q(email__icontains=text) | Q(affiliation__icontains=text)
        )
    # Confirmed first, then the waitlist in its order, then cancelled.
    return rows.order_by("status", "queued_at", "pk")


def undelivered_emails(session: ClinicSession) -> list[OutboundEmail]:
    return list(
        OutboundEmail.objects.filter(registration__session=session)
        .exclude(status__in=[OutboundEmail.Status.SENT, OutboundEmail.Status.SKIPPED])
        .select_related("registration")
        .order_by("created_at", "pk")
    )


def _answers(rows: Iterable[tuple[str, str, bool, bool, str]]) -> list[NeedsAnswer]:
    return [NeedsAnswer(s, lang, data, child, bool(notes)) for s, lang, data, child, notes in rows]


_ANSWER_FIELDS = (
    "status",
    "interpretation_language",
    "needs_data_package",
    "needs_childcare",
    "accessibility_notes",
)


@dataclass
class SessionNeeds:
    summary: NeedsSummary
    notes: list[tuple[str, str, str]]  # name, status, accessibility notes
    erased_at: dt.datetime | None = None


def needs_of_session(session: ClinicSession) -> SessionNeeds:
    """The needs summary of a session (its stored counts once retention erased the answers),
    and the accessibility notes to read: two queries."""
    rows = list(Registration.objects.filter(session=session).values_list(*_ANSWER_FIELDS, "name"))
    live = summarize(_answers(row[:5] for row in rows))
    stored = RegistrationSummary.objects.filter(session=session).first()
    summary = combine([NeedsSummary.from_dict(stored.needs), live]) if stored else live
    notes = sorted(
        (name, status, text)
        for status, _lang, _data, _child, text, name in rows
        if text and status != Registration.Status.CANCELLED
    )
    return SessionNeeds(summary, notes, stored.erased_at if stored else None)


@dataclass
class ProgramNeeds:
    rows: list[tuple[ClinicSession, NeedsSummary]] = field(default_factory=list)
    total: NeedsSummary = field(default_factory=NeedsSummary)

    @property
    def languages(self) -> list[str]:
        return [code for code, _tally in self.total.interpretation_rows()]


def needs_of_program(program: Program) -> ProgramNeeds:
    """Each session's needs with registration, and their sum: three queries."""
    sessions = list(
        ClinicSession.objects.filter(program=program)
        .filter(Q(registration_settings__isnull=False) | Q(registration_summary__isnull=False))
        .order_by("number")
    )
    answers: dict[int, list[tuple[str, str, bool, bool, str]]] = {s.pk: [] for s in sessions}
    for session_id, *answer in Registration.objects.filter(session__in=sessions).values_list(
        "session_id", *_ANSWER_FIELDS
    ):
        answers[session_id].append(tuple(answer))
    stored = {
        s.session_id: NeedsSummary.from_dict(s.needs)
        for s in RegistrationSummary.objects.filter(session__in=sessions)
    }
    result = ProgramNeeds()
    for session in sessions:
        summary = summarize(_answers(answers[session.pk]))
        if session.pk in stored:
            summary = combine([stored[session.pk], summary])
        session.program = program
        result.rows.append((session, summary))
    result.total = combine(summary for _session, summary in result.rows)
    return result


@dataclass
class Attendance:
    registrations: list[Registration]
    hosts: list[Person]
    host_check_ins: dict[int, CheckIn]  # by person id
    walk_ins: list[CheckIn]
    headcount: Headcount | None


def attendance_of(session: ClinicSession) -> Attendance:
    """Who registered, the hosts and the walk-ins, with their check-ins: four queries."""
    registrations = list(
        Registration.objects.filter(session=session)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("check_in")
        .order_by("status", "name", "pk")
    )
    hosts = list(session.hosts.order_by("name", "pk"))
    check_ins = list(CheckIn.objects.filter(session=session, registration__isnull=True))
    host_ids = {person.pk for person in hosts}
    host_check_ins = {c.person_id: c for c in check_ins if c.person_id in host_ids}
    walk_ins = [c for c in check_ins if c.person_id not in host_ids]
    headcount = Headcount.objects.filter(session=session).first()
    return Attendance(registrations, hosts, host_check_ins, walk_ins, headcount)


def program_settings_of(program: Program) -> ProgramRegistrationSettings:
    return ProgramRegistrationSettings.objects.filter(
        program=program
    ).first() or ProgramRegistrationSettings(program=program)


def registration_settings_of(session: ClinicSession) -> RegistrationSettings | None:
    row = RegistrationSettings.objects.filter(session=session).first()
    if row is not None:
        row.session = session
    return row
