"""The scheduling services: validation keyed by field, SEQUENCE rules, hosts, repeats, and the
content version that every write moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from clinicdesk.lib.tz import Fold
from clinicdesk.scheduling import services
from clinicdesk.scheduling.cadence import WeeklySlot
from clinicdesk.scheduling.models import ClinicSession, Person, Program
from tests.conftest import make_session

UTC = dt.UTC
MADRID = "Europe/Madrid"


def _errors(raised: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return raised.value.message_dict


def _version(program: Program) -> int:
    return Program.objects.values_list("content_version", flat=True).get(pk=program.pk)


# --- schedule_session ---------------------------------------------------------------------------


def test_schedule_session_derives_utc_from_wall_time_and_zone(program):
    session = make_session(
        program, 1, start_date=dt.date(2030, 7, 17), start_time=dt.time(18, 0), time_zone=MADRID
    )
    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2030, 7, 17, 16, 0, tzinfo=UTC)
    assert (session.start_date, session.start_time, session.time_zone) == (
        dt.date(2030, 7, 17),
        dt.time(18, 0),
        MADRID,
    )
    assert session.sequence == 0
    assert session.duration_minutes == program.default_duration_minutes


def test_schedule_session_takes_the_next_free_number(program):
    make_session(program, 7)
    session = services.schedule_session(program=program, start_date=dt.date(2030, 1, 1))
    assert session.number == 8


def test_schedule_session_unknown_zone(program):
    with pytest.raises(ValidationError) as raised:
        make_session(program, 1, time_zone="Europe/Atlantis")
    assert _errors(raised) == {
        "time_zone": [
            "“Europe/Atlantis” is not a known IANA time zone (for example Europe/Madrid)."
        ]
    }
    assert not ClinicSession.objects.exists()


def test_schedule_session_time_in_the_gap(program):
    with pytest.raises(ValidationError) as raised:
        make_session(
            program, 1, start_date=dt.date(2026, 3, 29), start_time=dt.time(2, 30), time_zone=MADRID
        )
    assert _errors(raised) == {
        "start_time": [
            "2:30\u202fAM on Sunday, March 29, 2026 does not exist in Europe/Madrid: the clocks "
            "skip that hour for daylight saving."
        ]
    }


def test_schedule_session_time_in_the_fold_needs_a_choice(program):
    fold_day = {"start_date": dt.date(2026, 10, 25), "start_time": dt.time(2, 30)}
    with pytest.raises(ValidationError) as raised:
        make_session(program, 1, time_zone=MADRID, **fold_day)
    assert list(_errors(raised)) == ["start_time"]
    assert "happens twice in Europe/Madrid" in _errors(raised)["start_time"][0]

    first = make_session(program, 1, time_zone=MADRID, fold=Fold.FIRST, **fold_day)
    second = make_session(program, 2, time_zone=MADRID, fold=Fold.SECOND, **fold_day)
    assert first.starts_at == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert second.starts_at == dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_schedule_session_duplicate_number(program):
    make_session(program, 5)
    with pytest.raises(ValidationError) as raised:
        make_session(program, 5)
    assert _errors(raised) == {"number": ["Wikimedia Clinics already has a session #005."]}
    assert program.sessions.count() == 1


def test_schedule_session_same_number_in_another_program(program, member):
    other = Program.objects.get(slug="lets-connect")
    make_session(program, 1)
    assert make_session(other, 1).number == 1


def test_schedule_session_time_without_date(program):
    with pytest.raises(ValidationError) as raised:
        make_session(program, 1, start_date=None, start_time=dt.time(13, 0))
    assert _errors(raised) == {"start_date": ["A time of day needs a date."]}


def test_schedule_session_date_without_time_has_no_instant(program):
    session = make_session(program, 1, start_date=dt.date(2030, 1, 20), start_time=None)
    assert session.starts_at is None
    assert session.ends_at is None


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"spoken_languages": ["es", "klingon"]}, "spoken_languages"),
        ({"interpretation_languages": [""]}, "interpretation_languages"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 24 * 60 + 1}, "duration_minutes"),
        ({"archive_topics": {"es": "not a list"}}, "archive_topics"),
        ({"archive_topics": {"xx": ["Topic"]}}, "archive_topics"),
    ],
)
def test_schedule_session_rejects_bad_values(program, fields, key):
    with pytest.raises(ValidationError) as raised:
        make_session(program, 1, **fields)
    assert list(_errors(raised)) == [key]


def test_schedule_session_dedupes_languages(program):
    session = make_session(program, 1, spoken_languages=["es", "en", "es"])
    assert session.spoken_languages == ["es", "en"]


def test_schedule_session_unknown_field_is_a_programming_error(program):
    with pytest.raises(TypeError, match="unknown session fields: \\['colour'\\]"):
        make_session(program, 1, colour="blue")


# --- update_session and SEQUENCE ----------------------------------------------------------------


@pytest.fixture
def madrid_call(program):
    return make_session(
        program, 1, start_date=dt.date(2030, 1, 17), start_time=dt.time(18, 0), time_zone=MADRID
    )


def _stored(session: ClinicSession) -> ClinicSession:
    return ClinicSession.objects.get(pk=session.pk)


def test_update_session_time_change_moves_instant_and_sequence(madrid_call):
    services.update_session(session=madrid_call, start_date=dt.date(2030, 7, 17))
    stored = _stored(madrid_call)
    assert stored.starts_at == dt.datetime(2030, 7, 17, 16, 0, tzinfo=UTC)
    assert stored.sequence == 1
    services.update_session(session=madrid_call, time_zone="America/Mexico_City")
    stored = _stored(madrid_call)
    assert stored.starts_at == dt.datetime(2030, 7, 18, 0, 0, tzinfo=UTC)
    assert stored.sequence == 2


@pytest.mark.parametrize(
    "changes",
    [
        {"spoken_languages": ["es", "en"]},
        {"interpretation_languages": ["fr"]},
        {"archive_topics": {"en": ["Maps"]}},
        {"kind": ClinicSession.Kind.LEARNING_CLINIC},
    ],
)
def test_update_session_changes_calendars_do_not_show_keep_sequence(madrid_call, changes):
    services.update_session(session=madrid_call, **changes)
    stored = _stored(madrid_call)
    assert stored.sequence == 0
    for key, value in changes.items():
        assert getattr(stored, key) == value


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "Maps clinic"},
        {"duration_minutes": 70},
        {"meeting_url": "https://meet.example.org/new"},
        {"status": ClinicSession.Status.OPEN},
        {"number": 2},
    ],
)
def test_update_session_changes_calendars_show_move_sequence(madrid_call, changes):
    services.update_session(session=madrid_call, **changes)
    assert _stored(madrid_call).sequence == 1


def test_update_session_without_a_real_change_writes_nothing(
    madrid_call, django_assert_num_queries
):
    with django_assert_num_queries(0):
        services.update_session(session=madrid_call, start_time=dt.time(18, 0), title="")
    assert _stored(madrid_call).sequence == 0


def test_update_session_into_the_gap_is_refused_and_nothing_saved(madrid_call):
    with pytest.raises(ValidationError) as raised:
        services.update_session(
            session=madrid_call, start_date=dt.date(2030, 3, 31), start_time=dt.time(2, 30)
        )
    assert list(_errors(raised)) == ["start_time"]
    stored = _stored(madrid_call)
    assert (stored.start_date, stored.sequence) == (dt.date(2030, 1, 17), 0)


def test_update_session_into_the_fold_with_a_choice(madrid_call):
    services.update_session(
        session=madrid_call,
        start_date=dt.date(2030, 10, 27),
        start_time=dt.time(2, 30),
        fold=Fold.SECOND,
    )
    assert _stored(madrid_call).starts_at == dt.datetime(2030, 10, 27, 1, 30, tzinfo=UTC)


def test_update_session_fold_alone_switches_the_reading(program):
    session = make_session(
        program,
        1,
        start_date=dt.date(2030, 10, 27),
        start_time=dt.time(2, 30),
        time_zone=MADRID,
        fold=Fold.FIRST,
    )
    services.update_session(session=session, fold=Fold.SECOND)
    stored = _stored(session)
    assert stored.starts_at == dt.datetime(2030, 10, 27, 1, 30, tzinfo=UTC)
    assert stored.sequence == 1


def test_update_session_number_taken(program, madrid_call):
    make_session(program, 2)
    with pytest.raises(ValidationError) as raised:
        services.update_session(session=madrid_call, number=2)
    assert _errors(raised) == {"number": ["Wikimedia Clinics already has a session #002."]}


def test_update_session_shrinking_below_a_segment_is_refused(madrid_call):
    services.add_segment(
        session=madrid_call,
        title="Abstract Wikipedia",
        start_offset_minutes=60,
        duration_minutes=20,
    )
    with pytest.raises(ValidationError) as raised:
        services.update_session(session=madrid_call, duration_minutes=70)
    assert _errors(raised) == {
        "duration_minutes": [
            "“Abstract Wikipedia” ends 80 minutes after the start, past the end of the "
            "70-minute session."
        ]
    }
    assert _stored(madrid_call).duration_minutes == 90
    services.update_session(session=madrid_call, duration_minutes=80)  # exactly fits
    assert _stored(madrid_call).duration_minutes == 80


# --- cancel_session -----------------------------------------------------------------------------


def test_cancel_session_marks_cancelled_and_moves_sequence(madrid_call):
    services.cancel_session(session=madrid_call)
    stored = _stored(madrid_call)
    assert (stored.status, stored.sequence) == (ClinicSession.Status.CANCELLED, 1)


def test_cancel_of_a_held_session_is_refused(madrid_call):
    services.update_session(session=madrid_call, status=ClinicSession.Status.HELD)
    with pytest.raises(ValidationError) as raised:
        services.cancel_session(session=madrid_call)
    assert raised.value.messages == ["A session that was held cannot be cancelled."]
    assert _stored(madrid_call).status == ClinicSession.Status.HELD


# --- Segments -----------------------------------------------------------------------------------


def test_add_segment_past_the_end_is_refused(madrid_call):
    with pytest.raises(ValidationError) as raised:
        services.add_segment(
            session=madrid_call, title="Too long", start_offset_minutes=80, duration_minutes=20
        )
    assert _errors(raised) == {
        "duration_minutes": [
            "This segment would end 100 minutes after the start, past the end of the "
            "90-minute session."
        ]
    }
    assert not madrid_call.segments.exists()


def test_add_segment_needs_a_minute(madrid_call):
    with pytest.raises(ValidationError) as raised:
        services.add_segment(session=madrid_call, title="Empty", duration_minutes=0)
    assert _errors(raised) == {"duration_minutes": ["A segment lasts at least one minute."]}


def test_update_segment_past_the_end_is_refused(madrid_call):
    segment = services.add_segment(session=madrid_call, title="Maps", duration_minutes=30)
    with pytest.raises(ValidationError):
        services.update_segment(segment=segment, start_offset_minutes=70)
    with pytest.raises(TypeError, match="unknown segment fields"):
        services.update_segment(segment=segment, session=None)


# --- Hosts and staffing -------------------------------------------------------------------------


def _person(name: str, role: str) -> Person:
    return services.create_person(name=name, role=role, organization="WMF")


@pytest.mark.parametrize(
    ("roles", "warning"),
    [
        ([], "Only 0 staff hosts: every call needs at least two staff members."),
        (
            ["staff", "volunteer", "volunteer"],
            "Only 1 staff host: every call needs at least two staff members.",
        ),
        (["staff", "staff"], None),
        (["staff", "volunteer", "staff"], None),
    ],
)
def test_staffing_warning(db, roles, warning):
    hosts = [_person(f"Host {i}", role) for i, role in enumerate(roles)]
    assert services.staffing_warning(hosts) == warning


def test_set_hosts_replaces_hosts(madrid_call, staff_people):
    services.set_hosts(session=madrid_call, hosts=staff_people)
    volunteer = _person("Claudia", Person.Role.VOLUNTEER)
    services.set_hosts(session=madrid_call, hosts=[staff_people[0], volunteer])
    assert sorted(p.name for p in madrid_call.hosts.all()) == ["Claudia", "Quim"]


def test_create_person_shows_staff_with_organization(db):
    staff = services.create_person(name=" Quim ", role=Person.Role.STAFF, organization="WMF")
    volunteer = services.create_person(name="Claudia", affiliation="Wikimedia Mexico")
    assert (str(staff), str(volunteer)) == ("Quim (WMF)", "Claudia")
    assert staff.is_staff_member
    assert not volunteer.is_staff_member


# --- repeat_session -----------------------------------------------------------------------------

SEED_SLOTS = [
    WeeklySlot(0, dt.time(17, 30), "UTC"),
    WeeklySlot(2, dt.time(8, 0), "UTC"),
]


def test_repeat_session_continues_from_the_highest_number_and_copies(program, staff_people):
    first = make_session(
        program,
        1,
        start_date=dt.date(2030, 6, 17),  # a Monday
        start_time=dt.time(17, 30),
        duration_minutes=70,
        spoken_languages=["es"],
        interpretation_languages=["en"],
        meeting_url="https://meet.example.org/clinic",
        hosts=staff_people,
    )
    make_session(program, 9, start_date=dt.date(2031, 1, 1))
    created = services.repeat_session(session=first, count=3, slots=SEED_SLOTS, min_gap_days=2)
    assert [s.number for s in created] == [10, 11, 12]
    # Resumes with the slot after the one #001 took: Wednesday 08:00, then Monday 17:30.
    assert [(s.start_date, s.start_time, s.time_zone) for s in created] == [
        (dt.date(2030, 6, 19), dt.time(8, 0), "UTC"),
        (dt.date(2030, 6, 24), dt.time(17, 30), "UTC"),
        (dt.date(2030, 6, 26), dt.time(8, 0), "UTC"),
    ]
    for session in created:
        stored = _stored(session)
        assert stored.starts_at == dt.datetime.combine(
            stored.start_date, stored.start_time, tzinfo=UTC
        )
        assert (stored.duration_minutes, stored.spoken_languages) == (70, ["es"])
        assert stored.interpretation_languages == ["en"]
        assert stored.meeting_url == "https://meet.example.org/clinic"
        assert sorted(p.name for p in stored.hosts.all()) == ["Quim", "Sele"]


def test_repeat_session_uses_the_program_rotation_and_cadence(program):
    services.set_rotation(program=program, slots=[WeeklySlot(3, dt.time(18, 0), MADRID)])
    services.update_program(program=program, cadence_days=14)
    first = make_session(
        program, 1, start_date=dt.date(2030, 3, 14), start_time=dt.time(18, 0), time_zone=MADRID
    )
    created = services.repeat_session(session=first, count=2)
    # 18:00 in Madrid stays 18:00 across the change of 31 March 2030; the UTC instant moves.
    assert [(s.start_date, s.start_time, s.starts_at) for s in created] == [
        (dt.date(2030, 3, 28), dt.time(18, 0), dt.datetime(2030, 3, 28, 17, 0, tzinfo=UTC)),
        (dt.date(2030, 4, 11), dt.time(18, 0), dt.datetime(2030, 4, 11, 16, 0, tzinfo=UTC)),
    ]


def test_repeat_session_slot_in_the_gap_stores_the_real_start(program):
    first = make_session(
        program, 1, start_date=dt.date(2030, 3, 24), start_time=dt.time(2, 30), time_zone=MADRID
    )
    (created,) = services.repeat_session(
        session=first, count=1, slots=[WeeklySlot(6, dt.time(2, 30), MADRID)]
    )
    stored = _stored(created)
    assert (stored.start_date, stored.start_time) == (dt.date(2030, 3, 31), dt.time(3, 30))
    assert stored.starts_at == dt.datetime(2030, 3, 31, 1, 30, tzinfo=UTC)


def test_repeat_session_needs_slots_and_a_sane_count(program):
    first = make_session(program, 1)
    with pytest.raises(ValidationError) as raised:
        services.repeat_session(session=first, count=1)
    assert list(_errors(raised)) == ["slots"]
    for count in (0, services.MAX_REPEAT + 1):
        with pytest.raises(ValidationError) as raised:
            services.repeat_session(session=first, count=count, slots=SEED_SLOTS)
        assert list(_errors(raised)) == ["count"]
    assert program.sessions.count() == 1


# --- content_version moves on every write -------------------------------------------------------


def test_content_version_moves_on_every_write(program, staff_people):
    writes = []

    def write(name: str, action) -> None:
        before = _version(program)
        result = action()
        writes.append((name, _version(program) > before))
        return result

    session = write("schedule_session", lambda: make_session(program, 1))
    write("update_session", lambda: services.update_session(session=session, title="Maps"))
    write("set_hosts", lambda: services.set_hosts(session=session, hosts=staff_people))
    segment = write("add_segment", lambda: services.add_segment(session=session, title="A"))
    write("update_segment", lambda: services.update_segment(segment=segment, title="B"))
    write("delete_segment", lambda: services.delete_segment(segment=segment))
    write(
        "set_rotation",
        lambda: services.set_rotation(program=program, slots=SEED_SLOTS),
    )
    write("repeat_session", lambda: services.repeat_session(session=session, count=1))
    write("cancel_session", lambda: services.cancel_session(session=session))
    write("update_program", lambda: services.update_program(program=program, purpose="New."))
    assert [name for name, moved in writes if not moved] == []
    assert len(writes) == 10


def test_update_program_validates_zones_and_slug(program, member):
    with pytest.raises(ValidationError) as raised:
        services.update_program(program=program, community_zones=["Europe/Madrid", "Mars/Base"])
    assert list(_errors(raised)) == ["community_zones"]
    with pytest.raises(ValidationError) as raised:
        services.update_program(program=program, slug="lets-connect")
    assert list(_errors(raised)) == ["slug"]
    with pytest.raises(ValidationError) as raised:
        services.update_program(program=program, session_title_pattern="{program} {colour}")
    assert list(_errors(raised)) == ["session_title_pattern"]


def test_update_program_refused_leaves_the_callers_object_unchanged(program):
    with pytest.raises(ValidationError):
        services.update_program(program=program, name="", purpose="New purpose")
    assert (program.name, program.purpose) == ("Wikimedia Clinics", "Open support calls.")


def test_update_segment_refused_leaves_the_callers_object_unchanged(program):
    session = make_session(program, 1, duration_minutes=60)
    segment = services.add_segment(session=session, title="Tools", duration_minutes=30)
    with pytest.raises(ValidationError):
        services.update_segment(segment=segment, duration_minutes=90)
    assert segment.duration_minutes == 30


def test_set_attribution_consent_records_the_level_and_refuses_unknown_ones(db):
    person = services.create_person(name="Claudia", affiliation="Wikimedia Mexico")
    assert person.attribution_consent == Person.Attribution.ANONYMOUS
    services.set_attribution_consent(person=person, consent=Person.Attribution.NAME)
    person.refresh_from_db()
    assert person.attribution_consent == "name"
    with pytest.raises(ValidationError) as refused:
        services.set_attribution_consent(person=person, consent="everything")
    assert refused.value.message_dict == {"attribution_consent": ["Choose how you may be named."]}
