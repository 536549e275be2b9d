"""The raw data: anonymized ballots, accepted submissions and the initiatives, as CSV and JSON
written row by row (so a download of any size takes the same memory), with the data
dictionary that says what every column means.

Pure: iterables of plain values in, iterators of text out. The views feed them from a
server-side cursor and hand them to a ``StreamingHttpResponse``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clinicdesk.consultations.privacy import OTHER, WITHHELD

BALLOTS = "ballots"
SUBMISSIONS = "submissions"
INITIATIVES = "initiatives"
DATASETS = (BALLOTS, SUBMISSIONS, INITIATIVES)
ROWS_PER_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: str  # "integer", "text", "code"
    description: str | Promise


def ballot_columns(width: int) -> list[Column]:
    columns = [
        Column(
            "ballot",
            "integer",
            _(
                "Number of the ballot in this file; it says nothing about who cast it or when "
                "(ballots are in no particular order)."
            ),
        ),
        Column(
            "region",
            "code",
            _(
                "Region of the participant's home time zone, or “other” for regions with too few "
                "ballots, or “withheld” where even that would single someone out."
            ),
        ),
        Column(
            "language_group",
            "code",
            _(
                "Language the participant followed the event in (interpretation language, else "
                "the language of the event), generalized like the region."
            ),
        ),
    ]
    for place in range(1, width + 1):
        columns.append(
            Column(
                f"choice_{place}",
                "code",
                _(
                    "Code of the initiative ranked in this place (1 is the first choice); empty "
                    "when the participant ranked fewer."
                ),
            )
        )
    return columns


SUBMISSION_COLUMNS = [
    Column("submission", "integer", _("Number of the submission in this file.")),
    Column(
        "community",
        "text",
        _(
            "Name of the community or affiliate that submitted its priorities (published with its "
            "consent; contact details are never published)."
        ),
    ),
    Column(
        "region",
        "code",
        _("Region of the community, or “international” for one that works across countries."),
    ),
    Column(
        "country",
        "code",
        _("ISO 3166-1 code of the community's country; empty for an international one."),
    ),
    Column(
        "place",
        "integer",
        _("Place of the priority in the community's ordered choice (1 is its first priority)."),
    ),
    Column("initiative", "code", _("Code of the initiative.")),
    Column("comment", "text", _("The community's comment on this priority.")),
]

INITIATIVE_COLUMNS = [
    Column("code", "code", _("Code of the initiative, as ballots and submissions name it.")),
    Column("group", "code", _("Code of its group (for example a recommendation).")),
    Column("group_name", "text", _("Name of its group.")),
    Column("title", "text", _("Title of the initiative.")),
    Column("description", "text", _("Short description of the initiative.")),
]


def columns_of(dataset: str, width: int) -> list[Column]:
    if dataset == BALLOTS:
        return ballot_columns(width)
    if dataset == SUBMISSIONS:
        return SUBMISSION_COLUMNS
    return INITIATIVE_COLUMNS


def dictionary(width: int) -> dict[str, list[dict[str, str]]]:
    """The data dictionary of every dataset, in the active language."""
    return {
        dataset: [
            {"column": c.name, "type": c.kind, "description": str(c.description)}
            for c in columns_of(dataset, width)
        ]
        for dataset in DATASETS
    }


def ballot_rows(
    ballots: Iterable[tuple[Sequence[int], str, str]],
    *,
    codes: Mapping[int, str],
    groupings: Mapping[tuple[str, ...], tuple[str, ...]],
    width: int,
) -> Iterator[list[Any]]:
    """One row per ballot: (choices as initiative ids, region, language) in, the published
    row out, with its groupings generalized (``privacy.generalize``)."""
    for number, (choices, region, language) in enumerate(ballots, start=1):
        published = groupings.get((region, language), (WITHHELD, WITHHELD))
        ranked = [codes.get(choice, "") for choice in list(choices)[:width]]
        yield [number, *published, *ranked, *([""] * (width - len(ranked)))]


class _Line:
    """What ``csv.writer`` writes to: it hands back the line instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(header)
    iterator = iter(rows)
    while chunk := list(islice(iterator, ROWS_PER_CHUNK)):
        yield "".join(writer.writerow(row) for row in chunk)


def json_chunks(
    head: Mapping[str, Any], key: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Iterator[str]:
    """``{**head, key: [{column: value, ...}, ...]}``, written a chunk of rows at a time."""
    opening = json.dumps(dict(head), ensure_ascii=False)
    yield opening[:-1] + (", " if head else "") + json.dumps(key) + ": ["
    iterator = iter(rows)
    first = True
    while chunk := list(islice(iterator, ROWS_PER_CHUNK)):
        text = ",\n".join(
            json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False) for row in chunk
        )
        yield ("\n" if first else ",\n") + text
        first = False
    yield "\n]}\n"


GENERALIZED_VALUES = (OTHER, WITHHELD)
