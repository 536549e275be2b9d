"""Dates and times written for a reader: in their language (Babel/CLDR) and naming the zone."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Literal

from babel.dates import (
    DateTimePattern,
    get_date_format,
    get_time_format,
    get_timezone_location,
    match_skeleton,
    parse_pattern,
)

from clinicdesk.lib.languages import babel_locale
from clinicdesk.lib.tz import format_offset, get_zone, to_local


@functools.cache
def zone_city(zone: str, language: str) -> str:
    """The zone's exemplar city in ``language`` ("Mexico City", "Ciudad de México"), or "UTC"."""
    # Etc/GMT+5 is UTC-5 (POSIX reverses the sign): name such zones by their offset alone.
    if zone in {"UTC", "GMT", "Universal", "Zulu"} or zone.startswith("Etc/"):
        return "UTC"
    try:
        city = get_timezone_location(
            get_zone(zone), locale=babel_locale(language), return_city=True
        )
    except (LookupError, ValueError):
        city = ""
    return city or zone.rsplit("/", 1)[-1].replace("_", " ")


# Babel's format_date and friends look up and parse the locale's pattern on every call; pages
# write dozens of dates, so each language's patterns are looked up once per process. Applying
# a pattern is what Babel's functions do after the look-up, so the text is the same.
_FORMS: dict[str, Literal["full", "long", "medium", "short"]] = {
    "full": "full",
    "long": "long",
    "medium": "medium",
    "short": "short",
}


@functools.cache
def _date_pattern(language: str, form: str) -> DateTimePattern:
    """The date pattern of ``form`` ("full", "medium", ... or a pattern of its own)."""
    if form in _FORMS:
        return parse_pattern(get_date_format(_FORMS[form], locale=babel_locale(language)))
    return parse_pattern(form)


@functools.cache
def _short_time_pattern(language: str) -> DateTimePattern:
    return parse_pattern(get_time_format("short", locale=babel_locale(language)))


@functools.cache
def _month_pattern(language: str) -> DateTimePattern:
    """ "January 2025" as the locale writes a month standing alone (CLDR skeleton yMMMM)."""
    skeletons = babel_locale(language).datetime_skeletons
    skeleton = "yMMMM" if "yMMMM" in skeletons else match_skeleton("yMMMM", skeletons)
    return parse_pattern(skeletons[skeleton])


@dataclass(frozen=True, slots=True)
class LocalTimeText:
    iso: str  # the instant in UTC, ISO 8601, for <time datetime>
    local: dt.datetime
    date: str  # "Monday, June 15, 2020"
    short_date: str  # "15 Jun 2020"
    time: str  # "19:30" or "7:30 PM"
    zone_label: str  # "UTC+2, Madrid"

    @property
    def full(self) -> str:
        return f"{self.date}, {self.time} ({self.zone_label})"


def describe_instant(instant: dt.datetime, zone: str, language: str) -> LocalTimeText:
    local = to_local(instant, zone)
    locale = babel_locale(language)
    city = zone_city(zone, language)
    offset = format_offset(local.utcoffset())
    zone_label = offset if city == "UTC" else f"{offset}, {city}"
    return LocalTimeText(
        iso=instant.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        local=local,
        date=_date_pattern(language, "full").apply(local.date(), locale),
        short_date=_date_pattern(language, "medium").apply(local.date(), locale),
        time=describe_time(local.time(), language),
        zone_label=zone_label,
    )


def describe_date(day: dt.date, language: str, *, form: str = "full") -> str:
    if isinstance(day, dt.datetime):  # as Babel's format_date: the date of a datetime
        day = day.date()
    return _date_pattern(language, form).apply(day, babel_locale(language))


def describe_month(month: dt.date, language: str) -> str:
    """ "January 2025", "enero de 2025": a month standing alone, in ``language``."""
    # As Babel's format_skeleton: the month's first moment in UTC.
    start = dt.datetime.combine(month, dt.time(), tzinfo=dt.UTC)
    return _month_pattern(language).apply(start, babel_locale(language))


def describe_time(moment: dt.time, language: str) -> str:
    if moment.tzinfo is None:  # as Babel's format_time: a naive time is read as UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return _short_time_pattern(language).apply(moment, babel_locale(language))
