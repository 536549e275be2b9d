"""An editor compiles a newsletter issue from the record in a real browser without
JavaScript, hides one item, annotates another, publishes it; a reader reads it and
subscribes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from clinicdesk.digests import services as digest_services
from clinicdesk.newsletters.models import Issue, Subscription
from clinicdesk.scheduling import services
from clinicdesk.scheduling.models import ClinicSession

pytestmark = pytest.mark.browser


@pytest.fixture
def editor(program) -> User:
    user = User.objects.create_user("editor", password="editor-pass-123")
    program.organizers.add(user)
    return user


@pytest.fixture
def clinics(program) -> None:
    held = services.schedule_session(
        program=program, number=1, title="Lua for beginners", start_date=dt.date(2030, 4, 3),
        status=ClinicSession.Status.HELD,
    )  # fmt: skip
    digest_services.add_resource(
        session=held, kind="recording", url="https://video.example.org/1",
        title="video recording", start_seconds=330, end_seconds=375,
    )  # fmt: skip
    services.schedule_session(
        program=program, number=2, title="Templates", start_month=dt.date(2030, 5, 1),
        date_precision="month", status=ClinicSession.Status.HELD,
    )  # fmt: skip
    services.schedule_session(
        program=program, number=3, title="Offline reading", start_month=dt.date(2030, 7, 1),
        date_precision="discussed",
    )  # fmt: skip


def test_newsletters_browser_compile_edit_publish_and_subscribe(
    live_server, new_context, program, clinics, editor, screenshot_dir
):
    page = new_context(java_script_enabled=False).new_page()

    page.goto(live_server.url + "/manage/programs/wikimedia-clinics/newsletter/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("editor-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="New issue").click()
    page.get_by_label("Title").fill("Clinics Newsletter Issue 1")
    page.get_by_label("Period from").fill("2030-04-01")
    page.get_by_label("Period until").fill("2030-05-31")
    page.get_by_role("button", name="Create the issue").click()
    page.get_by_role("button", name="Compile from the record").click()
    expect(page.locator(".messages")).to_contain_text("Compiled: 3 new items")

    # Hide "Templates", annotate the clinic with the recording, write the welcome.
    page.locator("li", has_text="Templates").get_by_role("button", name="Hide").click()
    lua = page.locator("li", has_text="Lua for beginners")
    lua.get_by_label("Editor's note").fill("Start at 5:30.")
    lua.get_by_role("button", name="Save the note").click()
    page.get_by_label("Welcome text").fill("Welcome to **June**.")
    page.get_by_role("button", name="Save the texts").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("h1")).to_contain_text("(en, published)")

    issue = Issue.objects.get()
    assert issue.items.get(session__title="Templates").hidden

    # A reader, in another browser with JavaScript, reads it from the program page.
    reader = new_context().new_page()
    reader.goto(live_server.url + "/programs/wikimedia-clinics/")
    reader.get_by_role("link", name="Clinics Newsletter Issue 1").click()
    article = reader.locator("article")
    expect(article.locator("h2").first).to_have_text("What is happening this month")
    expect(article).to_contain_text("video recording from 5:30 to 6:15")
    expect(article).to_contain_text("Start at 5:30.")
    expect(article).to_contain_text("[Date to be discussed] Offline reading")
    expect(article).not_to_contain_text("Templates")
    reader.screenshot(path=screenshot_dir / "clinicdesk-newsletter.png", full_page=True)

    reader.get_by_role("link", name="Subscribe by e-mail").first.click()
    reader.get_by_label("Your e-mail address").fill("reader@example.org")
    reader.get_by_role("button", name="Subscribe").click()
    expect(reader.locator("h1")).to_have_text("Check your inbox")
    assert Subscription.objects.get().status == "pending"
