"""Where the community a plan is made for comes from: adapters from the database to the
planning core's members.

* ``poll``: the answers to the program's latest availability poll, each with its own hours;
* ``hubs``: a declared spread of hubs ("30 % America/Mexico_City, ..."), as typed or saved;
* ``cities``: the program's community cities, in equal shares;
* ``registrations`` and ``attendance``: the home time zones of the people who registered for
  the program's sessions, or who were checked in on them. These read the registration app
  through ``_registration_models()``, the one seam between the two apps: when that app's
  tables are not there, the sources say they are not available.

A person counts once per source (registrations and check-ins by their address key); only zones
are read, never names or addresses.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinicdesk.planning import queries
from clinicdesk.planning.core import Member, MemberTable
from clinicdesk.planning.core.hubs import Hub, even_spread, hub_members
from clinicdesk.planning.core.weekgrid import answers_grid
from clinicdesk.scheduling.models import Program


class Source(enum.StrEnum):
    POLL = "poll"
    HUBS = "hubs"
    CITIES = "cities"
    REGISTRATIONS = "registrations"
    ATTENDANCE = "attendance"


SOURCE_LABELS = {
    Source.POLL: gettext_lazy("Availability poll answers"),
    Source.HUBS: gettext_lazy("Declared spread of hubs"),
    Source.CITIES: gettext_lazy("The program's community cities, in equal shares"),
    Source.REGISTRATIONS: gettext_lazy("Home time zones of past registrations"),
    Source.ATTENDANCE: gettext_lazy("Home time zones of people who attended"),
}


class SourceUnavailable(Exception):
    """The chosen source has nobody in it, or is not recorded; ``str()`` says which."""


@dataclass(frozen=True)
class Community:
    source: Source
    members: list[Member] | MemberTable
    size: int  # people (answers, registrants) or hubs


def _registration_models() -> tuple[Any, Any] | None:
    """The registration app's Registration and CheckIn models, or None when they are not
    installed. Read by name, so that planning does not import that app."""
    try:
        return apps.get_model("registration", "Registration"), apps.get_model(
            "registration", "CheckIn"
        )
    except LookupError:
        return None


def _zones_by_person(rows: list[tuple[str, str]]) -> list[str]:
    latest: dict[str, str] = {}
    for key, zone in rows:
        if zone:
            latest[key] = zone
    return list(latest.values())


def _registration_rows(program: Program, *, attended: bool) -> Any | None:
    """(address key, home zone) of the program's registrations, or of those checked in; None
    when registrations are not recorded."""
    models = _registration_models()
    if models is None:
        return None
    registration, check_in = models
    if attended:
        return check_in.objects.filter(
            session__program=program, registration__isnull=False
        ).values_list("registration__email_key", "registration__home_time_zone")
    return (
        registration.objects.filter(session__program=program)
        .exclude(status="cancelled")
        .values_list("email_key", "home_time_zone")
    )


def registration_zones(program: Program, *, attended: bool) -> list[str] | None:
    """Each person's home zone (one per person), or None when registrations are not recorded."""
    try:
        rows = _registration_rows(program, attended=attended)
        return None if rows is None else _zones_by_person(list(rows))
    except (FieldError, DatabaseError):
        return None


def registration_count(program: Program, *, attended: bool) -> int | None:
    """How many people (distinct addresses) the source holds, counted by the database."""
    try:
        rows = _registration_rows(program, attended=attended)
        if rows is None:
            return None
        key = "registration__email_key" if attended else "email_key"
        return int(rows.values(key).distinct().count())
    except (FieldError, DatabaseError):
        return None


def poll_members(program: Program) -> MemberTable:
    """The latest poll's answers as columns: their zones and local hours (one grid for all)."""
    poll = queries.latest_poll(program)
    answers = queries.poll_answers(poll) if poll is not None else []
    grid = answers_grid([(a.utc_quarters, a.utc_offset_minutes) for a in answers])
    return MemberTable(zones=[a.time_zone for a in answers], availability=grid)


def saved_hubs(program: Program) -> list[Hub]:
    settings = queries.planner_settings(program)
    if settings is None:
        return []
    return [Hub(h["zone"], float(h["percent"]), h.get("region", "")) for h in settings.hubs]


def community_of(program: Program, source: Source, hubs: list[Hub] | None = None) -> Community:
    """The members of ``source``; raises :class:`SourceUnavailable` when it is empty."""
    if source == Source.POLL:
        table = poll_members(program)
        if not len(table):
            raise SourceUnavailable(_("The availability poll has no answers yet."))
        return Community(source, table, len(table))
    if source == Source.HUBS:
        spread = hubs if hubs is not None else saved_hubs(program)
        if not spread:
            raise SourceUnavailable(_("No spread of hubs is declared yet."))
        return Community(source, hub_members(spread), len(spread))
    if source == Source.CITIES:
        spread = even_spread(program.community_zones)
        if not spread:
            raise SourceUnavailable(_("The program lists no community cities."))
        return Community(source, hub_members(spread), len(spread))
    zones = registration_zones(program, attended=source == Source.ATTENDANCE)
    if zones is None:
        raise SourceUnavailable(_("Registrations are not recorded on this site."))
    if not zones:
        raise SourceUnavailable(
            _("Nobody has attended a session of this program yet.")
            if source == Source.ATTENDANCE
            else _("Nobody has registered for a session of this program yet.")
        )
    return Community(source, [Member(zone=zone) for zone in zones], len(zones))


def source_sizes(program: Program) -> dict[Source, int | None]:
    """How many people (or hubs) each source holds; None when it is not recorded."""
    poll = queries.latest_poll(program)
    registered = registration_count(program, attended=False)
    attended = registration_count(program, attended=True)
    return {
        Source.POLL: poll.answer_count if poll is not None else 0,  # type: ignore[attr-defined]
        Source.HUBS: len(saved_hubs(program)),
        Source.CITIES: len(program.community_zones),
        Source.REGISTRATIONS: registered,
        Source.ATTENDANCE: attended,
    }
