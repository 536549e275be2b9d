"""Atom feeds of a program: its new sessions, and its published digests.

Built with Django's syndication framework; each feed is a public page cached under the
program's content version, which every session and digest change moves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clinicdesk.core.pagecache import cached_public_page
from clinicdesk.digests.models import Digest
from clinicdesk.digests.queries import digest_path
from clinicdesk.lib.formats import describe_date
from clinicdesk.lib.languages import language_name
from clinicdesk.scheduling import queries as scheduling_queries
from clinicdesk.scheduling.models import ClinicSession, Program
from clinicdesk.scheduling.timetext import describe_undated

ITEMS = 50


def _language() -> str:
    return get_language() or "en"


def _when(session: ClinicSession) -> str:
    """The call's time in UTC, in the feed's language (the address's /es/, /fr/ ...)."""
    if session.starts_at is not None:
        utc = session.starts_at.astimezone(dt.UTC)
        return _("%(date)s, %(time)s UTC") % {
            "date": describe_date(utc.date(), _language()),
            "time": utc.strftime("%H:%M"),
        }
    if session.start_date is not None:
        return describe_date(session.start_date, _language())
    return describe_undated(session.date_precision, session.start_month, _language())


class SessionsFeed(Feed[ClinicSession, Program]):
    """The program's sessions, newest first: a reader hears of a new call when it is planned."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> Program:
        return get_object_or_404(Program, slug=slug)

    def title(self, obj: Program) -> str:
        return _("%(program)s: calls") % {"program": obj.name}

    def subtitle(self, obj: Program) -> str:
        return _("New calls of %(program)s, with their time in UTC.") % {"program": obj.name}

    def link(self, obj: Program) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Program) -> QuerySet[ClinicSession]:
        return (
            ClinicSession.objects.filter(program=obj)
            .select_related("program")
            .prefetch_related("segments")
            .order_by("-created_at", "-pk")[:ITEMS]
        )

    def item_title(self, item: ClinicSession) -> str:
        title = f"{item.display_title}: {_when(item)}"
        if item.is_cancelled:
            title += " ({})".format(_("cancelled"))
        return title

    def item_description(self, item: ClinicSession) -> str:
        lines = [_when(item)]
        topics = [segment.title for segment in item.segments.all()]
        if topics:
            lines.append(_("Scheduled topics: %(topics)s") % {"topics": "; ".join(topics)})
        if item.spoken_languages:
            lines.append(
                ", ".join(language_name(code, _language()) for code in item.spoken_languages)
            )
        return "\n".join(lines)

    def item_link(self, item: ClinicSession) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: ClinicSession) -> str:
        return f"urn:uuid:{item.uid}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: ClinicSession) -> dt.datetime:
        return item.created_at

    def item_updateddate(self, item: ClinicSession) -> dt.datetime:
        return item.updated_at


class DigestsFeed(Feed[Digest, Program]):
    """The program's published digests, each language version an entry, newest first."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> Program:
        return get_object_or_404(Program, slug=slug)

    def title(self, obj: Program) -> str:
        return _("%(program)s: digests") % {"program": obj.name}

    def subtitle(self, obj: Program) -> str:
        return _("The edited digests of the calls of %(program)s.") % {"program": obj.name}

    def link(self, obj: Program) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Program) -> QuerySet[Digest]:
        return (
            Digest.objects.filter(session__program=obj, status=Digest.Status.PUBLISHED)
            .select_related("session__program")
            .order_by("-published_at", "-pk")[:ITEMS]
        )

    def item_title(self, item: Digest) -> str:
        return _("Digest of %(title)s (%(language)s)") % {
            "title": item.session.display_title,
            "language": language_name(item.language, item.language),
        }

    def item_description(self, item: Digest) -> str:
        session = item.session
        if session.start_date is not None:
            held = describe_date(session.start_date, _language())
        else:
            held = describe_undated(session.date_precision, session.start_month, _language())
        return _("The digest of %(title)s, held %(date)s.") % {
            "title": session.display_title,
            "date": held,
        }

    def item_link(self, item: Digest) -> str:
        session = item.session
        return digest_path(session.program.slug, session.number, item.language)

    def item_guid(self, item: Digest) -> str:
        return f"urn:clinicdesk:digest:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Digest) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Digest) -> dt.datetime:
        return item.updated_at


def _program_version(request: HttpRequest, slug: str, **_: Any) -> int | None:
    return scheduling_queries.content_version(slug)


_sessions_feed = SessionsFeed()
_digests_feed = DigestsFeed()


@require_GET
@cached_public_page(_program_version)
def sessions_feed(request: HttpRequest, slug: str) -> HttpResponse:
    return _sessions_feed(request, slug=slug)


@require_GET
@cached_public_page(_program_version)
def digests_feed(request: HttpRequest, slug: str) -> HttpResponse:
    return _digests_feed(request, slug=slug)
