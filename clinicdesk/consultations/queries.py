"""Reads that pages, downloads and the API share. Each loads what it needs in a fixed number
of queries, whatever the number of initiatives, submissions or ballots."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from clinicdesk.consultations import privacy, services
from clinicdesk.consultations.methods import Matrix, Method, ballot_matrix_from_flat
from clinicdesk.consultations.models import (
    Ballot,
    Community,
    Consultation,
    Initiative,
    InitiativeGroup,
    Submission,
    SubmissionChoice,
)
from clinicdesk.consultations.phases import Phases, phases_at
from clinicdesk.consultations.results import Option, Results, build_results
from clinicdesk.consultations.texts import pick
from clinicdesk.scheduling.models import ClinicSession, Program

EXPORT_CHUNK = 2000
RESULTS_TTL_SECONDS = 600
# Ballot matrices kept in this process, newest last: a few consultations' worth.
LOADED_KEPT = 4
_LOADED: dict[tuple[int, int, int, str], BallotData] = {}


def consultations_of(program: Program) -> list[Consultation]:
    return list(Consultation.objects.filter(program=program).order_by("-created_at", "pk"))


def get_public_consultation(slug: str, consultation: str) -> Consultation:
    return get_object_or_404(
        Consultation.objects.select_related("program"), program__slug=slug, slug=consultation
    )


def phases_of(consultation: Consultation, now: dt.datetime) -> Phases:
    return phases_at(
        services.window_of(consultation, services.SUBMISSIONS),
        services.window_of(consultation, services.RANKING),
        published_early=consultation.results_published_early,
        now=now,
    )


def events_of(consultation: Consultation) -> list[ClinicSession]:
    return list(
        consultation.sessions.select_related("program").order_by(
            "starts_at", "start_date", "number"
        )
    )


# --- Initiatives, in the reader's language --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InitiativeView:
    id: int
    code: str
    title: str
    description: str
    language: str  # of the text shown
    group: str  # the group's code

    @property
    def label(self) -> str:
        return f"{self.code} {self.title}"


@dataclass(slots=True)
class GroupView:
    id: int | None
    code: str
    name: str
    language: str
    initiatives: list[InitiativeView] = field(default_factory=list)


def initiative_views(consultation: Consultation, language: str) -> list[GroupView]:
    """Groups in order with their initiatives in order, texts in ``language`` where written;
    initiatives without a group come last. Two queries."""
    source = consultation.source_language
    groups: list[GroupView] = []
    by_id: dict[int | None, GroupView] = {}
    for group in InitiativeGroup.objects.filter(consultation=consultation):
        text = pick(group.texts, language, source)
        view = GroupView(group.pk, group.code, text.get("name"), text.language)
        groups.append(view)
        by_id[group.pk] = view
    for initiative in Initiative.objects.filter(consultation=consultation):
        text = pick(initiative.texts, language, source)
        target = by_id.get(initiative.group_id)
        if target is None:
            target = by_id.get(None)
            if target is None:
                target = GroupView(None, "", "", language)
                by_id[None] = target
                groups.append(target)
        target.initiatives.append(
            InitiativeView(
                id=initiative.pk,
                code=initiative.code,
                title=text.get("title"),
                description=text.get("description"),
                language=text.language,
                group=target.code,
            )
        )
    # Groups with no initiative yet are kept (organizers see them); an unnamed tail group last.
    return sorted(groups, key=lambda g: g.id is None)


def flat_initiatives(groups: list[GroupView]) -> list[InitiativeView]:
    return [initiative for group in groups for initiative in group.initiatives]


# --- Submissions --------------------------------------------------------------------------------


def _with_choices(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    return submissions.select_related("community").prefetch_related(
        Prefetch(
            "choices",
            queryset=SubmissionChoice.objects.select_related("initiative").order_by("place"),
        )
    )


def accepted_submissions(consultation: Consultation) -> list[Submission]:
    """The submissions the public sees, by community name. Two queries."""
    return list(
        _with_choices(consultation.submissions.filter(status=Submission.Status.ACCEPTED)).order_by(
            "community__name", "pk"
        )
    )


def submissions_for_review(consultation: Consultation, status: str | None) -> list[Submission]:
    rows = consultation.submissions.all()
    if status:
        rows = rows.filter(status=status)
    return list(_with_choices(rows).select_related("reviewed_by").order_by("-created_at", "-pk"))


def submission_counts(consultation: Consultation) -> dict[str, int]:
    rows = consultation.submissions.values("status").annotate(count=Count("pk"))
    return {row["status"]: row["count"] for row in rows}


def listed_communities(consultation: Consultation) -> list[Community]:
    return list(consultation.communities.filter(is_listed=True).order_by("name"))


# --- Ballots and results --------------------------------------------------------------------------


def ballot_of(consultation: Consultation, participant_key: str) -> Ballot | None:
    return Ballot.objects.filter(consultation=consultation, participant_key=participant_key).first()


def ballot_stamp(consultation: Consultation) -> tuple[int, str]:
    """How many ballots there are and when the last changed: one query, and the key under
    which results computed from them are kept."""
    found = Ballot.objects.filter(consultation=consultation).aggregate(
        count=Count("pk"), latest=Max("updated_at")
    )
    latest = found["latest"].isoformat() if found["latest"] else ""
    return int(found["count"]), latest


@dataclass(frozen=True)
class BallotData:
    matrix: Matrix
    regions: np.ndarray
    languages: np.ndarray


def load_ballots(consultation: Consultation, index: dict[int, int]) -> BallotData:
    """Every ballot as a matrix of option indices (``index``: initiative id -> option).

    The rankings are read as JSON text and decoded in one go, then turned into the matrix by
    NumPy: 100,000 ballots load in a fraction of a second.
    """
    # Raw SQL, so that the JSON is decoded once for all rows rather than row by row; the only
    # name put into it is the model's own table.
    table = connection.ops.quote_name(Ballot._meta.db_table)
    sql = f"SELECT choices, region, language FROM {table} WHERE consultation_id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [consultation.pk])
        rows = cursor.fetchall()
    texts = [c if isinstance(c, str) else json.dumps(c) for c, _r, _l in rows]
    rankings: list[list[int]] = json.loads("[" + ",".join(texts) + "]")
    lengths = np.fromiter((len(r) for r in rankings), dtype=np.int64, count=len(rankings))
    known = np.fromiter(sorted(index), dtype=np.int64, count=len(index))
    options = np.array([index[pk] for pk in sorted(index)], dtype=np.int64)
    flat = np.fromiter(itertools.chain.from_iterable(rankings), dtype=np.int64)
    where = np.searchsorted(known, flat)
    found = where < len(known)
    found[found] = known[where[found]] == flat[found]
    values = (
        np.where(found, options[np.minimum(where, len(known) - 1)], -1)
        if len(known)
        else -np.ones_like(flat)
    )
    return BallotData(
        matrix=ballot_matrix_from_flat(values, lengths, consultation.max_choices),
        regions=np.array([r or "" for _c, r, _l in rows], dtype=np.str_),
        languages=np.array([la or "" for _c, _r, la in rows], dtype=np.str_),
    )


def options_of(groups: list[GroupView]) -> tuple[list[Option], dict[int, int]]:
    initiatives = flat_initiatives(groups)
    options = [Option(i.code, i.title, i.group) for i in initiatives]
    return options, {initiative.id: n for n, initiative in enumerate(initiatives)}


def results_of(consultation: Consultation, *, method: str | None = None, language: str) -> Results:
    """The consultation's results by ``method`` (default: its own), overall and by region and
    language group, small counts suppressed. Kept in the cache until a ballot or a text
    changes."""
    method = Method(method or consultation.method)
    count, latest = ballot_stamp(consultation)
    key = ":".join(
        [
            "consultation-results",
            str(consultation.pk),
            str(consultation.program.content_version),
            str(count),
            latest,
            method.value,
            language,
            str(consultation.suppression_threshold),
            str(consultation.max_choices),
        ]
    )
    found: Results | None = cache.get(key)
    if found is not None:
        return found
    groups = initiative_views(consultation, language)
    options, index = options_of(groups)
    # The ballots are read once for every method and language asked while they stay the same.
    loaded_key = (consultation.pk, consultation.program.content_version, count, latest)
    data = _LOADED.get(loaded_key)
    if data is None:
        data = load_ballots(consultation, index)
        _LOADED[loaded_key] = data
        while len(_LOADED) > LOADED_KEPT:
            del _LOADED[next(iter(_LOADED))]
    results = build_results(
        data.matrix,
        options,
        method,
        threshold=consultation.suppression_threshold,
        groupings={"region": data.regions, "language": data.languages},
    )
    cache.set(key, results, RESULTS_TTL_SECONDS)
    return results


# --- Raw data -------------------------------------------------------------------------------------


def ballot_groupings(consultation: Consultation) -> dict[tuple[str, ...], tuple[str, ...]]:
    """How each (region, language group) is published in the raw data. One query."""
    cells: dict[tuple[str, ...], int] = {
        (str(row["region"]), str(row["language"])): int(row["count"])
        for row in Ballot.objects.filter(consultation=consultation)
        .values("region", "language")
        .annotate(count=Count("pk"))
        .order_by()
    }
    return privacy.generalize(cells, consultation.suppression_threshold)


def ballots_for_export(
    consultation: Consultation, *, offset: int = 0, limit: int | None = None
) -> Iterator[tuple[list[int], str, str]]:
    """Every ballot's (choices, region, language), in the order of its key (a hash: the order
    says nothing about who or when), read through a server-side cursor; or one page of them."""
    rows = (
        Ballot.objects.filter(consultation=consultation)
        .order_by("participant_key")
        .values_list("choices", "region", "language")
    )
    if limit is not None:
        return iter(list(rows[offset : offset + limit]))
    return iter(rows.iterator(chunk_size=EXPORT_CHUNK))


def initiative_codes(consultation: Consultation) -> dict[int, str]:
    return dict(consultation.initiatives.values_list("pk", "code"))
