"""Running the planner for an organizer page: the form's values and a community source in,
the plan and the current rotation's report on the same data out. Reads only."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.cache import cache

from clinicdesk.planning.core import (
    Horizon,
    Plan,
    PlanRequest,
    Slot,
    evaluate_rotation,
    plan_rotation,
)
from clinicdesk.planning.forms import PlannerForm
from clinicdesk.planning.sources import Community, Source, community_of
from clinicdesk.scheduling.models import Program

RESULT_TTL_SECONDS = 300


@dataclass(frozen=True)
class PlannerRun:
    community: Community
    request: PlanRequest
    plan: Plan
    current_slots: list[Slot]
    current: Plan | None  # None when the program has no rotation yet


def current_slots(program: Program) -> list[Slot]:
    return [
        Slot(row.weekday, row.local_time.hour * 60 + row.local_time.minute, row.time_zone)
        for row in program.rotation.all()
    ]


def plan_request(form: PlannerForm, community: Community, today: dt.date) -> PlanRequest:
    data = form.cleaned_data
    return PlanRequest(
        members=community.members,
        k=data["k"],
        horizon=Horizon(data["start"], data["weeks"]),
        today=today,
        duration_minutes=data["duration"],
        acceptable=form.window("acceptable"),
        comfortable=form.window("comfortable"),
        weekdays=frozenset(data["weekdays"]),
        staff=tuple(data["staff"]),
        min_staff=data["min_staff"],
        anchor_zone=data["anchor_zone"],
    )


def run(program: Program, form: PlannerForm, *, today: dt.date) -> PlannerRun:
    """Raises PlanningError (bad input) or SourceUnavailable (nobody to plan for)."""
    data = form.cleaned_data
    source = Source(data["source"])
    community = community_of(program, source, data["hubs"] if source == Source.HUBS else None)
    request = plan_request(form, community, today)
    plan = plan_rotation(request)
    slots = current_slots(program)
    current = evaluate_rotation(request, slots) if slots else None
    return PlannerRun(community, request, plan, slots, current)


def _key(program: Program, query: str, today: dt.date) -> str:
    raw = f"{program.pk}|{program.content_version}|{today}|{query}"
    return "planning:run:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def remember(program: Program, query: str, today: dt.date, result: PlannerRun) -> None:
    """Keeps a run a few minutes under the form's query: the page's heatmap, requested right
    after the page, then need not plan again."""
    cache.set(_key(program, query, today), result, RESULT_TTL_SECONDS)


def recall_or_run(program: Program, form: PlannerForm, query: str, *, today: dt.date) -> PlannerRun:
    found = cache.get(_key(program, query, today))
    if isinstance(found, PlannerRun):
        return found
    result = run(program, form, today=today)
    remember(program, query, today, result)
    return result
