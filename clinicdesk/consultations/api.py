"""The consultations part of the JSON API: consultations, their initiatives, the communities'
submissions (read, and send one), the results and the raw data, suppression applied as on the
pages. Results and ballots answer 403 with the reason until ranking closes, unless organizers
publish them early."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from clinicdesk.consultations import exports, queries, services
from clinicdesk.consultations.methods import Method
from clinicdesk.consultations.models import Consultation
from clinicdesk.consultations.results import Row
from clinicdesk.consultations.resultstext import (
    explain_tie,
    method_explanation,
    method_name,
    tie_rule_explanation,
)
from clinicdesk.consultations.services import NewCommunity, Priority
from clinicdesk.lib.tz import get_zone

router = Router(tags=["consultations"])
MAX_PAGE = 1000


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


class WindowOut(Schema):
    opens: dt.datetime | None  # UTC
    closes: dt.datetime | None  # UTC
    opens_local: str | None  # ISO 8601 wall time with its offset in ``time_zone``
    closes_local: str | None
    state: str  # not-set, not-yet, open, closed


class EventOut(Schema):
    number: int
    title: str
    start: dt.datetime | None  # UTC
    time_zone: str
    interpretation_languages: list[str]
    url: str


class ConsultationOut(Schema):
    slug: str
    title: str
    question: str
    languages: list[str]
    method: str
    max_choices: int
    suppression_threshold: int
    time_zone: str
    submissions: WindowOut
    ranking: WindowOut
    results_published: bool
    events: list[EventOut]
    url: str
    initiatives_url: str
    submissions_url: str
    results_url: str
    raw_data_url: str


class InitiativeOut(Schema):
    code: str
    title: str  # in the language asked for, else the consultation's first
    description: str
    language: str  # of title and description
    texts: dict[str, dict[str, str]]  # every language written


class GroupOut(Schema):
    code: str
    name: str
    language: str
    initiatives: list[InitiativeOut]


class PriorityOut(Schema):
    place: int
    initiative: str
    comment: str


class SubmissionOut(Schema):
    community: str
    region: str
    country: str
    priorities: list[PriorityOut]


class PriorityIn(Schema):
    initiative: str  # its code
    comment: str = ""


class SubmissionIn(Schema):
    community: str = ""  # the name of a listed community
    new_community_name: str = ""  # for one not listed
    new_community_country: str = ""  # ISO code, or empty for one working across countries
    new_community_region: str = ""  # a region code when there is no country
    contact_name: str
    contact_email: str
    priorities: list[PriorityIn]


class SubmissionReceived(Schema):
    status: str  # "pending": organizers review it before it is published


class RowOut(Schema):
    rank: int
    code: str
    title: str
    score: int | None  # null: rests on fewer ballots than the threshold
    first_choices: int | None
    approvals: int | None


class GroupResultOut(Schema):
    key: str  # a region or language code, or "other" for the pool of small groups
    ballots: int
    rows: list[RowOut]


class BreakdownOut(Schema):
    dimension: str
    groups: list[GroupResultOut]
    withheld: bool  # some ballots are left out: their pool was too small to show


class ResultsOut(Schema):
    method: str
    method_name: str
    method_explanation: str
    tie_rule: str
    ties: list[str]
    ballots: int
    suppression_threshold: int
    published: bool  # false: fewer ballots than the threshold, nothing else is given
    rows: list[RowOut]
    breakdowns: list[BreakdownOut]


class ColumnOut(Schema):
    column: str
    type: str
    description: str


class RawDataOut(Schema):
    suppression_threshold: int
    data_dictionary: dict[str, list[ColumnOut]]
    downloads: dict[str, str]
    ballots_url: str


class BallotOut(Schema):
    ballot: int
    region: str
    language_group: str
    choices: list[str]  # initiative codes, first choice first


class BallotPage(Schema):
    count: int
    offset: int
    ballots: list[BallotOut]


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _path(name: str, consultation: Consultation, **extra: Any) -> str:
    return reverse(
        name, kwargs={"slug": consultation.program.slug, "consultation": consultation.slug, **extra}
    )


def _local(instant: dt.datetime | None, zone: str) -> str | None:
    return instant.astimezone(get_zone(zone)).isoformat() if instant else None


def _window(consultation: Consultation, which: str, state: str) -> WindowOut:
    window = services.window_of(consultation, which)
    return WindowOut(
        opens=window.opens_at,
        closes=window.closes_at,
        opens_local=_local(window.opens_at, consultation.time_zone),
        closes_local=_local(window.closes_at, consultation.time_zone),
        state=state,
    )


def _consultation_out(request: HttpRequest, consultation: Consultation) -> ConsultationOut:
    phases = queries.phases_of(consultation, timezone.now())
    api = "api:consultation_"
    return ConsultationOut(
        slug=consultation.slug,
        title=consultation.title,
        question=consultation.question,
        languages=consultation.languages,
        method=consultation.method,
        max_choices=consultation.max_choices,
        suppression_threshold=consultation.suppression_threshold,
        time_zone=consultation.time_zone,
        submissions=_window(consultation, services.SUBMISSIONS, phases.submissions.value),
        ranking=_window(consultation, services.RANKING, phases.ranking.value),
        results_published=phases.results_visible,
        events=[
            EventOut(
                number=s.number,
                title=s.display_title,
                start=s.starts_at,
                time_zone=s.time_zone,
                interpretation_languages=s.interpretation_languages,
                url=_absolute(request, s.get_absolute_url()),
            )
            for s in queries.events_of(consultation)
        ],
        url=_absolute(request, consultation.get_absolute_url()),
        initiatives_url=_absolute(request, _path(api + "initiatives", consultation)),
        submissions_url=_absolute(request, _path(api + "submissions", consultation)),
        results_url=_absolute(request, _path(api + "results", consultation)),
        raw_data_url=_absolute(request, _path(api + "raw_data", consultation)),
    )


@router.get(
    "/programs/{slug}/consultations",
    response=list[ConsultationOut],
    summary="The consultations of a program",
)
def list_consultations(request: HttpRequest, slug: str) -> list[ConsultationOut]:
    from clinicdesk.scheduling.queries import get_public_program

    program = get_public_program(slug)
    found = queries.consultations_of(program)
    for consultation in found:
        consultation.program = program
    return [_consultation_out(request, c) for c in found]


@router.get(
    "/programs/{slug}/consultations/{consultation}",
    response=ConsultationOut,
    summary="One consultation: its times (each in UTC and in its zone), events and method",
    url_name="consultation_detail",
)
def get_consultation(request: HttpRequest, slug: str, consultation: str) -> ConsultationOut:
    return _consultation_out(request, queries.get_public_consultation(slug, consultation))


@router.get(
    "/programs/{slug}/consultations/{consultation}/initiatives",
    response=list[GroupOut],
    summary="Initiatives by group, in a language of the consultation's texts",
    url_name="consultation_initiatives",
)
def list_initiatives(
    request: HttpRequest, slug: str, consultation: str, language: str = ""
) -> list[GroupOut]:
    found = queries.get_public_consultation(slug, consultation)
    texts = dict(found.initiatives.values_list("code", "texts"))
    groups = queries.initiative_views(found, language or get_language() or "en")
    return [
        GroupOut(
            code=group.code,
            name=group.name,
            language=group.language,
            initiatives=[
                InitiativeOut(
                    code=i.code,
                    title=i.title,
                    description=i.description,
                    language=i.language,
                    texts=texts.get(i.code, {}),
                )
                for i in group.initiatives
            ],
        )
        for group in groups
    ]


@router.get(
    "/programs/{slug}/consultations/{consultation}/submissions",
    response=list[SubmissionOut],
    summary="The communities' submissions organizers accepted",
    url_name="consultation_submissions",
)
def list_submissions(request: HttpRequest, slug: str, consultation: str) -> list[SubmissionOut]:
    found = queries.get_public_consultation(slug, consultation)
    return [
        SubmissionOut(
            community=s.community.name,
            region=s.community.region,
            country=s.community.country,
            priorities=[
                PriorityOut(place=c.place, initiative=c.initiative.code, comment=c.comment)
                for c in s.choices.all()
            ],
        )
        for s in queries.accepted_submissions(found)
    ]


def _errors(error: ValidationError) -> ErrorOut:
    if hasattr(error, "error_dict"):
        errors = {field: list(ValidationError(e).messages) for field, e in error.error_dict.items()}
        detail = next(iter(errors.values()))[0]
        return ErrorOut(detail=detail, errors=errors)
    return ErrorOut(detail=error.messages[0])


@router.post(
    "/programs/{slug}/consultations/{consultation}/submissions",
    response={201: SubmissionReceived, 400: ErrorOut},
    summary="Send a community's priorities (reviewed by organizers before publication)",
)
def send_submission(
    request: HttpRequest, slug: str, consultation: str, payload: SubmissionIn
) -> Status[Any]:
    found = queries.get_public_consultation(slug, consultation)
    ids = {code.casefold(): pk for pk, code in found.initiatives.values_list("pk", "code")}
    unknown = [p.initiative for p in payload.priorities if p.initiative.casefold() not in ids]
    if unknown:
        messages = [
            _("“%(choice)s” is not one of this consultation's initiatives.") % {"choice": code}
            for code in unknown
        ]
        return Status(400, ErrorOut(detail=messages[0], errors={"priorities": messages}))
    community_id = None
    new = None
    if payload.community:
        listed = found.communities.filter(
            name_key=services.name_key(payload.community), is_listed=True
        ).first()
        # An unknown name is refused by the service, with the message the form shows.
        community_id = listed.pk if listed else -1
    else:
        new = NewCommunity(
            name=payload.new_community_name,
            country=payload.new_community_country.upper(),
            region=payload.new_community_region,
        )
    try:
        services.submit_priorities(
            consultation=found,
            community_id=community_id,
            new_community=new,
            contact_name=payload.contact_name,
            contact_email=payload.contact_email,
            priorities=[
                Priority(ids[p.initiative.casefold()], p.comment) for p in payload.priorities
            ],
        )
    except ValidationError as error:
        return Status(400, _errors(error))
    return Status(201, SubmissionReceived(status="pending"))


def _row(row: Row) -> RowOut:
    return RowOut(
        rank=row.rank,
        code=row.code,
        title=row.title,
        score=row.score,
        first_choices=row.first_choices,
        approvals=row.approvals,
    )


@router.get(
    "/programs/{slug}/consultations/{consultation}/results",
    response={200: ResultsOut, 403: ErrorOut},
    summary="Results by a method (default: the consultation's), overall and by region and "
    "language group, small counts suppressed",
    url_name="consultation_results",
)
def get_results(
    request: HttpRequest,
    slug: str,
    consultation: str,
    method: Method | None = None,
    language: str = "",
) -> Status[Any]:
    found = queries.get_public_consultation(slug, consultation)
    now = timezone.now()
    if not queries.phases_of(found, now).results_visible:
        return Status(403, ErrorOut(detail=services.results_refusal(found, now)))
    chosen = Method(method or found.method)
    results = queries.results_of(found, method=chosen, language=language or get_language() or "en")
    body = ResultsOut(
        method=chosen.value,
        method_name=method_name(chosen),
        method_explanation=method_explanation(chosen, results.width),
        tie_rule=tie_rule_explanation(),
        ties=[explain_tie(note) for note in results.ties],
        ballots=results.ballots,
        suppression_threshold=results.threshold,
        published=results.enough,
        rows=[_row(row) for row in results.rows],
        breakdowns=[
            BreakdownOut(
                dimension=b.dimension,
                groups=[
                    GroupResultOut(key=g.key, ballots=g.ballots, rows=[_row(r) for r in g.rows])
                    for g in b.groups
                ],
                withheld=b.withheld,
            )
            for b in results.breakdowns
        ],
    )
    return Status(200, body)


@router.get(
    "/programs/{slug}/consultations/{consultation}/raw-data",
    response=RawDataOut,
    summary="The raw data's data dictionary and download addresses",
    url_name="consultation_raw_data",
)
def get_raw_data(request: HttpRequest, slug: str, consultation: str) -> RawDataOut:
    found = queries.get_public_consultation(slug, consultation)
    downloads = {
        f"{dataset}.{extension}": _absolute(
            request,
            _path("consultations:download", found, dataset=dataset, extension=extension),
        )
        for dataset in exports.DATASETS
        for extension in ("csv", "json")
    }
    return RawDataOut(
        suppression_threshold=found.suppression_threshold,
        data_dictionary={
            dataset: [ColumnOut(**column) for column in columns]
            for dataset, columns in exports.dictionary(found.max_choices).items()
        },
        downloads=downloads,
        ballots_url=_absolute(request, _path("api:consultation_ballots", found)),
    )


class PageIn(Schema):
    offset: int = Field(0, ge=0)
    limit: int = Field(100, ge=1, le=MAX_PAGE)


@router.get(
    "/programs/{slug}/consultations/{consultation}/raw-data/ballots",
    response={200: BallotPage, 403: ErrorOut},
    summary="Anonymized ballots, a page at a time, groupings generalized as in the downloads",
    url_name="consultation_ballots",
)
def list_ballots(
    request: HttpRequest, slug: str, consultation: str, page: Query[PageIn]
) -> Status[Any]:
    found = queries.get_public_consultation(slug, consultation)
    now = timezone.now()
    if not queries.phases_of(found, now).results_visible:
        return Status(403, ErrorOut(detail=services.results_refusal(found, now)))
    groupings = queries.ballot_groupings(found)
    codes = queries.initiative_codes(found)
    rows = list(queries.ballots_for_export(found, offset=page.offset, limit=page.limit))
    published = exports.ballot_rows(rows, codes=codes, groupings=groupings, width=found.max_choices)
    body = BallotPage(
        count=queries.ballot_stamp(found)[0],
        offset=page.offset,
        ballots=[
            BallotOut(
                ballot=page.offset + row[0],
                region=row[1],
                language_group=row[2],
                choices=[code for code in row[3:] if code],
            )
            for row in published
        ],
    )
    return Status(200, body)
