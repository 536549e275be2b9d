"""Template helpers of the digest pages: speakers as they agreed to be named, the Markdown
subset as safe HTML, translation states, and the digest links other apps' pages show."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from clinicdesk.digests import documents as d
from clinicdesk.digests.attribution import Speaker, speaker_name
from clinicdesk.digests.markup import parse_blocks, parse_inline
from clinicdesk.digests.renderers import html

register = template.Library()


@register.filter
def speaker(value: Speaker | None) -> str:
    """The speaker as the digest names them now."""
    return speaker_name(value) if value is not None else ""


@register.filter
def inline_markup(text: str) -> SafeString:
    """An item's text (the Markdown subset) as sanitized HTML."""
    return mark_safe(html.inline_html(parse_inline(text or "")))  # noqa: S308 - nh3


@register.filter
def block_markup(text: str) -> SafeString:
    """A topic's text (the Markdown subset, with lists and subheadings) as sanitized HTML."""
    return mark_safe(html.blocks_html(parse_blocks(text or "")))  # noqa: S308 - nh3


@register.filter
def state_label(state: str) -> str:
    labels = {
        d.UNTRANSLATED: pgettext("translation state", "untranslated"),
        d.OUTDATED: pgettext("translation state", "outdated"),
        d.CURRENT: pgettext("translation state", "up to date"),
    }
    return labels.get(state, "")


# --- On other apps' pages -------------------------------------------------------------------------


@register.simple_tag
def digest_links_for(program: Any) -> dict[int, list[Any]]:
    """Every published digest version of the program by session id, in one query."""
    from clinicdesk.digests.queries import digest_links_by_session

    return digest_links_by_session(program)


@register.simple_tag
def digests_heading() -> str:
    return pgettext("archive table column", "digests")


@register.inclusion_tag("digests/_archive_links.html")
def digest_links_cell(links: dict[int, list[Any]], session: Any) -> dict[str, Any]:
    return {"links": (links or {}).get(session.pk, [])}


@register.inclusion_tag("digests/_session_versions.html")
def digest_versions(session: Any) -> dict[str, Any]:
    """The session's published digest versions by language (one query)."""
    from clinicdesk.digests.queries import published_versions

    return {"session": session, "versions": published_versions(session)}


@register.inclusion_tag("digests/_manage_link.html")
def digest_editor_link(session: Any) -> dict[str, Any]:
    return {"session": session}
