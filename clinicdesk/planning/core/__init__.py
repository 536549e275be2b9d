"""The rotation planner's pure core: plain dataclasses in and out, NumPy inside, no ORM.

``plan_rotation(PlanRequest) -> Plan`` chooses the K weekly slots that serve the community most
fairly (exactly for K <= 3, by local search with a bound beyond); ``evaluate_rotation`` reports
on a given rotation with the same data. Bad input raises a :class:`PlanningError`.
"""

from clinicdesk.planning.core.model import (
    ACCEPTABLE,
    ALL_WEEKDAYS,
    CELL_MINUTES,
    CELLS_PER_WEEK,
    COMFORTABLE,
    MAX_EXACT_K,
    MAX_HORIZON_WEEKS,
    WORKDAYS,
    WORKING,
    DateShare,
    HeatCell,
    Horizon,
    HourWindow,
    LeftOut,
    LocalTime,
    Member,
    MemberTable,
    Note,
    Plan,
    PlannedSlot,
    PlanningError,
    PlanRequest,
    RegionShare,
    SearchStats,
    Slot,
    Staff,
    WeekShare,
    ZoneShift,
)
from clinicdesk.planning.core.planner import default_candidates, evaluate_rotation, plan_rotation
from clinicdesk.planning.core.served import zone_area

__all__ = [
    "ACCEPTABLE",
    "ALL_WEEKDAYS",
    "CELLS_PER_WEEK",
    "CELL_MINUTES",
    "COMFORTABLE",
    "MAX_EXACT_K",
    "MAX_HORIZON_WEEKS",
    "WORKDAYS",
    "WORKING",
    "DateShare",
    "HeatCell",
    "Horizon",
    "HourWindow",
    "LeftOut",
    "LocalTime",
    "Member",
    "MemberTable",
    "Note",
    "Plan",
    "PlanRequest",
    "PlannedSlot",
    "PlanningError",
    "RegionShare",
    "SearchStats",
    "Slot",
    "Staff",
    "WeekShare",
    "ZoneShift",
    "default_candidates",
    "evaluate_rotation",
    "plan_rotation",
    "zone_area",
]
