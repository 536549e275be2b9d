"""Finds the reader's time zone: ``?tz=`` in the address, else their cookie, else the default."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from clinicdesk.lib.tz import is_zone

ZONE_COOKIE = "clinicdesk_tz"


class ReaderZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone, source = settings.CLINICDESK_DEFAULT_READER_ZONE, "default"
        asked = request.GET.get("tz")
        # zone.js writes the cookie URL-encoded ("America%2FMexico_City").
        cookie = unquote(request.COOKIES.get(ZONE_COOKIE, ""))
        if asked and is_zone(asked):
            zone, source = asked, "address"
        elif cookie:
            # An unusable cookie is not retried by the browser script: it would loop.
            zone, source = (cookie, "cookie") if is_zone(cookie) else (zone, "invalid")
        request.reader_zone = zone  # type: ignore[attr-defined]
        request.reader_zone_source = source  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Vary", "Cookie")
        return response
