"""E-mails to registrants. Each is three templates under ``templates/registration/emails/``
(``<kind>-subject.txt``, ``<kind>-body.txt``, ``<kind>-body.html``), rendered in the
registrant's language into the outbox's :class:`~clinicdesk.outbox.emails.Email`, which
leaves through the outbox (``services.OUTBOX``).

Whatever a person typed is text: the HTML body escapes it, the text body and the subject are
plain text (templates there turn autoescaping off), and no field a registrant controls goes
into a header.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clinicdesk.lib.formats import describe_date, describe_instant
from clinicdesk.lib.languages import language_name
from clinicdesk.outbox.emails import Attachment, Email, render
from clinicdesk.registration.models import OutboundEmail, Registration
from clinicdesk.scheduling.calendars import build_calendar, session_event
from clinicdesk.scheduling.timetext import describe_undated

# --- What each e-mail says -------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _reminder_minutes(key: str) -> int | None:
    parts = key.split(":")
    if len(parts) >= 2 and parts[0] == "reminder" and parts[1].isdigit():
        return int(parts[1])
    return None


def _starts_in(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        if days == 1:
            return _("in 24 hours")
        return ngettext("in %(count)d day", "in %(count)d days", days) % {"count": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("in %(count)d hour", "in %(count)d hours", hours) % {"count": hours}
    return ngettext("in %(count)d minute", "in %(count)d minutes", minutes) % {"count": minutes}


def _needs(registration: Registration) -> list[str]:
    needs = []
    if registration.interpretation_language:
        needs.append(
            _("Interpretation into %(language)s")
            % {
                "language": language_name(
                    registration.interpretation_language, registration.language
                )
            }
        )
    if registration.needs_data_package:
        needs.append(_("An internet data package"))
    if registration.needs_childcare:
        needs.append(_("Childcare"))
    if registration.accessibility_notes:
        needs.append(_("Accessibility: %(notes)s") % {"notes": registration.accessibility_notes})
    return needs


def compose(outbound: OutboundEmail, *, manage_token: str) -> Email:
    """The e-mail an outbox row stands for, with ``manage_token`` in its manage link."""
    registration = outbound.registration
    session = registration.session
    program = session.program
    language = registration.language or settings.LANGUAGE_CODE
    kinds = OutboundEmail.Kind
    with translation.override(language):
        manage_url = _absolute(reverse("registration:manage", kwargs={"token": manage_token}))
        session_url = _absolute(session.get_absolute_url())
        when = when_in_session_zone = None
        day = undated = ""
        if session.starts_at is not None:
            when = describe_instant(session.starts_at, registration.home_time_zone, language)
            if session.time_zone != registration.home_time_zone:
                when_in_session_zone = describe_instant(
                    session.starts_at, session.time_zone, language
                )
        elif session.start_date is not None:
            day = describe_date(session.start_date, language)
        else:
            undated = describe_undated(session.date_precision, session.start_month, language)
        is_confirmed = registration.status == Registration.Status.CONFIRMED
        reminder_minutes = _reminder_minutes(outbound.key)
        waitlist_position = None
        if registration.status == Registration.Status.WAITLISTED:
            queued = registration.queued_at
            waitlist_position = Registration.objects.filter(
                Q(queued_at__lt=queued) | Q(queued_at=queued, pk__lte=registration.pk),
                session=session,
                status=Registration.Status.WAITLISTED,
            ).count()
        context: dict[str, Any] = {
            "kind": outbound.kind,
            "registration": registration,
            "session": session,
            "program": program,
            "title": session.display_title,
            "when": when,
            "when_in_session_zone": when_in_session_zone,
            "day": day,
            "undated": undated,
            "duration_minutes": session.duration_minutes,
            "meeting_url": session.meeting_url if is_confirmed else "",
            "session_url": session_url,
            "program_url": _absolute(program.get_absolute_url()),
            "manage_url": manage_url,
            "needs": _needs(registration),
            "attribution": registration.get_attribution_display(),
            "is_confirmed": is_confirmed,
            "waitlist_position": waitlist_position,
            "starts_in": _starts_in(reminder_minutes) if reminder_minutes else "",
        }
        attachments: tuple[Attachment, ...] = ()
        calendar_kinds = {kinds.CONFIRMATION, kinds.PROMOTED, kinds.REMINDER, kinds.UPDATED}
        if (
            is_confirmed
            and outbound.kind in calendar_kinds
            and (session.starts_at or session.start_date)
        ):
            event = session_event(session, session_url)
            body = build_calendar([event], name=session.display_title, method="PUBLISH")
            attachments = (
                Attachment(f"{program.slug}-{session.number:03d}.ics", body, "text/calendar"),
            )
    subject, text, html = render(f"registration/emails/{outbound.kind}", context, language)
    return Email(
        to=(registration.email,),
        subject=subject,
        text=text,
        html=html,
        attachments=attachments,
    )
