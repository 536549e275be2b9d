"""What registrants need, counted: the figures an organizer books interpreters, data packages
and childcare with. Plain values in, plain values out; no ORM."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class NeedsAnswer:
    """One registration's answers, as far as counting goes."""

    status: str
    interpretation_language: str = ""
    data_package: bool = False
    childcare: bool = False
    has_accessibility_notes: bool = False


@dataclass(slots=True)
class Tally:
    """A count of people with a seat and of people waiting for one."""

    confirmed: int = 0
    waitlisted: int = 0

    @property
    def total(self) -> int:
        return self.confirmed + self.waitlisted

    def add(self, status: str, amount: int = 1) -> None:
        if status == CONFIRMED:
            self.confirmed += amount
        elif status == WAITLISTED:
            self.waitlisted += amount

    def plus(self, other: Tally) -> Tally:
        return Tally(self.confirmed + other.confirmed, self.waitlisted + other.waitlisted)

    def as_dict(self) -> dict[str, int]:
        return {"confirmed": self.confirmed, "waitlisted": self.waitlisted}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Tally:
        data = data or {}
        return cls(int(data.get("confirmed", 0)), int(data.get("waitlisted", 0)))


@dataclass(slots=True)
class NeedsSummary:
    registrations: Tally = field(default_factory=Tally)
    cancelled: int = 0
    interpretation: dict[str, Tally] = field(default_factory=dict)
    data_package: Tally = field(default_factory=Tally)
    childcare: Tally = field(default_factory=Tally)
    accessibility_notes: Tally = field(default_factory=Tally)

    @property
    def is_empty(self) -> bool:
        return self.registrations.total == 0 and self.cancelled == 0

    def interpretation_rows(self) -> list[tuple[str, Tally]]:
        """Languages by the number of people needing them, most first, then by code."""
        return sorted(self.interpretation.items(), key=lambda item: (-item[1].total, item[0]))

    def as_dict(self) -> dict[str, Any]:
        return {
            "registrations": self.registrations.as_dict(),
            "cancelled": self.cancelled,
            "interpretation": {code: t.as_dict() for code, t in self.interpretation_rows()},
            "data_package": self.data_package.as_dict(),
            "childcare": self.childcare.as_dict(),
            "accessibility_notes": self.accessibility_notes.as_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> NeedsSummary:
        data = data or {}
        return cls(
            registrations=Tally.from_dict(data.get("registrations")),
            cancelled=int(data.get("cancelled", 0)),
            interpretation={
                str(code): Tally.from_dict(t)
                for code, t in (data.get("interpretation") or {}).items()
            },
            data_package=Tally.from_dict(data.get("data_package")),
            childcare=Tally.from_dict(data.get("childcare")),
            accessibility_notes=Tally.from_dict(data.get("accessibility_notes")),
        )


def summarize(answers: Iterable[NeedsAnswer]) -> NeedsSummary:
    """Counts each need among confirmed and waitlisted registrations; cancelled ones only
    count as cancelled."""
    summary = NeedsSummary()
    for answer in answers:
        if answer.status == CANCELLED:
            summary.cancelled += 1
            continue
        summary.registrations.add(answer.status)
        if answer.interpretation_language:
            summary.interpretation.setdefault(answer.interpretation_language, Tally()).add(
                answer.status
            )
        if answer.data_package:
            summary.data_package.add(answer.status)
        if answer.childcare:
            summary.childcare.add(answer.status)
        if answer.has_accessibility_notes:
            summary.accessibility_notes.add(answer.status)
    return summary


def combine(summaries: Iterable[NeedsSummary]) -> NeedsSummary:
    """The sum of several summaries: a session's stored and live counts, or a program's."""
    total = NeedsSummary()
    for summary in summaries:
        total.registrations = total.registrations.plus(summary.registrations)
        total.cancelled += summary.cancelled
        for code, tally in summary.interpretation.items():
            total.interpretation[code] = total.interpretation.get(code, Tally()).plus(tally)
        total.data_package = total.data_package.plus(summary.data_package)
        total.childcare = total.childcare.plus(summary.childcare)
        total.accessibility_notes = total.accessibility_notes.plus(summary.accessibility_notes)
    return total
