"""Every organizer page with the three personas and an anonymous visitor, GET and POST."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from clinicdesk.scheduling import services
from clinicdesk.scheduling.models import ClinicSession, Program, Segment
from tests.conftest import make_session

SESSION_FIELDS = {
    "title": "",
    "kind": "clinic",
    "start_date": "2030-06-17",
    "start_time": "13:00",
    "time_zone": "UTC",
    "fold": "",
    "duration_minutes": "90",
    "spoken_languages": "en",
    "interpretation_languages": "",
    "meeting_url": "",
    "status": "planned",
}
PROGRAM_FIELDS = {
    "name": "Wikimedia Clinics",
    "slug": "wikimedia-clinics",
    "purpose": "",
    "conduct": "",
    "default_languages": "en",
    "community_zones": "Europe/Madrid",
    "wiki_page_prefix": "",
    "session_title_pattern": "{program} #{number}",
    "default_duration_minutes": "90",
    "cadence_days": "7",
}
ROTATION_FIELDS = {
    "rotation-TOTAL_FORMS": "1",
    "rotation-INITIAL_FORMS": "0",
    "rotation-0-weekday": "0",
    "rotation-0-local_time": "17:30",
    "rotation-0-time_zone": "UTC",
}
SEGMENT_FIELDS = {
    "title": "Abstract Wikipedia",
    "presenter": "Denny",
    "start_offset_minutes": "0",
    "duration_minutes": "30",
    "notes": "",
}

# (url name, needs a session, needs a segment, owner's GET status, valid POST, owner's POST status)
PAGES: list[tuple[str, bool, bool, int, dict[str, Any] | None, int]] = [
    ("manage:program", False, False, 200, None, 405),
    ("manage:program-edit", False, False, 200, PROGRAM_FIELDS, 302),
    ("manage:rotation", False, False, 302, ROTATION_FIELDS, 302),
    ("manage:session-create", False, False, 200, {**SESSION_FIELDS, "number": ""}, 302),
    ("manage:session", True, False, 200, {**SESSION_FIELDS, "number": "1"}, 302),
    ("manage:session-hosts", True, False, 200, {}, 302),
    ("manage:person-create", True, False, 302, {"person-name": "Ana", "person-role": "staff"}, 302),
    ("manage:segment-create", True, False, 200, SEGMENT_FIELDS, 302),
    ("manage:segment-edit", True, True, 200, SEGMENT_FIELDS, 302),
    ("manage:segment-delete", True, True, 200, {}, 302),
    (
        "manage:session-repeat",
        True,
        False,
        200,
        {"count": "2", "slots": "Monday 17:30 UTC", "min_gap_days": "7"},
        200,
    ),
    ("manage:session-cancel", True, False, 200, {}, 302),
]
PAGE_IDS = [page[0] for page in PAGES]


def prepare(program: Program, name: str, needs_session: bool, needs_segment: bool) -> str:
    """Creates the session and segment a page needs; returns the page's address."""
    kwargs: dict[str, Any] = {"slug": program.slug}
    if needs_session:
        session = make_session(program, 1)
        kwargs["number"] = 1
        if needs_segment:
            segment = services.add_segment(session=session, title="Welcome", duration_minutes=10)
            kwargs["segment_id"] = segment.pk
    return reverse(name, kwargs=kwargs)


def login_redirect(url: str) -> str:
    return f"{reverse('login')}?next={quote(url)}"


@pytest.mark.parametrize(
    ("name", "needs_session", "needs_segment", "get_status", "payload", "post_status"),
    PAGES,
    ids=PAGE_IDS,
)
def test_organizer_page_owner_may_use_it(
    client, owner, program, name, needs_session, needs_segment, get_status, payload, post_status
):
    url = prepare(program, name, needs_session, needs_segment)
    client.force_login(owner)

    assert client.get(url).status_code == get_status
    assert client.post(url, payload or {}).status_code == post_status


@pytest.mark.parametrize("persona", ["member", "outsider"])
@pytest.mark.parametrize(
    ("name", "needs_session", "needs_segment", "get_status", "payload", "post_status"),
    PAGES,
    ids=PAGE_IDS,
)
def test_organizer_page_others_are_forbidden(
    client,
    request,
    program,
    persona,
    name,
    needs_session,
    needs_segment,
    get_status,
    payload,
    post_status,
):
    url = prepare(program, name, needs_session, needs_segment)
    client.force_login(request.getfixturevalue(persona))
    sessions_before = list(ClinicSession.objects.values_list("number", "status", "sequence"))

    assert client.get(url).status_code == 403
    # A page that only shows refuses every POST, before it looks at who asks.
    assert client.post(url, payload or {}).status_code == (403 if post_status != 405 else 405)
    assert list(ClinicSession.objects.values_list("number", "status", "sequence")) == (
        sessions_before
    )
    assert Program.objects.get(slug="wikimedia-clinics").rotation.count() == 0


@pytest.mark.parametrize(
    ("name", "needs_session", "needs_segment", "get_status", "payload", "post_status"),
    PAGES,
    ids=PAGE_IDS,
)
def test_organizer_page_anonymous_is_sent_to_login(
    client, program, name, needs_session, needs_segment, get_status, payload, post_status
):
    url = prepare(program, name, needs_session, needs_segment)

    get = client.get(url)
    post = client.post(url, payload or {})

    assert (get.status_code, get["Location"]) == (302, login_redirect(url))
    assert (post.status_code, post["Location"]) == (302, login_redirect(url))


@pytest.mark.parametrize(
    ("name", "needs_session", "needs_segment", "get_status", "payload", "post_status"),
    PAGES,
    ids=PAGE_IDS,
)
def test_organizer_page_unknown_slug_is_not_found(
    client, owner, program, name, needs_session, needs_segment, get_status, payload, post_status
):
    kwargs: dict[str, Any] = {"slug": "no-such-program"}
    if needs_session:
        kwargs["number"] = 1
    if needs_segment:
        kwargs["segment_id"] = 1
    url = reverse(name, kwargs=kwargs)
    client.force_login(owner)

    assert client.get(url).status_code == 404
    assert client.post(url, payload or {}).status_code == (404 if post_status != 405 else 405)


@pytest.mark.parametrize(
    ("name", "needs_segment"),
    [
        ("manage:session", False),
        ("manage:session-hosts", False),
        ("manage:session-repeat", False),
        ("manage:session-cancel", False),
        ("manage:segment-edit", True),
        ("manage:segment-delete", True),
    ],
)
def test_organizer_page_unknown_number_is_not_found(client, owner, program, name, needs_segment):
    make_session(program, 1)
    kwargs: dict[str, Any] = {"slug": program.slug, "number": 2}
    if needs_segment:
        kwargs["segment_id"] = 1
    client.force_login(owner)

    assert client.get(reverse(name, kwargs=kwargs)).status_code == 404


@pytest.mark.parametrize("name", ["manage:segment-edit", "manage:segment-delete"])
def test_segment_page_segment_of_another_session_is_not_found(client, owner, program, name):
    make_session(program, 1)
    other = make_session(program, 2)
    foreign = services.add_segment(session=other, title="Elsewhere", duration_minutes=10)
    client.force_login(owner)
    url = reverse(name, kwargs={"slug": program.slug, "number": 1, "segment_id": foreign.pk})

    assert client.get(url).status_code == 404
    assert client.post(url, SEGMENT_FIELDS).status_code == 404
    assert Segment.objects.get(pk=foreign.pk).title == "Elsewhere"


def test_home_lists_only_the_programs_the_user_organizes(client, owner, member):
    client.force_login(member)

    response = client.get(reverse("manage:home"))

    assert response.status_code == 200
    assert [p.slug for p in response.context["programs"]] == ["lets-connect"]
    assert response.context["can_create_programs"] is False
    assert reverse("manage:program-create") not in response.content.decode()


def test_home_anonymous_is_sent_to_login(client, db):
    url = reverse("manage:home")

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, login_redirect(url))


@pytest.fixture
def creator(db) -> User:
    """May create programs, through the model permission."""
    user = User.objects.create_user("creator", password="creator-pass-123")
    user.user_permissions.add(Permission.objects.get(codename="add_program"))
    return user


def test_program_create_page_needs_the_add_program_permission(
    client, creator, owner, member, outsider
):
    url = reverse("manage:program-create")
    payload = {**PROGRAM_FIELDS, "slug": "lets-learn", "name": "Let's learn"}

    for persona in (owner, member, outsider):
        client.force_login(persona)
        assert (client.get(url).status_code, client.post(url, payload).status_code) == (403, 403)
    client.force_login(creator)
    get = client.get(url)
    post = client.post(url, payload)

    assert get.status_code == 200
    assert (post.status_code, post["Location"]) == (
        302,
        reverse("manage:program", kwargs={"slug": "lets-learn"}),
    )
    assert list(Program.objects.get(slug="lets-learn").organizers.all()) == [creator]


def test_program_create_page_anonymous_is_sent_to_login(client, db):
    url = reverse("manage:program-create")

    assert client.get(url)["Location"] == login_redirect(url)
    assert client.post(url, PROGRAM_FIELDS)["Location"] == login_redirect(url)
    assert Program.objects.count() == 0


def test_home_shows_new_program_link_to_creators(client, creator):
    client.force_login(creator)

    response = client.get(reverse("manage:home"))

    assert response.context["can_create_programs"] is True
    assert reverse("manage:program-create") in response.content.decode()


def test_login_page_signs_in_and_returns_to_the_page_asked_for(client, owner):
    next_url = reverse("manage:program", kwargs={"slug": "wikimedia-clinics"})
    login_url = login_redirect(next_url)

    page = client.get(login_url)
    signed_in = client.post(
        reverse("login"),
        {"username": "owner", "password": "owner-pass-123", "next": next_url},
    )

    assert page.status_code == 200
    assert 'name="next" value="/manage/programs/wikimedia-clinics/"' in page.content.decode()
    assert (signed_in.status_code, signed_in["Location"]) == (302, next_url)


def test_login_page_wrong_password_shows_the_error(client, owner):
    response = client.post(reverse("login"), {"username": "owner", "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Please enter a correct username and password. Note that both fields may be case-sensitive."
    ]
