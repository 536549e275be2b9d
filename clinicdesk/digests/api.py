"""The digests part of the JSON API: published digests (structured, and each rendered format),
follow-ups, and search. Speakers appear only as the digest names them, never further than
they agreed."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import BaseModel

from clinicdesk.digests import documents as d
from clinicdesk.digests import queries
from clinicdesk.digests.attribution import Speaker, speaker_name
from clinicdesk.digests.markup import parse_inline
from clinicdesk.digests.models import Digest, FollowUp
from clinicdesk.digests.renderers import CONTENT_TYPES, render
from clinicdesk.digests.renderers.html import inline_html
from clinicdesk.digests.renderers.layout import time_range
from clinicdesk.digests.search import SearchQuery, SearchUnavailable, run_search
from clinicdesk.lib.languages import is_language
from clinicdesk.scheduling.models import Program
from clinicdesk.scheduling.queries import get_public_program

router = Router(tags=["digests"])

Output = Literal["html", "wikitext", "markdown", "text"]
PAGE_SIZE = 20


class FollowUpOut(Schema):
    owner: str  # "Quim (WMF)"
    requester: str | None  # as the digest names them
    description: str
    due_date: dt.date | None
    status: str  # open, done, dropped
    resolution: str
    overdue: bool


class ResourceOut(Schema):
    kind: str  # recording, slides, tool, page, document
    url: str
    title: str
    language: str
    start_seconds: int | None
    end_seconds: int | None
    time_range: str  # "5:30-6:15"
    segment: str


class ItemOut(Schema):
    kind: str  # statement, question, note, follow_up, resource
    speaker: str | None  # as the digest names them
    text: str  # the Markdown subset
    html: str  # the text as sanitized HTML
    state: str  # original, untranslated, outdated, current
    follow_up: FollowUpOut | None = None
    resource: ResourceOut | None = None
    children: list[ItemOut] = []


ItemOut.model_rebuild()


class TopicOut(Schema):
    number: int
    kind: str  # introduction, segment, participants
    title: str
    body: str  # the Markdown subset
    state: str
    items: list[ItemOut]


class HeadcountOut(Schema):
    staff: int | None
    volunteers: int | None
    staff_of: str


class VersionOut(Schema):
    language: str
    url: str
    api_url: str


class DigestOut(Schema):
    program: str
    session_number: int
    session_title: str
    session_date: dt.date | None
    language: str
    translation_of: str | None  # the language of the version it translates
    published_at: dt.datetime | None
    lead: str
    headcount: HeadcountOut
    topics: list[TopicOut]
    resources: list[ResourceOut]
    other_versions: list[VersionOut]
    formats: dict[str, str]  # output -> address of the rendered text


# Plain pydantic models: the search answer is built as dicts, and ninja's ``Schema`` would wrap
# each in its attribute getter (made for model instances) before validating it.
class SearchHitOut(BaseModel):
    program: str
    session_number: int
    session_title: str
    session_date: dt.date | None
    language: str
    snippet: str  # plain text; matches between U+E000 and U+E001
    url: str
    api_url: str


class SearchOut(BaseModel):
    query: str
    page: int
    has_more: bool
    results: list[SearchHitOut]


def _name(speaker: Speaker | None) -> str | None:
    return speaker_name(speaker) if speaker is not None else None


def _resource_out(resource: d.ResourceData) -> ResourceOut:
    return ResourceOut(
        kind=resource.kind,
        url=resource.url,
        title=resource.title,
        language=resource.language,
        start_seconds=resource.start_seconds,
        end_seconds=resource.end_seconds,
        time_range=time_range(resource),
        segment=resource.segment_title,
    )


def _item_out(item: d.ItemData, today: dt.date) -> ItemOut:
    follow_up = None
    if item.follow_up is not None:
        f = item.follow_up
        follow_up = FollowUpOut(
            owner=speaker_name(f.owner),
            requester=_name(f.requester),
            description=f.description,
            due_date=f.due_date,
            status=f.status,
            resolution=f.resolution,
            overdue=f.status == "open" and f.due_date is not None and f.due_date < today,
        )
    return ItemOut(
        kind=item.kind,
        speaker=_name(item.speaker),
        text=item.text,
        html=inline_html(parse_inline(item.text)),
        state=item.state,
        follow_up=follow_up,
        resource=_resource_out(item.resource) if item.resource else None,
        children=[_item_out(child, today) for child in item.children],
    )


def _api_path(slug: str, number: int, language: str) -> str:
    return queries.version_path("api:get_digest", slug, number, language)


def _published(slug: str, number: int, language: str) -> Digest:
    if not is_language(language):
        raise Http404
    return queries.get_published_digest(slug, number, language)


@router.get(
    "/programs/{slug}/sessions/{number}/digests",
    response=list[VersionOut],
    summary="The published digest versions of a session, by language",
)
def list_digests(request: HttpRequest, slug: str, number: int) -> list[VersionOut]:
    program = get_public_program(slug)
    session = program.sessions.filter(number=number).first()
    if session is None:
        raise Http404
    session.program = program
    return [
        VersionOut(
            language=row.language,
            url=request.build_absolute_uri(row.url),
            api_url=request.build_absolute_uri(_api_path(slug, number, row.language)),
        )
        for row in queries.published_versions(session)
    ]


@router.get(
    "/programs/{slug}/sessions/{number}/digests/{language}",
    response=DigestOut,
    summary="A published digest, structured",
)
def get_digest(request: HttpRequest, slug: str, number: int, language: str) -> DigestOut:
    digest = _published(slug, number, language)
    document = queries.digest_document(digest, absolute=True)
    today = timezone.localdate()
    # Speakers are named in the digest's language ("a volunteer", "una persona voluntaria").
    with translation.override(digest.language):
        topics = [
            TopicOut(
                number=index,
                kind=topic.kind,
                title=topic.title,
                body=topic.body,
                state=topic.state,
                items=[_item_out(item, today) for item in topic.items],
            )
            for index, topic in enumerate(document.topics, start=1)
        ]
    return DigestOut(
        program=slug,
        session_number=number,
        session_title=document.session_title,
        session_date=document.session_date,
        language=digest.language,
        translation_of=document.source_language or None,
        published_at=digest.published_at,
        lead=document.lead,
        headcount=HeadcountOut(
            staff=document.staff_count,
            volunteers=document.volunteer_count,
            staff_of=document.staff_organization,
        ),
        topics=topics,
        resources=[_resource_out(resource) for resource in document.resources],
        other_versions=[
            VersionOut(
                language=version.language,
                url=version.url,
                api_url=request.build_absolute_uri(_api_path(slug, number, version.language)),
            )
            for version in document.other_versions
        ],
        formats={
            output: request.build_absolute_uri(
                reverse(
                    "api:render_digest",
                    kwargs={"slug": slug, "number": number, "language": language, "output": output},
                )
            )
            for output in CONTENT_TYPES
        },
    )


@router.get(
    "/programs/{slug}/sessions/{number}/digests/{language}/{output}",
    summary="A published digest rendered as HTML, wikitext, Markdown or plain text",
    openapi_extra={
        "responses": {
            200: {
                "description": "The rendered digest.",
                "content": {
                    "text/html": {"schema": {"type": "string"}},
                    "text/x-wiki": {"schema": {"type": "string"}},
                    "text/markdown": {"schema": {"type": "string"}},
                    "text/plain": {"schema": {"type": "string"}},
                },
            }
        }
    },
)
def render_digest(
    request: HttpRequest, slug: str, number: int, language: str, output: Output
) -> HttpResponse:
    digest = _published(slug, number, language)
    document = queries.digest_document(digest, absolute=True)
    return HttpResponse(render(document, output), content_type=CONTENT_TYPES[output])


@router.get(
    "/programs/{slug}/follow-ups",
    response=list[FollowUpOut],
    summary="The follow-ups recorded in a program's published digests",
)
def list_follow_ups(
    request: HttpRequest, slug: str, status: Literal["open", "done", "dropped"] | None = None
) -> list[FollowUpOut]:
    program: Program = get_public_program(slug)
    found = (
        FollowUp.objects.filter(
            session__program=program, items__topic__digest__status=Digest.Status.PUBLISHED
        )
        .select_related("owner", "requester")
        .distinct()
        .order_by("due_date", "pk")
    )
    if status:
        found = found.filter(status=status)
    today = timezone.localdate()
    return [
        FollowUpOut(
            owner=speaker_name(queries.speaker_of(f.owner)),
            requester=_name(queries.requester_of(f)),
            description=f.description,
            due_date=f.due_date,
            status=f.status,
            resolution=f.resolution,
            overdue=queries.is_overdue(f, today),
        )
        for f in found
    ]


class SearchParams(Schema):
    q: str
    program: str | None = None  # a program's short name
    language: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    page: int = 1


@router.get("/digests/search", response=SearchOut, summary="Full-text search of published digests")
def search_digests(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    if not 1 <= params.page <= 50:
        raise HttpError(400, "page is a number from 1 to 50")
    if len(params.q) > 300:
        raise HttpError(400, "a query has at most 300 characters")
    if params.language and not is_language(params.language):
        raise HttpError(400, f"“{params.language}” is not a language code")
    if params.date_from and params.date_to and params.date_to < params.date_from:
        raise HttpError(400, "date_to comes before date_from")
    program_id = None
    if params.program:
        program_id = get_public_program(params.program).pk
    try:
        found = run_search(
            SearchQuery(
                text=params.q,
                program_id=program_id,
                language=params.language or "",
                date_from=params.date_from,
                date_to=params.date_to,
                limit=PAGE_SIZE,
                offset=(params.page - 1) * PAGE_SIZE,
            )
        )
    except SearchUnavailable:
        raise HttpError(503, "search is not available on this database") from None
    # Plain dicts, validated once against the response schema; one origin for every link.
    origin = request.build_absolute_uri("/").removesuffix("/")
    results = [
        {
            "program": hit.program_slug,
            "session_number": hit.session_number,
            "session_title": hit.session_title,
            "session_date": hit.session_date,
            "language": hit.language,
            "snippet": hit.snippet,
            "url": origin + queries.digest_path(hit.program_slug, hit.session_number, hit.language),
            "api_url": origin + _api_path(hit.program_slug, hit.session_number, hit.language),
        }
        for hit in found.hits
    ]
    return {"query": params.q, "page": params.page, "has_more": found.has_more, "results": results}
