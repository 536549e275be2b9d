"""Writes a parsed newsletter page (``importer.NewsletterText``) through the services: the
program's sessions with their resources and presenters, the opportunities, and the issue with
its written parts, compiled from what was just written. Running it again adds nothing."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from clinicdesk.digests import services as digest_services
from clinicdesk.newsletters import services
from clinicdesk.newsletters.importer import NewsletterText, parse_newsletter
from clinicdesk.newsletters.models import Issue, NewsletterSettings, Opportunity
from clinicdesk.scheduling import services as scheduling_services
from clinicdesk.scheduling.models import ClinicSession, Program

# A copied page keeps link labels, never their targets: resources point here, one address per
# session and label, and say so by their host.
PLACEHOLDER_BASE = "https://example.org/not-in-the-copied-page/"


@dataclass
class NewsletterImport:
    issue: Issue
    created_sessions: list[str] = field(default_factory=list)
    created_opportunities: list[str] = field(default_factory=list)
    issue_created: bool = False


def _placeholder(program: Program, title: str, label: str) -> str:
    slug = "/".join(
        urllib.parse.quote(re.sub(r"\W+", "-", part.lower()).strip("-"))
        for part in (program.slug, title, label)
    )
    return PLACEHOLDER_BASE + slug


def _month_end(day: dt.date) -> dt.date:
    following = day.replace(day=28) + dt.timedelta(days=4)
    return following.replace(day=1) - dt.timedelta(days=1)


def _session(
    program: Program, title: str, *, created: list[str], **fields: Any
) -> tuple[ClinicSession, bool]:
    existing = program.sessions.filter(title=title).first()
    if existing is not None:
        return existing, False
    session = scheduling_services.schedule_session(
        program=program, title=title, kind=ClinicSession.Kind.LEARNING_CLINIC, **fields
    )
    created.append(title)
    return session, True


def import_newsletter(
    text: str | NewsletterText,
    *,
    program: Program,
    publish: bool = True,
    say: Callable[[str], None] = lambda message: None,
) -> NewsletterImport:
    """Imports a rendered newsletter page into ``program`` (see ``importer``)."""
    parsed = parse_newsletter(text) if isinstance(text, str) else text
    created: list[str] = []
    with transaction.atomic():
        for clinic in parsed.past:
            session, new = _session(
                program,
                clinic.title,
                created=created,
                start_month=clinic.month,
                date_precision=ClinicSession.DatePrecision.MONTH,
                status=ClinicSession.Status.HELD,
            )
            if not new:
                continue
            for offset, resource in enumerate(clinic.resources):
                segment = None
                if resource.presenter:
                    segment = scheduling_services.add_segment(
                        session=session,
                        title=resource.title,
                        presenter=resource.presenter,
                        start_offset_minutes=min(offset * 10, 60),
                        duration_minutes=10,
                    )
                digest_services.add_resource(
                    session=session,
                    segment=segment,
                    kind=resource.kind,
                    url=_placeholder(program, clinic.title, resource.title),
                    title=resource.title,
                    start_seconds=resource.start_seconds,
                    end_seconds=resource.end_seconds,
                )
        for coming in parsed.upcoming:
            if coming.day is not None:
                _session(program, coming.title, created=created, start_date=coming.day)
            else:
                _session(
                    program,
                    coming.title,
                    created=created,
                    start_month=coming.month,
                    date_precision=ClinicSession.DatePrecision.DISCUSSED,
                )
        new_opportunities = []
        for opportunity in parsed.opportunities:
            if Opportunity.objects.filter(program=program, title=opportunity.title).exists():
                continue
            services.create_opportunity(
                program=program,
                title=opportunity.title,
                description=opportunity.description,
                deadline_date=opportunity.deadline,
                time_zone="UTC",
                allow_past=True,
            )
            new_opportunities.append(opportunity.title)
        issue = Issue.objects.filter(program=program, number=parsed.number, source=None).first()
        result = NewsletterImport(
            issue=issue,  # type: ignore[arg-type]
            created_sessions=created,
            created_opportunities=new_opportunities,
        )
        if issue is None:
            period_start, period_end = parsed.period
            last_upcoming = max((c.month for c in parsed.upcoming), default=period_end)
            issue = services.create_issue(
                program=program,
                number=parsed.number,
                period_start=period_start,
                period_end=period_end,
                upcoming_until=max(_month_end(last_upcoming), period_end + dt.timedelta(days=1)),
                issue_date=parsed.issue_date,
                title=parsed.title,
            )
            services.update_issue(
                issue=issue,
                welcome_heading=parsed.welcome_heading,
                welcome=parsed.welcome,
                headings=parsed.headings,
                stories_intro=parsed.stories_intro,
            )
            for story in parsed.stories:
                services.add_story(issue=issue, title=story.title, body=story.body)
            services.compile_issue(issue=issue)
            if publish:
                noon = dt.datetime.combine(parsed.issue_date, dt.time(12), tzinfo=dt.UTC)
                services.publish_issue(issue=issue, now=noon)
            result.issue = issue
            result.issue_created = True
            say(
                f"newsletter issue {parsed.number}: {len(created)} sessions, "
                f"{len(new_opportunities)} opportunities, {len(parsed.stories)} stories"
            )
    return result


def ensure_settings(program: Program, *, wiki_title_pattern: str) -> NewsletterSettings:
    settings, _created = NewsletterSettings.objects.get_or_create(
        program=program, defaults={"wiki_title_pattern": wiki_title_pattern}
    )
    return settings
