"""A participant's path in a real browser: the form (their zone filled in by the page's
script), the confirmation e-mail sent by the worker process through a real SMTP server, the
private link from that e-mail, a cancellation, and the waitlisted person getting the seat."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from clinicdesk.registration import services
from clinicdesk.registration.models import Registration
from clinicdesk.scheduling import services as scheduling
from clinicdesk.scheduling.models import Person
from tests.registration.processes import smtp_env, worker_process
from tests.support.mail import text_body

pytestmark = pytest.mark.browser


@pytest.fixture
def one_seat(program):
    session = scheduling.schedule_session(
        program=program,
        number=1,
        start_date=dt.date(2030, 6, 17),
        start_time=dt.time(15, 0),
        time_zone="Europe/Madrid",
        interpretation_languages=["fr", "ar"],
        meeting_url="https://meet.example.org/clinic-1",
    )
    services.configure_registration(session=session, capacity=1)
    return session


def _link(message) -> str:
    return next(
        line.strip() for line in text_body(message).splitlines() if "/registrations/" in line
    )


def test_registration_browser_register_email_cancel_promotes_the_waitlist(
    live_server, new_context, one_seat, smtp_server, screenshot_dir
):
    box = smtp_server
    with worker_process(**smtp_env(box.port, site_url=live_server.url)):
        page = new_context(timezone_id="America/Mexico_City").new_page()
        page.goto(live_server.url + one_seat.get_absolute_url())

        expect(page.get_by_role("heading", name="Registration")).to_be_visible()
        expect(page.get_by_text("1 seat left of 1.")).to_be_visible()
        # The browser's zone, filled in by the page (the reader did not type it).
        expect(page.get_by_label("Your time zone")).to_have_value("America/Mexico_City")
        page.get_by_label("Your name").fill("Ana <b>Ruiz</b>")
        page.get_by_label("Your e-mail address").fill("ana@example.org")
        page.get_by_label("Interpretation:", exact=True).select_option("fr")
        page.get_by_label("I need an internet data package to join").check()
        page.get_by_label("By affiliation only").check()
        page.get_by_label("I have read the expected conduct and will follow it").check()
        page.screenshot(path=screenshot_dir / "clinicdesk-registration-form.png", full_page=True)
        page.get_by_role("button", name="Register").click()
        expect(page.get_by_role("heading", name="You are registered")).to_be_visible()

        services.register(
            session=one_seat,
            answers=services.Answers(
                name="Ben",
                email="ben@example.org",
                home_time_zone="Africa/Lagos",
                language="en",
                attribution=Person.Attribution.ANONYMOUS,
                conduct_acknowledged=True,
            ),
        )

        box.wait_for(2)
        [confirmation] = box.to("ana@example.org")
        assert "When: Monday, June 17, 2030, 7:00\u202fAM (UTC-6, Mexico City)" in text_body(
            confirmation
        )
        page.goto(_link(confirmation))
        expect(page.get_by_role("heading", name="Your registration")).to_be_visible()
        expect(page.locator("dl.registration-summary")).to_contain_text("Ana <b>Ruiz</b>")
        expect(page.locator("dl.registration-summary")).to_contain_text("confirmed")
        page.get_by_role("link", name="Cancel my registration").click()
        page.get_by_role("button", name="Yes, cancel my registration").click()
        expect(page.get_by_text("Your registration is cancelled.")).to_be_visible()
        page.screenshot(
            path=screenshot_dir / "clinicdesk-registration-cancelled.png", full_page=True
        )

        box.wait_for(4)
        promotion = box.to("ben@example.org")[-1]
        assert promotion["Subject"] == "A seat is yours: Wikimedia Clinics #001"
        ben = new_context(timezone_id="Africa/Lagos").new_page()
        ben.goto(_link(promotion))
        expect(ben.locator("dl.registration-summary")).to_contain_text("confirmed")

    stored = Registration.objects.get(email="ana@example.org")
    assert (stored.status, stored.home_time_zone, stored.interpretation_language) == (
        "cancelled",
        "America/Mexico_City",
        "fr",
    )
    assert Registration.objects.get(email="ben@example.org").status == "confirmed"
