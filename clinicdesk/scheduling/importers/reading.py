"""What the seed parsers share: the problem record, text lines, call times and program facts.

Pure: plain text in, dataclasses out, no ORM. Anything that cannot be read is reported as a
:class:`Problem` naming its line; nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from clinicdesk.lib.tz import is_zone

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something a parser could not read. ``line_number`` counts from 1; 0 means the whole
    text. A blocking problem stops the import: nothing is saved."""

    line_number: int
    line: str
    message: str
    blocking: bool = True

    def __str__(self) -> str:
        where = f"line {self.line_number}" if self.line_number else "text"
        quoted = f": “{self.line.strip()}”" if self.line.strip() else ""
        kind = "" if self.blocking else " (warning)"
        return f"{where}{kind}: {self.message}{quoted}"


@dataclass(frozen=True, slots=True)
class Parsed(Generic[T]):
    """A parser's answer: the data read (None when the text is not of the expected kind at
    all) and every problem met on the way."""

    data: T | None
    problems: tuple[Problem, ...]

    @property
    def blocking_problems(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.blocking)

    @property
    def can_be_saved(self) -> bool:
        return self.data is not None and not self.blocking_problems


# --- Lines --------------------------------------------------------------------------------------

# Rendered wiki pages and mail archives carry no-break and thin spaces; tabs are kept because a
# tab separates table cells.
_SPACES = re.compile(r"[ \u00a0\u2007\u202f\u2009]+")
_BULLET = re.compile(r"^(?:[•*·‣◦▪\u2013-]|\d+\.)\s+")


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # from 1
    raw: str
    text: str  # spaces collapsed, stripped

    @property
    def is_blank(self) -> bool:
        return not self.text

    @property
    def is_bullet(self) -> bool:
        return bool(_BULLET.match(self.text))

    @property
    def without_bullet(self) -> str:
        return _BULLET.sub("", self.text, count=1)


def clean(text: str) -> str:
    """One line with its runs of spaces collapsed and its ends stripped; tabs stay inside."""
    return _SPACES.sub(" ", text).strip()


def split_lines(text: str) -> list[Line]:
    """The lines of ``text``, numbered as an editor numbers them (only ``\\n`` ends a line)."""
    text = text.removeprefix("\ufeff")
    return [
        Line(number, raw.rstrip("\r"), clean(raw.rstrip("\r")))
        for number, raw in enumerate(text.split("\n"), start=1)
    ]


def paragraphs(lines: Sequence[Line]) -> Iterator[list[Line]]:
    """Runs of non-blank lines."""
    run: list[Line] = []
    for line in lines:
        if line.is_blank:
            if run:
                yield run
            run = []
        else:
            run.append(line)
    if run:
        yield run


def prose(lines: Sequence[Line]) -> str:
    """The section's text as plain paragraphs; each bullet becomes a line starting with "* "."""
    blocks: list[str] = []
    for run in paragraphs(lines):
        block: list[str] = []
        for line in run:
            if line.is_bullet:
                block.append(f"* {line.without_bullet.strip()}")
            elif block:
                block[-1] = f"{block[-1]} {line.text}"  # a mail wrapped the paragraph or bullet
            else:
                block.append(line.text)
        blocks.append("\n".join(block))
    return "\n\n".join(blocks)


# --- Dates and call times -----------------------------------------------------------------------

WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tues": 1,
    "tue": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thurs": 3,
    "thur": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}


def _alternation(names: Sequence[str]) -> str:
    return "|".join(sorted(names, key=len, reverse=True))


_WEEKDAY = rf"(?i:(?P<weekday>{_alternation(list(WEEKDAYS))}))\.?"
_MONTH_DAY = (
    rf"(?:(?i:(?P<month>{_alternation(list(MONTHS))}))\.?\s+(?P<day>\d{{1,2}})(?i:st|nd|rd|th)?"
    rf"|(?P<day_first>\d{{1,2}})(?i:st|nd|rd|th)?\s+(?i:(?P<month_after>{_alternation(list(MONTHS))}))\.?)"
)
_TIME = r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?![:.]?\d)(?:\s*(?i:(?P<meridiem>[ap])\.?m\b\.?))?"
# "(5:30pm)" after a 24-hour time says the same thing twice; it is checked, not trusted.
_ASIDE = r"(?:\s*\((?P<aside>[^)]*)\))?"
_YEAR = r"(?:,?\s+(?P<year>\d{4})(?![:.]?\d))?"
# An offset ("UTC+2") is read whole so that it is refused rather than taken for UTC.
_ZONE = (
    r"(?:\s+(?P<zone>(?:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?|[A-Z][A-Za-z]+/[A-Za-z_+/-]+"
    r"|[A-Z]{2,5})\b)?"
)
CALL_TIME = re.compile(
    rf"\b{_WEEKDAY},?\s+{_MONTH_DAY}{_YEAR},?\s+(?i:at\s+)?{_TIME}{_ASIDE}{_ZONE}",
)
_ASIDE_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m\.?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CallTime:
    """A call time as announced: a weekday, a month and day (usually without a year), a wall
    time and its IANA zone."""

    weekday: int  # 0 = Monday
    month: int
    day: int
    time: dt.time
    zone: str
    year: int | None = None  # when the text gives one; it then falls on the weekday

    def in_year(self, year: int) -> dt.date | None:
        """The date in ``year``, when that day falls on the announced weekday."""
        try:
            date = dt.date(year, self.month, self.day)
        except ValueError:  # 29 February of a common year
            return None
        return date if date.weekday() == self.weekday else None


def first_date_after(call: CallTime, after: dt.date, *, years: int = 7) -> dt.date | None:
    """The first date after ``after`` (within ``years``) that falls on the call's weekday;
    the stated date when the call gives its year."""
    if call.year is not None:
        return call.in_year(call.year)
    for year in range(after.year, after.year + years + 1):
        date = call.in_year(year)
        if date is not None and date > after:
            return date
    return None


def latest_date_in_year_up_to(call: CallTime, year: int, *, years: int = 28) -> dt.date | None:
    """The date in the latest year up to ``year`` (within ``years``) on the call's weekday;
    the stated date when the call gives its year."""
    if call.year is not None:
        return call.in_year(call.year)
    for candidate in range(year, year - years - 1, -1):
        date = call.in_year(candidate)
        if date is not None:
            return date
    return None


@dataclass(frozen=True, slots=True)
class CallTimeMatch:
    """One call time found in a paragraph: the call, or why it cannot be used."""

    line: Line  # where the call time starts
    call: CallTime | None
    problem: str


def find_call_times(run: Sequence[Line]) -> list[CallTimeMatch]:
    """Every "Monday, June 15th, 17:30 (5:30pm) UTC" in a paragraph, even when the mail
    wrapped it over two lines."""
    text = "\n".join(line.text for line in run)
    found = []
    for match in CALL_TIME.finditer(text):
        line = run[text.count("\n", 0, match.start())]
        call, problem = _read_call_time(match)
        found.append(CallTimeMatch(line, call, problem))
    return found


def _read_call_time(match: re.Match[str]) -> tuple[CallTime | None, str]:
    weekday = WEEKDAYS[match["weekday"].lower()]
    month = MONTHS[(match["month"] or match["month_after"]).lower()]
    day = int(match["day"] or match["day_first"])
    hour, minute = int(match["hour"]), int(match["minute"])
    if not _is_month_day(month, day):
        return None, f"{match[0].strip()!r} names a day that does not exist"
    year = int(match["year"]) if match["year"] else None
    if year is not None:
        try:
            stated = dt.date(year, month, day)
        except ValueError:
            return None, f"{match[0].strip()!r} names a day that does not exist"
        if stated.weekday() != weekday:
            return None, f"{stated:%d %B %Y} is a {stated:%A}, not a {match['weekday']}"
    meridiem = (match["meridiem"] or "").lower()
    if meridiem:
        if not 1 <= hour <= 12 and not (meridiem == "p" and 13 <= hour <= 23):
            return None, f"{hour}:{minute:02d} {meridiem}m is not a time of day"
        if hour <= 12:
            hour = hour % 12 + (12 if meridiem == "p" else 0)
    if hour > 23 or minute > 59:
        return None, f"{hour}:{minute:02d} is not a time of day"
    if match["aside"] is not None:
        aside = _ASIDE_TIME.match(match["aside"])
        if aside is not None:
            aside_hour = int(aside[1]) % 12 + (12 if aside[3].lower() == "p" else 0)
            if (aside_hour, int(aside[2] or 0)) != (hour, minute):
                return None, (
                    f"{match['hour']}:{match['minute']} and ({match['aside']}) are different times"
                )
    zone = match["zone"]
    if zone is None:
        return None, "the call's time names no time zone (for example UTC)"
    if zone in {"UTC", "GMT"}:
        zone = "UTC"
    elif not is_zone(zone):
        return None, (
            f"“{zone}” is not an IANA time zone name; write UTC or a name like Europe/Madrid"
        )
    return CallTime(weekday, month, day, dt.time(hour, minute), zone, year), ""


def _is_month_day(month: int, day: int) -> bool:
    try:
        dt.date(2000, month, day)  # a leap year, so that 29 February exists
    except ValueError:
        return False
    return True


_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[- ]([A-Za-z]{3,9})\.?[- ](\d{4})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read_date(text: str) -> dt.date | None:
    """``15-Jun-2020``, ``1 July 2020`` or ``2020-06-15``; None for anything else."""
    text = text.strip()
    try:
        if _ISO_DATE.match(text):
            return dt.date.fromisoformat(text)
        match = _DAY_MONTH_YEAR.match(text)
        if match is None or match[2].lower() not in MONTHS:
            return None
        return dt.date(int(match[3]), MONTHS[match[2].lower()], int(match[1]))
    except ValueError:
        return None


# --- Facts a program states about its calls -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class LengthRange:
    shortest: int  # minutes
    longest: int


@dataclass(frozen=True, slots=True)
class ProgramFacts:
    """What a program says about its calls, when it says it."""

    frequency: str  # "two to three times a month"; empty when not stated
    alternating: bool  # "in alternating time zones"
    length: LengthRange | None
    min_staff: int | None  # "at least two ... staff members"


_COUNT = rf"(?:\d+|{_alternation(list(NUMBER_WORDS))})"
_FREQUENCY = re.compile(
    rf"\b(?:once|twice|(?:{_COUNT}\s+(?:to|or|-)\s+)?{_COUNT}\s+times)\s+(?:a|per|each|every)\s+"
    r"(?:week|fortnight|month|year)\b"
    r"|\bevery\s+(?:other\s+|two\s+|\d+\s+)?weeks?\b"
    r"|\b(?:weekly|fortnightly|monthly)\b",
    re.IGNORECASE,
)
_LENGTH = re.compile(
    r"\b(\d{1,3})\s*(?:-|\u2013|\u2014|to)\s*(\d{1,3})\s*(?:minutes|mins?)\b", re.IGNORECASE
)
_MIN_STAFF = re.compile(
    rf"\bat\s+least\s+({_COUNT})\b(?:\s+[\w-]+){{0,4}}?\s+staff\b", re.IGNORECASE
)
_ALTERNATING = re.compile(r"\balternating\s+time[- ]?zones\b", re.IGNORECASE)


def read_program_facts(lines: Sequence[Line]) -> tuple[ProgramFacts, list[Problem]]:
    """Frequency, length range and minimum staff from a program's own description."""
    problems: list[Problem] = []
    frequency = ""
    alternating = False
    length: LengthRange | None = None
    min_staff: int | None = None
    for run in paragraphs(lines):
        text = " ".join(line.text for line in run)

        def line_of(offset: int, run: list[Line] = run) -> Line:
            # The paragraph was joined with single spaces: find the line holding the offset.
            position = 0
            for line in run:
                position += len(line.text) + 1
                if offset < position:
                    return line
            return run[-1]

        if not frequency and (match := _FREQUENCY.search(text)):
            frequency = match[0]
        alternating = alternating or bool(_ALTERNATING.search(text))
        if length is None and (match := _LENGTH.search(text)):
            shortest, longest = int(match[1]), int(match[2])
            if 0 < shortest <= longest <= 24 * 60:
                length = LengthRange(shortest, longest)
            else:
                line = line_of(match.start())
                problems.append(
                    Problem(line.number, line.raw, f"“{match[0]}” is not a range of minutes")
                )
        if min_staff is None and (match := _MIN_STAFF.search(text)):
            word = match[1].lower()
            min_staff = NUMBER_WORDS.get(word) or int(word)
    return ProgramFacts(frequency, alternating, length, min_staff), problems
