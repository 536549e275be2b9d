"""The announcement importer: the pure parser on seed 000 (no database), then the adapter on
a real database, after and without the program page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from clinicdesk.scheduling import services
from clinicdesk.scheduling.cadence import WeeklySlot
from clinicdesk.scheduling.importers.announcement import parse_announcement
from clinicdesk.scheduling.importers.apply import import_announcement, import_archive_page
from clinicdesk.scheduling.importers.reading import CallTime, LengthRange
from clinicdesk.scheduling.models import ClinicSession, Program, RotationSlot

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
SLUG = "wikimedia-clinics"
ARCHIVE_DATES = [dt.date(2020, 6, 15), dt.date(2020, 6, 17), dt.date(2020, 6, 23)]


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def mail() -> str:
    return seed("000")


# --- The parser ---------------------------------------------------------------------------------


def test_announcement_calls_match_the_known_sessions(mail):
    parsed = parse_announcement(mail, reference=dt.date(2026, 11, 20), known_dates=ARCHIVE_DATES)

    assert parsed.problems == ()
    assert [(c.date, c.call_time, c.line_number) for c in parsed.data.calls] == [
        (dt.date(2020, 6, 15), CallTime(0, 6, 15, dt.time(17, 30), "UTC"), 53),
        (dt.date(2020, 6, 17), CallTime(2, 6, 17, dt.time(8, 0), "UTC"), 57),
    ]


def test_announcement_facts(mail):
    announcement = parse_announcement(mail, reference=dt.date(2020, 6, 1)).data

    assert announcement.length == LengthRange(70, 120)
    assert announcement.min_staff == 2
    assert announcement.frequency == "once a week"
    assert announcement.alternating is True
    assert announcement.mailing_list == "Wikimedia-l"


@pytest.mark.parametrize(
    ("reference", "year"),
    [(dt.date(2020, 6, 1), 2020), (dt.date(2025, 12, 31), 2020), (dt.date(2026, 1, 1), 2026)],
)
def test_announcement_without_known_dates_takes_the_latest_fitting_year(mail, reference, year):
    # 15 June is a Monday and 17 June a Wednesday in 2020 and 2026, in no year between.
    calls = parse_announcement(mail, reference=reference).data.calls

    assert [c.date for c in calls] == [dt.date(year, 6, 15), dt.date(year, 6, 17)]


def test_announcement_known_date_dates_the_other_calls_of_the_mail(mail):
    calls = parse_announcement(
        mail, reference=dt.date(2030, 1, 1), known_dates=[dt.date(2020, 6, 15)]
    ).data.calls

    assert [c.date for c in calls] == [dt.date(2020, 6, 15), dt.date(2020, 6, 17)]


@pytest.mark.parametrize("prefix", ["001_bad", "002", "003", "004"])
def test_announcement_other_seeds_announce_no_calls(prefix):
    text = seed(prefix) if prefix != "001_bad" else "Dear all,\n\nsee you soon.\n"

    parsed = parse_announcement(text, reference=dt.date(2026, 1, 1))

    assert parsed.data is None
    assert [(p.line_number, p.blocking) for p in parsed.problems] == [(0, True)]
    assert parsed.problems[0].message.startswith("this is not an announcement of calls")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "Monday, June 15th, 17:30 (6:30pm) UTC, and this is the Google Meet link[1].",
            "17:30 and (6:30pm) are different times",
        ),
        (
            "Monday, June 15th, 17:30 CEST, and this is the Google Meet link[1].",
            "“CEST” is not an IANA time zone name; write UTC or a name like Europe/Madrid",
        ),
        (
            "Monday, June 15th, 17:30 UTC+2, and this is the Google Meet link[1].",
            "“UTC+2” is not an IANA time zone name; write UTC or a name like Europe/Madrid",
        ),
        (
            "Monday, June 15th 2021, 17:30 UTC, and this is the Google Meet link[1].",
            "15 June 2021 is a Tuesday, not a Monday",
        ),
        (
            "Monday, June 15th, 17:30, and this is the Google Meet link[1].",
            "the call's time names no time zone (for example UTC)",
        ),
        (
            "Monday, June 31st, 17:30 UTC, and this is the Google Meet link[1].",
            "'Monday, June 31st, 17:30 UTC' names a day that does not exist",
        ),
    ],
)
def test_announcement_unreadable_call_is_reported_with_its_line(mail, line, message):
    text = mail.replace(
        "Monday, June 15th, 17:30 (5:30pm) UTC, and this is the Google Meet link[1].", line
    )

    parsed = parse_announcement(text, reference=dt.date(2020, 6, 1))

    assert [(p.line_number, p.line, p.message) for p in parsed.problems] == [(53, line, message)]
    assert not parsed.can_be_saved
    assert [c.line_number for c in parsed.data.calls] == [57]


def test_announcement_call_with_its_year_takes_that_year(mail):
    text = mail.replace("Monday, June 15th, 17:30", "Monday, June 15th 2020, 17:30")

    calls = parse_announcement(text, reference=dt.date(2030, 1, 1)).data.calls

    assert [c.date for c in calls] == [dt.date(2020, 6, 15), dt.date(2020, 6, 17)]
    assert calls[0].call_time.year == 2020


def test_announcement_call_wrapped_over_two_lines_is_read():
    text = "The first call is on Monday, June 15th,\n17:30 UTC. Welcome!\n"

    calls = parse_announcement(text, reference=dt.date(2020, 12, 31)).data.calls

    assert [(c.date, c.call_time.time, c.line_number) for c in calls] == [
        (dt.date(2020, 6, 15), dt.time(17, 30), 1)
    ]


# --- The adapter --------------------------------------------------------------------------------


@pytest.fixture
def archived(db) -> Program:
    import_archive_page(seed("001"), slug=SLUG)
    return Program.objects.get(slug=SLUG)


def counts() -> tuple[int, int]:
    return ClinicSession.objects.count(), RotationSlot.objects.count()


def test_import_announcement_times_the_first_two_sessions(archived, mail):
    report = import_announcement(mail, program=archived)

    assert report.ok
    assert report.created == []
    sessions = {s.number: s for s in archived.sessions.all()}
    assert sessions[1].starts_at == dt.datetime(2020, 6, 15, 17, 30, tzinfo=dt.UTC)
    assert sessions[2].starts_at == dt.datetime(2020, 6, 17, 8, 0, tzinfo=dt.UTC)
    assert [sessions[n].duration_minutes for n in (1, 2, 3)] == [120, 120, 90]
    assert (sessions[3].start_time, sessions[3].starts_at) == (None, None)
    assert len(sessions) == 10


def test_import_announcement_sets_the_alternating_rotation(archived, mail):
    import_announcement(mail, program=archived)

    assert services.rotation_of(archived) == [
        WeeklySlot(0, dt.time(17, 30), "UTC"),
        WeeklySlot(2, dt.time(8, 0), "UTC"),
    ]


def test_import_announcement_twice_changes_nothing(archived, mail):
    import_announcement(mail, program=archived)
    before = counts()
    version = Program.objects.get(pk=archived.pk).content_version

    report = import_announcement(mail, program=archived)

    assert report.ok
    assert (report.created, report.updated) == ([], [])
    assert report.unchanged == ["session #001", "session #002", "rotation"]
    assert counts() == before
    assert Program.objects.get(pk=archived.pk).content_version == version


def test_import_announcement_into_an_empty_program_creates_the_calls(program, mail):
    report = import_announcement(mail, program=program, reference=dt.date(2020, 6, 1))

    assert report.ok
    assert [
        (s.number, s.starts_at, s.duration_minutes) for s in program.sessions.order_by("number")
    ] == [
        (1, dt.datetime(2020, 6, 15, 17, 30, tzinfo=dt.UTC), 120),
        (2, dt.datetime(2020, 6, 17, 8, 0, tzinfo=dt.UTC), 120),
    ]


def test_import_announcement_with_a_blocking_problem_saves_nothing(archived, mail):
    before = counts()
    text = mail.replace("08:00am UTC", "08:00am CEST")

    report = import_announcement(text, program=archived)

    assert not report.ok
    assert counts() == before
    assert ClinicSession.objects.get(program=archived, number=1).start_time is None


def test_import_announcement_refused_by_a_service_rolls_everything_back(archived, mail):
    before = counts()
    # The first call is saved first; the second falls in the hour Madrid skipped on
    # 29 March 2020.
    text = mail.replace(
        "Wednesday, June 17th, 08:00am UTC", "Sunday, March 29th, 02:30 Europe/Madrid"
    )

    report = import_announcement(text, program=archived)

    assert not report.ok
    assert report.failure.startswith(
        "the call on line 57: 2:30\u202fAM on Sunday, March 29, 2020 does not exist"
    )
    assert counts() == before
    assert ClinicSession.objects.get(program=archived, number=1).start_time is None
    assert services.rotation_of(archived) == []


def test_import_announcement_dry_run_saves_nothing(archived, mail):
    report = import_announcement(mail, program=archived, dry_run=True)

    assert report.ok
    assert (
        report.updated[0] == "session #001: now 2020-06-15 17:30 UTC, start_time, duration_minutes"
    )
    assert ClinicSession.objects.get(program=archived, number=1).start_time is None
    assert services.rotation_of(archived) == []


def test_import_program_text_command_needs_an_existing_program(db, capsys):
    (path,) = SEEDS.glob("000_*.txt")

    with pytest.raises(CommandError, match=r"^1 of 1 file\(s\) could not be imported"):
        call_command("import_program_text", str(path), kind="announcement", program=SLUG)

    assert f"there is no program {SLUG}; import its wiki page first" in capsys.readouterr().err


def test_import_program_text_command_imports_an_announcement(archived, capsys):
    (path,) = SEEDS.glob("000_*.txt")

    call_command("import_program_text", str(path), kind="announcement", program=SLUG)

    out = capsys.readouterr().out
    assert "updated: rotation: Monday 17:30 UTC, then Wednesday 08:00 UTC" in out
    assert "note: announced on the Wikimedia-l mailing list" in out
    assert ClinicSession.objects.get(program=archived, number=2).start_time == dt.time(8, 0)
