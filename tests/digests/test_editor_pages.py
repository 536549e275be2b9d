"""Organizer pages: the three personas on every page, the editor's flows without JavaScript,
bad input answered with a message (4xx, never 500), and query counts at 1 and 3 items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinicdesk.digests import services
from clinicdesk.digests.models import Digest, FollowUp, Item, Resource, Topic
from tests.conftest import make_session
from tests.digests.conftest import SEED_002


@pytest.fixture
def resource(held):
    return services.add_resource(
        session=held, kind="slides", url="https://example.org/slides", title="Slides"
    )


def _pages(digest, resource):
    program, session = digest.session.program, digest.session
    version = {"slug": program.slug, "number": session.number, "language": digest.language}
    topic = digest.topics.get()
    item = topic.items.filter(parent=None).first()
    follow_up = FollowUp.objects.get()
    return [
        reverse("digests:program-digests", kwargs={"slug": program.slug}),
        reverse("digests:import", kwargs={"slug": program.slug}),
        reverse("digests:follow-ups", kwargs={"slug": program.slug}),
        reverse(
            "digests:follow-up-edit", kwargs={"slug": program.slug, "follow_up_id": follow_up.pk}
        ),
        reverse("digests:session-digests", kwargs={"slug": program.slug, "number": session.number}),
        reverse(
            "digests:resource-delete",
            kwargs={"slug": program.slug, "number": session.number, "resource_id": resource.pk},
        ),
        reverse("digests:editor", kwargs=version),
        reverse("digests:preview", kwargs=version),
        reverse("digests:digest-delete", kwargs=version),
        reverse("digests:topic-edit", kwargs={**version, "topic_id": topic.pk}),
        reverse("digests:topic-delete", kwargs={**version, "topic_id": topic.pk}),
        reverse("digests:item-create", kwargs={**version, "topic_id": topic.pk}),
        reverse("digests:item-edit", kwargs={**version, "item_id": item.pk}),
        reverse("digests:item-delete", kwargs={**version, "item_id": item.pk}),
    ]


def _posts(digest, resource):
    program, session = digest.session.program, digest.session
    version = {"slug": program.slug, "number": session.number, "language": digest.language}
    topic = digest.topics.get()
    item = topic.items.filter(parent=None).first()
    follow_up = FollowUp.objects.get()
    return [
        reverse("digests:publish", kwargs=version),
        reverse("digests:unpublish", kwargs=version),
        reverse("digests:translate", kwargs=version),
        reverse("digests:link", kwargs=version),
        reverse("digests:lead-current", kwargs=version),
        reverse("digests:topic-create", kwargs=version),
        reverse("digests:topic-move", kwargs={**version, "topic_id": topic.pk}),
        reverse("digests:topic-current", kwargs={**version, "topic_id": topic.pk}),
        reverse("digests:item-move", kwargs={**version, "item_id": item.pk}),
        reverse("digests:item-current", kwargs={**version, "item_id": item.pk}),
        reverse("digests:resource-create", kwargs={"slug": program.slug, "number": session.number}),
        reverse(
            "digests:reminder-address", kwargs={"slug": program.slug, "follow_up_id": follow_up.pk}
        ),
    ]


def test_editor_pages_owner_member_outsider(client, digest, resource, owner, member, outsider):
    pages = _pages(digest, resource)
    client.force_login(owner)
    assert [client.get(page).status_code for page in pages] == [200] * len(pages)
    for user in (member, outsider):
        client.force_login(user)
        assert [client.get(page).status_code for page in pages] == [403] * len(pages)
        assert [client.post(page).status_code for page in _posts(digest, resource)] == [403] * 12
    client.logout()
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    # Nothing was changed by those who may not.
    assert Digest.objects.get().status == "draft"


def test_editor_unknown_objects_are_404(client, digest, owner):
    client.force_login(owner)
    base = "/manage/programs/wikimedia-clinics/sessions/6/digests/"
    for path in [
        base + "fr/",
        base + "not-a-language!/",
        base + "en/topics/999999/",
        base + "en/items/999999/",
        "/manage/programs/nope/digests/",
        "/manage/programs/wikimedia-clinics/follow-ups/999999/",
    ]:
        assert client.get(path).status_code == 404, path


def _editor(digest):
    session = digest.session
    return reverse(
        "digests:editor",
        kwargs={
            "slug": session.program.slug,
            "number": session.number,
            "language": digest.language,
        },
    )


def test_editor_writes_a_digest_without_javascript(client, held, owner, people):
    client.force_login(owner)
    start = client.post(
        reverse("digests:session-digests", kwargs={"slug": "wikimedia-clinics", "number": 6}),
        {"language": "en"},
    )
    digest = Digest.objects.get()
    assert start.status_code == 302
    assert start["Location"] == _editor(digest)
    editor = _editor(digest)
    response = client.post(
        editor + "topics/new/",
        {"topic-title": "Impact of the pandemic", "topic-kind": "participants", "topic-body": ""},
    )
    topic = Topic.objects.get(title="Impact of the pandemic")
    assert response["Location"] == editor + f"#topic-{topic.pk}"
    client.post(
        editor + f"topics/{topic.pk}/items/new/",
        {"kind": "statement", "speaker": people["claudia"].pk, "text": "We adapted everything."},
    )
    statement = Item.objects.get(text="We adapted everything.")
    client.post(
        editor + f"topics/{topic.pk}/items/new/",
        {
            "kind": "statement",
            "speaker_label": "volunteer from Spain",
            "text": "Same here.",
            "parent": statement.pk,
        },
    )
    client.post(
        editor + f"topics/{topic.pk}/items/new/",
        {"kind": "question", "text": "How much support do you have?"},
    )
    client.post(
        editor + f"topics/{topic.pk}/items/new/",
        {
            "kind": "follow_up",
            "speaker": people["quim"].pk,
            "text": "will relay this message",
            "owner": people["quim"].pk,
            "due_date": "2020-07-30",
            "status": "open",
        },
    )
    question = Item.objects.get(kind="question")
    client.post(editor + f"items/{question.pk}/move/", {"direction": "up"})
    page = client.get(editor).content.decode()
    assert page.index("How much support") < page.index("We adapted everything")
    assert Item.objects.get(text="Same here.").parent == statement
    assert FollowUp.objects.get().owner == people["quim"]
    # Preview, then publish.
    assert "Claudia from Wikimedia Mexico" in client.get(editor + "preview/").content.decode()
    assert client.post(editor + "publish/")["Location"] == editor
    digest.refresh_from_db()
    assert digest.is_published
    public = client.get("/programs/wikimedia-clinics/sessions/6/digests/en/")
    assert public.status_code == 200
    assert (
        "<strong>Claudia from Wikimedia Mexico</strong>: We adapted everything."
        in public.content.decode()
    )


def test_editor_refuses_bad_input_with_a_message(client, digest, owner, people):
    client.force_login(owner)
    editor = _editor(digest)
    topic = digest.topics.get()
    cases = [
        (
            editor + "topics/new/",
            {"topic-title": "", "topic-kind": "participants"},
            "This field is required.",
        ),
        (
            editor + f"topics/{topic.pk}/items/new/",
            {
                "kind": "statement",
                "speaker": people["venezuela"].pk,
                "speaker_level": "name",
                "text": "x",
            },
            "you may lower how a person is named, never raise it.",
        ),
        (
            editor + f"topics/{topic.pk}/items/new/",
            {
                "kind": "resource",
                "resource_kind": "recording",
                "resource_url": "javascript:alert(1)",
                "resource_title": "x",
                "time_range": "5:30-6:15",
            },
            "Give a full web address starting with https:// or http://.",
        ),
        (
            editor + f"topics/{topic.pk}/items/new/",
            {
                "kind": "resource",
                "resource_kind": "recording",
                "resource_url": "https://e.org",
                "resource_title": "x",
                "time_range": "6:15-5:30",
            },
            "A time range ends after it starts, e.g. 5:30-6:15.",
        ),
        (
            editor + f"topics/{topic.pk}/items/new/",
            {
                "kind": "follow_up",
                "text": "will do",
                "owner": people["claudia"].pk,
                "status": "open",
            },
            "Select a valid choice.",
        ),
        (
            editor + "translate/",
            {"translate-language": "en"},
            "A translation is written in another language than its source.",
        ),
        (editor + "translate/", {"translate-language": "klingon!"}, "is not a language code"),
        (editor, {"staff_count": "-3"}, "Ensure this value is greater than or equal to 0."),
    ]
    for url, data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 400, (url, data)
        assert message in response.content.decode(), (url, message)
    assert (
        client.post(editor + f"topics/{topic.pk}/move/", {"direction": "sideways"}).status_code
        == 404
    )


def test_editor_publishing_an_empty_digest_says_why(client, held, owner):
    client.force_login(owner)
    digest = services.create_digest(session=held, language="en")
    response = client.post(_editor(digest) + "publish/", follow=True)
    assert response.status_code == 200
    assert "There is nothing to publish yet" in response.content.decode()
    digest.refresh_from_db()
    assert digest.status == "draft"


def test_editor_translation_cycle_is_refused_with_a_message(client, digest, owner):
    client.force_login(owner)
    spanish = services.start_translation(source=digest, language="es")
    response = client.post(_editor(digest) + "link/", {"link-source": str(spanish.pk)})
    assert response.status_code == 400
    assert "a version cannot translate its own translation" in response.content.decode()


def test_editor_translation_flow_marks_outdated_items(client, digest, owner):
    client.force_login(owner)
    response = client.post(_editor(digest) + "translate/", {"translate-language": "es"})
    spanish = Digest.objects.get(language="es")
    assert response["Location"] == _editor(spanish)
    copy = Item.objects.get(topic__digest=spanish, kind="question")
    page = client.get(_editor(spanish)).content.decode()
    assert page.count('class="state untranslated"') == 6
    client.post(_editor(spanish) + f"items/{copy.pk}/", {"text": "¿Cuánto apoyo tienen?"})
    source = Item.objects.get(pk=copy.source_id)
    client.post(
        _editor(digest) + f"items/{source.pk}/",
        {"kind": "question", "text": "How much support do you have now?"},
    )
    page = client.get(_editor(spanish)).content.decode()
    assert page.count('class="state outdated"') == 1
    assert "Still up to date" in page


def test_import_page_checks_then_imports(client, held, owner, people):
    client.force_login(owner)
    url = reverse("digests:import", kwargs={"slug": "wikimedia-clinics"})
    check = client.post(url, {"text": SEED_002, "source_format": "auto", "check": "1"})
    assert check.status_code == 200
    page = check.content.decode()
    assert "The en digest of #006: 3 topic(s), 43 item(s)." in page
    assert "will relay this message to the relevant person at the Foundation." in page
    assert Digest.objects.count() == 0  # checking saves nothing
    done = client.post(
        url, {"text": SEED_002, "source_format": "auto", "confirm": ["1"], "import": "1"}
    )
    digest = Digest.objects.get()
    assert done["Location"] == _editor(digest)
    assert FollowUp.objects.get().owner == people["quim"]


def test_import_page_reports_a_text_that_is_not_a_digest(client, held, owner):
    client.force_login(owner)
    url = reverse("digests:import", kwargs={"slug": "wikimedia-clinics"})
    response = client.post(url, {"text": "Dear all,\nsee you on Tuesday.", "import": "1"})
    assert response.status_code == 400
    assert "this is not a digest: it has no topics" in response.content.decode()
    assert Digest.objects.count() == 0
    empty = client.post(url, {"text": "", "check": "1"})
    assert empty.status_code == 400
    assert "Paste a digest or choose a file." in empty.content.decode()


def test_follow_up_page_saves_status_and_reminder_address(client, digest, owner, people):
    client.force_login(owner)
    follow_up = FollowUp.objects.get()
    url = reverse(
        "digests:follow-up-edit", kwargs={"slug": "wikimedia-clinics", "follow_up_id": follow_up.pk}
    )
    refused = client.post(url, {"owner": people["quim"].pk, "status": "done", "resolution": ""})
    assert refused.status_code == 400
    assert "Say how it was resolved, or why it was dropped." in refused.content.decode()
    saved = client.post(
        url,
        {"owner": people["quim"].pk, "status": "done", "resolution": "Relayed to the grants team."},
    )
    assert saved.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.resolution) == ("done", "Relayed to the grants team.")
    client.post(url + "reminders/", {"contact-email": "quim@example.org"})
    assert people["quim"].follow_up_contact.email == "quim@example.org"


# --- Query counts at 1 and 3 items --------------------------------------------------------------


def _queries(client, path: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200, path
    return len(captured)


def _grow_digest(digest, people, count):
    topic = digest.topics.get()
    for index in range(count):
        services.add_item(topic=topic, speaker=people["sele"], text=f"Point {index}")


def test_editor_page_query_count_same_at_1_and_3(client, digest, owner, people):
    client.force_login(owner)
    _grow_digest(digest, people, 1)
    one = _queries(client, _editor(digest))
    _grow_digest(digest, people, 2)
    services.add_topic(digest=digest, title="Another")
    assert _queries(client, _editor(digest)) == one


def test_follow_ups_page_query_count_same_at_1_and_3(client, digest, owner, people):
    client.force_login(owner)
    url = reverse("digests:follow-ups", kwargs={"slug": "wikimedia-clinics"})
    one = _queries(client, url)
    everywhere = _queries(client, "/manage/follow-ups/")
    topic = digest.topics.get()
    for owner_person in (people["sele"], people["quim"]):
        services.add_item(
            topic=topic,
            kind="follow_up",
            text="more",
            follow_up={
                "owner": owner_person,
                "due_date": dt.date(2020, 8, 1),
                "status": "open",
                "resolution": "",
                "requester": people["claudia"],
                "requester_label": "",
                "requester_level": "",
            },
        )
    assert _queries(client, url) == one
    # Across the user's programs too.
    assert _queries(client, "/manage/follow-ups/") == everywhere


def test_program_and_session_digest_pages_query_count_same_at_1_and_3(
    client, digest, owner, program
):
    client.force_login(owner)
    program_url = reverse("digests:program-digests", kwargs={"slug": program.slug})
    session_url = reverse("digests:session-digests", kwargs={"slug": program.slug, "number": 6})
    one = (_queries(client, program_url), _queries(client, session_url))
    services.start_translation(source=digest, language="es")
    services.start_translation(source=digest, language="fr")
    services.add_resource(session=digest.session, kind="slides", url="https://e.org/1", title="A")
    services.add_resource(session=digest.session, kind="slides", url="https://e.org/2", title="B")
    services.create_digest(
        session=make_session(program, 7, start_date=dt.date(2020, 8, 5)), language="en"
    )
    assert (_queries(client, program_url), _queries(client, session_url)) == one
    assert Resource.objects.count() == 2
