"""Scheduling, editing and cancelling a session from the organizer pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clinicdesk.lib.tz import Fold
from clinicdesk.scheduling import services
from clinicdesk.scheduling.models import ClinicSession, Person
from tests.conftest import make_session

UTC = dt.UTC


def session_data(**overrides: str) -> dict[str, str]:
    data = {
        "number": "",
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
    data.update(overrides)
    return data


@pytest.fixture
def create_url(program) -> str:
    return reverse("manage:session-create", kwargs={"slug": program.slug})


def edit_url(session: ClinicSession) -> str:
    return reverse(
        "manage:session", kwargs={"slug": session.program.slug, "number": session.number}
    )


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


# --- Creating -----------------------------------------------------------------------------------


def test_session_create_form_starts_from_the_program_defaults(signed_in, program, create_url):
    response = signed_in.get(create_url)

    assert response.status_code == 200
    assert response.context["next_number"] == 1
    assert response.context["form"].initial == {
        "kind": "clinic",
        "status": "planned",
        "time_zone": "UTC",
        "duration_minutes": 90,
        "spoken_languages": ["en"],
    }
    assert 'name="spoken_languages" value="en"' in response.content.decode()


def test_session_create_takes_the_next_free_number(signed_in, program, create_url):
    make_session(program, 9)

    response = signed_in.post(
        create_url,
        session_data(
            title="Abstract Wikipedia",
            start_date="2030-06-17",
            start_time="19:30",
            time_zone="Europe/Madrid",
            spoken_languages="es, en",
            interpretation_languages="ar fr",
            meeting_url="https://meet.example.org/clinic",
            duration_minutes="75",
        ),
    )

    session = ClinicSession.objects.get(number=10)
    assert (response.status_code, response["Location"]) == (302, edit_url(session))
    assert session.title == "Abstract Wikipedia"
    assert (session.start_date, session.start_time, session.time_zone) == (
        dt.date(2030, 6, 17),
        dt.time(19, 30),
        "Europe/Madrid",
    )
    assert session.starts_at == dt.datetime(2030, 6, 17, 17, 30, tzinfo=UTC)
    assert session.spoken_languages == ["es", "en"]
    assert session.interpretation_languages == ["ar", "fr"]
    assert session.meeting_url == "https://meet.example.org/clinic"
    assert session.duration_minutes == 75


def test_session_create_with_a_chosen_number(signed_in, program, create_url):
    signed_in.post(create_url, session_data(number="10"))

    assert list(ClinicSession.objects.values_list("number", flat=True)) == [10]


def test_session_create_without_date_is_to_be_discussed(signed_in, program, create_url):
    response = signed_in.post(create_url, session_data(start_date="", start_time=""))

    session = ClinicSession.objects.get()
    assert response.status_code == 302
    assert (session.start_date, session.start_time, session.starts_at) == (None, None, None)


def test_session_create_time_without_date_is_refused(signed_in, program, create_url):
    response = signed_in.post(create_url, session_data(start_date="", start_time="13:00"))

    assert response.status_code == 400
    assert response.context["form"].errors == {"start_date": ["A time of day needs a date."]}
    assert ClinicSession.objects.count() == 0


def test_session_create_time_in_a_dst_gap_is_refused(signed_in, program, create_url):
    response = signed_in.post(
        create_url,
        session_data(start_date="2030-03-31", start_time="02:30", time_zone="Europe/Madrid"),
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "start_time": [
            "2:30\u202fAM on Sunday, March 31, 2030 does not exist in Europe/Madrid: the clocks "
            "skip that hour for daylight saving."
        ]
    }
    assert ClinicSession.objects.count() == 0
    page = response.content.decode()
    assert 'name="start_date" value="2030-03-31"' in page
    assert 'name="start_time" value="02:30"' in page
    assert 'name="time_zone" value="Europe/Madrid"' in page


def test_session_create_time_in_a_fold_needs_the_choice(signed_in, program, create_url):
    response = signed_in.post(
        create_url,
        session_data(start_date="2030-10-27", start_time="02:30", time_zone="Europe/Madrid"),
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "start_time": [
            "2:30\u202fAM on Sunday, October 27, 2030 happens twice in Europe/Madrid when "
            "daylight saving ends: say whether you mean the first or the second time."
        ]
    }
    assert ClinicSession.objects.count() == 0


@pytest.mark.parametrize(
    ("fold", "instant"),
    [
        ("0", dt.datetime(2030, 10, 27, 0, 30, tzinfo=UTC)),  # still summer time, UTC+2
        ("1", dt.datetime(2030, 10, 27, 1, 30, tzinfo=UTC)),  # winter time again, UTC+1
    ],
)
def test_session_create_time_in_a_fold_with_the_choice_is_saved(
    signed_in, program, create_url, fold, instant
):
    response = signed_in.post(
        create_url,
        session_data(
            start_date="2030-10-27", start_time="02:30", time_zone="Europe/Madrid", fold=fold
        ),
    )

    session = ClinicSession.objects.get()
    assert response.status_code == 302
    assert (session.start_time, session.starts_at) == (dt.time(2, 30), instant)


def test_session_create_duplicate_number_is_refused(signed_in, program, create_url):
    make_session(program, 1, title="First")

    response = signed_in.post(create_url, session_data(number="1", title="Second"))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "number": ["Wikimedia Clinics already has a session #001."]
    }
    assert list(ClinicSession.objects.values_list("number", "title")) == [(1, "First")]


def test_session_create_huge_number_is_refused(signed_in, program, create_url):
    response = signed_in.post(create_url, session_data(number="99999999999"))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "number": ["Ensure this value is less than or equal to 99999."]
    }
    assert ClinicSession.objects.count() == 0


def test_session_create_unknown_zone_is_refused(signed_in, program, create_url):
    response = signed_in.post(create_url, session_data(time_zone="Mars/Olympus_Mons"))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "time_zone": ["“Mars/Olympus_Mons” is not a known time zone (for example Europe/Madrid)."]
    }
    assert 'value="Mars/Olympus_Mons"' in response.content.decode()
    assert ClinicSession.objects.count() == 0


def test_session_create_unknown_language_is_refused(signed_in, program, create_url):
    response = signed_in.post(create_url, session_data(spoken_languages="en, klingonese"))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "spoken_languages": ["“klingonese” is not a language code (for example en, es, ar)."]
    }


def test_session_create_page_offers_zone_names_without_requiring_them(
    signed_in, program, create_url
):
    page = signed_in.get(create_url).content.decode()

    # A plain text input: the suggestions help, typing any IANA name works without them.
    assert '<input type="text" name="time_zone" value="UTC" list="zone-names"' in page
    assert '<datalist id="zone-names"><option value="UTC"><option value="Africa/Abidjan">' in page
    assert '<option value="America/Mexico_City">' in page


# --- Editing ------------------------------------------------------------------------------------


def test_session_edit_form_shows_the_saved_values(signed_in, program):
    session = make_session(
        program, 3, start_time=dt.time(19, 30), time_zone="Europe/Madrid", spoken_languages=["es"]
    )

    response = signed_in.get(edit_url(session))

    form = response.context["form"]
    assert response.status_code == 200
    assert (form.initial["number"], form.initial["time_zone"], form.initial["fold"]) == (
        3,
        "Europe/Madrid",
        None,
    )
    page = response.content.decode()
    assert 'name="start_time" value="19:30"' in page
    assert 'name="spoken_languages" value="es"' in page


def test_session_edit_form_remembers_which_reading_of_a_fold(signed_in, program):
    session = make_session(
        program,
        1,
        start_date=dt.date(2030, 10, 27),
        start_time=dt.time(2, 30),
        time_zone="Europe/Madrid",
        fold=Fold.SECOND,
    )

    response = signed_in.get(edit_url(session))

    assert response.context["form"].initial["fold"] == Fold.SECOND
    assert 'value="1" id="id_fold_2" checked' in response.content.decode()


def test_session_edit_switching_the_reading_of_a_fold_moves_the_start(signed_in, program):
    session = make_session(
        program,
        1,
        start_date=dt.date(2030, 10, 27),
        start_time=dt.time(2, 30),
        time_zone="Europe/Madrid",
        fold=Fold.FIRST,
    )

    response = signed_in.post(
        edit_url(session),
        session_data(
            number="1",
            start_date="2030-10-27",
            start_time="02:30",
            time_zone="Europe/Madrid",
            fold="1",
        ),
    )

    session.refresh_from_db()
    assert response.status_code == 302
    assert session.starts_at == dt.datetime(2030, 10, 27, 1, 30, tzinfo=UTC)
    assert session.sequence == 1


def test_session_edit_saves_and_moves_the_calendar_sequence(signed_in, program):
    session = make_session(program, 1)

    response = signed_in.post(
        edit_url(session),
        session_data(number="1", start_time="15:00", time_zone="America/Mexico_City"),
    )

    session.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, edit_url(session))
    assert session.starts_at == dt.datetime(2030, 6, 17, 21, 0, tzinfo=UTC)
    assert session.sequence == 1


def test_session_edit_renumbering_redirects_to_the_new_number(signed_in, program):
    session = make_session(program, 1)

    response = signed_in.post(edit_url(session), session_data(number="7"))

    session.refresh_from_db()
    assert session.number == 7
    assert response["Location"] == "/manage/programs/wikimedia-clinics/sessions/7/"


def test_session_edit_duplicate_number_is_refused_and_nothing_changes(signed_in, program):
    make_session(program, 1)
    second = make_session(program, 2, title="Second")

    response = signed_in.post(edit_url(second), session_data(number="1", title="Renamed"))

    second.refresh_from_db()
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "number": ["Wikimedia Clinics already has a session #001."]
    }
    assert (second.number, second.title, second.sequence) == (2, "Second", 0)
    assert 'name="title" value="Renamed"' in response.content.decode()


def test_session_edit_time_in_a_dst_gap_is_refused_and_the_page_shows_the_saved_session(
    signed_in, program
):
    session = make_session(program, 1, title="Saved title")

    response = signed_in.post(
        edit_url(session),
        session_data(
            number="1",
            title="Typed title",
            start_date="2030-03-31",
            start_time="02:30",
            time_zone="Europe/Madrid",
        ),
    )

    session.refresh_from_db()
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["start_time"]
    assert response.context["session"].title == "Saved title"
    assert (session.title, session.start_date, session.sequence) == (
        "Saved title",
        dt.date(2030, 6, 17),
        0,
    )


def test_session_edit_shorter_than_its_segments_is_refused(signed_in, program):
    session = make_session(program, 1)
    services.add_segment(
        session=session, title="Abstract Wikipedia", start_offset_minutes=50, duration_minutes=30
    )

    response = signed_in.post(edit_url(session), session_data(number="1", duration_minutes="60"))

    session.refresh_from_db()
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "duration_minutes": [
            "“Abstract Wikipedia” ends 80 minutes after the start, past the end of the "
            "60-minute session."
        ]
    }
    assert session.duration_minutes == 90


def test_session_edit_shows_the_staffing_warning(signed_in, program, staff_people):
    session = make_session(program, 1, hosts=staff_people[:1])

    page = signed_in.get(edit_url(session)).content.decode()

    assert (
        '<p class="warning">Only 1 staff host: every call needs at least two staff members.</p>'
        in page
    )


# --- Cancelling ---------------------------------------------------------------------------------


def cancel_url(session: ClinicSession) -> str:
    return reverse(
        "manage:session-cancel", kwargs={"slug": session.program.slug, "number": session.number}
    )


def test_session_cancel_asks_for_confirmation(signed_in, program):
    session = make_session(program, 1)

    response = signed_in.get(cancel_url(session))

    session.refresh_from_db()
    assert response.status_code == 200
    assert "Yes, cancel this session" in response.content.decode()
    assert session.status == ClinicSession.Status.PLANNED


def test_session_cancel_marks_it_cancelled_and_moves_the_sequence(signed_in, program):
    session = make_session(program, 1)

    response = signed_in.post(cancel_url(session))

    session.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, edit_url(session))
    assert (session.status, session.sequence) == (ClinicSession.Status.CANCELLED, 1)


def test_session_cancel_twice_changes_nothing_more(signed_in, program):
    session = make_session(program, 1)
    signed_in.post(cancel_url(session))

    response = signed_in.post(cancel_url(session))

    session.refresh_from_db()
    assert response.status_code == 302
    assert (session.status, session.sequence) == (ClinicSession.Status.CANCELLED, 1)


def test_session_cancel_of_a_held_session_is_refused(signed_in, program):
    session = make_session(program, 1, status=ClinicSession.Status.HELD)

    response = signed_in.post(cancel_url(session))

    session.refresh_from_db()
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "A session that was held cannot be cancelled."
    ]
    assert (session.status, session.sequence) == (ClinicSession.Status.HELD, 0)


def test_session_pages_never_fail_on_nonsense_input(signed_in, program, create_url):
    session = make_session(program, 1)
    nonsense = session_data(
        number="-4",
        kind="party",
        start_date="2030-02-31",
        start_time="25:99",
        fold="7",
        duration_minutes="0",
        meeting_url="not a link",
        status="maybe",
    )

    created = signed_in.post(create_url, nonsense)
    edited = signed_in.post(edit_url(session), nonsense)

    assert (created.status_code, edited.status_code) == (400, 400)
    assert sorted(created.context["form"].errors) == [
        "duration_minutes",
        "fold",
        "kind",
        "meeting_url",
        "number",
        "start_date",
        "start_time",
        "status",
    ]
    assert Person.objects.count() == 0
