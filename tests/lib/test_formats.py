"""Dates and times written for a reader: their language, and always the zone."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.dates import format_date, format_skeleton, format_time
from django.conf import settings

from clinicdesk.lib.formats import (
    describe_date,
    describe_instant,
    describe_month,
    describe_time,
    zone_city,
)
from clinicdesk.lib.languages import babel_locale

# Seed 000: the first call, Monday 15 June 2020 at 17:30 UTC.
FIRST_CALL = dt.datetime(2020, 6, 15, 17, 30, tzinfo=dt.UTC)
NNBSP = "\u202f"  # CLDR puts a narrow no-break space before AM/PM


def test_describe_instant_in_spanish_names_the_zone():
    text = describe_instant(FIRST_CALL, "Europe/Madrid", "es")
    assert text.iso == "2020-06-15T17:30:00Z"
    assert text.local == dt.datetime(2020, 6, 15, 19, 30, tzinfo=text.local.tzinfo)
    assert text.date == "lunes, 15 de junio de 2020"
    assert text.short_date == "15 jun 2020"
    assert text.time == "19:30"
    assert text.zone_label == "UTC+2, Madrid"
    assert text.full == "lunes, 15 de junio de 2020, 19:30 (UTC+2, Madrid)"


def test_describe_instant_in_english():
    text = describe_instant(FIRST_CALL, "Europe/Madrid", "en")
    assert text.date == "Monday, June 15, 2020"
    assert text.short_date == "Jun 15, 2020"
    assert text.time == f"7:30{NNBSP}PM"
    assert text.zone_label == "UTC+2, Madrid"


def test_describe_instant_winter_offset_and_translated_city():
    text = describe_instant(dt.datetime(2020, 12, 15, 17, 30, tzinfo=dt.UTC), "Europe/Madrid", "es")
    assert (text.time, text.zone_label) == ("18:30", "UTC+1, Madrid")
    mexico = describe_instant(FIRST_CALL, "America/Mexico_City", "es")
    assert (mexico.time, mexico.zone_label) == ("12:30", "UTC-5, Ciudad de México")


def test_describe_instant_utc_and_half_hour_zones():
    assert describe_instant(FIRST_CALL, "UTC", "en").zone_label == "UTC"
    kolkata = describe_instant(FIRST_CALL, "Asia/Kolkata", "en")
    assert (kolkata.time, kolkata.zone_label) == (f"11:00{NNBSP}PM", "UTC+5:30, Kolkata")


def test_describe_instant_iso_is_utc_whatever_the_input_zone():
    instant = FIRST_CALL.astimezone(dt.timezone(dt.timedelta(hours=-5)))
    assert describe_instant(instant, "Europe/Madrid", "en").iso == "2020-06-15T17:30:00Z"


def test_zone_city_falls_back_to_english_for_unknown_language():
    assert zone_city("Europe/Madrid", "xx") == "Madrid"
    assert zone_city("Etc/UTC", "es") == "UTC"


def test_describe_date_and_time():
    assert describe_date(dt.date(2020, 6, 17), "es") == "miércoles, 17 de junio de 2020"
    assert describe_date(dt.date(2020, 6, 17), "en", form="medium") == "Jun 17, 2020"
    assert describe_time(dt.time(8, 0), "es") == "8:00"
    assert describe_time(dt.time(8, 0), "en") == f"8:00{NNBSP}AM"


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES] + ["xx"])
def test_dates_months_and_times_read_as_babel_writes_them(language):
    # The patterns are looked up once per language: the text must stay Babel's own.
    locale = babel_locale(language)
    days = [dt.date(2020, 6, 15), dt.date(2025, 1, 1), dt.date(2031, 12, 31)]
    for day in days:
        for form in ["full", "long", "medium", "short"]:
            assert describe_date(day, language, form=form) == format_date(day, form, locale)
        assert describe_month(day, language) == format_skeleton("yMMMM", day, locale=locale)
    for moment in [dt.time(0, 0), dt.time(7, 5), dt.time(12, 0), dt.time(19, 30)]:
        assert describe_time(moment, language) == format_time(moment, "short", locale=locale)
