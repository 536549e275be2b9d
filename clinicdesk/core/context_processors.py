from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language, get_language_bidi

from clinicdesk.lib.formats import zone_city


def reader(request: HttpRequest) -> dict[str, Any]:
    """The reader's zone and language, for the header of every page."""
    zone = getattr(request, "reader_zone", settings.CLINICDESK_DEFAULT_READER_ZONE)
    language = get_language() or settings.LANGUAGE_CODE
    return {
        "reader_zone": zone,
        "reader_zone_city": zone_city(zone, language),
        "reader_zone_source": getattr(request, "reader_zone_source", "default"),
        "reader_language": language,
        "reader_bidi": get_language_bidi(),
    }
