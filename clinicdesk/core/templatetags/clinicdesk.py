"""Template tags that write every time in the reader's zone and language, naming the zone."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from clinicdesk.lib.formats import describe_date, describe_instant
from clinicdesk.lib.languages import language_name

register = template.Library()


def _zone(context: template.Context) -> str:
    request = context.get("request")
    return getattr(request, "reader_zone", settings.CLINICDESK_DEFAULT_READER_ZONE)


@register.simple_tag(takes_context=True)
def local_time(
    context: template.Context,
    instant: dt.datetime | None,
    form: str = "full",
    zone: str | None = None,
) -> SafeString | str:
    """``<time>`` of an instant in the reader's zone (or ``zone``), the zone named."""
    if instant is None:
        return ""
    text = describe_instant(instant, zone or _zone(context), get_language() or "en")
    if form == "time":
        shown = format_html('{} <span class="zone">({})</span>', text.time, text.zone_label)
    elif form == "short":
        shown = format_html(
            '{}, {} <span class="zone">({})</span>', text.short_date, text.time, text.zone_label
        )
    else:
        shown = format_html(
            '{}, {} <span class="zone">({})</span>', text.date, text.time, text.zone_label
        )
    return format_html('<time datetime="{}">{}</time>', text.iso, shown)


@register.simple_tag
def local_date(day: dt.date | None, form: str = "full") -> str:
    if day is None:
        return ""
    return describe_date(day, get_language() or "en", form=form)


@register.filter
def language_names(codes: list[str]) -> str:
    here = get_language() or "en"
    return ", ".join(language_name(code, here) for code in codes)


@register.filter
def language_label(code: str) -> str:
    return language_name(code, get_language() or "en")


@register.simple_tag(takes_context=True)
def page_in_language(context: template.Context, code: str) -> str:
    request = context["request"]
    return _translated_path(request.get_full_path(), code, get_language() or "")


@functools.lru_cache(maxsize=2048)
def _translated_path(path: str, code: str, current: str) -> str:
    """``translate_url`` (a resolve and a reverse), once per page, language and the language
    it is read in: every page links to itself in each interface language."""
    return translate_url(path, code)


@register.filter
def minutes_text(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    return f"{hours}:{rest:02d}"


@register.simple_tag
@functools.cache
def zone_choices() -> list[tuple[str, list[str]]]:
    from clinicdesk.lib.tz import available_zones

    groups: dict[str, list[str]] = {}
    for name in sorted(available_zones()):
        if "/" not in name or name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/")):
            continue
        groups.setdefault(name.split("/", 1)[0], []).append(name)
    return [("UTC", ["UTC"]), *sorted(groups.items())]


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def language_name_local(code: str) -> str:
    """A language's name in itself, as a language switcher shows it."""
    return language_name(code, code)


@register.filter
def prose(text: str) -> SafeString:
    """Plain text as HTML, escaped: blank lines part paragraphs, lines starting "* " make lists."""
    blocks: list[SafeString] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(format_html("<p>{}</p>", " ".join(paragraph)))
            paragraph.clear()
        if items:
            blocks.append(
                format_html(
                    "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((item,) for item in items))
                )
            )
            items.clear()

    for raw in str(text).splitlines():
        line = raw.strip()
        if line.startswith(("* ", "• ", "- ")):
            if paragraph:
                flush()
            items.append(line[2:].strip())
        elif not line:
            flush()
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return SafeString("\n".join(blocks))
