"""The only way organizer views reach a program's newsletter issues, their items and stories,
and its opportunities: through the program's organizers, as ``scheduling.access`` decides
(404 for what does not exist, 403 for what the user may not organize)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from clinicdesk.lib.languages import is_language
from clinicdesk.newsletters.models import Issue, IssueItem, Opportunity, Story
from clinicdesk.scheduling import access as scheduling_access
from clinicdesk.scheduling.access import User
from clinicdesk.scheduling.models import Program


def get_program_for_organizer(user: User, slug: str) -> Program:
    return scheduling_access.get_program_for_organizer(user, slug)


def get_issue_for_organizer(user: User, slug: str, number: int, language: str) -> Issue:
    program = scheduling_access.get_program_for_organizer(user, slug)
    if not is_language(language):
        raise Http404
    issue = get_object_or_404(
        Issue.objects.select_related("source"), program=program, number=number, language=language
    )
    issue.program = program
    return issue


def get_item(issue: Issue, item_id: int) -> IssueItem:
    item = get_object_or_404(
        IssueItem.objects.select_related("session", "opportunity"), issue=issue, pk=item_id
    )
    item.issue = issue
    return item


def get_story(issue: Issue, story_id: int) -> Story:
    story = get_object_or_404(Story.objects.select_related("source"), issue=issue, pk=story_id)
    story.issue = issue
    return story


def get_opportunity_for_organizer(user: User, slug: str, opportunity_id: int) -> Opportunity:
    program = scheduling_access.get_program_for_organizer(user, slug)
    return get_object_or_404(Opportunity, program=program, pk=opportunity_id)
