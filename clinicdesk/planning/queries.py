"""Reads the planning pages, the API and the public program page share, each in a fixed
number of queries."""

from __future__ import annotations

import uuid

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404

from clinicdesk.planning.models import AvailabilityPoll, PlannerSettings, PollAnswer
from clinicdesk.scheduling.models import Program


def latest_poll(program: Program) -> AvailabilityPoll | None:
    """The program's most recent poll, open or closed, with ``answer_count``."""
    return (
        AvailabilityPoll.objects.filter(program=program)
        .annotate(answer_count=Count("answers"))
        .order_by("-opened_at", "-pk")
        .first()
    )


def open_poll_of(program_id: int) -> AvailabilityPoll | None:
    return AvailabilityPoll.objects.filter(program_id=program_id, is_open=True).first()


def public_poll(slug: str) -> tuple[Program, AvailabilityPoll | None]:
    """The program (404 if none) and its open poll, if any."""
    program = get_object_or_404(Program.objects.only("pk", "name", "slug"), slug=slug)
    return program, open_poll_of(program.pk)


def answer_by_token(slug: str, token: str) -> PollAnswer:
    """The answer a private link points at; 404 for anything else."""
    try:
        key = uuid.UUID(str(token))
    except ValueError:
        raise Http404 from None
    return get_object_or_404(
        PollAnswer.objects.select_related("poll", "poll__program"),
        token=key,
        poll__program__slug=slug,
    )


def poll_answers(poll: AvailabilityPoll) -> list[PollAnswer]:
    # poll_id too: the related manager sets each answer's poll, which reads it.
    return list(poll.answers.only("poll_id", "time_zone", "utc_offset_minutes", "utc_quarters"))


def planner_settings(program: Program) -> PlannerSettings | None:
    return PlannerSettings.objects.filter(program=program).first()
