"""Time problems told to a person in the language of the page, with the date and time written
for that language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from clinicdesk.lib.tz import AmbiguousLocalTime, NonexistentLocalTime, UnknownZone
from clinicdesk.scheduling.timetext import describe_time_problem

# Naive wall times, as lib.tz reports them.
GAP = NonexistentLocalTime(dt.datetime.fromisoformat("2026-03-29 02:30"), "Europe/Madrid")
FOLD = AmbiguousLocalTime(dt.datetime.fromisoformat("2026-10-25 02:30"), "Europe/Madrid")
UNKNOWN = UnknownZone("Europe/Atlantis")


@pytest.mark.parametrize(
    ("problem", "english"),
    [
        (
            GAP,
            "2:30\u202fAM on Sunday, March 29, 2026 does not exist in Europe/Madrid: the clocks "
            "skip that hour for daylight saving.",
        ),
        (
            FOLD,
            "2:30\u202fAM on Sunday, October 25, 2026 happens twice in Europe/Madrid when "
            "daylight saving ends: say whether you mean the first or the second time.",
        ),
        (UNKNOWN, "“Europe/Atlantis” is not a known IANA time zone (for example Europe/Madrid)."),
    ],
)
def test_describe_time_problem_in_english(problem, english):
    assert describe_time_problem(problem) == english


@pytest.mark.parametrize(
    ("problem", "spanish"),
    [
        (
            GAP,
            "La hora 2:30 del domingo, 29 de marzo de 2026 no existe en Europe/Madrid: los "
            "relojes se saltan esa hora por el cambio al horario de verano.",
        ),
        (
            FOLD,
            "La hora 2:30 del domingo, 25 de octubre de 2026 se repite en Europe/Madrid cuando "
            "termina el horario de verano: indica si te refieres a la primera o a la segunda vez.",
        ),
        (
            UNKNOWN,
            "«Europe/Atlantis» no es una zona horaria IANA conocida (por ejemplo, Europe/Madrid).",
        ),
    ],
)
def test_describe_time_problem_in_spanish(problem, spanish):
    with translation.override("es"):
        assert describe_time_problem(problem) == spanish
