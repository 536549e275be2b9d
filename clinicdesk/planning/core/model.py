"""What the rotation planner takes and gives: plain, frozen dataclasses, and its typed errors.

Times of day are minutes after local midnight; a week is 336 half-hour cells, cell 0 being
Monday 00:00-00:30. Every time belongs to a zone: a member's availability and acceptable hours
are in the member's own zone, a staff member's working hours in theirs, and a slot's weekday and
time in the slot's zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import numpy as np
import numpy.typing as npt

DAY_MINUTES = 24 * 60
WEEK_MINUTES = 7 * DAY_MINUTES
CELL_MINUTES = 30
CELLS_PER_WEEK = WEEK_MINUTES // CELL_MINUTES  # 336
MAX_HORIZON_WEEKS = 104
MAX_EXACT_K = 3
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Method = Literal["auto", "exact", "heuristic"]


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the translation catalogue (``makemessages`` looks for this name)
    without translating it: the core stays free of Django's settings, and the interfaces
    translate the message, with its parameters, for their reader."""
    return message


Param = str | int | float


# --- Errors -------------------------------------------------------------------------------------


class PlanningError(ValueError):
    """Input the planner cannot use. ``str()`` says, in English, what is wrong and which
    constraint binds; ``template`` (marked for translation) and ``params`` let an interface
    say it in the reader's language; ``field`` names the input at fault."""

    code: ClassVar[str] = "invalid"
    template: ClassVar[str] = gettext_noop("The planner cannot use this input.")

    def __init__(self, field: str, **params: Param) -> None:
        self.field = field
        self.params: dict[str, Param] = params
        super().__init__(self.template % params)

    def details(self) -> dict[str, Param]:
        return dict(self.params)


class UnknownZones(PlanningError):
    code = "unknown_zone"
    template = gettext_noop(
        "%(zones)s: not a known IANA time zone (for example Europe/Madrid), in %(where)s."
    )


class EmptyCommunity(PlanningError):
    code = "empty_community"
    template = gettext_noop(
        "The community is empty: give at least one member, hub or poll answer to plan for."
    )


class BadWeight(PlanningError):
    code = "bad_weight"
    template = gettext_noop(
        "Member %(index)d has weight %(weight)s: every weight must be a positive number."
    )


class WeightsDoNotAddUp(PlanningError):
    code = "weights_do_not_add_up"
    template = gettext_noop(
        "The shares add up to %(total)s %%, not 100 %%: adjust them so that they total 100 %%."
    )


class InvalidAcceptableHours(PlanningError):
    code = "invalid_hours"
    template = gettext_noop(
        "The acceptable hours run from %(start)s to %(end)s: the start must come before the "
        "end, within one day (00:00 to 24:00)."
    )


class InvalidComfortableHours(PlanningError):
    code = "invalid_hours"
    template = gettext_noop(
        "The comfortable hours run from %(start)s to %(end)s: the start must come before the "
        "end, within one day (00:00 to 24:00)."
    )


class InvalidStaffHours(PlanningError):
    code = "invalid_staff_hours"
    template = gettext_noop(
        "Staff member %(index)d works from %(start)s to %(end)s: give hours within one day "
        "(00:00 to 24:00), the start before the end, and at least one working day."
    )


class ComfortOutsideAcceptable(PlanningError):
    code = "comfort_outside_acceptable"
    template = gettext_noop(
        "The comfortable hours (%(comfortable)s) must lie within the acceptable hours "
        "(%(acceptable)s)."
    )


class InvalidDuration(PlanningError):
    code = "invalid_duration"
    template = gettext_noop(
        "A call of %(minutes)d minutes does not fit: calls last 15 minutes to the whole "
        "acceptable day (%(longest)d minutes here)."
    )


class InvalidWeekdays(PlanningError):
    code = "invalid_weekdays"
    template = gettext_noop("Allow at least one weekday for the calls.")


class InvalidK(PlanningError):
    code = "invalid_k"
    template = gettext_noop("The rotation needs 1 to %(most)d weekly slots, not %(k)d.")


class TooManySlots(PlanningError):
    code = "too_many_slots"
    template = gettext_noop(
        "The rotation asks for %(k)d weekly slots but there are only %(available)d candidate slots."
    )


class TooFewStaffedSlots(PlanningError):
    code = "too_few_staffed_slots"
    template = gettext_noop(
        "The rotation asks for %(k)d weekly slots but only %(available)d candidate slots have "
        "%(needed)d staff members within their working hours on every date: the staff's hours "
        "are the binding constraint."
    )


class InvalidHorizon(PlanningError):
    code = "invalid_horizon"
    template = gettext_noop("The horizon runs 1 to %(most)d weeks, not %(weeks)d.")


class HorizonInPast(PlanningError):
    code = "horizon_in_past"
    template = gettext_noop(
        "The horizon starts on %(start)s, which is in the past (today is %(today)s): plan "
        "calls from today on."
    )


class InvalidSlot(PlanningError):
    code = "invalid_slot"
    template = gettext_noop(
        "Slot %(index)d (%(slot)s) is not a weekly slot: weekday 0 (Monday) to 6 (Sunday) and "
        "a time from 00:00 to 23:59."
    )


class InvalidStep(PlanningError):
    code = "invalid_step"
    template = gettext_noop(
        "Candidate slots every %(minutes)d minutes: the step must divide a day, from 15 to "
        "240 minutes."
    )


class InvalidAvailability(PlanningError):
    code = "invalid_availability"
    template = gettext_noop(
        "Member %(index)d marks half-hour %(cell)s: the cells of a week are numbered 0 "
        "(Monday 00:00) to 335 (Sunday 23:30)."
    )


class NotEnoughStaff(PlanningError):
    code = "not_enough_staff"
    template = gettext_noop(
        "Every call needs %(needed)d staff members but only %(given)d staff working hours "
        "are given."
    )


class NoStaffedSlot(PlanningError):
    code = "no_staffed_slot"
    template = gettext_noop(
        "No candidate slot has %(needed)d staff members within their working hours on every "
        "date of the horizon: at most %(most)d work at the same time (%(when)s). Widen the "
        "staff's hours or add staff in other time zones."
    )


class NobodyServed(PlanningError):
    code = "nobody_served"
    template = gettext_noop(
        "None of the %(feasible)d candidate slots falls inside any member's acceptable hours "
        "or marked availability on any date of the horizon, on the allowed weekdays."
    )


class NobodyServedWithStaff(PlanningError):
    code = "nobody_served"
    template = gettext_noop(
        "None of the %(feasible)d candidate slots with enough staff falls inside any member's "
        "acceptable hours or marked availability on any date: the staff's hours and the "
        "community's hours do not overlap."
    )


class ExactTooLarge(PlanningError):
    code = "exact_too_large"
    template = gettext_noop(
        "The exact search is offered for up to %(most)d weekly slots; %(k)d were asked. Use "
        "the local search, which reports its distance from an upper bound."
    )


# --- Inputs -------------------------------------------------------------------------------------


def format_minutes(minutes: int) -> str:
    """``08:00``; 1440 is ``24:00``."""
    hours, rest = divmod(minutes, 60)
    return f"{hours:02d}:{rest:02d}"


@dataclass(frozen=True, slots=True)
class HourWindow:
    """Local hours [start, end), in minutes after midnight; ``end`` may be 1440 (24:00)."""

    start: int
    end: int

    @classmethod
    def of(cls, start: dt.time, end: dt.time | None) -> HourWindow:
        """From clock times; an ``end`` of None or 00:00 means midnight at the end of the day."""
        end_minutes = (
            DAY_MINUTES if end is None or end == dt.time(0) else end.hour * 60 + end.minute
        )
        return cls(start.hour * 60 + start.minute, end_minutes)

    def is_valid(self) -> bool:
        return 0 <= self.start < self.end <= DAY_MINUTES

    def contains(self, other: HourWindow) -> bool:
        return self.start <= other.start and other.end <= self.end

    @property
    def length(self) -> int:
        return self.end - self.start

    def label(self) -> str:
        return f"{format_minutes(self.start)}-{format_minutes(self.end)}"


ACCEPTABLE = HourWindow(8 * 60, 22 * 60)
COMFORTABLE = HourWindow(9 * 60, 20 * 60)
WORKING = HourWindow(9 * 60, 17 * 60)
ALL_WEEKDAYS = frozenset(range(7))
WORKDAYS = frozenset(range(5))


@dataclass(frozen=True, slots=True)
class Member:
    """One member of the community, or a hub standing for many (its ``weight``).

    ``availability``: the half-hour cells of the member's own week (local time) they can
    attend; None when they did not say, in which case the acceptable hours stand in.
    ``region``: empty means the zone's area ("America", "Europe", ...).
    """

    zone: str
    weight: float = 1.0
    region: str = ""
    availability: frozenset[int] | None = None


@dataclass(frozen=True)
class MemberTable:
    """Members as columns, for large communities: the same as a list of :class:`Member`.

    ``availability`` (members x 336 half-hour cells of each member's local week) applies to
    the members ``stated`` marks (all of them when ``stated`` is None); the others fall back
    on the acceptable hours. ``weights`` None: 1 each; ``regions`` None: each zone's area.
    """

    zones: Sequence[str]
    weights: npt.NDArray[np.float64] | None = None
    regions: Sequence[str] | None = None
    availability: npt.NDArray[np.bool_] | None = None
    stated: npt.NDArray[np.bool_] | None = None

    def __len__(self) -> int:
        return len(self.zones)


@dataclass(frozen=True, slots=True)
class Staff:
    """A staff member's working hours and days, in their own zone."""

    zone: str
    hours: HourWindow = WORKING
    weekdays: frozenset[int] = WORKDAYS
    name: str = ""


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    """A weekly call time: weekday (0 = Monday) and minutes after midnight in ``zone``."""

    weekday: int
    minute: int
    zone: str

    @property
    def time(self) -> dt.time:
        return dt.time(self.minute // 60, self.minute % 60)

    def label(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]} {format_minutes(self.minute)} {self.zone}"


@dataclass(frozen=True, slots=True)
class Horizon:
    """The weeks the rotation is planned for, from ``start`` (a date in each slot's zone)."""

    start: dt.date
    weeks: int = 26

    @property
    def end(self) -> dt.date:
        """The first day after the horizon."""
        return self.start + dt.timedelta(weeks=self.weeks)


@dataclass(frozen=True)
class PlanRequest:
    """Everything the planner needs. ``today`` is given, not read from a clock."""

    members: Sequence[Member] | MemberTable
    k: int
    horizon: Horizon
    today: dt.date
    duration_minutes: int = 90
    acceptable: HourWindow = ACCEPTABLE
    comfortable: HourWindow = COMFORTABLE
    weekdays: frozenset[int] = ALL_WEEKDAYS
    staff: Sequence[Staff] = ()
    min_staff: int = 2
    # None: every ``step_minutes`` of the week in ``anchor_zone`` (336 slots at 30 minutes).
    candidates: Sequence[Slot] | None = None
    anchor_zone: str = "UTC"
    step_minutes: int = 30
    method: Method = "auto"


# --- Outputs ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalTime:
    """When a slot falls in one region's main zone, on the horizon dates ``since``..``until``."""

    region: str
    zone: str
    weekday: int
    minute: int
    offset_minutes: int
    since: dt.date
    until: dt.date


@dataclass(frozen=True, slots=True)
class PlannedSlot:
    slot: Slot
    served_alone: float  # the community's share this slot serves by itself, over the horizon
    region_shares: tuple[float, ...]  # in the order of Plan.regions
    local_times: tuple[LocalTime, ...]
    fewest_staff: int | None  # the fewest staff within their hours on any date; None: not checked


@dataclass(frozen=True, slots=True)
class RegionShare:
    region: str
    members: int  # member entries: people, poll answers or hubs
    weight_share: float  # the region's part of the whole community
    served: float  # share of the region served, averaged over the horizon's dates
    comfortable: float  # share of the region served within comfortable hours by some call
    never_served: float  # share of the region no slot of the rotation serves on any date
    main_zone: str


@dataclass(frozen=True, slots=True)
class ZoneShift:
    """A zone whose offset on a date is not its usual one over the horizon."""

    zone: str
    offset_minutes: int
    usual_offset_minutes: int


@dataclass(frozen=True, slots=True)
class DateShare:
    """One call date of one slot, served worse than the slot's usual dates."""

    date: dt.date  # in the slot's zone
    slot_index: int
    starts_at: dt.datetime
    share: float
    usual_share: float
    shifted: tuple[ZoneShift, ...]


@dataclass(frozen=True, slots=True)
class WeekShare:
    week_start: dt.date
    share: float
    region_shares: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class LeftOut:
    """Members of one zone the rotation serves on too few dates (never, for ``left_out``)."""

    zone: str
    region: str
    members: int
    weight_share: float  # of the whole community
    served_dates: float  # 0 = never; otherwise the share of the horizon's dates


@dataclass(frozen=True, slots=True)
class Note:
    """Something the organizer should know about the result (not an error)."""

    code: str
    template: str
    params: dict[str, Param] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.template % self.params


@dataclass(frozen=True, slots=True)
class SearchStats:
    candidates: int
    staffed: int  # candidates with enough staff on every date
    members: int
    profiles: int  # distinct (zone, region, availability) groups
    rows: int  # distinct served patterns the search works on
    subsets: int  # K-slot rotations among the staffed candidates
    pruned_by_pairs: int
    pruned_by_bound: int
    evaluated: int  # rotations evaluated exactly
    local_search_moves: int
    seconds_prepare: float
    seconds_search: float
    arithmetic: str  # "exact integers" or "float64"


@dataclass(frozen=True, slots=True)
class HeatCell:
    slot: Slot
    share: float  # of the community, served by this slot alone over the horizon
    staffed: bool


@dataclass(frozen=True)
class Plan:
    k: int
    horizon: Horizon
    duration_minutes: int
    method: Literal["exact", "local-search", "given"]
    proven_optimal: bool
    slots: tuple[PlannedSlot, ...]
    regions: tuple[RegionShare, ...]
    min_region_share: float
    overall_share: float
    comfort_share: float  # the calls' average share served within comfortable hours
    upper_bound: float  # on the minimum regional share, over every rotation of K slots
    overall_upper_bound: float
    weeks: tuple[WeekShare, ...]
    worst_dates: tuple[DateShare, ...]
    left_out: tuple[LeftOut, ...]
    partly_served: tuple[LeftOut, ...]
    heat: tuple[HeatCell, ...]
    notes: tuple[Note, ...]
    stats: SearchStats

    @property
    def gap(self) -> float:
        """How far the minimum regional share may be from the best possible."""
        return max(0.0, self.upper_bound - self.min_region_share)

    @property
    def objective(self) -> tuple[float, float, float]:
        return (self.min_region_share, self.overall_share, self.comfort_share)
