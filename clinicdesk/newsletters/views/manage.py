"""Organizer pages: a program's newsletter (issues and opportunities), and the issue editor
(compile, reorder, hide, annotate, written texts, stories, translations, publish).

Every view reaches its objects through ``access``, binds a form, calls one service and
redirects, or shows the form again with what was typed (status 400). Everything works
without JavaScript: reordering and hiding are small forms with one button each.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from clinicdesk.core.forms import attach_error
from clinicdesk.newsletters import access, queries, services
from clinicdesk.newsletters.forms import (
    IssueForm,
    IssueTextsForm,
    NoteForm,
    OpportunityForm,
    StoryForm,
    TranslateForm,
)
from clinicdesk.newsletters.models import Issue, IssueItem, Opportunity
from clinicdesk.newsletters.renderers import render_html

GET_POST = ["GET", "POST"]
INVALID = 400


def editor_url(issue: Issue, anchor: str = "") -> str:
    url = reverse(
        "newsletters:editor",
        kwargs={"slug": issue.program.slug, "number": issue.number, "language": issue.language},
    )
    return f"{url}#{anchor}" if anchor else url


def _manage_url(slug: str) -> str:
    return reverse("newsletters:manage", kwargs={"slug": slug})


def _issue(request: HttpRequest, slug: str, number: int, language: str) -> Issue:
    return access.get_issue_for_organizer(request.user, slug, number, language)


# --- The program's newsletter -------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def program_newsletter(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    now = timezone.now()
    issues = list(program.newsletter_issues.order_by("-number", "language"))
    opportunities = list(program.opportunities.order_by("-deadline_at"))
    subscribers = program.newsletter_subscriptions.filter(status="active").count()
    return render(
        request,
        "newsletters/manage/program.html",
        {
            "program": program,
            "issues": issues,
            "open_opportunities": [o for o in opportunities if o.deadline_at > now],
            "closed_opportunities": [o for o in opportunities if o.deadline_at <= now],
            "subscribers": subscribers,
        },
    )


@login_required
@require_http_methods(GET_POST)
def issue_create(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    latest = program.newsletter_issues.order_by("-number").first()
    initial = {"number": (latest.number + 1) if latest else 1, "language": "en"}
    form = IssueForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.create_issue(program=program, **form.cleaned_data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(
                request,
                _("Issue %(number)d created: compile it to fill it.") % {"number": issue.number},
            )
            return redirect(editor_url(issue))
    status = INVALID if request.method == "POST" else 200
    return render(
        request,
        "newsletters/manage/issue_create.html",
        {"program": program, "form": form},
        status=status,
    )


@login_required
@require_http_methods(GET_POST)
def opportunity_create(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    form = OpportunityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_opportunity(program=program, **form.cleaned_data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Opportunity added."))
            return redirect(_manage_url(slug))
    status = INVALID if request.method == "POST" else 200
    return render(
        request,
        "newsletters/manage/opportunity_form.html",
        {"program": program, "form": form},
        status=status,
    )


def _opportunity_initial(opportunity: Opportunity) -> dict[str, Any]:
    return {name: getattr(opportunity, name) for name in OpportunityForm.base_fields}


@login_required
@require_http_methods(GET_POST)
def opportunity_edit(request: HttpRequest, slug: str, opportunity_id: int) -> HttpResponse:
    opportunity = access.get_opportunity_for_organizer(request.user, slug, opportunity_id)
    initial = _opportunity_initial(opportunity)
    form = OpportunityForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_opportunity(opportunity=opportunity, **form.cleaned_data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Opportunity saved."))
            return redirect(_manage_url(slug))
    status = INVALID if request.method == "POST" else 200
    return render(
        request,
        "newsletters/manage/opportunity_form.html",
        {"program": opportunity.program, "form": form, "opportunity": opportunity},
        status=status,
    )


@login_required
@require_POST
def opportunity_delete(request: HttpRequest, slug: str, opportunity_id: int) -> HttpResponse:
    opportunity = access.get_opportunity_for_organizer(request.user, slug, opportunity_id)
    services.delete_opportunity(opportunity=opportunity)
    messages.success(request, _("Opportunity removed."))
    return redirect(_manage_url(slug))


# --- The issue editor ---------------------------------------------------------------------------


def _editor_context(issue: Issue, **extra: Any) -> dict[str, Any]:
    items = queries.issue_items(issue)
    source_notes = queries._source_notes(issue)
    translated = issue.source_id is not None
    rows = {section: [] for section in IssueItem.Section.values}  # type: dict[str, list[Any]]
    for item in items:
        rows[item.section].append(
            {
                "item": item,
                "state": queries.item_note_state(item, source_notes, translated)
                if item.note
                else "original",
                "form": NoteForm(initial={"note": item.note}, prefix=f"item{item.pk}"),
            }
        )
    with translation.override(issue.language):
        preview = render_html(queries.issue_document(issue, public=True))
    stories = [
        {"story": story, "state": queries.story_state(story)}
        for story in issue.stories.select_related("source").order_by("position", "pk")
    ]
    return {
        "program": issue.program,
        "issue": issue,
        "rows": rows,
        "stories": stories,
        "text_state": queries.text_state(issue),
        "texts_form": extra.pop("texts_form", None)
        or IssueTextsForm(initial=IssueTextsForm.initial_for(issue)),
        "story_form": extra.pop("story_form", None) or StoryForm(),
        "translate_form": TranslateForm(),
        "versions": list(
            Issue.objects.filter(program=issue.program, number=issue.number).order_by("language")
        ),
        # Built from escaped text and cleaned by nh3 (renderers.render_html).
        "preview": mark_safe(preview),  # noqa: S308
        **extra,
    }


@login_required
@require_http_methods(["GET"])
def editor(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    issue = _issue(request, slug, number, language)
    return render(request, "newsletters/manage/editor.html", _editor_context(issue))


@login_required
@require_POST
def compile_view(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    issue = _issue(request, slug, number, language)
    try:
        report = services.compile_issue(issue=issue)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "Compiled: %(added)d new item, %(kept)d kept as they were, %(removed)d removed.",
                "Compiled: %(added)d new items, %(kept)d kept as they were, %(removed)d removed.",
                len(report.added),
            )
            % {"added": len(report.added), "kept": report.kept, "removed": len(report.removed)},
        )
    return redirect(editor_url(issue))


@login_required
@require_POST
def texts(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    issue = _issue(request, slug, number, language)
    form = IssueTextsForm(request.POST)
    if form.is_valid():
        try:
            services.update_issue(issue=issue, **form.service_values(issue))
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Texts saved."))
            return redirect(editor_url(issue, "texts"))
    return render(
        request,
        "newsletters/manage/editor.html",
        _editor_context(issue, texts_form=form),
        status=INVALID,
    )


@login_required
@require_POST
def item_edit(
    request: HttpRequest, slug: str, number: int, language: str, item_id: int
) -> HttpResponse:
    """One small form per action: move up or down, hide or show, save the note."""
    issue = _issue(request, slug, number, language)
    item = access.get_item(issue, item_id)
    action = request.POST.get("action", "")
    anchor = f"item-{item.pk}"
    if action in {"up", "down"}:
        services.move_item(item=item, direction=action)
    elif action in {"hide", "show"}:
        services.set_item_hidden(item=item, hidden=action == "hide")
    elif action == "note":
        form = NoteForm(request.POST, prefix=f"item{item.pk}")
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for e in form.errors.get("note", [])))
            return redirect(editor_url(issue, anchor))
        try:
            services.annotate_item(item=item, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Note saved."))
    elif action == "current":
        services.mark_current(unit=item)
    else:
        messages.error(request, _("Choose what to do with this item."))
    return redirect(editor_url(issue, anchor))


@login_required
@require_POST
def story_create(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    issue = _issue(request, slug, number, language)
    form = StoryForm(request.POST)
    if form.is_valid():
        try:
            story = services.add_story(issue=issue, **form.cleaned_data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Story added."))
            return redirect(editor_url(issue, f"story-{story.pk}"))
    return render(
        request,
        "newsletters/manage/editor.html",
        _editor_context(issue, story_form=form),
        status=INVALID,
    )


@login_required
@require_http_methods(GET_POST)
def story_edit(
    request: HttpRequest, slug: str, number: int, language: str, story_id: int
) -> HttpResponse:
    issue = _issue(request, slug, number, language)
    story = access.get_story(issue, story_id)
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    if action in {"up", "down"}:
        services.move_story(story=story, direction=action)
        return redirect(editor_url(issue, f"story-{story.pk}"))
    if action in {"hide", "show"}:
        services.update_story(story=story, hidden=action == "hide")
        return redirect(editor_url(issue, f"story-{story.pk}"))
    if action == "delete":
        services.delete_story(story=story)
        messages.success(request, _("Story removed."))
        return redirect(editor_url(issue, "stories"))
    if action == "current":
        services.mark_current(unit=story)
        return redirect(editor_url(issue, f"story-{story.pk}"))
    initial = {
        "title": story.title,
        "body": story.body,
        "images": StoryForm.images_text(story.images),
    }
    form = StoryForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_story(story=story, **form.cleaned_data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Story saved."))
            return redirect(editor_url(issue, f"story-{story.pk}"))
    status = INVALID if request.method == "POST" else 200
    return render(
        request,
        "newsletters/manage/story.html",
        {
            "program": issue.program,
            "issue": issue,
            "story": story,
            "form": form,
            "state": queries.story_state(story),
        },
        status=status,
    )


@login_required
@require_POST
def publish(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    issue = _issue(request, slug, number, language)
    try:
        services.publish_issue(issue=issue)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Issue %(number)d published.") % {"number": issue.number})
    return redirect(editor_url(issue))


@login_required
@require_POST
def unpublish(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    issue = _issue(request, slug, number, language)
    services.unpublish_issue(issue=issue)
    messages.success(request, _("The issue is off the site."))
    return redirect(editor_url(issue))


@login_required
@require_POST
def translate(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    issue = _issue(request, slug, number, language)
    form = TranslateForm(request.POST)
    if form.is_valid():
        try:
            translation_issue = services.start_translation(
                source=issue, language=form.cleaned_data["language"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Translation started: translate each marked part."))
            return redirect(editor_url(translation_issue))
    else:
        messages.error(request, _("Choose a language."))
    return redirect(editor_url(issue))


@login_required
@require_POST
def mark_current_view(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    issue = _issue(request, slug, number, language)
    services.mark_current(unit=issue)
    return redirect(editor_url(issue, "texts"))
