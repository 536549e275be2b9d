"""The real MediaWiki fixtures (exposed by ``tests/conftest.py``).

* ``mediawiki`` (session scope): one wiki installed and served for the whole run, whichever
  test folders use it;
* ``wiki``: that wiki, running again after a test that stopped it;
* ``wiki_bot_login``: the ``ClinicBot`` bot password in the environment as
  ``CLINICDESK_WIKI_TEST_USERNAME``/``_PASSWORD``; returns the credentials name ``"TEST"``;
* ``make_target(program, stem=..., **fields)``: a wiki target of ``program`` on that wiki,
  logged in as ``ClinicBot``, its titles unique to the test;
* ``unique_title(stem)``: a page title no other test of the run uses (they share one wiki).

Skipped without PHP and Debian's MediaWiki, except under ``CLINICDESK_REQUIRE_WIKI=1`` (CI),
where they fail.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from tests.support.mediawiki import PACKAGES, MediaWiki, WikiUnavailable, missing_parts

_titles = itertools.count(1)


def _unavailable(reason: str) -> None:
    if os.environ.get("CLINICDESK_REQUIRE_WIKI") == "1":
        pytest.fail(f"CLINICDESK_REQUIRE_WIKI=1 but {reason}", pytrace=False)
    pytest.skip(f"{reason} (apt-get install {PACKAGES})")


@pytest.fixture(scope="session")
def mediawiki(tmp_path_factory) -> Iterator[MediaWiki]:
    """A MediaWiki installed and served once for the whole test run."""
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
def wiki(mediawiki: MediaWiki) -> Iterator[MediaWiki]:
    """The session's wiki, running again after a test that stopped it."""
    mediawiki.start()
    yield mediawiki
    mediawiki.start()


@pytest.fixture
def wiki_bot_login(wiki: MediaWiki, monkeypatch) -> str:
    """The bot login in the environment, as an operator would set it; returns its name."""
    account = wiki.accounts["ClinicBot"]
    monkeypatch.setenv("CLINICDESK_WIKI_TEST_USERNAME", account.bot_username)
    monkeypatch.setenv("CLINICDESK_WIKI_TEST_PASSWORD", account.bot_password)
    return "TEST"


@pytest.fixture
def make_target(wiki: MediaWiki, wiki_bot_login: str):
    from clinicdesk.publishing import services as publishing_services

    def make(program, *, stem: str = "Wikimedia Clinics", **fields):
        stem = unique_title(stem)
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


def unique_title(stem: str) -> str:
    """A page title no other test of this run uses (they share one wiki)."""
    return f"{stem} {os.getpid()}-{next(_titles)}"
