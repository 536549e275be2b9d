"""The generated parts of a program's wiki page, as wikitext: "Upcoming calls" and the archive
table of past calls, in the style of the Wikimedia Clinics page on Meta-Wiki.

Every call is given in UTC, with a link to its page on clinicdesk, which shows the time in the
reader's own zone. User text goes through the digest renderer's escaping, so it shows as typed
and never makes structure.

Pure: plain data in, text out (the wiki's language is active while it is written).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from clinicdesk.digests.renderers.wikitext import escape, page_title
from clinicdesk.lib.formats import describe_date
from clinicdesk.lib.languages import language_name
from clinicdesk.publishing.markers import Part
from clinicdesk.scheduling.timetext import describe_undated

UPCOMING = "upcoming"
ARCHIVE = "archive"


@dataclass(frozen=True, slots=True)
class ScheduledTopic:
    title: str
    presenter: str = ""


@dataclass(frozen=True, slots=True)
class UpcomingCall:
    number: int
    title: str  # "Wikimedia Clinics #010"
    page_url: str  # the session's page on clinicdesk: the time in the reader's zone
    starts_at: dt.datetime | None = None  # aware; written in UTC
    date: dt.date | None = None  # when the time of day is not known
    # Without a date: "month" (only ``month`` known) or "discussed" (maybe in ``month``).
    date_precision: str = "discussed"
    month: dt.date | None = None
    meeting_url: str = ""
    topics: tuple[ScheduledTopic, ...] = ()
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class DigestLink:
    language: str
    title: str  # the digest version's page on the wiki
    url: str = ""  # its page on clinicdesk, used when there is no wiki title


@dataclass(frozen=True, slots=True)
class ArchiveRow:
    number: int
    date: dt.date | None
    # Topic names by language, in display order.
    topics: tuple[tuple[str, tuple[str, ...]], ...] = ()
    languages: tuple[str, ...] = ()
    digests: tuple[DigestLink, ...] = ()
    # Without a date, as for :class:`UpcomingCall`: a past call may be known by its month.
    date_precision: str = "discussed"
    month: dt.date | None = None


def _url(url: str) -> str:
    return url.replace(" ", "%20").replace("[", "%5B").replace("]", "%5D")


def _external(url: str, label: str) -> str:
    return f"[{_url(url)} {label}]"


def _topic(topic: ScheduledTopic) -> str:
    if topic.presenter:
        # Translators: a scheduled topic and who presents it, "Abstract Wikipedia with Denny".
        return _("%(title)s with %(presenter)s") % {
            "title": escape(topic.title),
            "presenter": escape(topic.presenter),
        }
    return escape(topic.title)


def _when(call: UpcomingCall, language: str) -> str:
    if call.starts_at is not None:
        utc = call.starts_at.astimezone(dt.UTC)
        # Translators: a call's date and time on the wiki, "Tuesday, 15 September 2020, 13:00 UTC".
        when = _("%(date)s, %(time)s UTC") % {
            "date": describe_date(utc.date(), language),
            "time": utc.strftime("%H:%M"),
        }
        return f"{when} ({_external(call.page_url, _('your local time'))})"
    if call.date is not None:
        return "{} ({})".format(describe_date(call.date, language), _("time to be announced"))
    return describe_undated(call.date_precision, call.month, language)


def upcoming_wikitext(calls: Sequence[UpcomingCall], *, language: str) -> str:
    """The "Upcoming calls" list: one bullet per call."""
    with translation.override(language):
        if not calls:
            return _("No calls are scheduled yet.")
        lines = []
        for call in calls:
            pieces = [
                f"'''{_external(call.page_url, escape(call.title))}'''",
                _when(call, language),
            ]
            if call.meeting_url and not call.cancelled:
                pieces.append(_external(call.meeting_url, _("meeting link")))
            line = "* " + ", ".join(pieces) + "."
            if call.cancelled:
                line += " '''{}'''".format(_("Cancelled."))
            if call.topics:
                label = ngettext("Scheduled topic:", "Scheduled topics:", len(call.topics))
                line += " {} {}.".format(label, "; ".join(_topic(t) for t in call.topics))
            lines.append(line)
        return "\n".join(lines)


def _language_names(codes: Sequence[str], language: str) -> str:
    return ", ".join(escape(language_name(code, language)) for code in codes)


def _digest_link(link: DigestLink, label: str) -> str:
    title = page_title(link.title)
    if title:
        return f"[[{title}|{label}]]"
    return _external(link.url, label)


def _topics_cell(topics: tuple[tuple[str, tuple[str, ...]], ...]) -> list[str]:
    if not topics:
        return ["|"]
    if len(topics) == 1:
        return ["|", *(f"* {escape(name)}" for name in topics[0][1])]
    # Several languages: the names side by side, one row per topic, as on Meta-Wiki.
    lines = ["|", '{| class="wikitable"']
    lines.append("! " + " !! ".join(escape(language_name(code, code)) for code, _names in topics))
    depth = max(len(names) for _code, names in topics)
    for i in range(depth):
        lines.append("|-")
        cells = [escape(names[i]) if i < len(names) else "" for _code, names in topics]
        lines.append("| " + " || ".join(cells))
    lines.append("|}")
    return lines


def archive_wikitext(rows: Sequence[ArchiveRow], *, language: str) -> str:
    """The archive table: number, date, topics per language, languages, digest pages."""
    with translation.override(language):
        if not rows:
            return _("No past calls yet.")
        header = [
            "#",
            pgettext("archive table column", "date"),
            pgettext("archive table column", "topics"),
            pgettext("archive table column", "languages"),
            pgettext("archive table column", "digests"),
        ]
        lines = ['{| class="wikitable"', "! " + " !! ".join(header)]
        for row in rows:
            number = f"{row.number:03d}"
            lines.append("|-")
            lines.append("| " + (_digest_link(row.digests[0], number) if row.digests else number))
            if row.date is not None:
                date = describe_date(row.date, language, form="medium")
            else:
                date = describe_undated(row.date_precision, row.month, language)
            lines.append(f"| {date}")
            lines.extend(_topics_cell(row.topics))
            lines.append("| " + _language_names(row.languages, language))
            links = [
                _digest_link(link, escape(language_name(link.language, link.language)))
                for link in row.digests
            ]
            lines.append("| " + " · ".join(links))
        lines.append("|}")
        return "\n".join(lines)


def program_parts(
    upcoming: Sequence[UpcomingCall], archive: Sequence[ArchiveRow], *, language: str
) -> tuple[Part, Part]:
    """Both generated parts of the program page, with the headings they get on a new page."""
    with translation.override(language):
        upcoming_heading = _("Upcoming calls")
        archive_heading = _("Archive of digests of past calls")
    return (
        Part(UPCOMING, upcoming_wikitext(upcoming, language=language), upcoming_heading),
        Part(ARCHIVE, archive_wikitext(archive, language=language), archive_heading),
    )
