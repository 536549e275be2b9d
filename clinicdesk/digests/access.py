"""The only way organizer views reach digests, topics, items and follow-ups: through the
program's organizers, as ``scheduling.access`` decides (404 for what does not exist, 403 for
what the user may not organize)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from clinicdesk.digests.models import Digest, FollowUp, FollowUpReminder, Item, Resource, Topic
from clinicdesk.lib.languages import is_language
from clinicdesk.scheduling import access as scheduling_access
from clinicdesk.scheduling.access import User


def get_digest_for_organizer(user: User, slug: str, number: int, language: str) -> Digest:
    session = scheduling_access.get_session_for_organizer(user, slug, number)
    if not is_language(language):
        raise Http404
    digest = get_object_or_404(
        Digest.objects.select_related("source"), session=session, language=language
    )
    digest.session = session
    return digest


def get_topic(digest: Digest, topic_id: int) -> Topic:
    topic = get_object_or_404(Topic.objects.select_related("source"), digest=digest, pk=topic_id)
    topic.digest = digest
    return topic


def get_item(digest: Digest, item_id: int) -> Item:
    item = get_object_or_404(
        Item.objects.select_related("topic", "source", "follow_up", "resource", "speaker"),
        topic__digest=digest,
        pk=item_id,
    )
    item.topic.digest = digest
    return item


def get_follow_up_for_organizer(user: User, slug: str, follow_up_id: int) -> FollowUp:
    program = scheduling_access.get_program_for_organizer(user, slug)
    return get_object_or_404(
        FollowUp.objects.select_related("owner", "session__program"),
        session__program=program,
        pk=follow_up_id,
    )


def get_resource_for_organizer(user: User, slug: str, number: int, resource_id: int) -> Resource:
    session = scheduling_access.get_session_for_organizer(user, slug, number)
    return get_object_or_404(
        Resource.objects.select_related("session"), session=session, pk=resource_id
    )


def get_reminder_for_organizer(user: User, slug: str, reminder_id: int) -> FollowUpReminder:
    """A reminder e-mail naming a follow-up of a program the user organizes."""
    program = scheduling_access.get_program_for_organizer(user, slug)
    return get_object_or_404(
        FollowUpReminder.objects.filter(follow_ups__session__program=program).distinct(),
        pk=reminder_id,
    )
