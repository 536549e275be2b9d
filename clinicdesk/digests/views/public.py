"""Public pages: one digest version (and its other formats), and search over the digests."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from clinicdesk.core.pagecache import cached_public_page
from clinicdesk.digests import queries
from clinicdesk.digests.forms import SearchForm
from clinicdesk.digests.models import Digest
from clinicdesk.digests.renderers import FILE_SUFFIXES, render_html
from clinicdesk.digests.renderers import render as render_output
from clinicdesk.digests.search import SearchQuery, SearchUnavailable, highlight, run_search
from clinicdesk.lib.languages import is_language
from clinicdesk.scheduling.queries import get_public_program, public_programs

PAGE_SIZE = 20
MAX_PAGE = 50
INVALID = 400
# Addresses of the other formats: digest.wiki, digest.md, digest.txt
OUTPUT_BY_SUFFIX = {suffix: output for output, suffix in FILE_SUFFIXES.items() if output != "html"}


def digest_version(request: HttpRequest, slug: str, **_: Any) -> int | None:
    return queries.digest_page_version(slug)


def _published(slug: str, number: int, language: str) -> Digest:
    if not is_language(language):
        raise Http404
    return queries.get_published_digest(slug, number, language)


@require_GET
@cached_public_page(digest_version)
def digest_page(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    digest = _published(slug, number, language)
    document = queries.digest_document(digest)
    session = digest.session
    return render(
        request,
        "digests/digest.html",
        {
            "program": session.program,
            "session": session,
            "digest": digest,
            "document": document,
            # Built from escaped text and cleaned by nh3 (renderers.html).
            "digest_html": mark_safe(render_html(document)),  # noqa: S308
            "translation": queries.translation_summary(digest),
            "formats": [
                (output, f"digest.{suffix}") for suffix, output in OUTPUT_BY_SUFFIX.items()
            ],
        },
    )


@require_GET
@cached_public_page(digest_version)
def digest_format(
    request: HttpRequest, slug: str, number: int, language: str, suffix: str
) -> HttpResponse:
    output = OUTPUT_BY_SUFFIX.get(suffix)
    if output is None:
        raise Http404
    digest = _published(slug, number, language)
    text = render_output(queries.digest_document(digest, absolute=True), output)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    filename = f"{slug}-{number:03d}-{language}.{suffix}"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), MAX_PAGE))
    except ValueError:
        return 1


@require_GET
def search_page(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    program = get_public_program(slug) if slug else None
    programs = None if program else list(public_programs())
    form = SearchForm(request.GET or None, programs=programs)
    context: dict[str, Any] = {"program": program, "form": form, "results": None}
    if not request.GET:
        return render(request, "digests/search.html", context)
    if not form.is_valid():
        return render(request, "digests/search.html", context, status=INVALID)
    data = form.cleaned_data
    chosen = program
    if chosen is None and data.get("program"):
        chosen = next((p for p in programs or [] if p.slug == data["program"]), None)
    page = _page_number(request)
    query = SearchQuery(
        text=data["q"],
        program_id=chosen.pk if chosen else None,
        language=data["language"],
        date_from=data["date_from"],
        date_to=data["date_to"],
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    try:
        found = run_search(query)
    except SearchUnavailable:
        context["unavailable"] = True
        return render(request, "digests/search.html", context, status=503)
    context.update(
        results=[
            {
                "hit": hit,
                "snippet": highlight(hit.snippet),
                "url": queries.digest_path(hit.program_slug, hit.session_number, hit.language),
            }
            for hit in found.hits
        ],
        empty_query=found.terms.is_empty,
        page=page,
        has_more=found.has_more,
        next_query=_with_page(request, page + 1) if found.has_more else "",
        previous_query=_with_page(request, page - 1) if page > 1 else "",
    )
    return render(request, "digests/search.html", context)


def _with_page(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return query.urlencode()
