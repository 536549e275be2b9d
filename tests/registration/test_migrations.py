"""Migration 0005 drops the rate-limit cache table that 0002 made on older installs."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

OLD_TABLE = "clinicdesk_ratelimit_cache"


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.django_db(transaction=True)
def test_old_rate_limit_cache_table_is_dropped_and_new_installs_never_have_it():
    assert OLD_TABLE not in _tables()
    call_command("migrate", "registration", "0004", verbosity=0)
    with connection.cursor() as cursor:  # an install migrated while the cache existed
        cursor.execute(f"CREATE TABLE {OLD_TABLE} (cache_key varchar(255) PRIMARY KEY)")
    assert OLD_TABLE in _tables()
    call_command("migrate", "registration", verbosity=0)
    assert OLD_TABLE not in _tables()
