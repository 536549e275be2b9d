"""Renderers of a digest, pure functions over :class:`~clinicdesk.digests.documents.DigestData`:
HTML (sanitized with nh3), MediaWiki wikitext, Markdown and plain text for e-mail."""

from __future__ import annotations

from collections.abc import Callable

from clinicdesk.digests.documents import DigestData
from clinicdesk.digests.renderers.html import render_html
from clinicdesk.digests.renderers.markdown import render_markdown
from clinicdesk.digests.renderers.text import render_text
from clinicdesk.digests.renderers.wikitext import render_wikitext

RENDERERS: dict[str, Callable[[DigestData], str]] = {
    "html": render_html,
    "wikitext": render_wikitext,
    "markdown": render_markdown,
    "text": render_text,
}
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "wikitext": "text/x-wiki; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "text": "text/plain; charset=utf-8",
}
FILE_SUFFIXES = {"html": "html", "wikitext": "wiki", "markdown": "md", "text": "txt"}


def render(doc: DigestData, output: str) -> str:
    """The digest in ``output`` (html, wikitext, markdown or text)."""
    return RENDERERS[output](doc)


__all__ = [
    "CONTENT_TYPES",
    "FILE_SUFFIXES",
    "RENDERERS",
    "render",
    "render_html",
    "render_markdown",
    "render_text",
    "render_wikitext",
]
