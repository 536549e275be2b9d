"""E-mails of the digests app. Each is three templates under ``templates/digests/emails/``
(``<kind>-subject.txt``, ``<kind>-body.txt``, ``<kind>-body.html``) rendered in one language,
and every one leaves through :func:`send`, by Django's mail API.

(The same shape as ``registration.emails``, whose ``send`` reads its templates from its own
folder only.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True, slots=True)
class Email:
    to: str
    template: str
    language: str
    context: dict[str, Any]


def render(email: Email) -> tuple[str, str, str]:
    """Subject, text body and HTML body, in the e-mail's language."""
    base = f"digests/emails/{email.template}"
    context = {**email.context, "language": email.language}
    with translation.override(email.language):
        subject = render_to_string(f"{base}-subject.txt", context)
        text = render_to_string(f"{base}-body.txt", context)
        html = render_to_string(f"{base}-body.html", context)
    # One line whatever the data held: a subject is a header.
    return " ".join(subject.split()), text, html


def send(email: Email) -> None:
    """Sends the e-mail; raises what the mail backend raises (the task queue retries)."""
    subject, text, html = render(email)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [email.to])
    message.attach_alternative(html, "text/html")
    message.send()
