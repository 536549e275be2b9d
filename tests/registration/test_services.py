"""The registration services: seats and the waitlist, the same address twice, refusals that
change nothing, cancellation and promotion, deletion, and the session's settings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from clinicdesk.registration import rules, services
from clinicdesk.registration.models import (
    CheckIn,
    OutboundEmail,
    Registration,
    RegistrationSettings,
)
from clinicdesk.scheduling import services as scheduling
from clinicdesk.scheduling.models import ClinicSession, Person
from tests.conftest import make_session
from tests.registration.conftest import BEFORE, answers, open_registration, register


def _statuses(session: ClinicSession) -> dict[str, str]:
    return dict(session.registrations.values_list("name", "status"))


def _counts(session: ClinicSession) -> tuple[int, int]:
    row = RegistrationSettings.objects.get(session=session)
    return row.confirmed_count, row.waitlisted_count


def _emails(registration: Registration) -> list[str]:
    return list(registration.emails.order_by("pk").values_list("kind", flat=True))


def test_register_gives_seats_then_the_waitlist(clinic):
    first = register(clinic, "Ana")
    second = register(clinic, "Ben")
    third = register(clinic, "Chi")

    assert _statuses(clinic) == {"Ana": "confirmed", "Ben": "confirmed", "Chi": "waitlisted"}
    assert _counts(clinic) == (2, 1)
    assert _emails(first) == ["confirmation"]
    assert _emails(second) == ["confirmation"]
    assert _emails(third) == ["waitlisted"]
    assert first.conduct_acknowledged_at == BEFORE
    assert first.email_key == "ana@example.org"


def test_register_stores_every_answer(clinic):
    registration = register(
        clinic,
        "Claudia",
        email="  Claudia@Example.ORG ",
        accessibility_notes="Captions, please.",
        topic="Lua modules",
    )
    registration.refresh_from_db()
    assert registration.email == "Claudia@Example.ORG"
    assert registration.email_key == "claudia@example.org"
    assert registration.affiliation == "Wikimedia Mexico"
    assert registration.home_time_zone == "America/Mexico_City"
    assert registration.interpretation_language == "fr"
    assert registration.needs_data_package is True
    assert registration.needs_childcare is False
    assert registration.accessibility_notes == "Captions, please."
    assert registration.attribution == Person.Attribution.AFFILIATION
    assert registration.topic == "Lua modules"
    assert registration.email_consent is True


def test_same_address_again_updates_the_one_registration(clinic):
    first = register(clinic, "Ana")
    result = services.register(
        session=clinic,
        answers=answers(name="Ana Ruiz", email="ANA@example.org", interpretation_language="ar"),
        now=BEFORE,
    )
    assert result.outcome == "updated"
    assert result.registration.pk == first.pk
    assert Registration.objects.count() == 1
    first.refresh_from_db()
    assert (first.name, first.interpretation_language, first.status) == (
        "Ana Ruiz",
        "ar",
        "confirmed",
    )
    assert _emails(first) == ["confirmation", "updated"]


def test_same_answers_again_change_nothing(clinic):
    first = register(clinic, "Ana")
    updated_at = Registration.objects.get().updated_at
    result = services.register(
        session=clinic, answers=answers(name="Ana", email="ana@example.org"), now=BEFORE
    )
    assert result.outcome == "unchanged"
    assert Registration.objects.get().updated_at == updated_at
    assert _emails(first) == ["confirmation"]


def test_confirmed_seat_stays_confirmed_when_the_session_fills_up(clinic):
    register(clinic, "Ana")
    register(clinic, "Ben")
    register(clinic, "Chi")
    services.register(
        session=clinic, answers=answers(name="Ana", email="ana@example.org", topic="x"), now=BEFORE
    )
    assert _statuses(clinic)["Ana"] == "confirmed"


def test_cancelled_registration_registers_again_at_the_end_of_the_line(clinic):
    ana = register(clinic, "Ana")
    register(clinic, "Ben")
    services.cancel_registration(registration=ana, now=BEFORE)
    register(clinic, "Chi")
    later = BEFORE + dt.timedelta(hours=1)
    again = services.register(
        session=clinic, answers=answers(name="Ana", email="ana@example.org"), now=later
    )
    assert again.outcome == "waitlisted"
    assert again.registration.pk == ana.pk
    assert Registration.objects.count() == 3
    assert _statuses(clinic) == {"Ana": "waitlisted", "Ben": "confirmed", "Chi": "confirmed"}


def test_cancel_promotes_exactly_the_first_waitlisted_and_tells_them(clinic):
    ana = register(clinic, "Ana")
    register(clinic, "Ben")
    chi = register(clinic, "Chi", now=BEFORE + dt.timedelta(minutes=1))
    dee = register(clinic, "Dee", now=BEFORE + dt.timedelta(minutes=2))

    services.cancel_registration(registration=ana, now=BEFORE + dt.timedelta(minutes=3))

    assert _statuses(clinic) == {
        "Ana": "cancelled",
        "Ben": "confirmed",
        "Chi": "confirmed",
        "Dee": "waitlisted",
    }
    assert _counts(clinic) == (2, 1)
    assert _emails(ana) == ["confirmation", "cancelled"]
    assert _emails(chi) == ["waitlisted", "promoted"]
    assert _emails(dee) == ["waitlisted"]


def test_cancel_twice_changes_nothing(clinic):
    ana = register(clinic, "Ana")
    services.cancel_registration(registration=ana, now=BEFORE)
    services.cancel_registration(registration=ana, now=BEFORE)
    assert _emails(ana) == ["confirmation", "cancelled"]


def test_cancel_of_a_waitlisted_person_promotes_nobody(clinic):
    register(clinic, "Ana")
    register(clinic, "Ben")
    chi = register(clinic, "Chi")
    dee = register(clinic, "Dee")
    services.cancel_registration(registration=chi, now=BEFORE)
    assert _statuses(clinic)["Dee"] == "waitlisted"
    assert _emails(dee) == ["waitlisted"]


def test_more_seats_promote_the_waitlist_in_order(clinic):
    for name in ["Ana", "Ben", "Chi", "Dee", "Eve"]:
        register(clinic, name)
    open_registration(clinic, capacity=4)
    assert _statuses(clinic) == {
        "Ana": "confirmed",
        "Ben": "confirmed",
        "Chi": "confirmed",
        "Dee": "confirmed",
        "Eve": "waitlisted",
    }
    assert _counts(clinic) == (4, 1)


def test_fewer_seats_keep_every_confirmed_seat(clinic):
    register(clinic, "Ana")
    register(clinic, "Ben")
    open_registration(clinic, capacity=1)
    assert _statuses(clinic) == {"Ana": "confirmed", "Ben": "confirmed"}
    assert register(clinic, "Chi").status == "waitlisted"


def test_no_capacity_confirms_everyone(program):
    session = make_session(program, 2)
    open_registration(session, capacity=None)
    for name in ["Ana", "Ben", "Chi"]:
        register(session, name, interpretation_language="")
    assert set(_statuses(session).values()) == {"confirmed"}


# --- Refusals change nothing ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"conduct_acknowledged": False}, "conduct_acknowledged"),
        ({"interpretation_language": "de"}, "interpretation_language"),
        ({"home_time_zone": "Mars/Olympus"}, "home_time_zone"),
        ({"language": "xx"}, "language"),
        ({"attribution": "everything"}, "attribution"),
        ({"email": "not an address"}, "email"),
        ({"name": "   "}, "name"),
        ({"name": "A" * 201}, "name"),
        ({"name": "Ana\nBcc: x@example.org"}, "name"),
        ({"topic": "x" * 1001}, "topic"),
        ({"accessibility_notes": "x" * 2001}, "accessibility_notes"),
    ],
)
def test_register_refuses_bad_answers_and_stores_nothing(clinic, changes, field):
    register(clinic, "Ana")
    with pytest.raises(ValidationError) as refused:
        services.register(session=clinic, answers=answers(**changes), now=BEFORE)
    assert field in refused.value.message_dict
    assert Registration.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


def test_register_refuses_needs_the_session_does_not_offer(program):
    session = make_session(program, 2)
    open_registration(session, offers_data_package=False, offers_childcare=False)
    session.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.register(
            session=session,
            answers=answers(interpretation_language="", needs_data_package=True),
            now=BEFORE,
        )
    assert list(refused.value.message_dict) == ["needs_data_package"]
    with pytest.raises(ValidationError) as refused:
        services.register(
            session=session,
            answers=answers(
                interpretation_language="", needs_data_package=False, needs_childcare=True
            ),
            now=BEFORE,
        )
    assert list(refused.value.message_dict) == ["needs_childcare"]


@pytest.mark.parametrize(
    ("setup", "now", "availability"),
    [
        ("open later", BEFORE, rules.Availability.NOT_YET_OPEN),
        ("deadline passed", dt.datetime(2030, 6, 16, tzinfo=dt.UTC), rules.Availability.CLOSED),
        ("closed", BEFORE, rules.Availability.CLOSED),
        ("started", dt.datetime(2030, 6, 17, 13, 0, tzinfo=dt.UTC), rules.Availability.OVER),
        ("held", BEFORE, rules.Availability.HELD),
        ("cancelled", BEFORE, rules.Availability.CANCELLED),
    ],
)
def test_register_outside_the_window_is_refused_and_changes_nothing(
    clinic, setup, now, availability
):
    ana = register(clinic, "Ana")
    times = services.WindowTimes(time_zone="UTC")
    if setup == "open later":
        times = services.WindowTimes(time_zone="UTC", opens_on=dt.date(2030, 6, 5))
    elif setup == "deadline passed":
        times = services.WindowTimes(time_zone="UTC", closes_on=dt.date(2030, 6, 15))
    open_registration(clinic, times=times, is_open=setup != "closed")
    if setup == "held":
        ClinicSession.objects.filter(pk=clinic.pk).update(status="held")
    elif setup == "cancelled":
        scheduling.cancel_session(session=clinic)
    before = list(Registration.objects.values())

    with pytest.raises(services.RegistrationRefused) as refused:
        services.register(
            session=clinic, answers=answers(name="Ben", email="ben@example.org"), now=now
        )
    with pytest.raises(services.RegistrationRefused):
        services.register(
            session=clinic, answers=answers(name="Changed", email="ana@example.org"), now=now
        )

    assert refused.value.availability == availability
    assert list(Registration.objects.values()) == before
    assert _emails(ana) == ["confirmation"]


def test_register_for_a_session_without_registration_is_refused(program):
    session = make_session(program, 3)
    with pytest.raises(services.RegistrationNotOffered):
        services.register(session=session, answers=answers(), now=BEFORE)


# --- Manage link changes, deletion ----------------------------------------------------------


def test_update_registration_changes_needs_and_follows_consent_after_check_in(clinic):
    ana = register(clinic, "Ana")
    services.check_in_registration(registration=ana, role=Person.Role.VOLUNTEER)
    ana.refresh_from_db()
    assert ana.person.attribution_consent == Person.Attribution.AFFILIATION

    services.update_registration(
        registration=ana,
        changes={"attribution": Person.Attribution.NAME, "needs_childcare": True},
        now=BEFORE,
    )
    ana.refresh_from_db()
    ana.person.refresh_from_db()
    assert ana.needs_childcare is True
    assert ana.person.attribution_consent == Person.Attribution.NAME


def test_update_registration_refused_once_the_session_started(clinic):
    ana = register(clinic, "Ana")
    with pytest.raises(services.RegistrationRefused):
        services.update_registration(
            registration=ana,
            changes={"topic": "late"},
            now=dt.datetime(2030, 6, 17, 13, tzinfo=dt.UTC),
        )
    ana.refresh_from_db()
    assert ana.topic == ""


def test_delete_registration_frees_the_seat_and_keeps_the_check_in_without_a_name(clinic):
    ana = register(clinic, "Ana")
    register(clinic, "Ben")
    chi = register(clinic, "Chi")
    services.check_in_registration(registration=ana, role=Person.Role.VOLUNTEER)
    ana.refresh_from_db()
    person = ana.person

    services.delete_registration(registration=ana, now=BEFORE)

    assert _statuses(clinic) == {"Ben": "confirmed", "Chi": "confirmed"}
    assert _emails(chi) == ["waitlisted", "promoted"]
    check_in = CheckIn.objects.get()
    assert (check_in.registration, check_in.name, check_in.role) == (None, "", "volunteer")
    person.refresh_from_db()
    assert person.attribution_consent == Person.Attribution.ANONYMOUS
    assert not OutboundEmail.objects.filter(registration_id=ana.pk).exists()


# --- Settings ---------------------------------------------------------------------------------


def test_configure_registration_leaves_the_session_status_alone(program):
    session = make_session(program, 4)
    open_registration(session)
    session.refresh_from_db()
    assert session.status == ClinicSession.Status.PLANNED
    assert RegistrationSettings.objects.get(session=session).is_open is True


def test_configure_registration_stores_wall_times_and_their_instants(program):
    session = make_session(program, 5, time_zone="Europe/Madrid", start_time=dt.time(15, 0))
    open_registration(
        session,
        times=services.WindowTimes(
            time_zone="Europe/Berlin", opens_on=dt.date(2030, 6, 1), closes_on=dt.date(2030, 6, 16)
        ),
    )
    row = RegistrationSettings.objects.get(session=session)
    assert (row.opens_time, row.closes_time) == (dt.time(0, 0), dt.time(23, 59))
    assert row.opens_at == dt.datetime(2030, 5, 31, 22, 0, tzinfo=dt.UTC)
    assert row.closes_at == dt.datetime(2030, 6, 16, 21, 59, tzinfo=dt.UTC)


def test_configure_registration_deadline_in_a_fold_is_the_later_reading(program):
    session = make_session(program, 6, start_date=dt.date(2030, 11, 5), time_zone="Europe/Madrid")
    open_registration(
        session,
        times=services.WindowTimes(
            time_zone="Europe/Madrid", closes_on=dt.date(2030, 10, 27), closes_time=dt.time(2, 30)
        ),
    )
    row = RegistrationSettings.objects.get(session=session)
    assert row.closes_at == dt.datetime(2030, 10, 27, 1, 30, tzinfo=dt.UTC)  # 02:30 CET


@pytest.mark.parametrize(
    ("times", "field"),
    [
        (
            services.WindowTimes(
                time_zone="Europe/Madrid",
                closes_on=dt.date(2030, 3, 31),
                closes_time=dt.time(2, 30),
            ),
            "closes_on",
        ),
        (
            services.WindowTimes(
                time_zone="UTC", opens_on=dt.date(2030, 6, 10), closes_on=dt.date(2030, 6, 9)
            ),
            "closes_on",
        ),
        (services.WindowTimes(time_zone="UTC", closes_on=dt.date(2030, 6, 18)), "closes_on"),
        (services.WindowTimes(time_zone="Nowhere/City"), "time_zone"),
        (services.WindowTimes(time_zone="UTC", opens_time=dt.time(9, 0)), "opens_on"),
    ],
)
def test_configure_registration_refuses_impossible_times(clinic, times, field):
    before = RegistrationSettings.objects.values().get(session=clinic)
    with pytest.raises(ValidationError) as refused:
        services.configure_registration(session=clinic, capacity=2, times=times)
    assert list(refused.value.message_dict) == [field]
    assert RegistrationSettings.objects.values().get(session=clinic) == before


def test_configure_registration_refuses_zero_seats(clinic):
    with pytest.raises(ValidationError) as refused:
        services.configure_registration(session=clinic, capacity=0)
    assert list(refused.value.message_dict) == ["capacity"]


def test_configure_program_keeps_offsets_and_retention(program):
    row = services.configure_program(
        program=program, reminder_offsets=[60, 1440, 60], retention_days=30
    )
    assert (row.reminder_offsets, row.retention_days) == ([1440, 60], 30)
    with pytest.raises(ValidationError):
        services.configure_program(program=program, reminder_offsets=[0], retention_days=30)
    with pytest.raises(ValidationError):
        services.configure_program(program=program, reminder_offsets=[60], retention_days=0)


def test_becoming_full_moves_the_program_content_version(clinic):
    program = clinic.program
    program.refresh_from_db()
    version = program.content_version
    register(clinic, "Ana")
    program.refresh_from_db()
    assert program.content_version == version  # still seats left: public pages unchanged
    register(clinic, "Ben")
    program.refresh_from_db()
    assert program.content_version == version + 1  # now full: the program page says so
