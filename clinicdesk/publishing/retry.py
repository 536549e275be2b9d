"""When to try again after a failure that may pass. Pure."""

from __future__ import annotations

import datetime as dt


def retry_delay(attempts: int, *, base_seconds: int, cap_seconds: int) -> dt.timedelta:
    """Exponential backoff after ``attempts`` failed attempts: base, 2 x base, 4 x base ...
    never more than the cap."""
    exponent = max(attempts - 1, 0)
    seconds = base_seconds * (2 ** min(exponent, 30))
    return dt.timedelta(seconds=min(seconds, cap_seconds))
