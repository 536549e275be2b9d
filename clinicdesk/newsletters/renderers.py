"""A newsletter issue as plain text (e-mail), HTML (pages, e-mail) and wikitext (the wiki).

``lay_out`` turns an :class:`~clinicdesk.newsletters.documents.IssueData` into headings,
paragraphs, lists and images made of the digests' inline nodes (``digests.markup``); each
writer only spells those out, reusing the digests' escaping ``inline`` writers, so no text an
editor typed reaches an output unescaped. The words come from the active language: callers
render inside ``translation.override(issue.language)``.

Pure: plain data in, text out (gettext and Babel for the words).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import nh3
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from clinicdesk.digests.markup import (
    Block,
    Emphasis,
    Heading,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Text,
    parse_blocks,
    parse_inline,
)
from clinicdesk.digests.renderers import html as digest_html
from clinicdesk.digests.renderers import text as digest_text
from clinicdesk.digests.renderers import wikitext as digest_wikitext
from clinicdesk.lib.formats import describe_instant, describe_month
from clinicdesk.lib.languages import babel_locale
from clinicdesk.newsletters import documents as d

# --- Layout -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Title:
    level: int  # 2 for a section, 3 for a month or a story
    text: str


@dataclass(frozen=True, slots=True)
class Para:
    nodes: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Items:
    entries: tuple[tuple[Inline, ...], ...]
    ordered: bool


@dataclass(frozen=True, slots=True)
class Written:
    """An editor's text in the Markdown subset."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Images:
    images: tuple[d.Image, ...]


@dataclass(frozen=True, slots=True)
class Navigation:
    previous: d.IssueLink | None
    next: d.IssueLink | None


Piece = Title | Para | Items | Written | Images | Navigation


def _language() -> str:
    return get_language() or "en"


def kind_plural(kind: str) -> str:
    labels = {
        "clinic": pgettext("sessions of a month", "Clinic calls"),
        "learning-clinic": pgettext("sessions of a month", "Learning Clinics"),
        "event": pgettext("sessions of a month", "Events"),
    }
    return labels.get(kind, pgettext("sessions of a month", "Sessions"))


def month_heading(group: d.MonthGroup) -> str:
    if group.month is None:
        return _("Dates to be discussed")
    # Translators: a month's heading in a newsletter, e.g. "January 2025 Learning Clinics".
    return _("%(month)s %(sessions)s") % {
        "month": describe_month(group.month, _language()),
        "sessions": kind_plural(group.kind),
    }


def section_heading(doc: d.IssueData, key: str) -> str:
    if doc.headings.get(key):
        return doc.headings[key]
    defaults = {
        "welcome": _("What is happening this month"),
        "past": _("Past sessions"),
        "upcoming": _("Coming sessions"),
        "opportunities": _("Other opportunities"),
        "stories": _("Stories"),
    }
    return defaults.get(key, "")


def clock(seconds: int) -> str:
    """330 -> "5:30"; 3930 -> "1:05:30"."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def resource_label(resource: d.ResourceEntry) -> str:
    if resource.start_seconds is None:
        return resource.title
    if resource.end_seconds is None:
        # Translators: a part of a recording, e.g. "video recording from 5:30".
        return _("%(title)s from %(start)s") % {
            "title": resource.title,
            "start": clock(resource.start_seconds),
        }
    # Translators: a part of a recording, e.g. "video recording from 5:30 to 6:15".
    return _("%(title)s from %(start)s to %(end)s") % {
        "title": resource.title,
        "start": clock(resource.start_seconds),
        "end": clock(resource.end_seconds),
    }


def _joined(parts: Sequence[tuple[Inline, ...]]) -> tuple[Inline, ...]:
    """Parts joined as the language lists things ("a, b and c"), each part's nodes kept."""
    if not parts:
        return ()
    markers = [f"\x00{i}\x00" for i in range(len(parts))]
    joined = format_list(markers, locale=babel_locale(_language()))
    nodes: list[Inline] = []
    for index, piece in enumerate(joined.split("\x00")):
        if index % 2:
            nodes.extend(parts[int(piece)])
        elif piece:
            nodes.append(Text(piece))
    return tuple(nodes)


def _note(note: str) -> tuple[Inline, ...]:
    if not note:
        return ()
    return (Text(" "), Emphasis(parse_inline(note)))


def past_entry(entry: d.SessionEntry) -> tuple[Inline, ...]:
    nodes: list[Inline] = [
        Link(entry.url, (Text(entry.title),)) if entry.url else Text(entry.title)
    ]
    if entry.resources:
        links: list[tuple[Inline, ...]] = [
            (Link(r.url, (Text(resource_label(r)),)),) if r.url else (Text(resource_label(r)),)
            for r in entry.resources
        ]
        nodes.append(Text(". " + _("Find this session's resources here:") + " "))
        nodes.extend(_joined(links))
        nodes.append(Text("."))
    else:
        nodes.append(Text("."))
    if entry.presenters:
        # Translators: after a past session's resources, e.g. "Presented by Laurie and Ioanda."
        names = format_list(list(entry.presenters), locale=babel_locale(_language()))
        nodes.append(Text(" " + _("Presented by %(names)s.") % {"names": names}))
    if entry.program_name:
        nodes.append(Text(f" ({entry.program_name})"))
    nodes.extend(_note(entry.note))
    return tuple(nodes)


def upcoming_when(entry: d.SessionEntry) -> str:
    language = _language()
    if entry.day is not None:
        day = format_skeleton("MMMMd", entry.day, locale=babel_locale(language))
        if entry.starts_at is not None:
            local = describe_instant(entry.starts_at, entry.time_zone, language)
            return f"{day}, {local.time} ({local.zone_label})"
        return day
    if entry.date_precision == "month":
        return _("Date to be announced")
    return _("Date to be discussed")


def upcoming_entry(entry: d.SessionEntry) -> tuple[Inline, ...]:
    title: Inline = Link(entry.url, (Text(entry.title),)) if entry.url else Text(entry.title)
    nodes: list[Inline] = [Text(f"[{upcoming_when(entry)}] "), title]
    if entry.program_name:
        nodes.append(Text(f" ({entry.program_name})"))
    nodes.extend(_note(entry.note))
    return tuple(nodes)


def deadline_text(entry: d.OpportunityEntry) -> str:
    language = _language()
    day = format_date(entry.deadline_date, format="long", locale=babel_locale(language))
    if entry.deadline_time is None:
        # The zone's name as it stands on the deadline's last second.
        last = describe_instant(
            entry.deadline_at - dt.timedelta(seconds=1), entry.time_zone, language
        )
        # Translators: e.g. "Deadline: December 8, 2024, end of the day (UTC)."
        return _("Deadline: %(date)s, end of the day (%(zone)s).") % {
            "date": day,
            "zone": last.zone_label,
        }
    local = describe_instant(entry.deadline_at, entry.time_zone, language)
    # Translators: e.g. "Deadline: December 8, 2024, 5:00 PM (UTC+1, Paris)."
    return _("Deadline: %(date)s, %(time)s (%(zone)s).") % {
        "date": day,
        "time": local.time,
        "zone": local.zone_label,
    }


def opportunity_entry(entry: d.OpportunityEntry) -> tuple[Inline, ...]:
    nodes: list[Inline] = []
    if entry.description:
        nodes.extend(parse_inline(entry.description))
        if entry.url:
            nodes.extend([Text(" ("), Link(entry.url, (Text(_("details")),)), Text(")")])
    elif entry.url:
        nodes.append(Link(entry.url, (Text(entry.title),)))
    else:
        nodes.append(Text(entry.title))
    nodes.append(Text(" " + deadline_text(entry)))
    if entry.audience:
        nodes.append(Text(" " + _("For: %(audience)s.") % {"audience": entry.audience}))
    nodes.extend(_note(entry.note))
    return tuple(nodes)


def _written(text: str) -> list[Piece]:
    return [Written(parse_blocks(text))] if text else []


def lay_out(doc: d.IssueData) -> list[Piece]:
    pieces: list[Piece] = []
    navigation = Navigation(doc.previous, doc.next)
    if doc.previous or doc.next:
        pieces.append(navigation)
    if doc.welcome:
        pieces.append(
            Title(
                2,
                section_heading(doc, "welcome") if not doc.welcome_heading else doc.welcome_heading,
            )
        )
        pieces.extend(_written(doc.welcome))
    if doc.past:
        pieces.append(Title(2, section_heading(doc, "past")))
        for group in doc.past:
            pieces.append(Title(3, month_heading(group)))
            pieces.append(Items(tuple(past_entry(e) for e in group.entries), ordered=True))
    if doc.upcoming:
        pieces.append(Title(2, section_heading(doc, "upcoming")))
        for group in doc.upcoming:
            pieces.append(Title(3, month_heading(group)))
            pieces.append(Items(tuple(upcoming_entry(e) for e in group.entries), ordered=False))
    if doc.opportunities:
        pieces.append(Title(2, section_heading(doc, "opportunities")))
        pieces.append(Items(tuple(opportunity_entry(e) for e in doc.opportunities), ordered=False))
    if doc.stories or doc.stories_intro:
        pieces.append(Title(2, section_heading(doc, "stories")))
        pieces.extend(_written(doc.stories_intro))
        for story in doc.stories:
            pieces.append(Title(3, story.title))
            pieces.extend(_written(story.body))
            if story.images:
                pieces.append(Images(story.images))
    if doc.headings.get("closing"):
        pieces.append(Title(2, doc.headings["closing"]))
    if doc.previous or doc.next:
        pieces.append(navigation)
    return pieces


def previous_label(link: d.IssueLink) -> str:
    return _("< Go back to Issue %(number)d") % {"number": link.number}


def next_label(link: d.IssueLink) -> str:
    return _("Go to Issue %(number)d >") % {"number": link.number}


# --- Plain text ---------------------------------------------------------------------------------


def _text_blocks(blocks: tuple[Block, ...], out: list[str]) -> None:
    for block in blocks:
        if isinstance(block, Heading | Paragraph):
            out.extend([digest_text.inline(block.children), ""])
        elif isinstance(block, ListBlock):
            _text_list(block, 1, out)
            out.append("")


def _text_list(block: ListBlock, depth: int, out: list[str]) -> None:
    for number, item in enumerate(block.items, start=1):
        marker = f"{number}." if block.ordered else "•"
        out.append(f"{'  ' * depth}{marker} {digest_text.inline(item.children)}".rstrip())
        for sublist in item.sublists:
            _text_list(sublist, depth + 1, out)


def render_text(doc: d.IssueData) -> str:
    """The issue as plain text, for the e-mail's first part and for reading side by side
    with the wiki's page."""
    out = [doc.title, "=" * len(doc.title), ""]
    for piece in lay_out(doc):
        if isinstance(piece, Title):
            underline = "-" if piece.level == 2 else ""
            out.append(piece.text)
            if underline:
                out.append(underline * len(piece.text))
            out.append("")
        elif isinstance(piece, Para):
            out.extend([digest_text.inline(piece.nodes), ""])
        elif isinstance(piece, Items):
            for number, entry in enumerate(piece.entries, start=1):
                marker = f"{number}." if piece.ordered else "•"
                out.append(f"  {marker} {digest_text.inline(entry)}")
            out.append("")
        elif isinstance(piece, Written):
            _text_blocks(piece.blocks, out)
        elif isinstance(piece, Images):
            for image in piece.images:
                label = image.alt or _("image")
                out.append(f"[{label}: {image.url}]")
            out.append("")
        elif isinstance(piece, Navigation):
            links = []
            if piece.previous:
                links.append(f"{previous_label(piece.previous)} ({piece.previous.url})")
            if piece.next:
                links.append(f"{next_label(piece.next)} ({piece.next.url})")
            out.extend(["   ".join(links), ""])
    return "\n".join(out).rstrip() + "\n"


# --- HTML ---------------------------------------------------------------------------------------

ALLOWED_TAGS = digest_html.ALLOWED_TAGS | {"nav", "figure", "img", "h2", "h3"}
ALLOWED_ATTRIBUTES = {
    **digest_html.ALLOWED_ATTRIBUTES,
    "img": {"src", "alt", "loading", "decoding"},
    "nav": {"aria-label", "class"},
}


def _sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=digest_html.URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render_html(doc: d.IssueData) -> str:
    """The issue's body as an HTML fragment (the page adds the title and the site around)."""
    out: list[str] = []
    for piece in lay_out(doc):
        if isinstance(piece, Title):
            out.append(f"<h{piece.level}>{escape(piece.text)}</h{piece.level}>")
        elif isinstance(piece, Para):
            out.append(f"<p>{digest_html.inline(piece.nodes)}</p>")
        elif isinstance(piece, Items):
            tag = "ol" if piece.ordered else "ul"
            rows = "".join(f"<li>{digest_html.inline(entry)}</li>" for entry in piece.entries)
            out.append(f"<{tag}>{rows}</{tag}>")
        elif isinstance(piece, Written):
            out.append(digest_html.blocks_html(piece.blocks))
        elif isinstance(piece, Images):
            for image in piece.images:
                out.append(
                    f'<figure><img src="{escape(image.url)}" alt="{escape(image.alt)}" '
                    'loading="lazy" decoding="async"></figure>'
                )
        elif isinstance(piece, Navigation):
            links = []
            if piece.previous:
                label = escape(previous_label(piece.previous))
                links.append(f'<a href="{escape(piece.previous.url)}">{label}</a>')
            if piece.next:
                links.append(
                    f'<a href="{escape(piece.next.url)}">{escape(next_label(piece.next))}</a>'
                )
            label = escape(_("Other issues"))
            out.append(f'<nav class="issue-nav" aria-label="{label}">{" ".join(links)}</nav>')
    return _sanitize("\n".join(out))


# --- Wikitext -----------------------------------------------------------------------------------


def _wiki_blocks(blocks: tuple[Block, ...], out: list[str]) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            out.extend([f"==== {digest_wikitext.inline(block.children)} ====", ""])
        elif isinstance(block, Paragraph):
            out.extend([digest_wikitext.inline(block.children, line_start=True), ""])
        elif isinstance(block, ListBlock):
            _wiki_list(block, "", out)
            out.append("")


def _wiki_list(block: ListBlock, prefix: str, out: list[str]) -> None:
    marker = prefix + ("#" if block.ordered else "*")
    for item in block.items:
        out.append(f"{marker} {digest_wikitext.inline(item.children)}".rstrip())
        for sublist in item.sublists:
            _wiki_list(sublist, marker, out)


def render_wikitext(doc: d.IssueData, *, titles: dict[int, str] | None = None) -> str:
    """The issue as wikitext. ``titles`` maps issue numbers to this wiki's page titles, so
    the previous/next links are the wiki's own."""
    titles = titles or {}
    out: list[str] = []

    def nav(piece: Navigation) -> str:
        links = []
        if piece.previous:
            target = titles.get(piece.previous.number)
            label = digest_wikitext.escape(previous_label(piece.previous))
            links.append(f"[[{target}|{label}]]" if target else f"[{piece.previous.url} {label}]")
        if piece.next:
            target = titles.get(piece.next.number)
            label = digest_wikitext.escape(next_label(piece.next))
            links.append(f"[[{target}|{label}]]" if target else f"[{piece.next.url} {label}]")
        return " &nbsp; ".join(links)

    for piece in lay_out(doc):
        if isinstance(piece, Title):
            marks = "=" * piece.level
            out.extend([f"{marks} {digest_wikitext.escape(piece.text)} {marks}", ""])
        elif isinstance(piece, Para):
            out.extend([digest_wikitext.inline(piece.nodes, line_start=True), ""])
        elif isinstance(piece, Items):
            marker = "#" if piece.ordered else "*"
            out.extend(f"{marker} {digest_wikitext.inline(entry)}" for entry in piece.entries)
            out.append("")
        elif isinstance(piece, Written):
            _wiki_blocks(piece.blocks, out)
        elif isinstance(piece, Images):
            # External images are links on most wikis: say what each shows.
            out.extend(
                f"* [{image.url} {digest_wikitext.escape(image.alt or _('image'))}]"
                for image in piece.images
            )
            out.append("")
        elif isinstance(piece, Navigation):
            out.extend([nav(piece), ""])
    return "\n".join(out).rstrip() + "\n"
