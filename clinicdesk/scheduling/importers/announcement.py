"""Reads an announcement e-mail of a program's calls (seed 000): the calls with their times,
the length range, the minimum staff, the frequency and the mailing list.

Pure: text in, :class:`Announcement` and problems out. An e-mail gives its calls without a
year. A call whose month, day and weekday match a date the caller already knows (the dates
of the program's sessions) takes that date; the other calls of the same e-mail then take the
same year; failing both, a call takes the latest year, up to the year of ``reference``, in
which its date falls on its weekday (by year, not by day: an e-mail announces calls ahead).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from clinicdesk.scheduling.importers.reading import (
    CallTime,
    LengthRange,
    Line,
    Parsed,
    Problem,
    find_call_times,
    latest_date_in_year_up_to,
    paragraphs,
    read_program_facts,
    split_lines,
)


@dataclass(frozen=True, slots=True)
class AnnouncedCall:
    call_time: CallTime
    date: dt.date
    line_number: int


@dataclass(frozen=True, slots=True)
class Announcement:
    calls: tuple[AnnouncedCall, ...]  # in the order the e-mail gives them
    frequency: str  # "once a week"; empty when not stated
    alternating: bool  # "in alternating time zones"
    length: LengthRange | None  # "70-120 minutes"
    min_staff: int | None  # "at least two ... staff members"
    mailing_list: str  # "Wikimedia-l"; empty when not named


_MAILING_LIST = re.compile(
    r"\b(?P<named>[A-Za-z][\w.+]*-l)\s+mailing\s+list\b|^\[(?P<tag>[A-Za-z][\w.+]*-l)\]",
    re.IGNORECASE | re.MULTILINE,
)


def parse_announcement(
    text: str, *, reference: dt.date, known_dates: Iterable[dt.date] = ()
) -> Parsed[Announcement]:
    """Reads the e-mail; ``data`` is None when it announces no call time at all."""
    lines = split_lines(text)
    problems: list[Problem] = []
    found: list[tuple[Line, CallTime]] = []
    for run in paragraphs(lines):
        for match in find_call_times(run):
            if match.call is None:
                problems.append(Problem(match.line.number, match.line.raw, match.problem))
            elif all(call != match.call for _, call in found):
                found.append((match.line, match.call))
    if not found and not problems:
        problems.append(
            Problem(
                0,
                "",
                "this is not an announcement of calls: it gives no call time such as "
                "“Monday, June 15th, 17:30 UTC”",
            )
        )
    if not found:
        return Parsed(None, tuple(problems))

    calls = _date_calls(found, known_dates, reference, problems)
    facts, fact_problems = read_program_facts(lines)
    problems.extend(fact_problems)
    listed = _MAILING_LIST.search(text)
    announcement = Announcement(
        calls=tuple(calls),
        frequency=facts.frequency,
        alternating=facts.alternating,
        length=facts.length,
        min_staff=facts.min_staff,
        mailing_list=(listed["named"] or listed["tag"]) if listed else "",
    )
    return Parsed(announcement, tuple(problems))


def _date_calls(
    found: Sequence[tuple[Line, CallTime]],
    known_dates: Iterable[dt.date],
    reference: dt.date,
    problems: list[Problem],
) -> list[AnnouncedCall]:
    known = set(known_dates)
    dates: dict[int, dt.date] = {}
    undecided: set[int] = set()
    for index, (line, call) in enumerate(found):
        stated = call.in_year(call.year) if call.year is not None else None
        matching = sorted(d for d in known if call.in_year(d.year) == d)
        if stated is not None:
            dates[index] = stated
        elif len(matching) == 1:
            dates[index] = matching[0]
        elif matching:
            undecided.add(index)
            problems.append(
                Problem(
                    line.number,
                    line.raw,
                    "this call matches sessions in several years ("
                    + ", ".join(f"{d:%Y-%m-%d}" for d in matching)
                    + "); give the year",
                )
            )
    # The calls of one e-mail are days or weeks apart: the year of one known call dates the
    # others (or the next year, for an e-mail of December announcing January).
    anchors = sorted({date.year for date in dates.values()})
    calls: list[AnnouncedCall] = []
    for index, (line, call) in enumerate(found):
        if index in undecided:
            continue
        date = dates.get(index)
        if date is None and anchors:
            years = [year + shift for shift in (0, 1, -1) for year in anchors]
            date = next((d for d in map(call.in_year, years) if d is not None), None)
        if date is None:
            date = latest_date_in_year_up_to(call, reference.year)
        if date is None:
            problems.append(
                Problem(
                    line.number,
                    line.raw,
                    f"no year up to {reference.year} has this date on this weekday",
                )
            )
            continue
        calls.append(AnnouncedCall(call, date, line.number))
    return calls
