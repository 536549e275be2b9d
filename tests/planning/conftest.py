"""Planning fixtures: a poll with answers, saved planner settings, the demo's rotation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clinicdesk.planning import services
from clinicdesk.planning.core import HourWindow, Staff
from clinicdesk.planning.core.hubs import Hub
from clinicdesk.scheduling import services as scheduling
from clinicdesk.scheduling.cadence import WeeklySlot

EVENINGS = [day * 48 + cell for day in range(5) for cell in range(36, 42)]  # 18:00-21:00
MORNINGS = [day * 48 + cell for day in range(5) for cell in range(16, 22)]  # 08:00-11:00
HUBS = [
    Hub("America/Mexico_City", 40),
    Hub("Europe/Madrid", 35),
    Hub("Asia/Kolkata", 25),
]
STAFF = [
    Staff("Europe/Madrid", HourWindow(8 * 60, 21 * 60)),
    Staff("America/New_York", HourWindow(8 * 60, 19 * 60)),
    Staff("Europe/Berlin", HourWindow(8 * 60, 20 * 60)),
]
# The seeds' rotation: Monday 17:30 UTC and Wednesday 08:00 UTC.
SEED_ROTATION = [WeeklySlot(0, dt.time(17, 30), "UTC"), WeeklySlot(2, dt.time(8, 0), "UTC")]


@pytest.fixture
def poll(program):
    return services.open_poll(program=program, now=timezone.now())


@pytest.fixture
def answered_poll(poll):
    today = timezone.now().date()
    for zone, cells in [
        ("Europe/Madrid", EVENINGS),
        ("America/Mexico_City", EVENINGS),
        ("Asia/Kolkata", MORNINGS),
    ]:
        services.answer_poll(poll=poll, time_zone=zone, cells=cells, today=today)
    return poll


@pytest.fixture
def settings_saved(program):
    return services.save_planner_settings(program=program, hubs=HUBS, staff=STAFF)


@pytest.fixture
def seed_rotation(program):
    scheduling.set_rotation(program=program, slots=SEED_ROTATION)
    return SEED_ROTATION
