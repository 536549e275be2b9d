"""An editor writes a short digest with a question and a follow-up in a real browser, without
JavaScript, publishes it, and a reader finds it through search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from clinicdesk.scheduling import services
from clinicdesk.scheduling.models import ClinicSession, Person

pytestmark = pytest.mark.browser


@pytest.fixture
def held_call(program) -> ClinicSession:
    return services.schedule_session(
        program=program,
        number=6,
        start_date=dt.date(2020, 7, 16),
        start_time=dt.time(15, 0),
        spoken_languages=["es"],
        status=ClinicSession.Status.HELD,
    )


@pytest.fixture
def editor(program) -> User:
    user = User.objects.create_user("editor", password="editor-pass-123")
    program.organizers.add(user)
    return user


def test_digests_browser_write_publish_and_find(
    live_server, new_context, held_call, editor, screenshot_dir
):
    quim = services.create_person(name="Quim", role=Person.Role.STAFF, organization="WMF")
    page = new_context(java_script_enabled=False).new_page()

    # Sign in, then from the organizer's session page to the digest editor.
    page.goto(live_server.url + "/manage/programs/wikimedia-clinics/sessions/6/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("editor-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Digests and resources").click()
    page.get_by_label("Language of the digest").fill("en")
    page.get_by_role("button", name="Start the digest").click()
    expect(page.locator("h1")).to_contain_text("Digest of Wikimedia Clinics #006 (English)")

    # A topic, a question in it, and a follow-up that Quim owns.
    new_topic = page.locator("form", has=page.get_by_role("button", name="Add the topic"))
    new_topic.get_by_label("Title").fill("Translation tools")
    new_topic.get_by_role("button", name="Add the topic").click()
    page.get_by_role("link", name="a question").last.click()
    page.get_by_label("Text:", exact=True).fill("Which tool translates talk pages?")
    page.get_by_role("button", name="Add the item").click()
    page.get_by_role("link", name="a follow-up").last.click()
    page.get_by_label("Speaker:", exact=True).select_option(label="Quim (WMF)")
    page.get_by_label("Text:", exact=True).fill("will send the list of translation tools")
    page.get_by_label("Owner (staff)").select_option(label="Quim (WMF)")
    page.get_by_label("Due").fill("2020-07-30")
    page.get_by_role("button", name="Add the item").click()
    expect(page.locator(".editor-items li")).to_have_count(2)

    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("Published. Readers see this version now.")
    page.screenshot(path=screenshot_dir / "clinicdesk-digest-editor.png", full_page=True)

    # A reader, in another browser, finds it through search.
    reader = new_context().new_page()
    reader.goto(live_server.url + "/programs/wikimedia-clinics/search/")
    reader.get_by_label("Search the digests").fill('"talk pages"')
    reader.get_by_role("button", name="Search").click()
    result = reader.locator("ol.results li")
    expect(result).to_have_count(1)
    # The match is highlighted (FTS5 marks the phrase, PostgreSQL each of its words).
    expect(result.locator("mark").first).to_contain_text("talk")
    expect(result).to_contain_text("Which tool translates talk pages?")
    result.get_by_role("link", name="Digest of Wikimedia Clinics #006").click()
    expect(reader.locator("h3.question")).to_have_text(
        "Question: Which tool translates talk pages?"
    )
    expect(reader.locator("li.follow-up")).to_have_text(
        "Quim (WMF): will send the list of translation tools — Follow-up: open, due July 30, 2020"
    )
    reader.screenshot(path=screenshot_dir / "clinicdesk-digest.png", full_page=True)
    assert quim.owned_follow_ups.get().due_date == dt.date(2020, 7, 30)
