"""Organizer pages: registration settings, the registrations with filters and CSV, needs per
session and per program, attendance, the outbox, retention and API tokens.

Every view reaches programs and sessions through ``scheduling.access``, binds a form, calls
one service and redirects, or shows the form again with what was typed (status 400).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clinicdesk.registration import exports, queries, rules, services
from clinicdesk.registration.forms import (
    ApiTokenForm,
    FilterForm,
    HeadcountForm,
    ProgramSettingsForm,
    RegistrationSettingsForm,
    RoleForm,
    WalkInForm,
    attach_error,
)
from clinicdesk.registration.models import ApiToken, CheckIn, OutboundEmail, Registration
from clinicdesk.scheduling import access
from clinicdesk.scheduling.models import ClinicSession, Person

INVALID = 400


def _session(request: HttpRequest, slug: str, number: int) -> ClinicSession:
    return access.get_session_for_organizer(request.user, slug, number)


def _url(name: str, session: ClinicSession) -> str:
    return reverse(name, kwargs={"slug": session.program.slug, "number": session.number})


# --- Registration settings -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = _session(request, slug, number)
    row = queries.registration_settings_of(session)
    initial = RegistrationSettingsForm.initial_for(session, row)
    form = RegistrationSettingsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = INVALID
        if form.is_valid():
            try:
                services.configure_registration(session=session, **form.service_values())
            except ValidationError as error:
                attach_error(form, error)
            else:
                messages.success(request, _("Saved the registration settings."))
                return redirect(_url("registration:list", session))
    return render(
        request,
        "registration/manage/settings.html",
        {"program": session.program, "session": session, "form": form, "row": row},
        status=status,
    )


# --- Registrations ---------------------------------------------------------------------------


def _filters(form: FilterForm) -> queries.RegistrationFilters:
    if not form.is_valid():
        return queries.RegistrationFilters()
    data = form.cleaned_data
    return queries.RegistrationFilters(
        status=data.get("status") or "", need=data.get("need") or "", search=data.get("q") or ""
    )


@login_required
@require_http_methods(["GET"])
def registrations(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = _session(request, slug, number)
    form = FilterForm(request.GET or None, session=session)
    row = queries.registration_settings_of(session)
    return render(
        request,
        "registration/manage/registrations.html",
        {
            "program": session.program,
            "session": session,
            "row": row,
            "state": queries.public_state(row, timezone.now()) if row else None,
            "filter_form": form,
            "registrations": list(queries.registrations_of(session, _filters(form))),
            "undelivered": queries.undelivered_emails(session),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET"])
def export(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = _session(request, slug, number)
    form = FilterForm(request.GET or None, session=session)
    rows = exports.registration_rows(queries.registrations_of(session, _filters(form)))
    response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
    filename = f"{session.program.slug}-{session.number:03d}-registrations.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def retry_email(request: HttpRequest, slug: str, number: int, email_id: int) -> HttpResponse:
    session = _session(request, slug, number)
    email = get_object_or_404(OutboundEmail, pk=email_id, registration__session=session)
    if email.status != OutboundEmail.Status.FAILED:
        messages.info(request, _("This e-mail is not marked as failed; nothing to do."))
    else:
        services.retry_email(email=email)
        messages.success(request, _("The e-mail will be sent again in a moment."))
    return redirect(_url("registration:list", session) + "#outbox")


# --- Needs -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def needs(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = _session(request, slug, number)
    return render(
        request,
        "registration/manage/needs.html",
        {
            "program": session.program,
            "session": session,
            "needs": queries.needs_of_session(session),
        },
    )


@login_required
@require_http_methods(["GET"])
def program_needs(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    return render(
        request,
        "registration/manage/program_needs.html",
        {"program": program, "needs": queries.needs_of_program(program)},
    )


# --- Program settings and retention -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def program_settings(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    current = queries.program_settings_of(program)
    initial = {
        "reminders": ", ".join(rules.describe_offset(m) for m in current.reminder_offsets),
        "retention_days": current.retention_days,
    }
    form = ProgramSettingsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = INVALID
        if form.is_valid():
            try:
                services.configure_program(
                    program=program,
                    reminder_offsets=form.cleaned_data["reminders"],
                    retention_days=form.cleaned_data["retention_days"],
                )
            except ValidationError as error:
                attach_error(form, error)
            else:
                messages.success(request, _("Saved the registration settings of the program."))
                return redirect("registration:program-settings", slug=program.slug)
    return render(
        request,
        "registration/manage/program_settings.html",
        {"program": program, "form": form, "retention_days": current.retention_days},
        status=status,
    )


@login_required
@require_POST
def run_retention(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    report = services.apply_retention(program=program)
    if report.sessions:
        messages.success(
            request,
            _(
                "Deleted %(registrations)d registration(s) and %(check_ins)d check-in(s) of "
                "%(sessions)s; their counts are kept."
            )
            % {
                "registrations": report.registrations_deleted,
                "check_ins": report.check_ins_deleted,
                "sessions": ", ".join(report.sessions),
            },
        )
    else:
        messages.info(request, _("No session is past its retention period: nothing to delete."))
    return redirect("registration:program-settings", slug=program.slug)


# --- Attendance ------------------------------------------------------------------------------


def _render_attendance(
    request: HttpRequest,
    session: ClinicSession,
    *,
    walk_in_form: WalkInForm | None = None,
    headcount_form: HeadcountForm | None = None,
    status: int = 200,
) -> HttpResponse:
    attendance = queries.attendance_of(session)
    headcount = attendance.headcount
    return render(
        request,
        "registration/manage/attendance.html",
        {
            "program": session.program,
            "session": session,
            "attendance": attendance,
            "roles": Person.Role.choices,
            "walk_in_form": walk_in_form or WalkInForm(),
            "headcount_form": headcount_form
            or HeadcountForm(
                initial={
                    "staff": headcount.counted_staff if headcount else None,
                    "volunteers": headcount.counted_volunteers if headcount else None,
                }
            ),
            "has_started": services.has_started(session, timezone.now()),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def attendance(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _render_attendance(request, _session(request, slug, number))


def _back_to_attendance(session: ClinicSession) -> HttpResponse:
    return redirect(_url("registration:attendance", session))


@login_required
@require_POST
def check_in(request: HttpRequest, slug: str, number: int, registration_id: int) -> HttpResponse:
    session = _session(request, slug, number)
    registration = get_object_or_404(
        Registration.objects.exclude(status=Registration.Status.CANCELLED),
        pk=registration_id,
        session=session,
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose staff or volunteer."))
        return _render_attendance(request, session, status=INVALID)
    services.check_in_registration(registration=registration, role=form.cleaned_data["role"])
    messages.success(request, _("Checked in %(name)s.") % {"name": registration.name})
    return _back_to_attendance(session)


@login_required
@require_POST
def check_in_host(request: HttpRequest, slug: str, number: int, person_id: int) -> HttpResponse:
    session = _session(request, slug, number)
    person = get_object_or_404(session.hosts.all(), pk=person_id)
    services.check_in_host(session=session, person=person)
    messages.success(request, _("Checked in %(name)s.") % {"name": person.name})
    return _back_to_attendance(session)


@login_required
@require_POST
def walk_in(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = _session(request, slug, number)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            services.add_walk_in(session=session, **form.cleaned_data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Added %(name)s.") % {"name": form.cleaned_data["name"]})
            return _back_to_attendance(session)
    return _render_attendance(request, session, walk_in_form=form, status=INVALID)


@login_required
@require_POST
def remove_check_in(request: HttpRequest, slug: str, number: int, check_in_id: int) -> HttpResponse:
    session = _session(request, slug, number)
    found = get_object_or_404(CheckIn, pk=check_in_id, session=session)
    services.remove_check_in(check_in=found)
    messages.success(request, _("Removed the check-in."))
    return _back_to_attendance(session)


@login_required
@require_POST
def headcount(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = _session(request, slug, number)
    form = HeadcountForm(request.POST)
    if form.is_valid():
        try:
            services.record_headcount(
                session=session,
                staff=form.cleaned_data["staff"],
                volunteers=form.cleaned_data["volunteers"],
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Saved the headcount."))
            return _back_to_attendance(session)
    return _render_attendance(request, session, headcount_form=form, status=INVALID)


@login_required
@require_POST
def mark_held(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = _session(request, slug, number)
    try:
        services.mark_held(session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _render_attendance(request, session, status=409)
    messages.success(request, _("%(session)s is marked as held.") % {"session": session.label})
    return _back_to_attendance(session)


# --- API tokens -------------------------------------------------------------------------------


def _api_user(request: HttpRequest) -> User:
    """Anyone who organizes a program may make tokens; a token reads what its owner may."""
    user = request.user
    if not isinstance(user, User) or not access.programs_for_organizer(user).exists():
        raise PermissionDenied
    return user


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    user = _api_user(request)
    form = ApiTokenForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "POST":
        status = INVALID
        if form.is_valid():
            try:
                _row, token = services.create_api_token(user=user, name=form.cleaned_data["name"])
            except ValidationError as error:
                attach_error(form, error)
            else:
                # Shown once, on this answer to the POST; only its digest is kept.
                context.update({"new_token": token, "form": ApiTokenForm()})
                status = 201
    context["tokens"] = list(ApiToken.objects.filter(user=user))
    response = render(request, "registration/manage/api_tokens.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_api_token(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _api_user(request)
    token = get_object_or_404(ApiToken, pk=token_id, user=user)
    services.revoke_api_token(api_token=token)
    messages.success(request, _("Revoked the token “%(name)s”.") % {"name": token.name})
    return redirect("registration:api-tokens")
