"""What every output of a digest shares: its header sentences, its headings and its lines,
laid out once as plain nodes in the digest's language, then written by each renderer.

A top-level statement is a bullet; its points and replies are bullets one level deeper. A
top-level question is a subheading ("Question: …") when nobody is named for it, or a
paragraph ("Quim (WMF): …") when someone asked it of the room, and its answers are the first
level of bullets under it, as in the digests the clinics wrote by hand.

Pure: plain data in, plain data out; phrases come from the active translation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from babel.lists import format_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override, pgettext

from clinicdesk.digests import documents as d
from clinicdesk.digests.attribution import Speaker, speaker_name
from clinicdesk.digests.markup import (
    Block,
    Emphasis,
    Inline,
    Link,
    Strong,
    Text,
    parse_blocks,
    parse_inline,
)
from clinicdesk.lib.formats import describe_date, describe_month
from clinicdesk.lib.languages import babel_locale


@dataclass(frozen=True, slots=True)
class VersionPiece:
    """A link to another language version, inside a header sentence."""

    text: str
    version: d.VersionLink


Piece = str | VersionPiece


@dataclass(frozen=True, slots=True)
class HeaderParagraph:
    pieces: tuple[Piece, ...]


@dataclass(frozen=True, slots=True)
class Paragraph:
    children: tuple[Inline, ...]
    css: str = ""


@dataclass(frozen=True, slots=True)
class Heading:
    level: int  # 2 for a topic, 3 below
    children: tuple[Inline, ...]
    css: str = ""


@dataclass(frozen=True, slots=True)
class Body:
    """A topic's own text (paragraphs, lists, subheadings)."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Line:
    """One item: a bullet at ``depth`` (1 = top level), or a paragraph at depth 0."""

    depth: int
    children: tuple[Inline, ...]
    kind: str = d.STATEMENT
    state: str = d.ORIGINAL
    language: str = ""  # when the text is not in the digest's language


@dataclass(frozen=True, slots=True)
class TopicStart:
    """Where a topic begins (HTML opens a section)."""

    number: int


LayoutBlock = HeaderParagraph | Paragraph | Heading | Body | Line | TopicStart


@dataclass(frozen=True, slots=True)
class Layout:
    title: str
    language: str
    blocks: tuple[LayoutBlock, ...]


# --- Phrases in the digest's language -----------------------------------------------------------


def language_in(code: str, language: str) -> str:
    """A language's name as written inside a sentence of ``language`` ("Spanish", "español")."""
    return babel_locale(code).get_display_name(babel_locale(language)) or code


def _list(names: list[str], language: str) -> str:
    return format_list(names, locale=babel_locale(language)) if names else ""


def header_pieces(doc: d.DigestData) -> tuple[Piece, ...]:
    """ "This is a digest … of Wikimedia Clinic #006, held on …, in Spanish. It sacrifices
    fidelity … This is the English version of the digest. And here is the Spanish digest." """
    language = doc.language
    values = {
        "session": doc.session_title,
        "date": describe_date(doc.session_date, language, form="long") if doc.session_date else "",
        "languages": _list([language_in(c, language) for c in doc.spoken_languages], language),
    }
    month = describe_month(doc.session_month, language) if doc.session_month else ""
    if not values["date"] and month:
        values["month"] = month
        if values["languages"]:
            first = _(
                "This is a digest (a processed, edited summary) of the online conference call "
                "%(session)s, held in %(month)s, in %(languages)s."
            )
        else:
            first = _(
                "This is a digest (a processed, edited summary) of the online conference call "
                "%(session)s, held in %(month)s."
            )
    elif values["date"] and values["languages"]:
        first = _(
            "This is a digest (a processed, edited summary) of the online conference call "
            "%(session)s, held on %(date)s, in %(languages)s."
        )
    elif values["date"]:
        first = _(
            "This is a digest (a processed, edited summary) of the online conference call "
            "%(session)s, held on %(date)s."
        )
    elif values["languages"]:
        first = _(
            "This is a digest (a processed, edited summary) of the online conference call "
            "%(session)s, held in %(languages)s."
        )
    else:
        first = _(
            "This is a digest (a processed, edited summary) of the online conference call "
            "%(session)s."
        )
    pieces: list[Piece] = [
        first % values,
        " ",
        _(
            "It sacrifices fidelity to people's exact words in favor of clarity, brevity, "
            "and digestibility."
        ),
        " ",
        _("This is the %(language)s version of the digest.")
        % {"language": language_in(language, language)},
    ]
    others = doc.other_versions
    if len(others) == 1:
        marker = "\x00"
        sentence = _("And here is the %(language_digest)s.") % {"language_digest": marker}
        before, after = sentence.split(marker)
        link = _("%(language)s digest") % {"language": language_in(others[0].language, language)}
        pieces += [" ", before, VersionPiece(link, others[0]), after]
    elif others:
        markers = [f"\x00{i}\x00" for i in range(len(others))]
        sentence = _("It is also available in %(languages)s.") % {
            "languages": _list(markers, language)
        }
        pieces.append(" ")
        rest = sentence
        for marker, version in zip(markers, others, strict=True):
            before, rest = rest.split(marker, 1)
            pieces += [before, VersionPiece(language_in(version.language, language), version)]
        pieces.append(rest)
    return tuple(piece for piece in pieces if piece)


def headcount_sentence(doc: d.DigestData) -> str:
    """ "The call was attended by 7 members of Wikimedia Foundation staff and 10 volunteers." """
    staff, volunteers = doc.staff_count, doc.volunteer_count
    staff_text = ""
    if staff is not None:
        if doc.staff_organization:
            staff_text = ngettext(
                "%(count)d member of %(organization)s staff",
                "%(count)d members of %(organization)s staff",
                staff,
            ) % {"count": staff, "organization": doc.staff_organization}
        else:
            staff_text = ngettext("%(count)d staff member", "%(count)d staff members", staff) % {
                "count": staff
            }
    volunteer_text = ""
    if volunteers is not None:
        volunteer_text = ngettext("%(count)d volunteer", "%(count)d volunteers", volunteers) % {
            "count": volunteers
        }
    if staff_text and volunteer_text:
        return _("The call was attended by %(staff)s and %(volunteers)s.") % {
            "staff": staff_text,
            "volunteers": volunteer_text,
        }
    if staff_text or volunteer_text:
        return _("The call was attended by %(people)s.") % {"people": staff_text or volunteer_text}
    return ""


def topic_heading(number: int, title: str) -> str:
    return _("Topic %(number)d: %(title)s") % {"number": number, "title": title}


def resource_kind_label(kind: str) -> str:
    labels = {
        "recording": pgettext("resource kind", "Recording"),
        "slides": pgettext("resource kind", "Slides"),
        "tool": pgettext("resource kind", "Tool"),
        "page": pgettext("resource kind", "Page"),
        "document": pgettext("resource kind", "Document"),
    }
    return labels.get(kind, kind)


def clock(seconds: int) -> str:
    """330 -> "5:30"; 3930 -> "1:05:30"."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def time_range(resource: d.ResourceData) -> str:
    if resource.start_seconds is None:
        return ""
    if resource.end_seconds is None:
        return clock(resource.start_seconds)
    return f"{clock(resource.start_seconds)}-{clock(resource.end_seconds)}"


def resource_nodes(resource: d.ResourceData, language: str) -> tuple[Inline, ...]:
    """ "Recording (5:30-6:15): [title](url) (in Spanish)" """
    label = resource_kind_label(resource.kind)
    span = time_range(resource)
    if span:
        label = f"{label} ({span})"
    nodes: list[Inline] = [Text(f"{label}: "), Link(resource.url, (Text(resource.title),))]
    if resource.language and resource.language != language:
        nodes.append(
            Text(
                " "
                + _("(in %(language)s)") % {"language": language_in(resource.language, language)}
            )
        )
    if resource.segment_title:
        nodes.append(Text(" — " + resource.segment_title))
    return tuple(nodes)


def follow_up_annotation(follow_up: d.FollowUpData, language: str) -> str:
    if follow_up.status == "done":
        status = pgettext("follow-up status", "done")
    elif follow_up.status == "dropped":
        status = pgettext("follow-up status", "dropped")
    elif follow_up.due_date is not None:
        status = _("open, due %(date)s") % {
            "date": describe_date(follow_up.due_date, language, form="long")
        }
    else:
        status = pgettext("follow-up status", "open")
    if follow_up.requester is not None and speaker_name(follow_up.requester):
        text = _("Follow-up for %(requester)s: %(status)s") % {
            "requester": speaker_name(follow_up.requester),
            "status": status,
        }
    else:
        text = _("Follow-up: %(status)s") % {"status": status}
    if follow_up.resolution and follow_up.status != "open":
        text = f"{text}. {follow_up.resolution}"
    return text


# --- Laying out the topics ----------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _name_in(speaker: Speaker, language: str) -> str:
    """The speaker's name as phrased in ``language`` (active when called): the same few
    people speak in thousands of items."""
    return speaker_name(speaker)


def _speaker_prefix(item: d.ItemData, language: str) -> list[Inline]:
    if item.speaker is None:
        return []
    name = _name_in(item.speaker, language)
    return [Strong((Text(name),)), Text(":")] if name else []


def item_nodes(item: d.ItemData, language: str) -> tuple[Inline, ...]:
    """An item's line without its bullet: speaker, text and what its kind adds."""
    text = parse_inline(item.text)
    if item.kind == d.STATEMENT:  # most items: one speaker and their words
        if item.speaker is None:
            return text
        name = _name_in(item.speaker, language)
        if not name:
            return text
        if text and type(text[0]) is Text:
            return (Strong((Text(name),)), Text(": " + text[0].text), *text[1:])
        return (Strong((Text(name),)), Text(": " if text else ":"), *text)
    if item.kind == d.NOTE:
        marker = "\x00"
        wrapped = _("(%(note)s --Ed.)") % {"note": marker}
        before, after = wrapped.split(marker)
        return (Text(before), *text, Text(after))
    nodes = _speaker_prefix(item, language)
    if item.kind == d.QUESTION and not nodes:
        nodes = [Text(_("Question:"))]
    if item.kind == d.RESOURCE and item.resource is not None:
        nodes += (
            [Text(" "), *resource_nodes(item.resource, language)]
            if nodes
            else list(resource_nodes(item.resource, language))
        )
        if text:
            nodes += [Text(": "), *text]
        return tuple(nodes)
    if text:
        nodes = [*nodes, Text(" "), *text] if nodes else list(text)
    if item.kind == d.FOLLOW_UP and item.follow_up is not None:
        annotation = follow_up_annotation(item.follow_up, language)
        nodes += (
            [Text(" — "), Emphasis((Text(annotation),))]
            if nodes
            else [Emphasis((Text(annotation),))]
        )
    return tuple(nodes)


def _lines(
    items: tuple[d.ItemData, ...], depth: int, language: str, out: list[LayoutBlock]
) -> None:
    for item in items:
        nodes = item_nodes(item, language)
        out.append(Line(depth, nodes, item.kind, item.state, item.text_language))
        _lines(item.children, depth + 1, language, out)


def _topic_blocks(topic: d.TopicData, language: str, out: list[LayoutBlock]) -> None:
    if topic.body:
        out.append(Body(parse_blocks(topic.body)))
    items = topic.items
    for item in items:
        if item.kind == d.QUESTION:
            if item.speaker is None:
                out.append(Heading(3, item_nodes(item, language), css="question"))
            else:
                out.append(
                    Line(0, item_nodes(item, language), item.kind, item.state, item.text_language)
                )
            _lines(item.children, 1, language, out)
        else:
            _lines((item,), 1, language, out)


def lay_out(doc: d.DigestData) -> Layout:
    """The digest's blocks in reading order, phrased in its own language."""
    with override(doc.language):
        return _lay_out(doc)


def _lay_out(doc: d.DigestData) -> Layout:
    language = doc.language
    blocks: list[LayoutBlock] = [HeaderParagraph(header_pieces(doc))]
    blocks.extend(_lead_paragraphs(doc.lead))
    headcount = headcount_sentence(doc)
    if headcount:
        blocks.append(Paragraph((Text(headcount),), css="headcount"))
    for number, topic in enumerate(doc.topics, start=1):
        blocks.append(TopicStart(number))
        blocks.append(Heading(2, (Text(topic_heading(number, topic.title)),)))
        _topic_blocks(topic, language, blocks)
    if doc.resources:
        blocks.append(TopicStart(0))
        blocks.append(Heading(2, (Text(_("Resources")),), css="resources"))
        for resource in doc.resources:
            blocks.append(Line(1, resource_nodes(resource, language), d.RESOURCE))
    return Layout(doc.title, language, tuple(blocks))


def _lead_paragraphs(lead: str) -> list[Paragraph]:
    paragraphs = []
    for chunk in lead.split("\n\n"):
        if chunk.strip():
            paragraphs.append(Paragraph(parse_inline(" ".join(chunk.split()))))
    return paragraphs


Renderer = Callable[[d.DigestData], str]
