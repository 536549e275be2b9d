"""Dates and times written for a reader: in their language (Babel/CLDR) and naming the zone."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from babel.dates import format_date, format_skeleton, format_time, get_timezone_location

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
        date=format_date(local.date(), format="full", locale=locale),
        short_date=format_date(local.date(), format="medium", locale=locale),
        time=format_time(local.time(), format="short", locale=locale),
        zone_label=zone_label,
    )


def describe_date(day: dt.date, language: str, *, form: str = "full") -> str:
    return format_date(day, format=form, locale=babel_locale(language))


def describe_month(month: dt.date, language: str) -> str:
    """ "January 2025", "enero de 2025": a month standing alone, in ``language``."""
    return format_skeleton("yMMMM", month, locale=babel_locale(language))


def describe_time(moment: dt.time, language: str) -> str:
    return format_time(moment, format="short", locale=babel_locale(language))
