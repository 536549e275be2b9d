"""Template tags the scheduling pages use to show registration and attendance.

``{% registration_panel %}`` on a session page: the state of registration with the form while
it is open, and the headcount once the session is over. ``{% registration_states sessions %}``
and ``{% registration_line %}`` on a program page: one line per upcoming call. Each loads what
it shows in one query, whatever the number of sessions.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clinicdesk.registration import queries
from clinicdesk.registration.forms import blank_form_fields
from clinicdesk.registration.models import Headcount
from clinicdesk.scheduling.models import ClinicSession

register = template.Library()


def headcount_text(headcount: Headcount) -> str:
    """ "7 staff and 10 volunteers"."""
    staff = ngettext("%(count)d staff member", "%(count)d staff members", headcount.staff) % {
        "count": headcount.staff
    }
    volunteers = ngettext("%(count)d volunteer", "%(count)d volunteers", headcount.volunteers) % {
        "count": headcount.volunteers
    }
    return _("%(staff)s and %(volunteers)s") % {"staff": staff, "volunteers": volunteers}


@register.inclusion_tag("registration/_session_panel.html", takes_context=True)
def registration_panel(context: template.Context, session: ClinicSession) -> dict[str, Any]:
    request = context.get("request")
    panel = queries.session_panel(session, timezone.now())
    result: dict[str, Any] = {
        "request": request,
        "program": session.program,
        "session": session,
        "state": panel.state,
        "reader_zone": context.get("reader_zone"),
        "deadline_zone": "",
        "form": None,
        "form_fields": None,
        "headcount_text": "",
    }
    if panel.settings is not None and panel.state is not None:
        result["deadline_zone"] = (
            panel.settings.time_zone if panel.settings.closes_at else session.time_zone
        )
        if panel.state.is_open:
            source = getattr(request, "reader_zone_source", "default")
            zone = getattr(request, "reader_zone", "") if source in {"cookie", "address"} else ""
            result["form"] = True
            result["form_fields"] = blank_form_fields(
                registration_settings=panel.settings, zone=zone, show_conduct=False
            )
    over = context.get("is_past") or session.status == ClinicSession.Status.HELD
    if panel.headcount is not None and over and panel.headcount.total:
        result["headcount_text"] = headcount_text(panel.headcount)
    return result


@register.simple_tag
def registration_states(sessions: list[ClinicSession]) -> dict[int, queries.PublicState]:
    return queries.public_states(sessions)


@register.inclusion_tag("registration/_program_line.html", takes_context=True)
def registration_line(
    context: template.Context, states: dict[int, queries.PublicState], session: ClinicSession
) -> dict[str, Any]:
    return {"request": context.get("request"), "session": session, "state": states.get(session.pk)}


@register.inclusion_tag("registration/manage/_session_links.html")
def registration_links(session: ClinicSession) -> dict[str, Any]:
    """Links from the organizer's session page to its registration pages (no query)."""
    return {"session": session, "program": session.program}


@register.inclusion_tag("registration/manage/_session_row_links.html")
def registration_row_links(session: ClinicSession) -> dict[str, Any]:
    """Short links in a row of the organizer's session table (no query)."""
    return {"session": session, "program": session.program}
