"""The benchmark's community: members spread over the zones of a world-wide volunteer community,
each with an individual weekly availability drawn from the habits a poll shows (weekday
evenings, working-day gaps, mornings, weekends, the whole day), jittered person by person.

Deterministic for a seed. Not a suite of its own (``run.py`` skips names starting with ``_``);
``planner.py`` imports it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from clinicdesk.planning.core import WORKDAYS, HourWindow, Member, MemberTable, Staff

# Share of the community per zone: a Wikimedia-like spread (the larger language communities'
# hubs in each region), summing to 100.
ZONES: dict[str, float] = {
    "America/New_York": 6.0,
    "America/Chicago": 2.5,
    "America/Los_Angeles": 4.0,
    "America/Toronto": 1.5,
    "America/Mexico_City": 5.0,
    "America/Bogota": 3.0,
    "America/Lima": 1.5,
    "America/Caracas": 1.0,
    "America/Sao_Paulo": 5.0,
    "America/Argentina/Buenos_Aires": 3.0,
    "America/Santiago": 1.5,
    "Europe/London": 4.5,
    "Europe/Madrid": 4.0,
    "Europe/Paris": 4.0,
    "Europe/Berlin": 5.5,
    "Europe/Rome": 2.0,
    "Europe/Warsaw": 2.0,
    "Europe/Kyiv": 2.0,
    "Europe/Moscow": 3.0,
    "Europe/Istanbul": 2.0,
    "Africa/Lagos": 4.0,
    "Africa/Accra": 1.5,
    "Africa/Nairobi": 2.5,
    "Africa/Johannesburg": 2.0,
    "Africa/Cairo": 2.0,
    "Africa/Casablanca": 1.0,
    "Africa/Kinshasa": 1.0,
    "Asia/Kolkata": 7.0,
    "Asia/Dhaka": 2.0,
    "Asia/Karachi": 1.5,
    "Asia/Kathmandu": 0.5,
    "Asia/Tehran": 1.0,
    "Asia/Jakarta": 3.0,
    "Asia/Manila": 2.0,
    "Asia/Shanghai": 1.5,
    "Asia/Tokyo": 2.0,
    "Asia/Seoul": 1.0,
    "Australia/Sydney": 1.0,
    "Australia/Perth": 0.5,
    "Pacific/Auckland": 0.5,
}

# (weight, days, earliest start, latest start, shortest, longest) in half-hours of the day.
_WEEKDAYS = (0, 1, 2, 3, 4)
_WEEKEND = (5, 6)
_EVERY_DAY = tuple(range(7))
HABITS = [
    (0.40, _WEEKDAYS, 34, 40, 4, 8),  # weekday evenings: from 17:00-20:00, 2-4 hours
    (0.18, _WEEKDAYS, 18, 28, 4, 12),  # daytime gaps: from 09:00-14:00, 2-6 hours
    (0.10, _WEEKDAYS, 12, 18, 3, 6),  # mornings: from 06:00-09:00, 1.5-3 hours
    (0.17, _WEEKEND, 18, 36, 4, 12),  # weekends: from 09:00-18:00, 2-6 hours
    (0.15, _EVERY_DAY, 16, 22, 20, 28),  # the whole day: from 08:00-11:00, 10-14 hours
]

# Staff of the organizing team: two on each side of the Atlantic, two in Asia.
STAFF = [
    Staff("America/Los_Angeles", HourWindow(8 * 60, 18 * 60), WORKDAYS, "A"),
    Staff("America/New_York", HourWindow(8 * 60, 19 * 60), WORKDAYS, "B"),
    Staff("Europe/Madrid", HourWindow(8 * 60, 20 * 60), WORKDAYS, "C"),
    Staff("Europe/Berlin", HourWindow(7 * 60, 19 * 60), WORKDAYS, "D"),
    Staff("Asia/Kolkata", HourWindow(8 * 60, 20 * 60), WORKDAYS, "E"),
    Staff("Asia/Jakarta", HourWindow(7 * 60, 19 * 60), WORKDAYS, "F"),
]

HORIZON_START = dt.date(2031, 1, 6)  # a Monday; 26 weeks take in both March changes
TODAY = dt.date(2031, 1, 1)


def availability_cells(rng: np.random.Generator, n: int) -> np.ndarray:
    """n x 336 booleans: each member's habit(s), jittered."""
    grid = np.zeros((n, 7, 48), dtype=np.bool_)
    weights = np.array([h[0] for h in HABITS])
    habit = rng.choice(len(HABITS), size=n, p=weights / weights.sum())
    # A third of the members add a second habit (weekday people who also have a weekend).
    second = np.where(rng.random(n) < 0.33, rng.choice(len(HABITS), size=n), -1)
    for pick in (habit, second):
        for index, (_, days, early, late, short, long) in enumerate(HABITS):
            members = np.flatnonzero(pick == index)
            if members.size == 0:
                continue
            start = rng.integers(early, late + 1, size=members.size)
            length = rng.integers(short, long + 1, size=members.size)
            end = np.minimum(start + length, 48)
            half_hours = np.arange(48)
            on = (half_hours[None, :] >= start[:, None]) & (half_hours[None, :] < end[:, None])
            # Some skip one of the days (a class on Tuesdays, a family dinner on Fridays).
            day_mask = np.ones((members.size, 7), dtype=np.bool_)
            skip = rng.random(members.size) < 0.3
            skipped_day = rng.choice(np.array(days), size=members.size)
            day_mask[np.flatnonzero(skip), skipped_day[skip]] = False
            chosen_days = np.zeros(7, dtype=np.bool_)
            chosen_days[list(days)] = True
            day_mask &= chosen_days[None, :]
            grid[members] |= day_mask[:, :, None] & on[:, None, :]
    return grid.reshape(n, 336)


def community(n: int, seed: int = 20310106) -> list[Member]:
    rng = np.random.default_rng(seed)
    names = list(ZONES)
    shares = np.array([ZONES[name] for name in names])
    zone = rng.choice(len(names), size=n, p=shares / shares.sum())
    cells = availability_cells(rng, n)
    members = []
    for i in range(n):
        marked = np.flatnonzero(cells[i])
        members.append(Member(names[zone[i]], 1.0, "", frozenset(marked.tolist())))
    return members


def community_table(n: int, seed: int = 20310106) -> MemberTable:
    """The same community as :func:`community`, as columns (how a poll's answers are read in
    bulk): the zones and a members x 336 grid of availability."""
    rng = np.random.default_rng(seed)
    names = list(ZONES)
    shares = np.array([ZONES[name] for name in names])
    zone = rng.choice(len(names), size=n, p=shares / shares.sum())
    cells = availability_cells(rng, n)
    return MemberTable(zones=[names[z] for z in zone], availability=cells)
