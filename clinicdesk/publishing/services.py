"""Every write of the publishing app: wiki targets, publishing pages, mailing lists and their
e-mails, and the periodic sweep that republishes what changed.

Each function is keyword-only, validates its input, owns its transaction and raises
:class:`django.core.exceptions.ValidationError` (keyed by field where one is at fault) with a
message fit for a person. Side effects are listed in each docstring. Network work (the wiki,
SMTP) happens in tasks, queued once the deciding transaction commits, and never inside a
transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clinicdesk.digests.models import Digest
from clinicdesk.lib.languages import is_language
from clinicdesk.outbox.delivery import Delivery, Outbox, retry_delay
from clinicdesk.outbox.emails import Email
from clinicdesk.publishing import content, markers, sources
from clinicdesk.publishing import tasks as publishing_tasks
from clinicdesk.publishing import wiki as w
from clinicdesk.publishing.models import (
    ListMessage,
    ListSender,
    MailingList,
    PublishAttempt,
    PublishingChore,
    WikiPage,
    WikiTarget,
)
from clinicdesk.scheduling.models import ClinicSession, Program

logger = logging.getLogger(__name__)

CREDENTIALS_PREFIX = "CLINICDESK_WIKI_"
_CREDENTIALS_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,39}$")
# A page claimed longer ago than this was dropped by a worker that stopped: it is queued again.
STALLED_AFTER = dt.timedelta(minutes=15)
SWEEP = "publishing-sweep"
PREVIEW_TIMEOUT = 10


# --- Credentials ----------------------------------------------------------------------------------


def credentials_variables(name: str) -> tuple[str, str]:
    """The environment variables holding a target's bot login."""
    return f"{CREDENTIALS_PREFIX}{name}_USERNAME", f"{CREDENTIALS_PREFIX}{name}_PASSWORD"


def credentials_of(target: WikiTarget) -> tuple[str, str] | None:
    """The bot username and password from the environment, or None when either is missing."""
    user_var, password_var = credentials_variables(target.credentials_name)
    username, password = os.environ.get(user_var, ""), os.environ.get(password_var, "")
    if not username or not password:
        return None
    return username, password


# --- Wiki targets ---------------------------------------------------------------------------------

_TARGET_FIELDS = frozenset(
    {
        "name",
        "api_url",
        "credentials_name",
        "language",
        "program_page_title",
        "digest_title_pattern",
        "edit_summary",
        "mark_bot",
        "mark_minor",
        "max_lag_seconds",
        "republish_on_change",
        "is_active",
    }
)


def _clean_target_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - _TARGET_FIELDS
    if unknown:
        raise TypeError(f"unknown wiki target fields: {sorted(unknown)}")
    if "api_url" in fields:
        fields["api_url"] = fields["api_url"].strip()
        try:
            w.split_api_url(fields["api_url"])
        except ValueError:
            raise ValidationError(
                {
                    "api_url": _(
                        "Give the address of the wiki's api.php, e.g. "
                        "https://meta.wikimedia.org/w/api.php."
                    )
                }
            ) from None
    if "credentials_name" in fields:
        name = fields["credentials_name"].strip().upper().replace("-", "_")
        if not _CREDENTIALS_NAME.match(name):
            raise ValidationError(
                {
                    "credentials_name": _(
                        "Use capital letters, digits and underscores, starting with a letter "
                        "(e.g. META)."
                    )
                }
            )
        fields["credentials_name"] = name
    if "language" in fields and not is_language(fields["language"]):
        raise ValidationError({"language": _("Give a language code, e.g. en or es.")})
    for key in ("program_page_title", "digest_title_pattern", "edit_summary", "name"):
        if key in fields:
            fields[key] = " ".join(str(fields[key]).split())
    if "digest_title_pattern" in fields:
        try:
            content.check_title_pattern(fields["digest_title_pattern"])
        except (KeyError, IndexError, ValueError):
            raise ValidationError(
                {
                    "digest_title_pattern": _(
                        "The pattern may use only {prefix}, {program}, {number} and {language}."
                    )
                }
            ) from None
    if "max_lag_seconds" in fields and not -5 <= int(fields["max_lag_seconds"]) <= 120:
        raise ValidationError({"max_lag_seconds": _("Give 0 to 120 seconds.")})
    return fields


def _check_target_name(program: Program, name: str, exclude: int | None = None) -> None:
    if not name:
        raise ValidationError({"name": _("Give the wiki a name.")})
    others = WikiTarget.objects.filter(program=program, name=name)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationError({"name": _("This program already has a wiki of that name.")})


def create_wiki_target(
    *, program: Program, name: str, api_url: str, credentials_name: str, **fields: Any
) -> WikiTarget:
    """Adds a wiki the program publishes to. Nothing is published until an organizer asks
    for it (see :func:`request_publishing`).

    Side effects: the rows of the pages it will hold; the periodic sweep is scheduled.
    """
    fields = _clean_target_fields(
        {"name": name, "api_url": api_url, "credentials_name": credentials_name, **fields}
    )
    fields.setdefault("language", (program.default_languages or ["en"])[0])
    _check_target_name(program, fields["name"])
    target = WikiTarget(program=program, **fields)
    target.full_clean(exclude=["program"])
    with transaction.atomic():
        target.save()
        sync_pages(target=target)
        transaction.on_commit(schedule_sweep)
    return target


def update_wiki_target(*, target: WikiTarget, **changes: Any) -> WikiTarget:
    """Changes a wiki target. A changed title or setting is published on the next sweep
    (when republishing on change) or the next time an organizer publishes.

    Side effects: the page rows follow the titles; the periodic sweep is scheduled.
    """
    changes = _clean_target_fields(changes)
    if "name" in changes:
        _check_target_name(target.program, changes["name"], exclude=target.pk)
    changed = {k: v for k, v in changes.items() if getattr(target, k) != v}
    if not changed:
        return target
    original = {key: getattr(target, key) for key in changed}
    for key, value in changed.items():
        setattr(target, key, value)
    try:
        target.full_clean(exclude=["program"])
    except ValidationError:
        for key, value in original.items():
            setattr(target, key, value)
        raise
    with transaction.atomic():
        target.save(update_fields=[*changed, "updated_at"])
        sync_pages(target=target)
        transaction.on_commit(schedule_sweep)
    return target


def delete_wiki_target(*, target: WikiTarget) -> None:
    """Stops publishing to a wiki and forgets its record here. The pages on the wiki stay."""
    target.delete()


def sync_pages(*, target: WikiTarget) -> list[WikiPage]:
    """Makes the rows of the pages the target holds: its program page (when it has a title),
    one per published digest version (when it has a digest title pattern) and one per page
    each registered source lists. Rows of digests no longer published (or pages no longer
    listed) stay, for the record; publishing them withdraws them.

    Side effects: none outside this app.
    """
    existing = list(target.pages.all())
    pages = {(p.kind, p.digest_id): p for p in existing}
    made = []
    specs = {
        source.kind: content.source_pages(target, source.kind) for source in sources.registered()
    }
    held = {(p.source_kind, p.source_key) for p in existing if p.kind == WikiPage.Kind.SOURCE}
    for kind, kind_specs in specs.items():
        made += [
            WikiPage(
                target=target,
                kind=WikiPage.Kind.SOURCE,
                source_kind=kind,
                source_key=spec.key,
                title=spec.title,
            )
            for spec in kind_specs.values()
            if (kind, spec.key) not in held
        ]
    if target.program_page_title and (WikiPage.Kind.PROGRAM, None) not in pages:
        made.append(
            WikiPage(target=target, kind=WikiPage.Kind.PROGRAM, title=target.program_page_title)
        )
    if target.digest_title_pattern:
        for digest in content.published_digests(target.program):
            if (WikiPage.Kind.DIGEST, digest.pk) not in pages:
                made.append(
                    WikiPage(
                        target=target,
                        kind=WikiPage.Kind.DIGEST,
                        digest=digest,
                        title=content.digest_title_for(
                            target, digest.session.number, digest.language
                        ),
                    )
                )
    if made:
        WikiPage.objects.bulk_create(made, ignore_conflicts=True)
    # Titles follow the target's settings (a program page without a title is left alone).
    for page in target.pages.all():
        title = _current_title(target, page, specs)
        if title and title != page.title:
            WikiPage.objects.filter(pk=page.pk).update(title=title)
    return list(target.pages.all())


def _current_title(
    target: WikiTarget, page: WikiPage, specs: Mapping[str, Mapping[str, sources.PageSpec]]
) -> str:
    if page.kind == WikiPage.Kind.SOURCE:
        spec = specs.get(page.source_kind, {}).get(page.source_key)
        return spec.title if spec is not None else ""
    if page.kind == WikiPage.Kind.PROGRAM:
        return target.program_page_title
    if page.digest is not None and target.digest_title_pattern:
        return content.digest_title_for(target, page.digest.session.number, page.digest.language)
    return ""


# --- Asking for publishing --------------------------------------------------------------------


def _enqueue_publish(page_id: int, run_after: dt.datetime | None = None) -> None:
    from clinicdesk.publishing.tasks import publish_page as publish_task

    task = publish_task.using(run_after=run_after) if run_after else publish_task
    task.enqueue(page_id)


def _queue(pages: Iterable[WikiPage], now: dt.datetime, *, by_organizer: bool) -> int:
    """Marks pages waiting and queues their tasks on commit; busy pages are left as they are.
    Only an organizer's request may create again a page deleted on the wiki."""
    ids = [page.pk for page in pages if not page.is_busy]
    if not ids:
        return 0
    queued = list(
        WikiPage.objects.filter(pk__in=ids)
        .exclude(state__in=[WikiPage.State.PENDING, WikiPage.State.PUBLISHING])
        .values_list("pk", flat=True)
    )
    WikiPage.objects.filter(pk__in=queued).update(
        state=WikiPage.State.PENDING, attempts=0, next_attempt_at=now, may_create=by_organizer
    )
    for page_id in queued:
        transaction.on_commit(partial(_enqueue_publish, page_id))
    return len(queued)


def request_publishing(
    *,
    target: WikiTarget,
    pages: Sequence[WikiPage] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Queues the target's pages (all of them, or ``pages``) for publishing now, whatever
    their state: an organizer's decision, e.g. after fixing a conflict or the credentials.
    Returns how many were queued (a page being published is left to finish).

    Side effects: publishing tasks, once committed; the periodic sweep is scheduled.
    """
    if not target.is_active:
        raise ValidationError(_("This wiki is switched off: switch it on to publish."))
    now = now or timezone.now()
    with transaction.atomic():
        if pages is None:
            pages = sync_pages(target=target)
        count = _queue(pages, now, by_organizer=True)
        transaction.on_commit(schedule_sweep)
    return count


def publish_source_pages(
    *,
    program: Program,
    kind: str,
    keys: Iterable[str] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Queues the pages of the source ``kind`` (all it lists, or those of ``keys``) on every
    active wiki of the program, for publishing now: an organizer's decision, e.g. "publish
    the results". Returns how many were queued; 0 when the program has no active wiki or the
    source lists no such page yet. From then on the sweep republishes them when the source's
    stamp moves (on wikis that republish on change).

    Side effects: the page rows; publishing tasks, once committed; the sweep is scheduled.
    """
    if sources.get(kind) is None:
        raise ValueError(f"no publishing source of kind {kind!r} is registered")
    wanted = None if keys is None else set(keys)
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        for target in WikiTarget.objects.filter(program=program, is_active=True):
            pages = [
                page
                for page in sync_pages(target=target)
                if page.kind == WikiPage.Kind.SOURCE
                and page.source_kind == kind
                and (wanted is None or page.source_key in wanted)
            ]
            count += _queue(pages, now, by_organizer=True)
        transaction.on_commit(schedule_sweep)
    return count


def replace_hand_edit(*, page: WikiPage, now: dt.datetime | None = None) -> WikiPage:
    """An organizer's decision after a conflict: the generated parts edited by hand on the
    wiki are replaced by clinicdesk's text on the next publish (the hand edit stays in the
    page's history on the wiki). Other parts still follow the usual check.

    Side effects: a publishing task, once committed.
    """
    if page.state != WikiPage.State.CONFLICT:
        raise ValidationError(_("This page has no conflict to resolve."))
    with transaction.atomic():
        WikiPage.objects.filter(pk=page.pk).update(overwrite_parts=list(page.conflict_parts))
        _queue([page], now or timezone.now(), by_organizer=True)
    page.refresh_from_db()
    return page


# --- Publishing one page (the engine) -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    page_id: int
    state: str
    outcome: str = ""
    revision_id: int | None = None
    message: str = ""
    retry_at: dt.datetime | None = None


def problem_message(kind: str, detail: str = "", *, title: str = "", target: str = "") -> str:
    """What a problem means for organizers, and what they can do."""
    messages = {
        w.UNREACHABLE: _("The wiki could not be reached. clinicdesk tries again by itself."),
        w.MAXLAG: _(
            "The wiki asked to wait: its database servers lag behind. clinicdesk tries again "
            "by itself."
        ),
        w.RATELIMITED: _(
            "The wiki's rate limit for this account was reached. clinicdesk tries again "
            "later by itself."
        ),
        w.READONLY: _("The wiki is read-only for now. clinicdesk tries again by itself."),
        w.SESSION: _("The login to the wiki expired. clinicdesk logs in again and retries."),
        w.CREDENTIALS: _(
            "The bot login of %(target)s is not set: put the bot username and password in the "
            "server's environment, then publish again."
        )
        % {"target": target},
        w.LOGIN: _(
            "The wiki refused the bot login. Check the bot username (User@BotName) and "
            "password in the server's environment, then publish again."
        ),
        w.PROTECTED: _(
            "The wiki does not let the bot edit “%(title)s” (protected page or missing "
            "rights). Ask a wiki administrator, or change the title, then publish again."
        )
        % {"title": title},
        w.CONFLICT: _(
            "Someone edited the generated part of “%(title)s” on the wiki since clinicdesk "
            "last published it. Nothing was overwritten: move the hand edit out of the "
            "clinicdesk markers on the wiki and publish again, or replace it."
        )
        % {"title": title},
        w.INVALID_TITLE: _(
            "The wiki cannot hold a page called “%(title)s”. Change the title or its pattern."
        )
        % {"title": title},
        w.DELETED: _(
            "“%(title)s” was deleted on the wiki since clinicdesk read it. Publish again to "
            "create it anew."
        )
        % {"title": title},
        w.MARKERS: _(
            "The clinicdesk markers on “%(title)s” are broken (one is missing or repeated). "
            "Repair them on the wiki, then publish again."
        )
        % {"title": title},
        w.NOT_A_WIKI: _("The API address does not answer as a MediaWiki API. Check it."),
        w.REFUSED: _("The wiki refused the edit. Its answer is below."),
    }
    text = messages.get(kind, _("Publishing failed."))
    if detail and kind not in {w.CONFLICT, w.CREDENTIALS}:
        text = f"{text} ({detail})"
    return text


def _claim(page_id: int, now: dt.datetime) -> bool:
    return bool(
        WikiPage.objects.filter(
            pk=page_id, state__in=[WikiPage.State.PENDING, WikiPage.State.RETRYING]
        ).update(state=WikiPage.State.PUBLISHING, claimed_at=now)
    )


def _log(
    page: WikiPage,
    started: dt.datetime,
    outcome: str,
    *,
    revision_id: int | None = None,
    problem: str = "",
    message: str = "",
    title: str = "",
) -> None:
    PublishAttempt.objects.create(
        page=page,
        program_id=page.target.program_id,
        title=title or page.title,
        started_at=started,
        finished_at=timezone.now(),
        outcome=outcome,
        revision_id=revision_id,
        problem=problem,
        message=message,
        attempt=page.attempts + 1,
    )


def publish_page(*, page_id: int, now: dt.datetime | None = None) -> Outcome:
    """Publishes one page: reads it on the wiki, puts clinicdesk's parts between their markers,
    and saves it based on the revision read, unless nothing changed.

    Claims the page first (only a waiting page can be claimed, so a duplicate task does
    nothing). A problem that may pass (the wiki down, lagging, rate-limiting) leaves the page
    waiting for an attempt ``retry_delay`` later, up to ``PUBLISHING_MAX_ATTEMPTS``; any other
    leaves it failed or in conflict, with a message saying what to do. Every attempt is logged.

    Side effects: an edit on the wiki; an attempt in the log; a task for the next attempt.
    """
    now = now or timezone.now()
    if not _claim(page_id, now):
        state = WikiPage.objects.filter(pk=page_id).values_list("state", flat=True).first()
        return Outcome(page_id, state or "deleted")
    page = WikiPage.objects.select_related("target__program", "digest__session__program").get(
        pk=page_id
    )
    target = page.target
    stamp = content.page_stamp(target, page)
    wanted = content.page_content(page, now=now)
    if wanted.withdrawn:
        message = _(
            "clinicdesk no longer publishes this page (its digest or its content was "
            "unpublished, or the wiki's settings leave it out); the page on the wiki was left "
            "as it was."
        )
        _log(page, now, PublishAttempt.Outcome.WITHDRAWN, message=message)
        _finish(page, WikiPage.State.WITHDRAWN, message=message, stamp=stamp)
        return Outcome(page_id, WikiPage.State.WITHDRAWN, PublishAttempt.Outcome.WITHDRAWN)
    try:
        result = _publish(page, wanted)
    except w.WikiProblem as problem:
        return _failed(page, problem, now, title=wanted.title, stamp=stamp)
    except markers.MarkerProblem as problem:
        return _failed(
            page, w.WikiProblem(w.MARKERS, str(problem)), now, title=wanted.title, stamp=stamp
        )
    if result.conflicts:
        message = problem_message(w.CONFLICT, title=wanted.title)
        _log(
            page,
            now,
            PublishAttempt.Outcome.CONFLICT,
            problem=w.CONFLICT,
            message=message,
            title=wanted.title,
            revision_id=result.revision_id,
        )
        _finish(
            page,
            WikiPage.State.CONFLICT,
            problem=w.CONFLICT,
            message=message,
            stamp=stamp,
            title=wanted.title,
            conflicts=result.conflicts,
        )
        return Outcome(page_id, WikiPage.State.CONFLICT, PublishAttempt.Outcome.CONFLICT)
    outcome = (
        PublishAttempt.Outcome.PUBLISHED if result.changed else PublishAttempt.Outcome.UNCHANGED
    )
    _log(page, now, outcome, revision_id=result.revision_id, title=wanted.title)
    _finish(
        page,
        WikiPage.State.PUBLISHED,
        stamp=stamp,
        title=wanted.title,
        revision_id=result.revision_id,
        written={part.name: markers.fingerprint(part.text) for part in wanted.parts},
        published_at=now,
    )
    _follow_changes_made_meanwhile(page, stamp)
    return Outcome(page_id, WikiPage.State.PUBLISHED, outcome, result.revision_id)


@dataclass(frozen=True, slots=True)
class _Result:
    changed: bool
    revision_id: int | None
    conflicts: tuple[str, ...] = ()


def _connect(target: WikiTarget) -> w.WikiClient:
    login = credentials_of(target)
    if login is None:
        raise w.WikiProblem(
            w.CREDENTIALS, ", ".join(credentials_variables(target.credentials_name))
        )
    client = w.WikiClient(target.api_url, max_lag=target.max_lag_seconds)
    client.login(*login)
    return client


def _publish(page: WikiPage, wanted: content.PageContent) -> _Result:
    target = page.target
    client = _connect(target)
    state = client.read(wanted.title)
    current = state.revision.text if state.revision else None
    # Under a new title, what was written under the old one says nothing about this page.
    same_page = page.written_title in {"", wanted.title}
    if current is None and same_page and page.published_at and not page.may_create:
        raise w.WikiProblem(w.DELETED, wanted.title)
    last_written: Mapping[str, str] = page.written_parts if same_page else {}
    merged = markers.merge(
        current, wanted.parts, last_written=last_written, overwrite=page.overwrite_parts
    )
    revision_id = state.revision.revid if state.revision else None
    if merged.conflicts:
        return _Result(False, revision_id, merged.conflicts)
    if not merged.changed:
        return _Result(False, revision_id)
    saved = client.save(
        state,
        merged.text,
        summary=target.edit_summary,
        bot=target.mark_bot,
        minor=target.mark_minor,
    )
    return _Result(saved.changed, saved.revid)


def _finish(
    page: WikiPage,
    state: str,
    *,
    stamp: str,
    problem: str = "",
    message: str = "",
    title: str = "",
    revision_id: int | None = None,
    written: dict[str, str] | None = None,
    published_at: dt.datetime | None = None,
    conflicts: Sequence[str] = (),
) -> None:
    values: dict[str, Any] = {
        "state": state,
        "problem": problem,
        "message": message,
        "source_stamp": stamp,
        "next_attempt_at": None,
        "claimed_at": None,
    }
    if state == WikiPage.State.PUBLISHED:
        values.update(
            attempts=0,
            revision_id=revision_id,
            written_parts=written or {},
            written_title=title,
            overwrite_parts=[],
            conflict_parts=[],
            published_at=published_at,
            title=title,
        )
    elif state == WikiPage.State.CONFLICT:
        values.update(overwrite_parts=[], conflict_parts=list(conflicts), attempts=0)
    WikiPage.objects.filter(pk=page.pk).update(**values)


def _failed(
    page: WikiPage, problem: w.WikiProblem, now: dt.datetime, *, title: str, stamp: str
) -> Outcome:
    attempts = page.attempts + 1
    message = problem_message(problem.kind, problem.detail, title=title, target=page.target.name)
    logger.warning("publishing %s failed (attempt %d): %s", title, attempts, problem)
    if problem.retryable and attempts < settings.PUBLISHING_MAX_ATTEMPTS:
        delay = retry_delay(
            attempts,
            base_seconds=settings.PUBLISHING_RETRY_BASE_SECONDS,
            cap_seconds=settings.PUBLISHING_RETRY_MAX_SECONDS,
        )
        if problem.retry_after:
            delay = max(delay, dt.timedelta(seconds=problem.retry_after))
        retry_at = now + delay
        with transaction.atomic():
            _log(
                page,
                now,
                PublishAttempt.Outcome.RETRYING,
                problem=problem.kind,
                message=message,
                title=title,
            )
            WikiPage.objects.filter(pk=page.pk).update(
                state=WikiPage.State.RETRYING,
                attempts=attempts,
                problem=problem.kind,
                message=message,
                next_attempt_at=retry_at,
                claimed_at=None,
            )
            transaction.on_commit(partial(_enqueue_publish, page.pk, retry_at))
        return Outcome(
            page.pk,
            WikiPage.State.RETRYING,
            PublishAttempt.Outcome.RETRYING,
            message=message,
            retry_at=retry_at,
        )
    if problem.retryable:
        message = _(
            "%(message)s Gave up after %(count)d attempts: publish again once the wiki is back."
        ) % {"message": message, "count": attempts}
    with transaction.atomic():
        _log(
            page,
            now,
            PublishAttempt.Outcome.FAILED,
            problem=problem.kind,
            message=message,
            title=title,
        )
        WikiPage.objects.filter(pk=page.pk).update(
            state=WikiPage.State.FAILED,
            attempts=attempts,
            problem=problem.kind,
            message=message,
            next_attempt_at=None,
            claimed_at=None,
            source_stamp=stamp,
        )
    return Outcome(page.pk, WikiPage.State.FAILED, PublishAttempt.Outcome.FAILED, message=message)


def _follow_changes_made_meanwhile(page: WikiPage, stamp: str) -> None:
    """The record changed while the page was being published: publish it again."""
    target = WikiTarget.objects.get(pk=page.target_id)
    if (
        target.republish_on_change
        and target.is_active
        and content.page_stamp(target, page) != stamp
    ):
        with transaction.atomic():
            _queue([WikiPage.objects.get(pk=page.pk)], timezone.now(), by_organizer=False)


# --- Preview ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Preview:
    """Exactly what publishing would send, and the wiki's rendering of it."""

    title: str
    parts: tuple[markers.Part, ...]
    # The whole page as it would be saved (the parts alone when the wiki could not be read).
    wikitext: str
    html: str = ""  # the wiki's rendering (action=parse), sanitized; empty if unavailable
    exists: bool | None = None  # None: the wiki could not be read
    changed: bool | None = None
    conflicts: tuple[str, ...] = ()
    found: Mapping[str, str] = field(default_factory=dict)  # conflicting parts as on the wiki
    added: tuple[str, ...] = ()
    withdrawn: bool = False
    problem: str = ""  # why the wiki's side is missing, for organizers


def preview_page(*, page: WikiPage, now: dt.datetime | None = None) -> Preview:
    """What publishing ``page`` would send now, merged into the page as it stands on the wiki,
    with the wiki's own rendering. Writes nothing.

    Side effects: requests to the wiki (read and parse), none of them an edit.
    """
    wanted = content.page_content(page, now=now)
    if wanted.withdrawn:
        return Preview(title=wanted.title, parts=(), wikitext="", withdrawn=True)
    alone = markers.new_page(wanted.parts)
    target = page.target
    try:
        # A preview is a page an organizer waits for: it gives up sooner than a publish.
        client = w.WikiClient(
            target.api_url, max_lag=max(target.max_lag_seconds, 5), timeout=PREVIEW_TIMEOUT
        )
        login = credentials_of(target)
        if login is not None:
            client.login(*login)
        state = client.read(wanted.title)
        current = state.revision.text if state.revision else None
        same_page = page.written_title in {"", wanted.title}
        merged = markers.merge(
            current,
            wanted.parts,
            last_written=page.written_parts if same_page else {},
            overwrite=page.overwrite_parts,
        )
        text = merged.text
        if merged.conflicts:
            # What replacing the hand edit would save: the organizer decides on this.
            text = markers.merge(
                current, wanted.parts, last_written={}, overwrite=merged.conflicts
            ).text
        html = client.render(wanted.title, text)
    except w.WikiProblem as problem:
        return Preview(
            title=wanted.title,
            parts=wanted.parts,
            wikitext=alone,
            problem=problem_message(
                problem.kind, problem.detail, title=wanted.title, target=target.name
            ),
        )
    except markers.MarkerProblem as problem:
        return Preview(
            title=wanted.title,
            parts=wanted.parts,
            wikitext=alone,
            problem=problem_message(w.MARKERS, str(problem), title=wanted.title),
        )
    from clinicdesk.publishing.sanitize import clean_wiki_html

    return Preview(
        title=wanted.title,
        parts=wanted.parts,
        wikitext=text,
        html=clean_wiki_html(html, target.api_url),
        exists=current is not None,
        changed=merged.changed or bool(merged.conflicts),
        conflicts=merged.conflicts,
        found=dict(merged.found or {}),
        added=merged.added,
    )


# --- The periodic sweep -------------------------------------------------------------------------


def _has_published(target: WikiTarget) -> bool:
    return target.pages.filter(published_at__isnull=False).exists()


def queue_changed_pages(*, now: dt.datetime | None = None) -> int:
    """Queues the pages whose record changed since they were published, on every active target
    that republishes on change and was published by an organizer once. Pages in conflict or
    failed wait for an organizer.

    Side effects: publishing tasks, once committed.
    """
    now = now or timezone.now()
    count = 0
    targets = WikiTarget.objects.filter(is_active=True, republish_on_change=True).select_related(
        "program"
    )
    for target in targets:
        if not _has_published(target):
            continue
        known: dict[str, str] = {}
        with transaction.atomic():
            pages = sync_pages(target=target)
            stamps = {page.pk: content.page_stamp(target, page, known) for page in pages}
            stale = [
                page
                for page in pages
                if page.source_stamp != stamps[page.pk]
                and page.state
                in {WikiPage.State.NEW, WikiPage.State.PUBLISHED, WikiPage.State.WITHDRAWN}
            ]
            changed = _changed_pages(target, stale, stamps, now)
            count += _queue(changed, now, by_organizer=False)
    return count


def _changed_pages(
    target: WikiTarget, stale: list[WikiPage], stamps: Mapping[int, str], now: dt.datetime
) -> list[WikiPage]:
    """The stale pages whose content really changed. A published page that would get exactly
    what clinicdesk last wrote is only marked current: the wiki is not asked, and the publish
    log is not filled with attempts that change nothing (most changes to a program touch one
    or two of its pages)."""
    wanted = content.page_contents(target, stale, now=now)
    changed: list[WikiPage] = []
    current: list[WikiPage] = []
    for page in stale:
        page_wanted = wanted[page.pk]
        same = (
            page.state == WikiPage.State.PUBLISHED
            and not page_wanted.withdrawn
            and page.written_title == page_wanted.title
            and page.written_parts
            == {part.name: markers.fingerprint(part.text) for part in page_wanted.parts}
        )
        (current if same else changed).append(page)
    by_stamp: dict[str, list[int]] = {}
    for page in current:
        by_stamp.setdefault(stamps[page.pk], []).append(page.pk)
    for stamp, ids in by_stamp.items():  # one update per source kind
        WikiPage.objects.filter(pk__in=ids).update(source_stamp=stamp)
    return changed


def requeue_stalled_pages(*, now: dt.datetime | None = None) -> int:
    """Hands the queue again any page it lost: waiting long past its time, or claimed by a
    worker that stopped mid-publish. Side effect: publishing tasks."""
    now = now or timezone.now()
    stale = now - STALLED_AFTER
    waiting = Q(
        state__in=[WikiPage.State.PENDING, WikiPage.State.RETRYING], next_attempt_at__lt=stale
    )
    abandoned = Q(state=WikiPage.State.PUBLISHING, claimed_at__lt=stale)
    ids = list(WikiPage.objects.filter(waiting | abandoned).values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        WikiPage.objects.filter(pk__in=ids).filter(waiting | abandoned).update(
            state=WikiPage.State.RETRYING, next_attempt_at=now, claimed_at=None
        )
        for page_id in ids:
            transaction.on_commit(partial(_enqueue_publish, page_id))
    return len(ids)


def run_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic work: republish what changed, hand lost pages to the queue again, queue
    digest notices and "call starts soon" reminders for the lists. (Lost list e-mails are
    requeued with every app's by registration's periodic chores, through ``outbox.registry``.)

    Side effects: those of each; the chore's row records the run.
    """
    now = now or timezone.now()
    report = {
        "pages_queued": queue_changed_pages(now=now),
        "pages_requeued": requeue_stalled_pages(now=now),
        "digest_notices_queued": queue_digest_notices(now=now),
        "reminders_queued": queue_list_reminders(now=now),
    }
    PublishingChore.objects.update_or_create(
        name=SWEEP, defaults={"last_run_at": now, "last_report": report}
    )
    return report


def _sweep_wanted() -> bool:
    return (
        WikiTarget.objects.filter(is_active=True, republish_on_change=True).exists()
        or MailingList.objects.filter(is_active=True).exists()
    )


def schedule_sweep(*, delay_seconds: int = 0, now: dt.datetime | None = None) -> bool:
    """Queues the next sweep, unless one is already waiting or nothing needs one (no active
    wiki that republishes on change, no active mailing list). Returns whether one was queued.

    Called when targets and lists change, by ``manage.py schedule_publishing`` and at the end
    of each sweep. Only the database task backend keeps a task for later.
    """
    from django_tasks import task_backends
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from clinicdesk.publishing.tasks import run_publishing_sweep

    if not isinstance(task_backends[run_publishing_sweep.backend], DatabaseBackend):
        return False
    if not _sweep_wanted():
        return False
    now = now or timezone.now()
    run_after = now + dt.timedelta(seconds=delay_seconds)
    with transaction.atomic():
        try:
            with transaction.atomic():
                PublishingChore.objects.get_or_create(name=SWEEP)
        except IntegrityError:  # made by another process a moment ago
            pass
        chore = PublishingChore.objects.select_for_update().get(name=SWEEP)
        waiting = DBTaskResult.objects.filter(
            task_path=run_publishing_sweep.module_path, status=TaskResultStatus.READY
        ).exists()
        if waiting:
            return False
        run_publishing_sweep.using(run_after=run_after).enqueue()
        chore.next_run_at = run_after
        chore.save(update_fields=["next_run_at"])
    return True


# --- Mailing lists --------------------------------------------------------------------------------

_LIST_FIELDS = frozenset(
    {
        "name",
        "address",
        "language",
        "announces_digests",
        "sends_reminders",
        "reminder_minutes",
        "is_active",
    }
)


def _clean_list_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - _LIST_FIELDS
    if unknown:
        raise TypeError(f"unknown mailing list fields: {sorted(unknown)}")
    if "name" in fields:
        fields["name"] = " ".join(str(fields["name"]).split())
    if "address" in fields:
        fields["address"] = str(fields["address"]).strip()
        if "\n" in fields["address"] or "\r" in fields["address"]:
            raise ValidationError({"address": _("Give one e-mail address.")})
    if "language" in fields and not is_language(fields["language"]):
        raise ValidationError({"language": _("Give a language code, e.g. en or es.")})
    if "reminder_minutes" in fields and not 5 <= int(fields["reminder_minutes"]) <= 7 * 24 * 60:
        raise ValidationError(
            {"reminder_minutes": _("Send the reminder 5 minutes to 7 days before the call.")}
        )
    return fields


def _check_list_address(program: Program, address: str, exclude: int | None = None) -> None:
    others = MailingList.objects.filter(program=program, address__iexact=address)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationError({"address": _("This program already writes to that address.")})


def create_mailing_list(*, program: Program, name: str, address: str, **fields: Any) -> MailingList:
    """Adds a mailing list the program writes to. Digests published from now on are announced
    to it (when it announces digests); nothing already published is sent.

    Side effects: the periodic sweep is scheduled.
    """
    fields = _clean_list_fields({"name": name, "address": address, **fields})
    fields.setdefault("language", (program.default_languages or ["en"])[0])
    _check_list_address(program, fields["address"])
    mailing_list = MailingList(program=program, **fields)
    mailing_list.full_clean(exclude=["program"])
    with transaction.atomic():
        mailing_list.save()
        transaction.on_commit(schedule_sweep)
    return mailing_list


def update_mailing_list(*, mailing_list: MailingList, **changes: Any) -> MailingList:
    """Changes a mailing list. Side effects: the periodic sweep is scheduled."""
    changes = _clean_list_fields(changes)
    if "address" in changes:
        _check_list_address(mailing_list.program, changes["address"], exclude=mailing_list.pk)
    changed = {k: v for k, v in changes.items() if getattr(mailing_list, k) != v}
    if not changed:
        return mailing_list
    original = {key: getattr(mailing_list, key) for key in changed}
    for key, value in changed.items():
        setattr(mailing_list, key, value)
    try:
        mailing_list.full_clean(exclude=["program"])
    except ValidationError:
        for key, value in original.items():
            setattr(mailing_list, key, value)
        raise
    with transaction.atomic():
        mailing_list.save(update_fields=list(changed))
        transaction.on_commit(schedule_sweep)
    return mailing_list


def delete_mailing_list(*, mailing_list: MailingList) -> None:
    """Stops writing to a list; its e-mails leave the record with it."""
    mailing_list.delete()


def set_list_sender(*, program: Program, name: str, address: str) -> ListSender:
    """Sets who the program's list e-mails come from."""
    name = " ".join(name.split())
    address = address.strip()
    if not name:
        raise ValidationError({"name": _("Give the sender a name.")})
    if "\n" in address or "\r" in address:
        raise ValidationError({"address": _("Give one e-mail address.")})
    sender = ListSender.objects.filter(program=program).first() or ListSender(program=program)
    sender.name, sender.address = name, address
    sender.full_clean(exclude=["program"])
    sender.save()
    return sender


# --- E-mails to lists (an outbox) ---------------------------------------------------------------


def _queue_message(
    mailing_list: MailingList,
    kind: str,
    *,
    sessions: Sequence[ClinicSession] = (),
    digest: Digest | None = None,
    intro: str = "",
    key: str = "",
    source_kind: str = "",
    source_key: str = "",
    user: User | None = None,
    now: dt.datetime,
) -> ListMessage | None:
    """Writes an outbox row and queues its delivery once committed; None when a row with the
    same key was made before (an e-mail that goes once)."""
    try:
        with transaction.atomic():
            message = ListMessage.objects.create(
                mailing_list=mailing_list,
                kind=kind,
                digest=digest,
                intro=intro,
                key=key,
                source_kind=source_kind,
                source_key=source_key,
                next_attempt_at=now,
                created_by=user if user is not None and user.is_authenticated else None,
            )
    except IntegrityError:
        return None
    if sessions:
        message.sessions.set(sessions)
    LIST_OUTBOX.queue(message.pk)
    return message


def _queue_to_lists(lists: Sequence[MailingList], kind: str, **fields: Any) -> list[ListMessage]:
    """One e-mail per list, in one transaction; lists that had it (same key) are left out."""
    made = []
    with transaction.atomic():
        for mailing_list in lists:
            message = _queue_message(mailing_list, kind, **fields)
            if message is not None:
                made.append(message)
    return made


def check_announcement(
    *, program: Program, sessions: Sequence[ClinicSession], lists: Sequence[MailingList]
) -> None:
    """Raises ValidationError unless the announcement can go: calls of this program that are
    not cancelled, and active lists of this program."""
    if not sessions:
        raise ValidationError({"sessions": _("Choose at least one call to announce.")})
    if any(s.program_id != program.pk for s in sessions):
        raise ValidationError({"sessions": _("Choose calls of this program.")})
    if any(s.is_cancelled for s in sessions):
        raise ValidationError({"sessions": _("A cancelled call cannot be announced.")})
    if not lists:
        raise ValidationError({"lists": _("Choose at least one mailing list.")})
    if any(m.program_id != program.pk or not m.is_active for m in lists):
        raise ValidationError({"lists": _("Choose active lists of this program.")})


def announce_sessions(
    *,
    program: Program,
    sessions: Sequence[ClinicSession],
    lists: Sequence[MailingList],
    intro: str = "",
    user: User | None = None,
    now: dt.datetime | None = None,
) -> list[ListMessage]:
    """Announces calls to mailing lists, in the style of the first Wikimedia Clinics e-mail:
    each call in UTC with a link to its time in the reader's zone, the meeting link, how to
    join, and the expected conduct. One e-mail per list, composed at delivery.

    Side effects: e-mails in the outbox, delivered by the task queue once committed.
    """
    check_announcement(program=program, sessions=sessions, lists=lists)
    intro = intro.strip()
    if len(intro) > 5000:
        raise ValidationError({"intro": _("Keep the introduction under 5000 characters.")})
    return _queue_to_lists(
        lists,
        ListMessage.Kind.ANNOUNCEMENT,
        sessions=sorted(sessions, key=lambda s: (s.starts_at is None, s.starts_at, s.number)),
        intro=intro,
        user=user,
        now=now or timezone.now(),
    )


def queue_source_email(
    *,
    program: Program,
    kind: str,
    key: str,
    lists: Sequence[MailingList] | None = None,
    once: bool = True,
    user: User | None = None,
    now: dt.datetime | None = None,
) -> list[ListMessage]:
    """Queues the e-mail the source ``kind`` composes for ``key`` to the program's lists
    (``lists``, else every active one), composed at delivery in each list's language. With
    ``once`` (the default) a list gets it once, whatever the number of calls: a call for a
    list that had it returns nothing for that list.

    Side effects: e-mails in the outbox, delivered by the task queue once committed.
    """
    if sources.get(kind) is None:
        raise ValueError(f"no publishing source of kind {kind!r} is registered")
    if not key or len(key) > sources.KEY_MAX_LENGTH:
        raise ValueError(f"a source key is 1-{sources.KEY_MAX_LENGTH} characters")
    if lists is None:
        lists = list(MailingList.objects.filter(program=program, is_active=True))
    elif any(m.program_id != program.pk or not m.is_active for m in lists):
        raise ValidationError({"lists": _("Choose active lists of this program.")})
    return _queue_to_lists(
        lists,
        ListMessage.Kind.SOURCE,
        source_kind=kind,
        source_key=key,
        key=f"{kind}:{key}"[:100] if once else "",
        user=user,
        now=now or timezone.now(),
    )


def queue_digest_notices(*, now: dt.datetime | None = None) -> int:
    """Queues a "digest of #NNN published" e-mail to each active list that announces digests,
    once per session, for digests published since the list was added.

    Side effects: e-mails in the outbox.
    """
    now = now or timezone.now()
    count = 0
    lists = MailingList.objects.filter(is_active=True, announces_digests=True)
    for mailing_list in lists:
        sent_keys = set(
            mailing_list.messages.filter(kind=ListMessage.Kind.DIGEST).values_list("key", flat=True)
        )
        digests = (
            Digest.objects.filter(
                session__program_id=mailing_list.program_id,
                status=Digest.Status.PUBLISHED,
                published_at__gte=mailing_list.created_at,
            )
            .select_related("session")
            .order_by("session__number", "language")
        )
        by_session = content.digests_by_session(digests)
        with transaction.atomic():
            for session_id, versions in by_session.items():
                key = f"digest:{session_id}"
                if key in sent_keys:
                    continue
                preferred = next(
                    (d for d in versions if d.language == mailing_list.language), versions[0]
                )
                message = _queue_message(
                    mailing_list,
                    ListMessage.Kind.DIGEST,
                    sessions=[preferred.session],
                    digest=preferred,
                    key=key,
                    now=now,
                )
                count += message is not None
    return count


def queue_list_reminders(*, now: dt.datetime | None = None) -> int:
    """Queues the "call starts soon" e-mail to each active list that sends reminders, for each
    call starting within its reminder time (once per call and start time).

    Side effects: e-mails in the outbox.
    """
    now = now or timezone.now()
    count = 0
    lists = MailingList.objects.filter(is_active=True, sends_reminders=True)
    for mailing_list in lists:
        horizon = now + dt.timedelta(minutes=mailing_list.reminder_minutes)
        sessions = ClinicSession.objects.filter(
            program_id=mailing_list.program_id,
            starts_at__gt=now,
            starts_at__lte=horizon,
        ).exclude(status=ClinicSession.Status.CANCELLED)
        with transaction.atomic():
            for session in sessions:
                assert session.starts_at is not None  # noqa: S101 - filtered above
                key = f"reminder:{session.pk}:{session.starts_at:%Y%m%dT%H%M}"
                message = _queue_message(
                    mailing_list, ListMessage.Kind.REMINDER, sessions=[session], key=key, now=now
                )
                count += message is not None
    return count


def _still_wanted(message: ListMessage, now: dt.datetime) -> bool:
    if not message.mailing_list.is_active:
        return False
    if message.kind == ListMessage.Kind.SOURCE:
        source = sources.get(message.source_kind)
        return source is not None and source.still_wanted(message, now)
    sessions = list(message.sessions.all())
    if message.kind == ListMessage.Kind.REMINDER:
        return bool(sessions) and all(
            not s.is_cancelled and s.starts_at is not None and s.starts_at > now for s in sessions
        )
    if message.kind == ListMessage.Kind.DIGEST:
        return message.digest is not None and message.digest.status == Digest.Status.PUBLISHED
    return any(not s.is_cancelled for s in sessions)


def _compose(message: ListMessage) -> Email:
    from clinicdesk.publishing import emails  # renders templates: an interface, kept apart

    return emails.compose(message)


def _subject(message: ListMessage, email: Email) -> dict[str, str]:
    return {"subject": email.subject[:300]}


LIST_OUTBOX: Outbox[ListMessage] = Outbox(
    model=ListMessage,
    compose=_compose,
    task=publishing_tasks.deliver_list_message,
    still_wanted=_still_wanted,
    select_related=("mailing_list__program__list_sender", "digest__session__program"),
    recorded=_subject,
)


def deliver_list_message(*, message_id: int, now: dt.datetime | None = None) -> Delivery:
    """Sends one e-mail to a list (``outbox.Outbox.deliver``: claimed once, skipped when no
    longer wanted; a 5xx refusal of the SMTP server, e.g. an unknown list address, fails at
    once with its reason; anything else is retried with backoff until ``EMAIL_MAX_ATTEMPTS``;
    a failed e-mail stays in the outbox for organizers).

    Side effects: an e-mail; a task queued for the next attempt on failure.
    """
    return LIST_OUTBOX.deliver(message_id, now=now)


def retry_list_message(*, message: ListMessage, now: dt.datetime | None = None) -> ListMessage:
    """Sends a failed e-mail again now, with a fresh count of attempts (an organizer's
    decision, after fixing what made it fail). Side effect: a delivery task."""
    return LIST_OUTBOX.retry(message, now=now)
