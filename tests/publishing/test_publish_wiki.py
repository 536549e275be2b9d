"""Publishing against a real MediaWiki: the demo program page and the #006 digest, first
publish, republish, no empty edit, hand edits outside and inside the markers, faults."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from clinicdesk.demo import seed_path
from clinicdesk.digests import services as digest_services
from clinicdesk.digests.models import Digest
from clinicdesk.publishing import services
from clinicdesk.publishing import wiki as w
from clinicdesk.publishing.models import PublishAttempt, WikiPage
from clinicdesk.scheduling import services as scheduling_services
from clinicdesk.scheduling.models import Person
from tests.publishing.conftest import work
from tests.support.wiki import unique_title

pytestmark = pytest.mark.django_db


def program_page(target) -> WikiPage:
    return target.pages.get(kind=WikiPage.Kind.PROGRAM)


def publish(target, *pages) -> None:
    services.request_publishing(target=target, pages=list(pages) or None)
    work()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


# --- The program page --------------------------------------------------------------------------


def test_program_page_first_publish_then_no_empty_edit(demo, make_target, wiki):
    upcoming = demo.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    scheduling_services.update_session(session=upcoming, meeting_url="https://meet.example.org/c")
    target = make_target(demo)
    page = program_page(target)
    publish(target, page)

    page.refresh_from_db()
    on_wiki = wiki.page(page.title)
    assert page.state == WikiPage.State.PUBLISHED
    assert page.revision_id == on_wiki["revid"]
    assert on_wiki["user"] == "ClinicBot"
    assert on_wiki["comment"] == "Updated from clinicdesk"
    text = on_wiki["content"]
    assert text.index("== Upcoming calls ==") < text.index("<!-- clinicdesk:begin upcoming -->")
    assert "<!-- clinicdesk:end archive -->" in text
    # #010 of seed 001 is past now; the demo's planned calls are upcoming, in UTC, linked.
    assert "UTC ([http://clinicdesk.test/programs/wikimedia-clinics/sessions/" in text
    session_url = "http://clinicdesk.test/programs/wikimedia-clinics/sessions/11/"
    assert f"([{session_url} your local time]), [https://meet.example.org/c meeting link]." in text

    html = wiki.rendered_html(page.title)
    assert '<table class="wikitable">' in html
    # #006: topics in Spanish and English side by side in a table of their own.
    assert "Impacto de la pandemia en los afiliados" in html
    assert "Impact of the pandemic on affiliates" in html
    assert html.count('<table class="wikitable">') >= 2
    # #006's digest links to its page on this wiki.
    digest_title = target.digest_title_pattern.format(
        prefix="", program="", number="006", language="en"
    )
    assert digest_title.replace(" ", "_") in html or digest_title in html

    revisions = wiki.revision_count(page.title)
    publish(target, page)
    page.refresh_from_db()
    assert wiki.revision_count(page.title) == revisions
    assert page.attempts_log.first().outcome == PublishAttempt.Outcome.UNCHANGED
    assert page.revision_id == on_wiki["revid"]


def test_program_page_republish_after_a_change_is_one_new_revision(demo, make_target, wiki):
    target = make_target(demo, mark_minor=True)
    page = program_page(target)
    publish(target, page)
    revisions = wiki.revision_count(page.title)
    upcoming = demo.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    scheduling_services.add_segment(
        session=upcoming, title="Lua modules, step by step", presenter="Ana"
    )

    publish(target, page)

    assert wiki.revision_count(page.title) == revisions + 1
    assert wiki.page(page.title)["minor"] is True  # as the wiki target says
    assert (
        "Scheduled topic: Lua modules, step by step with Ana." in wiki.page(page.title)["content"]
    )
    page.refresh_from_db()
    assert page.attempts_log.first().outcome == PublishAttempt.Outcome.PUBLISHED
    assert page.attempts_log.first().revision_id == page.revision_id


def test_program_page_hand_edit_outside_the_markers_survives(demo, make_target, wiki):
    target = make_target(demo)
    page = program_page(target)
    publish(target, page)
    text = wiki.page(page.title)["content"]
    wiki.edit(page.title, "A volunteer wrote this above.\n\n" + text + "\n[[Category:Clinics]]")
    upcoming = demo.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    scheduling_services.add_segment(session=upcoming, title="Wikidata queries")

    publish(target, page)

    after = wiki.page(page.title)
    assert after["user"] == "ClinicBot"
    assert after["content"].startswith("A volunteer wrote this above.")
    assert after["content"].endswith("[[Category:Clinics]]")
    assert "Wikidata queries" in after["content"]


def test_program_page_hand_edit_inside_the_markers_is_a_conflict(demo, make_target, wiki):
    target = make_target(demo)
    page = program_page(target)
    publish(target, page)
    text = wiki.page(page.title)["content"]
    hand = text.replace(
        "<!-- clinicdesk:begin upcoming -->\n",
        "<!-- clinicdesk:begin upcoming -->\n* Extra call, ask Asaf!\n",
    )
    human_revision = wiki.edit(page.title, hand)
    upcoming = demo.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    scheduling_services.add_segment(session=upcoming, title="Commons uploads")

    publish(target, page)

    page.refresh_from_db()
    assert page.state == WikiPage.State.CONFLICT
    assert page.conflict_parts == ["upcoming"]
    assert "edited the generated part" in page.message
    assert wiki.page(page.title)["revid"] == human_revision  # nothing overwritten
    assert page.attempts_log.first().outcome == PublishAttempt.Outcome.CONFLICT

    # The organizer decides: the hand edit is replaced (it stays in the wiki's history).
    services.replace_hand_edit(page=page)
    work()
    page.refresh_from_db()
    after = wiki.page(page.title)["content"]
    assert page.state == WikiPage.State.PUBLISHED
    assert "Extra call" not in after
    assert "Commons uploads" in after


def test_preview_shows_the_exact_wikitext_and_the_wikis_rendering(demo, make_target, wiki):
    target = make_target(demo)
    page = program_page(target)

    preview = services.preview_page(page=page)

    assert preview.exists is False
    assert preview.changed
    assert preview.wikitext.startswith("== Upcoming calls ==\n<!-- clinicdesk:begin upcoming -->")
    assert '<table class="wikitable">' in preview.html
    assert "<script" not in preview.html
    assert wiki.page(page.title) == {}  # a preview writes nothing

    publish(target, page)
    assert services.preview_page(page=page).changed is False


# --- The digest of #006 ------------------------------------------------------------------------


def test_digest_006_page_keeps_the_seeds_words_and_links_its_languages(demo, make_target, wiki):
    english = Digest.objects.get(session__program=demo, session__number=6, language="en")
    spanish = digest_services.start_translation(source=english, language="es")
    digest_services.publish_digest(digest=spanish)
    target = make_target(demo)
    pages = {p.digest.language: p for p in target.pages.filter(kind=WikiPage.Kind.DIGEST)}
    assert set(pages) == {"en", "es"}

    publish(target, pages["en"], pages["es"])

    en = pages["en"]
    en.refresh_from_db()
    assert en.state == WikiPage.State.PUBLISHED
    assert en.title.endswith("/006/en")
    html = wiki.rendered_html(en.title)
    # Headings, nested lists, and the link to the Spanish version's page on the wiki.
    assert re.search(r"<h2>.*Impact of the pandemic on affiliates", html)
    assert re.search(r"<ul><li>.*\n<ul><li>", html)
    spanish_title = pages["es"].title.replace(" ", "_")
    assert f'title="{pages["es"].title}"' in html or spanish_title in html
    seed, back = words(seed_path("002").read_text(encoding="utf-8")), words(html_text(html))
    matcher = difflib.SequenceMatcher(None, seed, back, autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks()) / len(seed)
    assert kept >= 0.95


def test_digest_withdrawn_leaves_its_wiki_page_alone(demo, make_target, wiki):
    target = make_target(demo)
    page = target.pages.get(kind=WikiPage.Kind.DIGEST)
    publish(target, page)
    revision = wiki.page(page.title)["revid"]
    digest_services.unpublish_digest(digest=page.digest)

    publish(target, page)

    page.refresh_from_db()
    assert page.state == WikiPage.State.WITHDRAWN
    assert wiki.page(page.title)["revid"] == revision


# --- Faults --------------------------------------------------------------------------------------


def test_wiki_down_then_up_the_publish_is_retried_and_completes(demo, make_target, wiki, settings):
    settings.PUBLISHING_RETRY_BASE_SECONDS = 60
    target = make_target(demo)
    page = program_page(target)
    services.request_publishing(target=target, pages=[page])
    wiki.stop()

    now = timezone.now()
    first = services.publish_page(page_id=page.pk, now=now)

    page.refresh_from_db()
    assert first.state == WikiPage.State.RETRYING
    assert page.problem == w.UNREACHABLE
    assert page.next_attempt_at == now + dt.timedelta(seconds=60)
    assert "could not be reached" in page.message
    assert page.attempts_log.first().outcome == PublishAttempt.Outcome.RETRYING

    wiki.start()
    second = services.publish_page(page_id=page.pk, now=page.next_attempt_at)

    assert second.state == WikiPage.State.PUBLISHED
    assert wiki.page(page.title)["revid"] == second.revision_id
    assert [a.outcome for a in page.attempts_log.all()] == ["published", "retrying"]


def test_wiki_down_for_good_gives_up_after_the_last_attempt(demo, make_target, wiki, settings):
    settings.PUBLISHING_MAX_ATTEMPTS = 2
    target = make_target(demo)
    page = program_page(target)
    services.request_publishing(target=target, pages=[page])
    wiki.stop()
    services.publish_page(page_id=page.pk)
    last = services.publish_page(page_id=page.pk)
    page.refresh_from_db()
    assert last.state == WikiPage.State.FAILED
    assert "Gave up after 2 attempts" in page.message


def test_maxlag_answer_is_retried_later(demo, make_target, wiki):
    # A negative limit makes the wiki's real maxlag answer (lag -1 > -2), with Retry-After.
    target = make_target(demo, max_lag_seconds=-2)
    page = program_page(target)
    services.request_publishing(target=target, pages=[page])
    outcome = services.publish_page(page_id=page.pk)
    page.refresh_from_db()
    assert outcome.state == WikiPage.State.RETRYING
    assert page.problem == w.MAXLAG
    assert wiki.page(page.title) == {}

    services.update_wiki_target(target=target, max_lag_seconds=5)
    assert services.publish_page(page_id=page.pk).state == WikiPage.State.PUBLISHED


def test_rate_limit_answer_is_retried_later(demo, make_target, wiki, monkeypatch):
    limited = wiki.accounts["Limited"]
    monkeypatch.setenv("CLINICDESK_WIKI_LIMITED_USERNAME", limited.bot_username)
    monkeypatch.setenv("CLINICDESK_WIKI_LIMITED_PASSWORD", limited.bot_password)
    target = make_target(demo, credentials="LIMITED", digest_title_pattern="")
    other = make_target(demo, name="Second wiki", credentials="LIMITED", digest_title_pattern="")
    publish(target, program_page(target))  # the one edit an hour
    page = program_page(other)
    services.request_publishing(target=other, pages=[page])
    outcome = services.publish_page(page_id=page.pk)
    page.refresh_from_db()
    assert outcome.state == WikiPage.State.RETRYING
    assert page.problem == w.RATELIMITED
    assert "rate limit" in page.message


def test_wrong_or_missing_credentials_fail_with_what_to_do(demo, make_target, monkeypatch):
    target = make_target(demo)
    page = program_page(target)
    monkeypatch.setenv("CLINICDESK_WIKI_TEST_PASSWORD", "0" * 32)
    services.request_publishing(target=target, pages=[page])
    assert services.publish_page(page_id=page.pk).state == WikiPage.State.FAILED
    page.refresh_from_db()
    assert page.problem == w.LOGIN
    assert "refused the bot login" in page.message

    monkeypatch.delenv("CLINICDESK_WIKI_TEST_PASSWORD")
    services.request_publishing(target=target, pages=[page])
    services.publish_page(page_id=page.pk)
    page.refresh_from_db()
    assert page.problem == w.CREDENTIALS
    assert "CLINICDESK_WIKI_TEST_USERNAME" not in page.message  # said on the page, by name
    assert page.state == WikiPage.State.FAILED


def test_protected_page_fails_and_stays_as_it_was(demo, make_target, wiki):
    target = make_target(demo)
    page = program_page(target)
    wiki.edit(page.title, "Written by hand, then protected.")
    wiki.protect(page.title)
    revision = wiki.page(page.title)["revid"]  # protecting makes a revision of its own
    services.request_publishing(target=target, pages=[page])
    assert services.publish_page(page_id=page.pk).state == WikiPage.State.FAILED
    page.refresh_from_db()
    assert page.problem == w.PROTECTED
    assert wiki.page(page.title)["revid"] == revision


def test_invalid_title_fails_with_the_title(demo, make_target):
    target = make_target(demo, program_page_title="Special:Clinics")
    page = program_page(target)
    services.request_publishing(target=target, pages=[page])
    assert services.publish_page(page_id=page.pk).state == WikiPage.State.FAILED
    page.refresh_from_db()
    assert page.problem == w.INVALID_TITLE
    assert "Special:Clinics" in page.message


def test_edit_based_on_an_old_revision_is_a_conflict_never_an_overwrite(wiki):
    title = unique_title("Conflict check")
    wiki.edit(title, "line one\nline two\n")
    bot = wiki.accounts["ClinicBot"]
    client = w.WikiClient(wiki.api_url)
    client.login(bot.bot_username, bot.bot_password)
    read = client.read(title)
    # Usually in the same second as the read: MediaWiki must still see someone else's edit.
    human = wiki.edit(title, "line one, by a person\nline two\n")
    with pytest.raises(w.WikiProblem) as refused:
        client.save(read, "line one, by the bot\nline two\n", summary="s", bot=True, minor=False)
    assert refused.value.kind == w.CONFLICT
    assert wiki.page(title)["revid"] == human


# --- Republishing when the record changes ------------------------------------------------------


def test_sweep_republishes_after_a_session_digest_or_consent_change(demo, make_target, wiki):
    target = make_target(demo)
    assert services.run_sweep()["pages_queued"] == 0  # nothing is published before an organizer
    publish(target)
    pages = list(target.pages.order_by("pk"))
    assert {p.state for p in pages} == {WikiPage.State.PUBLISHED}
    revisions = {p.pk: wiki.revision_count(p.title) for p in pages}
    assert services.run_sweep()["pages_queued"] == 0  # nothing changed

    # A session changes: every page is compared, only the program page is published again.
    upcoming = demo.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    scheduling_services.update_session(session=upcoming, meeting_url="https://meet.example.org/z")
    assert services.run_sweep()["pages_queued"] == 1
    work()
    for page in pages:
        page.refresh_from_db()
        expected = revisions[page.pk] + (1 if page.kind == WikiPage.Kind.PROGRAM else 0)
        assert wiki.revision_count(page.title) == expected, page.title
        assert page.state == WikiPage.State.PUBLISHED
    # Pages that did not change were not even read on the wiki: no attempt in the log.
    assert PublishAttempt.objects.filter(page__target=target).count() == len(pages) + 1
    assert "https://meet.example.org/z" in wiki.page(program_page(target).title)["content"]

    # A speaker withdraws consent to be named: the digest page follows.
    digest_page = target.pages.get(kind=WikiPage.Kind.DIGEST)
    assert "Claudia" in wiki.page(digest_page.title)["content"]
    claudia = Person.objects.get(name="Claudia")
    scheduling_services.set_attribution_consent(
        person=claudia, consent=Person.Attribution.AFFILIATION
    )
    assert services.run_sweep()["pages_queued"] == 1  # the digest page, not the program page
    work()
    assert "Claudia" not in wiki.page(digest_page.title)["content"]
    assert [a.outcome for a in digest_page.attempts_log.all()][:1] == ["published"]


def test_conflict_is_left_for_an_organizer_by_the_sweep(demo, make_target, wiki):
    target = make_target(demo, digest_title_pattern="")
    page = program_page(target)
    publish(target, page)
    text = wiki.page(page.title)["content"]
    wiki.edit(page.title, text.replace("</span>", "").replace("| 001", "| 001 (first!)"))
    upcoming = demo.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at")
    scheduling_services.add_segment(session=upcoming[0], title="Wikisource")
    services.run_sweep()
    work()
    page.refresh_from_db()
    assert page.state == WikiPage.State.CONFLICT
    scheduling_services.add_segment(session=upcoming[1], title="Wiktionary")
    assert services.run_sweep()["pages_queued"] == 0


def test_page_deleted_on_the_wiki_is_not_recreated_by_the_sweep_only_by_an_organizer(
    demo, make_target, wiki
):
    target = make_target(demo, digest_title_pattern="")
    page = program_page(target)
    publish(target, page)
    wiki.delete(page.title)
    upcoming = demo.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()
    scheduling_services.add_segment(session=upcoming, title="Wikivoyage")

    services.run_sweep()
    work()
    page.refresh_from_db()
    assert page.state == WikiPage.State.FAILED
    assert page.problem == w.DELETED
    assert wiki.page(page.title) == {}

    publish(target, page)  # the organizer's decision
    page.refresh_from_db()
    assert page.state == WikiPage.State.PUBLISHED
    assert wiki.page(page.title)["revid"] == page.revision_id


def test_address_that_is_not_a_wiki_api_fails_with_what_to_check(demo, make_target, wiki):
    target = make_target(demo, digest_title_pattern="")
    services.update_wiki_target(
        target=target, api_url=wiki.api_url.replace("/api.php", "/nowhere/api.php")
    )
    page = program_page(target)
    services.request_publishing(target=target, pages=[page])
    assert services.publish_page(page_id=page.pk).state == WikiPage.State.FAILED
    page.refresh_from_db()
    assert page.problem == w.NOT_A_WIKI
    assert "does not answer as a MediaWiki API" in page.message
