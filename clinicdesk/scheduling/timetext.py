"""What a person reads about a time, in their language: a time they gave that cannot be
used, or the date of a session that has none yet ("January 2025", "date to be discussed").

``lib.tz`` stays free of Django, so its exceptions carry English text (fit for logs and
commands) and the facts: the zone's name, the wall time. This module builds the message from
those facts for the language of the request.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clinicdesk.lib.formats import describe_date, describe_month, describe_time
from clinicdesk.lib.tz import AmbiguousLocalTime, NonexistentLocalTime, TimeProblem, UnknownZone


def describe_time_problem(problem: TimeProblem) -> str:
    """The message for ``problem``, with its date and time written for the reader."""
    language = get_language() or "en"
    if isinstance(problem, UnknownZone):
        return _("“%(zone)s” is not a known IANA time zone (for example Europe/Madrid).") % {
            "zone": problem.name
        }
    if isinstance(problem, NonexistentLocalTime | AmbiguousLocalTime):
        values = {
            "time": describe_time(problem.wall.time(), language),
            "date": describe_date(problem.wall.date(), language),
            "zone": problem.zone,
        }
        if isinstance(problem, NonexistentLocalTime):
            return (
                _(
                    "%(time)s on %(date)s does not exist in %(zone)s: the clocks skip that hour "
                    "for daylight saving."
                )
                % values
            )
        return (
            _(
                "%(time)s on %(date)s happens twice in %(zone)s when daylight saving ends: "
                "say whether you mean the first or the second time."
            )
            % values
        )
    # A problem lib.tz may add later still reads, in English, until it gets a message here.
    return str(problem)


def describe_undated(precision: str, month: dt.date | None, language: str | None = None) -> str:
    """What to print for a session without a date: "January 2025" when only its month is
    known, "date to be discussed" (with the expected month, if any) otherwise."""
    language = language or get_language() or "en"
    if precision == "month" and month is not None:
        return describe_month(month, language)
    if month is not None:
        # Translators: a session's date not yet set, e.g. "February 2025, date to be discussed".
        return _("%(month)s, date to be discussed") % {"month": describe_month(month, language)}
    return _("date to be discussed")
