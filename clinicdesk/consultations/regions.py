"""Regions, countries and where they sit on a map: the data the project ships, no ORM.

The country table (``data/countries.csv``) gives each country its region and an approximate
centroid; a zone's country comes from CLDR (through Babel), so a participant's home time zone
tells their region without asking again. Country names are CLDR's, in the reader's language.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from babel.core import get_global
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clinicdesk.lib.languages import babel_locale

DATA = Path(__file__).resolve().parent / "data" / "countries.csv"

# The regions results are broken down by, in the order tables list them. "international" is for
# a community that works across countries (a thematic organization); it has no place on a map.
REGIONS: dict[str, Promise] = {
    "africa": _("Sub-Saharan Africa"),
    "mena": _("Middle East and North Africa"),
    "south-asia": _("South Asia"),
    "east-asia-pacific": _("East and Southeast Asia and the Pacific"),
    "cee": _("Central and Eastern Europe and Central Asia"),
    "western-europe": _("Northern and Western Europe"),
    "latin-america": _("Latin America and the Caribbean"),
    "north-america": _("North America"),
    "international": _("International"),
}
MAP_REGIONS = tuple(code for code in REGIONS if code != "international")
UNKNOWN = ""


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    region: str
    latitude: float
    longitude: float


@functools.cache
def countries() -> dict[str, Country]:
    """Every country of the shipped table, by ISO 3166-1 alpha-2 code."""
    with DATA.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return {
            row["code"]: Country(row["code"], row["region"], float(row["lat"]), float(row["lon"]))
            for row in csv.DictReader(lines)
        }


def is_region(code: str) -> bool:
    return code in REGIONS


def is_country(code: str) -> bool:
    return code in countries()


def region_of_country(code: str) -> str:
    country = countries().get(code)
    return country.region if country else UNKNOWN


def region_name(code: str) -> str:
    """The region's name in the active language; "Not known" for none."""
    if code in REGIONS:
        return str(REGIONS[code])
    return str(_("Not known"))


def country_name(code: str, language: str) -> str:
    if not code:
        return ""
    return str(babel_locale(language).territories.get(code, code))


def country_of_zone(zone: str) -> str:
    """The country of an IANA zone ("America/Mexico_City" -> "MX"), or "" for none (UTC)."""
    territories = get_global("zone_territories")
    found = territories.get(zone)
    if found is None:
        canonical = get_global("zone_aliases").get(zone)
        found = territories.get(canonical) if canonical else None
    if found is None:
        # A zone CLDR has not caught up with ("Europe/Kyiv" for "Europe/Kiev").
        for alias, canonical in get_global("zone_aliases").items():
            if canonical == zone or alias == zone:
                found = territories.get(alias) or territories.get(canonical)
                if found:
                    break
    # CLDR's "001" (the world) and "ZZ" (unknown) are what UTC and Etc/GMT+5 belong to.
    return str(found) if found and found not in {"001", "ZZ"} else ""


def region_of_zone(zone: str) -> str:
    return region_of_country(country_of_zone(zone))


def sorted_countries(language: str) -> list[tuple[str, str]]:
    """(code, name) of every country, by name in ``language``."""
    names = babel_locale(language).territories
    rows = [(code, str(names.get(code, code))) for code in countries()]
    return sorted(rows, key=lambda row: row[1].casefold())
