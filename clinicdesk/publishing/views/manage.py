"""Organizer pages of publishing: the wikis a program publishes to and the state of each page,
previews, the publish log, mailing lists, announcements and the e-mails sent to lists. Every
view reaches its objects through ``access``, binds a form, calls one service and redirects,
or shows the form again with what was typed (status 400)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from clinicdesk.core.forms import attach_error
from clinicdesk.publishing import access, emails, queries, services
from clinicdesk.publishing.forms import (
    AnnouncementForm,
    ListSenderForm,
    MailingListForm,
    WikiTargetForm,
)
from clinicdesk.publishing.models import ListSender
from clinicdesk.scheduling.models import Program

GET_POST = ["GET", "POST"]
INVALID = 400
LOG_PAGE_SIZE = 50


def _dashboard_url(program: Program, anchor: str = "") -> str:
    url = reverse("publishing:dashboard", kwargs={"slug": program.slug})
    return f"{url}#{anchor}" if anchor else url


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


# --- The publishing page ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    board = queries.dashboard(program)
    credentials = {
        target.pk: {
            "set": services.credentials_of(target) is not None,
            "variables": services.credentials_variables(target.credentials_name),
        }
        for target in board.targets
    }
    return render(
        request,
        "publishing/manage/dashboard.html",
        {"program": program, "board": board, "credentials": credentials},
    )


# --- Wikis ------------------------------------------------------------------------------------


def _target_fields(form: WikiTargetForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.Meta.fields}


@login_required
@require_http_methods(GET_POST)
def target_create(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    initial = {
        "program_page_title": program.wiki_page_prefix or program.name,
        "language": (program.default_languages or ["en"])[0],
    }
    form = WikiTargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            target = services.create_wiki_target(program=program, **_target_fields(form))
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was added. Preview its pages, then publish them.")
                % {"name": target.name},
            )
            return redirect(_dashboard_url(program, f"wiki-{target.pk}"))
    return render(
        request,
        "publishing/manage/target_form.html",
        {"program": program, "form": form, "target": None},
        status=INVALID if form.errors else 200,
    )


@login_required
@require_http_methods(GET_POST)
def target_edit(request: HttpRequest, slug: str, target_id: int) -> HttpResponse:
    target = access.get_target_for_organizer(request.user, slug, target_id)
    program = target.program
    form = WikiTargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_wiki_target(target=target, **_target_fields(form))
        except ValidationError as error:
            target.refresh_from_db()
            attach_error(form, error)
        else:
            messages.success(request, _("The wiki's settings were saved."))
            return redirect(_dashboard_url(program, f"wiki-{target.pk}"))
    return render(
        request,
        "publishing/manage/target_form.html",
        {"program": program, "form": form, "target": target},
        status=INVALID if form.errors else 200,
    )


@login_required
@require_POST
def target_publish(request: HttpRequest, slug: str, target_id: int) -> HttpResponseRedirect:
    target = access.get_target_for_organizer(request.user, slug, target_id)
    try:
        count = services.request_publishing(target=target)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d page of %(wiki)s will be published in a moment.",
                "%(count)d pages of %(wiki)s will be published in a moment.",
                count,
            )
            % {"count": count, "wiki": target.name},
        )
    return redirect(_dashboard_url(target.program, f"wiki-{target.pk}"))


# --- Pages ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def page_detail(request: HttpRequest, slug: str, page_id: int) -> HttpResponse:
    page = access.get_page_for_organizer(request.user, slug, page_id)
    preview = services.preview_page(page=page)
    return render(
        request,
        "publishing/manage/page.html",
        {
            "program": page.target.program,
            "target": page.target,
            "page": page,
            "preview": preview,
            "attempts": list(page.attempts_log.all()[: queries.RECENT]),
        },
    )


@login_required
@require_POST
def page_publish(request: HttpRequest, slug: str, page_id: int) -> HttpResponseRedirect:
    page = access.get_page_for_organizer(request.user, slug, page_id)
    try:
        count = services.request_publishing(target=page.target, pages=[page])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if count:
            messages.success(
                request, _("“%(title)s” will be published in a moment.") % {"title": page.title}
            )
        else:
            messages.info(
                request, _("“%(title)s” is being published already.") % {"title": page.title}
            )
    return redirect("publishing:page", slug=slug, page_id=page.pk)


@login_required
@require_POST
def page_replace(request: HttpRequest, slug: str, page_id: int) -> HttpResponseRedirect:
    page = access.get_page_for_organizer(request.user, slug, page_id)
    try:
        services.replace_hand_edit(page=page)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "The hand edit inside the generated part of “%(title)s” will be replaced in a "
                "moment; it stays in the page's history on the wiki."
            )
            % {"title": page.title},
        )
    return redirect("publishing:page", slug=slug, page_id=page.pk)


@login_required
@require_http_methods(["GET"])
def publish_log(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    paginator = Paginator(queries.publish_log(program), LOG_PAGE_SIZE)
    attempts = paginator.get_page(request.GET.get("page"))
    return render(request, "publishing/manage/log.html", {"program": program, "attempts": attempts})


# --- Mailing lists ----------------------------------------------------------------------------


def _list_fields(form: MailingListForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.Meta.fields}


@login_required
@require_http_methods(GET_POST)
def list_create(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    initial = {"language": (program.default_languages or ["en"])[0]}
    form = MailingListForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mailing_list = services.create_mailing_list(program=program, **_list_fields(form))
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": mailing_list.name})
            return redirect(_dashboard_url(program, "lists"))
    return render(
        request,
        "publishing/manage/list_form.html",
        {"program": program, "form": form, "mailing_list": None},
        status=INVALID if form.errors else 200,
    )


@login_required
@require_http_methods(GET_POST)
def list_edit(request: HttpRequest, slug: str, list_id: int) -> HttpResponse:
    mailing_list = access.get_list_for_organizer(request.user, slug, list_id)
    program = mailing_list.program
    form = MailingListForm(request.POST or None, instance=mailing_list)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_mailing_list(mailing_list=mailing_list, **_list_fields(form))
        except ValidationError as error:
            mailing_list.refresh_from_db()
            attach_error(form, error)
        else:
            messages.success(request, _("The mailing list was saved."))
            return redirect(_dashboard_url(program, "lists"))
    return render(
        request,
        "publishing/manage/list_form.html",
        {"program": program, "form": form, "mailing_list": mailing_list},
        status=INVALID if form.errors else 200,
    )


@login_required
@require_http_methods(GET_POST)
def sender_edit(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    current = ListSender.objects.filter(program=program).first()
    form = ListSenderForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_list_sender(program=program, **form.cleaned_data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("The sender was saved."))
            return redirect(_dashboard_url(program, "lists"))
    return render(
        request,
        "publishing/manage/sender_form.html",
        {"program": program, "form": form},
        status=INVALID if form.errors else 200,
    )


@login_required
@require_http_methods(GET_POST)
def announce(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose calls and lists, preview the e-mail (plain text and HTML), then send it."""
    program = access.get_program_for_organizer(request.user, slug)
    form = AnnouncementForm(
        request.POST or None,
        sessions=queries.announceable_sessions(program),
        lists=queries.active_lists(program),
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        sessions = list(form.cleaned_data["sessions"])
        lists = list(form.cleaned_data["lists"])
        intro = form.cleaned_data["intro"]
        try:
            if "send" in request.POST:
                made = services.announce_sessions(
                    program=program,
                    sessions=sessions,
                    lists=lists,
                    intro=intro,
                    user=_user(request),
                )
                messages.success(
                    request,
                    ngettext(
                        "The announcement will be sent to %(count)d list in a moment.",
                        "The announcement will be sent to %(count)d lists in a moment.",
                        len(made),
                    )
                    % {"count": len(made)},
                )
                return redirect(_dashboard_url(program, "emails"))
            services.check_announcement(program=program, sessions=sessions, lists=lists)
        except ValidationError as error:
            attach_error(form, error)
        else:
            language = lists[0].language
            subject, text, html = emails.render_announcement(program, sessions, intro, language)
            preview = {"subject": subject, "text": text, "html": html, "language": language}
    return render(
        request,
        "publishing/manage/announce.html",
        {"program": program, "form": form, "preview": preview},
        status=INVALID if form.errors else 200,
    )


@login_required
@require_http_methods(["GET"])
def email_log(request: HttpRequest, slug: str) -> HttpResponse:
    program = access.get_program_for_organizer(request.user, slug)
    paginator = Paginator(queries.list_messages(program), LOG_PAGE_SIZE)
    emails_page = paginator.get_page(request.GET.get("page"))
    return render(
        request, "publishing/manage/emails.html", {"program": program, "emails": emails_page}
    )


@login_required
@require_POST
def email_retry(request: HttpRequest, slug: str, message_id: int) -> HttpResponseRedirect:
    message = access.get_message_for_organizer(request.user, slug, message_id)
    services.retry_list_message(message=message)
    messages.success(request, _("The e-mail will be sent again in a moment."))
    return redirect("publishing:emails", slug=slug)
