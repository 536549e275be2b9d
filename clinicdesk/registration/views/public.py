"""Public pages: the registration form, what came of it, and the private manage link.

A refusal always says why with a status that fits: 400 for answers to correct, 404 for a
session without registration or a link that does not work, 409 before registration opens,
410 once it is over, 429 when one address sends too much.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clinicdesk.registration import queries, ratelimit, rules, services
from clinicdesk.registration.forms import (
    AnswersForm,
    RegistrationForm,
    attach_error,
    blank_form_fields,
)
from clinicdesk.registration.models import Registration, RegistrationSettings
from clinicdesk.scheduling.models import ClinicSession

REFUSAL_STATUS = {
    rules.Availability.NOT_YET_OPEN: 409,
    rules.Availability.CLOSED: 410,
    rules.Availability.OVER: 410,
    rules.Availability.HELD: 410,
    rules.Availability.CANCELLED: 410,
}
# Wrong manage links one address may try per window, whatever the registration limit.
WRONG_LINKS = ratelimit.Limit(30, 600)


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303  # after a POST, the browser GETs the next page
    return response


def _session_with_registration(
    slug: str, number: int
) -> tuple[ClinicSession, RegistrationSettings]:
    session = get_object_or_404(
        ClinicSession.objects.select_related("program", "registration_settings"),
        program__slug=slug,
        number=number,
    )
    row = getattr(session, "registration_settings", None)
    if row is None:
        raise Http404(_("This session does not take registrations."))
    row.session = session
    return session, row


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(
        request,
        "registration/too_many.html",
        {"minutes": max(1, (retry_after + 59) // 60)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def _initial_answers(request: HttpRequest) -> dict[str, Any]:
    # A zone the reader chose or their browser told us; else zone.js fills the field.
    source = getattr(request, "reader_zone_source", "default")
    zone = getattr(request, "reader_zone", "") if source in {"cookie", "address"} else ""
    return {"home_time_zone": zone}


def _render_form(
    request: HttpRequest,
    session: ClinicSession,
    row: RegistrationSettings,
    form: RegistrationForm | None,
    *,
    status: int = 200,
    refusal: str = "",
) -> HttpResponse:
    """The form page: ``form`` with what was typed, or (None) a new form, whose fields come
    rendered from the cache."""
    state = queries.public_state(row, timezone.now())
    form_fields = None
    if form is None and state.is_open and not refusal:
        form_fields = blank_form_fields(
            registration_settings=row,
            zone=_initial_answers(request)["home_time_zone"],
            show_conduct=True,
        )
    return render(
        request,
        "registration/register.html",
        {
            "program": session.program,
            "session": session,
            "state": state,
            "deadline_zone": row.time_zone if row.closes_at else session.time_zone,
            "form": (form or form_fields) if state.is_open else None,
            "form_fields": form_fields,
            "refusal": refusal,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session, row = _session_with_registration(slug, number)
    if request.method == "GET":
        return _render_form(request, session, row, None)
    form: RegistrationForm | None = None
    refusal: rules.Availability | None = None
    result: services.RegistrationResult | None = None
    # One write transaction for the rate-limit count and the registration: on SQLite, where
    # writers take turns on one lock, a form then takes one turn instead of two. The page is
    # rendered after the transaction, not while holding it.
    with transaction.atomic():
        retry_after = ratelimit.hit(request, "register", ratelimit.registration_limit())
        if retry_after is None:
            state = services.availability_of(row)
            if state != rules.Availability.OPEN:
                refusal = state
            else:
                form = RegistrationForm(request.POST, registration_settings=row)
                if form.is_valid():
                    try:
                        result = services.register(session=session, answers=form.answers())
                    except services.RegistrationRefused as refused:
                        refusal = refused.availability
                    except services.RegistrationNotOffered:
                        raise Http404(_("This session does not take registrations.")) from None
                    except ValidationError as error:
                        attach_error(form, error)
    if retry_after is not None:
        return _too_many(request, retry_after)
    if refusal is not None:
        return _render_form(
            request,
            session,
            row,
            None,
            status=REFUSAL_STATUS[refusal],
            refusal=services.refusal_message(refusal),
        )
    if result is not None:
        done = reverse("registration:registered", kwargs={"slug": slug, "number": number})
        return _see_other(f"{done}?outcome={result.outcome}")
    return _render_form(request, session, row, form, status=400)


@require_GET
def registered(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session, _row = _session_with_registration(slug, number)
    outcome = request.GET.get("outcome", "")
    if outcome not in {"confirmed", "waitlisted", "updated", "unchanged"}:
        outcome = ""
    return render(
        request,
        "registration/registered.html",
        {"program": session.program, "session": session, "outcome": outcome},
    )


# --- The private manage link ---------------------------------------------------------------------


def _private(response: HttpResponse) -> HttpResponse:
    """The manage link is a secret: never stored by a cache, sent to another site, or indexed.

    "same-origin" keeps the link from other sites; "no-referrer" would also make browsers send
    ``Origin: null`` with the page's own forms, which CSRF protection rightly refuses.
    """
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _link_problem(request: HttpRequest) -> HttpResponse:
    retry_after = ratelimit.hit(request, "manage-link", WRONG_LINKS)
    if retry_after is not None:
        return _private(_too_many(request, retry_after))
    return _private(render(request, "registration/link_invalid.html", status=404))


def _manage_context(
    registration: Registration, form: AnswersForm | None, token: str
) -> dict[str, Any]:
    session = registration.session
    row = queries.registration_settings_of(session)
    state = queries.public_state(row, timezone.now()) if row else None
    editable = state is not None and state.availability not in {
        rules.Availability.OVER,
        rules.Availability.HELD,
        rules.Availability.CANCELLED,
    }
    return {
        "registration": registration,
        "session": session,
        "program": session.program,
        "form": form if editable and registration.is_active else None,
        "can_cancel": editable and registration.is_active,
        "token": token,
    }


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    registration = services.registration_for_token(token)
    if registration is None:
        return _link_problem(request)
    row = queries.registration_settings_of(registration.session)
    if row is None:  # registration was switched off and its settings deleted
        return _link_problem(request)
    initial = {name: getattr(registration, name) for name in services.EDITABLE_FIELDS}
    if request.method == "GET":
        form = AnswersForm(registration_settings=row, initial=initial)
        return _private(
            render(request, "registration/manage.html", _manage_context(registration, form, token))
        )
    form = AnswersForm(request.POST, registration_settings=row, initial=initial)
    status = 400
    if form.is_valid():
        try:
            services.update_registration(registration=registration, changes=form.changes())
        except services.RegistrationRefused as refused:
            form.add_error(None, refused)
            status = REFUSAL_STATUS[refused.availability]
        except ValidationError as error:
            attach_error(form, error)
            status = 409 if not hasattr(error, "error_dict") else 400
        else:
            messages.success(request, _("Saved your changes."))
            return _private(_see_other(reverse("registration:manage", kwargs={"token": token})))
    context = _manage_context(registration, form, token)
    context["form"] = form
    return _private(render(request, "registration/manage.html", context, status=status))


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = services.registration_for_token(token)
    if registration is None:
        return _link_problem(request)
    context = _manage_context(registration, None, token)
    if request.method == "POST" and registration.is_active:
        try:
            services.cancel_registration(registration=registration)
        except services.RegistrationRefused as refused:
            context["refusal"] = refused.messages[0]
            return _private(
                render(
                    request,
                    "registration/cancel.html",
                    context,
                    status=REFUSAL_STATUS[refused.availability],
                )
            )
        messages.success(request, _("Your registration is cancelled."))
        return _private(_see_other(reverse("registration:manage", kwargs={"token": token})))
    return _private(render(request, "registration/cancel.html", context))


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, token: str) -> HttpResponse:
    registration = services.registration_for_token(token)
    if registration is None:
        return _link_problem(request)
    if request.method == "POST":
        services.delete_registration(registration=registration)
        return _private(_see_other(reverse("registration:deleted")))
    return _private(
        render(request, "registration/delete.html", _manage_context(registration, None, token))
    )


@require_GET
def deleted(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "registration/deleted.html"))
