"""Rate limits per client address, shared by every process through the ``ratelimit`` cache.

A fixed-window counter: later hits of a window increment its key, the first adds it
(``cache.add`` is atomic on every backend: a unique key in the database cache, SET NX in
Redis).
Redis increments atomically; the database cache reads and writes, so simultaneous hits from
one address may count once between them, which loosens the limit by at most the number of
requests in flight and never refuses a request that should pass. No library is needed for
so little (django-ratelimit does the same add-then-incr on the cache and is not in our lock
file).

When the cache cannot be reached the request is let through and the problem logged: an
anti-automation measure must not shut registration down.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest

logger = logging.getLogger(__name__)

CACHE_ALIAS = "ratelimit"


@dataclass(frozen=True, slots=True)
class Limit:
    hits: int  # 0: no limit
    window_seconds: int


def registration_limit() -> Limit:
    return Limit(settings.REGISTRATION_RATE_LIMIT, settings.REGISTRATION_RATE_WINDOW_SECONDS)


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


def hit(request: HttpRequest, scope: str, limit: Limit) -> int | None:
    """Counts one hit; returns None when it is allowed, else the seconds until the next window."""
    if limit.hits <= 0:
        return None
    now = int(time.time())
    window = now // limit.window_seconds
    key = f"rl:{scope}:{client_address(request)}:{window}"
    cache = caches[CACHE_ALIAS]
    try:
        # A savepoint when the caller's transaction is open: a failing database cache must
        # not abort it (PostgreSQL refuses every later statement of an aborted transaction).
        with transaction.atomic():
            try:
                count = cache.incr(key)  # the usual case: the window has begun
            except ValueError:  # its first hit (or someone else's, a moment ago)
                count = 1 if cache.add(key, 1, limit.window_seconds + 5) else cache.incr(key)
    except ValueError:  # expired between add and incr: this is the window's first hit
        count = 1
    except Exception:  # the cache is down: let the person through
        logger.exception("rate limit cache unavailable")
        return None
    if count > limit.hits:
        return (window + 1) * limit.window_seconds - now
    return None
