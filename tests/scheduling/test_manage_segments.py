"""Adding, editing and removing a session's scheduled topics."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clinicdesk.scheduling import services
from clinicdesk.scheduling.models import Segment
from tests.conftest import make_session


@pytest.fixture
def session(program):
    return make_session(program, 10, duration_minutes=90)


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def url(name: str, session, **kwargs) -> str:
    return reverse(name, kwargs={"slug": session.program.slug, "number": session.number, **kwargs})


def segment_data(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Abstract Wikipedia",
        "presenter": "Denny Vrandečić",
        "start_offset_minutes": "0",
        "duration_minutes": "30",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_segment_create_adds_it_to_the_session(signed_in, session):
    response = signed_in.post(url("manage:segment-create", session), segment_data())

    assert (response.status_code, response["Location"]) == (
        302,
        "/manage/programs/wikimedia-clinics/sessions/10/",
    )
    assert list(session.segments.values_list("title", "presenter", "duration_minutes")) == [
        ("Abstract Wikipedia", "Denny Vrandečić", 30)
    ]


def test_segment_create_past_the_end_of_the_session_is_refused(signed_in, session):
    response = signed_in.post(
        url("manage:segment-create", session),
        segment_data(start_offset_minutes="70", duration_minutes="30"),
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "duration_minutes": [
            "This segment would end 100 minutes after the start, past the end of the "
            "90-minute session."
        ]
    }
    assert 'name="start_offset_minutes" value="70"' in response.content.decode()
    assert Segment.objects.count() == 0


def test_segment_create_without_title_is_refused(signed_in, session):
    response = signed_in.post(url("manage:segment-create", session), segment_data(title=""))

    assert response.status_code == 400
    assert response.context["form"].errors == {"title": ["This field is required."]}


def test_segment_edit_saves_the_changes(signed_in, session):
    segment = services.add_segment(session=session, title="Welcome", duration_minutes=10)

    page = signed_in.get(url("manage:segment-edit", session, segment_id=segment.pk))
    response = signed_in.post(
        url("manage:segment-edit", session, segment_id=segment.pk),
        segment_data(title="Welcome and news", start_offset_minutes="5", duration_minutes="15"),
    )

    segment.refresh_from_db()
    assert 'name="title" value="Welcome"' in page.content.decode()
    assert response.status_code == 302
    assert (segment.title, segment.start_offset_minutes, segment.duration_minutes) == (
        "Welcome and news",
        5,
        15,
    )


def test_segment_edit_past_the_end_is_refused_and_nothing_changes(signed_in, session):
    segment = services.add_segment(session=session, title="Welcome", duration_minutes=10)

    response = signed_in.post(
        url("manage:segment-edit", session, segment_id=segment.pk),
        segment_data(title="Long", start_offset_minutes="60", duration_minutes="45"),
    )

    segment.refresh_from_db()
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "duration_minutes": [
            "This segment would end 105 minutes after the start, past the end of the "
            "90-minute session."
        ]
    }
    assert response.context["segment"].title == "Welcome"
    assert (segment.title, segment.duration_minutes) == ("Welcome", 10)


def test_segment_delete_asks_then_removes(signed_in, session):
    segment = services.add_segment(session=session, title="Welcome", duration_minutes=10)
    delete_url = url("manage:segment-delete", session, segment_id=segment.pk)

    asked = signed_in.get(delete_url)
    still_there = Segment.objects.filter(pk=segment.pk).exists()
    removed = signed_in.post(delete_url)

    assert asked.status_code == 200
    assert "Remove “Welcome”?" in asked.content.decode()
    assert still_there is True
    assert (removed.status_code, removed["Location"]) == (
        302,
        "/manage/programs/wikimedia-clinics/sessions/10/",
    )
    assert Segment.objects.count() == 0


def test_session_page_lists_segments_with_their_links(signed_in, session):
    segment = services.add_segment(
        session=session, title="Abstract Wikipedia", start_offset_minutes=15, duration_minutes=30
    )

    page = signed_in.get(url("manage:session", session)).content.decode()

    assert "<tr><td>+0:15</td>" in page
    assert url("manage:segment-edit", session, segment_id=segment.pk) in page
    assert url("manage:segment-delete", session, segment_id=segment.pk) in page
