"""Whole-page caching for public pages, keyed by the content version of what they show.

A public page depends on the program's record, the address, the reader's language and zone,
and the clock (a call moves from "upcoming" to the archive when it ends). The key holds the
first four; a short timeout bounds the last. Every service that changes a program or one of
its sessions moves ``Program.content_version``, so an edit is visible at once on every app
server that shares the cache. Readers with a session cookie (organizers) always get a fresh
page, since theirs can differ. An ETag lets a browser on a paid data plan revalidate for free.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

View = Callable[..., HttpResponseBase]
VersionOf = Callable[..., int | None]

PAGE_TTL_SECONDS = 60
_KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def _is_personal(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies


def cached_public_page(
    version_of: VersionOf, timeout: int = PAGE_TTL_SECONDS
) -> Callable[[View], View]:
    """Caches a GET view's 200 responses under ``version_of(request, **kwargs)``.

    ``version_of`` returns the content version, or None when the object does not exist, in
    which case the view runs (and answers 404 itself).
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if (
                not settings.CLINICDESK_PAGE_CACHE
                or request.method not in ("GET", "HEAD")
                or _is_personal(request)
            ):
                return view(request, *args, **kwargs)
            version = version_of(request, *args, **kwargs)
            if version is None:
                return view(request, *args, **kwargs)
            # The zone's source is in the page too (it tells zone.js whether to ask the browser).
            zone = getattr(request, "reader_zone", "")
            zone += ":" + getattr(request, "reader_zone_source", "")
            raw = "|".join(
                (
                    str(version),
                    request.get_host(),
                    request.get_full_path(),
                    get_language() or "",
                    zone,
                )
            )
            digest = hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
            key = f"page:{digest}"
            gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
            # Each representation has its own tag, as RFC 9110 asks of a strong validator.
            etag = f'"{digest}-gz"' if gzipped else f'"{digest}"'
            hit = cache.get(key)
            if hit is None:
                response = view(request, *args, **kwargs)
                # A page with a form carries this reader's CSRF token: never hand it to another.
                if (
                    response.status_code != 200
                    or response.streaming
                    or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                ):
                    return response
                assert isinstance(response, HttpResponse)  # noqa: S101 - not streaming
                headers = [(h, response[h]) for h in _KEPT_HEADERS if h in response]
                # Compressed once here, then served to every reader who accepts it.
                hit = (response.content, gzip.compress(response.content, 6, mtime=0), headers)
                cache.set(key, hit, timeout)
            body, compressed, headers = hit
            if request.headers.get("If-None-Match") == etag:
                response = HttpResponseNotModified()
            else:
                response = HttpResponse(compressed if gzipped else body)
                for name, value in headers:
                    response[name] = value
                if gzipped:
                    response["Content-Encoding"] = "gzip"
            response["ETag"] = etag
            patch_vary_headers(response, ("Accept-Encoding",))
            patch_cache_control(response, no_cache=True)
            return response

        return wrapper

    return decorator
