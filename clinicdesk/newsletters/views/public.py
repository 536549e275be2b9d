"""Public newsletter pages: a program's issues, one issue (and its text and wikitext), the
Atom feed, and subscribing: the form, the confirmation link, and the unsubscribe link (a
page with a button, and the one-click POST of RFC 8058 that mail programs send without a
CSRF token)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from clinicdesk.core.pagecache import cached_public_page
from clinicdesk.lib.languages import is_language
from clinicdesk.newsletters import queries, services
from clinicdesk.newsletters.forms import SubscribeForm
from clinicdesk.newsletters.models import Issue
from clinicdesk.newsletters.renderers import render_html, render_text
from clinicdesk.registration import ratelimit

INVALID = 400
SUBSCRIBE_LIMIT = ratelimit.Limit(10, 600)
WRONG_LINKS = ratelimit.Limit(30, 600)


def program_version(request: HttpRequest, slug: str, **_: Any) -> int | None:
    return queries.content_version(slug)


def _published(slug: str, number: int, language: str) -> Issue:
    if not is_language(language):
        raise Http404
    return queries.get_published_issue(slug, number, language)


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")[:-1]


@require_GET
@cached_public_page(program_version)
def issue_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = queries.get_public_program(slug)
    issues = list(queries.published_issues(program))
    return render(
        request,
        "newsletters/issues.html",
        {"program": program, "issues": issues, "form": SubscribeForm(initial=_form_initial())},
    )


def _form_initial() -> dict[str, str]:
    return {"language": get_language() or "en"}


@require_GET
@cached_public_page(program_version)
def issue_page(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    issue = _published(slug, number, language)
    # The issue's own words in its language, whatever the language of the site around it.
    with translation.override(issue.language):
        document = queries.issue_document(issue)
        issue_html = render_html(document)
    return render(
        request,
        "newsletters/issue.html",
        {
            "program": issue.program,
            "issue": issue,
            "document": document,
            # Built from escaped text and cleaned by nh3 (renderers.render_html).
            "issue_html": mark_safe(issue_html),  # noqa: S308
        },
    )


@require_GET
@cached_public_page(program_version)
def issue_text(request: HttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    issue = _published(slug, number, language)
    with translation.override(issue.language):
        text = render_text(queries.issue_document(issue, base=_base(request)))
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{slug}-issue-{number}-{language}.txt"'
    return response


# --- Subscriptions ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    """The form, and its answer: the same "check your inbox" whatever the address's state,
    so the page says nothing about who is subscribed."""
    program = queries.get_public_program(slug)
    if request.method == "GET":
        form = SubscribeForm(initial=_form_initial())
        return render(request, "newsletters/subscribe.html", {"program": program, "form": form})
    form = SubscribeForm(request.POST)
    with transaction.atomic():
        retry_after = ratelimit.hit(request, "newsletter-subscribe", SUBSCRIBE_LIMIT)
        if retry_after is None and form.is_valid():
            try:
                services.subscribe(
                    program=program,
                    email=form.cleaned_data["email"],
                    language=form.cleaned_data["language"],
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                return redirect("newsletters:subscribe-sent", slug=program.slug)
    if retry_after is not None:
        response = render(
            request,
            "newsletters/subscribe.html",
            {"program": program, "form": form, "too_many": True},
            status=429,
        )
        response["Retry-After"] = str(retry_after)
        return response
    return render(
        request, "newsletters/subscribe.html", {"program": program, "form": form}, status=INVALID
    )


@require_GET
def subscribe_sent(request: HttpRequest, slug: str) -> HttpResponse:
    program = queries.get_public_program(slug)
    return render(request, "newsletters/subscribe_sent.html", {"program": program})


def _bad_link(request: HttpRequest) -> HttpResponse:
    retry_after = ratelimit.hit(request, "newsletter-link", WRONG_LINKS)
    response = render(request, "newsletters/bad_link.html", status=404)
    response["Cache-Control"] = "no-store"
    if retry_after is not None:
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
    return response


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links; they do not press buttons); POST
    confirms."""
    if request.method == "GET":
        if not services.confirmation_exists(token):
            return _bad_link(request)
        response = render(request, "newsletters/confirm.html", {"token": token})
        response["Cache-Control"] = "no-store"
        return response
    try:
        subscription = services.confirm_subscription(token=token)
    except services.BadLink:
        return _bad_link(request)
    response = render(request, "newsletters/confirmed.html", {"subscription": subscription})
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # RFC 8058: the mail program's one-click POST carries no CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; POST (the button, or the mail program's one-click
    ``List-Unsubscribe=One-Click``) ends the subscription. The token is the only key, so a
    forged request can do nothing but fail."""
    try:
        subscription = services.find_by_unsubscribe_token(token)
    except services.BadLink:
        return _bad_link(request)
    if request.method == "GET":
        response = render(
            request, "newsletters/unsubscribe.html", {"subscription": subscription, "token": token}
        )
    else:
        services.unsubscribe(token=token)
        response = render(request, "newsletters/unsubscribed.html", {"subscription": subscription})
    response["Cache-Control"] = "no-store"
    return response
