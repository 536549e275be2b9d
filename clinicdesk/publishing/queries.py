"""Reads the publishing pages share, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from clinicdesk.publishing.models import (
    ListMessage,
    ListSender,
    MailingList,
    PublishAttempt,
    WikiPage,
    WikiTarget,
)
from clinicdesk.scheduling.models import ClinicSession, Program

RECENT = 10


@dataclass
class Dashboard:
    targets: list[WikiTarget]
    lists: list[MailingList]
    sender: ListSender | None
    recent_attempts: list[PublishAttempt]
    recent_messages: list[ListMessage]


def _pages() -> QuerySet[WikiPage]:
    return WikiPage.objects.select_related("digest__session").order_by("kind", "title", "pk")


def dashboard(program: Program) -> Dashboard:
    """Everything on the publishing page of a program (six queries)."""
    targets = list(
        WikiTarget.objects.filter(program=program)
        .prefetch_related(Prefetch("pages", queryset=_pages()))
        .order_by("name", "pk")
    )
    return Dashboard(
        targets=targets,
        lists=list(MailingList.objects.filter(program=program).order_by("name", "pk")),
        sender=ListSender.objects.filter(program=program).first(),
        recent_attempts=list(publish_log(program)[:RECENT]),
        recent_messages=list(list_messages(program)[:RECENT]),
    )


def publish_log(program: Program) -> QuerySet[PublishAttempt]:
    """Every attempt to publish a page of the program, newest first."""
    return (
        PublishAttempt.objects.filter(program=program)
        .select_related("page__target")
        .order_by("-started_at", "-pk")
    )


def list_messages(program: Program) -> QuerySet[ListMessage]:
    """Every e-mail to the program's lists, newest first."""
    return (
        ListMessage.objects.filter(mailing_list__program=program)
        .select_related("mailing_list", "digest__session")
        .order_by("-created_at", "-pk")
    )


def source_pages(program: Program, kind: str, keys: Iterable[str]) -> list[WikiPage]:
    """The pages of the source ``kind`` with those keys on the program's wikis (one query),
    for the source app's own organizer pages to show where they stand."""
    return list(
        WikiPage.objects.filter(
            target__program=program,
            kind=WikiPage.Kind.SOURCE,
            source_kind=kind,
            source_key__in=list(keys),
        )
        .select_related("target")
        .order_by("target__name", "title", "pk")
    )


def source_messages(program: Program, kind: str, keys: Iterable[str]) -> list[ListMessage]:
    """The list e-mails of the source ``kind`` for those keys, newest first (one query)."""
    return list(
        ListMessage.objects.filter(
            mailing_list__program=program,
            kind=ListMessage.Kind.SOURCE,
            source_kind=kind,
            source_key__in=list(keys),
        )
        .select_related("mailing_list")
        .order_by("-created_at", "-pk")
    )


def announceable_sessions(program: Program) -> QuerySet[ClinicSession]:
    """Calls an announcement may give: not cancelled, not over (or with no known time)."""
    now = timezone.now()
    return (
        ClinicSession.objects.filter(program=program)
        .exclude(status__in=[ClinicSession.Status.CANCELLED, ClinicSession.Status.HELD])
        .exclude(starts_at__lt=now)
        .select_related("program")
        .order_by("starts_at", "number")
    )


def active_targets(program: Program) -> QuerySet[WikiTarget]:
    return WikiTarget.objects.filter(program=program, is_active=True).order_by("name", "pk")


def active_lists(program: Program) -> QuerySet[MailingList]:
    return MailingList.objects.filter(program=program, is_active=True).order_by("name", "pk")
