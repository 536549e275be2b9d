"""E-mails to mailing lists: announcements, "digest of #NNN published" and "call starts soon".

Each is three templates under ``templates/publishing/emails/`` (``<kind>-subject.txt``,
``<kind>-body.txt``, ``<kind>-body.html``), rendered in the list's language from the record as
it is at delivery, into the outbox's :class:`~clinicdesk.outbox.emails.Email` (plain text
first, the HTML as its alternative), which leaves through the outbox (``services.LIST_OUTBOX``).
E-mails of other apps' sources are composed by their source (``sources.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from email.utils import formataddr
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from clinicdesk.digests import queries as digest_queries
from clinicdesk.digests.models import Digest
from clinicdesk.digests.renderers import render_html, render_text
from clinicdesk.lib.formats import describe_date
from clinicdesk.lib.languages import language_name
from clinicdesk.outbox import emails as outbox_emails
from clinicdesk.outbox.emails import Attachment, Email
from clinicdesk.publishing import sources
from clinicdesk.publishing.models import ListMessage, ListSender, MailingList, WikiPage
from clinicdesk.publishing.wiki import split_api_url
from clinicdesk.scheduling.models import ClinicSession, Program
from clinicdesk.scheduling.timetext import describe_undated


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def sender_of(program: Program) -> str:
    sender = ListSender.objects.filter(program=program).first()
    if sender is None:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((sender.name, sender.address))


def wiki_page_url(api_url: str, title: str) -> str:
    """The address of a page on the wiki the API ``api_url`` belongs to."""
    scheme, host, path = split_api_url(api_url)
    return f"{scheme}://{host}{path}index.php?title={quote(title.replace(' ', '_'))}"


# --- The calls ----------------------------------------------------------------------------------


def _call(session: ClinicSession, language: str) -> dict[str, Any]:
    when = ""
    if session.starts_at is not None:
        utc = session.starts_at.astimezone(dt.UTC)
        when = _("%(date)s, %(time)s UTC") % {
            "date": describe_date(utc.date(), language),
            "time": utc.strftime("%H:%M"),
        }
    elif session.start_date is not None:
        when = "{} ({})".format(
            describe_date(session.start_date, language), _("time to be announced")
        )
    else:
        when = describe_undated(session.date_precision, session.start_month, language)
    topics = []
    for segment in session.segments.all():
        if segment.presenter:
            topics.append(
                _("%(title)s with %(presenter)s")
                % {"title": segment.title, "presenter": segment.presenter}
            )
        else:
            topics.append(segment.title)
    return {
        "session": session,
        "title": session.display_title,
        "when": when,
        "has_time": session.starts_at is not None,
        "page_url": _absolute(session.get_absolute_url()),
        "calendar_url": _absolute(
            reverse(
                "scheduling:session-calendar",
                kwargs={"slug": session.program.slug, "number": session.number},
            )
        ),
        "meeting_url": session.meeting_url,
        "duration_minutes": session.duration_minutes,
        "topics": topics,
        "cancelled": session.is_cancelled,
    }


def _program_context(program: Program) -> dict[str, Any]:
    return {
        "program": program,
        "program_url": _absolute(program.get_absolute_url()),
        "calendar_url": _absolute(reverse("scheduling:program-calendar", args=[program.slug])),
        "conduct_lines": [
            line.strip(" *-•\t") for line in program.conduct.splitlines() if line.strip()
        ],
    }


def render(kind: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    """Subject, text body and HTML body of a list e-mail, in ``language``."""
    return outbox_emails.render(f"publishing/emails/{kind}", context, language)


def announcement_context(
    program: Program, sessions: Sequence[ClinicSession], intro: str, language: str
) -> dict[str, Any]:
    with translation.override(language):
        calls = [_call(session, language) for session in sessions if not session.is_cancelled]
    return {
        **_program_context(program),
        "intro_paragraphs": [p.strip() for p in intro.split("\n\n") if p.strip()],
        "calls": calls,
    }


def render_announcement(
    program: Program, sessions: Sequence[ClinicSession], intro: str, language: str
) -> tuple[str, str, str]:
    """What an announcement of ``sessions`` says (for the preview and for sending)."""
    return render(
        ListMessage.Kind.ANNOUNCEMENT,
        announcement_context(program, sessions, intro, language),
        language,
    )


def _digest_context(message: ListMessage, language: str) -> dict[str, Any]:
    digest = message.digest
    assert digest is not None  # noqa: S101 - a digest notice always has one (checked before)
    session = digest.session
    program = session.program
    versions = list(
        Digest.objects.filter(session=session, status=Digest.Status.PUBLISHED).order_by("language")
    )
    wiki_pages = {
        page.digest_id: page
        for page in WikiPage.objects.filter(
            digest__in=versions, state=WikiPage.State.PUBLISHED, target__is_active=True
        ).select_related("target")
    }
    links = []
    with translation.override(language):
        for version in versions:
            page = wiki_pages.get(version.pk)
            links.append(
                {
                    "language": language_name(version.language, language),
                    "code": version.language,
                    "url": _absolute(
                        digest_queries.digest_path(program.slug, session.number, version.language)
                    ),
                    "wiki_url": wiki_page_url(page.target.api_url, page.title) if page else "",
                    "wiki_name": page.target.name if page else "",
                }
            )
    doc = digest_queries.digest_document(digest, public=True, absolute=True)
    return {
        **_program_context(program),
        "session": session,
        "title": session.display_title,
        "label": session.label,
        "digest_language": language_name(digest.language, language),
        "links": links,
        "digest_text": render_text(doc),
        "digest_html": render_html(doc),
    }


def compose(message: ListMessage) -> Email:
    """The e-mail an outbox row stands for, from the record as it is now."""
    mailing_list: MailingList = message.mailing_list
    program = mailing_list.program
    language = mailing_list.language or settings.LANGUAGE_CODE
    headers: dict[str, str] = {}
    attachments: tuple[Attachment, ...] = ()
    sessions = sorted(
        message.sessions.select_related("program").prefetch_related("segments"),
        key=lambda s: (
            s.starts_at is None,
            s.starts_at or dt.datetime.max.replace(tzinfo=dt.UTC),
            s.number,
        ),
    )
    if message.kind == ListMessage.Kind.SOURCE:
        source = sources.get(message.source_kind)
        if source is None:
            raise LookupError(f"no publishing source of kind {message.source_kind!r}")
        with translation.override(language):
            made = source.compose(message)
        subject, text, html = " ".join(made.subject.split()), made.text, made.html
        headers.update(made.headers)
        attachments = made.attachments
    elif message.kind == ListMessage.Kind.ANNOUNCEMENT:
        subject, text, html = render_announcement(program, sessions, message.intro, language)
    elif message.kind == ListMessage.Kind.DIGEST:
        context = _digest_context(message, language)
        subject, text, html = render(message.kind, context, language)
        headers["Auto-Submitted"] = "auto-generated"
    else:
        with translation.override(language):
            calls = [_call(session, language) for session in sessions]
        context = {
            **_program_context(program),
            "calls": calls,
            "minutes": mailing_list.reminder_minutes,
        }
        subject, text, html = render(message.kind, context, language)
        headers["Auto-Submitted"] = "auto-generated"
    return Email(
        to=(mailing_list.address,),
        sender=sender_of(program),
        subject=subject,
        text=text,
        html=html,
        headers=headers,
        attachments=attachments,
    )
