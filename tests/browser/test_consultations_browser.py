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


def test_consultations_browser_organizer_publishes_the_results_to_the_wiki_and_the_lists(
    live_server,
    new_context,
    program,
    owner,
    event,
    make_target,
    wiki,
    mailbox,
    settings,
    screenshot_dir,
):
    from clinicdesk.publishing import services as publishing
    from tests.support.worker import run_tasks

    settings.SITE_URL = live_server.url
    consultation = make_consultation(program, [event])
    for n in range(6):
        services.submit_ballot(
            consultation=consultation,
            participant=participant(consultation, n),
            choices=ids(consultation, "2.1", "1.1"),
        )
    services.set_window_now(consultation=consultation, which="ranking", edge="closes")
    target = make_target(program)
    publishing.create_mailing_list(
        program=program, name="Wikimedia-l", address="wikimedia-l@example.org", language="en"
    )
    page = new_context(java_script_enabled=False).new_page()
    manage = f"{live_server.url}/manage/programs/{program.slug}/consultations/{consultation.slug}/"
    page.goto(manage + "results/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill("owner-pass-123")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("A results page per language goes to 1 wiki.")).to_be_visible()
    send_email = page.get_by_label("Also e-mail the results to 1 mailing list (once per list)")
    expect(send_email).to_be_checked()
    page.get_by_role("button", name="Publish the results").click()

    expect(page.get_by_text("2 results pages will be published in a moment.")).to_be_visible()
    run_tasks()  # the worker: the wiki pages and the e-mail
    page.reload()
    english = f"{target.program_page_title}/Priorities 2031/Results/en"
    row = page.get_by_role("row").filter(has_text=english)
    expect(row.get_by_role("cell").nth(2)).to_have_text("up to date")
    expect(page.get_by_role("button", name="Publish the results again")).to_be_visible()
    page.screenshot(path=screenshot_dir / "clinicdesk-results-published.png", full_page=True)

    row.get_by_role("link", name=english).click()  # publishing's page: state and preview
    expect(page.get_by_role("heading", name=english)).to_be_visible()
    expect(page.get_by_text("consultation results", exact=False).first).to_be_visible()
    assert "== Results: Priorities 2031 ==" in wiki.page(english)["content"]
    [message] = mailbox.messages
    assert message["Subject"] == "Results: Priorities 2031"
