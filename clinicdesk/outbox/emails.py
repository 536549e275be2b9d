"""One e-mail, ready to send, and the one way it leaves clinicdesk (see the package's
docstring)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True, slots=True)
class Email:
    """An e-mail: plain text first, with an HTML alternative when ``html`` is given.

    ``sender`` is the From header (``DEFAULT_FROM_EMAIL`` when empty); ``headers`` are extra
    headers (``List-Unsubscribe``, ``List-Unsubscribe-Post``, ``Auto-Submitted`` ...). No
    value a person typed goes into a header unchecked: Django refuses a header with a line
    break.
    """

    to: tuple[str, ...]
    subject: str
    text: str
    html: str = ""
    sender: str = ""
    reply_to: tuple[str, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()


def send(email: Email) -> None:
    """The one way an e-mail leaves clinicdesk. Raises what the mail backend raises."""
    message = EmailMultiAlternatives(
        " ".join(email.subject.split()),  # one line, whatever the template or the data held
        email.text,
        email.sender or settings.DEFAULT_FROM_EMAIL,
        list(email.to),
        reply_to=list(email.reply_to),
        headers=dict(email.headers),
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    message.send()


def render(base: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    """Subject, text body and HTML body from the templates ``<base>-subject.txt``,
    ``<base>-body.txt`` and ``<base>-body.html``, in ``language``."""
    with translation.override(language):
        subject = render_to_string(f"{base}-subject.txt", context)
        text = render_to_string(f"{base}-body.txt", context)
        html = render_to_string(f"{base}-body.html", context)
    # One line, whatever the template or the data held: a subject is a header.
    return " ".join(subject.split()), text, html
