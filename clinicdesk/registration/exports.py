"""The registrations of a session as CSV: the rows are built here, the view adds the file name.

A cell that a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a
carriage return) is written with a leading apostrophe, so that a registrant's answer can never
run in an organizer's spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from clinicdesk.registration.models import Registration

HEADER = [
    "status",
    "name",
    "email",
    "affiliation",
    "home_time_zone",
    "language",
    "interpretation_language",
    "needs_data_package",
    "needs_childcare",
    "accessibility_notes",
    "attribution",
    "topic",
    "reminders",
    "registered_at_utc",
    "checked_in_as",
]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _when(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def _check_in_role(registration: Registration) -> str:
    try:
        return registration.check_in.role
    except Registration.check_in.RelatedObjectDoesNotExist:
        return ""


def registration_rows(registrations: Iterable[Registration]) -> list[list[str]]:
    rows = [HEADER]
    for r in registrations:
        rows.append(
            [
                safe_cell(value)
                for value in (
                    r.status,
                    r.name,
                    r.email,
                    r.affiliation,
                    r.home_time_zone,
                    r.language,
                    r.interpretation_language,
                    "yes" if r.needs_data_package else "",
                    "yes" if r.needs_childcare else "",
                    r.accessibility_notes,
                    r.attribution,
                    r.topic,
                    "yes" if r.email_consent else "",
                    _when(r.created_at),
                    _check_in_role(r),
                )
            ]
        )
    return rows


def to_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()
