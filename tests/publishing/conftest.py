"""Fixtures of the publishing tests: one real MediaWiki per test run, a wiki target on it,
a real SMTP server on loopback, and a stand-in for the worker."""

from __future__ import annotations

import email
import email.policy
import itertools
import os
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from clinicdesk.publishing import services as publishing_services
from clinicdesk.publishing.models import WikiTarget
from clinicdesk.scheduling.models import Program
from tests.publishing.mediawiki import PACKAGES, MediaWiki, WikiUnavailable, missing_parts


def _unavailable(reason: str) -> None:
    if os.environ.get("CLINICDESK_REQUIRE_WIKI") == "1":
        pytest.fail(f"CLINICDESK_REQUIRE_WIKI=1 but {reason}", pytrace=False)
    pytest.skip(f"{reason} (apt-get install {PACKAGES})")


@pytest.fixture(scope="session")
def mediawiki(tmp_path_factory) -> Iterator[MediaWiki]:
    """A MediaWiki installed and served once for the whole test run.

    Skipped without PHP and Debian's MediaWiki, except where ``CLINICDESK_REQUIRE_WIKI=1``
    (CI) says it must run: there it fails.
    """
    missing = missing_parts()
    if missing:
        _unavailable(missing)
    wiki = MediaWiki(tmp_path_factory.mktemp("mediawiki"))
    try:
        wiki.install()
        wiki.start()
    except WikiUnavailable as error:
        wiki.stop()
        _unavailable(str(error))
    try:
        yield wiki
    finally:
        wiki.stop()


@pytest.fixture
def wiki(mediawiki) -> Iterator[MediaWiki]:
    """The session's wiki, running again after a test that stopped it."""
    mediawiki.start()
    yield mediawiki
    mediawiki.start()


# --- A program and a wiki target on the test wiki ----------------------------------------------

_titles = itertools.count(1)


@pytest.fixture
def demo(db) -> Program:
    """The demo program (seeds 000 and 001, the #006 digest of seed 002, published)."""
    call_command("load_demo", verbosity=0)
    return Program.objects.get(slug="wikimedia-clinics")


@pytest.fixture
def bot_login(wiki, monkeypatch) -> str:
    """The bot login in the environment, as an operator would set it; returns its name."""
    account = wiki.accounts["ClinicBot"]
    monkeypatch.setenv("CLINICDESK_WIKI_TEST_USERNAME", account.bot_username)
    monkeypatch.setenv("CLINICDESK_WIKI_TEST_PASSWORD", account.bot_password)
    return "TEST"


def unique_title(stem: str) -> str:
    """A page title no other test of this run uses (they share one wiki)."""
    return f"{stem} {os.getpid()}-{next(_titles)}"


@pytest.fixture
def make_target(wiki, bot_login, settings):
    settings.SITE_URL = "http://clinicdesk.test"

    def make(program: Program, **fields) -> WikiTarget:
        stem = unique_title("Wikimedia Clinics")
        fields.setdefault("program_page_title", stem)
        fields.setdefault("digest_title_pattern", stem + "/{number}/{language}")
        fields.setdefault("edit_summary", "Updated from clinicdesk")
        return publishing_services.create_wiki_target(
            program=program,
            name=fields.pop("name", "Test Wiki"),
            api_url=wiki.api_url,
            credentials_name=fields.pop("credentials", bot_login),
            **fields,
        )

    return make


# --- The worker ---------------------------------------------------------------------------------


def run_on_commit_callbacks() -> int:
    """Runs what the services asked to do once their transaction commits: in a test that runs
    inside a transaction, it never commits."""
    count = 0
    while connection.run_on_commit:
        pending = list(connection.run_on_commit)
        connection.run_on_commit.clear()
        for _savepoints, callback, _robust in pending:
            callback()
        count += len(pending)
    return count


def run_ready_tasks(*, queue: str | None = None, limit: int = 200) -> list[DBTaskResult]:
    """Runs the queued tasks that are due, as ``db_worker`` does, in this thread (one test
    runs the real worker process)."""
    ran = []
    for _ in range(limit):
        ready = DBTaskResult.objects.ready()
        if queue:
            ready = ready.filter(queue_name=queue)
        row = ready.first()
        if row is None:
            break
        row.claim("test-worker")
        result = row.task_result
        try:
            value = row.task.call(*result.args, **result.kwargs)
        except Exception as error:
            row.set_failed(error)
        else:
            row.set_successful(value)
        ran.append(row)
    return ran


def work(queue: str | None = "publishing") -> list[DBTaskResult]:
    """The commit's callbacks (queuing tasks), then the worker, until nothing is left to do."""
    ran: list[DBTaskResult] = []
    while True:
        queued = run_on_commit_callbacks()
        done = run_ready_tasks(queue=queue)
        ran += done
        if not queued and not done:
            return ran


# --- A real SMTP server on loopback ---------------------------------------------------------


class Mailbox:
    """What the SMTP server received. It refuses the addresses in ``unknown`` for good (550)
    and the next ``busy`` messages for now (451)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.unknown: set[str] = set()
        self.busy = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.unknown:
            return "550 5.1.1 No such list here"
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
        return "250 OK"


@pytest.fixture
def mailbox(settings) -> Iterator[Mailbox]:
    """A real SMTP server on loopback, with Django sending to it."""
    box = Mailbox()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 10
    settings.SITE_URL = "http://clinicdesk.test"
    try:
        yield box
    finally:
        controller.stop()


def text_body(message: EmailMessage) -> str:
    """The plain text, with the line ends SMTP gave it read back as newlines."""
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def html_body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
