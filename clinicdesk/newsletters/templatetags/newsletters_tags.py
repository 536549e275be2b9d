"""The links other apps' pages show to a program's newsletter."""

from __future__ import annotations

from typing import Any

from django import template

from clinicdesk.newsletters.models import Issue
from clinicdesk.scheduling.models import Program

register = template.Library()


@register.inclusion_tag("newsletters/_program_links.html")
def newsletter_links(program: Program) -> dict[str, Any]:
    """The program's latest published issue and the subscribe link, for its public page
    (one query; the page is cached under the content version every issue change moves)."""
    latest = (
        Issue.objects.filter(program=program, status=Issue.Status.PUBLISHED)
        .order_by("-number", "language")
        .only("number", "language", "title")
        .first()
    )
    if latest is not None:
        latest.program = program
    return {"program": program, "latest": latest}
