"""The newsletter's e-mails in a reader's language: an issue (to lists and subscribers) and
the subscription's confirmation. Each is three templates (subject, text, HTML)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from clinicdesk.newsletters import queries
from clinicdesk.newsletters.models import Issue, Subscription
from clinicdesk.newsletters.renderers import render_html, render_text


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _subject(template: str, context: dict[str, object]) -> str:
    return " ".join(render_to_string(template, context).split())


def issue_mail(issue: Issue, *, unsubscribe_url: str = "") -> tuple[str, str, str]:
    """Subject, text and HTML of an issue, in the issue's language."""
    with translation.override(issue.language):
        document = queries.issue_document(issue, base=settings.SITE_URL)
        context = {
            "issue": issue,
            "document": document,
            "issue_text": render_text(document),
            # Built from escaped text and cleaned by nh3 (renderers.render_html).
            "issue_html": mark_safe(render_html(document)),  # noqa: S308
            "issue_url": document.url,
            "unsubscribe_url": unsubscribe_url,
            "issues_url": absolute(
                reverse("newsletters:issues", kwargs={"slug": issue.program.slug})
            ),
        }
        return (
            _subject("newsletters/emails/issue_subject.txt", context),
            render_to_string("newsletters/emails/issue.txt", context),
            render_to_string("newsletters/emails/issue.html", context),
        )


def confirmation_mail(subscription: Subscription, token: str) -> tuple[str, str, str]:
    """Subject, text and HTML of the confirmation request, in the subscription's language."""
    with translation.override(subscription.language):
        context = {
            "program": subscription.program,
            "confirm_url": absolute(reverse("newsletters:confirm", kwargs={"token": token})),
        }
        return (
            _subject("newsletters/emails/confirm_subject.txt", context),
            render_to_string("newsletters/emails/confirm.txt", context),
            render_to_string("newsletters/emails/confirm.html", context),
        )


def unsubscribe_url(token: str) -> str:
    return absolute(reverse("newsletters:unsubscribe", kwargs={"token": token}))
