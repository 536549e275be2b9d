"""A digest as MediaWiki wikitext: headings, nested bullets, bold speakers, links, the header
with the headcount and the links to the other language versions.

Every character of user text that means something to MediaWiki (``[[``, ``{{``, ``|}``,
``''``, ``<ref>``, ``~~~~``, ``__TOC__``, a leading ``*``, ``#``, ``:``, ``;``, ``=`` or
space, ``----``) is written as an HTML entity, so it shows as typed and never makes structure:
the only links, templates, tags and headings on the page are the renderer's own.

Pure: plain data in, text out.
"""

from __future__ import annotations

import re
from urllib.parse import quote

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

_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "[": "&#91;",
    "]": "&#93;",
    "{": "&#123;",
    "}": "&#125;",
    "|": "&#124;",
    "=": "&#61;",
    "\n": " ",
    "\r": " ",
    "\t": " ",
}
_SPECIAL = re.compile(r"[&<>\[\]{}|=\n\r\t]|''+|~~~|__")
_EDGE_QUOTE = re.compile(r"^'|'$")
_LINE_START = re.compile(r"^[ *#:;!-]")


def _entity(match: re.Match[str]) -> str:
    found = match[0]
    if found.startswith("'"):
        return "&#39;" * len(found)
    if found == "~~~":
        return "&#126;&#126;&#126;"
    if found == "__":
        return "&#95;&#95;"
    return _ENTITIES[found]


_ANY_SPECIAL = re.compile(r"[&<>\[\]{}|=\n\r\t'~_]")


def escape(text: str, *, line_start: bool = False) -> str:
    """User text as wikitext that shows exactly as typed."""
    if not _ANY_SPECIAL.search(text):
        if line_start and _LINE_START.match(text):
            return f"&#{ord(text[0])};{text[1:]}"
        return text
    if _SPECIAL.search(text):
        text = _SPECIAL.sub(_entity, text)
    if "'" in text:
        # An apostrophe at a node's edge would merge with the bold or italic quotes around it.
        text = _EDGE_QUOTE.sub("&#39;", text)
    if line_start and _LINE_START.match(text):
        text = f"&#{ord(text[0])};{text[1:]}"
    return text


_URL_UNSAFE = re.compile(r"[\s\[\]<>\"{}|'^`]")


def _url(url: str) -> str:
    return _URL_UNSAFE.sub(lambda m: quote(m[0], safe=""), url.strip())


_TITLE_UNSAFE = re.compile(r"[\[\]{}|#<>\n\r\t]")


def page_title(title: str) -> str:
    """A wiki page name with the characters a title may not hold taken out."""
    return _TITLE_UNSAFE.sub("", title).strip()


def inline(nodes: tuple[Inline, ...], *, line_start: bool = False) -> str:
    if len(nodes) == 1 and type(nodes[0]) is Text:  # most texts: one plain run
        return escape(nodes[0].text, line_start=line_start)
    parts: list[str] = []
    first = line_start
    for node in nodes:
        if isinstance(node, Text):
            parts.append(escape(node.text, line_start=first))
        elif isinstance(node, Strong):
            parts.append("'''" + inline(node.children) + "'''")
        elif isinstance(node, Emphasis):
            parts.append("''" + inline(node.children) + "''")
        elif isinstance(node, Link):
            label = inline(node.children)
            url = _url(node.url)
            parts.append(f"[{url} {label}]" if label else f"[{url}]")
        elif isinstance(node, LineBreak):
            parts.append("<br />")
        first = False
    return "".join(parts)


def _blocks(blocks: tuple[Block, ...], out: list[str]) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"=== {inline(block.children)} ===")
        elif isinstance(block, Paragraph):
            out.append(inline(block.children, line_start=True))
            out.append("")
        elif isinstance(block, ListBlock):
            _list(block, "", out)
            out.append("")


def _list(block: ListBlock, prefix: str, out: list[str]) -> None:
    marker = prefix + ("#" if block.ordered else "*")
    for item in block.items:
        out.append(f"{marker} {inline(item.children)}".rstrip())
        for sublist in item.sublists:
            _list(sublist, marker, out)


def render_wikitext(doc: d.DigestData) -> str:
    """The digest as the wikitext of its page."""
    layout = lay.lay_out(doc)
    out: list[str] = []
    for block in layout.blocks:
        if isinstance(block, lay.HeaderParagraph):
            out.append("".join(_piece(piece) for piece in block.pieces))
            out.append("")
        elif isinstance(block, lay.Paragraph):
            out.append(inline(block.children, line_start=True))
            out.append("")
        elif isinstance(block, lay.Heading):
            marks = "=" * block.level
            if out and out[-1] != "":
                out.append("")
            out.append(f"{marks} {inline(block.children)} {marks}")
        elif isinstance(block, lay.Body):
            _blocks(block.blocks, out)
        elif isinstance(block, lay.Line):
            if block.depth == 0:
                if out and out[-1] != "":
                    out.append("")
                out.append(inline(block.children, line_start=True))
            else:
                out.append(f"{'*' * block.depth} {inline(block.children)}".rstrip())
    return "\n".join(out).strip() + "\n"


def _piece(piece: lay.Piece) -> str:
    if isinstance(piece, str):
        return escape(piece)
    title = page_title(piece.version.wiki_title)
    if title:
        return f"[[{title}|{escape(piece.text)}]]"
    return f"[{_url(piece.version.url)} {escape(piece.text)}]"
