"""Saves what the parsers read, through the scheduling services, in one transaction per text.

The adapter between the pure parsers and the database. A text with a blocking problem saves
nothing; so does a text whose data a service refuses. Importing the same text again changes
nothing and reports every item as unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clinicdesk.scheduling import services
from clinicdesk.scheduling.cadence import WeeklySlot
from clinicdesk.scheduling.importers.announcement import (
    AnnouncedCall,
    Announcement,
    parse_announcement,
)
from clinicdesk.scheduling.importers.archive import (
    ArchivePage,
    ArchiveRow,
    UpcomingCall,
    parse_archive_page,
)
from clinicdesk.scheduling.importers.reading import Parsed, Problem
from clinicdesk.scheduling.models import ClinicSession, Program

# A scheduled segment opens the call ("other topics welcome after scheduled segment") and
# leaves most of it open: 30 minutes keeps 40 of the shortest 70-minute call for other topics.
SCHEDULED_SEGMENT_MINUTES = 30


@dataclass
class ImportReport:
    """What an import did, or would do in a dry run, for the operator to read."""

    source: str  # "archive page" or "announcement"
    program: str  # the program's slug
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # read, but not stored anywhere
    problems: list[Problem] = field(default_factory=list)
    failure: str = ""  # why nothing was saved

    @property
    def ok(self) -> bool:
        return not self.failure

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    def lines(self) -> list[str]:
        lines = [f"created: {item}" for item in self.created]
        lines += [f"updated: {item}" for item in self.updated]
        if self.unchanged:
            lines.append(f"unchanged: {', '.join(self.unchanged)}")
        lines += [f"note: {note}" for note in self.notes]
        lines += [
            f"{'problem' if problem.blocking else 'warning'}: {problem}"
            for problem in self.problems
        ]
        if self.failure:
            lines.append(f"nothing was saved: {self.failure}")
        elif self.dry_run:
            lines.append("dry run: nothing was saved")
        return lines

    def _fail(self, reason: str) -> ImportReport:
        # Whatever was written before the failure was rolled back with the transaction.
        self.created.clear()
        self.updated.clear()
        self.unchanged.clear()
        self.failure = reason
        return self


def _refusal(parsed: Parsed[Any]) -> str:
    blocking = parsed.blocking_problems
    if blocking:
        return f"the text has {len(blocking)} problem(s) that stop the import (listed above)"
    return "the text holds nothing to import"


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _changes(obj: object, wanted: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in wanted.items() if getattr(obj, name) != value}


# --- A program's wiki page ----------------------------------------------------------------------


def import_archive_page(text: str, *, slug: str, dry_run: bool = False) -> ImportReport:
    """Creates or updates the program ``slug`` from its page: name, purpose, conduct, default
    languages and call length; one held session per archive row (its date, languages and
    topic names, no time of day); each upcoming call with its time and scheduled segments.

    Side effects: the program's public pages and calendar feed are rebuilt. With
    ``dry_run`` everything is done and then rolled back, so the report is exact.
    """
    parsed = parse_archive_page(text)
    report = ImportReport("archive page", slug, dry_run=dry_run, problems=list(parsed.problems))
    if parsed.data is None or not parsed.can_be_saved:
        return report._fail(_refusal(parsed))
    page = parsed.data
    try:
        with transaction.atomic():
            program = _save_program(page, slug, report)
            existing = {s.number: s for s in program.sessions.select_related("program")}
            for row in page.rows:
                _save_archived_session(program, existing.get(row.number), row, report)
            for call in page.upcoming:
                _save_upcoming_session(program, existing.get(call.number), call, report)
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as error:
        return report._fail(_messages(error))
    return report


def _save_program(page: ArchivePage, slug: str, report: ImportReport) -> Program:
    wanted: dict[str, Any] = {"name": page.name}
    if page.languages:
        wanted["default_languages"] = list(page.languages)
    if page.purpose:
        wanted["purpose"] = page.purpose
    if page.conduct:
        wanted["conduct"] = page.conduct
    if page.length is not None:
        # The page gives a range ("70-90 minutes"); a call is booked for its upper end.
        wanted["default_duration_minutes"] = page.length.longest
    prefix = next((call.title_prefix for call in page.upcoming if call.title_prefix), "")
    if prefix:
        escaped = prefix.replace("{", "{{").replace("}", "}}")
        wanted["session_title_pattern"] = f"{escaped} #{{number}}"
    if page.cadence_text:
        report.notes.append(
            f"the page says calls are held {page.cadence_text}; the program's minimum days "
            "between calls are left as they are"
        )
    program = Program.objects.filter(slug=slug).first()
    if program is None:
        program = services.create_program(slug=slug, wiki_page_prefix=page.name, **wanted)
        report.created.append(f"program {slug} ({page.name})")
        return program
    changed = _changes(program, wanted)
    if changed:
        services.update_program(program=program, **changed)
        report.updated.append(f"program {slug}: {', '.join(changed)}")
    else:
        report.unchanged.append(f"program {slug}")
    return program


def _save_archived_session(
    program: Program, session: ClinicSession | None, row: ArchiveRow, report: ImportReport
) -> None:
    # The archive gives no time of day: a session's own start time, if it has one from
    # another source (the announcement), is kept.
    wanted: dict[str, Any] = {
        "start_date": row.date,
        "spoken_languages": list(row.languages),
        "archive_topics": {code: list(names) for code, names in row.topics.items()},
        "status": ClinicSession.Status.HELD,
    }
    label = f"#{row.number:03d}"
    try:
        if session is None:
            services.schedule_session(program=program, number=row.number, **wanted)
            report.created.append(
                f"session {label} on {row.date:%Y-%m-%d} ({', '.join(row.languages) or '-'})"
            )
            return
        changed = _changes(session, wanted)
        if changed:
            services.update_session(session=session, **changed)
            report.updated.append(f"session {label}: {', '.join(changed)}")
        else:
            report.unchanged.append(f"session {label}")
    except ValidationError as error:
        raise ValidationError(
            f"session {label} (line {row.line_number}): {_messages(error)}"
        ) from error


def _save_upcoming_session(
    program: Program, session: ClinicSession | None, call: UpcomingCall, report: ImportReport
) -> None:
    label = f"#{call.number:03d}"
    wanted: dict[str, Any] = {
        "start_date": call.date,
        "start_time": call.call_time.time,
        "time_zone": call.call_time.zone,
    }
    when = f"{call.date:%Y-%m-%d} {call.call_time.time:%H:%M} {call.call_time.zone}"
    try:
        if session is None:
            session = services.schedule_session(program=program, number=call.number, **wanted)
            report.created.append(f"session {label} on {when}")
        else:
            changed = _changes(session, wanted)
            if changed:
                services.update_session(session=session, **changed)
                report.updated.append(f"session {label}: now {when}")
            else:
                report.unchanged.append(f"session {label}")
        _save_segments(session, call, report)
    except ValidationError as error:
        raise ValidationError(
            f"session {label} (line {call.line_number}): {_messages(error)}"
        ) from error


def _save_segments(session: ClinicSession, call: UpcomingCall, report: ImportReport) -> None:
    present = {segment.title: segment for segment in session.segments.all()}
    offset = 0
    for wanted in call.segments:
        segment = present.get(wanted.title)
        what = f"segment “{wanted.title}” of #{call.number:03d}"
        if segment is None:
            segment = services.add_segment(
                session=session,
                title=wanted.title,
                presenter=wanted.presenter,
                start_offset_minutes=offset,
                duration_minutes=min(SCHEDULED_SEGMENT_MINUTES, session.duration_minutes - offset),
            )
            report.created.append(f"{what} with {wanted.presenter or 'no presenter'}")
        elif segment.presenter != wanted.presenter:
            services.update_segment(segment=segment, presenter=wanted.presenter)
            report.updated.append(f"{what}: presenter")
        else:
            report.unchanged.append(what)
        offset = segment.end_offset_minutes


# --- An announcement e-mail ---------------------------------------------------------------------


def import_announcement(
    text: str, *, program: Program, dry_run: bool = False, reference: dt.date | None = None
) -> ImportReport:
    """Gives the announced calls their times: each updates the program's session on the
    same date (or a new one) with its time, zone and the announced longest length; the
    program's rotation becomes the announced weekly slots, in order.

    Dates without a year are matched against the program's sessions, else dated in the
    latest fitting year up to the year of ``reference`` (default: today). Side effects: the
    program's public pages and calendar feed are rebuilt. With ``dry_run`` everything is
    rolled back.
    """
    known = [d for d in program.sessions.values_list("start_date", flat=True) if d is not None]
    parsed = parse_announcement(
        text, reference=reference or timezone.localdate(), known_dates=known
    )
    report = ImportReport(
        "announcement", program.slug, dry_run=dry_run, problems=list(parsed.problems)
    )
    if parsed.data is None or not parsed.can_be_saved:
        return report._fail(_refusal(parsed))
    announcement = parsed.data
    try:
        with transaction.atomic():
            for call in announcement.calls:
                _save_announced_session(program, call, announcement, report)
            _save_rotation(program, announcement, report)
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as error:
        return report._fail(_messages(error))
    _note_unstored_facts(announcement, report)
    return report


def _save_announced_session(
    program: Program, call: AnnouncedCall, announcement: Announcement, report: ImportReport
) -> None:
    time, zone = call.call_time.time, call.call_time.zone
    wanted: dict[str, Any] = {"start_time": time, "time_zone": zone}
    if announcement.length is not None:
        wanted["duration_minutes"] = announcement.length.longest
    when = f"{call.date:%Y-%m-%d} {time:%H:%M} {zone}"
    try:
        session = _session_on(program, call.date, time, zone)
        if session is None:
            session = services.schedule_session(program=program, start_date=call.date, **wanted)
            report.created.append(f"session {session.label} on {when}")
            return
        changed = _changes(session, wanted)
        if changed:
            services.update_session(session=session, **changed)
            report.updated.append(f"session {session.label}: now {when}, {', '.join(changed)}")
        else:
            report.unchanged.append(f"session {session.label}")
    except ValidationError as error:
        raise ValidationError(f"the call on line {call.line_number}: {_messages(error)}") from error


def _session_on(program: Program, date: dt.date, time: dt.time, zone: str) -> ClinicSession | None:
    """The program's session on ``date``: the only one, else the one at this time, else the
    only one without a time yet."""
    same_day = list(program.sessions.select_related("program").filter(start_date=date))
    if len(same_day) <= 1:
        return same_day[0] if same_day else None
    at_time = [s for s in same_day if (s.start_time, s.time_zone) == (time, zone)]
    untimed = [s for s in same_day if s.start_time is None]
    for group in (at_time, untimed):
        if len(group) == 1:
            return group[0]
    raise ValidationError(
        f"{len(same_day)} sessions are on {date:%Y-%m-%d}; cannot tell which one this call is"
    )


def _save_rotation(program: Program, announcement: Announcement, report: ImportReport) -> None:
    slots = list(
        dict.fromkeys(
            WeeklySlot(c.call_time.weekday, c.call_time.time, c.call_time.zone)
            for c in announcement.calls
        )
    )
    if services.rotation_of(program) == slots:
        report.unchanged.append("rotation")
        return
    services.set_rotation(program=program, slots=slots)
    report.updated.append(
        "rotation: "
        + ", then ".join(f"{_WEEKDAY_NAMES[s.weekday]} {s.time:%H:%M} {s.zone}" for s in slots)
    )


_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _note_unstored_facts(announcement: Announcement, report: ImportReport) -> None:
    if announcement.min_staff is not None:
        report.notes.append(
            f"at least {announcement.min_staff} staff per call (staffing warnings always "
            "ask for two)"
        )
    if announcement.frequency:
        report.notes.append(
            f"calls {announcement.frequency}: the program's minimum days between calls are "
            "left as they are"
        )
    if announcement.mailing_list:
        report.notes.append(
            f"announced on the {announcement.mailing_list} mailing list (not stored: programs "
            "have no mailing-list field yet)"
        )
