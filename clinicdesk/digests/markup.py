"""The small, safe Markdown subset digests are written in, read into plain data.

Item texts are inline: *emphasis*, **strong**, [links](https://…), bare https:// addresses and
line breaks. Topic texts add blocks: paragraphs, lists ("* " or "1. ", nested by indenting)
and subheadings ("### "). Nothing else is markup: HTML, images, code and tables stay text, and
a link is a link only to http, https or mailto. Every renderer works from these nodes, so no
user text ever reaches an output unescaped.

Pure: no Django, no database.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

# markdown-it finds the blocks of a topic's text; the inline subset is read by this module's own
# small parser (below), which is the same for items and topics and several times faster.
_block_parser = MarkdownIt("zero").enable(["list", "heading"])

# Text without any of these is one plain text node: most items skip the parser altogether.
_MARKUP_CHARACTERS = ("*", "_", "[", "\\", "<", "\n", "://", "mailto:")
# Where the parser has something to decide; everything between is copied as it is.
_NEXT = re.compile(r"[\\\n*_\[<]")
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_LINK = re.compile(r"\[((?:[^\[\]\\]|\\.)*)\]\(\s*(<[^<>\n]*>|[^\s()<>]+)\s*\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^\s<>]+)>", re.IGNORECASE)
_BARE_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]'\u2019”]")
SAFE_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Emphasis:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class LineBreak:
    pass


Inline = Text | Emphasis | Strong | Link | LineBreak


@dataclass(frozen=True, slots=True)
class Paragraph:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class ListItem:
    children: tuple[Inline, ...]
    sublists: tuple[ListBlock, ...] = ()


@dataclass(frozen=True, slots=True)
class ListBlock:
    items: tuple[ListItem, ...]
    ordered: bool = False


Block = Paragraph | Heading | ListBlock


def is_safe_url(url: str) -> bool:
    return url.strip().lower().startswith(SAFE_SCHEMES)


def _split_bare_urls(text: str) -> list[Inline]:
    if "http" not in text:
        return [Text(text)]
    nodes: list[Inline] = []
    position = 0
    for match in _BARE_URL.finditer(text):
        if match.start() > position:
            nodes.append(Text(text[position : match.start()]))
        nodes.append(Link(match[0], (Text(match[0]),)))
        position = match.end()
    if position < len(text):
        nodes.append(Text(text[position:]))
    return nodes


def _closer(text: str, start: int, mark: str, width: int) -> int:
    """Where the emphasis opened at ``start`` closes: ``width`` marks right after a character
    that is not a space (for "_", not followed by a letter or digit); -1 when it does not."""
    index = start
    end = len(text)
    while index < end:
        found = text.find(mark, index)
        if found == -1:
            return -1
        backslashes = 0
        while found - 1 - backslashes >= start and text[found - 1 - backslashes] == "\\":
            backslashes += 1
        run = 1
        while found + run < end and text[found + run] == mark:
            run += 1
        if backslashes % 2 == 0 and found > start and not text[found - 1].isspace():
            after = found + width
            word_after = after < end and text[after].isalnum()
            if run == width or (run > width and width == 2):
                if mark == "*" or not word_after:
                    return found
            elif run >= 3 and width == 1 and (mark == "*" or not word_after):
                return found + run - 1
        index = found + run
    return -1


def _parse(text: str, *, links: bool) -> list[Inline]:
    nodes: list[Inline] = []
    plain: list[str] = []

    def flush() -> None:
        if plain:
            joined = "".join(plain)
            nodes.extend(_split_bare_urls(joined) if links else [Text(joined)])
            plain.clear()

    index, end = 0, len(text)
    while index < end:
        match = _NEXT.search(text, index)
        if match is None:
            plain.append(text[index:])
            break
        if match.start() > index:
            plain.append(text[index : match.start()])
        index = match.start()
        char = text[index]
        if char == "\\":
            following = text[index + 1 : index + 2]
            if following == "\n":
                flush()
                nodes.append(LineBreak())
                index += 2
            elif following and following in _PUNCTUATION:
                plain.append(following)
                index += 2
            else:
                plain.append(char)
                index += 1
        elif char == "\n":
            if plain and plain[-1].endswith("  "):
                plain[-1] = plain[-1].rstrip(" ")
                flush()
                nodes.append(LineBreak())
            else:
                if plain:
                    plain[-1] = plain[-1].rstrip(" ")
                plain.append(" ")
            index += 1
        elif char in "*_":
            run = 1
            while index + run < end and text[index + run] == char:
                run += 1
            width = 2 if run >= 2 else 1
            opens = index + run < end and not text[index + run].isspace()
            if char == "_" and index > 0 and text[index - 1].isalnum():
                opens = False
            if opens and run == 3:
                triple = text.find(char * 3, index + 3)
                if triple > index + 3 and not text[triple - 1].isspace():
                    flush()
                    inner = _merge_text(_parse(text[index + 3 : triple], links=links))
                    nodes.append(Emphasis((Strong(inner),)))
                    index = triple + 3
                    continue
            close = _closer(text, index + width, char, width) if opens else -1
            if close > index + width:
                flush()
                inner = tuple(_merge_text(_parse(text[index + width : close], links=links)))
                nodes.append(Strong(inner) if width == 2 else Emphasis(inner))
                index = close + width
            else:
                plain.append(text[index : index + run])
                index += run
        elif char == "[" and links and (link := _LINK.match(text, index)):
            url = link[2].strip("<>")
            if is_safe_url(url):
                flush()
                label = tuple(_merge_text(_parse(link[1], links=False)))
                nodes.append(Link(url, label or (Text(url),)))
                index = link.end()
            else:  # a link to anything else stays the text that was typed
                plain.append(char)
                index += 1
        elif char == "<" and links and (autolink := _AUTOLINK.match(text, index)):
            flush()
            nodes.append(Link(autolink[1], (Text(autolink[1]),)))
            index = autolink.end()
        else:
            plain.append(char)
            index += 1
    flush()
    return nodes


def _merge_text(nodes: list[Inline]) -> tuple[Inline, ...]:
    """Neighbouring text nodes as one."""
    merged: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + node.text)
        else:
            merged.append(node)
    return tuple(merged)


@functools.lru_cache(maxsize=4096)
def parse_inline(text: str) -> tuple[Inline, ...]:
    """An item's text as inline nodes."""
    if not text:
        return ()
    if not any(mark in text for mark in _MARKUP_CHARACTERS):
        return (Text(text),)
    return _merge_text(_parse(text.strip("\n"), links=True))


@functools.lru_cache(maxsize=1024)
def parse_blocks(text: str) -> tuple[Block, ...]:
    """A topic's text as paragraphs, lists and subheadings."""
    if not text.strip():
        return ()
    tokens = _block_parser.parse(text)
    blocks, _ = _read_blocks(tokens, 0, closing=None)
    return tuple(blocks)


def _read_blocks(tokens: list[Token], index: int, closing: str | None) -> tuple[list[Block], int]:
    blocks: list[Block] = []
    while index < len(tokens):
        token = tokens[index]
        if closing is not None and token.type == closing:
            return blocks, index + 1
        if token.type == "paragraph_open":
            blocks.append(Paragraph(parse_inline(tokens[index + 1].content)))
            index += 3
        elif token.type == "heading_open":
            blocks.append(Heading(parse_inline(tokens[index + 1].content)))
            index += 3
        elif token.type in {"bullet_list_open", "ordered_list_open"}:
            block, index = _read_list(tokens, index)
            blocks.append(block)
        else:
            index += 1
    return blocks, index


def _read_list(tokens: list[Token], index: int) -> tuple[ListBlock, int]:
    ordered = tokens[index].type == "ordered_list_open"
    closing = "ordered_list_close" if ordered else "bullet_list_close"
    index += 1
    items: list[ListItem] = []
    while index < len(tokens) and tokens[index].type != closing:
        if tokens[index].type != "list_item_open":
            index += 1
            continue
        inner, index = _read_blocks(tokens, index + 1, closing="list_item_close")
        children: list[Inline] = []
        sublists: list[ListBlock] = []
        for block in inner:
            if isinstance(block, ListBlock):
                sublists.append(block)
            else:
                if children:
                    children.append(LineBreak())
                children.extend(block.children)
        items.append(ListItem(tuple(children), tuple(sublists)))
    return ListBlock(tuple(items), ordered), index + 1


def plain_text(nodes: tuple[Inline, ...]) -> str:
    """The words of inline nodes, without markup (a link keeps its text only)."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, LineBreak):
            parts.append(" ")
        else:
            parts.append(plain_text(node.children))
    return "".join(parts)


def blocks_plain_text(blocks: tuple[Block, ...]) -> str:
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, ListBlock):
            for item in block.items:
                parts.append(plain_text(item.children))
                parts.append(blocks_plain_text(item.sublists))
        else:
            parts.append(plain_text(block.children))
    return "\n".join(part for part in parts if part)
