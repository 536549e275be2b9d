from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clinicdesk.core.middleware import ZONE_COOKIE
from clinicdesk.lib.tz import is_zone
from clinicdesk.scheduling.queries import public_programs

ONE_YEAR = 365 * 24 * 3600


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"programs": public_programs()})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """A fixed small page through the whole middleware stack: the framework's own limit."""
    return HttpResponse(b"ok\n", content_type="text/plain")


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_http_methods(["GET", "POST"])
def choose_zone(request: HttpRequest) -> HttpResponse:
    """The reader picks the zone every time is shown in; kept in a cookie for a year."""
    if request.method == "POST":
        zone = request.POST.get("tz", "").strip()
        if not is_zone(zone):
            response = render(
                request,
                "core/zone.html",
                {
                    "next": _safe_next(request),
                    "error": _("Choose a time zone from the list."),
                    "asked": zone[:100],
                },
                status=400,
            )
            return response
        response = redirect(_safe_next(request))
        response.set_cookie(
            ZONE_COOKIE, zone, max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure()
        )
        return response
    return render(request, "core/zone.html", {"next": _safe_next(request)})
