"""The planner's part of the demo: a declared spread of the community's hubs, the staff's
working hours, and an open availability poll with answers, so that the planner page has data.

``load_demo`` calls :func:`load_demo`; running it again changes nothing. The answers are made
up (deterministically) from the spread of hubs and the habits a poll typically shows.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.utils import timezone

from clinicdesk.planning import services
from clinicdesk.planning.core import WORKDAYS, HourWindow, Staff
from clinicdesk.planning.core.hubs import Hub, check_hubs
from clinicdesk.planning.core.weekgrid import CELLS_PER_DAY
from clinicdesk.planning.models import PlannerSettings
from clinicdesk.scheduling.models import Program

DEMO_HUBS = [
    Hub("America/Mexico_City", 15, "Latin America"),
    Hub("America/Sao_Paulo", 10, "Latin America"),
    Hub("America/Bogota", 6, "Latin America"),
    Hub("America/New_York", 8, "North America"),
    Hub("America/Los_Angeles", 4, "North America"),
    Hub("Europe/Madrid", 10, "Europe"),
    Hub("Europe/Berlin", 8, "Europe"),
    Hub("Europe/London", 4, "Europe"),
    Hub("Africa/Lagos", 9, "Africa"),
    Hub("Africa/Nairobi", 4, "Africa"),
    Hub("Asia/Kolkata", 10, "South Asia"),
    Hub("Asia/Dhaka", 2, "South Asia"),
    Hub("Asia/Jakarta", 6, "East and South-East Asia"),
    Hub("Asia/Manila", 4, "East and South-East Asia"),
]
# The organizing team: two on each coast of the Atlantic, one in India.
DEMO_STAFF = [
    Staff("America/Los_Angeles", HourWindow(8 * 60, 17 * 60), WORKDAYS),
    Staff("America/New_York", HourWindow(9 * 60, 18 * 60), WORKDAYS),
    Staff("Europe/Madrid", HourWindow(9 * 60, 20 * 60), WORKDAYS),
    Staff("Europe/Berlin", HourWindow(8 * 60, 18 * 60), WORKDAYS),
    Staff("Asia/Kolkata", HourWindow(9 * 60, 18 * 60), WORKDAYS),
]
DEMO_ANSWERS = 60
# (days, first half-hour, last half-hour (exclusive)) in local time.
_HABITS = [
    (range(5), 36, 42),  # weekday evenings, 18:00-21:00
    (range(5), 24, 28),  # weekday lunch, 12:00-14:00
    (range(5), 16, 20),  # weekday mornings, 08:00-10:00
    (range(5, 7), 20, 26),  # weekend late mornings, 10:00-13:00
    (range(7), 18, 40),  # most of the day, 09:00-20:00
]


def _answer_cells(rng: random.Random) -> list[int]:
    cells: set[int] = set()
    for days, first, last in rng.sample(_HABITS, k=rng.choice([1, 1, 2])):
        shift = rng.choice([-2, -1, 0, 0, 1, 2])
        for day in days:
            if rng.random() < 0.15:
                continue  # a day that does not suit
            cells.update(day * CELLS_PER_DAY + h for h in range(first + shift, last + shift))
    if not cells:  # every day skipped: they can at least do their habit's first day
        days, first, last = _HABITS[0]
        cells.update(range(first, last))
    return sorted(c for c in cells if 0 <= c < 7 * CELLS_PER_DAY)


def load_demo(*, program: Program, say: Callable[[str], None]) -> None:
    if not PlannerSettings.objects.filter(program=program).exists():
        services.save_planner_settings(
            program=program, hubs=check_hubs(DEMO_HUBS), staff=DEMO_STAFF
        )
        say(f"planner settings: {len(DEMO_HUBS)} hubs, {len(DEMO_STAFF)} staff")
    if program.availability_polls.exists():
        return  # loaded before: nothing to say
    now = timezone.now()
    poll = services.open_poll(program=program, now=now)
    # The first call's date as the seed: the same made-up answers every time (no secret here).
    rng = random.Random(2020_06_15)  # noqa: S311
    zones = [hub.zone for hub in DEMO_HUBS]
    weights = [hub.percent for hub in DEMO_HUBS]
    for _ in range(DEMO_ANSWERS):
        services.answer_poll(
            poll=poll,
            time_zone=rng.choices(zones, weights)[0],
            cells=_answer_cells(rng),
            today=now.date(),
        )
    say(f"availability poll: open, {DEMO_ANSWERS} answers")
