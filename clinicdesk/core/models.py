"""What every app shares in the database: the rate-limit counters."""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """Hits from one client address in one scope and one window of time (``core.ratelimit``).

    The key names all three, so a new window starts a new row; rows are deleted once their
    window is over.
    """

    key = models.CharField(max_length=200, primary_key=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"
