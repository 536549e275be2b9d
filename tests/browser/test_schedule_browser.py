"""The reader's path through a program in a real browser: times in their zone, calendar file."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from playwright.sync_api import expect

from clinicdesk.scheduling import services
from clinicdesk.scheduling.models import ClinicSession

pytestmark = pytest.mark.browser

# 15:00 in Madrid (summer time) is 13:00 UTC, 22:00 in Tokyo and 07:00 in Mexico City.
STARTS_AT = dt.datetime(2030, 6, 17, 13, 0, tzinfo=dt.UTC)


@pytest.fixture
def clinic(program) -> ClinicSession:
    """#010 of the shared ``program`` fixture, planned in Madrid, with one segment."""
    session = services.schedule_session(
        program=program,
        number=10,
        start_date=dt.date(2030, 6, 17),
        start_time=dt.time(15, 0),
        time_zone="Europe/Madrid",
        duration_minutes=90,
        spoken_languages=["en"],
        meeting_url="https://meet.example.org/clinic-10",
    )
    services.add_segment(
        session=session,
        title="Abstract Wikipedia",
        presenter="Denny Vrandečić",
        start_offset_minutes=0,
        duration_minutes=30,
    )
    assert session.starts_at == STARTS_AT
    return session


def _upcoming_time(page):
    return page.locator("ul.upcoming time")


def test_schedule_browser_zone_choice_and_calendar_download(
    live_server, new_context, clinic, screenshot_dir
):
    page = new_context().new_page()
    page.goto(live_server.url + clinic.program.get_absolute_url())

    shown = _upcoming_time(page)
    expect(shown).to_have_attribute("datetime", "2030-06-17T13:00:00Z")
    expect(shown).to_have_text("Monday, June 17, 2030, 1:00\u202fPM (UTC)")

    page.get_by_role("link", name="change time zone").click()
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Show times in this zone").click()

    expect(page).to_have_url(live_server.url + clinic.program.get_absolute_url())
    expect(page.locator("header.site .reader-zone strong")).to_have_text("Tokyo (Asia/Tokyo)")
    expect(shown).to_have_attribute("datetime", "2030-06-17T13:00:00Z")
    expect(shown).to_have_text("Monday, June 17, 2030, 10:00\u202fPM (UTC+9, Tokyo)")

    page.get_by_role("link", name="Wikimedia Clinics #010").click()
    expect(page).to_have_url(live_server.url + clinic.get_absolute_url())
    expect(page.locator("p.when time")).to_have_text(
        "Monday, June 17, 2030, 10:00\u202fPM (UTC+9, Tokyo)"
    )
    expect(page.locator("ul.clocks li")).to_have_text(
        [
            "Mexico City 7:00\u202fAM UTC-6",
            "Madrid 3:00\u202fPM UTC+2",
            "Lagos 2:00\u202fPM UTC+1",
            "Kolkata 6:30\u202fPM UTC+5:30",
        ]
    )
    page.screenshot(path=screenshot_dir / "clinicdesk-session.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to your calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == "wikimedia-clinics-010.ics"
    calendar = icalendar.Calendar.from_ical(download.path().read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{clinic.uid}@clinicdesk"
    start = event.decoded("DTSTART")
    assert start.astimezone(dt.UTC) == STARTS_AT
    assert str(start.tzinfo) == "Europe/Madrid"


def test_schedule_browser_script_picks_browser_zone_once(live_server, new_context, clinic):
    context = new_context(timezone_id="America/Mexico_City")
    page = context.new_page()
    program_url = live_server.url + clinic.program.get_absolute_url()
    loads = []
    page.on("request", lambda r: loads.append(r.url) if r.is_navigation_request() else None)

    # Not waiting for "load": the script reloads the page before the first load ends.
    page.goto(program_url, wait_until="commit")

    expect(page.locator("html")).to_have_attribute("data-tz", "America/Mexico_City")
    expect(page.locator("html")).to_have_attribute("data-tz-source", "cookie")
    page.wait_for_load_state("load")
    # Mexico City has kept UTC-6 all year since 2022.
    expect(_upcoming_time(page)).to_have_text(
        "Monday, June 17, 2030, 7:00\u202fAM (UTC-6, Mexico City)"
    )
    page.wait_for_timeout(300)  # room for a third load, were the script to loop
    assert loads == [program_url, program_url]


def test_schedule_browser_zone_form_works_without_javascript(live_server, new_context, clinic):
    context = new_context(java_script_enabled=False, timezone_id="America/Mexico_City")
    page = context.new_page()
    page.goto(live_server.url + clinic.program.get_absolute_url())

    # No script, no guess: the default zone until the reader picks one.
    expect(page.locator("html")).to_have_attribute("data-tz-source", "default")
    expect(_upcoming_time(page)).to_have_text("Monday, June 17, 2030, 1:00\u202fPM (UTC)")

    page.get_by_role("link", name="change time zone").click()
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Show times in this zone").click()

    expect(page).to_have_url(live_server.url + clinic.program.get_absolute_url())
    expect(_upcoming_time(page)).to_have_text("Monday, June 17, 2030, 10:00\u202fPM (UTC+9, Tokyo)")


def test_schedule_browser_unusable_cookie_does_not_hide_zone_from_others(
    live_server, new_context, clinic
):
    program_url = live_server.url + clinic.program.get_absolute_url()
    # A reader whose cookie names no zone sees the default zone, and the script leaves them be.
    stale = new_context(java_script_enabled=False)
    stale.add_cookies([{"name": "clinicdesk_tz", "value": "Mars/Olympus", "url": live_server.url}])
    stale_page = stale.new_page()
    stale_page.goto(program_url)
    expect(stale_page.locator("html")).to_have_attribute("data-tz-source", "invalid")

    # The next reader, without a cookie, still has their browser's zone picked up.
    page = new_context(timezone_id="America/Mexico_City").new_page()
    page.goto(program_url, wait_until="commit")
    expect(page.locator("html")).to_have_attribute("data-tz", "America/Mexico_City")
    expect(_upcoming_time(page)).to_have_text(
        "Monday, June 17, 2030, 7:00\u202fAM (UTC-6, Mexico City)"
    )
