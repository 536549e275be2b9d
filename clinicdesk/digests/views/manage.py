"""Organizer pages: the digest editor (versions, topics, items, translations, publishing),
follow-ups, session resources and imports.

Every view reaches its objects through ``access``, binds a form, calls one service and
redirects, or shows the form again with what was typed (status 400). Everything works
without JavaScript: reordering is a pair of buttons, each a small form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clinicdesk.core.forms import attach_error
from clinicdesk.digests import access, queries, reminders, services
from clinicdesk.digests.forms import (
    DigestCreateForm,
    FollowUpForm,
    HeaderForm,
    ImportForm,
    ItemForm,
    LinkForm,
    ReminderAddressForm,
    ResourceForm,
    TopicForm,
    TranslateForm,
)
from clinicdesk.digests.importers.apply import import_digest
from clinicdesk.digests.models import Digest, FollowUp, FollowUpReminder, Item, Topic
from clinicdesk.digests.renderers import render_html
from clinicdesk.scheduling import access as scheduling_access
from clinicdesk.scheduling.models import ClinicSession, Person, Program

GET_POST = ["GET", "POST"]
INVALID = 400


def _digest(request: HttpRequest, slug: str, number: int, language: str) -> Digest:
    return access.get_digest_for_organizer(request.user, slug, number, language)


def editor_url(digest: Digest, anchor: str = "") -> str:
    session = digest.session
    url = reverse(
        "digests:editor",
        kwargs={
            "slug": session.program.slug,
            "number": session.number,
            "language": digest.language,
        },
    )
    return f"{url}#{anchor}" if anchor else url


def _session_digests_url(session: ClinicSession) -> str:
    return reverse(
        "digests:session-digests",
        kwargs={"slug": session.program.slug, "number": session.number},
    )


def _refuse(request: HttpRequest, error: ValidationError, to: str) -> HttpResponseRedirect:
    for message in error.messages:
        messages.error(request, message)
    return redirect(to)


# --- A session's versions -----------------------------------------------------------------------


def _render_session_digests(
    request: HttpRequest,
    session: ClinicSession,
    create_form: DigestCreateForm,
    resource_form: ResourceForm,
    *,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "digests/manage/session.html",
        {
            "program": session.program,
            "session": session,
            "versions": queries.versions_of(session),
            "resources": queries.session_resources(session),
            "create_form": create_form,
            "resource_form": resource_form,
        },
        status=status,
    )


@login_required
@require_http_methods(GET_POST)
def session_digests(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = scheduling_access.get_session_for_organizer(request.user, slug, number)
    resource_form = ResourceForm(session=session, prefix="resource")
    if request.method == "GET":
        initial = {"language": (session.program.default_languages or ["en"])[0]}
        return _render_session_digests(
            request, session, DigestCreateForm(initial=initial), resource_form
        )
    form = DigestCreateForm(request.POST)
    if form.is_valid():
        try:
            digest = services.create_digest(session=session, language=form.cleaned_data["language"])
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Started the digest. Add its topics below."))
            return redirect(editor_url(digest))
    return _render_session_digests(request, session, form, resource_form, status=INVALID)


@login_required
@require_POST
def resource_create(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    session = scheduling_access.get_session_for_organizer(request.user, slug, number)
    form = ResourceForm(request.POST, session=session, prefix="resource")
    if form.is_valid():
        try:
            services.add_resource(session=session, **form.service_values())
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Added the resource."))
            return redirect(_session_digests_url(session) + "#resources")
    return _render_session_digests(request, session, DigestCreateForm(), form, status=INVALID)


@login_required
@require_http_methods(GET_POST)
def resource_delete(request: HttpRequest, slug: str, number: int, resource_id: int) -> HttpResponse:
    resource = access.get_resource_for_organizer(request.user, slug, number, resource_id)
    session = scheduling_access.get_session_for_organizer(request.user, slug, number)
    if request.method == "POST":
        services.delete_resource(resource=resource)
        messages.success(request, _("Removed “%(title)s”.") % {"title": resource.title})
        return redirect(_session_digests_url(session) + "#resources")
    return render(
        request,
        "digests/manage/confirm_delete.html",
        {
            "program": session.program,
            "session": session,
            "what": resource.title,
            "back": _session_digests_url(session),
        },
    )


# --- The editor ---------------------------------------------------------------------------------


def _render_editor(
    request: HttpRequest,
    digest: Digest,
    *,
    header_form: HeaderForm | None = None,
    topic_form: TopicForm | None = None,
    translate_form: TranslateForm | None = None,
    link_form: LinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    session = digest.session
    versions = queries.versions_of(session)
    others = [version for version in versions if version.pk != digest.pk]
    translating = digest.source_id is not None
    topics = queries.editor_topics(digest)
    return render(
        request,
        "digests/manage/editor.html",
        {
            "program": session.program,
            "session": session,
            "digest": digest,
            "versions": versions,
            "translating": translating,
            "lead_state": queries.lead_state(digest),
            "summary": queries.translation_summary(digest),
            "topics": [
                {
                    "topic": topic,
                    "state": queries.unit_state(topic),
                    "rows": queries.editor_rows(topic),
                    "is_first": index == 0,
                    "is_last": index == len(topics) - 1,
                }
                for index, topic in enumerate(topics)
            ],
            "header_form": header_form or HeaderForm(initial=HeaderForm.initial_for(digest)),
            "topic_form": topic_form or TopicForm(session=session, prefix="topic"),
            "translate_form": translate_form or TranslateForm(prefix="translate"),
            "link_form": link_form or LinkForm(versions=others, prefix="link"),
            "can_link": bool(others),
        },
        status=status,
    )


@login_required
@require_http_methods(GET_POST)
def editor(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    """The editor; a POST saves the header (lead and headcount)."""
    digest = _digest(request, slug, number, language)
    if request.method == "GET":
        return _render_editor(request, digest)
    form = HeaderForm(request.POST, initial=HeaderForm.initial_for(digest))
    if form.is_valid():
        try:
            services.update_digest(digest=digest, **form.cleaned_data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Saved the header."))
            return redirect(editor_url(digest))
    return _render_editor(request, digest, header_form=form, status=INVALID)


@login_required
@require_http_methods(["GET"])
def preview(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    document = queries.digest_document(digest, public=False)
    return render(
        request,
        "digests/manage/preview.html",
        {
            "program": digest.session.program,
            "session": digest.session,
            "digest": digest,
            # Built from escaped text and cleaned by nh3 (renderers.html).
            "digest_html": mark_safe(render_html(document)),  # noqa: S308
        },
    )


@login_required
@require_POST
def publish(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    try:
        services.publish_digest(digest=digest)
    except ValidationError as error:
        return _refuse(request, error, editor_url(digest))
    messages.success(request, _("Published. Readers see this version now."))
    return redirect(editor_url(digest))


@login_required
@require_POST
def unpublish(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    services.unpublish_digest(digest=digest)
    messages.success(request, _("Unpublished: this version is a draft again."))
    return redirect(editor_url(digest))


@login_required
@require_http_methods(GET_POST)
def digest_delete(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    session = digest.session
    if request.method == "POST":
        try:
            services.delete_digest(digest=digest)
        except ValidationError as error:
            return _refuse(request, error, editor_url(digest))
        messages.success(request, _("Deleted the version."))
        return redirect(_session_digests_url(session))
    return render(
        request,
        "digests/manage/confirm_delete.html",
        {
            "program": session.program,
            "session": session,
            "digest": digest,
            "what": _("this version of the digest, with its topics and items"),
            "back": editor_url(digest),
        },
    )


@login_required
@require_POST
def translate(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    form = TranslateForm(request.POST, prefix="translate")
    if form.is_valid():
        try:
            translation = services.start_translation(
                source=digest, language=form.cleaned_data["language"]
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(
                request,
                _("Started the translation: each text is marked untranslated until you save it."),
            )
            return redirect(editor_url(translation))
    return _render_editor(request, digest, translate_form=form, status=INVALID)


@login_required
@require_POST
def link(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    others = [v for v in queries.versions_of(digest.session) if v.pk != digest.pk]
    form = LinkForm(request.POST, versions=others, prefix="link")
    if form.is_valid():
        source = next(v for v in others if str(v.pk) == form.cleaned_data["source"])
        try:
            services.link_translation(digest=digest, source=source)
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Linked as a translation."))
            return redirect(editor_url(digest))
    return _render_editor(request, digest, link_form=form, status=INVALID)


@login_required
@require_POST
def lead_current(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    services.mark_current(unit=digest)
    messages.success(request, _("Marked as up to date."))
    return redirect(editor_url(digest))


# --- Topics -------------------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def topic_create(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    if request.method == "GET":
        return redirect(editor_url(digest, "new-topic"))
    form = TopicForm(request.POST, session=digest.session, prefix="topic")
    if form.is_valid():
        try:
            topic = services.add_topic(digest=digest, **form.cleaned_data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Added the topic “%(title)s”.") % {"title": topic.title})
            return redirect(editor_url(digest, f"topic-{topic.pk}"))
    return _render_editor(request, digest, topic_form=form, status=INVALID)


def _render_topic_form(
    request: HttpRequest, digest: Digest, topic: Topic, form: TopicForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "digests/manage/topic_form.html",
        {
            "program": digest.session.program,
            "session": digest.session,
            "digest": digest,
            "topic": topic,
            "state": queries.unit_state(topic),
            "form": form,
        },
        status=status,
    )


@login_required
@require_http_methods(GET_POST)
def topic_edit(
    request: HttpRequest, slug: str, number: int, language: str, topic_id: int
) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    topic = access.get_topic(digest, topic_id)
    translating = topic.source_id is not None
    initial = TopicForm.initial_for(topic)
    if request.method == "GET":
        form = TopicForm(initial=initial, session=digest.session, translating=translating)
        return _render_topic_form(request, digest, topic, form)
    form = TopicForm(request.POST, initial=initial, session=digest.session, translating=translating)
    if form.is_valid():
        try:
            services.update_topic(topic=topic, **form.cleaned_data)
        except ValidationError as error:
            attach_error(form, error)
            topic = access.get_topic(digest, topic_id)
        else:
            messages.success(request, _("Saved the topic “%(title)s”.") % {"title": topic.title})
            return redirect(editor_url(digest, f"topic-{topic.pk}"))
    return _render_topic_form(request, digest, topic, form, status=INVALID)


@login_required
@require_http_methods(GET_POST)
def topic_delete(
    request: HttpRequest, slug: str, number: int, language: str, topic_id: int
) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    topic = access.get_topic(digest, topic_id)
    if request.method == "POST":
        services.delete_topic(topic=topic)
        messages.success(request, _("Removed the topic “%(title)s”.") % {"title": topic.title})
        return redirect(editor_url(digest))
    return render(
        request,
        "digests/manage/confirm_delete.html",
        {
            "program": digest.session.program,
            "session": digest.session,
            "digest": digest,
            "what": topic.title,
            "back": editor_url(digest, f"topic-{topic.pk}"),
            "note": _("Its items go with it, in this version and in every translation of it."),
        },
    )


def _direction(request: HttpRequest) -> str:
    direction = request.POST.get("direction", "")
    if direction not in {"up", "down"}:
        raise Http404
    return direction


@login_required
@require_POST
def topic_move(
    request: HttpRequest, slug: str, number: int, language: str, topic_id: int
) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    topic = access.get_topic(digest, topic_id)
    services.move_topic(topic=topic, direction=_direction(request))
    return redirect(editor_url(digest, f"topic-{topic.pk}"))


@login_required
@require_POST
def topic_current(
    request: HttpRequest, slug: str, number: int, language: str, topic_id: int
) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    topic = access.get_topic(digest, topic_id)
    services.mark_current(unit=topic)
    messages.success(request, _("Marked as up to date."))
    return redirect(editor_url(digest, f"topic-{topic.pk}"))


# --- Items --------------------------------------------------------------------------------------


def _render_item_form(
    request: HttpRequest,
    digest: Digest,
    topic: Topic,
    form: ItemForm,
    *,
    item: Item | None = None,
    parent: Item | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "digests/manage/item_form.html",
        {
            "program": digest.session.program,
            "session": digest.session,
            "digest": digest,
            "topic": topic,
            "item": item,
            "parent": parent,
            "state": queries.unit_state(item) if item else "",
            "source_item": item.source if item else None,
            "form": form,
        },
        status=status,
    )


def _parent(request: HttpRequest, digest: Digest, topic: Topic) -> Item | None:
    raw = request.POST.get("parent") or request.GET.get("parent")
    if not raw:
        return None
    try:
        parent_id = int(raw)
    except ValueError:
        raise Http404 from None
    return get_object_or_404(Item, topic=topic, pk=parent_id)


@login_required
@require_http_methods(GET_POST)
def item_create(
    request: HttpRequest, slug: str, number: int, language: str, topic_id: int
) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    topic = access.get_topic(digest, topic_id)
    parent = _parent(request, digest, topic)
    if request.method == "GET":
        kind = request.GET.get("kind", Item.Kind.STATEMENT)
        initial = {"kind": kind if kind in Item.Kind.values else Item.Kind.STATEMENT}
        return _render_item_form(request, digest, topic, ItemForm(initial=initial), parent=parent)
    form = ItemForm(request.POST)
    if form.is_valid():
        try:
            services.add_item(
                topic=topic, kind=form.cleaned_data["kind"], parent=parent, **form.service_values()
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Added the item."))
            return redirect(editor_url(digest, f"topic-{topic.pk}"))
    return _render_item_form(request, digest, topic, form, parent=parent, status=INVALID)


@login_required
@require_http_methods(GET_POST)
def item_edit(
    request: HttpRequest, slug: str, number: int, language: str, item_id: int
) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    item = access.get_item(digest, item_id)
    translating = item.source_id is not None
    initial = ItemForm.initial_for(item)
    if request.method == "GET":
        form = ItemForm(initial=initial, translating=translating)
        return _render_item_form(request, digest, item.topic, form, item=item)
    form = ItemForm(request.POST, initial=initial, translating=translating)
    if form.is_valid():
        values = form.service_values()
        if not translating and form.cleaned_data["kind"] != item.kind:
            form.add_error("kind", _("An item keeps its kind: remove it and add a new one."))
        else:
            try:
                services.update_item(item=item, **values)
            except ValidationError as error:
                attach_error(form, error)
            else:
                messages.success(request, _("Saved the item."))
                return redirect(editor_url(digest, f"item-{item.pk}"))
    item = access.get_item(digest, item_id)
    return _render_item_form(request, digest, item.topic, form, item=item, status=INVALID)


@login_required
@require_http_methods(GET_POST)
def item_delete(
    request: HttpRequest, slug: str, number: int, language: str, item_id: int
) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    item = access.get_item(digest, item_id)
    if request.method == "POST":
        services.delete_item(item=item)
        messages.success(request, _("Removed the item."))
        return redirect(editor_url(digest, f"topic-{item.topic_id}"))
    return render(
        request,
        "digests/manage/confirm_delete.html",
        {
            "program": digest.session.program,
            "session": digest.session,
            "digest": digest,
            "what": item.text[:120] or item.get_kind_display(),
            "back": editor_url(digest, f"item-{item.pk}"),
            "note": _("Its replies go with it, in this version and in every translation of it."),
        },
    )


@login_required
@require_POST
def item_move(
    request: HttpRequest, slug: str, number: int, language: str, item_id: int
) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    item = access.get_item(digest, item_id)
    services.move_item(item=item, direction=_direction(request))
    return redirect(editor_url(digest, f"item-{item.pk}"))


@login_required
@require_POST
def item_current(
    request: HttpRequest, slug: str, number: int, language: str, item_id: int
) -> HttpResponse:
    digest = _digest(request, slug, number, language)
    item = access.get_item(digest, item_id)
    services.mark_current(unit=item)
    messages.success(request, _("Marked as up to date."))
    return redirect(editor_url(digest, f"item-{item.pk}"))


# --- A program's digests, follow-ups and imports ------------------------------------------------


@login_required
@require_http_methods(["GET"])
def program_digests(request: HttpRequest, slug: str) -> HttpResponse:
    program = scheduling_access.get_program_for_organizer(request.user, slug)
    return render(
        request,
        "digests/manage/program.html",
        {"program": program, "digests": queries.digests_of_program(program)},
    )


def _follow_up_context(programs: Any, status: str, program: Program | None) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "program": program,
        "groups": queries.follow_ups(programs, status=status or None, today=today),
        "status": status,
        "today": today,
        "statuses": FollowUp.Status.choices,
    }


@login_required
@require_http_methods(["GET"])
def follow_ups(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Open (or all) follow-ups per owner, for one program or every program the user
    organizes."""
    status = request.GET.get("status", FollowUp.Status.OPEN)
    if status not in {"", *FollowUp.Status.values}:
        status = FollowUp.Status.OPEN
    if slug is not None:
        program: Program | None = scheduling_access.get_program_for_organizer(request.user, slug)
        programs: Any = [program]
    else:
        program = None
        programs = scheduling_access.programs_for_organizer(request.user)
    return render(
        request, "digests/manage/follow_ups.html", _follow_up_context(programs, status, program)
    )


def _render_follow_up(
    request: HttpRequest,
    follow_up: FollowUp,
    form: FollowUpForm,
    contact_form: ReminderAddressForm,
    *,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "digests/manage/follow_up_form.html",
        {
            "program": follow_up.session.program,
            "session": follow_up.session,
            "follow_up": follow_up,
            "requester": queries.requester_of(follow_up),
            "form": form,
            "contact_form": contact_form,
            "reminders": list(follow_up.reminders.all()),
            "versions": queries.versions_of(follow_up.session),
        },
        status=status,
    )


def _contact_form(person: Person, data: Any = None) -> ReminderAddressForm:
    contact = getattr(person, "follow_up_contact", None)
    return ReminderAddressForm(
        data, initial={"email": contact.email if contact else ""}, prefix="contact"
    )


@login_required
@require_http_methods(GET_POST)
def follow_up_edit(request: HttpRequest, slug: str, follow_up_id: int) -> HttpResponse:
    follow_up = access.get_follow_up_for_organizer(request.user, slug, follow_up_id)
    initial = FollowUpForm.initial_for(follow_up)
    if request.method == "GET":
        return _render_follow_up(
            request, follow_up, FollowUpForm(initial=initial), _contact_form(follow_up.owner)
        )
    form = FollowUpForm(request.POST, initial=initial)
    if form.is_valid():
        try:
            services.update_follow_up(follow_up=follow_up, **form.cleaned_data)
        except ValidationError as error:
            attach_error(form, error)
            follow_up = access.get_follow_up_for_organizer(request.user, slug, follow_up_id)
        else:
            messages.success(request, _("Saved the follow-up."))
            return redirect("digests:follow-ups", slug=slug)
    return _render_follow_up(
        request, follow_up, form, _contact_form(follow_up.owner), status=INVALID
    )


@login_required
@require_POST
def reminder_address(request: HttpRequest, slug: str, follow_up_id: int) -> HttpResponse:
    follow_up = access.get_follow_up_for_organizer(request.user, slug, follow_up_id)
    form = _contact_form(follow_up.owner, request.POST)
    if form.is_valid():
        try:
            services.set_reminder_address(person=follow_up.owner, email=form.cleaned_data["email"])
        except ValidationError as error:
            attach_error(form, error)
        else:
            messages.success(
                request,
                _("Saved where %(person)s's reminders go.") % {"person": follow_up.owner},
            )
            return redirect("digests:follow-up-edit", slug=slug, follow_up_id=follow_up.pk)
    return _render_follow_up(
        request,
        follow_up,
        FollowUpForm(initial=FollowUpForm.initial_for(follow_up)),
        form,
        status=INVALID,
    )


@login_required
@require_POST
def reminder_retry(request: HttpRequest, slug: str, reminder_id: int) -> HttpResponse:
    """Sends a failed reminder e-mail again (after the address was fixed)."""
    reminder = access.get_reminder_for_organizer(request.user, slug, reminder_id)
    reminder = reminders.retry_reminder(reminder=reminder)
    if reminder.status == FollowUpReminder.Status.PENDING:
        messages.success(request, _("The reminder will be sent again."))
    else:
        messages.error(request, _("Only a reminder that failed can be sent again."))
    return redirect("digests:follow-ups", slug=slug)


@login_required
@require_http_methods(GET_POST)
def import_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 1 checks the text and shows what would be imported (nothing is saved); step 2,
    "Import", saves it with the follow-ups the editor ticked."""
    program = scheduling_access.get_program_for_organizer(request.user, slug)
    context: dict[str, Any] = {"program": program}
    if request.method == "GET":
        context["form"] = ImportForm(program=program)
        return render(request, "digests/manage/import.html", context)
    form = ImportForm(request.POST, request.FILES, program=program, proposals=100)
    context["form"] = form
    if not form.is_valid():
        return render(request, "digests/manage/import.html", context, status=INVALID)
    data = form.cleaned_data
    confirmed = "import" in request.POST
    report = import_digest(
        data["text"],
        program=program,
        session_number=data["session"],
        language=data["language"],
        source_format=data["source_format"],
        confirm=data["confirm"] if confirmed else (),
        replace=data["replace"],
        dry_run=not confirmed,
    )
    if confirmed and report.ok and report.digest_id is not None:
        digest = Digest.objects.select_related("session__program").get(pk=report.digest_id)
        messages.success(
            request,
            _("Imported: %(topics)d topic(s), %(items)d item(s). Check it, then publish it.")
            % {"topics": report.topics, "items": report.items},
        )
        return redirect(editor_url(digest))
    # The check: the same form again, carrying the text, with the report and the proposals.
    context.update(
        report=report,
        checked_form=ImportForm(
            initial={**data, "confirm": list(range(1, len(report.proposals) + 1))},
            program=program,
            proposals=len(report.proposals),
        ),
        proposals=list(enumerate(report.proposals, start=1)),
    )
    return render(
        request, "digests/manage/import.html", context, status=200 if report.ok else INVALID
    )
