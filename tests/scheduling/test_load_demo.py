"""``manage.py load_demo`` and the shipped copies of the seeds."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from clinicdesk.demo import SEEDS_DIR, seed_path
from clinicdesk.scheduling import services
from clinicdesk.scheduling.models import ClinicSession, Program, RotationSlot, Segment

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def counts() -> tuple[int, int, int, int]:
    return (
        Program.objects.count(),
        ClinicSession.objects.count(),
        Segment.objects.count(),
        RotationSlot.objects.count(),
    )


def test_shipped_seeds_are_byte_identical_to_the_shared_ones():
    shared = sorted(path.name for path in SEEDS.glob("*.txt"))

    assert len(shared) == 5
    assert sorted(path.name for path in SEEDS_DIR.glob("*.txt")) == shared
    for name in shared:
        assert (SEEDS_DIR / name).read_bytes() == (SEEDS / name).read_bytes(), name


def test_seed_path_finds_each_seed_by_prefix():
    assert [seed_path(f"00{n}").name[:4] for n in range(5)] == [
        "000_",
        "001_",
        "002_",
        "003_",
        "004_",
    ]
    with pytest.raises(LookupError):
        seed_path("005")


@pytest.mark.django_db
def test_load_demo_twice_gives_the_same_counts():
    call_command("load_demo", verbosity=0)
    first = counts()

    call_command("load_demo", verbosity=0)

    assert counts() == first
    # The clinics (14 sessions, #010's segment, two rotation slots), the consultations
    # demo's own program with its four events, and the newsletter demo's Let's Connect with
    # its 11 learning clinics (7 segments: the presenters of slides).
    assert first == (3, 29, 8, 2)


@pytest.mark.django_db
def test_load_demo_imports_both_seeds_and_sets_demo_settings():
    call_command("load_demo", verbosity=0)

    program = Program.objects.get(slug="wikimedia-clinics")
    assert program.community_zones == [
        "America/Mexico_City",
        "America/Sao_Paulo",
        "Europe/Madrid",
        "Africa/Lagos",
        "Asia/Kolkata",
        "Asia/Jakarta",
    ]
    assert program.cadence_days == 10
    first = program.sessions.get(number=1)
    assert first.starts_at == dt.datetime(2020, 6, 15, 17, 30, tzinfo=dt.UTC)
    assert list(program.sessions.filter(is_demo=False).values_list("number", flat=True)) == list(
        range(1, 11)
    )


@pytest.mark.django_db
def test_load_demo_plans_four_alternating_future_calls():
    before = timezone.now()

    call_command("load_demo", verbosity=0)

    demo = list(ClinicSession.objects.filter(is_demo=True).order_by("number"))
    assert [s.number for s in demo] == [11, 12, 13, 14]
    assert all(s.starts_at > before for s in demo)
    assert [(s.start_date.weekday(), s.start_time, s.time_zone) for s in demo] == [
        (0, dt.time(17, 30), "UTC"),
        (2, dt.time(8, 0), "UTC"),
        (0, dt.time(17, 30), "UTC"),
        (2, dt.time(8, 0), "UTC"),
    ]
    gaps = [(b.start_date - a.start_date).days for a, b in itertools.pairwise(demo)]
    assert min(gaps) >= 10
    assert all(s.status == ClinicSession.Status.PLANNED for s in demo)


@pytest.mark.django_db
def test_load_demo_plans_again_once_the_demo_calls_have_passed():
    call_command("load_demo", verbosity=0)
    for session in ClinicSession.objects.filter(is_demo=True):
        services.update_session(
            session=session, start_date=session.start_date - dt.timedelta(days=400)
        )

    call_command("load_demo", verbosity=0)

    upcoming = ClinicSession.objects.filter(is_demo=True, starts_at__gt=timezone.now())
    assert list(upcoming.order_by("number").values_list("number", flat=True)) == [
        15,
        16,
        17,
        18,
    ]
    # #014 was a Wednesday call: the rotation continues with Monday.
    assert upcoming.get(number=15).start_date.weekday() == 0


@pytest.mark.django_db
def test_load_demo_reports_what_it_did(capsys):
    call_command("load_demo")
    call_command("load_demo")

    out = capsys.readouterr().out
    assert "archive page: 12 created, 0 updated" in out
    assert "announcement: 0 created, 3 updated" in out
    assert "planned demo calls: #011 " in out
    assert out.rstrip().endswith("upcoming demo calls already planned")
