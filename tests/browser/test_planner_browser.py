"""Fair call times in a real browser: a member answers the availability poll by painting the
grid, an organizer plans a rotation from the answers, sees the heatmap, and applies it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clinicdesk.planning import services
from clinicdesk.planning.core.weekgrid import utc_to_cells
from clinicdesk.planning.models import PollAnswer
from clinicdesk.scheduling import services as scheduling
from clinicdesk.scheduling.cadence import WeeklySlot
from clinicdesk.scheduling.models import ClinicSession

pytestmark = pytest.mark.browser

# Monday to Friday, 18:00 to 21:00: cells 36 to 41 of each day.
EVENINGS = {day * 48 + cell for day in range(5) for cell in range(36, 42)}


def _box(page, cell: int):
    return page.locator(f'table.week-grid input[value="{cell}"]')


def _paint(page, first: int, last: int) -> None:
    """Press on one box and drag to another, as a person paints with the mouse."""
    _box(page, last).scroll_into_view_if_needed()
    _box(page, first).scroll_into_view_if_needed()
    start = _box(page, first).bounding_box()
    end = _box(page, last).bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    steps = 8
    for step in range(1, steps + 1):
        x = start["x"] + (end["x"] - start["x"]) * step / steps + end["width"] / 2
        y = start["y"] + (end["y"] - start["y"]) * step / steps + end["height"] / 2
        page.mouse.move(x, y)
    page.mouse.up()


def test_planner_browser_poll_plan_apply(live_server, new_context, program, owner, screenshot_dir):
    program.cadence_days = 7
    program.save(update_fields=["cadence_days"])
    scheduling.set_rotation(
        program=program,
        slots=[WeeklySlot(0, dt.time(17, 30), "UTC"), WeeklySlot(2, dt.time(8, 0), "UTC")],
    )
    poll = services.open_poll(program=program, now=timezone.now())
    # Others answered before: mornings in Kolkata.
    for _ in range(2):
        services.answer_poll(
            poll=poll,
            time_zone="Asia/Kolkata",
            cells=[day * 48 + cell for day in range(5) for cell in range(16, 22)],
            today=timezone.now().date(),
        )

    # A member in Madrid answers: the page offers their zone and they paint their evenings.
    member = new_context(timezone_id="Europe/Madrid").new_page()
    member.goto(live_server.url + program.get_absolute_url())
    member.get_by_role(
        "link", name="Tell us when you can join: answer the availability poll"
    ).click()
    expect(member.get_by_label("Your time zone")).to_have_value("Europe/Madrid")
    expect(member.locator("table.week-grid")).to_have_class("week-grid paint")
    for day in range(5):
        _paint(member, day * 48 + 36, day * 48 + 41)
    for cell in (36, 41, 4 * 48 + 38):
        expect(_box(member, cell)).to_be_checked()
    expect(_box(member, 42)).not_to_be_checked()
    # Painting over a marked box clears it; the keyboard toggles and moves too.
    _paint(member, 41, 41)
    expect(_box(member, 41)).not_to_be_checked()
    _box(member, 40).focus()
    member.keyboard.press("ArrowDown")
    member.keyboard.press("Space")
    expect(_box(member, 41)).to_be_checked()
    member.screenshot(path=screenshot_dir / "clinicdesk-poll.png", full_page=False)
    member.get_by_role("button", name="Save my hours").click()
    expect(member.locator(".messages")).to_contain_text("Thank you: your hours are saved.")
    answer = PollAnswer.objects.get(time_zone="Europe/Madrid")
    assert utc_to_cells(answer.utc_quarters, answer.utc_offset_minutes) == frozenset(EVENINGS)

    # The organizer plans from the poll, one slot, and applies it.
    page = new_context().new_page()
    page.goto(live_server.url + f"/manage/programs/{program.slug}/planner/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill("owner-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Availability poll answers (3)").check()
    page.get_by_label("Weekly slots in the rotation").fill("2")
    page.get_by_label("Weeks in the horizon").fill("4")
    page.get_by_role("button", name="Run the planner").click()

    expect(page.locator(".verdict")).to_have_text(
        "Proven the best rotation of 2 weekly slots for these inputs (exact search)."
    )
    expect(page.locator("table.compare tbody tr").first).to_contain_text("100.0%")
    heatmap = page.locator("figure.heatmap img")
    heatmap.scroll_into_view_if_needed()
    expect(heatmap).to_be_visible()
    page.wait_for_function(
        "document.querySelector('figure.heatmap img').naturalWidth > 0", timeout=20_000
    )
    page.screenshot(path=screenshot_dir / "clinicdesk-planner.png", full_page=True)
    proposed = page.locator('input[name="slots"]').get_attribute("value")
    page.get_by_role("button", name="Apply: set the rotation and schedule the sessions").click()

    expect(page.locator(".messages")).to_contain_text("Set the rotation (2 weekly slots) and")
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    rotation = [
        f"{days[r.weekday]} {r.local_time:%H:%M} {r.time_zone}" for r in program.rotation.all()
    ]
    assert rotation == proposed.splitlines()
    sessions = list(ClinicSession.objects.filter(program=program).order_by("number"))
    assert len(sessions) >= 2
    slot_times = {(line.split()[0], line.split()[1]) for line in proposed.splitlines()}
    assert {(days[s.start_date.weekday()], f"{s.start_time:%H:%M}") for s in sessions} == slot_times
