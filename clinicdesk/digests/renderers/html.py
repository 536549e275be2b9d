"""A digest as an HTML fragment for the site's pages, sanitized with nh3.

The fragment is built from escaped text only; nh3 then keeps nothing but the few tags and
attributes a digest uses and links to http, https and mailto, so no script or event handler
can reach a reader whatever an editor or an import typed.

Pure: plain data in, text out.
"""

from __future__ import annotations

from html import escape

import nh3

from clinicdesk.digests import documents as d
from clinicdesk.digests.markup import (
    Block,
    Emphasis,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Strong,
    Text,
)
from clinicdesk.digests.renderers import layout as lay

ALLOWED_TAGS = {
    "div",
    "section",
    "h2",
    "h3",
    "h4",
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "br",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "lang"},
    "a": {"href", "hreflang"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def inline(nodes: tuple[Inline, ...]) -> str:
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(escape(node.text, quote=False))
        elif isinstance(node, Strong):
            parts.append(f"<strong>{inline(node.children)}</strong>")
        elif isinstance(node, Emphasis):
            parts.append(f"<em>{inline(node.children)}</em>")
        elif isinstance(node, Link):
            parts.append(f'<a href="{escape(node.url)}">{inline(node.children)}</a>')
        elif isinstance(node, LineBreak):
            parts.append("<br>")
    return "".join(parts)


def _blocks(blocks: tuple[Block, ...], out: list[str]) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"<h3>{inline(block.children)}</h3>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{inline(block.children)}</p>")
        elif isinstance(block, ListBlock):
            _list(block, out)


def blocks_html(blocks: tuple[Block, ...]) -> str:
    """A topic's text as sanitized HTML."""
    out: list[str] = []
    _blocks(blocks, out)
    return sanitize("\n".join(out))


def inline_html(nodes: tuple[Inline, ...]) -> str:
    """An item's text as sanitized HTML."""
    return sanitize(inline(nodes))


def _list(block: ListBlock, out: list[str]) -> None:
    tag = "ol" if block.ordered else "ul"
    out.append(f"<{tag}>")
    for item in block.items:
        out.append(f"<li>{inline(item.children)}")
        for sublist in item.sublists:
            _list(sublist, out)
        out.append("</li>")
    out.append(f"</{tag}>")


def _li_attributes(line: lay.Line) -> str:
    classes = [line.kind.replace("_", "-")]
    if line.state in {d.UNTRANSLATED, d.OUTDATED}:
        classes.append(line.state)
    attributes = f' class="{" ".join(classes)}"'
    if line.language:
        attributes += f' lang="{escape(line.language)}"'
    return attributes


def render_html(doc: d.DigestData) -> str:
    """The digest as a sanitized HTML fragment (a ``div`` in the digest's language)."""
    layout = lay.lay_out(doc)
    out: list[str] = [f'<div class="digest" lang="{escape(doc.language)}">']
    depth = 0  # open <ul> levels of item lines
    in_section = False

    def close_lists(to: int) -> None:
        nonlocal depth
        while depth > to:
            out.append("</li></ul>")
            depth -= 1

    for block in layout.blocks:
        if not isinstance(block, lay.Line):
            close_lists(0)
        if isinstance(block, lay.HeaderParagraph):
            out.append('<p class="digest-header">' + "".join(map(_piece, block.pieces)) + "</p>")
        elif isinstance(block, lay.Paragraph):
            css = f' class="{block.css}"' if block.css else ""
            out.append(f"<p{css}>{inline(block.children)}</p>")
        elif isinstance(block, lay.TopicStart):
            if in_section:
                out.append("</section>")
            out.append('<section class="topic">')
            in_section = True
        elif isinstance(block, lay.Heading):
            css = f' class="{block.css}"' if block.css else ""
            out.append(f"<h{block.level}{css}>{inline(block.children)}</h{block.level}>")
        elif isinstance(block, lay.Body):
            _blocks(block.blocks, out)
        elif isinstance(block, lay.Line):
            if block.depth == 0:
                close_lists(0)
                out.append(f"<p{_li_attributes(block)}>{inline(block.children)}</p>")
                continue
            if block.depth > depth:
                # A deeper line opens one list per level it goes down.
                while depth < block.depth:
                    out.append('<ul class="items">' if depth == 0 else "<ul>")
                    depth += 1
                    if depth < block.depth:
                        out.append("<li>")
            else:
                close_lists(block.depth)
                out.append("</li>")
            out.append(f"<li{_li_attributes(block)}>{inline(block.children)}")
    close_lists(0)
    if in_section:
        out.append("</section>")
    out.append("</div>")
    return sanitize("\n".join(out))


def _piece(piece: lay.Piece) -> str:
    if isinstance(piece, str):
        return escape(piece, quote=False)
    version = piece.version
    return (
        f'<a href="{escape(version.url)}" hreflang="{escape(version.language)}">'
        f"{escape(piece.text, quote=False)}</a>"
    )
