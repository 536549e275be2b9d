"""Template tags of the consultations app, and the links other apps' pages show to it."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from clinicdesk.consultations.models import Consultation
from clinicdesk.scheduling.models import ClinicSession, Program

register = template.Library()


@register.filter
def figure(value: int | None, threshold: int) -> str:
    """A published count, or "fewer than 5" where it is suppressed."""
    if value is None:
        return _("fewer than %(threshold)d") % {"threshold": threshold}
    return str(value)


@register.simple_tag
def registration_url(session: ClinicSession) -> str:
    """The event's registration form (the registration app's), or "" when it has none."""
    try:
        return reverse(
            "registration:register",
            kwargs={"slug": session.program.slug, "number": session.number},
        )
    except NoReverseMatch:
        return ""


@register.inclusion_tag("consultations/_program_links.html")
def consultation_links(program: Program) -> dict[str, Any]:
    """The program's consultations, for its public page (one query; the page is cached)."""
    consultations = list(
        Consultation.objects.filter(program=program).only("slug", "title", "program_id")
    )
    for consultation in consultations:
        consultation.program = program
    return {"program": program, "consultations": consultations}


@register.inclusion_tag("consultations/_ballot_links.html")
def ballot_links(session: ClinicSession, token: str) -> dict[str, Any]:
    """For a registrant's manage page or e-mail: the consultations their event is part of,
    each with the address of their ballot (which carries their manage token). One query."""
    consultations = list(
        Consultation.objects.filter(sessions=session).select_related("program").order_by("pk")
    )
    return {
        "links": [
            (
                consultation,
                reverse(
                    "consultations:rank",
                    kwargs={
                        "slug": consultation.program.slug,
                        "consultation": consultation.slug,
                        "token": token,
                    },
                ),
            )
            for consultation in consultations
        ]
    }
