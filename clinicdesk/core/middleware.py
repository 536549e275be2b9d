"""Finds the reader's time zone: ``?tz=`` in the address, else their cookie, else the default.

A zone asked for in the address that is not a zone is a bad request: the reader gets a 400
that says so, with the zone chooser and a way back to the page without it. A cookie that is
not a zone is not the reader's doing on this request, so it falls back to the default.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from clinicdesk.lib.tz import is_zone

ZONE_COOKIE = "clinicdesk_tz"


class ReaderZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone, source = settings.CLINICDESK_DEFAULT_READER_ZONE, "default"
        asked = request.GET.get("tz", "").strip()
        # zone.js writes the cookie URL-encoded ("America%2FMexico_City").
        cookie = unquote(request.COOKIES.get(ZONE_COOKIE, ""))
        if cookie:
            # An unusable cookie is not retried by the browser script: it would loop.
            zone, source = (cookie, "cookie") if is_zone(cookie) else (zone, "invalid")
        request.reader_zone = zone  # type: ignore[attr-defined]
        request.reader_zone_source = source  # type: ignore[attr-defined]
        if asked:
            if not is_zone(asked):
                return _unknown_zone(request, asked)
            request.reader_zone = asked  # type: ignore[attr-defined]
            request.reader_zone_source = "address"  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Vary", "Cookie")
        return response


def _unknown_zone(request: HttpRequest, asked: str) -> HttpResponse:
    message = _("“%(zone)s” is not a time zone. Choose a time zone from the list.") % {
        "zone": asked[:100]
    }
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    rest = request.GET.copy()
    del rest["tz"]
    back = request.path + (f"?{rest.urlencode()}" if rest else "")
    return render(request, "core/zone.html", {"next": back, "error": message}, status=400)
