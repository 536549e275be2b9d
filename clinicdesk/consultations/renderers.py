"""A consultation's results as MediaWiki wikitext (for the program's wiki, through the
publishing app) and as plain text (for an e-mail). The same figures as the page, suppression
already applied by :mod:`results`.

Every character of organizer text that means something to MediaWiki is written as an HTML
entity, so a title shows as typed and never makes a link, template or table cell.

Pure: plain data in, text out (words through gettext, in the active language).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from clinicdesk.consultations.results import Results, Row
from clinicdesk.consultations.resultstext import (
    count_text,
    explain_tie,
    method_explanation,
    method_name,
    score_name,
    suppression_explanation,
    tie_rule_explanation,
)


@dataclass(frozen=True)
class ResultsDocument:
    title: str  # the consultation's
    question: str
    results: Results
    page_url: str
    data_url: str
    closes_text: str  # "Ranking closed on ... (UTC+1, Madrid)" or ""
    # Display names of breakdown groups, per dimension: {"region": {"africa": "..."}}.
    group_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    dimension_names: Mapping[str, str] = field(default_factory=dict)
    top_in_text: int = 10


_WIKI_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "[": "&#91;",
    "]": "&#93;",
    "{": "&#123;",
    "}": "&#125;",
    "|": "&#124;",
    "=": "&#61;",
}
# Always special: brackets, braces, pipes (tables, links, templates), tags, entities; quotes
# that make bold or italics; signatures; magic words; a table header cell separator.
_WIKI_SPECIAL = re.compile(r"[&<>\[\]{}|=]|''+|~~~+|__+|!!")
# Special only at the start of a line: lists, definitions, table headers, preformatted text.
_LINE_START = re.compile(r"^[ *#:;!-]")
_SPACE = re.compile(r"\s+")


def _entity(match: re.Match[str]) -> str:
    found = match[0]
    if found in _WIKI_ENTITIES:
        return _WIKI_ENTITIES[found]
    return "".join(f"&#{ord(char)};" for char in found)


def wiki_escape(text: str) -> str:
    """Organizer text as it must appear on the page, never as markup."""
    flat = _SPACE.sub(" ", str(text)).strip()
    escaped = _WIKI_SPECIAL.sub(_entity, flat)
    if _LINE_START.match(escaped):
        escaped = f"&#{ord(escaped[0])};{escaped[1:]}"
    return escaped


def _figure(value: int | None, threshold: int) -> str:
    return count_text(value, threshold)


def _wiki_rows(rows: list[Row], threshold: int) -> list[str]:
    lines = []
    for row in rows:
        lines.append("|-")
        cells = [
            str(row.rank),
            wiki_escape(row.code),
            wiki_escape(row.title),
            wiki_escape(_figure(row.score, threshold)),
            wiki_escape(_figure(row.first_choices, threshold)),
            wiki_escape(_figure(row.approvals, threshold)),
        ]
        lines.append("| " + " || ".join(cells))
    return lines


def render_wikitext(doc: ResultsDocument) -> str:
    results = doc.results
    threshold = results.threshold
    out = [f"== {wiki_escape(_('Results: %(title)s') % {'title': doc.title})} =="]
    if doc.question:
        out.append(f"''{wiki_escape(doc.question)}''")
        out.append("")
    if doc.closes_text:
        out.append(wiki_escape(doc.closes_text))
        out.append("")
    if not results.enough:
        out.append(
            wiki_escape(
                _("Fewer than %(threshold)d ballots were cast: no results are published.")
                % {"threshold": threshold}
            )
        )
        return "\n".join(out) + "\n"
    out.append(
        wiki_escape(
            _("%(ballots)d ballots, combined by the %(method)s.")
            % {"ballots": results.ballots, "method": method_name(results.method)}
        )
    )
    out.append("")
    out.append(wiki_escape(method_explanation(results.method, results.width)))
    out.append("")
    out.append('{| class="wikitable sortable"')
    headings = [
        _("Rank"),
        _("Code"),
        _("Initiative"),
        score_name(results.method).capitalize(),
        _("First choices"),
        _("Ranked by"),
    ]
    out.append("! " + " !! ".join(wiki_escape(h) for h in headings))
    out.extend(_wiki_rows(results.rows, threshold))
    out.append("|}")
    out.append("")
    out.append(f"=== {wiki_escape(_('Ties'))} ===")
    out.append(wiki_escape(tie_rule_explanation()))
    out.append("")
    for note in results.ties:
        out.append(f"* {wiki_escape(explain_tie(note))}")
    if not results.ties:
        out.append(wiki_escape(_("No two initiatives had the same score.")))
    for breakdown in results.breakdowns:
        if not breakdown.groups:
            continue
        names = doc.group_names.get(breakdown.dimension, {})
        heading = doc.dimension_names.get(breakdown.dimension, breakdown.dimension)
        out.append("")
        out.append(f"=== {wiki_escape(heading)} ===")
        out.append('{| class="wikitable sortable"')
        header = [_("Initiative")] + [
            _("%(group)s (%(ballots)d ballots)")
            % {"group": names.get(g.key, g.key), "ballots": g.ballots}
            for g in breakdown.groups
        ]
        out.append("! " + " !! ".join(wiki_escape(h) for h in header))
        for row in results.rows:
            out.append("|-")
            cells = [wiki_escape(f"{row.code} {row.title}")] + [
                str(g.ranks.get(row.code, "")) for g in breakdown.groups
            ]
            out.append("| " + " || ".join(cells))
        out.append("|}")
        if breakdown.withheld:
            out.append(
                wiki_escape(
                    _(
                        "Some ballots are left out of this breakdown: their group was too small "
                        "to show."
                    )
                )
            )
    out.append("")
    out.append(f"''{wiki_escape(suppression_explanation(threshold))}''")
    out.append("")
    out.append(
        f"[{doc.page_url} {wiki_escape(_('Results page'))}] · "
        f"[{doc.data_url} {wiki_escape(_('Raw data (CSV and JSON) with its data dictionary'))}]"
    )
    return "\n".join(out) + "\n"


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=72, break_long_words=False, break_on_hyphens=False)


def render_text(doc: ResultsDocument) -> str:
    """The e-mail: the top of the ranking, how it was made, and where the rest is."""
    results = doc.results
    threshold = results.threshold
    out = [_("Results: %(title)s") % {"title": doc.title}, ""]
    if doc.question:
        out += [_wrap(doc.question), ""]
    if doc.closes_text:
        out += [_wrap(doc.closes_text), ""]
    if not results.enough:
        out.append(
            _wrap(
                _("Fewer than %(threshold)d ballots were cast: no results are published.")
                % {"threshold": threshold}
            )
        )
        return "\n".join(out) + "\n"
    out.append(
        _wrap(
            _("%(ballots)d ballots, combined by the %(method)s.")
            % {"ballots": results.ballots, "method": method_name(results.method)}
        )
    )
    out.append("")
    top = results.top(doc.top_in_text)
    out.append(_("The first %(count)d:") % {"count": len(top)})
    for row in top:
        figure = _("%(value)s %(unit)s") % {
            "value": count_text(row.score, threshold),
            "unit": score_name(results.method),
        }
        out.append(f"{row.rank:>3}. {row.code} {row.title} ({figure})")
    out.append("")
    out.append(_wrap(method_explanation(results.method, results.width)))
    out.append("")
    out.append(_wrap(tie_rule_explanation()))
    for note in results.ties:
        if note.rank <= doc.top_in_text:
            out.append(_wrap("* " + explain_tie(note)))
    out.append("")
    out.append(_wrap(suppression_explanation(threshold)))
    out.append("")
    out.append(_("Every initiative, and the results by region and language:"))
    out.append(doc.page_url)
    out.append(_("Raw data (CSV and JSON) with its data dictionary:"))
    out.append(doc.data_url)
    return "\n".join(out) + "\n"
