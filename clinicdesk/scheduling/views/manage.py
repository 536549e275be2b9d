"""Organizer pages. Every view reaches programs and sessions through ``access``, binds a form,
calls one service and redirects, or shows the form again with what was typed (status 400)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from clinicdesk.core.forms import attach_error
from clinicdesk.scheduling import access, queries, services
from clinicdesk.scheduling.cadence import WeeklySlot
from clinicdesk.scheduling.forms import (
    HostsForm,
    PersonForm,
    ProgramForm,
    RepeatForm,
    RotationFormSet,
    SegmentForm,
    SessionForm,
    rotation_slots,
)
from clinicdesk.scheduling.models import ClinicSession, Person, Program, Segment

GET_POST = ["GET", "POST"]
INVALID = 400


def _signed_in_user(request: HttpRequest) -> AbstractBaseUser:
    user = request.user
    if not isinstance(user, AbstractBaseUser):
        raise PermissionDenied
    return user


def _session(request: HttpRequest, slug: str, number: int) -> ClinicSession:
    return access.get_session_for_organizer(request.user, slug, number)


def _segment(session: ClinicSession, segment_id: int) -> Segment:
    # Looked up among the session's own segments, which access has already cleared.
    return get_object_or_404(session.segments.all(), pk=segment_id)


def _session_url(session: ClinicSession, name: str = "manage:session") -> str:
    return reverse(name, kwargs={"slug": session.program.slug, "number": session.number})


def _program_url(program: Program, anchor: str) -> str:
    return reverse("manage:program", kwargs={"slug": program.slug}) + "#" + anchor


# --- Home and programs --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "scheduling/manage/home.html",
        {
            "programs": access.programs_for_organizer(request.user).only("name", "slug"),
            "can_create_programs": access.can_create_programs(request.user),
        },
    )


@login_required
@require_http_methods(GET_POST)
def program_create(request: HttpRequest) -> HttpResponse:
    if not access.can_create_programs(request.user):
        raise PermissionDenied
    if request.method == "GET":
        form = ProgramForm()
        return render(request, "scheduling/manage/program_form.html", {"form": form})
    form = ProgramForm(request.POST)
    if form.is_valid():
        try:
            program = services.create_program(
                organizer=_signed_in_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Created the program %(name)s.") % {"name": program.name})
            return redirect("manage:program", slug=program.slug)
    return render(request, "scheduling/manage/program_form.html", {"form": form}, status=INVALID)


@login_required
@require_http_methods(GET_POST)
def program_edit(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    if request.method == "GET":
        form = ProgramForm(initial=ProgramForm.initial_for(program))
        return render(
            request, "scheduling/manage/program_form.html", {"form": form, "program": program}
        )
    form = ProgramForm(request.POST, initial=ProgramForm.initial_for(program))
    if form.is_valid():
        try:
            program = services.update_program(program=program, **form.cleaned_data)
        except ValidationError as error:
            attach_error(form, error)
            # The service set the typed values on the instance before it refused them.
            program = access.get_program_for_organizer(request.user, slug)
        else:
            messages.success(request, _("Saved the program %(name)s.") % {"name": program.name})
            return redirect("manage:program", slug=program.slug)
    return render(
        request,
        "scheduling/manage/program_form.html",
        {"form": form, "program": program},
        status=INVALID,
    )


@dataclass(frozen=True)
class SessionRow:
    session: ClinicSession
    hosts: list[Person]
    staffing_warning: str | None


def _session_rows(sessions: list[ClinicSession]) -> list[SessionRow]:
    rows = []
    for session in sessions:
        hosts = list(session.hosts.all())  # prefetched by queries.sessions_of
        rows.append(SessionRow(session, hosts, services.staffing_warning(hosts)))
    return rows


def _render_dashboard(
    request: HttpRequest, program: Program, rotation_formset: Any, *, status: int = 200
) -> HttpResponse:
    schedule = queries.split_schedule(queries.sessions_of(program), timezone.now())
    return render(
        request,
        "scheduling/manage/program.html",
        {
            "program": program,
            "upcoming": _session_rows(schedule.upcoming),
            "past": _session_rows(list(reversed(schedule.past))),
            "rotation_formset": rotation_formset,
        },
        status=status,
    )


def _rotation_initial(program: Program) -> list[dict[str, Any]]:
    return [
        {"weekday": slot.weekday, "local_time": slot.time, "time_zone": slot.zone}
        for slot in services.rotation_of(program)
    ]


@login_required
@require_http_methods(["GET"])
def program_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    formset = RotationFormSet(prefix="rotation", initial=_rotation_initial(program))
    return _render_dashboard(request, program, formset)


@login_required
@require_http_methods(GET_POST)
def rotation_update(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    if request.method == "GET":
        return redirect(_program_url(program, "rotation"))
    formset = RotationFormSet(request.POST, prefix="rotation", initial=_rotation_initial(program))
    if not formset.is_valid():
        return _render_dashboard(request, program, formset, status=INVALID)
    slots = rotation_slots(formset)
    services.set_rotation(program=program, slots=slots)
    messages.success(
        request,
        ngettext(
            "Saved the rotation: %(count)d weekly slot.",
            "Saved the rotation: %(count)d weekly slots.",
            len(slots),
        )
        % {"count": len(slots)},
    )
    return redirect(_program_url(program, "rotation"))


# --- Sessions -----------------------------------------------------------------------------------


def _render_session(
    request: HttpRequest, session: ClinicSession, form: SessionForm, *, status: int = 200
) -> HttpResponse:
    hosts = list(session.hosts.all())
    return render(
        request,
        "scheduling/manage/session.html",
        {
            "program": session.program,
            "session": session,
            "form": form,
            "hosts": hosts,
            "segments": list(session.segments.all()),
            "staffing_warning": services.staffing_warning(hosts),
        },
        status=status,
    )


@login_required
@require_http_methods(GET_POST)
def session_create(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    initial = SessionForm.initial_for_program(program)
    context: dict[str, Any] = {
        "program": program,
        "next_number": services.next_session_number(program),
    }
    if request.method == "GET":
        context["form"] = SessionForm(initial=initial)
        return render(request, "scheduling/manage/session_create.html", context)
    form = SessionForm(request.POST, initial=initial)
    if form.is_valid():
        values, fold = form.service_values()
        try:
            session = services.schedule_session(program=program, fold=fold, **values)
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(
                request, _("Scheduled %(session)s.") % {"session": session.display_title}
            )
            return redirect(_session_url(session))
    context["form"] = form
    return render(request, "scheduling/manage/session_create.html", context, status=INVALID)


@login_required
@require_http_methods(GET_POST)
def session_edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = _session(request, slug, number)
    initial = SessionForm.initial_for(session)
    if request.method == "GET":
        return _render_session(request, session, SessionForm(initial=initial, numbered=True))
    form = SessionForm(request.POST, initial=initial, numbered=True)
    if form.is_valid():
        values, fold = form.service_values()
        try:
            session = services.update_session(session=session, fold=fold, **values)
        except ValidationError as error:
            attach_error(form, error)  # the service gives the instance its saved values back
        else:
            messages.success(request, _("Saved %(session)s.") % {"session": session.display_title})
            return redirect(_session_url(session))
    return _render_session(request, session, form, status=INVALID)


@login_required
@require_http_methods(GET_POST)
def session_cancel(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = _session(request, slug, number)
    form = forms.Form(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if session.is_cancelled:
            messages.info(
                request, _("%(session)s was already cancelled.") % {"session": session.label}
            )
            return redirect(_session_url(session))
        try:
            services.cancel_session(session=session)
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(
                request, _("Cancelled %(session)s.") % {"session": session.display_title}
            )
            return redirect(_session_url(session))
    return render(
        request,
        "scheduling/manage/session_cancel.html",
        {"program": session.program, "session": session, "form": form},
        status=INVALID if form.errors else 200,
    )


# --- Hosts and people ---------------------------------------------------------------------------


def _render_hosts(
    request: HttpRequest,
    session: ClinicSession,
    hosts_form: HostsForm,
    person_form: PersonForm,
    *,
    status: int = 200,
) -> HttpResponse:
    hosts = list(session.hosts.all())
    return render(
        request,
        "scheduling/manage/hosts.html",
        {
            "program": session.program,
            "session": session,
            "hosts": hosts,
            "hosts_form": hosts_form,
            "person_form": person_form,
            "staffing_warning": services.staffing_warning(hosts),
        },
        status=status,
    )


@login_required
@require_http_methods(GET_POST)
def session_hosts(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = _session(request, slug, number)
    person_form = PersonForm(prefix="person")
    if request.method == "GET":
        hosts_form = HostsForm(initial={"hosts": list(session.hosts.all())})
        return _render_hosts(request, session, hosts_form, person_form)
    hosts_form = HostsForm(request.POST)
    if not hosts_form.is_valid():
        return _render_hosts(request, session, hosts_form, person_form, status=INVALID)
    services.set_hosts(session=session, hosts=hosts_form.cleaned_data["hosts"])
    messages.success(
        request, _("Saved the hosts of %(session)s.") % {"session": session.display_title}
    )
    return redirect(_session_url(session))


@login_required
@require_http_methods(GET_POST)
def person_create(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = _session(request, slug, number)
    hosts_url = _session_url(session, "manage:session-hosts")
    if request.method == "GET":
        return redirect(hosts_url)
    person_form = PersonForm(request.POST, prefix="person")
    if person_form.is_valid():
        try:
            person = services.create_person(**person_form.cleaned_data)
        except ValidationError as error:
            attach_error(person_form, error)
        else:
            messages.success(
                request,
                _("Added %(person)s. Tick their name to make them a host of this session.")
                % {"person": person},
            )
            return redirect(hosts_url)
    hosts_form = HostsForm(initial={"hosts": list(session.hosts.all())})
    return _render_hosts(request, session, hosts_form, person_form, status=INVALID)


# --- Segments -----------------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def segment_create(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = _session(request, slug, number)
    context: dict[str, Any] = {"program": session.program, "session": session}
    if request.method == "GET":
        context["form"] = SegmentForm()
        return render(request, "scheduling/manage/segment_form.html", context)
    form = SegmentForm(request.POST)
    if form.is_valid():
        try:
            segment = services.add_segment(session=session, **form.cleaned_data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Added “%(title)s”.") % {"title": segment.title})
            return redirect(_session_url(session))
    context["form"] = form
    return render(request, "scheduling/manage/segment_form.html", context, status=INVALID)


@login_required
@require_http_methods(GET_POST)
def segment_edit(request: HttpRequest, slug: str, number: int, segment_id: int) -> HttpResponse:
    session = _session(request, slug, number)
    segment = _segment(session, segment_id)
    context: dict[str, Any] = {"program": session.program, "session": session, "segment": segment}
    if request.method == "GET":
        context["form"] = SegmentForm(initial=SegmentForm.initial_for(segment))
        return render(request, "scheduling/manage/segment_form.html", context)
    form = SegmentForm(request.POST, initial=SegmentForm.initial_for(segment))
    if form.is_valid():
        try:
            segment = services.update_segment(segment=segment, **form.cleaned_data)
        except ValidationError as error:
            attach_error(form, error)
            # The service set the typed values on the instance before it refused them.
            context["segment"] = _segment(session, segment_id)
        else:
            messages.success(request, _("Saved “%(title)s”.") % {"title": segment.title})
            return redirect(_session_url(session))
    context["form"] = form
    return render(request, "scheduling/manage/segment_form.html", context, status=INVALID)


@login_required
@require_http_methods(GET_POST)
def segment_delete(request: HttpRequest, slug: str, number: int, segment_id: int) -> HttpResponse:
    session = _session(request, slug, number)
    segment = _segment(session, segment_id)
    if request.method == "POST":
        title = segment.title
        services.delete_segment(segment=segment)
        messages.success(request, _("Removed “%(title)s”.") % {"title": title})
        return redirect(_session_url(session))
    return render(
        request,
        "scheduling/manage/segment_delete.html",
        {"program": session.program, "session": session, "segment": segment},
    )


# --- Repeating a session ------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def session_repeat(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = _session(request, slug, number)
    program = session.program
    rotation = services.rotation_of(program)
    context: dict[str, Any] = {"program": program, "session": session, "rotation": rotation}
    if request.method == "GET":
        context["form"] = RepeatForm(
            initial={"slots": rotation, "min_gap_days": program.cadence_days}
        )
        return render(request, "scheduling/manage/repeat.html", context)
    form = RepeatForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "scheduling/manage/repeat.html", context, status=INVALID)
    data = form.cleaned_data
    slots: list[WeeklySlot] = data["slots"] or rotation
    if not slots:
        form.add_error(
            "slots", _("Give at least one weekly slot, or set the program's rotation first.")
        )
        return render(request, "scheduling/manage/repeat.html", context, status=INVALID)
    if "confirm" in request.POST:
        try:
            created = services.repeat_session(
                session=session,
                count=data["count"],
                slots=slots,
                min_gap_days=data["min_gap_days"],
            )
        except ValidationError as error:
            attach_error(form, error)
            return render(request, "scheduling/manage/repeat.html", context, status=INVALID)
        if len(created) == 1:
            done = _("Scheduled %(session)s.") % {"session": created[0].display_title}
        else:
            done = ngettext(
                "Scheduled %(count)d session: %(first)s to %(last)s.",
                "Scheduled %(count)d sessions: %(first)s to %(last)s.",
                len(created),
            ) % {"count": len(created), "first": created[0].label, "last": created[-1].label}
        messages.success(request, done)
        return redirect("manage:program", slug=program.slug)
    try:
        context["plan"] = services.plan_repeat(
            session=session, slots=slots, count=data["count"], min_gap_days=data["min_gap_days"]
        )
    except ValidationError as error:
        attach_error(form, error)
        return render(request, "scheduling/manage/repeat.html", context, status=INVALID)
    context["confirmation"] = form.confirmation_values(slots)
    return render(request, "scheduling/manage/repeat.html", context)
