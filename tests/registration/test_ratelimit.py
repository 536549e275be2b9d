"""Rate limits per client address, counted in a table of the database: another process sees the
same count, and two hits at once are both counted."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from django.db import connection
from django.test import RequestFactory

from clinicdesk.core.models import RateCounter
from clinicdesk.registration import ratelimit
from tests.registration.processes import ROOT, process_env

LIMIT = ratelimit.Limit(5, 600)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("not an address", "unknown"),
        ("", "unknown"),
    ],
)
def test_client_address_groups_ipv6_by_64(address, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=address)
    assert ratelimit.client_address(request) == expected


def test_client_address_from_a_proxy_header_when_configured(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.2"
    )
    assert ratelimit.client_address(request) == "10.0.0.1"
    settings.REGISTRATION_CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    assert ratelimit.client_address(request) == "198.51.100.2"


def test_limit_counts_per_address_and_scope(db):
    one = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")
    other = RequestFactory().post("/", REMOTE_ADDR="192.0.2.2")
    assert [ratelimit.hit(one, "register", LIMIT) for _ in range(5)] == [None] * 5
    retry_after = ratelimit.hit(one, "register", LIMIT)
    assert retry_after is not None
    assert 0 < retry_after <= 600
    assert ratelimit.hit(other, "register", LIMIT) is None
    assert ratelimit.hit(one, "manage-link", LIMIT) is None


def test_no_limit_when_set_to_zero(db):
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")
    assert all(ratelimit.hit(request, "x", ratelimit.Limit(0, 60)) is None for _ in range(50))


def test_each_window_is_one_row_and_windows_that_are_over_go(db, monkeypatch):
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")
    minute = ratelimit.Limit(100, 60)
    clock = [1_800_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    for _ in range(3):
        ratelimit.hit(request, "register", minute)
    assert list(RateCounter.objects.values_list("key", "hits")) == [
        ("register:192.0.2.1:30000000", 3)
    ]
    clock[0] += 120  # two windows later: the first hit of the new window clears the old one
    ratelimit.hit(request, "register", minute)
    assert list(RateCounter.objects.values_list("key", "hits")) == [
        ("register:192.0.2.1:30000002", 1)
    ]


HITS_FROM_ANOTHER_PROCESS = """
import django
django.setup()
from django.test import RequestFactory
from clinicdesk.core.models import RateCounter
from clinicdesk.registration import ratelimit
request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.9")
print([ratelimit.hit(request, "register", ratelimit.Limit(5, 600)) for _ in range(3)])
"""


@pytest.mark.django_db(transaction=True)
def test_limit_is_shared_with_another_process():
    done = subprocess.run(
        [sys.executable, "-c", HITS_FROM_ANOTHER_PROCESS],
        cwd=ROOT,
        env=process_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[None, None, None]"
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.9")
    assert ratelimit.hit(request, "register", LIMIT) is None  # the 4th
    assert ratelimit.hit(request, "register", LIMIT) is None  # the 5th
    assert ratelimit.hit(request, "register", LIMIT) is not None  # the 6th, across processes


@pytest.mark.django_db(transaction=True)  # as in a request: no transaction around the hit
def test_counter_unavailable_lets_people_through(caplog):
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO {table}_away")
    try:
        request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")
        assert ratelimit.hit(request, "register", LIMIT) is None
        assert "rate limit counter unavailable" in caplog.text
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table}_away RENAME TO {table}")


@pytest.mark.django_db(transaction=True)
def test_hits_at_once_are_all_counted():
    # Ten threads, each with its own connection, hit at the same moment: one statement each,
    # so none of the hits is lost and the sixth and later are refused.
    barrier = threading.Barrier(10)
    answers: list[int | None] = []

    def one() -> None:
        request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.3")
        barrier.wait()
        try:
            answers.append(ratelimit.hit(request, "register", LIMIT))
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers.count(None) == 5
    assert RateCounter.objects.get().hits == 10
