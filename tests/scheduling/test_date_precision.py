"""Sessions with an unknown date: only the month known, or the date to be discussed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from clinicdesk.lib.formats import describe_month
from clinicdesk.scheduling import queries, services
from clinicdesk.scheduling.models import ClinicSession
from clinicdesk.scheduling.timetext import describe_undated
from tests.conftest import make_session
from tests.scheduling.test_manage_sessions import session_data

MONTH = ClinicSession.DatePrecision.MONTH
DISCUSSED = ClinicSession.DatePrecision.DISCUSSED


def test_describe_month_in_the_readers_language():
    assert describe_month(dt.date(2025, 1, 1), "en") == "January 2025"
    assert describe_month(dt.date(2025, 1, 1), "es") == "enero de 2025"


def test_describe_undated_says_month_or_to_be_discussed():
    assert describe_undated("month", dt.date(2025, 1, 1), "en") == "January 2025"
    assert describe_undated("discussed", None, "en") == "date to be discussed"
    assert (
        describe_undated("discussed", dt.date(2025, 2, 1), "en")
        == "February 2025, date to be discussed"
    )
    with translation.override("es"):
        assert describe_undated("discussed", None) == "fecha por acordar"
        assert describe_undated("month", dt.date(2025, 3, 1)) == "marzo de 2025"


def test_schedule_month_only_session_keeps_first_day_of_month(program):
    session = make_session(
        program, 1, start_date=None, start_time=None, date_precision=MONTH,
        start_month=dt.date(2031, 1, 17),
    )  # fmt: skip

    session.refresh_from_db()
    assert (session.start_date, session.start_month, session.date_precision) == (
        None,
        dt.date(2031, 1, 1),
        "month",
    )
    assert session.month == dt.date(2031, 1, 1)


def test_schedule_without_date_or_month_is_to_be_discussed(program):
    session = make_session(program, 1, start_date=None, start_time=None)

    assert (session.date_precision, session.start_month, session.month) == (DISCUSSED, None, None)


def test_schedule_month_only_without_month_is_refused(program):
    with pytest.raises(ValidationError) as error:
        make_session(program, 1, start_date=None, start_time=None, date_precision=MONTH)

    assert error.value.message_dict == {"start_month": ["Give the month the session is in."]}
    assert not ClinicSession.objects.exists()


def test_schedule_date_with_month_only_precision_is_refused(program):
    with pytest.raises(ValidationError) as error:
        make_session(program, 1, date_precision=MONTH, start_month=dt.date(2031, 1, 1))

    assert list(error.value.message_dict) == ["start_date"]


def test_update_session_from_month_to_date_and_back(program):
    session = make_session(
        program, 1, start_date=None, start_time=None, date_precision=MONTH,
        start_month=dt.date(2031, 1, 1),
    )  # fmt: skip
    sequence = session.sequence

    services.update_session(session=session, start_date=dt.date(2031, 1, 16))
    session.refresh_from_db()
    assert (session.start_date, session.start_month, session.date_precision) == (
        dt.date(2031, 1, 16),
        None,
        "day",
    )
    assert session.sequence == sequence + 1

    services.update_session(session=session, start_date=None, start_month=dt.date(2031, 2, 1))
    session.refresh_from_db()
    assert (session.start_date, session.start_month, session.date_precision) == (
        None,
        dt.date(2031, 2, 1),
        "month",
    )


def test_upcoming_sorts_month_only_among_its_month(program):
    now = dt.datetime(2030, 12, 1, tzinfo=dt.UTC)
    make_session(program, 1, start_date=dt.date(2031, 1, 16))
    make_session(program, 2, start_date=None, start_time=None)  # to be discussed
    make_session(
        program, 3, start_date=None, start_time=None, date_precision=MONTH,
        start_month=dt.date(2031, 1, 1),
    )  # fmt: skip
    make_session(program, 4, start_date=dt.date(2031, 3, 15))
    make_session(
        program, 5, start_date=None, start_time=None, date_precision=DISCUSSED,
        start_month=dt.date(2031, 2, 1),
    )  # fmt: skip

    schedule = queries.split_schedule(list(queries.sessions_of(program)), now)

    assert [s.number for s in schedule.upcoming] == [1, 3, 5, 4, 2]
    assert schedule.past == []


def test_month_only_session_is_past_after_its_month(program):
    session = make_session(
        program, 1, start_date=None, start_time=None, date_precision=MONTH,
        start_month=dt.date(2031, 1, 1),
    )  # fmt: skip

    assert not queries.is_past(session, dt.datetime(2031, 1, 31, 23, tzinfo=dt.UTC))
    assert queries.is_past(session, dt.datetime(2031, 2, 1, 1, tzinfo=dt.UTC))


def test_program_page_shows_the_month_and_to_be_discussed(client, program):
    make_session(
        program, 1, start_date=None, start_time=None, date_precision=MONTH,
        start_month=dt.date(2031, 1, 1),
    )  # fmt: skip
    make_session(program, 2, start_date=None, start_time=None)

    page = client.get(program.get_absolute_url()).content.decode()
    spanish = client.get("/es" + program.get_absolute_url()).content.decode()

    assert '<span class="muted">January 2031</span>' in page
    assert '<span class="muted">date to be discussed</span>' in page
    assert '<span class="muted">enero de 2031</span>' in spanish


def test_session_page_of_a_month_only_session(client, program):
    session = make_session(
        program, 1, start_date=None, start_time=None, date_precision=DISCUSSED,
        start_month=dt.date(2031, 2, 1),
    )  # fmt: skip

    page = client.get(session.get_absolute_url()).content.decode()

    assert '<p class="muted">February 2031, date to be discussed.</p>' in page


def test_session_create_form_month_only(client, owner, program):
    client.force_login(owner)
    url = reverse("manage:session-create", kwargs={"slug": program.slug})

    response = client.post(
        url,
        session_data(start_date="", start_time="", date_precision="month", start_month="2031-01"),
    )

    assert response.status_code == 302
    session = ClinicSession.objects.get()
    assert (session.start_month, session.date_precision) == (dt.date(2031, 1, 1), "month")


def test_session_create_form_bad_month_keeps_the_input(client, owner, program):
    client.force_login(owner)
    url = reverse("manage:session-create", kwargs={"slug": program.slug})

    response = client.post(
        url,
        session_data(
            title="Outages", start_date="", start_time="", date_precision="month",
            start_month="2031-13",
        ),
    )  # fmt: skip

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "start_month": ["Give the month as year and month, e.g. 2025-01."]
    }
    assert 'value="Outages"' in response.content.decode()
    assert not ClinicSession.objects.exists()


def test_session_create_form_month_only_without_month_is_refused(client, owner, program):
    client.force_login(owner)
    url = reverse("manage:session-create", kwargs={"slug": program.slug})

    response = client.post(
        url, session_data(start_date="", start_time="", date_precision="month", start_month="")
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"start_month": ["Give the month the session is in."]}


def test_api_says_month_and_precision(client, program):
    make_session(
        program, 1, start_date=None, start_time=None, date_precision=MONTH,
        start_month=dt.date(2031, 1, 1),
    )  # fmt: skip

    [row] = client.get(f"/api/programs/{program.slug}/sessions").json()

    assert (row["date"], row["date_precision"], row["month"]) == (None, "month", "2031-01")


def test_archive_table_shows_the_month_of_a_past_month_only_session(client, program):
    make_session(
        program, 1, start_date=None, start_time=None, date_precision=MONTH,
        start_month=dt.date(2024, 9, 1), status=ClinicSession.Status.HELD,
    )  # fmt: skip

    page = client.get(program.get_absolute_url()).content.decode()

    assert "<td>September 2024</td>" in page
