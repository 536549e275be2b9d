"""Every write to programs, sessions, segments, people and hosts happens here.

Each function is keyword-only, validates its input, owns its transaction and raises
:class:`django.core.exceptions.ValidationError` (keyed by field where one is at fault) with a
message fit for a person. Side effects are listed in each docstring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clinicdesk.lib.languages import is_language
from clinicdesk.lib.tz import Fold, TimeProblem, get_zone, is_zone, to_utc
from clinicdesk.scheduling.cadence import PlannedCall, WeeklySlot, next_slot_index, plan_calls
from clinicdesk.scheduling.models import (
    ClinicSession,
    Person,
    Program,
    RotationSlot,
    Segment,
)
from clinicdesk.scheduling.queries import forget_content_version
from clinicdesk.scheduling.timetext import describe_time_problem

# Changing any of these changes what a calendar client shows, so the event's SEQUENCE moves.
_CALENDAR_FIELDS = frozenset(
    {
        "title",
        "start_date",
        "start_time",
        "time_zone",
        "duration_minutes",
        "meeting_url",
        "status",
        "number",
        "date_precision",
        "start_month",
    }
)
_SESSION_FIELDS = frozenset(
    {
        "number",
        "title",
        "kind",
        "start_date",
        "start_time",
        "time_zone",
        "date_precision",
        "start_month",
        "duration_minutes",
        "spoken_languages",
        "interpretation_languages",
        "archive_topics",
        "meeting_url",
        "status",
        "is_demo",
    }
)
MAX_REPEAT = 52


def touch_program(program_id: int) -> None:
    """Moves the program's content version so that cached public pages are rebuilt.

    Other apps call it when they change what a program's public pages show.
    """
    Program.objects.filter(pk=program_id).update(content_version=F("content_version") + 1)
    slug = Program.objects.filter(pk=program_id).values_list("slug", flat=True).first()
    if slug is not None:
        # Now, and again once committed: a reader between the two may cache the old version.
        forget_content_version(slug)
        transaction.on_commit(lambda: forget_content_version(slug))


@contextmanager
def _applied(instance: Model, changes: dict[str, Any]) -> Iterator[None]:
    """Sets ``changes`` on ``instance`` for validation; puts the old values back if refused."""
    original = {key: getattr(instance, key) for key in changes}
    for key, value in changes.items():
        setattr(instance, key, value)
    try:
        yield
    except ValidationError:
        for key, value in original.items():
            setattr(instance, key, value)
        raise


def _check_languages(field: str, codes: Sequence[str]) -> list[str]:
    cleaned = []
    for code in codes:
        if not isinstance(code, str) or not is_language(code):
            raise ValidationError(
                {
                    field: _("“%(code)s” is not a language code (for example en, es, ar).")
                    % {"code": code}
                }
            )
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def _check_zones(field: str, zones: Sequence[str]) -> list[str]:
    for name in zones:
        if not isinstance(name, str) or not is_zone(name):
            raise ValidationError(
                {
                    field: _("“%(zone)s” is not a known time zone (for example Europe/Madrid).")
                    % {"zone": name}
                }
            )
    return list(dict.fromkeys(zones))


# --- Programs -----------------------------------------------------------------------------------

_PROGRAM_FIELDS = frozenset(
    {
        "name",
        "slug",
        "purpose",
        "conduct",
        "default_languages",
        "community_zones",
        "wiki_page_prefix",
        "session_title_pattern",
        "default_duration_minutes",
        "cadence_days",
    }
)


def _clean_program_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - _PROGRAM_FIELDS
    if unknown:
        raise TypeError(f"unknown program fields: {sorted(unknown)}")
    if "default_languages" in fields:
        fields["default_languages"] = _check_languages(
            "default_languages", fields["default_languages"]
        )
    if "community_zones" in fields:
        fields["community_zones"] = _check_zones("community_zones", fields["community_zones"])
    if "session_title_pattern" in fields:
        try:
            fields["session_title_pattern"].format(program="P", number="001")
        except (KeyError, IndexError, ValueError):
            raise ValidationError(
                {"session_title_pattern": _("The pattern may use only {program} and {number}.")}
            ) from None
    return fields


def create_program(
    *, name: str, slug: str, organizer: AbstractBaseUser | None = None, **fields: Any
) -> Program:
    """Creates a program; ``organizer``, when given, may manage it."""
    fields = _clean_program_fields({"name": name, "slug": slug, **fields})
    if Program.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("A program with this short name already exists.")})
    program = Program(**fields)
    program.full_clean()
    with transaction.atomic():
        program.save()
        if organizer is not None:
            program.organizers.add(organizer)  # type: ignore[arg-type]
    return program


def update_program(*, program: Program, **fields: Any) -> Program:
    """Changes a program's fields. Side effect: its public pages are rebuilt."""
    fields = _clean_program_fields(fields)
    if (
        "slug" in fields
        and Program.objects.filter(slug=fields["slug"]).exclude(pk=program.pk).exists()
    ):
        raise ValidationError({"slug": _("A program with this short name already exists.")})
    with _applied(program, fields):
        program.full_clean()
    with transaction.atomic():
        program.save(update_fields=[*fields, "updated_at"])
        touch_program(program.pk)
    program.refresh_from_db(fields=["content_version"])
    return program


def set_rotation(*, program: Program, slots: Sequence[WeeklySlot]) -> list[RotationSlot]:
    """Replaces the program's weekly rotation. Side effect: its public pages are rebuilt."""
    with transaction.atomic():
        program.rotation.all().delete()
        rows = RotationSlot.objects.bulk_create(
            RotationSlot(
                program=program, position=i, weekday=s.weekday, local_time=s.time, time_zone=s.zone
            )
            for i, s in enumerate(slots)
        )
        touch_program(program.pk)
    return rows


def rotation_of(program: Program) -> list[WeeklySlot]:
    return [WeeklySlot(r.weekday, r.local_time, r.time_zone) for r in program.rotation.all()]


# --- Sessions -----------------------------------------------------------------------------------


def _derive_start(
    start_date: dt.date | None, start_time: dt.time | None, zone: str, fold: Fold | None
) -> dt.datetime | None:
    try:
        get_zone(zone)
    except TimeProblem as problem:
        raise ValidationError({"time_zone": describe_time_problem(problem)}) from None
    if start_time is not None and start_date is None:
        raise ValidationError({"start_date": _("A time of day needs a date.")})
    if start_date is None or start_time is None:
        return None
    try:
        return to_utc(dt.datetime.combine(start_date, start_time), zone, fold=fold)
    except TimeProblem as problem:
        raise ValidationError({"start_time": describe_time_problem(problem)}) from None


def _settle_date(
    start_date: dt.date | None, start_month: dt.date | None, precision: str | None
) -> tuple[dt.date | None, str]:
    """The month and precision to store for a session's date.

    A session with a date is precise to the day (its month is its date's). Without one it is
    in a known month ("month") or its date is to be discussed, perhaps within an expected
    month; a session with neither date nor month is to be discussed.
    """
    precision = precision or ClinicSession.DatePrecision.DAY
    if precision not in ClinicSession.DatePrecision.values:
        raise ValidationError({"date_precision": _("Choose how much of the date is known.")})
    if start_date is not None:
        if precision != ClinicSession.DatePrecision.DAY:
            raise ValidationError(
                {
                    "start_date": _(
                        "Leave the date empty when only the month is known or the date is "
                        "to be discussed."
                    )
                }
            )
        return None, ClinicSession.DatePrecision.DAY
    if start_month is not None:
        start_month = start_month.replace(day=1)
    if precision == ClinicSession.DatePrecision.MONTH and start_month is None:
        raise ValidationError({"start_month": _("Give the month the session is in.")})
    if precision == ClinicSession.DatePrecision.DAY:
        precision = (
            ClinicSession.DatePrecision.DISCUSSED
            if start_month is None
            else ClinicSession.DatePrecision.MONTH
        )
    return start_month, precision


def _check_session_values(values: dict[str, Any]) -> None:
    if "spoken_languages" in values:
        values["spoken_languages"] = _check_languages(
            "spoken_languages", values["spoken_languages"]
        )
    if "interpretation_languages" in values:
        values["interpretation_languages"] = _check_languages(
            "interpretation_languages", values["interpretation_languages"]
        )
    if "archive_topics" in values:
        topics = values["archive_topics"]
        if not isinstance(topics, dict) or not all(
            isinstance(v, list) and all(isinstance(t, str) for t in v) for v in topics.values()
        ):
            raise ValidationError(
                {"archive_topics": _("Topics must be lists of names by language.")}
            )
        _check_languages("archive_topics", list(topics))
    duration = values.get("duration_minutes")
    if duration is not None and not 1 <= duration <= 24 * 60:
        raise ValidationError({"duration_minutes": _("A session lasts 1 to 1440 minutes.")})


def next_session_number(program: Program) -> int:
    highest = program.sessions.aggregate(highest=Max("number"))["highest"]
    return (highest or 0) + 1


def schedule_session(
    *,
    program: Program,
    number: int | None = None,
    start_date: dt.date | None = None,
    start_time: dt.time | None = None,
    time_zone: str = "UTC",
    fold: Fold | None = None,
    hosts: Iterable[Person] = (),
    **fields: Any,
) -> ClinicSession:
    """Creates a numbered session (the next free number when none is given).

    Side effects: the program's public pages and calendar feed are rebuilt.
    """
    unknown = set(fields) - _SESSION_FIELDS
    if unknown:
        raise TypeError(f"unknown session fields: {sorted(unknown)}")
    fields.setdefault("duration_minutes", program.default_duration_minutes)
    _check_session_values(fields)
    fields["start_month"], fields["date_precision"] = _settle_date(
        start_date, fields.get("start_month"), fields.get("date_precision")
    )
    starts_at = _derive_start(start_date, start_time, time_zone, fold)
    with transaction.atomic():
        if number is None:
            number = next_session_number(program)
        elif program.sessions.filter(number=number).exists():
            raise ValidationError(
                {
                    "number": _("%(program)s already has a session #%(number)03d.")
                    % {"program": program.name, "number": number}
                }
            )
        session = ClinicSession(
            program=program,
            number=number,
            start_date=start_date,
            start_time=start_time,
            time_zone=time_zone,
            starts_at=starts_at,
            **fields,
        )
        session.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                session.save()
        except IntegrityError:
            raise ValidationError(
                {
                    "number": _("%(program)s already has a session #%(number)03d.")
                    % {"program": program.name, "number": number}
                }
            ) from None
        if hosts:
            session.hosts.set(hosts)
        touch_program(program.pk)
    return session


def update_session(
    *, session: ClinicSession, fold: Fold | None = None, **changes: Any
) -> ClinicSession:
    """Changes a session. A change calendar clients see moves its SEQUENCE.

    Side effects: the program's public pages and calendar feed are rebuilt.
    """
    unknown = set(changes) - _SESSION_FIELDS
    if unknown:
        raise TypeError(f"unknown session fields: {sorted(unknown)}")
    if {"start_date", "start_month", "date_precision"} & set(changes):
        wanted_date = changes.get("start_date", session.start_date)
        wanted_precision = changes.get("date_precision")
        if wanted_precision is None and "start_date" in changes:
            # A date given (or taken away) without a word on precision says it all.
            wanted_precision = (
                ClinicSession.DatePrecision.DAY
                if wanted_date is not None
                else (
                    ClinicSession.DatePrecision.MONTH
                    if changes.get("start_month", session.start_month)
                    else ClinicSession.DatePrecision.DISCUSSED
                )
            )
        changes["start_month"], changes["date_precision"] = _settle_date(
            wanted_date,
            changes.get("start_month", session.start_month),
            wanted_precision or session.date_precision,
        )
    changed = {k: v for k, v in changes.items() if getattr(session, k) != v}
    if not changed and fold is None:
        return session
    _check_session_values(changed)
    if (
        "number" in changed
        and session.program.sessions.filter(number=changed["number"])
        .exclude(pk=session.pk)
        .exists()
    ):
        raise ValidationError(
            {
                "number": _("%(program)s already has a session #%(number)03d.")
                % {"program": session.program.name, "number": changed["number"]}
            }
        )
    # The caller's object gets its old values back when the change is refused.
    original = {key: getattr(session, key) for key in [*changed, "starts_at", "sequence"]}
    try:
        for key, value in changed.items():
            setattr(session, key, value)
        update_fields = [*changed]
        if {"start_date", "start_time", "time_zone"} & set(changed) or fold is not None:
            starts_at = _derive_start(
                session.start_date, session.start_time, session.time_zone, fold
            )
            if starts_at != session.starts_at:
                session.starts_at = starts_at
                update_fields.append("starts_at")
        if _CALENDAR_FIELDS & set(changed) or "starts_at" in update_fields:
            session.sequence += 1
            update_fields.append("sequence")
        session.full_clean(validate_unique=False, validate_constraints=False)
        _check_segments_fit(session, list(session.segments.all()))
    except ValidationError:
        for key, value in original.items():
            setattr(session, key, value)
        raise
    if not update_fields:
        return session
    update_fields.append("updated_at")
    with transaction.atomic():
        session.save(update_fields=update_fields)
        touch_program(session.program_id)
    return session


def cancel_session(*, session: ClinicSession) -> ClinicSession:
    """Marks a session cancelled; calendars then carry STATUS:CANCELLED.

    Side effects: the program's public pages and calendar feed are rebuilt.
    """
    if session.status == ClinicSession.Status.HELD:
        raise ValidationError(_("A session that was held cannot be cancelled."))
    return update_session(session=session, status=ClinicSession.Status.CANCELLED)


def set_hosts(*, session: ClinicSession, hosts: Iterable[Person]) -> None:
    """Replaces the hosts of a session. Side effect: public pages are rebuilt."""
    with transaction.atomic():
        session.hosts.set(list(hosts))
        touch_program(session.program_id)


def staffing_warning(hosts: Sequence[Person]) -> str | None:
    """The warning organizers see when fewer than two hosts are staff, else None."""
    staff = sum(1 for person in hosts if person.is_staff_member)
    if staff >= 2:
        return None
    return ngettext(
        "Only %(count)d staff host: every call needs at least two staff members.",
        "Only %(count)d staff hosts: every call needs at least two staff members.",
        staff,
    ) % {"count": staff}


@dataclass(frozen=True, slots=True)
class PlannedSession:
    number: int
    call: PlannedCall


def plan_repeat(
    *,
    session: ClinicSession,
    count: int,
    slots: Sequence[WeeklySlot] | None = None,
    min_gap_days: int | None = None,
    after: dt.datetime | None = None,
) -> list[PlannedSession]:
    """The sessions :func:`repeat_session` would create from the same input; writes nothing.

    Calls alternate between ``slots`` (default: the program's rotation), continuing after the
    slot ``session`` was held in, at least ``min_gap_days`` (default: the program's cadence)
    apart and after ``after`` (default: the session's start, or now).
    """
    program = session.program
    slots = list(slots) if slots is not None else rotation_of(program)
    if not slots:
        raise ValidationError(
            {"slots": _("Give at least one weekly slot, or set the program's rotation first.")}
        )
    if not 1 <= count <= MAX_REPEAT:
        raise ValidationError({"count": _("Repeat 1 to %(max)d times.") % {"max": MAX_REPEAT}})
    first = 0
    if session.start_date is not None and session.start_time is not None:
        first = next_slot_index(
            slots, session.start_date.weekday(), session.start_time, session.time_zone
        )
    calls = plan_calls(
        slots,
        after=after or session.starts_at or timezone.now(),
        count=count,
        min_gap_days=program.cadence_days if min_gap_days is None else min_gap_days,
        first_slot=first,
        previous_date=session.start_date,
    )
    number = next_session_number(program)
    return [PlannedSession(number + offset, call) for offset, call in enumerate(calls)]


def repeat_session(
    *,
    session: ClinicSession,
    count: int,
    slots: Sequence[WeeklySlot] | None = None,
    min_gap_days: int | None = None,
    is_demo: bool = False,
    after: dt.datetime | None = None,
) -> list[ClinicSession]:
    """Creates the sessions :func:`plan_repeat` plans, copying ``session``'s kind, length,
    languages, meeting link and hosts.

    Side effects: the program's public pages and calendar feed are rebuilt.
    """
    hosts = list(session.hosts.all())
    with transaction.atomic():
        plan = plan_repeat(
            session=session, count=count, slots=slots, min_gap_days=min_gap_days, after=after
        )
        created = [
            _session_from_call(session, planned.call, planned.number, hosts, is_demo)
            for planned in plan
        ]
        touch_program(session.program_id)
    return created


def _session_from_call(
    template: ClinicSession, call: PlannedCall, number: int, hosts: list[Person], is_demo: bool
) -> ClinicSession:
    # The wall time is read back from the planned instant so that a slot adjusted for a
    # daylight-saving gap stores the time the call really starts.
    local = call.starts_at.astimezone(get_zone(call.zone))
    session = ClinicSession.objects.create(
        program=template.program,
        number=number,
        kind=template.kind,
        start_date=local.date(),
        start_time=local.time().replace(tzinfo=None),
        time_zone=call.zone,
        starts_at=call.starts_at,
        duration_minutes=template.duration_minutes,
        spoken_languages=template.spoken_languages,
        interpretation_languages=template.interpretation_languages,
        meeting_url=template.meeting_url,
        is_demo=is_demo,
    )
    if hosts:
        session.hosts.set(hosts)
    return session


# --- Segments -----------------------------------------------------------------------------------


def _check_segments_fit(session: ClinicSession, segments: Sequence[Segment]) -> None:
    for segment in segments:
        if segment.end_offset_minutes > session.duration_minutes:
            raise ValidationError(
                {
                    "duration_minutes": _(
                        "“%(title)s” ends %(end)d minutes after the start, past the end of the "
                        "%(length)d-minute session."
                    )
                    % {
                        "title": segment.title,
                        "end": segment.end_offset_minutes,
                        "length": session.duration_minutes,
                    }
                }
            )


def _check_segment(segment: Segment) -> None:
    if segment.duration_minutes < 1:
        raise ValidationError({"duration_minutes": _("A segment lasts at least one minute.")})
    if segment.end_offset_minutes > segment.session.duration_minutes:
        raise ValidationError(
            {
                "duration_minutes": _(
                    "This segment would end %(end)d minutes after the start, past the end of the "
                    "%(length)d-minute session."
                )
                % {"end": segment.end_offset_minutes, "length": segment.session.duration_minutes}
            }
        )
    segment.full_clean()


def add_segment(
    *,
    session: ClinicSession,
    title: str,
    presenter: str = "",
    start_offset_minutes: int = 0,
    duration_minutes: int = 30,
    notes: str = "",
) -> Segment:
    """Adds a scheduled topic to a session. Side effect: public pages are rebuilt."""
    segment = Segment(
        session=session,
        title=title,
        presenter=presenter,
        start_offset_minutes=start_offset_minutes,
        duration_minutes=duration_minutes,
        notes=notes,
    )
    _check_segment(segment)
    with transaction.atomic():
        segment.save()
        touch_program(session.program_id)
    return segment


def update_segment(*, segment: Segment, **changes: Any) -> Segment:
    """Changes a segment. Side effect: public pages are rebuilt."""
    allowed = {"title", "presenter", "start_offset_minutes", "duration_minutes", "notes"}
    if set(changes) - allowed:
        raise TypeError(f"unknown segment fields: {sorted(set(changes) - allowed)}")
    with _applied(segment, changes):
        _check_segment(segment)
    with transaction.atomic():
        segment.save(update_fields=list(changes))
        touch_program(segment.session.program_id)
    return segment


def delete_segment(*, segment: Segment) -> None:
    """Removes a segment. Side effect: public pages are rebuilt."""
    program_id = segment.session.program_id
    with transaction.atomic():
        segment.delete()
        touch_program(program_id)


# --- People -------------------------------------------------------------------------------------


def set_attribution_consent(*, person: Person, consent: str) -> Person:
    """Records how far a person may be named in digests.

    Side effects: none here; apps that render people (digests, publishing) read the consent
    at render time, so every output follows it from now on.
    """
    if consent not in Person.Attribution.values:
        raise ValidationError({"attribution_consent": _("Choose how you may be named.")})
    if person.attribution_consent != consent:
        person.attribution_consent = consent
        person.save(update_fields=["attribution_consent", "updated_at"])
    return person


def create_person(
    *,
    name: str,
    role: str = Person.Role.VOLUNTEER,
    affiliation: str = "",
    organization: str = "",
    attribution_consent: str = Person.Attribution.ANONYMOUS,
) -> Person:
    """Creates a person who can host, present or speak."""
    person = Person(
        name=name.strip(),
        role=role,
        affiliation=affiliation.strip(),
        organization=organization.strip(),
        attribution_consent=attribution_consent,
    )
    person.full_clean()
    person.save()
    return person
