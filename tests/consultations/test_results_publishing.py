"""The results published through the publishing app: a page per language on the real
MediaWiki, the results e-mail to the mailing lists through the real SMTP server, the sweep
republishing when the results change, and the organizer's page and button."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clinicdesk.consultations import results_source, services
from clinicdesk.publishing import services as publishing
from clinicdesk.publishing.models import ListMessage, WikiPage
from tests.consultations.conftest import ids, participant
from tests.support.mail import html_body, text_body
from tests.support.worker import run_tasks

pytestmark = pytest.mark.django_db

SITE = "http://clinicdesk.test"
RESULTS = f"{SITE}/programs/wikimedia-clinics/consultations/priorities-2031/results/"
PUBLISH = "/manage/programs/wikimedia-clinics/consultations/priorities-2031/results/publish/"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def vote(consultation, count=6):
    """``count`` ballots: 2.1 first for all, then 1.1 for the first half."""
    for n in range(count):
        codes = ("2.1", "1.1") if n < count // 2 else ("2.1",)
        services.submit_ballot(
            consultation=consultation,
            participant=participant(consultation, n),
            choices=ids(consultation, *codes),
        )


def close_ranking(consultation):
    services.set_window_now(consultation=consultation, which="ranking", edge="closes")
    consultation.refresh_from_db()


@pytest.fixture
def closed(consultation):
    vote(consultation)
    close_ranking(consultation)
    return consultation


@pytest.fixture
def lists(program):
    publishing.set_list_sender(program=program, name="Wikimedia Clinics", address="c@example.org")
    return [
        publishing.create_mailing_list(
            program=program, name="Wikimedia-l", address="wikimedia-l@example.org", language="en"
        ),
        publishing.create_mailing_list(
            program=program, name="Wikimedia-ES", address="es@example.org", language="es"
        ),
    ]


def results_pages(consultation) -> dict[str, WikiPage]:
    return {
        page.source_key.split(":")[1]: page
        for page in WikiPage.objects.filter(
            source_kind=results_source.KIND,
            source_key__in=results_source.page_keys(consultation),
        )
    }


def test_publish_results_puts_a_page_per_language_on_the_wiki_and_emails_each_list(
    closed, make_target, wiki, mailbox, lists
):
    target = make_target(closed.program)

    done = services.publish_results(consultation=closed)
    run_tasks()

    assert (done.pages, done.emails) == (2, 2)
    pages = results_pages(closed)
    assert set(pages) == {"en", "es"}
    english = pages["en"]
    assert english.state == WikiPage.State.PUBLISHED
    assert english.title == f"{target.program_page_title}/Priorities 2031/Results/en"
    text = wiki.page(english.title)["content"]
    assert text.startswith(
        "<!-- clinicdesk:begin results -->\n== Results: Priorities 2031 ==\n"
        "''Which initiatives matter most?''\n"
    )
    assert "6 ballots, combined by the Borda count." in text
    # 2.1 first on all six ballots; 1.1 second on three (suppressed below five: not shown).
    assert "|-\n| 1 || 2.1 || Onboarding || 30 || 6 || 6\n" in text
    assert f"[{RESULTS} Results page]" in text
    assert text.endswith("<!-- clinicdesk:end results -->")
    html = wiki.rendered_html(english.title)
    assert '<table class="wikitable sortable">' in html
    assert "Onboarding" in html
    spanish = wiki.page(pages["es"].title)["content"]
    assert "== Resultados: Priorities 2031 ==" in spanish

    by_list = {m["To"]: m for m in mailbox.messages}
    assert set(by_list) == {"wikimedia-l@example.org", "es@example.org"}
    message = by_list["wikimedia-l@example.org"]
    assert message["Subject"] == "Results: Priorities 2031"
    assert message["From"] == "Wikimedia Clinics <c@example.org>"
    assert message["Auto-Submitted"] == "auto-generated"
    body = text_body(message)
    assert body.startswith("Results: Priorities 2031\n\nWhich initiatives matter most?\n")
    assert "  1. 2.1 Onboarding (30 points)\n" in body
    assert f"Every initiative, and the results by region and language:\n{RESULTS}\n" in body
    html_mail = html_body(message)
    assert "<td>1</td><td>2.1</td><td>Onboarding</td><td>30</td>" in html_mail
    assert f'<a href="{RESULTS}">' in html_mail
    assert by_list["es@example.org"]["Subject"] == "Resultados: Priorities 2031"
    assert set(ListMessage.objects.values_list("status", flat=True)) == {"sent"}

    # Publishing again: the pages are queued at once, each list has had its e-mail.
    again = services.publish_results(consultation=closed)
    run_tasks()
    assert (again.pages, again.emails) == (2, 0)
    assert len(mailbox.messages) == 2
    assert wiki.revision_count(english.title) == 1  # nothing changed: no edit


def test_results_page_is_republished_by_the_sweep_when_the_results_change(
    closed, make_target, wiki
):
    make_target(closed.program)
    services.publish_results(consultation=closed, send_email=False)
    run_tasks()
    english = results_pages(closed)["en"]
    assert wiki.revision_count(english.title) == 1

    publishing.queue_changed_pages()  # nothing changed: the results pages stay as they are
    assert {p.state for p in results_pages(closed).values()} == {WikiPage.State.PUBLISHED}
    onboarding = closed.initiatives.get(code="2.1")
    services.save_initiative(
        consultation=closed,
        code="2.1",
        texts={"en": {"title": "Onboarding newcomers", "description": ""}},
        group=onboarding.group,
        initiative=onboarding,
    )
    publishing.queue_changed_pages()
    assert {p.state for p in results_pages(closed).values()} == {WikiPage.State.PENDING}
    run_tasks()

    assert wiki.revision_count(english.title) == 2
    assert "| 1 || 2.1 || Onboarding newcomers || 30" in wiki.page(english.title)["content"]


def test_hiding_early_results_withdraws_the_pages_and_skips_the_email(
    consultation, make_target, wiki, mailbox, lists
):
    vote(consultation)
    services.publish_results_early(consultation=consultation, published=True)
    make_target(consultation.program)
    services.publish_results(consultation=consultation)
    run_tasks(queue="publishing")  # the pages go; the e-mails wait
    english = results_pages(consultation)["en"]
    assert english.state == WikiPage.State.PUBLISHED

    services.publish_results_early(consultation=consultation, published=False)
    publishing.queue_changed_pages()
    run_tasks()

    english.refresh_from_db()
    assert english.state == WikiPage.State.WITHDRAWN
    assert "Onboarding" in wiki.page(english.title)["content"]  # left on the wiki as it was
    assert mailbox.messages == []
    assert set(ListMessage.objects.values_list("status", flat=True)) == {"skipped"}


def test_publish_results_before_ranking_closes_is_refused(consultation, lists):
    vote(consultation)

    with pytest.raises(ValidationError) as refused:
        services.publish_results(consultation=consultation)

    assert refused.value.messages[0].startswith("Results are published when ranking closes, on ")
    consultation.refresh_from_db()
    assert consultation.results_published_at is None
    assert not ListMessage.objects.exists()


def test_organizer_publishes_from_the_results_page_and_sees_each_page(
    client, closed, owner, make_target, lists
):
    target = make_target(closed.program)
    client.force_login(owner)
    dashboard = client.get(reverse("consultations:manage", args=[closed.program.slug, closed.slug]))
    assert "Results not published to the program's wikis and mailing lists yet" in (
        dashboard.content.decode()
    )
    page = client.get(RESULTS.replace(SITE, "").replace("/programs/", "/manage/programs/"))
    assert page.status_code == 200
    assert "A results page per language goes to 1 wiki." in page.content.decode()

    response = client.post(PUBLISH, {"send_email": "1"})

    assert response.status_code == 302
    assert response["Location"].endswith("/results/#publish")
    shown = client.get(response["Location"]).content.decode()
    assert "2 results pages will be published in a moment." in shown
    assert "2 e-mails to mailing lists are on their way." in shown
    for language in ("en", "es"):
        wiki_page = results_pages(closed)[language]
        preview = reverse("publishing:page", args=[closed.program.slug, wiki_page.pk])
        assert f'<a href="{preview}">{target.program_page_title}/Priorities 2031/Results/' in (
            shown
        )
    assert "Publish the results again" in shown
    assert "Wikimedia-l &lt;wikimedia-l@example.org&gt;: <span" in shown
    dashboard = client.get(reverse("consultations:manage", args=[closed.program.slug, closed.slug]))
    assert "Results published to the program's wikis and mailing lists on" in (
        dashboard.content.decode()
    )


def test_organizer_publish_before_closing_gets_the_reason_and_a_400(client, consultation, owner):
    client.force_login(owner)

    response = client.post(PUBLISH, {"send_email": "1"})

    assert response.status_code == 400
    assert "Results are published when ranking closes, on " in response.content.decode()
