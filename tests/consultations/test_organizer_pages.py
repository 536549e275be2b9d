"""Organizer pages with the three personas (and an anonymous visitor), the writes they make,
and query counts of the list pages at 1 and 3 items."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils.translation import override

from clinicdesk.consultations import services
from clinicdesk.consultations.forms import EventChoiceField
from clinicdesk.consultations.models import Consultation, Submission
from clinicdesk.scheduling.models import ClinicSession
from tests.consultations.conftest import ids, make_consultation, make_session, participant

SLUGS = {"slug": "wikimedia-clinics", "consultation": "priorities-2031"}

CONSULTATION_FIELDS = {
    "title": "Priorities 2031",
    "slug": "priorities-2031",
    "question": "Which matter most?",
    "about": "",
    "languages": "en, es",
    "method": "borda",
    "max_choices": "5",
    "suppression_threshold": "5",
    "time_zone": "Europe/Madrid",
    "submissions_opens_on": "2030-05-01",
    "submissions_opens_time": "",
    "submissions_closes_on": "2030-06-10",
    "submissions_closes_time": "18:00",
    "ranking_opens_on": "2030-06-17",
    "ranking_opens_time": "",
    "ranking_closes_on": "2030-06-18",
    "ranking_closes_time": "",
}


def _pages(consultation) -> list[tuple[str, dict[str, Any], int, dict[str, Any] | None, int]]:
    initiative = consultation.initiatives.get(code="1.1").pk
    group = consultation.groups.get(code="R1").pk
    submission = services.submit_priorities(
        consultation=consultation,
        community_id=consultation.communities.get(name="Lagos Wiki Circle").pk,
        contact_name="Ana",
        contact_email="ana@example.org",
        priorities=[services.Priority(initiative)],
    ).pk
    initiative_fields = {
        "code": "1.1",
        "group": str(group),
        "title_en": "Awareness",
        "description_en": "",
        "title_es": "",
        "description_es": "",
    }
    return [
        # (url name, extra kwargs, owner's GET status, POST data, owner's POST status)
        ("manage-list", {"consultation": None}, 200, None, 405),
        (
            "manage-create",
            {"consultation": None},
            200,
            {**CONSULTATION_FIELDS, "slug": "other"},
            302,
        ),
        ("manage", {}, 200, None, 405),
        ("manage-edit", {}, 200, CONSULTATION_FIELDS, 302),
        ("manage-window", {"which": "ranking", "edge": "closes"}, 405, {}, 302),
        ("manage-publish-early", {}, 405, {"published": "1"}, 302),
        ("manage-initiatives", {}, 200, {"language": "es", "text": "# R1 | Sostenibilidad"}, 302),
        ("manage-initiative-create", {}, 200, {**initiative_fields, "code": "3.1"}, 302),
        ("manage-initiative", {"initiative_id": initiative}, 200, initiative_fields, 302),
        ("manage-initiative-delete", {"initiative_id": initiative}, 405, {}, 302),
        ("manage-group-create", {}, 200, {"code": "R9", "name_en": "New", "name_es": ""}, 302),
        (
            "manage-group",
            {"group_id": group},
            200,
            {"code": "R1", "name_en": "S", "name_es": ""},
            302,
        ),
        ("manage-communities", {}, 200, {"text": "Kyiv Wiki Circle | UA"}, 302),
        ("manage-submissions", {}, 200, None, 405),
        ("manage-review", {"submission_id": submission}, 405, {"decision": "accept"}, 302),
        ("manage-results", {}, 200, None, 405),
        # Ranking was closed above: the results may be published (to no wiki or list yet).
        ("manage-results-publish", {}, 405, {"send_email": "1"}, 302),
    ]


def _url(name: str, extra: dict[str, Any]) -> str:
    kwargs = {**SLUGS, **extra}
    if kwargs.get("consultation") is None:
        kwargs.pop("consultation")
    return reverse(f"consultations:{name}", kwargs=kwargs)


@pytest.mark.django_db
def test_every_organizer_page_with_the_three_personas(
    client, consultation, owner, member, outsider
):
    pages = _pages(consultation)
    for name, extra, get_status, data, _post_status in pages:
        address = _url(name, extra)
        anonymous = client.get(address)
        assert anonymous.status_code == 302, name
        assert "/accounts/login/" in anonymous["Location"], name
        for persona in (member, outsider):
            client.force_login(persona)
            # A page that only takes POST says so before it looks at who asks.
            expected = 405 if get_status == 405 else 403
            assert client.get(address).status_code == expected, (name, persona)
            if data is not None:
                assert client.post(address, data).status_code == 403, (name, persona)
        client.logout()
    client.force_login(owner)
    for name, extra, get_status, data, post_status in pages:
        address = _url(name, extra)
        assert client.get(address).status_code == get_status, name
        response = client.post(address, data or {})
        assert response.status_code == post_status, (name, response.content[:2000])


@pytest.mark.django_db
def test_create_consultation_from_the_form_derives_times_and_names_the_zone(
    client, program, owner, event
):
    client.force_login(owner)

    response = client.post(
        reverse("consultations:manage-create", kwargs={"slug": program.slug}),
        {**CONSULTATION_FIELDS, "sessions": [str(event.pk)]},
    )

    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert list(consultation.sessions.all()) == [event]
    assert consultation.languages == ["en", "es"]
    # 18:00 in Madrid in June is 16:00 UTC.
    assert consultation.submissions_closes_at.isoformat() == "2030-06-10T16:00:00+00:00"
    page = client.get(response["Location"]).content.decode()
    assert "Madrid" in page
    assert "Logistics: how many interpreters to book per language" in page
    assert reverse("registration:program-needs", kwargs={"slug": program.slug}) in page


@pytest.mark.django_db
def test_a_time_in_a_gap_shows_on_the_form(client, program, owner):
    client.force_login(owner)

    response = client.post(
        reverse("consultations:manage-create", kwargs={"slug": program.slug}),
        {**CONSULTATION_FIELDS, "ranking_opens_on": "2030-03-31", "ranking_opens_time": "02:30"},
    )

    assert response.status_code == 400
    assert "does not exist in Europe/Madrid" in response.content.decode()
    assert not Consultation.objects.exists()


@pytest.mark.django_db
def test_close_ranking_now_publishes_results(client, consultation, owner):
    client.force_login(owner)

    response = client.post(
        _url("manage-window", {"which": "ranking", "edge": "closes"}), follow=True
    )

    assert "Ranking is closed: the results are published." in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.ranking_closes_at is not None


@pytest.mark.django_db
def test_review_accepts_and_declines(client, consultation, owner):
    client.force_login(owner)
    community = consultation.communities.get(name="Lagos Wiki Circle")
    made = [
        services.submit_priorities(
            consultation=consultation,
            community_id=community.pk,
            contact_name="Ana",
            contact_email="ana@example.org",
            priorities=[services.Priority(i)],
        )
        for i in ids(consultation, "1.1", "2.1")
    ]

    client.post(_url("manage-review", {"submission_id": made[0].pk}), {"decision": "accept"})
    client.post(
        _url("manage-review", {"submission_id": made[1].pk}),
        {"decision": "decline", "note": "duplicate"},
    )

    statuses = dict(Submission.objects.values_list("pk", "status"))
    assert statuses == {made[0].pk: "accepted", made[1].pk: "rejected"}
    assert Submission.objects.get(pk=made[1].pk).review_note == "duplicate"


@pytest.mark.django_db
def test_deleting_an_initiative_someone_chose_shows_why_not(client, consultation, owner):
    services.submit_ballot(
        consultation=consultation,
        participant=participant(consultation, 1),
        choices=ids(consultation, "1.1"),
    )
    client.force_login(owner)

    response = client.post(
        _url("manage-initiative-delete", {"initiative_id": ids(consultation, "2.2")[0]}),
        follow=True,
    )

    assert "can be renamed, not removed" in response.content.decode()
    assert consultation.initiatives.filter(code="2.2").exists()


@pytest.mark.django_db
def test_results_preview_shows_live_results_and_the_texts_to_publish(client, consultation, owner):
    for n in range(6):
        services.submit_ballot(
            consultation=consultation,
            participant=participant(consultation, n),
            choices=ids(consultation, "2.1"),
        )
    client.force_login(owner)

    page = client.get(_url("manage-results", {})).content.decode()

    assert "Only organizers see these results until ranking closes" in page
    assert "6 ballots so far." in page
    assert "== Results: Priorities 2031 ==" in page
    assert "{| class=&quot;wikitable sortable&quot;" in page
    assert "The first 5:" in page


# --- Query counts of the list pages -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_submission_review_list_queries_do_not_grow(
    client, consultation, owner, django_assert_num_queries, count
):
    for name in ["Lagos Wiki Circle", "Wikimedia Testland", "Wiki Women Circle"][:count]:
        services.submit_priorities(
            consultation=consultation,
            community_id=consultation.communities.get(name=name).pk,
            contact_name="Ana",
            contact_email="ana@example.org",
            priorities=[services.Priority(i) for i in ids(consultation, "1.1", "2.1")],
        )
    client.force_login(owner)

    # Session, user, program, organizer check, consultation, submissions, choices, counts.
    with django_assert_num_queries(8):
        response = client.get(_url("manage-submissions", {}))

    assert len(response.context["rows"]) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_initiatives_list_queries_do_not_grow(
    client, program, event, owner, django_assert_num_queries, count
):
    consultation = make_consultation(program, [event])
    consultation.initiatives.exclude(code__in=["1.1", "1.2", "2.1"][:count]).delete()
    client.force_login(owner)

    # Session, user, program, organizer check, consultation, groups, initiatives.
    with django_assert_num_queries(7):
        response = client.get(_url("manage-initiatives", {}))

    assert sum(len(g.initiatives) for g in response.context["groups"]) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_consultation_list_queries_do_not_grow(
    client, program, event, owner, django_assert_num_queries, count
):
    for n in range(count):
        make_consultation(program, [event], slug=f"c{n}", title=f"C{n}")
    client.force_login(owner)

    # Session, user, program, organizer check, consultations.
    with django_assert_num_queries(5):
        response = client.get(_url("manage-list", {"consultation": None}))

    assert len(response.context["consultations"]) == count


def test_event_choices_name_the_day_or_what_is_known_of_it(program, event):
    undated = dict(start_date=None, start_time=None, kind=ClinicSession.Kind.EVENT)
    make_session(program, 2, date_precision="month", start_month=dt.date(2031, 1, 1), **undated)
    make_session(program, 3, **undated)
    field = EventChoiceField(queryset=ClinicSession.objects.filter(program=program))
    with override("es"):
        labels = [label for _value, label in field.choices]
    assert labels[-3:] == [
        f"{event.label} {event.display_title} (17 jun 2030)",
        f"#002 {ClinicSession.objects.get(number=2).display_title} (enero de 2031)",
        f"#003 {ClinicSession.objects.get(number=3).display_title} (fecha por acordar)",
    ]
