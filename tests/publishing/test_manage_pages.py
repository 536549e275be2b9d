"""Organizer pages of publishing: who may see them, forms, and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clinicdesk.publishing import services
from clinicdesk.publishing.models import ListMessage, PublishAttempt, WikiPage, WikiTarget
from tests.conftest import make_session

pytestmark = pytest.mark.django_db


def dashboard_url(program) -> str:
    return reverse("publishing:dashboard", kwargs={"slug": program.slug})


@pytest.fixture
def target(program) -> WikiTarget:
    # Nothing listens on this port: pages that read the wiki show it is unreachable.
    return services.create_wiki_target(
        program=program,
        name="Meta-Wiki",
        api_url="http://127.0.0.1:9/w/api.php",
        credentials_name="meta",
        program_page_title="Wikimedia Clinics",
    )


@pytest.fixture
def mailing_list(program):
    return services.create_mailing_list(
        program=program, name="Wikimedia-l", address="wikimedia-l@lists.example.org"
    )


def manage_urls(program, target, mailing_list) -> list[str]:
    page = target.pages.get()
    message = services._queue_message(
        mailing_list, ListMessage.Kind.ANNOUNCEMENT, now=timezone.now()
    )
    slug = program.slug
    return [
        dashboard_url(program),
        reverse("publishing:target-create", kwargs={"slug": slug}),
        reverse("publishing:target", kwargs={"slug": slug, "target_id": target.pk}),
        reverse("publishing:page", kwargs={"slug": slug, "page_id": page.pk}),
        reverse("publishing:log", kwargs={"slug": slug}),
        reverse("publishing:list-create", kwargs={"slug": slug}),
        reverse("publishing:list", kwargs={"slug": slug, "list_id": mailing_list.pk}),
        reverse("publishing:sender", kwargs={"slug": slug}),
        reverse("publishing:announce", kwargs={"slug": slug}),
        reverse("publishing:emails", kwargs={"slug": slug}),
        reverse("publishing:email-retry", kwargs={"slug": slug, "message_id": message.pk}),
        reverse("publishing:page-publish", kwargs={"slug": slug, "page_id": page.pk}),
        reverse("publishing:target-publish", kwargs={"slug": slug, "target_id": target.pk}),
    ]


def test_pages_need_a_login(client, program, target, mailing_list):
    for url in manage_urls(program, target, mailing_list):
        response = client.get(url)
        assert response.status_code in {302, 405}, url
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")


def test_pages_refuse_a_member_of_another_program_and_an_outsider(
    client, program, target, mailing_list, member, outsider
):
    urls = manage_urls(program, target, mailing_list)
    for user in (member, outsider):
        client.force_login(user)
        for url in urls:
            method = client.post if url.endswith(("/retry/", "/publish/")) else client.get
            assert method(url).status_code == 403, (user, url)


def test_pages_open_to_the_owner(client, owner, program, target, mailing_list):
    client.force_login(owner)
    for url in manage_urls(program, target, mailing_list):
        if url.endswith(("/retry/", "/publish/")):
            assert client.post(url).status_code == 302, url
        else:
            assert client.get(url).status_code == 200, url


def test_unknown_objects_are_404(client, owner, program):
    client.force_login(owner)
    slug = program.slug
    assert (
        client.get(reverse("publishing:page", kwargs={"slug": slug, "page_id": 999})).status_code
        == 404
    )
    assert client.get(reverse("publishing:dashboard", kwargs={"slug": "nope"})).status_code == 404


def test_dashboard_says_the_bot_login_is_missing_and_how_to_set_it(client, owner, program, target):
    client.force_login(owner)
    page = client.get(dashboard_url(program)).content.decode()
    assert "CLINICDESK_WIKI_META_USERNAME" in page
    assert "CLINICDESK_WIKI_META_PASSWORD" in page
    assert "Wikimedia Clinics" in page


def test_dashboard_says_the_bot_login_is_set_without_showing_it(
    client, owner, program, target, monkeypatch
):
    monkeypatch.setenv("CLINICDESK_WIKI_META_USERNAME", "ClinicBot@clinicdesk")
    monkeypatch.setenv("CLINICDESK_WIKI_META_PASSWORD", "secret" * 6)
    client.force_login(owner)
    page = client.get(dashboard_url(program)).content.decode()
    assert "Bot login: set in the environment (META)" in page
    assert "secret" not in page


def test_add_a_wiki_through_the_form(client, owner, program):
    client.force_login(owner)
    url = reverse("publishing:target-create", kwargs={"slug": program.slug})
    response = client.post(
        url,
        {
            "name": "Meta-Wiki",
            "api_url": "https://meta.wikimedia.org/w/api.php",
            "credentials_name": "meta",
            "language": "en",
            "program_page_title": "Wikimedia Clinics",
            "digest_title_pattern": "Wikimedia Clinics/{number}/{language}",
            "edit_summary": "Updated from clinicdesk",
            "mark_bot": "on",
            "max_lag_seconds": "5",
            "republish_on_change": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    target = WikiTarget.objects.get(program=program)
    assert target.credentials_name == "META"
    assert list(target.pages.values_list("kind", "title")) == [("program", "Wikimedia Clinics")]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("api_url", "https://meta.wikimedia.org/wiki/Main_Page", "api.php"),
        ("credentials_name", "meta wiki!", "capital letters"),
        ("digest_title_pattern", "{prefix}/{session}", "{prefix}, {program}"),
        ("language", "klingon-xx", "language code"),
    ],
)
def test_add_a_wiki_refuses_bad_input_with_a_message(client, owner, program, field, value, message):
    client.force_login(owner)
    data = {
        "name": "Meta-Wiki",
        "api_url": "https://meta.wikimedia.org/w/api.php",
        "credentials_name": "META",
        "language": "en",
        "program_page_title": "Wikimedia Clinics",
        "digest_title_pattern": "{prefix}/{number}/{language}",
        "edit_summary": "Updated",
        "max_lag_seconds": "5",
        field: value,
    }
    response = client.post(reverse("publishing:target-create", kwargs={"slug": program.slug}), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WikiTarget.objects.exists()


def test_page_preview_when_the_wiki_is_down_shows_the_wikitext_and_why(
    client, owner, program, target
):
    make_session(program, 10, meeting_url="https://meet.example.org/x")
    client.force_login(owner)
    page = target.pages.get()
    response = client.get(
        reverse("publishing:page", kwargs={"slug": program.slug, "page_id": page.pk})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "could not be reached" in html
    assert "&lt;!-- clinicdesk:begin upcoming --&gt;" in html
    assert "https://meet.example.org/x" in html


def test_publish_button_queues_the_page(client, owner, program, target):
    client.force_login(owner)
    page = target.pages.get()
    url = reverse("publishing:page-publish", kwargs={"slug": program.slug, "page_id": page.pk})
    response = client.post(url, follow=True)
    page.refresh_from_db()
    assert page.state == WikiPage.State.PENDING
    assert "will be published in a moment" in response.content.decode()


def _attempts(target, count: int) -> None:
    page = target.pages.get()
    now = timezone.now()
    PublishAttempt.objects.bulk_create(
        PublishAttempt(
            page=page,
            program=target.program,
            title=page.title,
            started_at=now - dt.timedelta(minutes=i),
            finished_at=now - dt.timedelta(minutes=i),
            outcome=PublishAttempt.Outcome.PUBLISHED,
            revision_id=100 + i,
        )
        for i in range(count)
    )


@pytest.mark.parametrize("count", [1, 3])
def test_publish_log_queries_do_not_grow_with_attempts(
    client, owner, program, target, count, django_assert_num_queries
):
    _attempts(target, count)
    client.force_login(owner)
    url = reverse("publishing:log", kwargs={"slug": program.slug})
    client.get(url)  # warm the session and the user
    # session, user, program, organizer check, count, the attempts with their pages and wikis
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.content.decode().count("outcome-published") == count


@pytest.mark.parametrize("count", [1, 3])
def test_email_log_queries_do_not_grow_with_emails(
    client, owner, program, mailing_list, count, django_assert_num_queries
):
    for _ in range(count):
        services._queue_message(mailing_list, ListMessage.Kind.ANNOUNCEMENT, now=timezone.now())
    client.force_login(owner)
    url = reverse("publishing:emails", kwargs={"slug": program.slug})
    client.get(url)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.content.decode().count("email-pending") == count


@pytest.mark.parametrize("count", [1, 3])
def test_dashboard_queries_do_not_grow_with_wikis_and_pages(
    client, owner, program, count, django_assert_num_queries
):
    for i in range(count):
        services.create_wiki_target(
            program=program,
            name=f"Wiki {i}",
            api_url=f"https://wiki{i}.example.org/w/api.php",
            credentials_name=f"W{i}",
            program_page_title="Clinics",
        )
        services.create_mailing_list(program=program, name=f"L{i}", address=f"l{i}@example.org")
    client.force_login(owner)
    url = dashboard_url(program)
    client.get(url)
    with django_assert_num_queries(10):
        client.get(url)


def test_dashboard_in_spanish(client, owner, program, target, mailing_list):
    client.force_login(owner)
    html = client.get("/es" + dashboard_url(program)).content.decode()
    assert "Registro de publicaciones" in html
    assert "Listas de correo" in html
    assert "aún sin publicar" in html
    assert "Publicar ahora todas las páginas en Meta-Wiki" in html


def test_announcement_preview_shows_text_and_html_then_sends(client, owner, program, mailing_list):
    session = make_session(
        program,
        10,
        start_date=dt.date(2030, 9, 17),
        start_time=dt.time(13, 0),
        meeting_url="https://meet.example.org/10",
    )
    client.force_login(owner)
    url = reverse("publishing:announce", kwargs={"slug": program.slug})
    data = {"sessions": [session.pk], "lists": [mailing_list.pk], "intro": "Dear Wikimedians,"}
    preview = client.post(url, {**data, "preview": "1"})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Tuesday, September 17, 2030, 13:00 UTC" in html
    assert 'sandbox srcdoc="' in html
    assert not ListMessage.objects.exists()

    sent = client.post(url, {**data, "send": "1"})
    assert sent.status_code == 302
    message = ListMessage.objects.get()
    assert message.kind == ListMessage.Kind.ANNOUNCEMENT
    assert list(message.sessions.all()) == [session]
    assert message.created_by == owner


def test_announcement_without_a_call_is_refused_with_a_message(
    client, owner, program, mailing_list
):
    client.force_login(owner)
    url = reverse("publishing:announce", kwargs={"slug": program.slug})
    response = client.post(url, {"lists": [mailing_list.pk], "send": "1"})
    assert response.status_code == 400
    assert not ListMessage.objects.exists()


def test_mailing_list_form_refuses_a_duplicate_address(client, owner, program, mailing_list):
    client.force_login(owner)
    url = reverse("publishing:list-create", kwargs={"slug": program.slug})
    response = client.post(
        url,
        {
            "name": "Again",
            "address": "wikimedia-l@lists.example.org",
            "language": "en",
            "reminder_minutes": "60",
            "is_active": "on",
        },
    )
    assert response.status_code == 400
    assert "already writes to that address" in response.content.decode()
