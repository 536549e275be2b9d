"""Creating and editing a program, and its weekly rotation, from the organizer pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.urls import reverse

from clinicdesk.scheduling import services
from clinicdesk.scheduling.cadence import WeeklySlot
from clinicdesk.scheduling.models import Program


def program_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Let's Connect learning clinics",
        "slug": "lets-connect-clinics",
        "purpose": "Peer learning.",
        "conduct": "Be kind.",
        "default_languages": "en, es ar",
        "community_zones": "America/Mexico_City\r\nAfrica/Lagos\r\n\r\nAsia/Kolkata\r\n",
        "wiki_page_prefix": "Grants:Knowledge_Sharing/Connect",
        "session_title_pattern": "Learning clinic #{number}",
        "default_duration_minutes": "75",
        "cadence_days": "14",
    }
    data.update(overrides)
    return data


@pytest.fixture
def creator(db) -> User:
    user = User.objects.create_user("creator", password="creator-pass-123")
    user.user_permissions.add(Permission.objects.get(codename="add_program"))
    return user


@pytest.fixture
def edit_url(program) -> str:
    return reverse("manage:program-edit", kwargs={"slug": program.slug})


def test_program_create_saves_every_field(client, creator):
    client.force_login(creator)

    response = client.post(reverse("manage:program-create"), program_data())

    program = Program.objects.get(slug="lets-connect-clinics")
    assert (response.status_code, response["Location"]) == (
        302,
        "/manage/programs/lets-connect-clinics/",
    )
    assert program.name == "Let's Connect learning clinics"
    assert program.default_languages == ["en", "es", "ar"]
    assert program.community_zones == ["America/Mexico_City", "Africa/Lagos", "Asia/Kolkata"]
    assert program.wiki_page_prefix == "Grants:Knowledge_Sharing/Connect"
    assert program.session_title_pattern == "Learning clinic #{number}"
    assert (program.default_duration_minutes, program.cadence_days) == (75, 14)
    assert list(program.organizers.all()) == [creator]


def test_program_create_bad_zones_are_each_named(client, creator):
    client.force_login(creator)

    response = client.post(
        reverse("manage:program-create"),
        program_data(community_zones="Europe/Madrid\nEurope/Atlantis\nMexico City"),
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "community_zones": [
            "“Europe/Atlantis” is not a known time zone (for example Europe/Madrid).",
            "“Mexico City” is not a known time zone (for example Europe/Madrid).",
        ]
    }
    assert "Europe/Madrid\nEurope/Atlantis\nMexico City</textarea>" in response.content.decode()
    assert not Program.objects.filter(slug="lets-connect-clinics").exists()


def test_program_create_taken_slug_is_refused(client, creator, program):
    client.force_login(creator)

    response = client.post(reverse("manage:program-create"), program_data(slug=program.slug))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "slug": ["A program with this short name already exists."]
    }
    assert Program.objects.count() == 1


def test_program_edit_form_shows_lists_as_text(client, owner, edit_url):
    client.force_login(owner)

    page = client.get(edit_url).content.decode()

    assert 'name="default_languages" value="en"' in page
    assert ">\nAmerica/Mexico_City\nEurope/Madrid\nAfrica/Lagos\nAsia/Kolkata</textarea>" in page


def test_program_edit_saves_and_follows_a_new_slug(client, owner, program, edit_url):
    client.force_login(owner)
    version = program.content_version

    response = client.post(
        edit_url, program_data(name="Wikimedia Clinics", slug="clinics", cadence_days="10")
    )

    program.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, "/manage/programs/clinics/")
    assert (program.slug, program.cadence_days) == ("clinics", 10)
    assert program.content_version == version + 1


def test_program_edit_service_error_lands_on_its_field(client, owner, program, edit_url):
    client.force_login(owner)

    response = client.post(edit_url, program_data(session_title_pattern="{program} on {date}"))

    program.refresh_from_db()
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "session_title_pattern": ["The pattern may use only {program} and {number}."]
    }
    assert program.session_title_pattern == "{program} #{number}"
    assert response.context["program"].name == "Wikimedia Clinics"
    assert 'value="{program} on {date}"' in response.content.decode()


# --- Rotation -----------------------------------------------------------------------------------


def rotation_data(*rows: tuple[str, str, str], initial: int = 0, **extra: str) -> dict[str, str]:
    data = {"rotation-TOTAL_FORMS": str(len(rows)), "rotation-INITIAL_FORMS": str(initial)}
    for index, (weekday, time, zone) in enumerate(rows):
        data[f"rotation-{index}-weekday"] = weekday
        data[f"rotation-{index}-local_time"] = time
        data[f"rotation-{index}-time_zone"] = zone
    data.update(extra)
    return data


@pytest.fixture
def rotation_url(program) -> str:
    return reverse("manage:rotation", kwargs={"slug": program.slug})


def test_rotation_saves_the_slots_in_order_and_skips_blank_rows(
    client, owner, program, rotation_url
):
    client.force_login(owner)

    response = client.post(
        rotation_url,
        rotation_data(("0", "17:30", "UTC"), ("", "", ""), ("2", "08:00", "Europe/Madrid")),
    )

    assert (response.status_code, response["Location"]) == (
        302,
        "/manage/programs/wikimedia-clinics/#rotation",
    )
    assert services.rotation_of(program) == [
        WeeklySlot(0, dt.time(17, 30), "UTC"),
        WeeklySlot(2, dt.time(8, 0), "Europe/Madrid"),
    ]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Saved the rotation: 2 weekly slots."
    ]


def test_rotation_dashboard_shows_the_saved_slots(client, owner, program):
    services.set_rotation(program=program, slots=[WeeklySlot(2, dt.time(8, 0), "Europe/Madrid")])
    client.force_login(owner)

    response = client.get(reverse("manage:program", kwargs={"slug": program.slug}))

    formset = response.context["rotation_formset"]
    assert (formset.initial_form_count(), formset.total_form_count()) == (1, 3)
    page = response.content.decode()
    assert '<option value="2" selected>Wednesday</option>' in page
    assert 'name="rotation-0-local_time" value="08:00"' in page
    assert 'name="rotation-0-time_zone" value="Europe/Madrid"' in page


def test_rotation_delete_leaves_a_slot_out(client, owner, program, rotation_url):
    services.set_rotation(
        program=program,
        slots=[WeeklySlot(0, dt.time(17, 30), "UTC"), WeeklySlot(2, dt.time(8), "Europe/Madrid")],
    )
    client.force_login(owner)

    response = client.post(
        rotation_url,
        rotation_data(
            ("0", "17:30", "UTC"),
            ("2", "08:00", "Europe/Madrid"),
            initial=2,
            **{"rotation-0-DELETE": "on"},
        ),
    )

    assert services.rotation_of(program) == [WeeklySlot(2, dt.time(8, 0), "Europe/Madrid")]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Saved the rotation: 1 weekly slot."
    ]


def test_rotation_unknown_zone_is_refused_and_nothing_changes(client, owner, program, rotation_url):
    services.set_rotation(program=program, slots=[WeeklySlot(0, dt.time(17, 30), "UTC")])
    client.force_login(owner)

    response = client.post(
        rotation_url, rotation_data(("1", "13:00", "UTC"), ("2", "08:00", "Europe/Madird"))
    )

    assert response.status_code == 400
    assert response.context["rotation_formset"].errors == [
        {},
        {"time_zone": ["“Europe/Madird” is not a known time zone (for example Europe/Madrid)."]},
    ]
    assert 'value="Europe/Madird"' in response.content.decode()
    assert services.rotation_of(program) == [WeeklySlot(0, dt.time(17, 30), "UTC")]


def test_rotation_half_filled_row_is_refused(client, owner, program, rotation_url):
    client.force_login(owner)

    response = client.post(rotation_url, rotation_data(("3", "", "")))

    assert response.status_code == 400
    assert response.context["rotation_formset"].errors == [
        {"local_time": ["This field is required."], "time_zone": ["This field is required."]}
    ]
    assert services.rotation_of(program) == []


def test_rotation_missing_management_data_is_a_400_not_a_500(client, owner, program, rotation_url):
    client.force_login(owner)

    response = client.post(rotation_url, {"rotation-0-weekday": "1"})

    assert response.status_code == 400
    assert services.rotation_of(program) == []
