"""Digest services: writing, checking, publishing; attribution may be lowered, never raised."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from clinicdesk.digests import queries, services
from clinicdesk.digests.models import Digest, FollowUp, Item, Resource, SearchDocument, Topic
from clinicdesk.digests.renderers import render_text
from clinicdesk.scheduling import services as scheduling_services
from clinicdesk.scheduling.models import Program


def _messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def test_create_digest_starts_with_the_programs_preamble(held):
    digest = services.create_digest(session=held, language="en")
    [introduction] = digest.topics.all()
    assert (introduction.kind, introduction.title) == ("introduction", "Introduction")
    assert introduction.body == "Open support calls.\n\nListen with patience and respect."
    assert digest.status == "draft"


def test_create_digest_reuses_the_latest_introduction_of_the_program(held, program):
    first = services.create_digest(session=held, language="en")
    intro = first.topics.get()
    services.update_topic(topic=intro, body="### quick principles\n\n* listen")
    later = scheduling_services.schedule_session(
        program=program, number=7, start_date=dt.date(2020, 8, 5)
    )
    second = services.create_digest(session=later, language="en")
    assert second.topics.get().body == "### quick principles\n\n* listen"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("xx-nope", "“xx-nope” is not a language code (for example en, es, ar)."),
        ("", "“” is not a language code (for example en, es, ar)."),
    ],
)
def test_create_digest_refuses_a_bad_language(held, language, message):
    with pytest.raises(ValidationError) as caught:
        services.create_digest(session=held, language=language)
    assert _messages(caught.value) == {"language": [message]}


def test_create_digest_one_version_per_language(digest, held):
    with pytest.raises(ValidationError) as caught:
        services.create_digest(session=held, language="en")
    assert _messages(caught.value) == {"language": ["#006 already has a digest in English."]}


def test_update_digest_headcount_is_checked(digest):
    with pytest.raises(ValidationError) as caught:
        services.update_digest(digest=digest, staff_count=-1)
    assert _messages(caught.value) == {
        "staff_count": ["A headcount is a number from 0 to 100,000."]
    }
    services.update_digest(digest=digest, staff_count=8, lead="Except for the introduction…")
    digest.refresh_from_db()
    assert (digest.staff_count, digest.lead, digest.lead_revision) == (
        8,
        "Except for the introduction…",
        2,
    )


def test_headcount_seam_prefers_the_digests_own_figures(digest):
    assert queries.headcount(digest) == queries.Headcount(7, 10)
    services.update_digest(digest=digest, staff_count=None, volunteer_count=None)
    assert queries.headcount(digest) == queries.Headcount(None, None)


def test_add_item_checks_its_input(digest, people):
    topic = digest.topics.get()
    cases = [
        (dict(kind="nonsense"), {"kind": ["Choose what kind of item this is."]}),
        (dict(kind="question", text="  "), {"text": ["This cannot be empty."]}),
        (dict(text="x" * 20_001), {"text": ["A text has at most 20000 characters."]}),
        (
            dict(speaker=people["claudia"], speaker_label="Claudia"),
            {
                "speaker": [
                    "Choose a person or write a label, not both: a person is named as they agreed."
                ]
            },
        ),
        (
            dict(
                kind="follow_up",
                text="will do",
                follow_up={
                    "owner": people["claudia"],
                    "due_date": None,
                    "status": "open",
                    "resolution": "",
                    "requester": None,
                    "requester_label": "",
                    "requester_level": "",
                },
            ),
            {"owner": ["Claudia is not staff: a follow-up is owned by a staff member."]},
        ),
        (
            dict(
                kind="resource",
                resource={
                    "kind": "recording",
                    "url": "javascript:alert(1)",
                    "title": "x",
                    "language": "",
                    "start_seconds": None,
                    "end_seconds": None,
                },
            ),
            {"resource_url": ["Give a full web address starting with https:// or http://."]},
        ),
        (
            dict(
                kind="resource",
                resource={
                    "kind": "slides",
                    "url": "https://e.org",
                    "title": "x",
                    "language": "",
                    "start_seconds": 10,
                    "end_seconds": 20,
                },
            ),
            {"time_range": ["Only a recording has a time range."]},
        ),
    ]
    before = Item.objects.count()
    for values, expected in cases:
        with pytest.raises(ValidationError) as caught:
            services.add_item(topic=topic, **values)
        assert _messages(caught.value) == expected, values
    assert Item.objects.count() == before


def test_attribution_may_be_lowered_never_raised(digest, people):
    topic = digest.topics.get()
    rosa = people["venezuela"]  # agreed to be named by affiliation only
    with pytest.raises(ValidationError) as caught:
        services.add_item(topic=topic, speaker=rosa, speaker_level="name", text="hello")
    assert _messages(caught.value) == {
        "speaker_level": [
            "a volunteer from Wikimedia Venezuela may be named only by affiliation only: you "
            "may lower how a person is named, never raise it."
        ]
    }
    item = services.add_item(
        topic=topic, speaker=people["claudia"], speaker_level="affiliation", text="hi"
    )
    doc = queries.digest_document(digest)
    assert "a volunteer from Wikimedia Mexico: hi" in render_text(doc)
    services.update_item(item=item, speaker_level="")
    assert "Claudia from Wikimedia Mexico: hi" in render_text(queries.digest_document(digest))


def test_withdrawn_consent_changes_every_output_at_once(digest, people):
    before = render_text(queries.digest_document(digest))
    assert "Claudia from Wikimedia Mexico: We adapted" in before
    scheduling_services.set_attribution_consent(person=people["claudia"], consent="anonymous")
    after = render_text(queries.digest_document(digest))
    assert "a volunteer: We adapted" in after
    assert "Claudia" not in after


def test_move_topics_and_items_up_and_down(digest, people):
    topic = digest.topics.get()
    second = services.add_topic(digest=digest, title="Needed support")
    assert services.move_topic(topic=second, direction="up") is True
    assert [t.title for t in digest.topics.order_by("position")] == [
        "Needed support",
        "Impact of the pandemic on affiliates",
    ]
    assert services.move_topic(topic=second, direction="up") is False
    items = list(topic.items.filter(parent=None).order_by("position"))
    assert services.move_item(item=items[-1], direction="up") is True
    assert [i.kind for i in topic.items.filter(parent=None).order_by("position")] == [
        "statement",
        "question",
        "follow_up",
        "note",
    ]
    with pytest.raises(ValidationError):
        services.move_item(item=items[0], direction="sideways")


def test_delete_item_takes_its_replies_and_its_follow_up(digest):
    topic = digest.topics.get()
    follow_up_item = topic.items.get(kind="follow_up")
    statement = topic.items.get(kind="statement", parent=None)
    services.delete_item(item=follow_up_item)
    assert FollowUp.objects.count() == 0
    services.delete_item(item=statement)
    assert topic.items.count() == 2


def test_publish_refuses_an_empty_digest(held):
    digest = services.create_digest(session=held, language="en")
    with pytest.raises(ValidationError) as caught:
        services.publish_digest(digest=digest)
    assert caught.value.messages == [
        "There is nothing to publish yet: add at least one topic with a statement, a question "
        "or a note."
    ]
    assert Digest.objects.get().status == "draft"


def test_publish_indexes_records_the_archive_and_rebuilds_pages(digest, held, program):
    version = Program.objects.get(pk=program.pk).content_version
    services.publish_digest(digest=digest)
    assert Program.objects.get(pk=program.pk).content_version > version
    held.refresh_from_db()
    assert held.archive_topics == {"en": ["Impact of the pandemic on affiliates"]}
    document = SearchDocument.objects.get(digest=digest)
    assert document.title == "Wikimedia Clinics #006 · Impact of the pandemic on affiliates"
    assert "Claudia" not in document.body  # who said it is never indexed
    assert document.body.startswith("Impact of the pandemic on affiliates\nWe adapted everything")

    services.unpublish_digest(digest=digest)
    held.refresh_from_db()
    assert held.archive_topics == {}
    assert SearchDocument.objects.count() == 0


def test_editing_a_published_digest_reindexes_it(digest):
    services.publish_digest(digest=digest)
    topic = digest.topics.get()
    services.update_topic(topic=topic, title="Impact of the pandemic")
    assert SearchDocument.objects.get().title == "Wikimedia Clinics #006 · Impact of the pandemic"


def test_follow_up_done_needs_a_resolution(digest, people):
    follow_up = FollowUp.objects.get()
    with pytest.raises(ValidationError) as caught:
        services.update_follow_up(follow_up=follow_up, status="done")
    assert _messages(caught.value) == {
        "resolution": ["Say how it was resolved, or why it was dropped."]
    }
    services.update_follow_up(
        follow_up=follow_up, status="done", resolution="Sent to the grants team."
    )
    follow_up.refresh_from_db()
    assert follow_up.resolved_at is not None
    text = render_text(queries.digest_document(digest))
    assert (
        "Quim (WMF): will relay this message to the relevant person — Follow-up for a volunteer "
        "from Wikimedia Venezuela: done. Sent to the grants team." in text
    )


def test_session_resources_show_in_every_version(digest, held):
    segment = scheduling_services.add_segment(session=held, title="Abstract Wikipedia")
    services.add_resource(
        session=held,
        kind="recording",
        url="https://example.org/rec",
        title="Recording",
        segment=segment,
        start_seconds=330,
        end_seconds=375,
    )
    with pytest.raises(ValidationError) as caught:
        services.add_resource(session=held, kind="slides", url="ftp://x", title="x")
    assert _messages(caught.value) == {
        "resource_url": ["Give a full web address starting with https:// or http://."]
    }
    assert Resource.objects.count() == 1
    text = render_text(queries.digest_document(digest))
    assert (
        "  • Recording (5:30-6:15): Recording (https://example.org/rec) — Abstract Wikipedia"
        in text
    )


def test_delete_digest_only_when_unpublished(digest):
    services.publish_digest(digest=digest)
    with pytest.raises(ValidationError):
        services.delete_digest(digest=digest)
    services.unpublish_digest(digest=digest)
    services.delete_digest(digest=digest)
    assert (Digest.objects.count(), Topic.objects.count(), FollowUp.objects.count()) == (0, 0, 0)


def test_headcount_is_taken_from_the_sessions_attendance(held):
    from clinicdesk.registration import services as registration_services

    registration_services.record_headcount(session=held, staff=7, volunteers=10)
    digest = services.create_digest(session=held, language="en")
    assert (digest.staff_count, digest.volunteer_count) == (7, 10)
    # The editor may still correct it on the digest.
    services.update_digest(digest=digest, volunteer_count=11)
    assert queries.headcount(digest) == queries.Headcount(7, 11)
    assert "The call was attended by 7 staff members and 11 volunteers." in render_text(
        queries.digest_document(digest)
    )
