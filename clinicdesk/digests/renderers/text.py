"""A digest as plain text, for e-mail: headings on their own lines, "•" bullets indented two
spaces a level, links written out after their text.

Pure: plain data in, text out.
"""

from __future__ import annotations

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

BULLET = "•"


def inline(nodes: tuple[Inline, ...]) -> str:
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(node.text.replace("\n", " "))
        elif isinstance(node, Strong | Emphasis):
            parts.append(inline(node.children))
        elif isinstance(node, Link):
            label = inline(node.children)
            parts.append(label if label == node.url else f"{label} ({node.url})")
        elif isinstance(node, LineBreak):
            parts.append(" ")
    return "".join(parts)


def _blocks(blocks: tuple[Block, ...], out: list[str]) -> None:
    for block in blocks:
        if isinstance(block, Heading | Paragraph):
            out.append(inline(block.children))
            out.append("")
        elif isinstance(block, ListBlock):
            _list(block, 1, out)
            out.append("")


def _list(block: ListBlock, depth: int, out: list[str]) -> None:
    for number, item in enumerate(block.items, start=1):
        marker = f"{number}." if block.ordered else BULLET
        out.append(f"{'  ' * depth}{marker} {inline(item.children)}".rstrip())
        for sublist in item.sublists:
            _list(sublist, depth + 1, out)


def render_text(doc: d.DigestData) -> str:
    """The digest as plain text, its title on the first line."""
    layout = lay.lay_out(doc)
    out: list[str] = [layout.title, ""]
    for block in layout.blocks:
        if isinstance(block, lay.HeaderParagraph):
            out.append("".join(_piece(piece) for piece in block.pieces))
            out.append("")
        elif isinstance(block, lay.Paragraph):
            out.append(inline(block.children))
            out.append("")
        elif isinstance(block, lay.Heading):
            if out[-1] != "":
                out.append("")
            out.append(inline(block.children))
            out.append("")
        elif isinstance(block, lay.Body):
            _blocks(block.blocks, out)
        elif isinstance(block, lay.Line):
            if block.depth == 0:
                if out[-1] != "":
                    out.append("")
                out.append(inline(block.children))
                out.append("")
            else:
                out.append(f"{'  ' * block.depth}{BULLET} {inline(block.children)}".rstrip())
    return "\n".join(out).strip() + "\n"


def _piece(piece: lay.Piece) -> str:
    if isinstance(piece, str):
        return piece
    return f"{piece.text} ({piece.version.url})" if piece.version.url else piece.text
