"""Bad input: a typed error saying what is wrong and which constraint binds, never a silent
empty plan."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from clinicdesk.planning.core import (
    Horizon,
    HourWindow,
    Member,
    MemberTable,
    PlanningError,
    PlanRequest,
    Slot,
    Staff,
    model,
    plan_rotation,
)
from clinicdesk.planning.core.hubs import Hub, check_hubs, parse_hubs

TODAY = dt.date(2031, 1, 1)
BASE = PlanRequest(
    members=[Member("Europe/Madrid"), Member("America/Mexico_City")],
    k=2,
    horizon=Horizon(dt.date(2031, 1, 6), 4),
    today=TODAY,
)


def _error(request: PlanRequest) -> PlanningError:
    with pytest.raises(PlanningError) as caught:
        plan_rotation(request)
    return caught.value


@pytest.mark.parametrize(
    ("changes", "kind", "field", "message"),
    [
        (
            {"members": [Member("Mars/Olympus_Mons"), Member("Europe/Madrid"), Member("Moon/X")]},
            model.UnknownZones,
            "members",
            "“Mars/Olympus_Mons”, “Moon/X”: not a known IANA time zone (for example "
            "Europe/Madrid), in the community.",
        ),
        (
            {"members": []},
            model.EmptyCommunity,
            "members",
            "The community is empty: give at least one member, hub or poll answer to plan for.",
        ),
        (
            {"members": [Member("Europe/Madrid"), Member("Asia/Kolkata", weight=0.0)]},
            model.BadWeight,
            "members",
            "Member 2 has weight 0.0: every weight must be a positive number.",
        ),
        (
            {"members": [Member("Europe/Madrid", weight=float("nan"))]},
            model.BadWeight,
            "members",
            "Member 1 has weight nan: every weight must be a positive number.",
        ),
        (
            {"members": [Member("Europe/Madrid", availability=frozenset({3, 400}))]},
            model.InvalidAvailability,
            "members",
            "Member 1 marks half-hour 400: the cells of a week are numbered 0 (Monday 00:00) "
            "to 335 (Sunday 23:30).",
        ),
        (
            {"k": 400},
            model.TooManySlots,
            "k",
            "The rotation asks for 400 weekly slots but there are only 336 candidate slots.",
        ),
        ({"k": 0}, model.InvalidK, "k", "The rotation needs 1 to 336 weekly slots, not 0."),
        (
            {"horizon": Horizon(dt.date(2030, 12, 30), 4)},
            model.HorizonInPast,
            "horizon",
            "The horizon starts on 2030-12-30, which is in the past (today is 2031-01-01): "
            "plan calls from today on.",
        ),
        (
            {"horizon": Horizon(dt.date(2031, 1, 6), 0)},
            model.InvalidHorizon,
            "horizon",
            "The horizon runs 1 to 104 weeks, not 0.",
        ),
        (
            {"staff": [Staff("Europe/Madrid")]},
            model.NotEnoughStaff,
            "staff",
            "Every call needs 2 staff members but only 1 staff working hours are given.",
        ),
        (
            {
                "staff": [
                    Staff("Europe/Madrid", HourWindow(9 * 60, 12 * 60)),
                    Staff("America/Mexico_City", HourWindow(9 * 60, 12 * 60)),
                ]
            },
            model.NoStaffedSlot,
            "staff",
            "No candidate slot has 2 staff members within their working hours on every date of "
            "the horizon: at most 1 work at the same time (Monday 08:00 UTC). Widen the staff's "
            "hours or add staff in other time zones.",
        ),
        (
            {
                "k": 3,
                "staff": [
                    Staff("Europe/Madrid", HourWindow(9 * 60, 11 * 60), frozenset({0})),
                    Staff("Europe/Paris", HourWindow(9 * 60, 11 * 60), frozenset({0})),
                ],
            },
            model.TooFewStaffedSlots,
            "k",
            "The rotation asks for 3 weekly slots but only 2 candidate slots have 2 staff "
            "members within their working hours on every date: the staff's hours are the "
            "binding constraint.",
        ),
        (
            {
                "members": [Member("Europe/Madrid")],
                "staff": [
                    Staff("Pacific/Kiritimati", HourWindow(14 * 60, 17 * 60 + 30)),
                    Staff("Pacific/Kiritimati", HourWindow(14 * 60, 17 * 60 + 30)),
                ],
            },
            model.NobodyServedWithStaff,
            "staff",
            "None of the 25 candidate slots with enough staff falls inside any member's "
            "acceptable hours or marked availability on any date: the staff's hours and the "
            "community's hours do not overlap.",
        ),
        (
            {"members": [Member("Europe/Madrid", availability=frozenset({10}))]},
            model.NobodyServed,
            "members",
            "None of the 336 candidate slots falls inside any member's acceptable hours or "
            "marked availability on any date of the horizon, on the allowed weekdays.",
        ),
        (
            {"acceptable": HourWindow(22 * 60, 8 * 60)},
            model.InvalidAcceptableHours,
            "acceptable",
            "The acceptable hours run from 22:00 to 08:00: the start must come before the end, "
            "within one day (00:00 to 24:00).",
        ),
        (
            {"comfortable": HourWindow(7 * 60, 20 * 60)},
            model.ComfortOutsideAcceptable,
            "comfortable",
            "The comfortable hours (07:00-20:00) must lie within the acceptable hours "
            "(08:00-22:00).",
        ),
        (
            {"duration_minutes": 900},
            model.InvalidDuration,
            "duration_minutes",
            "A call of 900 minutes does not fit: calls last 15 minutes to the whole acceptable "
            "day (840 minutes here).",
        ),
        (
            {"weekdays": frozenset()},
            model.InvalidWeekdays,
            "weekdays",
            "Allow at least one weekday for the calls.",
        ),
        (
            {"staff": [Staff("Europe/Madrid"), Staff("Nowhere/Atlantis")]},
            model.UnknownZones,
            "staff",
            "“Nowhere/Atlantis”: not a known IANA time zone (for example Europe/Madrid), in the "
            "staff's hours.",
        ),
        (
            {"anchor_zone": "Mars/Base"},
            model.UnknownZones,
            "anchor_zone",
            "“Mars/Base”: not a known IANA time zone (for example Europe/Madrid), in the slots' "
            "time zone.",
        ),
        (
            {"step_minutes": 7},
            model.InvalidStep,
            "step_minutes",
            "Candidate slots every 7 minutes: the step must divide a day, from 15 to 240 minutes.",
        ),
        (
            {"k": 4, "method": "exact"},
            model.ExactTooLarge,
            "method",
            "The exact search is offered for up to 3 weekly slots; 4 were asked. Use the local "
            "search, which reports its distance from an upper bound.",
        ),
    ],
)  # fmt: skip
def test_core_errors_say_what_is_wrong(changes, kind, field, message):
    error = _error(dataclasses.replace(BASE, **changes))
    assert type(error) is kind
    assert (error.field, str(error)) == (field, message)


def test_core_errors_carry_their_parameters_for_translation():
    error = _error(dataclasses.replace(BASE, k=400))
    assert error.code == "too_many_slots"
    assert error.template == (
        "The rotation asks for %(k)d weekly slots but there are only %(available)d candidate slots."
    )
    assert error.details() == {"k": 400, "available": 336}


def test_core_errors_in_a_member_table_name_the_member():
    table = MemberTable(
        zones=["Europe/Madrid", "Asia/Kolkata"], weights=__import__("numpy").array([1.0, -2.0])
    )
    error = _error(dataclasses.replace(BASE, members=table))
    assert str(error) == "Member 2 has weight -2.0: every weight must be a positive number."


def test_core_errors_hub_spread_must_add_up_to_100():
    with pytest.raises(model.WeightsDoNotAddUp) as caught:
        parse_hubs("30 % America/Mexico_City, 20 % Africa/Lagos, 40 % Asia/Kolkata")
    assert str(caught.value) == (
        "The shares add up to 90 %, not 100 %: adjust them so that they total 100 %."
    )
    with pytest.raises(model.UnknownZones):
        check_hubs([Hub("Atlantis/City", 100)])


def test_core_errors_given_rotation_with_a_slot_in_an_unknown_zone():
    from clinicdesk.planning.core import evaluate_rotation

    with pytest.raises(model.UnknownZones) as caught:
        evaluate_rotation(BASE, [Slot(0, 17 * 60 + 30, "Mars/Base")])
    assert caught.value.field == "slots"
