"""The rules of registration on plain values: when it is open, who gets a seat, when to remind,
when to forget. No ORM; tested without a database."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass


class Availability(enum.StrEnum):
    """Whether a session takes registrations now, and if not, why."""

    OPEN = "open"
    NOT_YET_OPEN = "not-yet-open"
    CLOSED = "closed"  # the organizers closed it, or the deadline passed
    OVER = "over"  # the session has started or ended
    HELD = "held"
    CANCELLED = "cancelled"


class Place(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"


@dataclass(frozen=True, slots=True)
class Window:
    """What decides whether registration is open for one session."""

    is_open: bool  # the organizers' switch
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None  # the deadline as given
    session_status: str  # ClinicSession.Status value
    session_starts_at: dt.datetime | None
    session_date: dt.date | None  # for a session whose time of day is unknown

    @property
    def deadline(self) -> dt.datetime | None:
        """The stated deadline, else the start of the session (or of its day)."""
        if self.closes_at is not None:
            return self.closes_at
        if self.session_starts_at is not None:
            return self.session_starts_at
        if self.session_date is not None:
            return dt.datetime.combine(self.session_date, dt.time(0, 0), tzinfo=dt.UTC)
        return None


def availability(window: Window, now: dt.datetime) -> Availability:
    if window.session_status == "cancelled":
        return Availability.CANCELLED
    if window.session_status == "held":
        return Availability.HELD
    if window.session_starts_at is not None and now >= window.session_starts_at:
        return Availability.OVER
    if not window.is_open:
        return Availability.CLOSED
    if window.opens_at is not None and now < window.opens_at:
        return Availability.NOT_YET_OPEN
    deadline = window.deadline
    if deadline is not None and now >= deadline:
        return Availability.CLOSED
    return Availability.OPEN


def place_for(*, capacity: int | None, confirmed: int) -> Place:
    """A seat while there is one; the waitlist after."""
    if capacity is None or confirmed < capacity:
        return Place.CONFIRMED
    return Place.WAITLISTED


def seats_to_fill(*, capacity: int | None, confirmed: int, waitlisted: int) -> int:
    """How many waitlisted people get a seat now that seats may have freed up."""
    if waitlisted <= 0:
        return 0
    if capacity is None:
        return waitlisted
    return max(0, min(capacity - confirmed, waitlisted))


def is_full(*, capacity: int | None, confirmed: int) -> bool:
    return capacity is not None and confirmed >= capacity


# --- Reminders ---------------------------------------------------------------------------------


def due_reminder(offsets: Sequence[int], *, starts_at: dt.datetime, now: dt.datetime) -> int | None:
    """The reminder to send now (minutes before the start), or None.

    Only the nearest reminder whose time has come is sent: a 24-hour reminder that was missed
    (the worker was down, or the session was moved closer) is not sent an hour before the call,
    where the 1-hour reminder says the same thing better. Nothing is sent once the call started.
    """
    if now >= starts_at:
        return None
    due = [m for m in offsets if m > 0 and starts_at - dt.timedelta(minutes=m) <= now]
    return min(due) if due else None


def reminder_key(offset_minutes: int, starts_at: dt.datetime) -> str:
    """Unique per reminder and per start: a session that moves gets its reminders again."""
    return f"reminder:{offset_minutes}:{starts_at.astimezone(dt.UTC):%Y%m%dT%H%M}"


def needs_reminder(
    *, offset_minutes: int, starts_at: dt.datetime, registered_at: dt.datetime
) -> bool:
    """Someone who registered after a reminder's time has their fresh confirmation instead."""
    return registered_at < starts_at - dt.timedelta(minutes=offset_minutes)


def parse_offsets(text: str) -> list[int]:
    """ "24h, 1h, 30m" or "24, 1" (hours) -> minutes, largest first. Raises ValueError."""
    minutes: list[int] = []
    for raw in text.replace(";", ",").split(","):
        item = raw.strip().lower().replace(" ", "")
        if not item:
            continue
        if item.endswith("min"):
            value, unit = item[:-3], 1
        elif item.endswith("m"):
            value, unit = item[:-1], 1
        elif item.endswith("h"):
            value, unit = item[:-1], 60
        elif item.endswith("d"):
            value, unit = item[:-1], 24 * 60
        else:
            value, unit = item, 60
        if not value.isdigit():
            raise ValueError(raw.strip())
        amount = int(value) * unit
        if not 1 <= amount <= 30 * 24 * 60:
            raise ValueError(raw.strip())
        minutes.append(amount)
    return sorted(set(minutes), reverse=True)


def describe_offset(minutes: int) -> str:
    """1440 -> "24h", 90 -> "90m", 60 -> "1h": the form ``parse_offsets`` reads back."""
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


# --- Retention -----------------------------------------------------------------------------------


def session_end(*, ends_at: dt.datetime | None, session_date: dt.date | None) -> dt.datetime | None:
    """When a session is over for retention: its end, else the end of its day where that day
    ends last (UTC-12), else unknown."""
    if ends_at is not None:
        return ends_at
    if session_date is not None:
        return dt.datetime.combine(
            session_date + dt.timedelta(days=1), dt.time(0, 0), tzinfo=dt.UTC
        ) + dt.timedelta(hours=12)
    return None


def retention_due(*, ended_at: dt.datetime | None, retention_days: int, now: dt.datetime) -> bool:
    if ended_at is None:
        return False
    return now >= ended_at + dt.timedelta(days=retention_days)
