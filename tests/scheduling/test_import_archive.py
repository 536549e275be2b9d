"""The program-page importer: the pure parser on seed 001 (no database), then the adapter and
the ``import_program_text`` command on a real database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from clinicdesk.scheduling import services
from clinicdesk.scheduling.importers.apply import import_archive_page
from clinicdesk.scheduling.importers.archive import (
    ScheduledSegment,
    parse_archive_page,
    split_topic_line,
)
from clinicdesk.scheduling.importers.reading import CallTime, LengthRange
from clinicdesk.scheduling.models import ClinicSession, Program, Segment

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
SLUG = "wikimedia-clinics"


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page_text() -> str:
    return seed("001")


# --- The parser ---------------------------------------------------------------------------------


def test_archive_seed_has_no_problems(page_text):
    parsed = parse_archive_page(page_text)

    assert parsed.problems == ()
    assert parsed.can_be_saved


def test_archive_rows_have_seed_numbers_dates_and_languages(page_text):
    rows = parse_archive_page(page_text).data.rows

    assert [(row.number, row.date, row.languages) for row in rows] == [
        (1, dt.date(2020, 6, 15), ("en",)),
        (2, dt.date(2020, 6, 17), ("en",)),
        (3, dt.date(2020, 6, 23), ("en",)),
        (4, dt.date(2020, 6, 28), ("en",)),
        (5, dt.date(2020, 7, 1), ("en",)),
        (6, dt.date(2020, 7, 16), ("es",)),
        (7, dt.date(2020, 8, 5), ("en",)),
        (8, dt.date(2020, 8, 10), ("en",)),
        (9, dt.date(2020, 8, 21), ("en",)),
    ]
    assert [row.line_number for row in rows] == [51, 52, 53, 54, 55, 56, 60, 61, 62]


def test_archive_row_006_has_topics_in_spanish_and_english(page_text):
    rows = {row.number: row for row in parse_archive_page(page_text).data.rows}

    assert rows[6].topics == {
        "es": ("Impacto de la pandemia en los afiliados", "Apoyo que se necesita de la Fundación"),
        "en": ("Impact of the pandemic on affiliates", "Needed support from the Foundation"),
    }
    assert all(rows[n].topics == {} for n in rows if n != 6)


def test_archive_upcoming_call_010_is_dated_after_the_last_archived_call(page_text):
    (call,) = parse_archive_page(page_text).data.upcoming

    assert call.number == 10
    assert call.date == dt.date(2020, 9, 15)
    assert call.call_time == CallTime(weekday=1, month=9, day=15, time=dt.time(13, 0), zone="UTC")
    assert call.title_prefix == "Wikimedia Clinic"
    assert call.segments == (ScheduledSegment("Abstract Wikipedia", "Denny Vrandečić"),)
    assert call.line_number == 44


def test_archive_page_name_purpose_and_conduct(page_text):
    page = parse_archive_page(page_text).data

    assert page.name == "Wikimedia Clinics"
    assert page.purpose.startswith(
        "In these complex times of pandemic, and the coming complex times of post-pandemic, "
        "live human contact with fellow Wikimedians"
    )
    assert page.purpose.endswith("to increase access to those not comfortable speaking English.")
    assert "Each clinic session:\n\n* would be 70-90 minutes in length depending on topics" in (
        page.purpose
    )
    assert page.purpose.count("\n* ") == 3
    assert "\u00a0" not in page.purpose
    assert page.conduct == (
        "The Wikimedia Clinic calls are a Friendly space. Attendees are expected to:\n\n"
        "* Listen with patience and respect.\n"
        "* Share your experience, but remember others' contexts are very diverse, and may not "
        "match yours.\n"
        "* Be of service to others on the call."
    )


def test_archive_page_cadence_length_and_staff(page_text):
    page = parse_archive_page(page_text).data

    assert page.cadence_text == "two to three times a month"
    assert page.alternating is True
    assert page.length == LengthRange(70, 90)
    assert page.min_staff == 2
    assert page.languages == ("en", "es")


@pytest.mark.parametrize("prefix", ["000", "002", "003", "004"])
def test_archive_other_seeds_are_not_program_pages(prefix):
    parsed = parse_archive_page(seed(prefix))

    assert parsed.data is None
    assert len(parsed.problems) == 1
    assert parsed.problems[0].blocking
    assert parsed.problems[0].message.startswith("this is not a program page")
    assert not parsed.can_be_saved


def test_archive_short_prose_is_not_a_program_page():
    parsed = parse_archive_page("We met on Tuesday and talked about\nthe weather for a while.\n")

    assert parsed.data is None
    assert [p.line_number for p in parsed.problems] == [0]
    assert parsed.problems[0].message.startswith("this is not a program page")


def test_archive_empty_text_is_reported():
    parsed = parse_archive_page("\n \n")

    assert parsed.data is None
    assert [p.message for p in parsed.problems] == ["the text is empty"]


def test_archive_unreadable_date_is_reported_with_its_line(page_text):
    text = page_text.replace("004 28-Jun-2020 English", "004 28-Jux-2020 English")

    parsed = parse_archive_page(text)

    (problem,) = parsed.problems
    assert (problem.line_number, problem.line, problem.blocking) == (
        54,
        "004 28-Jux-2020 English",
        True,
    )
    assert problem.message == "#004: “28-Jux-2020” is not a date like 15-Jun-2020"
    assert [row.number for row in parsed.data.rows] == [1, 2, 3, 5, 6, 7, 8, 9]
    assert not parsed.can_be_saved


def test_archive_duplicate_row_is_reported(page_text):
    text = page_text.replace("008 10-Aug-2020 English", "007 10-Aug-2020 English")

    parsed = parse_archive_page(text)

    assert [(p.line_number, p.message) for p in parsed.problems] == [
        (61, "#007 is listed twice in the archive")
    ]


def test_archive_ambiguous_topic_line_is_reported_not_guessed(page_text):
    text = page_text.replace(
        "Apoyo que se necesita de la Fundación Needed support from the Foundation",
        "Wikidata Lua Scribunto",
    )

    parsed = parse_archive_page(text)

    (problem,) = parsed.problems
    assert (problem.line_number, problem.line, problem.blocking) == (
        59,
        "Wikidata Lua Scribunto",
        True,
    )
    assert problem.message == (
        "#006: cannot tell where the Spanish and the English names of this topic meet; "
        "put a tab between them"
    )


def test_archive_upcoming_call_without_a_matching_year_is_reported(page_text):
    # 30 February never falls on any weekday.
    text = page_text.replace("Tuesday, September 15th", "Tuesday, February 30th")

    parsed = parse_archive_page(text)

    assert [(p.line_number, p.message) for p in parsed.problems] == [
        (44, "'Tuesday, February 30th, 13:00 UTC' names a day that does not exist")
    ]
    assert parsed.data.upcoming == ()


def test_archive_upcoming_call_with_a_wrong_weekday_far_away_is_reported(page_text):
    # 29 February is a Thursday only in 2024 within the seven years after August 2020.
    text = page_text.replace("Tuesday, September 15th", "Friday, February 29th")

    parsed = parse_archive_page(text)

    assert [(p.line_number, p.blocking) for p in parsed.problems] == [(44, True)]
    assert parsed.problems[0].message == (
        "no year within 7 years after the last archived call (21 Aug 2020) has this date on "
        "this weekday"
    )


# --- Splitting a topic line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "languages", "expected"),
    [
        (
            "Impacto de la pandemia en los afiliados Impact of the pandemic on affiliates",
            ("es", "en"),
            ("Impacto de la pandemia en los afiliados", "Impact of the pandemic on affiliates"),
        ),
        (
            "Apoyo que se necesita de la Fundación Needed support from the Foundation",
            ("es", "en"),
            ("Apoyo que se necesita de la Fundación", "Needed support from the Foundation"),
        ),
        (
            "Impact of the pandemic on affiliates Impacto de la pandemia en los afiliados",
            ("en", "es"),
            ("Impact of the pandemic on affiliates", "Impacto de la pandemia en los afiliados"),
        ),
        (
            "L'avenir des projets Wikimedia The future of Wikimedia projects",
            ("fr", "en"),
            ("L'avenir des projets Wikimedia", "The future of Wikimedia projects"),
        ),
        (
            "Die Zukunft der Gemeinschaft The future of the community",
            ("de", "en"),
            ("Die Zukunft der Gemeinschaft", "The future of the community"),
        ),
        ("Wikimedia Commons Wikimedia Commons", ("es", "en"), ("Wikimedia Commons",) * 2),
        (
            "Apoyo que se\tnecesita de la Fundación",
            ("es", "en"),
            ("Apoyo que se", "necesita de la Fundación"),
        ),
        ("Only one language here", ("en",), ("Only one language here",)),
    ],
)
def test_split_topic_line_finds_each_language(line, languages, expected):
    assert split_topic_line(line, languages) == expected


@pytest.mark.parametrize(
    ("line", "languages"),
    [
        ("Wikidata Lua Scribunto", ("es", "en")),  # no word says which language it is
        ("Impact of the pandemic on affiliates Impacto de la pandemia", ("es", "en")),  # swapped
        ("one\ttwo\tthree", ("es", "en")),  # a tab is definitive: three cells for two languages
        ("Wikidata", ("es", "en")),
    ],
)
def test_split_topic_line_reports_ambiguity_as_none(line, languages):
    assert split_topic_line(line, languages) is None


# --- The adapter --------------------------------------------------------------------------------


def counts() -> tuple[int, int, int]:
    return Program.objects.count(), ClinicSession.objects.count(), Segment.objects.count()


@pytest.mark.django_db
def test_import_archive_creates_the_program_and_its_sessions(page_text):
    report = import_archive_page(page_text, slug=SLUG)

    assert report.ok
    assert report.saved
    program = Program.objects.get(slug=SLUG)
    assert program.name == "Wikimedia Clinics"
    assert program.default_languages == ["en", "es"]
    assert program.default_duration_minutes == 90
    assert program.session_title_pattern == "Wikimedia Clinic #{number}"
    assert program.wiki_page_prefix == "Wikimedia Clinics"
    assert program.purpose.startswith("In these complex times of pandemic")
    assert program.conduct.startswith("The Wikimedia Clinic calls are a Friendly space.")
    sessions = {s.number: s for s in program.sessions.all()}
    assert {n: s.start_date for n, s in sessions.items()} == {
        1: dt.date(2020, 6, 15),
        2: dt.date(2020, 6, 17),
        3: dt.date(2020, 6, 23),
        4: dt.date(2020, 6, 28),
        5: dt.date(2020, 7, 1),
        6: dt.date(2020, 7, 16),
        7: dt.date(2020, 8, 5),
        8: dt.date(2020, 8, 10),
        9: dt.date(2020, 8, 21),
        10: dt.date(2020, 9, 15),
    }
    assert all(
        sessions[n].start_time is None and sessions[n].starts_at is None for n in range(1, 10)
    )
    assert all(sessions[n].status == ClinicSession.Status.HELD for n in range(1, 10))
    assert sessions[6].spoken_languages == ["es"]
    assert sessions[6].archive_topics == {
        "es": ["Impacto de la pandemia en los afiliados", "Apoyo que se necesita de la Fundación"],
        "en": ["Impact of the pandemic on affiliates", "Needed support from the Foundation"],
    }
    assert sessions[3].spoken_languages == ["en"]
    assert sessions[3].archive_topics == {}


@pytest.mark.django_db
def test_import_archive_gives_010_its_time_and_segment(page_text):
    import_archive_page(page_text, slug=SLUG)

    session = ClinicSession.objects.get(program__slug=SLUG, number=10)
    assert (session.start_time, session.time_zone) == (dt.time(13, 0), "UTC")
    assert session.starts_at == dt.datetime(2020, 9, 15, 13, 0, tzinfo=dt.UTC)
    assert session.status == ClinicSession.Status.PLANNED
    assert session.duration_minutes == 90
    assert session.display_title == "Wikimedia Clinic #010"
    assert list(
        session.segments.values_list(
            "title", "presenter", "start_offset_minutes", "duration_minutes"
        )
    ) == [("Abstract Wikipedia", "Denny Vrandečić", 0, 30)]


@pytest.mark.django_db
def test_import_archive_twice_changes_nothing(page_text):
    import_archive_page(page_text, slug=SLUG)
    before = counts()
    version = Program.objects.get(slug=SLUG).content_version

    report = import_archive_page(page_text, slug=SLUG)

    assert report.ok
    assert (report.created, report.updated) == ([], [])
    assert len(report.unchanged) == 12  # the program, ten sessions, one segment
    assert counts() == before
    assert Program.objects.get(slug=SLUG).content_version == version


@pytest.mark.django_db
def test_import_archive_updates_an_existing_program(page_text):
    import_archive_page(page_text, slug=SLUG)
    session = ClinicSession.objects.get(program__slug=SLUG, number=4)
    services.update_session(session=session, start_date=dt.date(2020, 6, 29))

    report = import_archive_page(page_text, slug=SLUG)

    assert report.updated == ["session #004: start_date"]
    session.refresh_from_db()
    assert session.start_date == dt.date(2020, 6, 28)


@pytest.mark.django_db
def test_import_archive_dry_run_saves_nothing(page_text):
    report = import_archive_page(page_text, slug=SLUG, dry_run=True)

    assert report.ok
    assert not report.saved
    assert len(report.created) == 12  # the program, ten sessions, one segment
    assert report.lines()[-1] == "dry run: nothing was saved"
    assert counts() == (0, 0, 0)


@pytest.mark.django_db
def test_import_archive_with_a_blocking_problem_saves_nothing(page_text):
    import_archive_page(page_text, slug=SLUG)
    before = counts()
    text = page_text.replace("Wikimedia Clinics\n", "Wikimedia Clinics renamed\n", 1).replace(
        "004 28-Jun-2020", "004 28-Jux-2020"
    )

    report = import_archive_page(text, slug=SLUG)

    assert not report.ok
    assert report.failure == "the text has 1 problem(s) that stop the import (listed above)"
    assert counts() == before
    assert Program.objects.get(slug=SLUG).name == "Wikimedia Clinics"


@pytest.mark.django_db
def test_import_archive_refused_by_a_service_rolls_everything_back(page_text):
    import_archive_page(page_text, slug=SLUG)
    before = counts()
    # The rows change first; then #010 falls in the hour Madrid skips on 28 March 2021.
    text = page_text.replace("003 23-Jun-2020", "003 24-Jun-2020").replace(
        "Tuesday, September 15th, 13:00 UTC", "Sunday, March 28th, 02:30 Europe/Madrid"
    )

    report = import_archive_page(text, slug=SLUG)

    assert not report.ok
    assert report.failure.startswith(
        "session #010 (line 44): 2:30\u202fAM on Sunday, March 28, 2021 does not exist"
    )
    assert report.created == report.updated == []
    assert counts() == before
    assert ClinicSession.objects.get(program__slug=SLUG, number=3).start_date == dt.date(
        2020, 6, 23
    )


@pytest.mark.django_db
def test_import_archive_of_a_non_page_saves_nothing():
    report = import_archive_page(seed("002"), slug=SLUG)

    assert not report.ok
    assert counts() == (0, 0, 0)


# --- The command --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_program_text_command_imports_and_reports(capsys):
    (path,) = SEEDS.glob("001_*.txt")

    call_command("import_program_text", str(path), kind="archive", program=SLUG)

    out = capsys.readouterr().out
    assert f"{path}: importing as archive into {SLUG}" in out
    assert "created: session #006 on 2020-07-16 (es)" in out
    assert f"{path}: imported" in out
    assert ClinicSession.objects.filter(program__slug=SLUG).count() == 10


@pytest.mark.django_db
def test_import_program_text_command_fails_on_a_bad_file(tmp_path, capsys):
    (good,) = SEEDS.glob("001_*.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text(good.read_text(encoding="utf-8").replace("28-Jun-2020", "28-Jux-2020"))

    with pytest.raises(CommandError, match=r"^1 of 2 file\(s\) could not be imported"):
        call_command("import_program_text", str(bad), str(good), kind="archive", program=SLUG)

    out = capsys.readouterr().out
    assert "problem: line 54: #004: “28-Jux-2020” is not a date like 15-Jun-2020" in out
    # Each file has its own transaction: the good one was imported all the same.
    assert ClinicSession.objects.filter(program__slug=SLUG).count() == 10


@pytest.mark.django_db
def test_import_program_text_command_dry_run_saves_nothing(capsys):
    (path,) = SEEDS.glob("001_*.txt")

    call_command("import_program_text", str(path), kind="archive", program=SLUG, dry_run=True)

    assert "dry run: nothing was saved" in capsys.readouterr().out
    assert counts() == (0, 0, 0)
