"""Choosing a session's hosts and adding people, with the two-staff check."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clinicdesk.scheduling.models import Person
from tests.conftest import make_session

WARNING = "Only 1 staff host: every call needs at least two staff members."
NO_STAFF = "Only 0 staff hosts: every call needs at least two staff members."


@pytest.fixture
def session(program):
    return make_session(program, 1)


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def url(name: str, session) -> str:
    return reverse(name, kwargs={"slug": session.program.slug, "number": session.number})


def test_hosts_page_offers_every_person_as_a_checkbox(signed_in, session, staff_people):
    response = signed_in.get(url("manage:session-hosts", session))

    page = response.content.decode()
    assert response.status_code == 200
    assert f'type="checkbox" name="hosts" value="{staff_people[0].pk}"' in page
    assert "Quim (WMF) — staff</label>" in page
    assert NO_STAFF in page


def test_hosts_staffing_warning_with_one_staff_host_and_gone_with_two(
    signed_in, session, staff_people
):
    quim, sele = staff_people

    one = signed_in.post(url("manage:session-hosts", session), {"hosts": [quim.pk]})
    with_one = signed_in.get(url("manage:session", session)).content.decode()
    two = signed_in.post(url("manage:session-hosts", session), {"hosts": [quim.pk, sele.pk]})
    with_two = signed_in.get(url("manage:session", session)).content.decode()

    assert (one.status_code, one["Location"]) == (302, url("manage:session", session))
    assert f'<p class="warning">{WARNING}</p>' in with_one
    assert two.status_code == 302
    assert list(session.hosts.order_by("name").values_list("name", flat=True)) == ["Quim", "Sele"]
    assert "every call needs at least two staff members." not in with_two


def test_hosts_page_shows_the_current_hosts_ticked(signed_in, session, staff_people):
    session.hosts.set(staff_people[:1])

    response = signed_in.get(url("manage:session-hosts", session))

    assert f'value="{staff_people[0].pk}" id="id_hosts_0" checked' in response.content.decode()
    assert WARNING in response.content.decode()


def test_hosts_unknown_person_is_refused(signed_in, session, staff_people):
    response = signed_in.post(url("manage:session-hosts", session), {"hosts": ["99999"]})

    assert response.status_code == 400
    assert response.context["hosts_form"].errors == {
        "hosts": ["Select a valid choice. 99999 is not one of the available choices."]
    }
    assert session.hosts.count() == 0


def test_person_create_adds_a_person_to_choose_from(signed_in, session):
    response = signed_in.post(
        url("manage:person-create", session),
        {
            "person-name": " Claudia ",
            "person-affiliation": "Wikimedia Mexico",
            "person-organization": "",
            "person-role": "volunteer",
        },
    )

    person = Person.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        url("manage:session-hosts", session),
    )
    assert (person.name, person.affiliation, person.role) == (
        "Claudia",
        "Wikimedia Mexico",
        "volunteer",
    )
    assert session.hosts.count() == 0


def test_person_create_without_name_is_refused(signed_in, session):
    response = signed_in.post(
        url("manage:person-create", session),
        {"person-name": "", "person-affiliation": "WMF", "person-role": "staff"},
    )

    assert response.status_code == 400
    assert response.context["person_form"].errors == {"name": ["This field is required."]}
    assert 'name="person-affiliation" value="WMF"' in response.content.decode()
    assert Person.objects.count() == 0
