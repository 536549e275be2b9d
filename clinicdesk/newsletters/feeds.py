"""The Atom feed of a program's newsletter: its published issues in one language, newest
first, each entry carrying the issue's HTML. Cached under the program's content version."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clinicdesk.core.pagecache import cached_public_page
from clinicdesk.lib.languages import is_language
from clinicdesk.newsletters import queries
from clinicdesk.newsletters.models import Issue
from clinicdesk.newsletters.renderers import render_html
from clinicdesk.newsletters.views.public import program_version
from clinicdesk.scheduling.models import Program

ITEMS = 30


class IssuesFeed(Feed[Issue, tuple[Program, str]]):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str, language: str) -> tuple[Program, str]:
        if not is_language(language):
            raise Http404
        self.base = request.build_absolute_uri("/")[:-1]
        return queries.get_public_program(slug), language

    def title(self, obj: tuple[Program, str]) -> str:
        return _("%(program)s: newsletter") % {"program": obj[0].name}

    def subtitle(self, obj: tuple[Program, str]) -> str:
        return _("Issues of the %(program)s newsletter.") % {"program": obj[0].name}

    def link(self, obj: tuple[Program, str]) -> str:
        from django.urls import reverse

        return reverse("newsletters:issues", kwargs={"slug": obj[0].slug})

    def items(self, obj: tuple[Program, str]) -> list[Issue]:
        return list(queries.published_issues(obj[0], obj[1])[:ITEMS])

    def item_title(self, item: Issue) -> str:
        return item.display_title

    def item_description(self, item: Issue) -> str:
        with translation.override(item.language):
            return render_html(queries.issue_document(item, base=self.base))

    def item_link(self, item: Issue) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Issue) -> str:
        return f"clinicdesk:newsletter:{item.program_id}:{item.number}:{item.language}"

    def item_guid_is_permalink(self, item: Issue) -> bool:
        return False

    def item_pubdate(self, item: Issue) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Issue) -> dt.datetime:
        return item.updated_at


_feed = IssuesFeed()


@require_GET
@cached_public_page(program_version)
def issues_feed(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    return _feed(request, slug=slug, language=language)
