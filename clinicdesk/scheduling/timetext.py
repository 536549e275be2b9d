"""What a person reads when a time they gave cannot be used, in their language.

``lib.tz`` stays free of Django, so its exceptions carry English text (fit for logs and
commands) and the facts: the zone's name, the wall time. This module builds the message from
those facts for the language of the request.
"""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clinicdesk.lib.formats import describe_date, describe_time
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
