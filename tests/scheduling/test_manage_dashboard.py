"""The program dashboard: its sessions with start, status, hosts and the staffing warning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clinicdesk.scheduling import services
from clinicdesk.scheduling.models import ClinicSession, Person
from tests.conftest import make_session

WARNING = "Only 1 staff host: every call needs at least two staff members."


@pytest.fixture
def dashboard_url(program) -> str:
    return reverse("manage:program", kwargs={"slug": program.slug})


def test_dashboard_lists_sessions_in_their_own_zone(client, owner, program, dashboard_url):
    make_session(program, 1, start_time=dt.time(19, 30), time_zone="Europe/Madrid")
    make_session(program, 2, start_date=None, start_time=None)
    client.force_login(owner)

    response = client.get(dashboard_url)

    page = response.content.decode()
    assert [row.session.number for row in response.context["upcoming"]] == [1, 2]
    assert (
        '<time datetime="2030-06-17T17:30:00Z">Monday, June 17, 2030, 7:30\u202fPM '
        '<span class="zone">(UTC+2, Madrid)</span></time><br><span class="zone">Europe/Madrid'
        "</span>" in page
    )
    assert '<span class="muted">date to be discussed</span>' in page
    assert '<span class="badge">planned</span>' in page


def test_dashboard_puts_past_sessions_apart_newest_first(client, owner, program, dashboard_url):
    make_session(program, 1, start_date=dt.date(2020, 6, 15))
    make_session(program, 2, start_date=dt.date(2020, 6, 17))
    make_session(program, 3)
    client.force_login(owner)

    response = client.get(dashboard_url)

    assert [row.session.number for row in response.context["upcoming"]] == [3]
    assert [row.session.number for row in response.context["past"]] == [2, 1]


def test_dashboard_staffing_warning_shows_with_one_staff_host_and_goes_with_two(
    client, owner, program, staff_people, dashboard_url
):
    volunteer = services.create_person(name="Claudia", affiliation="Wikimedia Mexico")
    session = make_session(program, 1, hosts=[staff_people[0], volunteer])
    client.force_login(owner)

    before = client.get(dashboard_url)
    services.set_hosts(session=session, hosts=staff_people)
    after = client.get(dashboard_url)

    assert before.context["upcoming"][0].staffing_warning == WARNING
    assert WARNING in before.content.decode()
    assert ">2 hosts</a>" in before.content.decode()
    assert after.context["upcoming"][0].staffing_warning is None
    assert WARNING not in after.content.decode()


def test_dashboard_cancelled_session_is_marked(client, owner, program, dashboard_url):
    services.cancel_session(session=make_session(program, 1))
    client.force_login(owner)

    page = client.get(dashboard_url).content.decode()

    assert '<span class="badge cancelled">cancelled</span>' in page


def _sessions_with_hosts_and_segments(program, count: int) -> None:
    staff = services.create_person(name="Quim", role=Person.Role.STAFF, organization="WMF")
    volunteer = services.create_person(name="Claudia")
    for number in range(1, count + 1):
        session = make_session(program, number, hosts=[staff, volunteer])
        services.add_segment(session=session, title=f"Topic {number}", duration_minutes=20)


# The user and the Django session (2), the program and its organizer check (2), the rotation
# (1), then the sessions with their program, their segments and their hosts (3).
DASHBOARD_QUERIES = 8


@pytest.mark.parametrize("count", [1, 3])
def test_dashboard_query_count_does_not_grow_with_sessions(
    client, owner, program, dashboard_url, django_assert_num_queries, count
):
    _sessions_with_hosts_and_segments(program, count)
    client.force_login(owner)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(dashboard_url)

    assert len(response.context["upcoming"]) == count
    assert ClinicSession.objects.count() == count
