"""The planning part of the JSON API: run a plan from JSON and get the plan back.

``POST /api/plans`` takes a community (members, or a declared spread of hubs), the hours, the
staff and K, and answers with the rotation, its shares per region and overall, the worst dates
and who is left out. Input the planner cannot use answers 422 with what is wrong and which
input is at fault, never a server error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from clinicdesk.planning.core import (
    ACCEPTABLE,
    ALL_WEEKDAYS,
    COMFORTABLE,
    WORKDAYS,
    Horizon,
    HourWindow,
    Member,
    Plan,
    PlanningError,
    PlanRequest,
    Slot,
    Staff,
    plan_rotation,
)
from clinicdesk.planning.core.hubs import Hub, check_hubs, hub_members
from clinicdesk.planning.core.model import format_minutes, gettext_noop
from clinicdesk.planning.explain import note_message, planning_message

router = Router(tags=["planning"])

MAX_MEMBERS = 20_000  # the JSON of more is better sent as a poll, or as hubs


class HoursIn(Schema):
    start: dt.time = Field(..., description="Local time, e.g. 08:00.")
    end: dt.time = Field(..., description="Local time; 00:00 means midnight at the end of the day.")

    def window(self) -> HourWindow:
        return HourWindow.of(self.start, self.end)


class MemberIn(Schema):
    zone: str = Field(..., description="IANA time zone, e.g. America/Mexico_City.")
    weight: float = 1.0
    region: str = Field("", description="Empty: the zone's area (America, Europe, ...).")
    availability: list[int] | None = Field(
        None,
        description="Half-hour cells of the member's local week they can attend, 0 = Monday "
        "00:00-00:30 to 335 = Sunday 23:30-24:00. Null: the acceptable hours stand in.",
    )


class HubIn(Schema):
    zone: str
    percent: float = Field(..., description="The hub's share of the community; shares total 100.")
    region: str = ""


class StaffIn(Schema):
    zone: str
    start: dt.time = dt.time(9)
    end: dt.time = dt.time(17)
    weekdays: list[int] = Field(default_factory=lambda: sorted(WORKDAYS), description="0 = Monday.")
    name: str = ""


class SlotIn(Schema):
    weekday: int = Field(..., description="0 = Monday.")
    time: dt.time
    zone: str


class PlanIn(Schema):
    k: int = Field(..., description="Weekly slots in the rotation; proven optimal up to 3.")
    horizon_start: dt.date | None = Field(None, description="First day; default today (UTC).")
    horizon_weeks: int = 26
    members: list[MemberIn] = Field(default_factory=list)
    hubs: list[HubIn] = Field(
        default_factory=list, description="A declared spread, instead of members."
    )
    duration_minutes: int = 90
    acceptable: HoursIn | None = None
    comfortable: HoursIn | None = None
    weekdays: list[int] = Field(default_factory=lambda: sorted(ALL_WEEKDAYS))
    staff: list[StaffIn] = Field(default_factory=list)
    min_staff: int = 2
    anchor_zone: str = Field("UTC", description="Zone of the default candidate slots.")
    step_minutes: int = 30
    candidates: list[SlotIn] | None = Field(
        None, description="Candidate slots; default every step_minutes of the week."
    )
    method: Literal["auto", "exact", "heuristic"] = "auto"


class SlotOut(Schema):
    weekday: int
    time: str
    zone: str
    label: str = Field(..., description="e.g. Monday 17:30 UTC")


class LocalTimeOut(Schema):
    region: str
    zone: str
    weekday: int
    time: str
    utc_offset_minutes: int
    since: dt.date
    until: dt.date


class PlannedSlotOut(SlotOut):
    served_alone: float
    region_shares: dict[str, float]
    local_times: list[LocalTimeOut]
    fewest_staff: int | None


class RegionOut(Schema):
    region: str
    members: int
    weight_share: float
    served: float
    comfortable: float
    never_served: float
    main_zone: str


class WeekOut(Schema):
    week_start: dt.date
    share: float
    region_shares: dict[str, float]


class ZoneShiftOut(Schema):
    zone: str
    difference_minutes: int = Field(..., description="Offset minus the slot zone's, that date.")
    usual_difference_minutes: int


class WorstDateOut(Schema):
    date: dt.date
    slot: int = Field(..., description="1-based, in the order of slots.")
    starts_at: dt.datetime
    share: float
    usual_share: float
    out_of_step: list[ZoneShiftOut]


class LeftOutOut(Schema):
    zone: str
    region: str
    members: int
    weight_share: float
    served_dates: float


class NoteOut(Schema):
    code: str
    message: str


class StatsOut(Schema):
    candidates: int
    staffed: int
    members: int
    profiles: int
    rows: int
    subsets: int
    pruned_by_pairs: int
    pruned_by_bound: int
    evaluated: int
    local_search_moves: int
    seconds_prepare: float
    seconds_search: float
    arithmetic: str


class PlanOut(Schema):
    k: int
    method: str = Field(..., description="exact or local-search")
    proven_optimal: bool
    min_region_share: float
    overall_share: float
    comfort_share: float
    upper_bound: float = Field(
        ..., description="No rotation of K slots serves its least-served region better."
    )
    gap: float
    slots: list[PlannedSlotOut]
    regions: list[RegionOut]
    weeks: list[WeekOut]
    worst_dates: list[WorstDateOut]
    left_out: list[LeftOutOut]
    partly_served: list[LeftOutOut]
    notes: list[NoteOut]
    stats: StatsOut


class PlanningErrorOut(Schema):
    detail: str = Field(..., description="What is wrong and which constraint binds.")
    code: str
    field: str
    details: dict[str, str | int | float]


def _request(body: PlanIn, today: dt.date) -> PlanRequest:
    if body.hubs and body.members:
        raise _BothGiven("members")
    if body.hubs:
        hubs = check_hubs([Hub(h.zone, h.percent, h.region) for h in body.hubs])
        members = hub_members(hubs)
    else:
        if len(body.members) > MAX_MEMBERS:
            raise _TooManyMembers("members", given=len(body.members), most=MAX_MEMBERS)
        members = [
            Member(
                zone=m.zone,
                weight=m.weight,
                region=m.region,
                availability=frozenset(m.availability) if m.availability is not None else None,
            )
            for m in body.members
        ]
    return PlanRequest(
        members=members,
        k=body.k,
        horizon=Horizon(body.horizon_start or today, body.horizon_weeks),
        today=today,
        duration_minutes=body.duration_minutes,
        acceptable=body.acceptable.window() if body.acceptable else ACCEPTABLE,
        comfortable=body.comfortable.window() if body.comfortable else COMFORTABLE,
        weekdays=frozenset(body.weekdays),
        staff=tuple(
            Staff(
                zone=s.zone,
                hours=HourWindow.of(s.start, s.end),
                weekdays=frozenset(s.weekdays),
                name=s.name,
            )
            for s in body.staff
        ),
        min_staff=body.min_staff,
        anchor_zone=body.anchor_zone,
        step_minutes=body.step_minutes,
        candidates=None
        if body.candidates is None
        else [Slot(c.weekday, c.time.hour * 60 + c.time.minute, c.zone) for c in body.candidates],
        method=body.method,
    )


class _BothGiven(PlanningError):
    code = "members_and_hubs"
    template = gettext_noop("Give either members or hubs, not both.")


class _TooManyMembers(PlanningError):
    code = "too_many_members"
    template = gettext_noop(
        "%(given)d members were sent; the API takes up to %(most)d. Send a spread of hubs, or "
        "run the planner on an availability poll."
    )


def _plan_out(plan: Plan) -> PlanOut:
    names = [region.region for region in plan.regions]
    return PlanOut(
        k=plan.k,
        method=plan.method,
        proven_optimal=plan.proven_optimal,
        min_region_share=plan.min_region_share,
        overall_share=plan.overall_share,
        comfort_share=plan.comfort_share,
        upper_bound=plan.upper_bound,
        gap=plan.gap,
        slots=[
            PlannedSlotOut(
                weekday=s.slot.weekday,
                time=format_minutes(s.slot.minute),
                zone=s.slot.zone,
                label=s.slot.label(),
                served_alone=s.served_alone,
                region_shares=dict(zip(names, s.region_shares, strict=True)),
                local_times=[
                    LocalTimeOut(
                        region=t.region,
                        zone=t.zone,
                        weekday=t.weekday,
                        time=format_minutes(t.minute),
                        utc_offset_minutes=t.offset_minutes,
                        since=t.since,
                        until=t.until,
                    )
                    for t in s.local_times
                ],
                fewest_staff=s.fewest_staff,
            )
            for s in plan.slots
        ],
        regions=[
            RegionOut(**{f: getattr(r, f) for f in RegionOut.model_fields}) for r in plan.regions
        ],
        weeks=[
            WeekOut(
                week_start=w.week_start,
                share=w.share,
                region_shares=dict(zip(names, w.region_shares, strict=True)),
            )
            for w in plan.weeks
        ],
        worst_dates=[
            WorstDateOut(
                date=d.date,
                slot=d.slot_index + 1,
                starts_at=d.starts_at,
                share=d.share,
                usual_share=d.usual_share,
                out_of_step=[
                    ZoneShiftOut(
                        zone=z.zone,
                        difference_minutes=z.offset_minutes,
                        usual_difference_minutes=z.usual_offset_minutes,
                    )
                    for z in d.shifted
                ],
            )
            for d in plan.worst_dates
        ],
        left_out=[
            LeftOutOut(**{f: getattr(r, f) for f in LeftOutOut.model_fields}) for r in plan.left_out
        ],
        partly_served=[
            LeftOutOut(**{f: getattr(r, f) for f in LeftOutOut.model_fields})
            for r in plan.partly_served
        ],
        notes=[NoteOut(code=n.code, message=note_message(n)) for n in plan.notes],
        stats=StatsOut(**{f: getattr(plan.stats, f) for f in StatsOut.model_fields}),
    )


@router.post(
    "/plans",
    response={200: PlanOut, 422: PlanningErrorOut},
    summary="Plan a fair rotation of weekly call times",
    description=(
        "Chooses the K weekly slots that serve the community most fairly over the horizon's "
        "real dates (daylight saving included): first the least-served region's share, then "
        "the overall share, then the share within comfortable hours. Exact for K <= 3; beyond, "
        "a local search with an upper bound (``gap``). Shares are between 0 and 1."
    ),
)
def create_plan(request: HttpRequest, body: PlanIn) -> Status[Any]:
    today = timezone.now().date()
    try:
        plan = plan_rotation(_request(body, today))
    except PlanningError as error:
        return Status(
            422,
            PlanningErrorOut(
                detail=planning_message(error),
                code=error.code,
                field=error.field,
                details=error.details(),
            ),
        )
    return Status(200, _plan_out(plan))
