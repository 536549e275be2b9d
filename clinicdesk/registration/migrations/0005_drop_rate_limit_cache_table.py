"""Drops the old rate-limit cache table: rate limits are counted in ``core.RateCounter`` now.

Migration 0002 made it with ``createcachetable`` while a DatabaseCache named ``ratelimit``
existed; installs made since then never had it, hence ``IF EXISTS``.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registration", "0004_outbox_base"), ("core", "0001_rate_counter")]

    operations = [
        migrations.RunSQL(
            "DROP TABLE IF EXISTS clinicdesk_ratelimit_cache", reverse_sql=migrations.RunSQL.noop
        )
    ]
