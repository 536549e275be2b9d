"""Every write of the planning app: polls and their answers, the planner's settings, and
applying a plan (the rotation and the sessions of the horizon, through scheduling's services).

Each function is keyword-only, validates, owns its transaction and raises
:class:`django.core.exceptions.ValidationError` with a message for a person. Side effects are
listed in each docstring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clinicdesk.lib.tz import Fold, get_zone, is_zone, to_utc_lenient
from clinicdesk.planning.core import CELLS_PER_WEEK, MAX_HORIZON_WEEKS, Staff
from clinicdesk.planning.core.hubs import Hub
from clinicdesk.planning.core.weekgrid import cells_to_utc, offset_minutes
from clinicdesk.planning.models import AvailabilityPoll, PlannerSettings, PollAnswer
from clinicdesk.scheduling import services as scheduling
from clinicdesk.scheduling.cadence import WeeklySlot, plan_calls
from clinicdesk.scheduling.models import ClinicSession, Program, RotationSlot

# --- Polls --------------------------------------------------------------------------------------


def open_poll(*, program: Program, now: dt.datetime) -> AvailabilityPoll:
    """Opens the program's poll: its latest poll again (answers kept), or a first one.

    Side effects: the program's public page shows a link to the poll (it is rebuilt).
    """
    with transaction.atomic():
        current = program.availability_polls.select_for_update().order_by("-opened_at").first()
        if current is not None and current.is_open:
            return current
        if current is None:
            current = AvailabilityPoll(program=program, opened_at=now)
            current.save()
        else:
            current.is_open = True
            current.closed_at = None
            current.save(update_fields=["is_open", "closed_at"])
        scheduling.touch_program(program.pk)
    return current


def start_new_poll(*, program: Program, now: dt.datetime) -> AvailabilityPoll:
    """Closes the program's open poll, if any, and opens a new, empty one.

    Side effects: as :func:`open_poll`.
    """
    with transaction.atomic():
        program.availability_polls.filter(is_open=True).update(is_open=False, closed_at=now)
        poll = AvailabilityPoll.objects.create(program=program, opened_at=now)
        scheduling.touch_program(program.pk)
    return poll


def close_poll(*, poll: AvailabilityPoll, now: dt.datetime) -> AvailabilityPoll:
    """Stops a poll taking answers; its answers stay and still feed the planner.

    Side effects: the link to the poll leaves the program's public page (it is rebuilt).
    """
    if not poll.is_open:
        return poll
    with transaction.atomic():
        poll.is_open = False
        poll.closed_at = now
        poll.save(update_fields=["is_open", "closed_at"])
        scheduling.touch_program(poll.program_id)
    return poll


def _check_answer(poll: AvailabilityPoll, time_zone: str, cells: Iterable[int]) -> list[int]:
    if not poll.is_open:
        raise ValidationError(_("This poll is closed: it takes no more answers."))
    if not is_zone(time_zone):
        raise ValidationError(
            {
                "time_zone": _("“%(zone)s” is not a known time zone (for example Europe/Madrid).")
                % {"zone": time_zone}
            }
        )
    marked = sorted(set(cells))
    if not marked:
        raise ValidationError({"cells": _("Mark at least one half-hour you can attend.")})
    if marked[0] < 0 or marked[-1] >= CELLS_PER_WEEK:
        raise ValidationError({"cells": _("Mark half-hours of the week shown.")})
    return marked


def answer_poll(
    *, poll: AvailabilityPoll, time_zone: str, cells: Iterable[int], today: dt.date
) -> PollAnswer:
    """Records one person's weekly hours, marked in ``time_zone`` (local half-hour cells).

    Side effects: none beyond the answer (the planner reads answers when it runs).
    """
    marked = _check_answer(poll, time_zone, cells)
    offset = offset_minutes(time_zone, today)
    answer = PollAnswer(
        poll=poll,
        time_zone=time_zone,
        utc_offset_minutes=offset,
        utc_quarters=[list(r) for r in cells_to_utc(marked, offset)],
    )
    answer.save()
    return answer


def change_answer(
    *, answer: PollAnswer, time_zone: str, cells: Iterable[int], today: dt.date
) -> PollAnswer:
    """Replaces an answer's hours (through its private link) while the poll is open.

    Side effects: none beyond the answer.
    """
    marked = _check_answer(answer.poll, time_zone, cells)
    offset = offset_minutes(time_zone, today)
    answer.time_zone = time_zone
    answer.utc_offset_minutes = offset
    answer.utc_quarters = [list(r) for r in cells_to_utc(marked, offset)]
    answer.save(update_fields=["time_zone", "utc_offset_minutes", "utc_quarters", "updated_at"])
    return answer


def withdraw_answer(*, answer: PollAnswer) -> None:
    """Deletes an answer (through its private link). Side effects: none beyond it."""
    answer.delete()


# --- Planner settings ---------------------------------------------------------------------------


def staff_to_json(staff: Sequence[Staff]) -> list[dict[str, Any]]:
    return [
        {
            "zone": s.zone,
            "start": f"{s.hours.start // 60:02d}:{s.hours.start % 60:02d}",
            "end": f"{s.hours.end // 60:02d}:{s.hours.end % 60:02d}",
            "weekdays": sorted(s.weekdays),
            "name": s.name,
        }
        for s in staff
    ]


def hubs_to_json(hubs: Sequence[Hub]) -> list[dict[str, Any]]:
    return [{"zone": h.zone, "percent": h.percent, "region": h.region} for h in hubs]


def save_planner_settings(
    *, program: Program, hubs: Sequence[Hub], staff: Sequence[Staff]
) -> PlannerSettings:
    """Remembers the declared spread of hubs and the staff's working hours for the program.

    Side effects: none beyond the settings (nothing public shows them).
    """
    values = {"hubs": hubs_to_json(hubs), "staff": staff_to_json(staff)}
    with transaction.atomic():
        settings, created = PlannerSettings.objects.select_for_update().get_or_create(
            program=program, defaults=values
        )
        changed = [key for key, value in values.items() if getattr(settings, key) != value]
        if not created and changed:
            for key in changed:
                setattr(settings, key, values[key])
            settings.save(update_fields=[*changed, "updated_at"])
    return settings


# --- Applying a plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AppliedPlan:
    rotation: list[RotationSlot]
    sessions: list[ClinicSession]
    limited: bool  # more calls fit the horizon than one application schedules


def _first_session(
    program: Program, slots: Sequence[WeeklySlot], after: dt.datetime
) -> ClinicSession:
    """The program's first session, at the first slot's first call after ``after``."""
    call = plan_calls(list(slots), after=after, count=1, min_gap_days=program.cadence_days)[0]
    local = call.starts_at.astimezone(get_zone(call.zone))
    return scheduling.schedule_session(
        program=program,
        start_date=local.date(),
        start_time=local.time().replace(tzinfo=None),
        time_zone=call.zone,
        fold=Fold.FIRST if call.adjusted else None,
    )


def apply_plan(
    *,
    program: Program,
    slots: Sequence[WeeklySlot],
    start: dt.date,
    weeks: int,
    now: dt.datetime,
) -> AppliedPlan:
    """Makes ``slots`` the program's rotation and schedules the next numbered sessions over
    the horizon (``weeks`` from ``start``), alternating between the slots at the program's
    cadence, each anchored to its slot's zone. The sessions continue from the latest one,
    copying its kind, length, languages, meeting link and hosts; a program with no session
    gets a first one at the first slot.

    Side effects: the rotation is replaced; sessions are created; the program's public pages
    and calendar feed are rebuilt.
    """
    if not slots:
        raise ValidationError({"slots": _("The plan has no weekly slot to apply.")})
    if not 1 <= weeks <= MAX_HORIZON_WEEKS:
        raise ValidationError(
            {"weeks": _("The horizon runs 1 to %(most)d weeks.") % {"most": MAX_HORIZON_WEEKS}}
        )
    end = start + dt.timedelta(weeks=weeks)
    horizon_start = to_utc_lenient(dt.datetime.combine(start, dt.time(0)), slots[0].zone)[0]
    after = max(now, horizon_start)
    with transaction.atomic():
        rotation = scheduling.set_rotation(program=program, slots=slots)
        created: list[ClinicSession] = []
        latest = program.sessions.select_related("program").order_by("-number").first()
        if latest is None:
            latest = _first_session(program, slots, after)
            if latest.start_date is not None and latest.start_date >= end:
                raise ValidationError(
                    {"weeks": _("No call of this rotation falls within the horizon.")}
                )
            created.append(latest)
        continue_after = max(after, latest.starts_at) if latest.starts_at else after
        planned = scheduling.plan_repeat(
            session=latest, count=scheduling.MAX_REPEAT, slots=slots, after=continue_after
        )
        within = [p for p in planned if p.call.date < end]
        if within:
            created += scheduling.repeat_session(
                session=latest, count=len(within), slots=slots, after=continue_after
            )
    return AppliedPlan(rotation=rotation, sessions=created, limited=len(within) == len(planned))
