"""A digest as Markdown (CommonMark): ``##`` headings, ``-`` bullets indented two spaces a
level, ``**speakers**``. User text is backslash-escaped, so only the renderer makes markup.

Pure: plain data in, text out.
"""

from __future__ import annotations

import re

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

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")
_URL_UNSAFE = re.compile(r"[\s()<>]")


def escape(text: str, *, line_start: bool = False) -> str:
    text = _SPECIAL.sub(r"\\\1", text.replace("\n", " "))
    if line_start:
        text = _LINE_START.sub(lambda m: m[1] + "\\" + m[2], text, count=1)
    return text


def _url(url: str) -> str:
    return _URL_UNSAFE.sub(lambda m: f"%{ord(m[0]):02X}", url.strip())


def inline(nodes: tuple[Inline, ...], *, line_start: bool = False) -> str:
    parts: list[str] = []
    first = line_start
    for node in nodes:
        if isinstance(node, Text):
            parts.append(escape(node.text, line_start=first))
        elif isinstance(node, Strong):
            parts.append(f"**{inline(node.children)}**")
        elif isinstance(node, Emphasis):
            parts.append(f"*{inline(node.children)}*")
        elif isinstance(node, Link):
            parts.append(f"[{inline(node.children)}]({_url(node.url)})")
        elif isinstance(node, LineBreak):
            parts.append("\\\n")
        first = False
    return "".join(parts)


def _blocks(blocks: tuple[Block, ...], out: list[str]) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            out += [f"### {inline(block.children)}", ""]
        elif isinstance(block, Paragraph):
            out += [inline(block.children, line_start=True), ""]
        elif isinstance(block, ListBlock):
            _list(block, 0, out)
            out.append("")


def _list(block: ListBlock, depth: int, out: list[str]) -> None:
    for number, item in enumerate(block.items, start=1):
        marker = f"{number}." if block.ordered else "-"
        indent = "   " * depth if block.ordered else "  " * depth
        out.append(f"{indent}{marker} {inline(item.children, line_start=True)}".rstrip())
        for sublist in item.sublists:
            _list(sublist, depth + 1, out)


def render_markdown(doc: d.DigestData) -> str:
    """The digest as a Markdown document, its title as the first heading."""
    layout = lay.lay_out(doc)
    out: list[str] = [f"# {escape(layout.title)}", ""]
    for block in layout.blocks:
        if isinstance(block, lay.HeaderParagraph):
            out += ["".join(_piece(piece) for piece in block.pieces), ""]
        elif isinstance(block, lay.Paragraph):
            out += [inline(block.children, line_start=True), ""]
        elif isinstance(block, lay.Heading):
            if out[-1] != "":
                out.append("")
            out += [f"{'#' * block.level} {inline(block.children)}", ""]
        elif isinstance(block, lay.Body):
            _blocks(block.blocks, out)
        elif isinstance(block, lay.Line):
            if block.depth == 0:
                if out[-1] != "":
                    out.append("")
                out += [inline(block.children, line_start=True), ""]
            else:
                indent = "  " * (block.depth - 1)
                out.append(f"{indent}- {inline(block.children, line_start=True)}".rstrip())
    return "\n".join(out).strip() + "\n"


def _piece(piece: lay.Piece) -> str:
    if isinstance(piece, str):
        return escape(piece)
    return f"[{escape(piece.text)}]({_url(piece.version.url)})"
