"""Shared fixtures: real objects made through the services, the three personas, and the real
parts every test folder may use (``tests/support/``): ``smtp_server`` and ``mailbox`` (an SMTP
server on loopback), ``mediawiki``, ``wiki``, ``wiki_bot_login`` and ``make_target`` (one
MediaWiki per run, and a wiki target on it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import translation

from clinicdesk.scheduling import services
from clinicdesk.scheduling.models import ClinicSession, Person, Program
from tests.support.mail import mailbox, smtp_server
from tests.support.wiki import make_target, mediawiki, wiki, wiki_bot_login

# Fixtures defined in tests/support/, offered to every folder from here.
__all__ = ["mailbox", "make_target", "mediawiki", "smtp_server", "wiki", "wiki_bot_login"]


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request to /es/... leaves Spanish active in the thread; every test starts in English."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Content versions restart at 1 in every test: a page cached by one must not serve another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def program(db) -> Program:
    return services.create_program(
        name="Wikimedia Clinics",
        slug="wikimedia-clinics",
        purpose="Open support calls.",
        conduct="Listen with patience and respect.",
        default_languages=["en"],
        community_zones=["America/Mexico_City", "Europe/Madrid", "Africa/Lagos", "Asia/Kolkata"],
    )


def make_session(program: Program, number: int, **fields) -> ClinicSession:
    fields.setdefault("start_date", dt.date(2030, 6, 17))
    fields.setdefault("start_time", dt.time(13, 0))
    return services.schedule_session(program=program, number=number, **fields)


@pytest.fixture
def staff_people(db) -> list[Person]:
    return [
        services.create_person(name="Quim", role=Person.Role.STAFF, organization="WMF"),
        services.create_person(name="Sele", role=Person.Role.STAFF, organization="WMF"),
    ]


# --- The three personas of every permission test ----------------------------------------------


@pytest.fixture
def owner(program) -> User:
    """Organizes the program under test."""
    user = User.objects.create_user("owner", password="owner-pass-123")
    program.organizers.add(user)
    return user


@pytest.fixture
def member(db) -> User:
    """Organizes another program, not this one."""
    user = User.objects.create_user("member", password="member-pass-123")
    other = services.create_program(name="Let's Connect", slug="lets-connect")
    other.organizers.add(user)
    return user


@pytest.fixture
def outsider(db) -> User:
    """Has an account and organizes nothing."""
    return User.objects.create_user("outsider", password="outsider-pass-123")
