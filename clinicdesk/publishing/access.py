"""The only way organizer views reach a program's wikis, pages, lists and e-mails: through the
program, which ``scheduling.access`` clears (404 for what does not exist, 403 for what the user
may not organize)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from clinicdesk.publishing.models import ListMessage, MailingList, WikiPage, WikiTarget
from clinicdesk.scheduling.access import User, get_program_for_organizer
from clinicdesk.scheduling.models import Program


def get_target_for_organizer(user: User, slug: str, target_id: int) -> WikiTarget:
    program = get_program_for_organizer(user, slug)
    return get_object_or_404(
        WikiTarget.objects.select_related("program"), program=program, pk=target_id
    )


def get_page_for_organizer(user: User, slug: str, page_id: int) -> WikiPage:
    program = get_program_for_organizer(user, slug)
    return get_object_or_404(
        WikiPage.objects.select_related("target__program", "digest__session__program"),
        target__program=program,
        pk=page_id,
    )


def get_list_for_organizer(user: User, slug: str, list_id: int) -> MailingList:
    program = get_program_for_organizer(user, slug)
    return get_object_or_404(
        MailingList.objects.select_related("program"), program=program, pk=list_id
    )


def get_message_for_organizer(user: User, slug: str, message_id: int) -> ListMessage:
    program = get_program_for_organizer(user, slug)
    return get_object_or_404(
        ListMessage.objects.select_related("mailing_list__program"),
        mailing_list__program=program,
        pk=message_id,
    )


__all__ = [
    "Program",
    "get_list_for_organizer",
    "get_message_for_organizer",
    "get_page_for_organizer",
    "get_program_for_organizer",
    "get_target_for_organizer",
]
