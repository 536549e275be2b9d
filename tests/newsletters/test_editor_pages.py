"""The organizer pages: who may reach them, the issue editor's actions (compile, reorder,
hide, annotate, texts, stories, translate, publish) and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clinicdesk.newsletters import services
from clinicdesk.newsletters.models import Issue, IssueItem, Opportunity, Story


def _editor(issue: Issue, name: str = "editor", **extra) -> str:
    kwargs = {"slug": issue.program.slug, "number": issue.number, "language": issue.language}
    return reverse(f"newsletters:{name}", kwargs={**kwargs, **extra})


def test_editor_is_for_the_programs_organizers(client, issue, owner, member, outsider):
    url = _editor(issue)
    assert client.get(url).status_code == 302  # to the login page

    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(owner)
    assert client.get(url).status_code == 200


def test_unknown_issue_is_not_found(client, issue, owner):
    client.force_login(owner)
    url = reverse(
        "newsletters:editor", kwargs={"slug": issue.program.slug, "number": 99, "language": "en"}
    )

    assert client.get(url).status_code == 404


def test_editor_actions_without_javascript(client, issue, owner):
    client.force_login(owner)
    templates = issue.items.get(session__title="Templates")
    lua = issue.items.get(session__title="Lua for beginners")

    client.post(_editor(issue, "item", item_id=templates.pk), {"action": "hide"})
    client.post(
        _editor(issue, "item", item_id=lua.pk),
        {"action": "note", f"item{lua.pk}-note": "The **best** one."},
    )
    client.post(_editor(issue, "compile"))

    templates.refresh_from_db()
    lua.refresh_from_db()
    assert templates.hidden
    assert lua.note == "The **best** one."
    page = client.get(_editor(issue)).content.decode()
    assert "<em>The <strong>best</strong> one.</em>" in page  # in the preview
    assert "Compiled: 0 new items, 5 kept as they were, 0 removed." in page


def test_texts_and_stories_from_the_editor(client, issue, owner):
    client.force_login(owner)

    response = client.post(
        _editor(issue, "texts"),
        {
            "title": "Issue seven",
            "welcome_heading": "Hello",
            "welcome": "Welcome back.",
            "heading_past": "Did you miss these?",
            "heading_upcoming": "",
            "heading_opportunities": "",
            "heading_stories": "",
            "stories_intro": "",
        },
    )
    assert response.status_code == 302
    client.post(
        _editor(issue, "story-create"),
        {
            "title": "At Wikimania",
            "body": "We met.",
            "images": "https://upload.example.org/a.jpg The team",
        },
    )

    issue.refresh_from_db()
    assert (issue.title, issue.headings) == ("Issue seven", {"past": "Did you miss these?"})
    story = Story.objects.get()
    assert story.images == [{"url": "https://upload.example.org/a.jpg", "alt": "The team"}]


def test_story_image_that_is_not_a_url_is_refused_and_kept(client, issue, owner):
    client.force_login(owner)

    response = client.post(
        _editor(issue, "story-create"),
        {"title": "At Wikimania", "body": "We met.", "images": "javascript:alert(1) x"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Give a full web address starting with https:// or http://." in page
    assert "We met." in page
    assert not Story.objects.exists()


def test_opportunity_with_a_passed_deadline_is_refused_with_the_input_kept(client, program, owner):
    client.force_login(owner)

    response = client.post(
        reverse("newsletters:opportunity-create", kwargs={"slug": program.slug}),
        {
            "title": "Old grant",
            "description": "",
            "url": "",
            "deadline_date": "2001-01-01",
            "deadline_time": "",
            "time_zone": "UTC",
            "audience": "",
            "languages": "",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "This deadline has passed: give one still to come." in page
    assert 'value="Old grant"' in page
    assert not Opportunity.objects.exists()


def test_new_issue_and_nothing_to_compile(client, program, owner):
    client.force_login(owner)

    response = client.post(
        reverse("newsletters:issue-create", kwargs={"slug": program.slug}),
        {
            "number": "1",
            "title": "",
            "language": "en",
            "period_start": "2001-01-01",
            "period_end": "2001-01-31",
            "upcoming_until": "",
            "issue_date": "",
        },
    )
    issue = Issue.objects.get()
    compiled = client.post(_editor(issue, "compile"), follow=True)
    published = client.post(_editor(issue, "publish"), follow=True)

    assert response.status_code == 302
    assert issue.upcoming_until == dt.date(2001, 4, 30)
    assert "Nothing to compile: no session from 2001-01-01" in compiled.content.decode()
    assert "Compile the issue before publishing it." in published.content.decode()
    assert not Issue.objects.get().is_published


def test_translation_marks_written_parts_and_follows_the_source(client, issue, owner):
    client.force_login(owner)
    services.annotate_item(
        item=issue.items.get(session__title="Lua for beginners"), note="Watch it."
    )
    client.post(_editor(issue, "translate"), {"language": "es"})
    spanish = Issue.objects.get(language="es")
    page = client.get(_editor(spanish)).content.decode()

    assert spanish.source_id == issue.pk
    assert "Not translated yet." in page
    assert page.count('<span class="badge">untranslated</span>') == 1

    # The source hides an item and changes its welcome: the translation follows the hiding,
    # and its welcome, once translated, shows outdated.
    services.update_issue(issue=spanish, welcome="Bienvenida a **junio**.")
    services.set_item_hidden(item=issue.items.get(session__title="Templates"), hidden=True)
    services.update_issue(issue=issue, welcome="Welcome to **July**.")
    spanish.refresh_from_db()

    assert IssueItem.objects.get(issue=spanish, session__title="Templates").hidden
    assert (
        "Changed in the original since it was translated."
        in client.get(_editor(spanish)).content.decode()
    )


@pytest.mark.parametrize("action", ["up", "down", "hide", "show", "note", "bogus"])
def test_item_actions_never_fail(client, issue, owner, action):
    client.force_login(owner)
    item = issue.items.get(session__title="Lua for beginners")

    response = client.post(_editor(issue, "item", item_id=item.pk), {"action": action})

    assert response.status_code == 302
