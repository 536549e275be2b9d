"""Every write of the registration app happens here.

Each function is keyword-only, validates its input, owns its transaction and raises
:class:`django.core.exceptions.ValidationError` (keyed by field where one is at fault) with a
message fit for a person. Side effects are listed in each docstring. E-mails are written to the
outbox (:class:`OutboundEmail`) in the transaction that decides them and handed to the task
queue once it commits.

Seats are given out under a lock on the session's :class:`RegistrationSettings` row
(``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite every write transaction begins IMMEDIATE
and so holds the database's write lock), so concurrent registrations are served one at a time
and never give out more seats than there are.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clinicdesk.lib.tz import Fold, TimeProblem, get_zone, is_zone, to_utc
from clinicdesk.outbox import registry as outbox_registry
from clinicdesk.outbox.delivery import Composed, Delivery, Outbox
from clinicdesk.registration import rules, tokens
from clinicdesk.registration import tasks as registration_tasks
from clinicdesk.registration.models import (
    ApiToken,
    CheckIn,
    Headcount,
    ManageToken,
    OutboundEmail,
    ProgramRegistrationSettings,
    Registration,
    RegistrationSettings,
    RegistrationSummary,
    ScheduledChore,
    default_reminder_offsets,
)
from clinicdesk.registration.needs import NeedsAnswer, NeedsSummary, combine, summarize
from clinicdesk.scheduling import services as scheduling
from clinicdesk.scheduling.models import ClinicSession, Person, Program
from clinicdesk.scheduling.timetext import describe_time_problem

logger = logging.getLogger(__name__)

MAX_NAME = 200
MAX_AFFILIATION = 200
MAX_EMAIL = 254
MAX_NOTES = 2000
MAX_TOPIC = 1000
MAX_CAPACITY = 100_000
MAX_REMINDERS = 5
MAX_RETENTION_DAYS = 3650
# Finished runs of this app's tasks are kept this long, for looking into problems.
TASK_RESULTS_KEPT = dt.timedelta(days=7)
CHORES = "registration"


# --- Errors ---------------------------------------------------------------------------------------


class RegistrationRefused(ValidationError):
    """Registration is not possible for this session now; ``availability`` says why."""

    def __init__(self, availability: rules.Availability) -> None:
        super().__init__(refusal_message(availability), code=availability.value)
        self.availability = availability


def refusal_message(availability: rules.Availability) -> str:
    messages = {
        rules.Availability.NOT_YET_OPEN: _("Registration for this session is not open yet."),
        rules.Availability.CLOSED: _("Registration for this session is closed."),
        rules.Availability.OVER: _("This session has already started; registration is over."),
        rules.Availability.HELD: _("This session has already been held."),
        rules.Availability.CANCELLED: _("This session was cancelled."),
        rules.Availability.OPEN: "",
    }
    return messages[availability]


class RegistrationNotOffered(ValidationError):
    def __init__(self) -> None:
        super().__init__(_("This session does not take registrations."), code="not-offered")


# --- What a registrant tells us ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answers:
    """What the registration form collects."""

    name: str
    email: str
    home_time_zone: str
    language: str
    attribution: str
    conduct_acknowledged: bool
    affiliation: str = ""
    interpretation_language: str = ""
    needs_data_package: bool = False
    needs_childcare: bool = False
    accessibility_notes: str = ""
    topic: str = ""
    email_consent: bool = False


# What a registrant may change through the manage link (the address is who they are).
EDITABLE_FIELDS = (
    "name",
    "affiliation",
    "home_time_zone",
    "language",
    "interpretation_language",
    "needs_data_package",
    "needs_childcare",
    "accessibility_notes",
    "attribution",
    "topic",
    "email_consent",
)
_SINGLE_LINE = {"name", "affiliation", "home_time_zone", "language", "interpretation_language"}


def normalize_email(address: str) -> str:
    """The form an address is compared in: one registration per address and session."""
    return address.strip().lower()


def _has_control_characters(text: str, *, multiline: bool) -> bool:
    allowed = {"\n", "\r", "\t"} if multiline else set()
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in text)


def _check_text(field: str, value: Any, limit: int, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise ValidationError({field: _("This must be text.")})
    text = value.strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError(
            {field: _("At most %(limit)d characters, please.") % {"limit": limit}}
        )
    if _has_control_characters(text, multiline=field not in _SINGLE_LINE):
        raise ValidationError({field: _("Please use ordinary characters on one line.")})
    return text


def interface_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _clean_changes(row: RegistrationSettings, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Checks the answers a registrant gives; raises ValidationError keyed by field."""
    session = row.session
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "name":
            cleaned[name] = _check_text(name, value, MAX_NAME, required=True)
        elif name == "affiliation":
            cleaned[name] = _check_text(name, value, MAX_AFFILIATION)
        elif name == "accessibility_notes":
            cleaned[name] = _check_text(name, value, MAX_NOTES)
        elif name == "topic":
            cleaned[name] = _check_text(name, value, MAX_TOPIC)
        elif name == "home_time_zone":
            zone = _check_text(name, value, 64, required=True)
            if not is_zone(zone):
                raise ValidationError(
                    {
                        name: _("“%(zone)s” is not a known time zone (for example Europe/Madrid).")
                        % {"zone": zone}
                    }
                )
            cleaned[name] = zone
        elif name == "language":
            if value not in interface_languages():
                raise ValidationError({name: _("Choose one of the languages in the list.")})
            cleaned[name] = value
        elif name == "interpretation_language":
            if value and value not in session.interpretation_languages:
                raise ValidationError(
                    {name: _("This session does not offer interpretation into that language.")}
                )
            cleaned[name] = value or ""
        elif name == "needs_data_package":
            if value and not row.offers_data_package:
                raise ValidationError(
                    {name: _("This session does not offer internet data packages.")}
                )
            cleaned[name] = bool(value)
        elif name == "needs_childcare":
            if value and not row.offers_childcare:
                raise ValidationError({name: _("This session does not offer childcare.")})
            cleaned[name] = bool(value)
        elif name == "attribution":
            if value not in Person.Attribution.values:
                raise ValidationError({name: _("Choose how you may be named.")})
            cleaned[name] = value
        elif name == "email_consent":
            cleaned[name] = bool(value)
        else:
            raise TypeError(f"not a registrant's answer: {name}")
    return cleaned


# --- Registration settings ---------------------------------------------------------------------


def _window(row: RegistrationSettings) -> rules.Window:
    session = row.session
    return rules.Window(
        is_open=row.is_open,
        opens_at=row.opens_at,
        closes_at=row.closes_at,
        session_status=session.status,
        session_starts_at=session.starts_at,
        session_date=session.start_date,
    )


def availability_of(
    row: RegistrationSettings, now: dt.datetime | None = None
) -> rules.Availability:
    return rules.availability(_window(row), now or timezone.now())


def _derive(
    field_name: str, day: dt.date | None, time: dt.time | None, zone: str, fold: Fold
) -> dt.datetime | None:
    if day is None:
        if time is not None:
            raise ValidationError({field_name: _("A time needs a date.")})
        return None
    if time is None:
        time = dt.time(0, 0) if fold == Fold.FIRST else dt.time(23, 59)
    try:
        return to_utc(dt.datetime.combine(day, time), zone, fold=fold)
    except TimeProblem as problem:
        raise ValidationError({field_name: describe_time_problem(problem)}) from None


@dataclass(frozen=True, slots=True)
class WindowTimes:
    """Registration opening and deadline as typed: wall times in one zone."""

    time_zone: str
    opens_on: dt.date | None = None
    opens_time: dt.time | None = None
    closes_on: dt.date | None = None
    closes_time: dt.time | None = None


def configure_registration(
    *,
    session: ClinicSession,
    is_open: bool = True,
    capacity: int | None = None,
    times: WindowTimes | None = None,
    offers_data_package: bool = True,
    offers_childcare: bool = True,
    now: dt.datetime | None = None,
) -> RegistrationSettings:
    """Opens, closes or changes registration for a session.

    The opening and the deadline are wall times in ``times.time_zone`` (default: the
    session's); a date without a time opens at 00:00 and closes at 23:59 that day. In a
    daylight-saving fold the opening is the first of the two readings and the deadline the
    second (the later, so nobody is cut short); a time in a gap is refused.

    The session's own status is left as it is: registration has its own switch and window,
    which the public pages show.

    Side effects: with more seats (or none set), people on the waitlist get the freed seats
    and are told by e-mail; the program's public pages are rebuilt.
    """
    now = now or timezone.now()
    times = times or WindowTimes(time_zone=session.time_zone)
    try:
        get_zone(times.time_zone)
    except TimeProblem as problem:
        raise ValidationError({"time_zone": describe_time_problem(problem)}) from None
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationError(
            {"capacity": _("Give 1 to %(max)d seats, or none.") % {"max": MAX_CAPACITY}}
        )
    opens_at = _derive("opens_on", times.opens_on, times.opens_time, times.time_zone, Fold.FIRST)
    closes_at = _derive(
        "closes_on", times.closes_on, times.closes_time, times.time_zone, Fold.SECOND
    )
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise ValidationError({"closes_on": _("The deadline must come after the opening.")})
    if closes_at is not None and session.ends_at is not None and closes_at > session.ends_at:
        raise ValidationError({"closes_on": _("The deadline must come before the session ends.")})
    values: dict[str, Any] = {
        "is_open": is_open,
        "capacity": capacity,
        "time_zone": times.time_zone,
        "opens_on": times.opens_on,
        "opens_time": times.opens_time if times.opens_time or not times.opens_on else dt.time(0, 0),
        "closes_on": times.closes_on,
        "closes_time": times.closes_time
        if times.closes_time or not times.closes_on
        else dt.time(23, 59),
        "opens_at": opens_at,
        "closes_at": closes_at,
        "offers_data_package": offers_data_package,
        "offers_childcare": offers_childcare,
    }
    with transaction.atomic():
        RegistrationSettings.objects.get_or_create(
            session=session, defaults={"time_zone": times.time_zone}
        )
        row = _lock_settings(session.pk)
        full_before = rules.is_full(capacity=row.capacity, confirmed=row.confirmed_count)
        for key, value in values.items():
            setattr(row, key, value)
        row.save()
        if _may_promote(row, now):
            _fill_seats(row, now)
        _recount(row)
        _touch_if_fullness_changed(row, full_before, force=True)
    return row


def configure_program(
    *, program: Program, reminder_offsets: Iterable[int], retention_days: int
) -> ProgramRegistrationSettings:
    """Sets when registrants are reminded (minutes before a session) and how many days after a
    session their answers are kept. Side effects: none until the next periodic run."""
    offsets = sorted({int(m) for m in reminder_offsets}, reverse=True)
    if len(offsets) > MAX_REMINDERS or any(not 1 <= m <= 30 * 24 * 60 for m in offsets):
        raise ValidationError(
            {
                "reminder_offsets": _(
                    "Give at most %(count)d reminders, each between one minute and 30 days "
                    "before the session."
                )
                % {"count": MAX_REMINDERS}
            }
        )
    if not 1 <= retention_days <= MAX_RETENTION_DAYS:
        raise ValidationError(
            {"retention_days": _("Keep answers 1 to %(max)d days.") % {"max": MAX_RETENTION_DAYS}}
        )
    row, _created = ProgramRegistrationSettings.objects.update_or_create(
        program=program,
        defaults={"reminder_offsets": offsets, "retention_days": retention_days},
    )
    return row


# --- Seats ---------------------------------------------------------------------------------------


def _lock_settings(session_id: int, session: ClinicSession | None = None) -> RegistrationSettings:
    """The session's settings row, locked until the transaction ends (only that row: the
    session, and its program, are read along, not locked). The session is read again under
    the lock, so that its status is current; a caller that has its program passes the
    session, and the program is not read again."""
    rows = RegistrationSettings.objects.select_for_update(of=("self",))
    try:
        if session is not None and ClinicSession.program.is_cached(session):
            row = rows.select_related("session").get(session_id=session_id)
            row.session.program = session.program
            return row
        return rows.select_related("session", "session__program").get(session_id=session_id)
    except RegistrationSettings.DoesNotExist:
        raise RegistrationNotOffered from None


def _recount(row: RegistrationSettings) -> None:
    counts = dict(
        Registration.objects.filter(session_id=row.session_id)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    confirmed = counts.get(Registration.Status.CONFIRMED, 0)
    waitlisted = counts.get(Registration.Status.WAITLISTED, 0)
    if (row.confirmed_count, row.waitlisted_count) != (confirmed, waitlisted):
        row.confirmed_count, row.waitlisted_count = confirmed, waitlisted
        # Counts only: ``updated_at`` dates the settings (the cached form fragment follows it).
        row.save(update_fields=["confirmed_count", "waitlisted_count"])


def _may_promote(row: RegistrationSettings, now: dt.datetime) -> bool:
    state = availability_of(row, now)
    return state not in {
        rules.Availability.OVER,
        rules.Availability.HELD,
        rules.Availability.CANCELLED,
    }


def _fill_seats(row: RegistrationSettings, now: dt.datetime) -> list[Registration]:
    """Gives free seats to the waitlist, earliest first, and tells each person."""
    confirmed = Registration.objects.filter(
        session_id=row.session_id, status=Registration.Status.CONFIRMED
    ).count()
    waiting = Registration.objects.filter(
        session_id=row.session_id, status=Registration.Status.WAITLISTED
    )
    count = rules.seats_to_fill(
        capacity=row.capacity, confirmed=confirmed, waitlisted=waiting.count()
    )
    promoted = list(waiting.order_by("queued_at", "pk")[:count]) if count else []
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at", "updated_at"])
        _queue_email(registration, OutboundEmail.Kind.PROMOTED)
    return promoted


def _touch_if_fullness_changed(
    row: RegistrationSettings, full_before: bool, *, force: bool = False
) -> None:
    """Public pages say whether seats are left; they are rebuilt only when that changes (the
    exact count is on the session page, which is never cached while the form is on it)."""
    full_after = rules.is_full(capacity=row.capacity, confirmed=row.confirmed_count)
    if force or full_after != full_before:
        scheduling.touch_program(row.session.program_id)


@dataclass(frozen=True, slots=True)
class RegistrationResult:
    registration: Registration
    outcome: str  # "confirmed", "waitlisted", "updated" or "unchanged"


def register(
    *, session: ClinicSession, answers: Answers, now: dt.datetime | None = None
) -> RegistrationResult:
    """Registers someone for a session: a seat while there is one, the waitlist after.

    The same address registering again for the same session updates its one registration
    (a confirmed seat stays confirmed) and is told by e-mail; a registration that was
    cancelled takes its place again at the end of the line.

    Raises :class:`RegistrationNotOffered` for a session without registration,
    :class:`RegistrationRefused` outside the registration window, ValidationError for answers.

    Side effects: a confirmation, waitlist or update e-mail; the program's public pages are
    rebuilt when the session becomes full.
    """
    now = now or timezone.now()
    if not answers.conduct_acknowledged:
        raise ValidationError(
            {"conduct_acknowledged": _("Please read and accept the program's expected conduct.")}
        )
    email = _check_text("email", answers.email, MAX_EMAIL, required=True)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    given = {name: getattr(answers, name) for name in EDITABLE_FIELDS}
    with transaction.atomic():
        row = _lock_settings(session.pk, session)
        state = availability_of(row, now)
        if state != rules.Availability.OPEN:
            raise RegistrationRefused(state)
        cleaned = _clean_changes(row, given)
        key = normalize_email(email)
        # One query: the counts that decide the seat, and whether this address is known.
        counts = Registration.objects.filter(session_id=session.pk).aggregate(
            confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
            waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
            existing=Max("pk", filter=Q(email_key=key)),
        )
        existing = Registration.objects.get(pk=counts["existing"]) if counts["existing"] else None
        if existing is not None and existing.is_active:
            changed = _apply(existing, cleaned)
            if not changed:
                return RegistrationResult(existing, "unchanged")
            existing.save(update_fields=[*changed, "updated_at"])
            _follow_consent(existing, changed)
            _queue_email(existing, OutboundEmail.Kind.UPDATED)
            return RegistrationResult(existing, "updated")
        confirmed, waitlisted = counts["confirmed"], counts["waitlisted"]
        place = rules.place_for(capacity=row.capacity, confirmed=confirmed)
        full_before = rules.is_full(capacity=row.capacity, confirmed=confirmed)
        status = Registration.Status(place.value)
        registration = existing or Registration(session=session, email_key=key)
        _apply(registration, cleaned)
        registration.email = email
        registration.status = status
        registration.queued_at = now
        registration.conduct_acknowledged_at = now
        registration.confirmed_at = now if status == Registration.Status.CONFIRMED else None
        registration.cancelled_at = None
        # The answers were checked above; this checks the rest of the row (lengths, choices)
        # without a query for the session it belongs to, which is locked already.
        registration.clean_fields(exclude=["session", "person"])
        registration.save()
        # The counts were taken under the lock a moment ago: one more, in its place.
        if status == Registration.Status.CONFIRMED:
            confirmed += 1
        else:
            waitlisted += 1
        row.confirmed_count, row.waitlisted_count = confirmed, waitlisted
        row.save(update_fields=["confirmed_count", "waitlisted_count"])
        _queue_email(
            registration,
            OutboundEmail.Kind.CONFIRMATION
            if status == Registration.Status.CONFIRMED
            else OutboundEmail.Kind.WAITLISTED,
        )
        _touch_if_fullness_changed(row, full_before)
    return RegistrationResult(registration, place.value)


def _apply(registration: Registration, cleaned: Mapping[str, Any]) -> list[str]:
    changed = []
    for name, value in cleaned.items():
        if getattr(registration, name) != value:
            setattr(registration, name, value)
            changed.append(name)
    return changed


def _follow_consent(registration: Registration, changed: Iterable[str]) -> None:
    """A registrant who was checked in is a Person that digests name: their consent follows
    what they say on the manage link."""
    if "attribution" in changed and registration.person is not None:
        scheduling.set_attribution_consent(
            person=registration.person, consent=registration.attribution
        )


def update_registration(
    *, registration: Registration, changes: Mapping[str, Any], now: dt.datetime | None = None
) -> Registration:
    """Changes a registrant's needs and preferences (from their manage link) until the session
    starts. Side effect: a checked-in registrant's attribution consent follows the change."""
    now = now or timezone.now()
    with transaction.atomic():
        row = _lock_settings(registration.session_id)
        current = Registration.objects.select_related("person").get(pk=registration.pk)
        state = availability_of(row, now)
        if state in {
            rules.Availability.OVER,
            rules.Availability.HELD,
            rules.Availability.CANCELLED,
        }:
            raise RegistrationRefused(state)
        if not current.is_active:
            raise ValidationError(
                _("This registration was cancelled. Register again on the session page.")
            )
        changed = _apply(current, _clean_changes(row, changes))
        if changed:
            current.save(update_fields=[*changed, "updated_at"])
            _follow_consent(current, changed)
    return current


def cancel_registration(
    *, registration: Registration, now: dt.datetime | None = None
) -> Registration:
    """Gives up a registration. Cancelling twice changes nothing.

    Side effects: a cancellation e-mail; a freed seat goes to the first person on the waitlist,
    who is told by e-mail; the program's public pages are rebuilt when the session stops being
    full.
    """
    now = now or timezone.now()
    with transaction.atomic():
        row = _lock_settings(registration.session_id)
        current = Registration.objects.get(pk=registration.pk)
        if not current.is_active:
            return current
        state = availability_of(row, now)
        if state in {rules.Availability.OVER, rules.Availability.HELD}:
            raise RegistrationRefused(state)
        full_before = rules.is_full(capacity=row.capacity, confirmed=row.confirmed_count)
        current.status = Registration.Status.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at", "updated_at"])
        if _may_promote(row, now):
            _fill_seats(row, now)
        _recount(row)
        _queue_email(current, OutboundEmail.Kind.CANCELLED)
        _touch_if_fullness_changed(row, full_before)
    return current


def delete_registration(*, registration: Registration, now: dt.datetime | None = None) -> None:
    """Deletes a registration and everything it said, at the registrant's request.

    Side effects: a freed seat goes to the waitlist (who is told); a check-in stays counted
    without a name; a Person made at check-in is set to be named anonymously; pending e-mails
    to the registrant are dropped; the program's public pages are rebuilt when the session
    stops being full.
    """
    now = now or timezone.now()
    with transaction.atomic():
        row = _lock_settings(registration.session_id)
        current = Registration.objects.select_related("person").filter(pk=registration.pk).first()
        if current is None:
            return
        full_before = rules.is_full(capacity=row.capacity, confirmed=row.confirmed_count)
        was_active = current.is_active
        CheckIn.objects.filter(registration=current).update(registration=None, name="")
        if current.person is not None:
            scheduling.set_attribution_consent(
                person=current.person, consent=Person.Attribution.ANONYMOUS
            )
        current.delete()
        if was_active and _may_promote(row, now):
            _fill_seats(row, now)
        _recount(row)
        _touch_if_fullness_changed(row, full_before)


# --- The private manage link ---------------------------------------------------------------------


def mint_manage_token(*, registration: Registration) -> str:
    """A new manage link token for the registration; only its digest is stored."""
    token, digest = tokens.new_token()
    ManageToken.objects.create(registration=registration, digest=digest)
    return token


def registration_for_token(token: str) -> Registration | None:
    """The registration a manage link opens, or None for a wrong or expired token."""
    if not tokens.is_well_formed(token):
        return None
    digest = tokens.digest_of(token)
    found = (
        ManageToken.objects.select_related(
            "registration", "registration__session", "registration__session__program"
        )
        .filter(digest=digest)
        .first()
    )
    if found is None or not tokens.matches(found.digest, token):
        return None
    return found.registration


# --- The outbox ----------------------------------------------------------------------------------


def _queue_email(registration: Registration, kind: str, key: str = "") -> OutboundEmail:
    """Writes the e-mail to the outbox and hands it to the task queue (in the same
    transaction with the database task backend: see ``outbox.delivery.Outbox.queue``)."""
    email = OutboundEmail.objects.create(
        registration=registration, kind=kind, key=key, next_attempt_at=timezone.now()
    )
    OUTBOX.queue(email.pk)
    return email


def _still_wanted(email: OutboundEmail, now: dt.datetime) -> bool:
    registration = email.registration
    session = registration.session
    kinds = OutboundEmail.Kind
    if email.kind == kinds.CANCELLED:
        return registration.status == Registration.Status.CANCELLED
    if email.kind == kinds.SESSION_CANCELLED:
        return session.status == ClinicSession.Status.CANCELLED and registration.is_active
    if session.status == ClinicSession.Status.CANCELLED:
        return False
    if email.kind in {kinds.CONFIRMATION, kinds.PROMOTED}:
        return registration.status == Registration.Status.CONFIRMED
    if email.kind == kinds.WAITLISTED:
        return registration.status == Registration.Status.WAITLISTED
    if email.kind == kinds.REMINDER:
        return (
            registration.status == Registration.Status.CONFIRMED
            and registration.email_consent
            and session.starts_at is not None
            and session.starts_at > now
        )
    return registration.is_active


def _compose(email: OutboundEmail) -> Composed:
    """The e-mail with a new manage link of its own, forgotten again if sending fails."""
    from clinicdesk.registration import emails  # renders templates: an interface, kept apart

    token = mint_manage_token(registration=email.registration)

    def forget_token() -> None:
        ManageToken.objects.filter(digest=tokens.digest_of(token)).delete()

    try:
        return Composed(emails.compose(email, manage_token=token), undo=forget_token)
    except Exception:
        forget_token()
        raise


OUTBOX: Outbox[OutboundEmail] = Outbox(
    model=OutboundEmail,
    compose=_compose,
    task=registration_tasks.deliver_email,
    still_wanted=_still_wanted,
    select_related=("registration__session__program",),
)


def deliver_email(*, email_id: int, now: dt.datetime | None = None) -> Delivery:
    """Sends one outbox e-mail, with a new manage link of its own (``outbox.Outbox.deliver``:
    claimed once, skipped when no longer wanted, retried with backoff, then failed and kept).

    Side effects: an e-mail; a manage token; a task queued for the next attempt on failure.
    """
    return OUTBOX.deliver(email_id, now=now)


def retry_email(*, email: OutboundEmail) -> OutboundEmail:
    """Sends a failed e-mail again now, with a fresh count of attempts (an organizer's
    decision, after fixing what made it fail). Side effect: a delivery task."""
    return OUTBOX.retry(email)


def requeue_stalled_emails(*, now: dt.datetime | None = None) -> int:
    """Hands the queue again any e-mail it lost: waiting long past its time, or claimed by a
    worker that stopped mid-send. Side effect: delivery tasks."""
    return OUTBOX.requeue_stalled(now=now)


# --- Reminders -----------------------------------------------------------------------------------


def queue_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Queues the reminders whose time has come, to confirmed registrants who asked for them.

    Side effect: reminder e-mails (each at most once per registrant, reminder and start time).
    """
    now = now or timezone.now()
    offsets_by_program = dict(
        ProgramRegistrationSettings.objects.values_list("program_id", "reminder_offsets")
    )
    default = default_reminder_offsets()
    horizon = max([*default, *(m for o in offsets_by_program.values() for m in o)], default=0)
    sessions = ClinicSession.objects.filter(
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(minutes=horizon),
        registration_settings__isnull=False,
    ).exclude(status__in=[ClinicSession.Status.CANCELLED, ClinicSession.Status.HELD])
    queued = 0
    for session in sessions:
        assert session.starts_at is not None  # noqa: S101 - filtered above
        offsets = offsets_by_program.get(session.program_id, default)
        offset = rules.due_reminder(offsets, starts_at=session.starts_at, now=now)
        if offset is None:
            continue
        key = rules.reminder_key(offset, session.starts_at)
        candidates = (
            Registration.objects.filter(
                session=session, status=Registration.Status.CONFIRMED, email_consent=True
            )
            .exclude(emails__key=key)
            .only("pk", "confirmed_at", "created_at")
        )
        with transaction.atomic():
            for registration in candidates:
                registered = registration.confirmed_at or registration.created_at
                if not rules.needs_reminder(
                    offset_minutes=offset, starts_at=session.starts_at, registered_at=registered
                ):
                    continue
                try:
                    with transaction.atomic():
                        _queue_email(registration, OutboundEmail.Kind.REMINDER, key)
                except IntegrityError:  # another run queued it a moment ago
                    continue
                queued += 1
    return queued


SESSION_CANCELLED_KEY = "session-cancelled"


def notify_cancelled_sessions(*, now: dt.datetime | None = None) -> int:
    """Tells everyone registered for a session the organizers cancelled (and that has not
    happened yet), once. Side effect: those e-mails."""
    now = now or timezone.now()
    today = now.astimezone(dt.UTC).date()
    people = (
        Registration.objects.filter(session__status=ClinicSession.Status.CANCELLED)
        .filter(Q(session__starts_at__gt=now) | Q(session__starts_at__isnull=True))
        .exclude(session__start_date__lt=today)
        .exclude(status=Registration.Status.CANCELLED)
        .exclude(emails__key=SESSION_CANCELLED_KEY)
        .only("pk")
    )
    queued = 0
    with transaction.atomic():
        for registration in people:
            try:
                with transaction.atomic():
                    _queue_email(
                        registration, OutboundEmail.Kind.SESSION_CANCELLED, SESSION_CANCELLED_KEY
                    )
            except IntegrityError:  # another run queued it a moment ago
                continue
            queued += 1
    return queued


# --- Attendance ----------------------------------------------------------------------------------


def _recount_check_ins(session: ClinicSession) -> Headcount:
    counts = dict(
        CheckIn.objects.filter(session=session)
        .order_by()
        .values_list("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    headcount, _created = Headcount.objects.get_or_create(session=session)
    headcount.checked_in_staff = counts.get(Person.Role.STAFF, 0)
    headcount.checked_in_volunteers = counts.get(Person.Role.VOLUNTEER, 0)
    headcount.save(update_fields=["checked_in_staff", "checked_in_volunteers", "updated_at"])
    return headcount


def _check_role(role: str) -> str:
    if role not in Person.Role.values:
        raise ValidationError({"role": _("Choose staff or volunteer.")})
    return role


def check_in_registration(*, registration: Registration, role: str) -> CheckIn:
    """Records that a registrant came. They become a Person (named as far as they agreed), so
    that the digest can quote them. Checking in again only changes the role.

    Side effects: the headcount is recounted; the program's public pages are rebuilt.
    """
    role = _check_role(role)
    with transaction.atomic():
        current = Registration.objects.select_related("session", "person").get(pk=registration.pk)
        if current.person is None:
            current.person = scheduling.create_person(
                name=current.name,
                role=role,
                affiliation=current.affiliation,
                attribution_consent=current.attribution,
            )
            current.save(update_fields=["person", "updated_at"])
        check_in, created = CheckIn.objects.get_or_create(
            registration=current,
            defaults={
                "session": current.session,
                "person": current.person,
                "name": current.name,
                "role": role,
            },
        )
        if not created and check_in.role != role:
            check_in.role = role
            check_in.save(update_fields=["role"])
        _recount_check_ins(current.session)
        scheduling.touch_program(current.session.program_id)
    return check_in


def check_in_host(*, session: ClinicSession, person: Person) -> CheckIn:
    """Records that one of the session's hosts was on the call, in their own role.

    Side effects: the headcount is recounted; the program's public pages are rebuilt."""
    if not session.hosts.filter(pk=person.pk).exists():
        raise ValidationError({"person": _("Only the session's hosts can be checked in here.")})
    with transaction.atomic():
        check_in, _created = CheckIn.objects.get_or_create(
            session=session,
            person=person,
            defaults={"name": person.name, "role": person.role},
        )
        _recount_check_ins(session)
        scheduling.touch_program(session.program_id)
    return check_in


def add_walk_in(*, session: ClinicSession, name: str, role: str) -> CheckIn:
    """Records someone who came without registering.

    Side effects: the headcount is recounted; the program's public pages are rebuilt."""
    name = _check_text("name", name, MAX_NAME, required=True)
    role = _check_role(role)
    with transaction.atomic():
        check_in = CheckIn.objects.create(session=session, name=name, role=role)
        _recount_check_ins(session)
        scheduling.touch_program(session.program_id)
    return check_in


def remove_check_in(*, check_in: CheckIn) -> None:
    """Undoes a check-in. Side effects: the headcount is recounted; public pages rebuilt."""
    session = check_in.session
    with transaction.atomic():
        check_in.delete()
        _recount_check_ins(session)
        scheduling.touch_program(session.program_id)


def record_headcount(
    *, session: ClinicSession, staff: int | None, volunteers: int | None
) -> Headcount:
    """Records the headcount by role counted by hand ("7 staff and 10 volunteers"); two empty
    numbers go back to counting the check-ins. Side effect: public pages are rebuilt."""
    if (staff is None) != (volunteers is None):
        raise ValidationError(_("Give both numbers, or neither to count the check-ins."))
    for name, value in (("staff", staff), ("volunteers", volunteers)):
        if value is not None and not 0 <= value <= MAX_CAPACITY:
            raise ValidationError(
                {name: _("Give a number from 0 to %(max)d.") % {"max": MAX_CAPACITY}}
            )
    with transaction.atomic():
        headcount, _created = Headcount.objects.get_or_create(session=session)
        headcount.counted_staff = staff
        headcount.counted_volunteers = volunteers
        headcount.save(update_fields=["counted_staff", "counted_volunteers", "updated_at"])
        scheduling.touch_program(session.program_id)
    return headcount


def has_started(session: ClinicSession, now: dt.datetime) -> bool:
    if session.starts_at is not None:
        return session.starts_at <= now
    return session.start_date is not None and session.start_date <= now.astimezone(dt.UTC).date()


def mark_held(*, session: ClinicSession, now: dt.datetime | None = None) -> ClinicSession:
    """Marks a session that has started as held: registration ends and the public page shows
    its headcount. Side effects: as ``scheduling.services.update_session``."""
    now = now or timezone.now()
    if session.status == ClinicSession.Status.CANCELLED:
        raise ValidationError(_("A cancelled session cannot be marked as held."))
    if not has_started(session, now):
        raise ValidationError(_("A session can be marked as held once it has started."))
    if session.status == ClinicSession.Status.HELD:
        return session
    return scheduling.update_session(session=session, status=ClinicSession.Status.HELD)


# --- Retention -------------------------------------------------------------------------------


@dataclass
class RetentionReport:
    sessions: list[str] = field(default_factory=list)
    registrations_deleted: int = 0
    check_ins_deleted: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "sessions": self.sessions,
            "registrations_deleted": self.registrations_deleted,
            "check_ins_deleted": self.check_ins_deleted,
        }


def _answers_of(session: ClinicSession) -> list[NeedsAnswer]:
    rows = Registration.objects.filter(session=session).values_list(
        "status",
        "interpretation_language",
        "needs_data_package",
        "needs_childcare",
        "accessibility_notes",
    )
    return [NeedsAnswer(s, lang, data, child, bool(notes)) for s, lang, data, child, notes in rows]


def erase_session_data(
    *, session: ClinicSession, now: dt.datetime | None = None
) -> tuple[int, int]:
    """Deletes a session's registrations (contact details, needs answers, topics, manage links,
    e-mails) and the names of its check-ins, after storing their aggregate counts.

    Returns the numbers of registrations and check-ins deleted. People made at check-in stay,
    as digests may name them as far as they agreed. Side effects: none beyond the deletions.
    """
    now = now or timezone.now()
    with transaction.atomic():
        live = summarize(_answers_of(session))
        summary = RegistrationSummary.objects.filter(session=session).first()
        stored = NeedsSummary.from_dict(summary.needs) if summary else NeedsSummary()
        registrations = Registration.objects.filter(session=session)
        check_ins = CheckIn.objects.filter(session=session)
        registration_count = registrations.count()
        check_in_count = check_ins.count()
        headcount = Headcount.objects.filter(session=session).first()
        if headcount is not None and not headcount.is_counted_by_hand and check_in_count:
            # The count of the check-ins outlives them.
            headcount.counted_staff = headcount.checked_in_staff
            headcount.counted_volunteers = headcount.checked_in_volunteers
            headcount.save(update_fields=["counted_staff", "counted_volunteers", "updated_at"])
        RegistrationSummary.objects.update_or_create(
            session=session,
            defaults={
                "needs": combine([stored, live]).as_dict(),
                "registrations_deleted": (summary.registrations_deleted if summary else 0)
                + registration_count,
                "check_ins_deleted": (summary.check_ins_deleted if summary else 0) + check_in_count,
                "erased_at": now,
            },
        )
        check_ins.delete()
        registrations.delete()
    return registration_count, check_in_count


def apply_retention(
    *, now: dt.datetime | None = None, program: Program | None = None
) -> RetentionReport:
    """Erases the registration data of every session (of ``program``, or all) whose
    retention period has passed: the program's ``retention_days`` after the session ended.
    Running it again deletes nothing more. Side effects: as :func:`erase_session_data`."""
    now = now or timezone.now()
    retention = dict(
        ProgramRegistrationSettings.objects.values_list("program_id", "retention_days")
    )
    sessions = ClinicSession.objects.filter(
        Q(pk__in=Registration.objects.values("session_id"))
        | Q(pk__in=CheckIn.objects.values("session_id"))
    ).select_related("program")
    if program is not None:
        sessions = sessions.filter(program=program)
    report = RetentionReport()
    for session in sessions.order_by("program_id", "number"):
        ended = rules.session_end(ends_at=session.ends_at, session_date=session.start_date)
        days = retention.get(session.program_id, settings.REGISTRATION_RETENTION_DAYS)
        if not rules.retention_due(ended_at=ended, retention_days=days, now=now):
            continue
        registrations, check_ins = erase_session_data(session=session, now=now)
        report.sessions.append(f"{session.program.slug} {session.label}")
        report.registrations_deleted += registrations
        report.check_ins_deleted += check_ins
    return report


# --- Periodic chores ----------------------------------------------------------------------------


def prune_task_results(*, now: dt.datetime | None = None) -> int:
    """Deletes this app's finished task results older than a week (the outbox keeps what
    matters about each e-mail)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    deleted, _kinds = DBTaskResult.objects.filter(
        task_path__startswith="clinicdesk.registration.",
        status=TaskResultStatus.SUCCESSFUL,
        finished_at__lt=now - TASK_RESULTS_KEPT,
    ).delete()
    return deleted


def run_chores(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """The periodic work: reminders, notices of cancelled sessions, the e-mail sweep of every
    app's outbox (``outbox.registry``), retention, old task results.
    Side effects: those of each; the chore's row records the run."""
    now = now or timezone.now()
    report: dict[str, Any] = {
        "reminders_queued": queue_due_reminders(now=now),
        "cancelled_sessions_told": notify_cancelled_sessions(now=now),
        # Every app's outbox, not only registration's: each registers it in its ready().
        "emails_requeued": outbox_registry.requeue_stalled_everywhere(now=now),
        "retention": apply_retention(now=now).as_dict(),
        "task_results_pruned": prune_task_results(now=now),
    }
    ScheduledChore.objects.update_or_create(
        name=CHORES, defaults={"last_run_at": now, "last_report": report}
    )
    return report


def schedule_chores(*, delay_seconds: int = 0, now: dt.datetime | None = None) -> bool:
    """Queues the next run of the periodic chores, unless one is already waiting.

    Called when the app starts (``manage.py schedule_chores``, which ``serve`` runs) and at
    the end of each run. Returns whether a run was queued. Only the database task backend
    keeps a run for later; with any other the chores are left to ``manage.py run_chores``.
    """
    from django_tasks import task_backends
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from clinicdesk.registration.tasks import run_periodic_chores

    if not isinstance(task_backends[run_periodic_chores.backend], DatabaseBackend):
        return False
    now = now or timezone.now()
    run_after = now + dt.timedelta(seconds=delay_seconds)
    with transaction.atomic():
        try:
            with transaction.atomic():
                ScheduledChore.objects.get_or_create(name=CHORES)
        except IntegrityError:  # made by another process a moment ago
            pass
        chore = ScheduledChore.objects.select_for_update().get(name=CHORES)
        waiting = DBTaskResult.objects.filter(
            task_path=run_periodic_chores.module_path, status=TaskResultStatus.READY
        ).exists()
        if waiting:
            return False
        run_periodic_chores.using(run_after=run_after).enqueue()
        chore.next_run_at = run_after
        chore.save(update_fields=["next_run_at"])
    return True


# --- API tokens ----------------------------------------------------------------------------------


def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token for ``user``; the token itself is returned once and never stored."""
    name = _check_text("name", name, 100, required=True)
    token, digest = tokens.new_token()
    row = ApiToken.objects.create(user=user, name=name, digest=digest, prefix=token[:6])
    return row, token


def revoke_api_token(*, api_token: ApiToken, now: dt.datetime | None = None) -> ApiToken:
    """Stops a token from working. Revoking twice changes nothing."""
    if api_token.revoked_at is None:
        api_token.revoked_at = now or timezone.now()
        api_token.save(update_fields=["revoked_at"])
    return api_token


def user_for_api_token(token: str, *, now: dt.datetime | None = None) -> User | None:
    """The user a bearer token stands for, or None. Records when it was last used (at most
    once a minute, to keep reads from writing)."""
    if not tokens.is_well_formed(token):
        return None
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=tokens.digest_of(token), revoked_at__isnull=True)
        .first()
    )
    if found is None or not tokens.matches(found.digest, token) or not found.user.is_active:
        return None
    now = now or timezone.now()
    if found.last_used_at is None or now - found.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user
