"""Where the community comes from: poll answers, declared hubs, community cities, and the
registration app's home zones through its one seam."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from clinicdesk.planning import sources
from clinicdesk.planning.core.hubs import Hub
from clinicdesk.planning.sources import Source, SourceUnavailable, community_of


def test_sources_poll_members_carry_their_local_hours(answered_poll, program):
    community = community_of(program, Source.POLL)
    assert community.size == 3
    table = community.members
    assert list(table.zones) == ["Europe/Madrid", "America/Mexico_City", "Asia/Kolkata"]
    evenings = {d * 48 + c for d in range(5) for c in range(36, 42)}
    assert set(np.flatnonzero(table.availability[0]).tolist()) == evenings


def test_sources_hubs_typed_or_saved(program, settings_saved):
    saved = community_of(program, Source.HUBS)
    assert [(m.zone, m.weight) for m in saved.members] == [
        ("America/Mexico_City", 40.0),
        ("Europe/Madrid", 35.0),
        ("Asia/Kolkata", 25.0),
    ]
    typed = community_of(program, Source.HUBS, [Hub("Africa/Lagos", 100)])
    assert (typed.size, typed.members[0].zone) == (1, "Africa/Lagos")


def test_sources_community_cities_in_equal_shares(program):
    cities = community_of(program, Source.CITIES)
    assert [m.weight for m in cities.members] == [25.0, 25.0, 25.0, 25.0]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (Source.POLL, "The availability poll has no answers yet."),
        (Source.HUBS, "No spread of hubs is declared yet."),
    ],
)
def test_sources_empty_say_so(program, source, message):
    with pytest.raises(SourceUnavailable) as caught:
        community_of(program, source)
    assert str(caught.value) == message


def test_sources_registrations_seam(program, monkeypatch):
    recorded = sources._registration_models() is not None
    with pytest.raises(SourceUnavailable) as caught:
        community_of(program, Source.REGISTRATIONS)
    assert str(caught.value) == (
        "Nobody has registered for a session of this program yet."
        if recorded
        else "Registrations are not recorded on this site."
    )
    monkeypatch.setattr(sources, "_registration_models", lambda: None)
    with pytest.raises(SourceUnavailable) as caught:
        community_of(program, Source.ATTENDANCE)
    assert str(caught.value) == "Registrations are not recorded on this site."
    assert sources.source_sizes(program)[Source.REGISTRATIONS] is None


def test_sources_one_zone_per_person_the_latest():
    rows = [
        ("a@x", "Europe/Madrid"),
        ("b@x", "Asia/Kolkata"),
        ("a@x", "Europe/Lisbon"),
        ("c@x", ""),
    ]
    assert sources._zones_by_person(rows) == ["Europe/Lisbon", "Asia/Kolkata"]


def test_sources_registrations_and_attendance_read_home_zones_once_per_person(program):
    """Through the seam, with the registration app's own services making the records."""
    from clinicdesk.registration import services as registration
    from tests.conftest import make_session
    from tests.registration.conftest import open_registration, register

    first = make_session(program, 1, start_date=dt.date(2030, 6, 17))
    second = make_session(program, 2, start_date=dt.date(2030, 6, 24))
    for session in (first, second):
        open_registration(session, capacity=5)
    plain = {"interpretation_language": ""}
    ana = register(first, "Ana", home_time_zone="America/Bogota", **plain)
    register(second, "Ana", home_time_zone="Europe/Madrid", **plain)  # the same person, moved
    register(first, "Ravi", home_time_zone="Asia/Kolkata", **plain)
    gone = register(second, "Lea", home_time_zone="Africa/Lagos", **plain)
    registration.cancel_registration(registration=gone)
    registration.check_in_registration(registration=ana, role="volunteer")

    registered = community_of(program, Source.REGISTRATIONS)
    assert sorted(m.zone for m in registered.members) == ["Asia/Kolkata", "Europe/Madrid"]
    attended = community_of(program, Source.ATTENDANCE)
    assert [m.zone for m in attended.members] == ["America/Bogota"]
    assert sources.source_sizes(program)[Source.REGISTRATIONS] == 2
