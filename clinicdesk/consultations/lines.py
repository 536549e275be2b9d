"""Lists organizers paste in one go: initiatives with their groups, and communities.

Initiatives, one per line, under the group line they belong to::

    # R1 | Increase the sustainability of our movement
    1.1 | Awareness of Wikimedia | Make the projects known where they are not.
    1.2 | Revenue for communities

Communities, one per line, with a country code or a region::

    Wikimedia Argentina | AR
    Wikimedians of Medicine | international

Pure: text in, dataclasses and problems (line number and kind) out.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

MAX_CODE = 20
MAX_TITLE = 300
MAX_NAME = 200


class LineProblem(enum.StrEnum):
    NO_GROUP = "no-group"
    MISSING_TITLE = "missing-title"
    CODE_TOO_LONG = "code-too-long"
    TEXT_TOO_LONG = "text-too-long"
    DUPLICATE = "duplicate"
    NO_PLACE = "no-place"


@dataclass(frozen=True, slots=True)
class Problem:
    line: int  # 1-based
    kind: LineProblem
    text: str


@dataclass(frozen=True, slots=True)
class GroupLine:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class InitiativeLine:
    group: str
    code: str
    title: str
    description: str


@dataclass(frozen=True, slots=True)
class CommunityLine:
    name: str
    place: str  # a country code (upper case) or a region code (lower case)


def _fields(line: str) -> list[str]:
    return [part.strip() for part in line.split("|")]


def parse_initiatives(
    text: str,
) -> tuple[list[GroupLine], list[InitiativeLine], list[Problem]]:
    groups: list[GroupLine] = []
    initiatives: list[InitiativeLine] = []
    problems: list[Problem] = []
    current: str | None = None
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            parts = _fields(line.lstrip("#").strip())
            code, name = parts[0], " ".join(parts[1:2])
            if not code or not name:
                problems.append(Problem(number, LineProblem.MISSING_TITLE, line))
                continue
            if len(code) > MAX_CODE:
                problems.append(Problem(number, LineProblem.CODE_TOO_LONG, line))
                continue
            groups.append(GroupLine(code, name[:MAX_TITLE]))
            current = code
            continue
        parts = _fields(line)
        code = parts[0]
        title = parts[1] if len(parts) > 1 else ""
        description = " | ".join(parts[2:])
        if current is None:
            problems.append(Problem(number, LineProblem.NO_GROUP, line))
        elif not code or not title:
            problems.append(Problem(number, LineProblem.MISSING_TITLE, line))
        elif len(code) > MAX_CODE:
            problems.append(Problem(number, LineProblem.CODE_TOO_LONG, line))
        elif len(title) > MAX_TITLE:
            problems.append(Problem(number, LineProblem.TEXT_TOO_LONG, line))
        elif code.casefold() in seen:
            problems.append(Problem(number, LineProblem.DUPLICATE, line))
        else:
            seen.add(code.casefold())
            initiatives.append(InitiativeLine(current, code, title, description))
    return groups, initiatives, problems


def parse_communities(text: str) -> tuple[list[CommunityLine], list[Problem]]:
    found: list[CommunityLine] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = _fields(line)
        name = parts[0]
        place = parts[1] if len(parts) > 1 else ""
        if not name:
            problems.append(Problem(number, LineProblem.MISSING_TITLE, line))
        elif not place:
            problems.append(Problem(number, LineProblem.NO_PLACE, line))
        elif len(name) > MAX_NAME:
            problems.append(Problem(number, LineProblem.TEXT_TOO_LONG, line))
        elif name.casefold() in seen:
            problems.append(Problem(number, LineProblem.DUPLICATE, line))
        else:
            seen.add(name.casefold())
            found.append(CommunityLine(name, place.upper() if len(place) == 2 else place.lower()))
    return found, problems
