"""A real SMTP server on loopback (aiosmtpd) and what it received.

Fixtures (exposed by ``tests/conftest.py``):

* ``smtp_server``: the server alone, for a worker process of its own (``mailbox.port``);
* ``mailbox``: the same server with Django sending to it (``EMAIL_*`` settings).

A test plays faults on the ``Mailbox``: ``busy = n`` refuses the next n messages for now
(451, retried), an address in ``unknown`` is refused for good (550 at RCPT).
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    """A loopback port nobody listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """What the SMTP server received. It refuses the addresses in ``unknown`` for good (550)
    and the next ``busy`` messages for now (451)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.unknown: set[str] = set()
        self.busy = 0
        self.port = 0
        self.lock = threading.Lock()
        self.received = threading.Condition(self.lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.unknown:
            return "550 5.1.1 No such address here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.lock:
            if self.busy:
                self.busy -= 1
                return "451 4.3.0 Mailbox busy, try again later"
            self.messages.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
            self.received.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[EmailMessage]:
        """The messages once there are ``count`` of them (or the timeout passed)."""
        with self.received:
            self.received.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
            return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server on a free loopback port (``.port``), stopped after the test."""
    box = Mailbox()
    box.port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def mailbox(smtp_server: Mailbox, settings) -> Mailbox:
    """The SMTP server, with Django sending to it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_TIMEOUT = 10
    return smtp_server


def text_body(message: EmailMessage) -> str:
    """The plain text, with the line ends SMTP gave it read back as newlines."""
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def html_body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def calendar_attachment(message: EmailMessage) -> bytes | None:
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            return part.get_payload(decode=True)
    return None
