"""Fixtures of the publishing tests: the demo program, a wiki target on the run's one real
MediaWiki, and a stand-in for the worker. The wiki (``mediawiki``, ``wiki``,
``wiki_bot_login``) and the SMTP server (``mailbox``) come from ``tests/support/``."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from clinicdesk.publishing import services as publishing_services
from clinicdesk.publishing.models import WikiTarget
from clinicdesk.scheduling.models import Program
from tests.support.wiki import unique_title
from tests.support.worker import run_tasks


@pytest.fixture(autouse=True)
def _site_url(settings) -> None:
    """Links in pages and e-mails point at one address the tests can assert."""
    settings.SITE_URL = "http://clinicdesk.test"


@pytest.fixture
def demo(db) -> Program:
    """The demo program (seeds 000 and 001, the #006 digest of seed 002, published)."""
    call_command("load_demo", verbosity=0)
    return Program.objects.get(slug="wikimedia-clinics")


@pytest.fixture
def make_target(wiki, wiki_bot_login):
    def make(program: Program, **fields) -> WikiTarget:
        stem = unique_title("Wikimedia Clinics")
        fields.setdefault("program_page_title", stem)
        fields.setdefault("digest_title_pattern", stem + "/{number}/{language}")
        fields.setdefault("edit_summary", "Updated from clinicdesk")
        return publishing_services.create_wiki_target(
            program=program,
            name=fields.pop("name", "Test Wiki"),
            api_url=wiki.api_url,
            credentials_name=fields.pop("credentials", wiki_bot_login),
            **fields,
        )

    return make


def work(queue: str | None = "publishing") -> list[DBTaskResult]:
    """The commit's callbacks (queuing tasks), then the worker on ``queue``, until nothing is
    left to do."""
    return run_tasks(queue=queue)
