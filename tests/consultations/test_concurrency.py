"""One ballot per participant when the same participant submits from several threads at once,
each on its own database connection: on SQLite (a file, as the test settings make it) and on
PostgreSQL (``DATABASE_URL=postgresql://... pytest tests/consultations``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from clinicdesk.consultations import services
from clinicdesk.consultations.models import Ballot
from tests.consultations.conftest import ids, participant

THREADS = 8


def _in_threads(work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(THREADS)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            barrier.wait()
            outcome = work(n)
            with lock:
                results.append(outcome)
        except BaseException as error:  # reported to the test below
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def _needs_a_shared_database() -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "the SQLite test database is in memory; clinicdesk/settings_test.py makes it a "
            "file so that threads share it"
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_from_one_participant_leave_one_ballot(consultation):
    _needs_a_shared_database()
    rankings = [ids(consultation, "1.1"), ids(consultation, "2.1", "1.2"), ids(consultation, "2.2")]
    who = participant(consultation, 1)

    results, errors = _in_threads(
        lambda n: services.submit_ballot(
            consultation=consultation, participant=who, choices=rankings[n % len(rankings)]
        )
    )

    assert errors == []
    assert len(results) == THREADS
    assert Ballot.objects.filter(consultation=consultation).count() == 1
    # Exactly one submit created the ballot; every other one replaced it.
    assert sorted(result.replaced for result in results) == [False] + [True] * (THREADS - 1)
    assert Ballot.objects.get().choices in rankings


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_from_many_participants_are_all_kept(consultation):
    _needs_a_shared_database()

    results, errors = _in_threads(
        lambda n: services.submit_ballot(
            consultation=consultation,
            participant=participant(consultation, n),
            choices=ids(consultation, "1.1"),
        )
    )

    assert errors == []
    assert Ballot.objects.filter(consultation=consultation).count() == THREADS
    assert not any(result.replaced for result in results)
