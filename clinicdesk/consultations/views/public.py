"""Public pages: a consultation, its submissions (table and map), the ranking page, the results
(table and chart) and the raw data. Pages without a form are cached under the program's
content version; the ranking page is private to its link and never cached."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clinicdesk.consultations import exports, queries, regions, services
from clinicdesk.consultations.charts import Bar, MapPoint, results_chart, submissions_map
from clinicdesk.consultations.forms import BallotForm, BallotLinkForm, SubmissionForm
from clinicdesk.consultations.methods import Method
from clinicdesk.consultations.models import Consultation, Submission
from clinicdesk.consultations.outputs import dimension_names, group_names
from clinicdesk.consultations.participants import participant_for_token
from clinicdesk.consultations.phases import Phase
from clinicdesk.consultations.resultstext import (
    METHOD_NAMES,
    count_text,
    explain_tie,
    method_explanation,
    method_name,
    score_name,
    suppression_explanation,
    tie_rule_explanation,
)
from clinicdesk.core.forms import attach_error
from clinicdesk.core.pagecache import cached_public_page
from clinicdesk.scheduling.queries import content_version

INVALID = 400
NOT_PUBLISHED = 403


def _language() -> str:
    return get_language() or "en"


def program_version(request: HttpRequest, slug: str, **_: Any) -> int | None:
    return content_version(slug)


def _base(consultation: Consultation) -> dict[str, Any]:
    now = timezone.now()
    return {
        "program": consultation.program,
        "consultation": consultation,
        "phases": queries.phases_of(consultation, now),
        "Phase": {phase.name: phase.value for phase in Phase},
    }


def _url(name: str, consultation: Consultation, **extra: Any) -> str:
    return reverse(
        f"consultations:{name}",
        kwargs={"slug": consultation.program.slug, "consultation": consultation.slug, **extra},
    )


# --- The consultation ---------------------------------------------------------------------------


@require_GET
@cached_public_page(program_version)
def detail(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    found = queries.get_public_consultation(slug, consultation)
    return render(
        request,
        "consultations/detail.html",
        {
            **_base(found),
            "groups": queries.initiative_views(found, _language()),
            "events": queries.events_of(found),
        },
    )


# --- Submissions --------------------------------------------------------------------------------


def _submission_form(consultation: Consultation, data: Any = None) -> SubmissionForm:
    return SubmissionForm(
        data,
        groups=queries.initiative_views(consultation, _language()),
        width=consultation.max_choices,
        communities=queries.listed_communities(consultation),
        language=_language(),
    )


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    found = queries.get_public_consultation(slug, consultation)
    context = _base(found)
    refusal = services.submission_refusal(found, timezone.now())
    if request.method == "GET":
        context.update(form=_submission_form(found), refusal=refusal)
        return render(request, "consultations/submit.html", context)
    form = _submission_form(found, request.POST)
    if form.is_valid():
        try:
            services.submit_priorities(consultation=found, **form.service_values())
        except ValidationError as error:
            attach_error(form, error, above=("choices",))
        else:
            return HttpResponseRedirect(_url("submitted", found), status=303)
    context.update(form=form, refusal=services.submission_refusal(found, timezone.now()))
    return render(request, "consultations/submit.html", context, status=INVALID)


@require_GET
def submitted(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    found = queries.get_public_consultation(slug, consultation)
    return render(request, "consultations/submitted.html", _base(found))


def _submission_rows(submissions: list[Submission], language: str) -> list[dict[str, Any]]:
    rows = []
    for submission in submissions:
        community = submission.community
        rows.append(
            {
                "submission": submission,
                "community": community,
                "region": regions.region_name(community.region),
                "country": regions.country_name(community.country, language),
                "choices": list(submission.choices.all()),
            }
        )
    return rows


def _titles(consultation: Consultation) -> dict[str, str]:
    groups = queries.initiative_views(consultation, _language())
    return {i.code: i.title for i in queries.flat_initiatives(groups)}


@require_GET
@cached_public_page(program_version)
def submissions(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    found = queries.get_public_consultation(slug, consultation)
    language = _language()
    accepted = queries.accepted_submissions(found)
    by_region: dict[str, int] = {}
    chosen: dict[str, int] = {}
    for submission in accepted:
        region = submission.community.region
        by_region[region] = by_region.get(region, 0) + 1
        for choice in submission.choices.all():
            chosen[choice.initiative.code] = chosen.get(choice.initiative.code, 0) + 1
    titles = _titles(found)
    most = sorted(chosen.items(), key=lambda item: (-item[1], item[0]))[:10]
    return render(
        request,
        "consultations/submissions.html",
        {
            **_base(found),
            "rows": _submission_rows(accepted, language),
            "titles": titles,
            "regions": [
                (regions.region_name(code), by_region[code])
                for code in regions.REGIONS
                if code in by_region
            ],
            "most_chosen": [(code, titles.get(code, ""), count) for code, count in most],
        },
    )


@require_GET
@cached_public_page(program_version)
def submissions_map_svg(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    found = queries.get_public_consultation(slug, consultation)
    language = _language()
    counts: dict[str, int] = {}
    for submission in queries.accepted_submissions(found):
        country = submission.community.country
        if country:
            counts[country] = counts.get(country, 0) + 1
    table = regions.countries()
    points = [
        MapPoint(
            table[code].longitude,
            table[code].latitude,
            count,
            table[code].region,
            regions.country_name(code, language),
        )
        for code, count in sorted(counts.items())
        if code in table
    ]
    svg = submissions_map(
        points,
        region_names={code: regions.region_name(code) for code in regions.MAP_REGIONS},
        longitude_label=_("Longitude"),
        latitude_label=_("Latitude"),
    )
    return HttpResponse(svg, content_type="image/svg+xml")


# --- Ranking ------------------------------------------------------------------------------------


def _private(response: HttpResponse) -> HttpResponse:
    """A page whose address is a secret: kept by no cache, and its address is sent as a
    referrer to no other site. Not "no-referrer": the form posts back here, and a browser
    would then send "Origin: null", which the CSRF check refuses."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
def rank_start(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    """Where a participant without their link at hand is told how to reach their ballot."""
    found = queries.get_public_consultation(slug, consultation)
    context = {**_base(found), "events": queries.events_of(found)}
    if request.method == "POST":
        form = BallotLinkForm(request.POST)
        if form.is_valid():
            return HttpResponseRedirect(
                _url("rank", found, token=form.cleaned_data["link"]), status=303
            )
        context["form"] = form
        return _private(render(request, "consultations/rank_start.html", context, status=INVALID))
    context["form"] = BallotLinkForm()
    return render(request, "consultations/rank_start.html", context)


@require_http_methods(["GET", "POST"])
def rank(request: HttpRequest, slug: str, consultation: str, token: str) -> HttpResponse:
    found = queries.get_public_consultation(slug, consultation)
    participant = participant_for_token(found, token)
    context = {**_base(found), "events": queries.events_of(found)}
    if participant is None:
        return _private(render(request, "consultations/rank_unknown.html", context, status=404))
    groups = queries.initiative_views(found, _language())
    ballot = queries.ballot_of(found, participant.key)
    initial = {}
    if ballot is not None:
        initial = {f"choice_{n}": str(c) for n, c in enumerate(ballot.choices, start=1)}
    context.update(
        participant=participant,
        ballot=ballot,
        groups=groups,
        refusal=services.ranking_refusal(found, timezone.now()),
        by_id={i.id: i for i in queries.flat_initiatives(groups)},
    )
    status = 200
    if request.method == "POST":
        form = BallotForm(request.POST, groups=groups, width=found.max_choices)
        if form.is_valid():
            try:
                result = services.submit_ballot(
                    consultation=found, participant=participant, choices=form.choices()
                )
            except ValidationError as error:
                attach_error(form, error, above=("choices",))
            else:
                messages.success(
                    request,
                    _("Your ranking was updated: it replaces the one you gave before.")
                    if result.replaced
                    else _("Thank you: your ranking was recorded."),
                )
                return _private(HttpResponseRedirect(request.get_full_path(), status=303))
        status = INVALID
        context["refusal"] = services.ranking_refusal(found, timezone.now())
    else:
        form = BallotForm(initial=initial, groups=groups, width=found.max_choices)
    context["form"] = form
    if ballot is not None:
        context["current"] = [context["by_id"][c] for c in ballot.choices if c in context["by_id"]]
    return _private(render(request, "consultations/rank.html", context, status=status))


# --- Results ------------------------------------------------------------------------------------


def _method(request: HttpRequest, consultation: Consultation) -> Method:
    asked = request.GET.get("method", "")
    if asked in Method.__members__.values():
        return Method(asked)
    return Method(consultation.method)


def results_context(consultation: Consultation, method: Method) -> dict[str, Any]:
    """What the results page shows; the organizer's preview shows the same."""
    language = _language()
    results = queries.results_of(consultation, method=method, language=language)
    threshold = results.threshold
    names = group_names(results, language)
    return {
        "results": results,
        "method": method,
        "method_name": method_name(method),
        "method_explanation": method_explanation(method, results.width),
        "score_name": score_name(method),
        "tie_rule": tie_rule_explanation(),
        "tie_notes": [explain_tie(note) for note in results.ties],
        "suppression": suppression_explanation(threshold),
        "fewer_than": count_text(None, threshold),
        "other_methods": [(m.value, str(METHOD_NAMES[m])) for m in Method if m != method],
        "breakdowns": [
            {
                "dimension": breakdown.dimension,
                "heading": dimension_names()[breakdown.dimension],
                "groups": [
                    {"group": group, "name": names[breakdown.dimension][group.key]}
                    for group in breakdown.groups
                ],
                "withheld": breakdown.withheld,
                "lines": [
                    {"row": row, "ranks": [g.ranks.get(row.code, "") for g in breakdown.groups]}
                    for row in results.rows
                ],
            }
            for breakdown in results.breakdowns
        ],
    }


def _not_published(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    return render(
        request,
        "consultations/results_hidden.html",
        _base(consultation),
        status=NOT_PUBLISHED,
    )


@require_GET
@cached_public_page(program_version)
def results(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    found = queries.get_public_consultation(slug, consultation)
    base = _base(found)
    if not base["phases"].results_visible:
        return _not_published(request, found)
    method = _method(request, found)
    return render(request, "consultations/results.html", {**base, **results_context(found, method)})


@require_GET
@cached_public_page(program_version)
def results_svg(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    found = queries.get_public_consultation(slug, consultation)
    if not queries.phases_of(found, timezone.now()).results_visible:
        return _not_published(request, found)
    return HttpResponse(chart_of(found, _method(request, found)), content_type="image/svg+xml")


def chart_of(consultation: Consultation, method: Method) -> bytes:
    results = queries.results_of(consultation, method=method, language=_language())
    return results_chart(
        [Bar(f"{row.code} {row.title}", row.score) for row in results.rows],
        value_label=score_name(method).capitalize(),
        suppressed_label=count_text(None, results.threshold),
    )


# --- Raw data -----------------------------------------------------------------------------------


@require_GET
@cached_public_page(program_version)
def data(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    found = queries.get_public_consultation(slug, consultation)
    dictionary = exports.dictionary(found.max_choices)
    return render(
        request,
        "consultations/data.html",
        {
            **_base(found),
            "dictionary": [
                (exports.BALLOTS, _("Anonymized ballots"), dictionary[exports.BALLOTS]),
                (exports.SUBMISSIONS, _("Submissions"), dictionary[exports.SUBMISSIONS]),
                (exports.INITIATIVES, _("Initiatives"), dictionary[exports.INITIATIVES]),
            ],
            "suppression": suppression_explanation(found.suppression_threshold),
        },
    )


def _download(chunks: Any, filename: str, content_type: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-cache"
    return response


def dataset_rows(consultation: Consultation, dataset: str) -> tuple[list[str], Any]:
    """The header and the rows of a dataset, rows read lazily (ballots through a server-side
    cursor), so that a download of any size streams in the same memory."""
    width = consultation.max_choices
    header = [column.name for column in exports.columns_of(dataset, width)]
    if dataset == exports.BALLOTS:
        rows = exports.ballot_rows(
            queries.ballots_for_export(consultation),
            codes=queries.initiative_codes(consultation),
            groupings=queries.ballot_groupings(consultation),
            width=width,
        )
        return header, rows
    if dataset == exports.SUBMISSIONS:
        return header, _submission_data(consultation)
    return header, _initiative_data(consultation)


def _submission_data(consultation: Consultation) -> list[list[Any]]:
    rows = []
    for number, submission in enumerate(queries.accepted_submissions(consultation), start=1):
        community = submission.community
        for choice in submission.choices.all():
            rows.append(
                [
                    number,
                    community.name,
                    community.region,
                    community.country,
                    choice.place,
                    choice.initiative.code,
                    choice.comment,
                ]
            )
    return rows


def _initiative_data(consultation: Consultation) -> list[list[Any]]:
    groups = queries.initiative_views(consultation, consultation.source_language)
    return [
        [i.code, group.code, group.name, i.title, i.description]
        for group in groups
        for i in group.initiatives
    ]


def _hidden_download(consultation: Consultation) -> HttpResponse:
    return HttpResponse(
        services.results_refusal(consultation, timezone.now()),
        status=NOT_PUBLISHED,
        content_type="text/plain; charset=utf-8",
    )


@require_GET
def download(
    request: HttpRequest, slug: str, consultation: str, dataset: str, extension: str
) -> HttpResponse | StreamingHttpResponse:
    found = queries.get_public_consultation(slug, consultation)
    if dataset not in exports.DATASETS or extension not in ("csv", "json"):
        return HttpResponse(
            _("There is no such download: the data page lists them."),
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    if dataset == exports.BALLOTS and not queries.phases_of(found, timezone.now()).results_visible:
        return _hidden_download(found)
    header, rows = dataset_rows(found, dataset)
    filename = f"{found.program.slug}-{found.slug}-{dataset}.{extension}"
    if extension == "csv":
        return _download(exports.csv_chunks(header, rows), filename, "text/csv; charset=utf-8")
    head = {
        "consultation": found.title,
        "dataset": dataset,
        "suppression_threshold": found.suppression_threshold,
        "data_dictionary": exports.dictionary(found.max_choices)[dataset],
    }
    return _download(exports.json_chunks(head, dataset, header, rows), filename, "application/json")


@require_GET
def data_dictionary_csv(
    request: HttpRequest, slug: str, consultation: str
) -> StreamingHttpResponse:
    found = queries.get_public_consultation(slug, consultation)
    rows = [
        [dataset, column["column"], column["type"], column["description"]]
        for dataset, columns in exports.dictionary(found.max_choices).items()
        for column in columns
    ]
    return _download(
        exports.csv_chunks(["dataset", "column", "type", "description"], rows),
        f"{found.program.slug}-{found.slug}-data-dictionary.csv",
        "text/csv; charset=utf-8",
    )
