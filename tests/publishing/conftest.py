"""Fixtures of the publishing tests: the demo program and a stand-in for the worker. The wiki
(``mediawiki``, ``wiki``, ``wiki_bot_login``, ``make_target``) and the SMTP server
(``mailbox``) come from ``tests/support/``."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from clinicdesk.scheduling.models import Program
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


def work(queue: str | None = "publishing") -> list[DBTaskResult]:
    """The commit's callbacks (queuing tasks), then the worker on ``queue``, until nothing is
    left to do."""
    return run_tasks(queue=queue)
