"""The newsletters part of the JSON API: a program's published issues (the compiled sections
as data, and each rendered format), its open opportunities, and subscribing (the same
double opt-in as the page: the answer never says whether the address was subscribed)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from clinicdesk.lib.languages import is_language
from clinicdesk.newsletters import documents as d
from clinicdesk.newsletters import queries, services
from clinicdesk.newsletters.models import Issue, Opportunity
from clinicdesk.newsletters.renderers import render_html, render_text, render_wikitext
from clinicdesk.newsletters.views.public import SUBSCRIBE_LIMIT
from clinicdesk.registration import ratelimit

router = Router(tags=["newsletters"])

Output = Literal["html", "text", "wikitext"]
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "text": "text/plain; charset=utf-8",
    "wikitext": "text/plain; charset=utf-8",
}


class IssueOut(Schema):
    number: int
    language: str
    title: str
    url: str
    issue_date: dt.date
    period_start: dt.date
    period_end: dt.date
    published_at: dt.datetime | None
    translated_from: str | None  # the original's language, for a translation


class ResourceOut(Schema):
    kind: str
    title: str
    url: str
    start_seconds: int | None
    end_seconds: int | None


class SessionEntryOut(Schema):
    title: str
    url: str
    kind: str
    date: dt.date | None
    start: dt.datetime | None  # UTC
    time_zone: str
    date_precision: str  # day, month, discussed
    month: str | None  # "2025-01"
    program: str
    resources: list[ResourceOut]
    presenters: list[str]
    note: str  # the editor's note, in the Markdown subset


class MonthOut(Schema):
    month: str | None  # "2025-01"; null for dates to be discussed with no month in view
    sessions: list[SessionEntryOut]


class OpportunityOut(Schema):
    title: str
    description: str
    url: str
    deadline: dt.datetime  # the UTC instant
    deadline_date: dt.date
    deadline_time: dt.time | None  # null: the end of the day
    time_zone: str
    audience: str
    languages: list[str]


class OpportunityEntryOut(OpportunityOut):
    note: str


class StoryOut(Schema):
    title: str
    body: str  # the Markdown subset
    images: list[dict[str, str]]


class IssueDetailOut(IssueOut):
    welcome_heading: str
    welcome: str
    past: list[MonthOut]
    upcoming: list[MonthOut]
    opportunities: list[OpportunityEntryOut]
    stories_intro: str
    stories: list[StoryOut]
    previous: int | None
    next: int | None
    versions: list[str]


class SubscribeIn(Schema):
    email: str
    language: str


class SubscribeOut(Schema):
    detail: str


def _issue_out(request: HttpRequest, issue: Issue) -> IssueOut:
    return IssueOut(
        number=issue.number,
        language=issue.language,
        title=issue.display_title,
        url=request.build_absolute_uri(issue.get_absolute_url()),
        issue_date=issue.issue_date,
        period_start=issue.period_start,
        period_end=issue.period_end,
        published_at=issue.published_at,
        translated_from=issue.source.language if issue.source is not None else None,
    )


def _month(value: dt.date | None) -> str | None:
    return f"{value:%Y-%m}" if value else None


def _months(groups: tuple[d.MonthGroup, ...]) -> list[MonthOut]:
    return [
        MonthOut(
            month=_month(group.month),
            sessions=[
                SessionEntryOut(
                    title=e.title,
                    url=e.url,
                    kind=e.kind,
                    date=e.day,
                    start=e.starts_at,
                    time_zone=e.time_zone,
                    date_precision=e.date_precision,
                    month=_month(e.month),
                    program=e.program_name,
                    resources=[
                        ResourceOut(
                            kind=r.kind,
                            title=r.title,
                            url=r.url,
                            start_seconds=r.start_seconds,
                            end_seconds=r.end_seconds,
                        )
                        for r in e.resources
                    ],
                    presenters=list(e.presenters),
                    note=e.note,
                )
                for e in group.entries
            ],
        )
        for group in groups
    ]


def _opportunity(o: d.OpportunityEntry | Opportunity) -> dict[str, object]:
    return {
        "title": o.title,
        "description": o.description,
        "url": o.url,
        "deadline": o.deadline_at,
        "deadline_date": o.deadline_date,
        "deadline_time": o.deadline_time,
        "time_zone": o.time_zone,
        "audience": o.audience,
        "languages": list(o.languages),
    }


def _published(slug: str, number: int, language: str) -> Issue:
    if not is_language(language):
        raise Http404
    return queries.get_published_issue(slug, number, language)


@router.get(
    "/programs/{slug}/newsletter/issues",
    response=list[IssueOut],
    summary="The published issues of a program's newsletter, newest first",
)
def list_issues(request: HttpRequest, slug: str, language: str | None = None) -> list[IssueOut]:
    program = queries.get_public_program(slug)
    issues = queries.published_issues(program, language).select_related("source")
    return [_issue_out(request, issue) for issue in issues]


@router.get(
    "/programs/{slug}/newsletter/issues/{number}/{language}",
    response=IssueDetailOut,
    summary="One issue: its sections as compiled and edited",
)
def get_issue(request: HttpRequest, slug: str, number: int, language: str) -> IssueDetailOut:
    issue = _published(slug, number, language)
    doc = queries.issue_document(issue, base=request.build_absolute_uri("/")[:-1])
    return IssueDetailOut(
        **_issue_out(request, issue).dict(),
        welcome_heading=doc.welcome_heading,
        welcome=doc.welcome,
        past=_months(doc.past),
        upcoming=_months(doc.upcoming),
        opportunities=[
            OpportunityEntryOut(**_opportunity(o), note=o.note)  # type: ignore[arg-type]
            for o in doc.opportunities
        ],
        stories_intro=doc.stories_intro,
        stories=[
            StoryOut(
                title=s.title,
                body=s.body,
                images=[{"url": i.url, "alt": i.alt} for i in s.images],
            )
            for s in doc.stories
        ],
        previous=doc.previous.number if doc.previous else None,
        next=doc.next.number if doc.next else None,
        versions=[v.language for v in doc.versions],
    )


@router.get(
    "/programs/{slug}/newsletter/issues/{number}/{language}/{output}",
    summary="One issue rendered: html, text or wikitext",
)
def render_issue(
    request: HttpRequest, slug: str, number: int, language: str, output: Output
) -> HttpResponse:
    issue = _published(slug, number, language)
    doc = queries.issue_document(issue, base=request.build_absolute_uri("/")[:-1])
    renderers = {"html": render_html, "text": render_text, "wikitext": render_wikitext}
    with translation.override(issue.language):
        body = renderers[output](doc)
    return HttpResponse(body, content_type=CONTENT_TYPES[output])


@router.get(
    "/programs/{slug}/opportunities",
    response=list[OpportunityOut],
    summary="Opportunities whose deadline has not passed, soonest first",
)
def list_opportunities(request: HttpRequest, slug: str) -> list[OpportunityOut]:
    program = queries.get_public_program(slug)
    rows = Opportunity.objects.filter(program=program, deadline_at__gt=timezone.now())
    return [OpportunityOut(**_opportunity(o)) for o in rows.order_by("deadline_at", "pk")]  # type: ignore[arg-type]


@router.post(
    "/programs/{slug}/newsletter/subscriptions",
    response={202: SubscribeOut, 422: SubscribeOut, 429: SubscribeOut},
    summary="Ask for the newsletter by e-mail (a confirmation link is sent first)",
)
def subscribe(request: HttpRequest, slug: str, payload: SubscribeIn) -> Status[SubscribeOut]:
    program = queries.get_public_program(slug)
    with transaction.atomic():
        if ratelimit.hit(request, "newsletter-subscribe", SUBSCRIBE_LIMIT) is not None:
            raise HttpError(429, "Too many tries from this address: wait a few minutes.")
        try:
            services.subscribe(program=program, email=payload.email, language=payload.language)
        except ValidationError as error:
            return Status(422, SubscribeOut(detail=" ".join(error.messages)))
    return Status(
        202,
        SubscribeOut(
            detail="If this address is not subscribed yet, a link to confirm is on its way."
        ),
    )
