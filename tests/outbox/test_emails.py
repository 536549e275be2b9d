"""The outbox's one way out, through the real SMTP server on loopback, and its pure rules:
backoff, which refusals are permanent, and the words for organizers."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest

from clinicdesk.outbox.delivery import describe_error, retry_delay, smtp_refusal_is_permanent
from clinicdesk.outbox.emails import Attachment, Email, send
from tests.support.mail import html_body, text_body

UNSUBSCRIBE = "<https://clinicdesk.test/newsletters/unsubscribe/abc/>"


def test_send_gives_every_part_and_header(mailbox, settings):
    settings.DEFAULT_FROM_EMAIL = "clinicdesk <noreply@example.org>"
    send(
        Email(
            to=("ana@example.org",),
            subject="Issue 3:\n the  winter clinics",
            text="Plain first.\n",
            html="<p>Then <b>HTML</b>.</p>",
            reply_to=("editors@example.org",),
            headers={
                "List-Unsubscribe": UNSUBSCRIBE,
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            attachments=(Attachment("call.ics", b"BEGIN:VCALENDAR\r\n", "text/calendar"),),
        )
    )

    [message] = mailbox.messages
    assert message["From"] == "clinicdesk <noreply@example.org>"
    assert message["To"] == "ana@example.org"
    assert message["Reply-To"] == "editors@example.org"
    assert message["Subject"] == "Issue 3: the winter clinics"
    assert message["List-Unsubscribe"] == UNSUBSCRIBE
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert text_body(message) == "Plain first.\n"
    assert html_body(message) == "<p>Then <b>HTML</b>.</p>"
    [attachment] = message.iter_attachments()
    assert (attachment.get_filename(), attachment.get_content_type()) == (
        "call.ics",
        "text/calendar",
    )


def test_send_without_html_is_plain_text_only(mailbox):
    send(Email(to=("ana@example.org",), subject="Hi", text="Only text.\n", sender="a@example.org"))

    [message] = mailbox.messages
    assert message.get_content_type() == "text/plain"
    assert message["From"] == "a@example.org"


def test_send_refused_address_raises_what_smtp_said(mailbox):
    mailbox.unknown.add("gone@example.org")
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(Email(to=("gone@example.org",), subject="Hi", text="x"))

    assert smtp_refusal_is_permanent(refused.value) is True
    email = Email(to=("gone@example.org",), subject="Hi", text="x")
    assert describe_error(refused.value, email) == (
        "The mail server refused the address gone@example.org: 550 5.1.1 No such address here"
    )


def test_busy_server_is_not_permanent_and_says_its_answer(mailbox):
    mailbox.busy = 1
    with pytest.raises(smtplib.SMTPDataError) as busy:
        send(Email(to=("ana@example.org",), subject="Hi", text="x"))

    assert smtp_refusal_is_permanent(busy.value) is False
    assert describe_error(busy.value, None).startswith("The e-mail could not be composed")
    assert describe_error(busy.value, Email(to=("a@b.c",), subject="", text="")) == (
        "The mail server answered 451 4.3.0 Mailbox busy, try again later"
    )


def test_unreachable_server_is_described_and_retried():
    error = ConnectionRefusedError(111, "Connection refused")
    assert smtp_refusal_is_permanent(error) is False
    assert describe_error(error, Email(to=("a@b.c",), subject="", text="")) == (
        "The mail server could not be reached: ConnectionRefusedError: [Errno 111] "
        "Connection refused"
    )


def test_retry_delay_doubles_up_to_the_cap():
    delays = [retry_delay(n, base_seconds=60, cap_seconds=3600) for n in range(1, 9)]
    assert delays == [dt.timedelta(seconds=s) for s in (60, 120, 240, 480, 960, 1920, 3600, 3600)]
    assert retry_delay(0, base_seconds=60, cap_seconds=3600) == dt.timedelta(seconds=60)
