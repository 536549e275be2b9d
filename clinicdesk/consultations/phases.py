"""Where a consultation stands at a given instant: whether submissions and ranking are open,
and whether its results may be shown. Pure: instants in, plain values out."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass


class Phase(enum.StrEnum):
    NOT_SET = "not-set"  # neither an opening nor a closing: organizers have not opened it
    NOT_YET = "not-yet"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Window:
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None

    def phase(self, now: dt.datetime) -> Phase:
        if self.opens_at is None and self.closes_at is None:
            return Phase.NOT_SET
        if self.opens_at is not None and now < self.opens_at:
            return Phase.NOT_YET
        if self.closes_at is not None and now >= self.closes_at:
            return Phase.CLOSED
        return Phase.OPEN


@dataclass(frozen=True, slots=True)
class Phases:
    submissions: Phase
    ranking: Phase
    results_visible: bool
    published_early: bool


def phases_at(
    submissions: Window, ranking: Window, *, published_early: bool, now: dt.datetime
) -> Phases:
    ranking_phase = ranking.phase(now)
    closed = ranking_phase == Phase.CLOSED
    return Phases(
        submissions=submissions.phase(now),
        ranking=ranking_phase,
        results_visible=closed or published_early,
        published_early=published_early and not closed,
    )
