"""Many registrations at once, from threads, on the configured database (a SQLite file, or
PostgreSQL with DATABASE_URL): exactly the seats are confirmed, the rest waitlisted, no error
and no "database is locked"; cancellations at once promote exactly as many."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from clinicdesk.registration import services
from clinicdesk.registration.models import Registration, RegistrationSettings
from tests.conftest import make_session
from tests.registration.conftest import BEFORE, answers, form_data, open_registration

pytestmark = pytest.mark.django_db(transaction=True)

SEATS = 10
PEOPLE = 40


def _together(count: int, work) -> tuple[list, list[str]]:
    """Runs ``work(i)`` in ``count`` threads released at the same moment."""
    barrier = threading.Barrier(count)
    results: list = []
    errors: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            value = work(i)
            with lock:
                results.append(value)
        except Exception as error:  # every failure is reported, none is lost
            with lock:
                errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.fixture
def full_house(program):
    session = make_session(program, 1)
    open_registration(session, capacity=SEATS)
    return session


def _statuses(session) -> Counter:
    return Counter(Registration.objects.filter(session=session).values_list("status", flat=True))


def test_concurrent_registrations_fill_exactly_the_seats(full_house):
    def register(i: int) -> str:
        result = services.register(
            session=full_house,
            answers=answers(name=f"P{i}", email=f"p{i}@example.org", interpretation_language=""),
            now=BEFORE,
        )
        return result.outcome

    outcomes, errors = _together(PEOPLE, register)

    assert errors == []
    assert Counter(outcomes) == {"confirmed": SEATS, "waitlisted": PEOPLE - SEATS}
    assert _statuses(full_house) == {"confirmed": SEATS, "waitlisted": PEOPLE - SEATS}
    row = RegistrationSettings.objects.get(session=full_house)
    assert (row.confirmed_count, row.waitlisted_count) == (SEATS, PEOPLE - SEATS)


def test_concurrent_form_posts_over_http_fill_exactly_the_seats(full_house, settings):
    settings.REGISTRATION_RATE_LIMIT = 0
    path = f"/programs/{full_house.program.slug}/sessions/1/register/"

    def post(i: int) -> int:
        data = form_data(name=f"P{i}", email=f"p{i}@example.org", interpretation_language="")
        return Client().post(path, data).status_code

    statuses, errors = _together(PEOPLE, post)

    assert errors == []
    assert statuses == [303] * PEOPLE
    assert _statuses(full_house) == {"confirmed": SEATS, "waitlisted": PEOPLE - SEATS}


def test_same_address_at_once_makes_one_registration(full_house):
    def register(i: int) -> str:
        return services.register(
            session=full_house,
            answers=answers(
                name=f"Ana {i % 2}", email="ana@example.org", interpretation_language=""
            ),
            now=BEFORE,
        ).outcome

    outcomes, errors = _together(12, register)

    assert errors == []
    assert Registration.objects.filter(session=full_house).count() == 1
    assert outcomes.count("confirmed") == 1
    assert set(outcomes) <= {"confirmed", "updated", "unchanged"}


def test_concurrent_cancellations_promote_exactly_as_many(full_house):
    people = [
        services.register(
            session=full_house,
            answers=answers(name=f"P{i}", email=f"p{i}@example.org", interpretation_language=""),
            now=BEFORE,
        ).registration
        for i in range(SEATS + 5)
    ]
    leaving = people[:3]

    _results, errors = _together(
        len(leaving), lambda i: services.cancel_registration(registration=leaving[i], now=BEFORE)
    )

    assert errors == []
    assert _statuses(full_house) == {"confirmed": SEATS, "waitlisted": 2, "cancelled": 3}
    promoted = Registration.objects.filter(
        session=full_house, status="confirmed", emails__kind="promoted"
    )
    # The first three of the waitlist, in order.
    assert sorted(promoted.values_list("name", flat=True)) == ["P10", "P11", "P12"]
