"""The registration form's rate limit; the counting itself is ``core.ratelimit``'s."""

from __future__ import annotations

from django.conf import settings

from clinicdesk.core.ratelimit import Limit, client_address, hit

__all__ = ["Limit", "client_address", "hit", "registration_limit"]


def registration_limit() -> Limit:
    return Limit(settings.REGISTRATION_RATE_LIMIT, settings.REGISTRATION_RATE_WINDOW_SECONDS)
