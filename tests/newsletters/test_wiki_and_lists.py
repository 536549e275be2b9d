"""The issue's wiki page on the real MediaWiki and its e-mail to the program's lists through
the real SMTP server, both through publishing's source registry."""

from __future__ import annotations

import datetime as dt

import pytest

from clinicdesk.newsletters import services
from clinicdesk.newsletters.importing import ensure_settings
from clinicdesk.newsletters.publishing import KIND
from clinicdesk.publishing import services as publishing_services
from clinicdesk.publishing.models import ListMessage, WikiPage
from tests.support.mail import html_body, text_body
from tests.support.worker import run_tasks


def _pages(target) -> dict[str, WikiPage]:
    return {
        page.source_key: page
        for page in target.pages.filter(kind=WikiPage.Kind.SOURCE, source_kind=KIND)
    }


def test_published_issue_gets_its_wiki_page_with_previous_and_next(
    program, issue, make_target, wiki
):
    target = make_target(program)
    ensure_settings(program, wiki_title_pattern="{prefix}/Newsletter/{year}/Issue {number}")

    services.publish_issue(issue=issue)
    run_tasks(queue="publishing")

    page = _pages(target)[str(issue.pk)]
    assert page.state == WikiPage.State.PUBLISHED
    assert page.title == f"{target.program_page_title}/Newsletter/2030/Issue 7"
    content = wiki.page(page.title)["content"]
    assert content.startswith("<!-- clinicdesk:begin newsletter -->\n")
    assert "== Past sessions ==" in content
    assert "=== April 2030 Clinic calls ===" in content
    assert (
        "# [http://clinicdesk.test/programs/wikimedia-clinics/sessions/1/ Lua for beginners]. "
        "Find this session's resources here: [https://video.example.org/1 recording from 5:30 "
        "to 6:15] and [https://slides.example.org/1 slides]. Presented by Ana." in content
    )
    assert (
        "* &#91;Date to be discussed&#93; [http://clinicdesk.test/programs/wikimedia-clinics/"
        "sessions/4/ Offline reading]" in content
    )
    assert "* &#91;June 16, 1:00\u202fPM (UTC+2, Madrid)&#93; [http" in content
    assert "Apply for the '''scholarship'''. Deadline: June 8, 2030, end of the day" in content

    # Issue 8: its page links back to 7 by this wiki's title, and the sweep gives 7 its link
    # to 8.
    following = services.create_issue(
        program=program, number=8, period_start=dt.date(2030, 6, 1),
        period_end=dt.date(2030, 6, 30), title="Clinics Newsletter Issue 8",
    )  # fmt: skip
    services.compile_issue(issue=following)
    services.publish_issue(issue=following)
    run_tasks(queue="publishing")
    publishing_services.queue_changed_pages()
    run_tasks(queue="publishing")

    pages = _pages(target)
    newer = wiki.page(pages[str(following.pk)].title)["content"]
    older = wiki.page(page.title)["content"]
    assert f"[[{page.title}|&lt; Go back to Issue 7]]" in newer
    assert f"[[{pages[str(following.pk)].title}|Go to Issue 8 &gt;]]" in older


def test_published_issue_is_mailed_to_the_programs_lists_once(program, issue, mailbox):
    publishing_services.create_mailing_list(
        program=program, name="Clinics", address="clinics@lists.example.org"
    )

    services.publish_issue(issue=issue)
    services.unpublish_issue(issue=issue)
    services.publish_issue(issue=issue)  # publishing again sends nothing again
    run_tasks(queue="email")

    [message] = mailbox.wait_for(1)
    assert message["Subject"] == "Clinics Newsletter Issue 7"
    assert message["To"] == "clinics@lists.example.org"
    text = text_body(message)
    assert "Lua for beginners" in text
    assert "[Date to be discussed] Offline reading" in text
    assert "<strong>scholarship</strong>" in html_body(message)
    assert ListMessage.objects.get().source_kind == KIND


@pytest.mark.parametrize("language", ["es"])
def test_list_in_another_language_gets_the_translation(program, issue, mailbox, language):
    publishing_services.create_mailing_list(
        program=program, name="Clínicas", address="es@lists.example.org", language=language
    )
    translation_issue = services.start_translation(source=issue, language=language)
    services.update_issue(issue=translation_issue, title="Boletín de las clínicas, número 7")
    services.publish_issue(issue=translation_issue)

    services.publish_issue(issue=issue)
    run_tasks(queue="email")

    [message] = mailbox.wait_for(1)
    assert message["Subject"] == "Boletín de las clínicas, número 7"
    text = text_body(message)
    # The compiled parts in Spanish; the written ones as the editor left them (untranslated).
    assert "Llamadas de la clínica de abril de 2030" in text
    assert "Los recursos de esta sesión: recording de 5:30 a 6:15" in text
    assert "Welcome to June." in text
