"""Reads of newsletters used in more than one place, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from clinicdesk.digests.models import Resource
from clinicdesk.newsletters import documents as d
from clinicdesk.newsletters.models import Issue, IssueItem, Opportunity, Story, Subscription
from clinicdesk.scheduling.models import ClinicSession, Program, Segment


def get_public_program(slug: str) -> Program:
    return get_object_or_404(Program, slug=slug)


def published_issues(program: Program, language: str | None = None) -> QuerySet[Issue]:
    issues = Issue.objects.filter(program=program, status=Issue.Status.PUBLISHED)
    if language is not None:
        issues = issues.filter(language=language)
    return issues.select_related("program").order_by("-number", "language")


def get_published_issue(slug: str, number: int, language: str) -> Issue:
    return get_object_or_404(
        Issue.objects.select_related("program", "source"),
        program__slug=slug,
        number=number,
        language=language,
        status=Issue.Status.PUBLISHED,
    )


def content_version(slug: str) -> int | None:
    """The program's content version (every newsletter change moves it), or None."""
    return Program.objects.filter(slug=slug).values_list("content_version", flat=True).first()


def issue_path(slug: str, number: int, language: str) -> str:
    from django.urls import reverse

    return reverse(
        "newsletters:issue", kwargs={"slug": slug, "number": number, "language": language}
    )


def _state(source_revision: int | None, current: int | None, *, translated: bool) -> str:
    if not translated:
        return d.ORIGINAL
    if source_revision is None:
        return d.UNTRANSLATED
    if current is not None and current > source_revision:
        return d.OUTDATED
    return d.CURRENT


def text_state(issue: Issue) -> str:
    source = issue.source
    return _state(
        issue.text_source_revision,
        source.text_revision if source else None,
        translated=issue.source_id is not None,
    )


def _session_entry(
    session: ClinicSession, base: str, *, with_program: bool, note: str, note_state: str
) -> d.SessionEntry:
    resources = tuple(
        d.ResourceEntry(
            kind=r.kind,
            title=r.title,
            url=r.url,
            start_seconds=r.start_seconds,
            end_seconds=r.end_seconds,
        )
        for r in session.resources.all()
        if r.topic_id is None
    )
    presenters: list[str] = []
    for segment in session.segments.all():
        for name in segment.presenter.split(","):
            name = name.strip()
            if name and name not in presenters:
                presenters.append(name)
    return d.SessionEntry(
        title=session.display_title,
        url=base + session.get_absolute_url(),
        kind=session.kind,
        day=session.start_date,
        starts_at=session.starts_at,
        time_zone=session.time_zone,
        date_precision=session.date_precision,
        month=session.month,
        program_name=session.program.name if with_program else "",
        resources=resources,
        presenters=tuple(presenters),
        note=note,
        note_state=note_state,
    )


def _groups(entries: list[d.SessionEntry]) -> tuple[d.MonthGroup, ...]:
    """Entries grouped by month, months in order (no month last), keeping the entries' order."""
    by_month: dict[dt.date | None, list[d.SessionEntry]] = defaultdict(list)
    for entry in entries:
        by_month[entry.month].append(entry)
    months: list[dt.date | None] = []
    months.extend(sorted(m for m in by_month if m is not None))
    if None in by_month:
        months.append(None)
    groups = []
    for month in months:
        rows = by_month[month]
        kinds = {row.kind for row in rows}
        kind = kinds.pop() if len(kinds) == 1 else ""
        groups.append(d.MonthGroup(month=month, kind=kind, entries=tuple(rows)))
    return tuple(groups)


def issue_items(issue: Issue) -> list[IssueItem]:
    """The issue's compiled items with what their entries show, in order (hidden ones too)."""
    sessions = ClinicSession.objects.select_related("program").prefetch_related(
        Prefetch("resources", queryset=Resource.objects.order_by("pk")),
        Prefetch("segments", queryset=Segment.objects.order_by("start_offset_minutes", "pk")),
    )
    return list(
        issue.items.select_related("opportunity")
        .prefetch_related(Prefetch("session", queryset=sessions))
        .order_by("section", "position", "pk")
    )


def _source_notes(issue: Issue) -> dict[tuple[str, int | None, int | None], int]:
    if issue.source_id is None:
        return {}
    return {
        (section, session_id, opportunity_id): revision
        for section, session_id, opportunity_id, revision in IssueItem.objects.filter(
            issue=issue.source_id
        ).values_list("section", "session_id", "opportunity_id", "note_revision")
    }


def item_note_state(
    item: IssueItem, source_notes: dict[tuple[str, int | None, int | None], int], translated: bool
) -> str:
    return _state(
        item.note_source_revision,
        source_notes.get((item.section, item.session_id, item.opportunity_id)),
        translated=translated,
    )


def story_state(story: Story) -> str:
    source = story.source
    return _state(
        story.source_revision,
        source.revision if source else None,
        translated=story.source_id is not None,
    )


def neighbours(issue: Issue) -> tuple[Issue | None, Issue | None]:
    """The published issues just before and after this one, in its language."""
    published = Issue.objects.filter(
        program=issue.program_id, language=issue.language, status=Issue.Status.PUBLISHED
    )
    previous = published.filter(number__lt=issue.number).order_by("-number").first()
    following = published.filter(number__gt=issue.number).order_by("number").first()
    return previous, following


def versions(issue: Issue) -> list[Issue]:
    """Every published version of the issue's number, this one included, by language."""
    return list(
        Issue.objects.filter(
            program=issue.program_id, number=issue.number, status=Issue.Status.PUBLISHED
        ).order_by("language")
    )


def _link(other: Issue | None, base: str, slug: str) -> d.IssueLink | None:
    if other is None:
        return None
    return d.IssueLink(
        number=other.number,
        title=other.display_title,
        url=base + issue_path(slug, other.number, other.language),
    )


def issue_document(issue: Issue, *, base: str = "", public: bool = True) -> d.IssueData:
    """The issue as plain data. ``base`` ("https://host") makes its addresses absolute;
    ``public`` leaves hidden items and stories out (the editor's preview shows them too)."""
    program = issue.program
    translated = issue.source_id is not None
    source_notes = _source_notes(issue)
    multi = issue.also_programs.exists()
    past: list[d.SessionEntry] = []
    upcoming: list[d.SessionEntry] = []
    opportunities: list[d.OpportunityEntry] = []
    for item in issue_items(issue):
        if item.hidden and public:
            continue
        state = item_note_state(item, source_notes, translated) if item.note else d.ORIGINAL
        if item.session is not None:
            entry = _session_entry(
                item.session, base, with_program=multi, note=item.note, note_state=state
            )
            (past if item.section == IssueItem.Section.PAST else upcoming).append(entry)
        elif item.opportunity is not None:
            opportunities.append(_opportunity_entry(item.opportunity, item.note, state))
    stories = [
        d.StoryEntry(
            title=story.title,
            body=story.body,
            images=tuple(d.Image(url=i["url"], alt=i.get("alt", "")) for i in story.images),
            state=story_state(story),
        )
        for story in issue.stories.select_related("source").order_by("position", "pk")
        if not (story.hidden and public)
    ]
    previous, following = neighbours(issue)
    return d.IssueData(
        program_name=program.name,
        number=issue.number,
        language=issue.language,
        title=issue.display_title,
        url=base + issue_path(program.slug, issue.number, issue.language),
        issue_date=issue.issue_date,
        period_start=issue.period_start,
        period_end=issue.period_end,
        welcome_heading=issue.welcome_heading,
        welcome=issue.welcome,
        headings=dict(issue.headings),
        stories_intro=issue.stories_intro,
        text_state=text_state(issue),
        past=_groups(past),
        upcoming=_groups(upcoming),
        opportunities=tuple(opportunities),
        stories=tuple(stories),
        previous=_link(previous, base, program.slug),
        next=_link(following, base, program.slug),
        versions=tuple(
            d.VersionLink(v.language, base + issue_path(program.slug, v.number, v.language))
            for v in versions(issue)
        ),
        published_at=issue.published_at,
    )


def _opportunity_entry(opportunity: Opportunity, note: str, state: str) -> d.OpportunityEntry:
    return d.OpportunityEntry(
        title=opportunity.title,
        description=opportunity.description,
        url=opportunity.url,
        deadline_at=opportunity.deadline_at,
        deadline_date=opportunity.deadline_date,
        deadline_time=opportunity.deadline_time,
        time_zone=opportunity.time_zone,
        audience=opportunity.audience,
        languages=tuple(opportunity.languages),
        note=note,
        note_state=state,
    )


def active_subscribers(program: Program, language: str) -> QuerySet[Subscription]:
    return Subscription.objects.filter(
        program=program, language=language, status=Subscription.Status.ACTIVE
    ).order_by("pk")


def issues_for_organizer(programs: Iterable[Program]) -> QuerySet[Issue]:
    return Issue.objects.filter(program__in=list(programs)).select_related("program")


def get_issue_or_404(program: Program, number: int, language: str) -> Issue:
    issue = (
        Issue.objects.select_related("program", "source")
        .filter(program=program, number=number, language=language)
        .first()
    )
    if issue is None:
        raise Http404
    return issue
