"""A plan as the organizer page shows it: every share as a percentage, every time with its
weekday, its zone's offset and city, in the reader's language. Plain values for templates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from babel.numbers import format_percent
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clinicdesk.lib.formats import describe_date, describe_time, zone_city
from clinicdesk.lib.languages import babel_locale
from clinicdesk.lib.tz import format_offset
from clinicdesk.planning.core import LocalTime, Plan, Slot
from clinicdesk.planning.core.horizon import local_to_instants, minute_of_week, offsets_at
from clinicdesk.planning.explain import note_message, region_label
from clinicdesk.planning.forms import day_names
from clinicdesk.scheduling.cadence import WeeklySlot
from clinicdesk.scheduling.forms import format_slot


def _language() -> str:
    return get_language() or "en"


def percent(share: float | None) -> str:
    if share is None:
        return "—"
    return format_percent(share, "#,##0.0%", locale=babel_locale(_language()))


def zone_label(zone: str, offset_minutes: int) -> str:
    """ "UTC-6, Mexico City"; "UTC" for UTC itself."""
    offset = format_offset(dt.timedelta(minutes=offset_minutes))
    city = zone_city(zone, _language())
    return offset if city == "UTC" else f"{offset}, {city}"


def _clock(minute: int) -> str:
    return describe_time(dt.time(minute // 60, minute % 60), _language())


def slot_text(slot: Slot, on: dt.date) -> str:
    """ "Monday 17:30 (UTC)", the offset the slot's zone has on ``on``."""
    local = (on - dt.date(1970, 1, 1)).days * 1440 + slot.minute
    instant = int(local_to_instants(slot.zone, np.array([local], dtype=np.int64))[0])
    offset = local - instant
    return f"{day_names()[slot.weekday]} {_clock(slot.minute)} ({zone_label(slot.zone, offset)})"


def in_zone(slot: Slot, zone: str, on: dt.date) -> Slot:
    """The same call time as a weekly slot in ``zone``, as on the week of ``on``."""
    if slot.zone == zone:
        return slot
    local = (on - dt.date(1970, 1, 1)).days * 1440 + slot.minute
    instant = int(local_to_instants(slot.zone, np.array([local], dtype=np.int64))[0])
    there = instant + int(offsets_at(zone, np.array([instant], dtype=np.int64))[0])
    moment = int(minute_of_week(np.array([there], dtype=np.int64))[0])
    return Slot(moment // 1440, moment % 1440, zone)


def weekly_slot(slot: Slot) -> WeeklySlot:
    return WeeklySlot(slot.weekday, slot.time, slot.zone)


def _local_time_text(local: LocalTime) -> str:
    zone = zone_label(local.zone, local.offset_minutes)
    return f"{day_names()[local.weekday]} {_clock(local.minute)} ({zone})"


@dataclass(frozen=True)
class RegionTimes:
    region: str
    times: list[str]


@dataclass(frozen=True)
class SlotRow:
    number: int
    text: str
    value: str  # "Monday 17:30 UTC", as the apply form reads it
    served_alone: str
    fewest_staff: int | None
    regions: list[RegionTimes]


def slot_rows(plan: Plan) -> list[SlotRow]:
    rows = []
    language = _language()
    for number, planned in enumerate(plan.slots, start=1):
        by_region: dict[str, list[LocalTime]] = {}
        for local in planned.local_times:
            by_region.setdefault(local.region, []).append(local)
        regions = []
        for region, runs in by_region.items():
            if len(runs) == 1:
                times = [_local_time_text(runs[0])]
            else:
                times = [
                    _("%(time)s, %(since)s to %(until)s")
                    % {
                        "time": _local_time_text(run),
                        "since": describe_date(run.since, language, form="medium"),
                        "until": describe_date(run.until, language, form="medium"),
                    }
                    for run in runs
                ]
            regions.append(RegionTimes(region_label(region), times))
        rows.append(
            SlotRow(
                number=number,
                text=slot_text(planned.slot, plan.horizon.start),
                value=format_slot(weekly_slot(planned.slot), localized=False),
                served_alone=percent(planned.served_alone),
                fewest_staff=planned.fewest_staff,
                regions=regions,
            )
        )
    return rows


@dataclass(frozen=True)
class RegionRow:
    region: str
    members: int
    weight: str
    served: str
    current: str
    comfortable: str
    never: str
    main_city: str


def region_rows(plan: Plan, current: Plan | None) -> list[RegionRow]:
    current_by_region = {r.region: r for r in current.regions} if current else {}
    rows = []
    for region in plan.regions:
        other = current_by_region.get(region.region)
        rows.append(
            RegionRow(
                region=region_label(region.region),
                members=region.members,
                weight=percent(region.weight_share),
                served=percent(region.served),
                current=percent(other.served if other else None),
                comfortable=percent(region.comfortable),
                never=percent(region.never_served),
                main_city=zone_city(region.main_zone, _language()),
            )
        )
    return rows


def _difference(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "\u2212"  # a minus sign
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"


@dataclass(frozen=True)
class DateRow:
    date: str
    slot: int
    share: str
    usual: str
    shifted: list[str]


def worst_date_rows(plan: Plan) -> list[DateRow]:
    language = _language()
    rows = []
    for worst in plan.worst_dates:
        zone = plan.slots[worst.slot_index].slot.zone
        rows.append(
            DateRow(
                date=describe_date(worst.date, language, form="medium"),
                slot=worst.slot_index + 1,
                share=percent(worst.share),
                usual=percent(worst.usual_share),
                shifted=[
                    _("%(city)s: %(difference)s from %(zone)s (usually %(usual)s)")
                    % {
                        "city": zone_city(shift.zone, language),
                        "difference": _difference(shift.offset_minutes),
                        "zone": zone,
                        "usual": _difference(shift.usual_offset_minutes),
                    }
                    for shift in worst.shifted
                ],
            )
        )
    return rows


@dataclass(frozen=True)
class LeftOutRow:
    city: str
    zone: str
    region: str
    members: int
    share: str
    served_dates: str


def left_out_rows(plan: Plan, *, partly: bool = False) -> list[LeftOutRow]:
    language = _language()
    return [
        LeftOutRow(
            city=zone_city(row.zone, language),
            zone=row.zone,
            region=region_label(row.region),
            members=row.members,
            share=percent(row.weight_share),
            served_dates=percent(row.served_dates),
        )
        for row in (plan.partly_served if partly else plan.left_out)
    ]


def notes(plan: Plan) -> list[str]:
    return [note_message(note) for note in plan.notes]
