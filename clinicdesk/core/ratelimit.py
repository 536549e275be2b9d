"""Rate limits per client address, counted in the database so that every process shares them.

A fixed-window counter: one row per scope, address and window, incremented by a single
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (SQLite ≥ 3.35 and PostgreSQL alike), so two
hits at once are both counted and no read-then-write races. The first hit of a window also
deletes the rows of windows that are over. No library is needed for so little
(django-ratelimit keeps the same counter in a cache, and is not in our lock file).

When the counter cannot be written the request is let through and the problem logged: an
anti-automation measure must not shut registration down.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest

from clinicdesk.core.models import RateCounter

logger = logging.getLogger(__name__)


def _count_statement() -> str:
    quote = connection.ops.quote_name
    table, key, hits, expires = (
        quote(name) for name in (RateCounter._meta.db_table, "key", "hits", "expires_at")
    )
    return (
        f"INSERT INTO {table} ({key}, {hits}, {expires}) VALUES (%s, 1, %s) "  # noqa: S608
        f"ON CONFLICT ({key}) DO UPDATE SET {hits} = {table}.{hits} + 1 RETURNING {hits}"
    )


@dataclass(frozen=True, slots=True)
class Limit:
    hits: int  # 0: no limit
    window_seconds: int


def client_address(request: HttpRequest) -> str:
    """The client's address; IPv6 by its /64, which one subscriber usually holds whole.

    Behind a proxy, ``REGISTRATION_CLIENT_ADDRESS_HEADER`` names the META key the proxy sets
    (e.g. ``HTTP_X_REAL_IP``); the last address of a list is the one the proxy saw.
    """
    header = settings.REGISTRATION_CLIENT_ADDRESS_HEADER
    raw = request.META.get(header, "") if header else ""
    raw = raw.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


def _instant(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def hit(request: HttpRequest, scope: str, limit: Limit) -> int | None:
    """Counts one hit; returns None when it is allowed, else the seconds until the next window.

    Side effect: a counter row written (in the caller's transaction, if one is open).
    """
    if limit.hits <= 0:
        return None
    now = int(time.time())
    window = now // limit.window_seconds
    key = f"{scope}:{client_address(request)}:{window}"[:200]
    ends = _instant((window + 1) * limit.window_seconds)
    try:
        # A savepoint when the caller's transaction is open: a failing write must not abort
        # it (PostgreSQL refuses every later statement of an aborted transaction).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_count_statement(), [key, ends])
            (count,) = cursor.fetchone()
            if count == 1:  # a window's first hit: the windows that are over go
                RateCounter.objects.filter(expires_at__lte=_instant(now)).delete()
    except DatabaseError:  # the table is missing or locked out: let the person through
        logger.exception("rate limit counter unavailable")
        return None
    if count > limit.hits:
        return (window + 1) * limit.window_seconds - now
    return None
