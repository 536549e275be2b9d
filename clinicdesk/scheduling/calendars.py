"""iCalendar files: one per session and a feed per program.

``build_calendar`` is pure: it takes :class:`CalendarEvent` values and returns the bytes of a
VCALENDAR. Events keep their local wall time and zone (with VTIMEZONE definitions), so a
client shows the right instant across daylight-saving changes. The views only load sessions,
turn them into events and add the content type and file name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import icalendar
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clinicdesk.core.pagecache import cached_public_page
from clinicdesk.lib.tz import get_zone
from clinicdesk.scheduling import queries
from clinicdesk.scheduling.models import ClinicSession

PRODID = "-//clinicdesk//clinicdesk//EN"


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    uid: str
    summary: str
    sequence: int
    stamp: dt.datetime
    cancelled: bool
    url: str
    description: str
    location: str = ""
    start: dt.datetime | None = None  # aware, in the session's own zone
    duration: dt.timedelta | None = None
    day: dt.date | None = None  # for a session whose time of day is not known


def _calendar_start(start: dt.datetime) -> dt.datetime:
    """The start as written: local with its zone, except the second reading of a repeated wall
    time, which RFC 5545 (3.3.5) would read as the first; that one is written in UTC."""
    if start.fold and start.replace(fold=0).utcoffset() != start.utcoffset():
        return start.astimezone(dt.UTC)
    return start


def build_calendar(
    events: Sequence[CalendarEvent], *, name: str, method: str | None = None
) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    first, last = dt.date.max, dt.date.min
    for event in events:
        component = icalendar.Event()
        component.add("uid", event.uid)
        component.add("summary", event.summary)
        component.add("sequence", event.sequence)
        component.add("dtstamp", event.stamp.astimezone(dt.UTC))
        component.add("last-modified", event.stamp.astimezone(dt.UTC))
        component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
        component.add("url", event.url)
        component.add("description", event.description)
        if event.location:
            component.add("location", event.location)
        if event.start is not None:
            component.add("dtstart", _calendar_start(event.start))
            component.add("duration", event.duration or dt.timedelta(minutes=60))
            day = event.start.date()
        elif event.day is not None:
            component.add("dtstart", event.day)
            component.add("dtend", event.day + dt.timedelta(days=1))
            day = event.day
        else:
            # No day yet (only the month known, or the date to be discussed): a calendar
            # event needs one, and a guessed day would sit in people's calendars as a fact.
            continue
        first, last = min(first, day), max(last, day)
        calendar.add_component(component)
    if first <= last:
        calendar.add_missing_timezones(
            first_date=first - dt.timedelta(days=366), last_date=last + dt.timedelta(days=366)
        )
    return bytes(calendar.to_ical())


def session_event(session: ClinicSession, page_url: str) -> CalendarEvent:
    lines = [session.display_title]
    for segment in session.segments.all():
        values = {
            "offset": segment.start_offset_minutes,
            "title": segment.title,
            "presenter": segment.presenter,
        }
        if segment.presenter:
            # Translators: a line of a calendar event's description, e.g. "+10 min: Lua (Ana)".
            line = _("+%(offset)d min: %(title)s (%(presenter)s)") % values
        else:
            # Translators: a line of a calendar event's description, e.g. "+10 min: Lua".
            line = _("+%(offset)d min: %(title)s") % values
        lines.append(line)
    if session.meeting_url:
        lines.append(session.meeting_url)
    lines.append(page_url)
    start = None
    if session.starts_at is not None:
        start = session.starts_at.astimezone(get_zone(session.time_zone))
    return CalendarEvent(
        uid=f"{session.uid}@clinicdesk",
        summary=session.display_title,
        sequence=session.sequence,
        stamp=session.updated_at,
        cancelled=session.is_cancelled,
        url=page_url,
        description="\n".join(lines),
        location=session.meeting_url,
        start=start,
        duration=dt.timedelta(minutes=session.duration_minutes),
        day=session.start_date if start is None else None,
    )


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _program_version(request: HttpRequest, slug: str, **_: object) -> int | None:
    return queries.content_version(slug)


@require_GET
@cached_public_page(_program_version)
def session_calendar_view(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = queries.get_public_session(slug, number)
    event = session_event(session, request.build_absolute_uri(session.get_absolute_url()))
    body = build_calendar([event], name=session.display_title, method="PUBLISH")
    return _ics_response(body, f"{slug}-{number:03d}.ics")


@require_GET
@cached_public_page(_program_version)
def program_calendar_view(request: HttpRequest, slug: str) -> HttpResponse:
    program = queries.get_public_program(slug)
    base = request.build_absolute_uri("/")[:-1]
    sessions = queries.sessions_of(program, with_hosts=False)
    events = [session_event(s, base + s.get_absolute_url()) for s in sessions]
    return _ics_response(build_calendar(events, name=program.name), f"{slug}.ics")
