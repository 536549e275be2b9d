"""The demo gives the planner data; the heatmap is drawn by Matplotlib, readable without colour."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from clinicdesk.planning.core import HeatCell, Slot
from clinicdesk.planning.heatmap import HeatmapLabels, render_heatmap
from clinicdesk.planning.models import AvailabilityPoll, PlannerSettings
from clinicdesk.planning.sources import Source, community_of
from clinicdesk.scheduling.models import Program

LABELS = HeatmapLabels(
    title="Share served",
    day_names=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    time_axis="Start (UTC)",
    colour_bar="Share (%)",
    proposed="proposed",
    current="current",
    understaffed="not enough staff",
)


def test_demo_loads_hubs_staff_and_an_answered_poll_once(db):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    program = Program.objects.get(slug="wikimedia-clinics")
    settings = PlannerSettings.objects.get(program=program)
    assert (len(settings.hubs), len(settings.staff)) == (14, 5)
    assert sum(h["percent"] for h in settings.hubs) == 100
    [poll] = AvailabilityPoll.objects.filter(program=program)
    assert (poll.is_open, poll.answers.count()) == (True, 60)
    assert community_of(program, Source.POLL).size == 60
    assert [(r.weekday, r.local_time, r.time_zone) for r in program.rotation.all()] == [
        (0, dt.time(17, 30), "UTC"),
        (2, dt.time(8, 0), "UTC"),
    ]


def test_heatmap_writes_numbers_marks_and_hatching():
    cells = [
        HeatCell(Slot(day, minute, "UTC"), share=(day * 48 + minute // 30) / 336, staffed=day < 5)
        for day in range(7)
        for minute in range(0, 1440, 30)
    ]
    svg = render_heatmap(
        cells,
        proposed=[Slot(0, 17 * 60 + 30, "UTC"), Slot(2, 8 * 60, "UTC")],
        current=[Slot(2, 8 * 60, "UTC")],
        labels=LABELS,
    ).decode()
    assert svg.startswith('<?xml version="1.0" encoding="utf-8" standalone="no"?>')
    assert ">10 ►1<" in svg  # Monday 17:30: cell 35 of 336, with its mark
    assert ">33 ►2 ◇<" in svg  # Wednesday 08:00 (cell 112 of 336), proposed and current
    assert ">Share (%)<" in svg
    assert ">not enough staff<" in svg
    assert 'id="h' in svg
    assert "<pattern" in svg
    assert "<image" in svg  # one raster for the colours
    assert len(svg) < 150_000
    # The SVG's ids are salted by a constant (svg.hashsalt): the same plan draws the same bytes.
    assert 'id="p' in svg
