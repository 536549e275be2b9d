"""Organizer pages: the planner (inputs, run, rotation, regions, heatmap, comparison, apply)
and the availability poll's status. Programs are reached only through scheduling's access."""

from __future__ import annotations

import datetime as dt
import gzip
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinicdesk.planning import display, queries, runner, services, sources
from clinicdesk.planning.core import PlanningError, Staff
from clinicdesk.planning.explain import planning_message
from clinicdesk.planning.forms import DAY_CODES, ApplyForm, PlannerForm, day_names, parse_staff_line
from clinicdesk.planning.heatmap import HeatmapLabels, render_heatmap
from clinicdesk.planning.sources import Source, SourceUnavailable
from clinicdesk.scheduling import access
from clinicdesk.scheduling.models import Program

INVALID = 400
_NOT_INPUTS = {"csrfmiddlewaretoken", "run"}


def _today() -> dt.date:
    return timezone.now().date()


def _staff_of(rows: list[dict[str, Any]]) -> list[Staff]:
    staff = []
    for row in rows:
        try:
            days = ",".join(DAY_CODES[d] for d in row["weekdays"])
            staff.append(parse_staff_line(f"{row['zone']} {row['start']}-{row['end']} {days}"))
        except (ValidationError, KeyError, IndexError, TypeError):
            continue  # a row saved by an older version, or edited by hand: left out
    return staff


def _initial(program: Program) -> dict[str, Any]:
    settings = queries.planner_settings(program)
    hubs = sources.saved_hubs(program)
    poll = queries.latest_poll(program)
    if poll is not None and poll.answer_count:  # type: ignore[attr-defined]
        source = Source.POLL
    elif hubs:
        source = Source.HUBS
    else:
        source = Source.CITIES
    return {
        "source": source.value,
        "hubs": hubs,
        "k": 2,
        "start": _today(),
        "weeks": 26,
        "duration": program.default_duration_minutes,
        "staff": _staff_of(settings.staff) if settings is not None else [],
        "min_staff": 2,
        "anchor_zone": "UTC",
    }


def _form(program: Program, data: QueryDict | None = None) -> PlannerForm:
    sizes = sources.source_sizes(program)
    return PlannerForm(data, initial=_initial(program), sizes=sizes)


def _query(data: QueryDict) -> str:
    pairs = [(key, value) for key in sorted(data) if key not in _NOT_INPUTS
             for value in data.getlist(key)]  # fmt: skip
    return urlencode(pairs)


def _context(program: Program, form: PlannerForm, run: runner.PlannerRun | None,
             query: str) -> dict[str, Any]:  # fmt: skip
    context: dict[str, Any] = {"program": program, "form": form, "run": run}
    if run is not None:
        plan = run.plan
        context.update(
            plan=plan,
            slots=display.slot_rows(plan),
            regions=display.region_rows(plan, run.current),
            current_slots=[display.slot_text(s, plan.horizon.start) for s in run.current_slots],
            current=run.current,
            worst_dates=display.worst_date_rows(plan),
            left_out=display.left_out_rows(plan),
            partly_served=display.left_out_rows(plan, partly=True),
            notes=display.notes(plan),
            percent=display.percent,
            heatmap_url=reverse("planning:planner-heatmap", kwargs={"slug": program.slug})
            + "?"
            + query,
            apply_form=ApplyForm(
                initial={
                    "slots": "\n".join(row.value for row in display.slot_rows(plan)),
                    "start": plan.horizon.start.isoformat(),
                    "weeks": plan.horizon.weeks,
                }
            ),
            shares={
                "min": display.percent(plan.min_region_share),
                "overall": display.percent(plan.overall_share),
                "comfort": display.percent(plan.comfort_share),
                "upper": display.percent(plan.upper_bound),
                "gap": display.percent(plan.gap),
                "current_min": display.percent(
                    run.current.min_region_share if run.current else None
                ),
                "current_overall": display.percent(
                    run.current.overall_share if run.current else None
                ),
                "current_comfort": display.percent(
                    run.current.comfort_share if run.current else None
                ),
            },
        )
    return context


@login_required
@require_http_methods(["GET", "POST"])
def planner(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    if request.method == "GET":
        return render(
            request, "planning/manage/planner.html", _context(program, _form(program), None, "")
        )
    form = _form(program, request.POST)
    if not form.is_valid():
        return render(request, "planning/manage/planner.html", _context(program, form, None, ""),
                      status=INVALID)  # fmt: skip
    services.save_planner_settings(
        program=program, hubs=form.cleaned_data["hubs"], staff=form.cleaned_data["staff"]
    )
    try:
        result = runner.run(program, form, today=_today())
    except PlanningError as error:
        form.add_error(error.field if error.field in form.fields else None, planning_message(error))
        return render(request, "planning/manage/planner.html", _context(program, form, None, ""),
                      status=INVALID)  # fmt: skip
    except SourceUnavailable as error:
        form.add_error("source", str(error))
        return render(request, "planning/manage/planner.html", _context(program, form, None, ""),
                      status=INVALID)  # fmt: skip
    query = _query(request.POST)
    runner.remember(program, query, _today(), result)
    return render(request, "planning/manage/planner.html", _context(program, form, result, query))


def heatmap_labels(zone: str) -> HeatmapLabels:
    return HeatmapLabels(
        title=_("Share of the community a call at each time serves"),
        day_names=day_names("abbreviated"),
        time_axis=_("Start of the call, in %(zone)s") % {"zone": zone},
        colour_bar=_("Share of the community served (%)"),
        proposed=_("proposed rotation"),
        current=_("current rotation"),
        understaffed=_("not enough staff"),
    )


@login_required
@require_GET
def planner_heatmap(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    form = _form(program, request.GET)
    if not form.is_valid():
        return HttpResponse(_("The planner's inputs are not valid."), status=INVALID,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    try:
        result = runner.recall_or_run(program, form, _query(request.GET), today=_today())
    except (PlanningError, SourceUnavailable):
        return HttpResponse(_("The planner's inputs are not valid."), status=INVALID,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    zone = form.cleaned_data["anchor_zone"]
    start = result.plan.horizon.start
    svg = render_heatmap(
        result.plan.heat,
        proposed=[s.slot for s in result.plan.slots],
        current=[display.in_zone(slot, zone, start) for slot in result.current_slots],
        labels=heatmap_labels(zone),
    )
    response = HttpResponse(content_type="image/svg+xml")
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response.content = gzip.compress(svg, 6, mtime=0)
        response["Content-Encoding"] = "gzip"
    else:
        response.content = svg
    response["Vary"] = "Accept-Encoding, Cookie"
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def planner_apply(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("planning:planner", slug=program.slug)
    data = form.cleaned_data
    try:
        applied = services.apply_plan(
            program=program,
            slots=data["slots"],
            start=data["start"],
            weeks=data["weeks"],
            now=timezone.now(),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("planning:planner", slug=program.slug)
    if applied.sessions:
        messages.success(
            request,
            _(
                "Set the rotation (%(slots)d weekly slots) and scheduled %(count)d session(s): "
                "%(first)s to %(last)s."
            )
            % {
                "slots": len(applied.rotation),
                "count": len(applied.sessions),
                "first": applied.sessions[0].label,
                "last": applied.sessions[-1].label,
            },
        )
    else:
        messages.success(
            request,
            _("Set the rotation (%(slots)d weekly slots); no new session falls within the horizon.")
            % {"slots": len(applied.rotation)},
        )
    if applied.limited:
        messages.info(
            request, _("More calls fit the horizon: apply again to schedule the next ones.")
        )
    return redirect(reverse("manage:program", kwargs={"slug": program.slug}) + "#upcoming")


@login_required
@require_http_methods(["GET", "POST"])
def poll_manage(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    if request.method == "POST":
        action = request.POST.get("action")
        now = timezone.now()
        poll = queries.latest_poll(program)
        if action == "open":
            services.open_poll(program=program, now=now)
            messages.success(request, _("The availability poll is open."))
        elif action == "new":
            services.start_new_poll(program=program, now=now)
            messages.success(request, _("A new, empty availability poll is open."))
        elif action == "close" and poll is not None:
            services.close_poll(poll=poll, now=now)
            messages.success(
                request, _("The availability poll is closed. Its answers still feed the planner.")
            )
        return redirect("planning:poll-manage", slug=program.slug)
    poll = queries.latest_poll(program)
    zones: dict[str, int] = {}
    if poll is not None:
        for answer in queries.poll_answers(poll):
            zones[answer.time_zone] = zones.get(answer.time_zone, 0) + 1
    return render(
        request,
        "planning/manage/poll.html",
        {
            "program": program,
            "poll": poll,
            "zones": sorted(zones.items(), key=lambda item: (-item[1], item[0])),
            "public_url": request.build_absolute_uri(
                reverse("planning:poll", kwargs={"slug": program.slug})
            ),
        },
    )
