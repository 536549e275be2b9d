"""Organizer pages. Every view reaches consultations through ``access``, binds a form, calls
one service and redirects, or shows the form again with what was typed (status 400)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clinicdesk.consultations import access, queries, services
from clinicdesk.consultations.forms import (
    CommunitiesForm,
    ConsultationForm,
    GroupForm,
    ImportInitiativesForm,
    InitiativeForm,
    ReviewForm,
)
from clinicdesk.consultations.models import Consultation, Submission
from clinicdesk.consultations.outputs import results_document
from clinicdesk.consultations.renderers import render_text, render_wikitext
from clinicdesk.consultations.views.public import _method, results_context
from clinicdesk.core.forms import attach_error
from clinicdesk.scheduling import access as scheduling_access

GET_POST = ["GET", "POST"]
INVALID = 400


def _consultation(request: HttpRequest, slug: str, consultation: str) -> Consultation:
    return access.get_consultation_for_organizer(request.user, slug, consultation)


def _url(name: str, consultation: Consultation, **extra: Any) -> str:
    return reverse(
        f"consultations:{name}",
        kwargs={"slug": consultation.program.slug, "consultation": consultation.slug, **extra},
    )


def _notes(request: HttpRequest, notes: list[str]) -> None:
    for note in notes:
        messages.warning(request, note)


# --- Consultations ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def consultation_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = scheduling_access.get_program_for_organizer(request.user, slug)
    return render(
        request,
        "consultations/manage/list.html",
        {"program": program, "consultations": queries.consultations_of(program)},
    )


@login_required
@require_http_methods(GET_POST)
def consultation_create(request: HttpRequest, slug: str) -> HttpResponse:
    program = scheduling_access.get_program_for_organizer(request.user, slug)
    initial = {
        "languages": program.default_languages or ["en"],
        "method": Consultation.Method.BORDA,
        "max_choices": 5,
        "suppression_threshold": 5,
        "time_zone": "UTC",
    }
    if request.method == "GET":
        form = ConsultationForm(initial=initial, program=program)
        return render(request, "consultations/manage/form.html", {"program": program, "form": form})
    form = ConsultationForm(request.POST, initial=initial, program=program)
    if form.is_valid():
        try:
            saved = services.create_consultation(program=program, **form.service_values())
        except ValidationError as error:
            attach_error(form, error)
        else:
            _notes(request, saved.notes)
            messages.success(
                request,
                _("Created the consultation %(title)s.") % {"title": saved.consultation.title},
            )
            return redirect(_url("manage", saved.consultation))
    return render(
        request,
        "consultations/manage/form.html",
        {"program": program, "form": form},
        status=INVALID,
    )


@login_required
@require_http_methods(GET_POST)
def consultation_edit(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    found = _consultation(request, slug, consultation)
    program = found.program
    initial = ConsultationForm.initial_for(found)
    context: dict[str, Any] = {"program": program, "consultation": found}
    if request.method == "GET":
        context["form"] = ConsultationForm(initial=initial, program=program)
        return render(request, "consultations/manage/form.html", context)
    form = ConsultationForm(request.POST, initial=initial, program=program)
    if form.is_valid():
        try:
            saved = services.update_consultation(consultation=found, **form.service_values())
        except ValidationError as error:
            attach_error(form, error)
            found = _consultation(request, slug, consultation)
        else:
            _notes(request, saved.notes)
            messages.success(request, _("Saved the consultation."))
            return redirect(_url("manage", saved.consultation))
    context.update(form=form, consultation=found)
    return render(request, "consultations/manage/form.html", context, status=INVALID)


def logistics_url(consultation: Consultation) -> str:
    """The registration app's summary of needs (interpreters to book per language), if there."""
    from django.urls import NoReverseMatch

    try:
        return reverse("registration:program-needs", kwargs={"slug": consultation.program.slug})
    except NoReverseMatch:
        return ""


@login_required
@require_http_methods(["GET"])
def dashboard(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    found = _consultation(request, slug, consultation)
    count, _latest = queries.ballot_stamp(found)
    groups = queries.initiative_views(found, get_language() or "en")
    return render(
        request,
        "consultations/manage/dashboard.html",
        {
            "program": found.program,
            "consultation": found,
            "phases": queries.phases_of(found, timezone.now()),
            "ballots": count,
            "submission_counts": queries.submission_counts(found),
            "initiative_count": len(queries.flat_initiatives(groups)),
            "group_count": len([g for g in groups if g.id is not None]),
            "events": queries.events_of(found),
            "logistics_url": logistics_url(found),
        },
    )


@login_required
@require_POST
def window_now(
    request: HttpRequest, slug: str, consultation: str, which: str, edge: str
) -> HttpResponse:
    found = _consultation(request, slug, consultation)
    if which not in services.WINDOWS or edge not in ("opens", "closes"):
        raise Http404
    try:
        saved = services.set_window_now(consultation=found, which=which, edge=edge)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        _notes(request, saved.notes)
        done = {
            ("submissions", "opens"): _("Submissions are open."),
            ("submissions", "closes"): _("Submissions are closed."),
            ("ranking", "opens"): _("Ranking is open."),
            ("ranking", "closes"): _("Ranking is closed: the results are published."),
        }
        messages.success(request, done[(which, edge)])
    return redirect(_url("manage", found))


@login_required
@require_POST
def publish_early(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    found = _consultation(request, slug, consultation)
    published = request.POST.get("published") == "1"
    services.publish_results_early(consultation=found, published=published)
    messages.success(
        request,
        _("The results are shown before ranking closes.")
        if published
        else _("The results are hidden until ranking closes."),
    )
    return redirect(_url("manage", found))


# --- Initiatives ----------------------------------------------------------------------------------


def _render_initiatives(
    request: HttpRequest, consultation: Consultation, form: ImportInitiativesForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "consultations/manage/initiatives.html",
        {
            "program": consultation.program,
            "consultation": consultation,
            "groups": queries.initiative_views(consultation, get_language() or "en"),
            "import_form": form,
        },
        status=status,
    )


@login_required
@require_http_methods(GET_POST)
def initiatives(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    found = _consultation(request, slug, consultation)
    languages = found.languages
    if request.method == "GET":
        form = ImportInitiativesForm(
            initial={"language": found.source_language}, languages=languages
        )
        return _render_initiatives(request, found, form)
    form = ImportInitiativesForm(request.POST, languages=languages)
    if form.is_valid():
        try:
            count = services.import_initiatives(
                consultation=found,
                text=form.cleaned_data["text"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(
                request,
                _("Added %(created)d initiatives and updated %(updated)d.")
                % {"created": count.created, "updated": count.updated},
            )
            return redirect(_url("manage-initiatives", found))
    return _render_initiatives(request, found, form, status=INVALID)


@login_required
@require_http_methods(GET_POST)
def group_edit(
    request: HttpRequest, slug: str, consultation: str, group_id: int | None = None
) -> HttpResponse:
    found = _consultation(request, slug, consultation)
    group = access.get_group(found, group_id) if group_id is not None else None
    initial = GroupForm.initial_for(group) if group else {}
    context: dict[str, Any] = {"program": found.program, "consultation": found, "group": group}
    if request.method == "GET":
        context["form"] = GroupForm(initial=initial, languages=found.languages)
        return render(request, "consultations/manage/group_form.html", context)
    form = GroupForm(request.POST, initial=initial, languages=found.languages)
    if form.is_valid():
        try:
            services.save_group(
                consultation=found,
                code=form.cleaned_data["code"],
                texts=form.texts(),
                group=group,
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Saved the group."))
            return redirect(_url("manage-initiatives", found))
    context["form"] = form
    return render(request, "consultations/manage/group_form.html", context, status=INVALID)


@login_required
@require_http_methods(GET_POST)
def initiative_edit(
    request: HttpRequest, slug: str, consultation: str, initiative_id: int | None = None
) -> HttpResponse:
    found = _consultation(request, slug, consultation)
    initiative = access.get_initiative(found, initiative_id) if initiative_id is not None else None
    initial = InitiativeForm.initial_for(initiative) if initiative else {}
    context: dict[str, Any] = {
        "program": found.program,
        "consultation": found,
        "initiative": initiative,
    }
    if request.method == "GET":
        context["form"] = InitiativeForm(initial=initial, consultation=found)
        return render(request, "consultations/manage/initiative_form.html", context)
    form = InitiativeForm(request.POST, initial=initial, consultation=found)
    if form.is_valid():
        try:
            services.save_initiative(
                consultation=found,
                code=form.cleaned_data["code"],
                group=form.cleaned_data["group"],
                texts=form.texts(),
                initiative=initiative,
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Saved the initiative."))
            return redirect(_url("manage-initiatives", found))
    context["form"] = form
    return render(request, "consultations/manage/initiative_form.html", context, status=INVALID)


@login_required
@require_POST
def initiative_delete(
    request: HttpRequest, slug: str, consultation: str, initiative_id: int
) -> HttpResponse:
    found = _consultation(request, slug, consultation)
    initiative = access.get_initiative(found, initiative_id)
    try:
        services.delete_initiative(initiative=initiative)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Removed the initiative %(code)s.") % {"code": initiative.code})
    return redirect(_url("manage-initiatives", found))


# --- Communities and submissions ------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def communities(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    found = _consultation(request, slug, consultation)
    form = CommunitiesForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                count = services.add_communities(consultation=found, text=form.cleaned_data["text"])
            except ValidationError as error:
                attach_error(form, error)
            else:
                messages.success(
                    request,
                    _("Listed %(created)d communities and updated %(updated)d.")
                    % {"created": count.created, "updated": count.updated},
                )
                return redirect(_url("manage-communities", found))
        status = INVALID
    return render(
        request,
        "consultations/manage/communities.html",
        {
            "program": found.program,
            "consultation": found,
            "communities": list(found.communities.order_by("-is_listed", "name")),
            "form": form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def submissions(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    found = _consultation(request, slug, consultation)
    status = request.GET.get("status", Submission.Status.PENDING)
    if status not in Submission.Status.values and status != "all":
        status = Submission.Status.PENDING
    rows = queries.submissions_for_review(found, None if status == "all" else status)
    return render(
        request,
        "consultations/manage/submissions.html",
        {
            "program": found.program,
            "consultation": found,
            "rows": rows,
            "status": status,
            "statuses": [*Submission.Status.choices, ("all", _("all"))],
            "counts": queries.submission_counts(found),
            "form": ReviewForm(),
        },
    )


@login_required
@require_POST
def review(request: HttpRequest, slug: str, consultation: str, submission_id: int) -> HttpResponse:
    found = _consultation(request, slug, consultation)
    submission = access.get_submission(found, submission_id)
    form = ReviewForm(request.POST)
    accept = request.POST.get("decision") == "accept"
    note = form.cleaned_data["note"] if form.is_valid() else ""
    user = request.user if isinstance(request.user, AbstractBaseUser) else None
    services.review_submission(submission=submission, accept=accept, reviewer=user, note=note)
    messages.success(
        request,
        (
            _("Accepted the submission of %(community)s: it is published.")
            if accept
            else _("Declined the submission of %(community)s.")
        )
        % {"community": submission.community.name},
    )
    return redirect(_url("manage-submissions", found) + f"?status={request.POST.get('back', '')}")


# --- Results and publishing -----------------------------------------------------------------------


def _publishing_status(consultation: Consultation) -> dict[str, Any]:
    """Where the results stand on the program's wikis and lists (four queries)."""
    from clinicdesk.consultations import results_source
    from clinicdesk.publishing import queries as publishing_queries

    program = consultation.program
    return {
        "published_at": consultation.results_published_at,
        "pages": publishing_queries.source_pages(
            program, results_source.KIND, results_source.page_keys(consultation)
        ),
        "emails": publishing_queries.source_messages(
            program, results_source.KIND, [str(consultation.pk)]
        ),
        "wikis": publishing_queries.active_targets(program).count(),
        "lists": publishing_queries.active_lists(program).count(),
    }


def _results_page(
    request: HttpRequest, found: Consultation, *, error: str = "", status: int = 200
) -> HttpResponse:
    method = _method(request, found)
    document = results_document(found, language=get_language() or "en", method=method)
    now = timezone.now()
    phases = queries.phases_of(found, now)
    refusal = "" if phases.results_visible else services.results_refusal(found, now)
    return render(
        request,
        "consultations/manage/results.html",
        {
            "program": found.program,
            "consultation": found,
            "phases": phases,
            **results_context(found, method),
            "wikitext": render_wikitext(document),
            "email_text": render_text(document),
            "count_note": ngettext(
                "%(count)d ballot so far.", "%(count)d ballots so far.", document.results.ballots
            )
            % {"count": document.results.ballots},
            "publishing": _publishing_status(found),
            "publish_refusal": refusal,
            "publish_error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def results_preview(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    """The results as they stand, for organizers at any time, with the wikitext and the
    e-mail text, where they stand on the program's wikis and lists, and the button that
    publishes them there."""
    return _results_page(request, _consultation(request, slug, consultation))


@login_required
@require_POST
def results_publish(request: HttpRequest, slug: str, consultation: str) -> HttpResponse:
    """Publishes the results to the program's wikis, and (when asked) e-mails them to its
    mailing lists."""
    found = _consultation(request, slug, consultation)
    user = request.user if isinstance(request.user, User) else None
    try:
        done = services.publish_results(
            consultation=found, send_email=request.POST.get("send_email") == "1", user=user
        )
    except ValidationError as error:
        return _results_page(request, found, error=" ".join(error.messages), status=400)
    messages.success(
        request,
        " ".join(
            [
                ngettext(
                    "%(count)d results page will be published in a moment.",
                    "%(count)d results pages will be published in a moment.",
                    done.pages,
                )
                % {"count": done.pages},
                ngettext(
                    "%(count)d e-mail to a mailing list is on its way.",
                    "%(count)d e-mails to mailing lists are on their way.",
                    done.emails,
                )
                % {"count": done.emails},
            ]
        ),
    )
    return redirect(_url("manage-results", found) + "#publish")
