"""Template tags other apps' pages use to point at planning: the open poll of a program."""

from __future__ import annotations

from django import template

from clinicdesk.planning import queries
from clinicdesk.planning.models import AvailabilityPoll
from clinicdesk.scheduling.models import Program

register = template.Library()


@register.simple_tag
def open_poll(program: Program) -> AvailabilityPoll | None:
    """The program's open availability poll, or None (one query)."""
    return queries.open_poll_of(program.pk)
