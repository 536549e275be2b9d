"""A participant ranks on a phone with JavaScript switched off, through the private link of
their registration; once ranking closes the results page counts their ballot."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from clinicdesk.consultations import services
from clinicdesk.consultations.models import Ballot
from tests.consultations.conftest import event, ids, make_consultation, participant, register

pytestmark = pytest.mark.browser

__all__ = ["event"]  # the fixture, used by name

PHONE = {"width": 375, "height": 667}


def test_consultations_browser_rank_on_a_phone_without_javascript_then_see_it_counted(
    live_server, new_context, program, event, screenshot_dir
):
    consultation = make_consultation(program, [event])
    onboarding = ids(consultation, "2.1")
    # Four others have ranked Onboarding first: fewer than 5, so its counts are not shown yet.
    for n in range(4):
        services.submit_ballot(
            consultation=consultation,
            participant=participant(consultation, 100 + n),
            choices=onboarding,
        )
    someone = register(event, "ada@example.org", zone="America/Mexico_City", interpretation="es")
    page = new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False
    ).new_page()
    base = f"{live_server.url}/programs/{program.slug}/consultations/{consultation.slug}/"

    page.goto(base + f"rank/{someone.token}/")
    expect(page.get_by_role("heading", name="Your ranking", exact=True)).to_be_visible()
    page.get_by_label("Choice 1:", exact=True).select_option(label="2.1 Onboarding")
    page.get_by_label("Choice 2:", exact=True).select_option(label="1.2 Advocacy")
    page.screenshot(path=screenshot_dir / "clinicdesk-ranking-phone.png", full_page=True)
    page.get_by_role("button", name="Record my ranking").click()

    expect(page.get_by_text("Thank you: your ranking was recorded.")).to_be_visible()
    recorded = page.locator(
        "section", has=page.get_by_role("heading", name="Your ranking as recorded")
    )
    expect(recorded.get_by_role("listitem")).to_have_text(["2.1 Onboarding", "1.2 Advocacy"])
    ballot = Ballot.objects.get(consultation=consultation, region="latin-america")
    assert ballot.language == "es"

    # Before closing, the results are not shown.
    page.goto(base + "results/")
    expect(page.get_by_text("The results are published when ranking closes:")).to_be_visible()

    services.set_window_now(consultation=consultation, which="ranking", edge="closes")
    page.goto(base + "results/")

    expect(page.get_by_role("heading", name="Method: Borda count")).to_be_visible()
    expect(page.get_by_text("5 ballots.", exact=False)).to_be_visible()
    table = page.get_by_role("region", name="All initiatives")
    row = table.get_by_role("row").filter(has_text="Onboarding")
    # 5 first choices: 5 x 5 = 25 points, ranked first by 5 people, ranked by 5.
    expect(row.get_by_role("cell")).to_have_text(["1", "2.1 Onboarding", "25", "5", "5"])
    page.screenshot(path=screenshot_dir / "clinicdesk-results-phone.png", full_page=True)

    # Voting again after closing is refused with the closing time, in the consultation's zone.
    page.goto(base + f"rank/{someone.token}/")
    expect(page.get_by_text("Ranking closed on")).to_be_visible()
    expect(page.get_by_role("button", name="Replace my ranking")).to_have_count(0)
