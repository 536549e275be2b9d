"""A declared spread of hubs: "30 % America/Mexico_City, 20 % Africa/Lagos, ...".

Each hub is a zone with its share of the community (percent) and, optionally, the region it
counts for ("25 % America/Sao_Paulo (Latin America)"). The shares must add up to 100 %.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from clinicdesk.lib.tz import is_zone
from clinicdesk.planning.core.model import (
    Member,
    PlanningError,
    UnknownZones,
    WeightsDoNotAddUp,
    gettext_noop,
)

TOLERANCE = 0.05  # percentage points: "33.3 + 33.3 + 33.3" is 100 %
_SEPARATORS = re.compile(r"(?:[\n;]|,(?!\d))+")  # "12,5 %" keeps its decimal comma
_PERCENT = r"(?P<percent>\d+(?:[.,]\d+)?)\s*%?"
_ZONE = r"(?P<zone>[A-Za-z][\w+\-/]*)"
_REGION = r"(?:\s*\((?P<region>[^()]+)\))?"
_PERCENT_FIRST = re.compile(rf"{_PERCENT}\s+{_ZONE}{_REGION}")
_ZONE_FIRST = re.compile(rf"{_ZONE}\s*[:=]?\s*{_PERCENT}{_REGION}")


class BadHub(PlanningError):
    code = "bad_hub"
    template = gettext_noop(
        "Hub %(index)d (“%(text)s”): write a share and a time zone, for example "
        "“30 %% America/Mexico_City”, optionally followed by a region in brackets."
    )


class EmptySpread(PlanningError):
    code = "empty_community"
    template = gettext_noop(
        "The spread of hubs is empty: give at least one, for example “100 %% Europe/Madrid”."
    )


@dataclass(frozen=True, slots=True)
class Hub:
    zone: str
    percent: float
    region: str = ""

    def label(self) -> str:
        share = f"{self.percent:g}"
        return f"{share} % {self.zone}" + (f" ({self.region})" if self.region else "")


def parse_hubs(text: str) -> list[Hub]:
    """Reads a spread; raises :class:`PlanningError` saying what is wrong."""
    entries = [part.strip() for part in _SEPARATORS.split(text) if part.strip()]
    if not entries:
        raise EmptySpread("hubs")
    hubs: list[Hub] = []
    for index, entry in enumerate(entries, start=1):
        match = _PERCENT_FIRST.fullmatch(entry) or _ZONE_FIRST.fullmatch(entry)
        if match is None:
            raise BadHub("hubs", index=index, text=entry[:80])
        percent = float(match["percent"].replace(",", "."))
        region = (match["region"] or "").strip()
        hubs.append(Hub(match["zone"], percent, region))
    return check_hubs(hubs)


def check_hubs(hubs: Sequence[Hub]) -> list[Hub]:
    """Known zones, positive shares adding up to 100 %."""
    if not hubs:
        raise EmptySpread("hubs")
    unknown = [hub.zone for hub in hubs if not is_zone(hub.zone)]
    if unknown:
        raise UnknownZones(
            "hubs",
            zones=", ".join(f"“{z}”" for z in unknown[:5]),
            where=gettext_noop("the spread of hubs"),
        )
    for index, hub in enumerate(hubs, start=1):
        if not (math.isfinite(hub.percent) and hub.percent > 0):
            raise BadHub("hubs", index=index, text=hub.label())
    total = sum(hub.percent for hub in hubs)
    if abs(total - 100) > TOLERANCE:
        raise WeightsDoNotAddUp("hubs", total=f"{total:g}")
    return list(hubs)


def format_hubs(hubs: Sequence[Hub]) -> str:
    return "\n".join(hub.label() for hub in hubs)


def hub_members(hubs: Sequence[Hub]) -> list[Member]:
    """One member per hub, weighing its share."""
    return [Member(zone=hub.zone, weight=hub.percent, region=hub.region) for hub in hubs]


def even_spread(zones: Sequence[str]) -> list[Hub]:
    """The same share for each zone (the program's community cities, when nothing is
    declared); shares are rounded to 0.01 % and the first takes the remainder."""
    if not zones:
        return []
    share = math.floor(10_000 / len(zones)) / 100
    first = round(100 - share * (len(zones) - 1), 2)
    return [Hub(zone, first if i == 0 else share) for i, zone in enumerate(zones)]
