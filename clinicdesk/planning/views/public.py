"""Public pages: a program's availability poll (no account), and the private link to change
an answer. The grid of checkboxes works without JavaScript; ``static/planning/poll.js`` adds
painting by dragging."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clinicdesk.core.forms import attach_error
from clinicdesk.lib.formats import describe_time
from clinicdesk.planning import queries, services
from clinicdesk.planning.core.weekgrid import CELLS_PER_DAY, utc_to_cells
from clinicdesk.planning.forms import PollAnswerForm, day_names
from clinicdesk.planning.models import AvailabilityPoll, PollAnswer
from clinicdesk.scheduling.models import Program

INVALID = 400


@dataclass(frozen=True)
class GridCell:
    value: int
    label: str  # "Monday 18:30"
    checked: bool


@dataclass(frozen=True)
class GridRow:
    time: str
    cells: list[GridCell]


def week_grid(marked: set[int], language: str) -> list[GridRow]:
    """48 rows (half-hours) of 7 cells (days), for the checkbox table."""
    days = day_names()
    rows = []
    for row in range(CELLS_PER_DAY):
        clock = describe_time(dt.time(row // 2, 30 * (row % 2)), language)
        rows.append(
            GridRow(
                time=clock,
                cells=[
                    GridCell(
                        value=day * CELLS_PER_DAY + row,
                        label=f"{days[day]} {clock}",
                        checked=(day * CELLS_PER_DAY + row) in marked,
                    )
                    for day in range(7)
                ],
            )
        )
    return rows


def _marked(form: PollAnswerForm) -> set[int]:
    if form.is_bound:
        values = form.data.getlist("cells") if hasattr(form.data, "getlist") else []
        return {int(v) for v in values if str(v).isdigit()}
    return set(form.initial.get("cells", []))


def _render(
    request: HttpRequest,
    program: Program,
    poll: AvailabilityPoll | None,
    form: PollAnswerForm,
    *,
    answer: PollAnswer | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "planning/poll.html",
        {
            "program": program,
            "poll": poll,
            "form": form,
            "answer": answer,
            "grid": week_grid(_marked(form), get_language() or "en"),
            "days": day_names(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def poll_page(request: HttpRequest, slug: str) -> HttpResponse:
    program, poll = queries.public_poll(slug)
    if request.method == "GET" or poll is None:
        form = PollAnswerForm(initial={"time_zone": request.reader_zone})  # type: ignore[attr-defined]
        return _render(request, program, poll, form)
    form = PollAnswerForm(request.POST)
    if form.is_valid():
        try:
            answer = services.answer_poll(
                poll=poll,
                time_zone=form.cleaned_data["time_zone"],
                cells=form.cleaned_data["cells"],
                today=timezone.now().date(),
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(
                request,
                _("Thank you: your hours are saved. Keep this page's address to change them."),
            )
            return redirect("planning:answer", slug=program.slug, token=str(answer.token))
    return _render(request, program, poll, form, status=INVALID)


@require_http_methods(["GET", "POST"])
def answer_page(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    answer = queries.answer_by_token(slug, token)
    poll = answer.poll
    program = poll.program
    if request.method == "GET":
        cells = utc_to_cells(answer.utc_quarters, answer.utc_offset_minutes)
        form = PollAnswerForm(initial={"time_zone": answer.time_zone, "cells": sorted(cells)})
        return _render(request, program, poll, form, answer=answer)
    if "withdraw" in request.POST:
        services.withdraw_answer(answer=answer)
        messages.success(request, _("Your answer is deleted."))
        return redirect("planning:poll", slug=program.slug)
    form = PollAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.change_answer(
                answer=answer,
                time_zone=form.cleaned_data["time_zone"],
                cells=form.cleaned_data["cells"],
                today=timezone.now().date(),
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Your hours are saved."))
            return redirect("planning:answer", slug=program.slug, token=str(answer.token))
    return _render(request, program, poll, form, answer=answer, status=INVALID)
