"""``{{ session|undated }}``: what a page prints for a session without a date."""

from __future__ import annotations

from django import template

from clinicdesk.scheduling.models import ClinicSession
from clinicdesk.scheduling.timetext import describe_undated

register = template.Library()


@register.filter
def undated(session: ClinicSession) -> str:
    """ "January 2025" (month only) or "date to be discussed", in the active language."""
    return describe_undated(session.date_precision, session.start_month)
