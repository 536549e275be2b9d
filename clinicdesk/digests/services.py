"""Every write to digests, their topics and items, follow-ups and resources happens here.

Each function is keyword-only, validates its input, owns its transaction and raises
:class:`django.core.exceptions.ValidationError` (keyed by field where one is at fault) with a
message fit for a person. Side effects are listed in each docstring; the usual one is
:func:`_changed`: when the digest is published, its search document is rebuilt, the session's
archive topics follow its topics, and the program's public pages are rebuilt.

Translations: a version started from another copies its structure, each text marked
untranslated. Adding, removing or moving a unit of the source does the same to every version
translated from it; changing a source text moves its ``revision``, which marks the translated
unit outdated; saving a translated text (or confirming it) records the source revision it
matches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clinicdesk.digests import attribution
from clinicdesk.digests.models import (
    AttributionLevel,
    Digest,
    FollowUp,
    Item,
    OwnerContact,
    Resource,
    SearchDocument,
    Topic,
)
from clinicdesk.digests.queries import (
    digest_document,
    language_label,
    search_config,
    session_headcount,
    speaker_of,
)
from clinicdesk.digests.search import document_text
from clinicdesk.lib.languages import is_language
from clinicdesk.scheduling import services as scheduling_services
from clinicdesk.scheduling.models import ClinicSession, Person, Segment

MAX_TEXT = 20_000
MAX_DEPTH = 6  # levels of nested replies below a top-level item
TOPIC_FIELDS = frozenset({"title", "body", "kind", "segment"})
DIGEST_FIELDS = frozenset({"lead", "staff_count", "volunteer_count", "staff_organization"})
ITEM_FIELDS = frozenset({"text", "speaker", "speaker_label", "speaker_level"})
MAX_HEADCOUNT = 100_000


# --- Checks -------------------------------------------------------------------------------------


def _check_language(code: str, field: str = "language") -> str:
    code = (code or "").strip()
    if not is_language(code):
        raise ValidationError(
            {
                field: _("“%(code)s” is not a language code (for example en, es, ar).")
                % {"code": code}
            }
        )
    return code


def _check_text(text: str, field: str = "text", *, required: bool = False) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise ValidationError({field: _("This cannot be empty.")})
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {field: _("A text has at most %(count)d characters.") % {"count": MAX_TEXT}}
        )
    return text


def _check_headcount(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if not 0 <= value <= MAX_HEADCOUNT:
        raise ValidationError({field: _("A headcount is a number from 0 to 100,000.")})
    return value


def _check_url(url: str, field: str = "url") -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {field: _("Give a full web address starting with https:// or http://.")}
        ) from None
    return url


def _check_speaker(
    speaker: Person | None, label: str, level: str, *, field: str = "speaker"
) -> tuple[Person | None, str, str]:
    label = " ".join((label or "").split())
    if speaker is not None and label:
        raise ValidationError(
            {
                field: _(
                    "Choose a person or write a label, not both: a person is named as they agreed."
                )
            }
        )
    if len(label) > 200:
        raise ValidationError({f"{field}_label": _("A label has at most 200 characters.")})
    if level and level not in AttributionLevel.values:
        raise ValidationError({f"{field}_level": _("Choose how to name the speaker.")})
    if speaker is None:
        return None, label, ""
    ref = speaker_of(speaker, level="")
    if not attribution.may_choose(ref, level):
        raise ValidationError(
            {
                f"{field}_level": _(
                    "%(person)s may be named only %(consent)s: you may lower how a person is "
                    "named, never raise it."
                )
                % {
                    "person": attribution.speaker_name(ref),
                    "consent": AttributionLevel(attribution.consented_level(ref)).label,
                }
            }
        )
    return speaker, "", level


def _check_staff(person: Person | None, field: str = "owner") -> Person:
    if person is None:
        raise ValidationError({field: _("Choose the staff member who owns this follow-up.")})
    if not person.is_staff_member:
        raise ValidationError(
            {
                field: _("%(person)s is not staff: a follow-up is owned by a staff member.")
                % {"person": person}
            }
        )
    return person


# --- After a change -------------------------------------------------------------------------------


def _changed(digest: Digest) -> None:
    """A published version changed: its search document, the session's archive topics and the
    program's public pages follow. Drafts change nothing public."""
    if digest.status == Digest.Status.PUBLISHED:
        _index(digest)
        _record_archive_topics(digest)
    scheduling_services.touch_program(digest.session.program_id)


def _index(digest: Digest) -> None:
    doc = digest_document(digest, public=True)
    title, body = document_text(doc)
    session = digest.session
    SearchDocument.objects.update_or_create(
        digest=digest,
        defaults={
            "program_id": session.program_id,
            "language": digest.language,
            "session_date": session.start_date,
            "config": search_config(digest.language),
            "title": title,
            "body": body,
        },
    )


def _archive_titles(digest: Digest) -> list[str]:
    return [
        topic.title
        for topic in digest.topics.order_by("position", "pk")
        if topic.kind != Topic.Kind.INTRODUCTION
    ]


def _record_archive_topics(digest: Digest) -> None:
    """The archive table names a published version's topics in its language."""
    session = digest.session
    titles = _archive_titles(digest)
    topics = dict(session.archive_topics)
    if titles and topics.get(digest.language) != titles:
        topics[digest.language] = titles
        scheduling_services.update_session(session=session, archive_topics=topics)


def _touch_family(session: ClinicSession) -> None:
    """A follow-up or resource shared by every version changed."""
    for digest in Digest.objects.filter(session=session, status=Digest.Status.PUBLISHED):
        _index(digest)
    scheduling_services.touch_program(session.program_id)


# --- Digests ------------------------------------------------------------------------------------


def _standard_introduction(session: ClinicSession, language: str) -> tuple[str, str]:
    """The program's preamble: its latest digest's introduction in this language, else its
    purpose and expected conduct."""
    previous = (
        Topic.objects.filter(
            digest__session__program_id=session.program_id,
            digest__language=language,
            kind=Topic.Kind.INTRODUCTION,
        )
        .exclude(digest__session=session)
        .order_by("-digest__session__number", "position")
        .first()
    )
    if previous is not None:
        return previous.title, previous.body
    program = session.program
    parts = [text for text in (program.purpose, program.conduct) if text.strip()]
    return _("Introduction"), "\n\n".join(parts)


def create_digest(
    *,
    session: ClinicSession,
    language: str,
    lead: str = "",
    staff_count: int | None = None,
    volunteer_count: int | None = None,
    staff_organization: str = "",
    introduction: bool = True,
) -> Digest:
    """Starts a draft digest of ``session`` in ``language``, with the program's standard
    introduction as its first topic (``introduction=False`` leaves it out) and the session's
    headcount when attendance was recorded.

    Side effects: none public until it is published.
    """
    language = _check_language(language)
    if Digest.objects.filter(session=session, language=language).exists():
        raise ValidationError(
            {
                "language": _("%(session)s already has a digest in %(language)s.")
                % {"session": session.label, "language": language_label(language)}
            }
        )
    counted = session_headcount(session)
    if counted is not None and staff_count is None and volunteer_count is None:
        staff_count, volunteer_count = counted.staff, counted.volunteers
    digest = Digest(
        session=session,
        language=language,
        lead=_check_text(lead, "lead"),
        staff_count=_check_headcount(staff_count, "staff_count"),
        volunteer_count=_check_headcount(volunteer_count, "volunteer_count"),
        staff_organization=" ".join(staff_organization.split())[:200],
    )
    with transaction.atomic():
        digest.save()
        if introduction:
            title, body = _standard_introduction(session, language)
            Topic.objects.create(
                digest=digest, position=0, kind=Topic.Kind.INTRODUCTION, title=title, body=body
            )
    return digest


def update_digest(*, digest: Digest, **changes: Any) -> Digest:
    """Changes the lead, the headcount or whose staff it counts. A translation's lead is
    marked translated when it is saved.

    Side effects: see :func:`_changed`.
    """
    unknown = set(changes) - DIGEST_FIELDS
    if unknown:
        raise TypeError(f"unknown digest fields: {sorted(unknown)}")
    if "lead" in changes:
        changes["lead"] = _check_text(changes["lead"], "lead")
    for name in ("staff_count", "volunteer_count"):
        if name in changes:
            changes[name] = _check_headcount(changes[name], name)
    if "staff_organization" in changes:
        changes["staff_organization"] = " ".join(changes["staff_organization"].split())[:200]
    changed = {k: v for k, v in changes.items() if getattr(digest, k) != v}
    fields = list(changed)
    if "lead" in changes and digest.source_id is not None:
        source_revision = digest.source.lead_revision if digest.source else None
        if digest.lead_source_revision != source_revision:
            digest.lead_source_revision = source_revision
            fields.append("lead_source_revision")
    if "lead" in changed:
        digest.lead_revision += 1
        fields.append("lead_revision")
    if not fields:
        return digest
    for key, value in changed.items():
        setattr(digest, key, value)
    with transaction.atomic():
        digest.save(update_fields=[*fields, "updated_at"])
        _changed(digest)
    return digest


def _has_content(digest: Digest) -> bool:
    return (
        Item.objects.filter(topic__digest=digest).exists()
        or digest.topics.exclude(body="").exclude(kind=Topic.Kind.INTRODUCTION).exists()
    )


def publish_digest(*, digest: Digest) -> Digest:
    """Publishes a version. A digest with nothing but its introduction is refused.

    Side effects: indexed for search, its topic names recorded in the archive table, the
    program's public pages rebuilt.
    """
    if not _has_content(digest):
        raise ValidationError(
            _(
                "There is nothing to publish yet: add at least one topic with a statement, a "
                "question or a note."
            )
        )
    with transaction.atomic():
        digest.status = Digest.Status.PUBLISHED
        if digest.published_at is None:
            digest.published_at = timezone.now()
        digest.save(update_fields=["status", "published_at", "updated_at"])
        _changed(digest)
    return digest


def unpublish_digest(*, digest: Digest) -> Digest:
    """Takes a version off the site (it stays as a draft).

    Side effects: removed from search and, when the archive names its topics as this version
    has them, from the archive table; the program's public pages rebuilt.
    """
    if digest.status != Digest.Status.PUBLISHED:
        return digest
    with transaction.atomic():
        digest.status = Digest.Status.DRAFT
        digest.save(update_fields=["status", "updated_at"])
        SearchDocument.objects.filter(digest=digest).delete()
        session = digest.session
        topics = dict(session.archive_topics)
        if topics.get(digest.language) == _archive_titles(digest):
            del topics[digest.language]
            scheduling_services.update_session(session=session, archive_topics=topics)
        scheduling_services.touch_program(session.program_id)
    return digest


def delete_digest(*, digest: Digest) -> None:
    """Deletes a version with its topics and items; versions translated from it become
    originals. A published version must be unpublished first.

    Side effects: the follow-ups and resources recorded only in this version go with it.
    """
    if digest.status == Digest.Status.PUBLISHED:
        raise ValidationError(_("Unpublish this version before deleting it."))
    with transaction.atomic():
        if digest.source_id is None:
            FollowUp.objects.filter(items__topic__digest=digest).delete()
        digest.delete()
        scheduling_services.touch_program(digest.session.program_id)


# --- Translations ---------------------------------------------------------------------------------


def _ancestors(digest: Digest) -> list[Digest]:
    chain: list[Digest] = []
    current = digest.source
    while current is not None and current not in chain:
        chain.append(current)
        current = current.source
    return chain


def _copy_topic(topic: Topic, into: Digest, position: int) -> Topic:
    return Topic.objects.create(
        digest=into,
        position=position,
        kind=topic.kind,
        segment_id=topic.segment_id,
        title=topic.title,
        body=topic.body,
        source=topic,
        source_revision=None,
    )


def _copy_item(item: Item, into: Topic, parent: Item | None, position: int) -> Item:
    return Item.objects.create(
        topic=into,
        parent=parent,
        position=position,
        kind=item.kind,
        speaker_id=item.speaker_id,
        speaker_label=item.speaker_label,
        speaker_level=item.speaker_level,
        text=item.text,
        follow_up_id=item.follow_up_id,
        resource_id=item.resource_id,
        source=item,
        # Nothing to translate in an empty text.
        source_revision=None if item.text else item.revision,
    )


def start_translation(*, source: Digest, language: str) -> Digest:
    """A new draft version of the same session in ``language``, translating ``source``: the
    lead, topics and items are copied, each text marked untranslated until it is saved.

    Side effects: none public until it is published.
    """
    language = _check_language(language)
    session = source.session
    existing = Digest.objects.filter(session=session, language=language).first()
    if existing is not None:
        if existing.pk == source.pk:
            raise ValidationError(
                {"language": _("A translation is written in another language than its source.")}
            )
        raise ValidationError(
            {
                "language": _(
                    "%(session)s already has a digest in %(language)s: open it to translate, "
                    "or delete it first."
                )
                % {"session": session.label, "language": language_label(language)}
            }
        )
    with transaction.atomic():
        translation = Digest.objects.create(
            session=session,
            language=language,
            source=source,
            lead=source.lead,
            lead_source_revision=None if source.lead else source.lead_revision,
            staff_count=source.staff_count,
            volunteer_count=source.volunteer_count,
            staff_organization=source.staff_organization,
        )
        items = list(Item.objects.filter(topic__digest=source).order_by("position", "pk"))
        for topic in source.topics.order_by("position", "pk"):
            copy = _copy_topic(topic, translation, topic.position)
            _copy_tree([item for item in items if item.topic_id == topic.pk], copy, None, None)
    return translation


def _copy_tree(items: list[Item], into: Topic, parent: Item | None, parent_id: int | None) -> None:
    for item in (item for item in items if item.parent_id == parent_id):
        copy = _copy_item(item, into, parent, item.position)
        _copy_tree(items, into, copy, item.pk)


def link_translation(*, digest: Digest, source: Digest) -> Digest:
    """Records that ``digest`` translates ``source`` (two versions written separately, e.g.
    both imported). Topics and items are paired by their place when both versions have the
    same shape there, and count as translated as they stand.

    Refused: another session's version, the same language, or a cycle (``source`` is itself
    translated, directly or not, from ``digest``).
    """
    if source.session_id != digest.session_id:
        raise ValidationError(
            {"source": _("A translation translates a version of the same session.")}
        )
    if source.pk == digest.pk or source.language == digest.language:
        raise ValidationError(
            {"source": _("A translation is written in another language than its source.")}
        )
    if digest in _ancestors(source):
        raise ValidationError(
            {
                "source": _(
                    "The %(source)s version is itself translated from this one: a version "
                    "cannot translate its own translation."
                )
                % {"source": language_label(source.language)}
            }
        )
    with transaction.atomic():
        digest.source = source
        digest.lead_source_revision = source.lead_revision
        digest.save(update_fields=["source", "lead_source_revision", "updated_at"])
        theirs = list(source.topics.order_by("position", "pk"))
        ours = list(digest.topics.order_by("position", "pk"))
        for mine, their in zip(ours, theirs, strict=False):
            mine.source, mine.source_revision = their, their.revision
            mine.save(update_fields=["source", "source_revision"])
            _pair_items(
                list(mine.items.filter(parent=None).order_by("position", "pk")),
                list(their.items.filter(parent=None).order_by("position", "pk")),
            )
        scheduling_services.touch_program(digest.session.program_id)
    return digest


def _pair_items(mine: list[Item], theirs: list[Item]) -> None:
    for ours, their in zip(mine, theirs, strict=False):
        if ours.kind != their.kind:
            continue
        ours.source, ours.source_revision = their, their.revision
        ours.save(update_fields=["source", "source_revision"])
        _pair_items(
            list(ours.children.order_by("position", "pk")),
            list(their.children.order_by("position", "pk")),
        )


def mark_current(*, unit: Topic | Item | Digest) -> None:
    """Confirms that a translated text still says what its source says now."""
    if isinstance(unit, Digest):
        if unit.source is not None:
            unit.lead_source_revision = unit.source.lead_revision
            unit.save(update_fields=["lead_source_revision", "updated_at"])
            scheduling_services.touch_program(unit.session.program_id)
        return
    if unit.source is None:
        return
    unit.source_revision = unit.source.revision
    unit.save(update_fields=["source_revision"])
    digest = unit.digest if isinstance(unit, Topic) else unit.topic.digest
    scheduling_services.touch_program(digest.session.program_id)


# --- Topics ---------------------------------------------------------------------------------------


def _next_position(queryset: QuerySet[Any]) -> int:
    highest = queryset.aggregate(highest=Max("position"))["highest"]
    return 0 if highest is None else highest + 1


def _check_topic_values(digest: Digest, values: dict[str, Any]) -> dict[str, Any]:
    if "title" in values:
        title = " ".join((values["title"] or "").split())
        if not title:
            raise ValidationError({"title": _("Give the topic a title.")})
        if len(title) > 300:
            raise ValidationError({"title": _("A title has at most 300 characters.")})
        values["title"] = title
    if "body" in values:
        values["body"] = _check_text(values["body"], "body")
    if "kind" in values and values["kind"] not in Topic.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of topic this is.")})
    segment = values.get("segment")
    if segment is not None and segment.session_id != digest.session_id:
        raise ValidationError({"segment": _("Choose a scheduled segment of this session.")})
    return values


def add_topic(
    *,
    digest: Digest,
    title: str,
    kind: str = Topic.Kind.PARTICIPANTS,
    body: str = "",
    segment: Segment | None = None,
) -> Topic:
    """Adds a topic at the end. Every version translated from this one gets it too, marked
    untranslated.

    Side effects: see :func:`_changed`.
    """
    values = _check_topic_values(
        digest, {"title": title, "body": body, "kind": kind, "segment": segment}
    )
    with transaction.atomic():
        topic = Topic.objects.create(
            digest=digest, position=_next_position(digest.topics.all()), **values
        )
        _add_topic_to_translations(topic)
        _changed(digest)
    return topic


def _add_topic_to_translations(topic: Topic) -> None:
    for translation in topic.digest.translations.all():
        copy = _copy_topic(topic, translation, _next_position(translation.topics.all()))
        _add_topic_to_translations(copy)


def update_topic(*, topic: Topic, **changes: Any) -> Topic:
    """Changes a topic. A changed title or text marks the topic outdated in every version
    translated from this one; saving a translated topic marks it translated. The kind and
    segment follow into the translations.

    Side effects: see :func:`_changed`.
    """
    unknown = set(changes) - TOPIC_FIELDS
    if unknown:
        raise TypeError(f"unknown topic fields: {sorted(unknown)}")
    digest = topic.digest
    changes = _check_topic_values(digest, dict(changes))
    changed = {k: v for k, v in changes.items() if getattr(topic, k) != v}
    fields = list(changed)
    text_saved = bool({"title", "body"} & set(changes))
    if text_saved and topic.source is not None and topic.source_revision != topic.source.revision:
        topic.source_revision = topic.source.revision
        fields.append("source_revision")
    if {"title", "body"} & set(changed):
        topic.revision += 1
        fields.append("revision")
    if not fields:
        return topic
    for key, value in changed.items():
        setattr(topic, key, value)
    with transaction.atomic():
        topic.save(update_fields=fields)
        structural = {k: v for k, v in changed.items() if k in {"kind", "segment"}}
        if structural:
            _follow_in_translations(Topic.objects.filter(source=topic), structural)
        _changed(digest)
    return topic


def _follow_in_translations(copies: QuerySet[Any], values: dict[str, Any]) -> None:
    for copy in copies:
        for key, value in values.items():
            setattr(copy, key, value)
        copy.save(update_fields=list(values))
        _follow_in_translations(type(copy).objects.filter(source=copy), values)


def _delete_with_copies(unit: Topic | Item) -> None:
    copies: list[Topic | Item] = (
        list(Topic.objects.filter(source=unit))
        if isinstance(unit, Topic)
        else list(Item.objects.filter(source=unit))
    )
    for copy in copies:
        _delete_with_copies(copy)
    unit.delete()


def delete_topic(*, topic: Topic) -> None:
    """Removes a topic with its items, from this version and every version translated from it.

    Side effects: follow-ups and resources recorded in it go with it; see :func:`_changed`.
    """
    digest = topic.digest
    with transaction.atomic():
        if topic.source_id is None:
            FollowUp.objects.filter(items__topic=topic, items__source=None).delete()
        _delete_with_copies(topic)
        _changed(digest)


def _swap(unit: Topic | Item, siblings: QuerySet[Any], direction: str) -> bool:
    if direction not in {"up", "down"}:
        raise ValidationError({"direction": _("Move up or down.")})
    ordered = list(siblings.order_by("position", "pk"))
    index = next(i for i, sibling in enumerate(ordered) if sibling.pk == unit.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, sibling in enumerate(ordered):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position"])
    unit.position = ordered.index(unit)
    return True


def move_topic(*, topic: Topic, direction: str) -> bool:
    """Moves a topic one place up or down; False when it is already first or last.

    Side effects: see :func:`_changed`.
    """
    with transaction.atomic():
        moved = _swap(topic, topic.digest.topics.all(), direction)
        if moved:
            _changed(topic.digest)
    return moved


# --- Items ----------------------------------------------------------------------------------------


def _depth(parent: Item | None) -> int:
    depth = 0
    while parent is not None:
        depth += 1
        parent = parent.parent
    return depth


def _follow_up_values(
    *,
    owner: Person | None,
    description: str,
    due_date: dt.date | None,
    status: str,
    resolution: str,
    requester: Person | None,
    requester_label: str,
    requester_level: str,
) -> dict[str, Any]:
    if status not in FollowUp.Status.values:
        raise ValidationError({"status": _("Choose open, done or dropped.")})
    requester, requester_label, requester_level = _check_speaker(
        requester, requester_label, requester_level, field="requester"
    )
    return {
        "owner": _check_staff(owner),
        "description": _check_text(description, "text", required=True),
        "due_date": due_date,
        "status": status,
        "resolution": _check_text(resolution, "resolution"),
        "requester": requester,
        "requester_label": requester_label,
        "requester_level": requester_level,
    }


def _resource_values(
    *,
    kind: str,
    url: str,
    title: str,
    language: str,
    start_seconds: int | None,
    end_seconds: int | None,
) -> dict[str, Any]:
    if kind not in Resource.Kind.values:
        raise ValidationError({"resource_kind": _("Choose what kind of resource this is.")})
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"resource_title": _("Give the resource a title.")})
    if len(title) > 300:
        raise ValidationError({"resource_title": _("A title has at most 300 characters.")})
    if language:
        language = _check_language(language, "resource_language")
    if end_seconds is not None and (start_seconds is None or end_seconds <= start_seconds):
        raise ValidationError(
            {"time_range": _("A time range ends after it starts, e.g. 5:30-6:15.")}
        )
    if kind != Resource.Kind.RECORDING and start_seconds is not None:
        raise ValidationError({"time_range": _("Only a recording has a time range.")})
    return {
        "kind": kind,
        "url": _check_url(url, "resource_url"),
        "title": title,
        "language": language,
        "start_seconds": start_seconds,
        "end_seconds": end_seconds,
    }


def add_item(
    *,
    topic: Topic,
    kind: str = Item.Kind.STATEMENT,
    text: str = "",
    parent: Item | None = None,
    speaker: Person | None = None,
    speaker_label: str = "",
    speaker_level: str = "",
    follow_up: dict[str, Any] | None = None,
    resource: dict[str, Any] | None = None,
) -> Item:
    """Adds an item at the end of ``topic`` (or of ``parent``'s replies).

    A follow-up item records a commitment (``follow_up``: owner, due_date, status, resolution,
    requester, requester_label, requester_level; its description is the text); a resource item
    a typed link (``resource``: kind, url, title, language, start_seconds, end_seconds). Every
    version translated from this one gets the item too, marked untranslated.

    Side effects: see :func:`_changed`.
    """
    if kind not in Item.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of item this is.")})
    if parent is not None and parent.topic_id != topic.pk:
        raise ValidationError({"parent": _("A reply belongs to an item of the same topic.")})
    if _depth(parent) >= MAX_DEPTH:
        raise ValidationError(
            {"parent": _("Replies nest at most %(count)d levels deep.") % {"count": MAX_DEPTH}}
        )
    text = _check_text(text, required=kind in {Item.Kind.QUESTION, Item.Kind.NOTE})
    speaker, speaker_label, speaker_level = _check_speaker(speaker, speaker_label, speaker_level)
    digest = topic.digest
    with transaction.atomic():
        follow_up_row = None
        resource_row = None
        if kind == Item.Kind.FOLLOW_UP:
            values = _follow_up_values(description=text, **(follow_up or {}))
            if values["status"] != FollowUp.Status.OPEN:
                values["resolved_at"] = timezone.now()
            follow_up_row = FollowUp.objects.create(session=digest.session, **values)
            if speaker is None and not speaker_label:
                speaker = follow_up_row.owner
        elif kind == Item.Kind.RESOURCE:
            resource_row = Resource.objects.create(
                session=digest.session, topic=topic, **_resource_values(**(resource or {}))
            )
        siblings = parent.children.all() if parent else topic.items.filter(parent=None)
        item = Item.objects.create(
            topic=topic,
            parent=parent,
            position=_next_position(siblings),
            kind=kind,
            text=text,
            speaker=speaker,
            speaker_label=speaker_label,
            speaker_level=speaker_level,
            follow_up=follow_up_row,
            resource=resource_row,
        )
        _add_item_to_translations(item)
        _changed(digest)
    return item


def _add_item_to_translations(item: Item) -> None:
    for topic_copy in Topic.objects.filter(source_id=item.topic_id):
        parent_copy = None
        if item.parent_id is not None:
            parent_copy = Item.objects.filter(source_id=item.parent_id, topic=topic_copy).first()
        siblings = (
            parent_copy.children.all() if parent_copy else topic_copy.items.filter(parent=None)
        )
        copy = _copy_item(item, topic_copy, parent_copy, _next_position(siblings))
        _add_item_to_translations(copy)


def update_item(
    *,
    item: Item,
    follow_up: dict[str, Any] | None = None,
    resource: dict[str, Any] | None = None,
    **changes: Any,
) -> Item:
    """Changes an item's text, speaker, or its follow-up or resource.

    A changed text marks the item outdated in every version translated from this one; saving
    a translated text marks it translated. The speaker, and how far they are named, follows
    into the translations (a translation cannot name anyone further than its source).

    Side effects: see :func:`_changed`; a changed follow-up or resource shows in every version.
    """
    unknown = set(changes) - ITEM_FIELDS
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")
    digest = item.topic.digest
    if "text" in changes:
        changes["text"] = _check_text(
            changes["text"], required=item.kind in {Item.Kind.QUESTION, Item.Kind.NOTE}
        )
    speaker_fields = {"speaker", "speaker_label", "speaker_level"} & set(changes)
    if speaker_fields:
        if item.source_id is not None:
            raise ValidationError(
                {"speaker": _("The speaker is chosen in the version this one translates.")}
            )
        speaker, label, level = _check_speaker(
            changes.get("speaker", item.speaker),
            changes.get("speaker_label", item.speaker_label),
            changes.get("speaker_level", item.speaker_level),
        )
        changes.update(speaker=speaker, speaker_label=label, speaker_level=level)
    changed = {k: v for k, v in changes.items() if getattr(item, k) != v}
    fields = list(changed)
    if (
        "text" in changes
        and item.source is not None
        and item.source_revision != item.source.revision
    ):
        item.source_revision = item.source.revision
        fields.append("source_revision")
    if "text" in changed:
        item.revision += 1
        fields.append("revision")
    with transaction.atomic():
        if follow_up is not None and item.follow_up is not None and item.source_id is None:
            _update_follow_up_row(
                item.follow_up,
                _follow_up_values(description=changes.get("text", item.text), **follow_up),
            )
        elif "text" in changed and item.follow_up is not None and item.source_id is None:
            item.follow_up.description = changes["text"]
            item.follow_up.save(update_fields=["description", "updated_at"])
        if resource is not None and item.resource is not None and item.source_id is None:
            values = _resource_values(**resource)
            for key, value in values.items():
                setattr(item.resource, key, value)
            item.resource.save(update_fields=list(values))
        for key, value in changed.items():
            setattr(item, key, value)
        if fields:
            item.save(update_fields=fields)
        speaker_changes = {k: v for k, v in changed.items() if k in ITEM_FIELDS - {"text"}}
        if speaker_changes:
            _follow_in_translations(Item.objects.filter(source=item), speaker_changes)
        if follow_up is not None or resource is not None:
            _touch_family(digest.session)
        _changed(digest)
    return item


def delete_item(*, item: Item) -> None:
    """Removes an item with its replies, from this version and every version translated from
    it. Removing a follow-up or resource from the version it was written in removes it
    altogether.

    Side effects: see :func:`_changed`.
    """
    digest = item.topic.digest
    with transaction.atomic():
        if item.source_id is None:
            subtree = _subtree_ids(item)
            FollowUp.objects.filter(items__pk__in=subtree, items__source=None).delete()
            Resource.objects.filter(items__pk__in=subtree, items__source=None).delete()
        if Item.objects.filter(pk=item.pk).exists():
            _delete_with_copies(item)
        _changed(digest)


def _subtree_ids(item: Item) -> list[int]:
    ids = [item.pk]
    frontier = [item.pk]
    while frontier:
        frontier = list(Item.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def move_item(*, item: Item, direction: str) -> bool:
    """Moves an item one place up or down among its siblings; False at either end.

    Side effects: see :func:`_changed`.
    """
    siblings = item.parent.children.all() if item.parent else item.topic.items.filter(parent=None)
    with transaction.atomic():
        moved = _swap(item, siblings, direction)
        if moved:
            _changed(item.topic.digest)
    return moved


# --- Follow-ups -----------------------------------------------------------------------------------


def _update_follow_up_row(follow_up: FollowUp, values: dict[str, Any]) -> None:
    was_open = follow_up.status == FollowUp.Status.OPEN
    for key, value in values.items():
        setattr(follow_up, key, value)
    fields = [*values, "updated_at"]
    if was_open and follow_up.status != FollowUp.Status.OPEN:
        follow_up.resolved_at = timezone.now()
        fields.append("resolved_at")
    elif follow_up.status == FollowUp.Status.OPEN and follow_up.resolved_at is not None:
        follow_up.resolved_at = None
        fields.append("resolved_at")
    follow_up.save(update_fields=fields)


def update_follow_up(
    *,
    follow_up: FollowUp,
    status: str | None = None,
    resolution: str | None = None,
    due_date: dt.date | str | None = "unchanged",
    owner: Person | None = None,
) -> FollowUp:
    """Changes a follow-up's status, resolution, due date or owner (a staff member).

    Side effects: every version of the digest shows the new status; the program's public pages
    are rebuilt.
    """
    values: dict[str, Any] = {}
    if status is not None:
        if status not in FollowUp.Status.values:
            raise ValidationError({"status": _("Choose open, done or dropped.")})
        values["status"] = status
    if resolution is not None:
        values["resolution"] = _check_text(resolution, "resolution")
    if due_date != "unchanged":
        values["due_date"] = due_date
    if owner is not None:
        values["owner"] = _check_staff(owner)
    if values.get("status") in {FollowUp.Status.DONE, FollowUp.Status.DROPPED} and not (
        values.get("resolution", follow_up.resolution)
    ):
        raise ValidationError({"resolution": _("Say how it was resolved, or why it was dropped.")})
    with transaction.atomic():
        _update_follow_up_row(follow_up, values)
        _touch_family(follow_up.session)
    return follow_up


def set_reminder_address(*, person: Person, email: str) -> OwnerContact | None:
    """Where ``person``'s overdue follow-ups are sent; an empty address stops the reminders."""
    email = (email or "").strip()
    if not email:
        OwnerContact.objects.filter(person=person).delete()
        return None
    try:
        EmailValidator()(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    contact, _created = OwnerContact.objects.update_or_create(
        person=person, defaults={"email": email}
    )
    return contact


# --- Resources on a session or segment --------------------------------------------------------


def add_resource(
    *,
    session: ClinicSession,
    kind: str,
    url: str,
    title: str,
    language: str = "",
    segment: Segment | None = None,
    start_seconds: int | None = None,
    end_seconds: int | None = None,
) -> Resource:
    """Adds a typed link to a session or one of its segments; every version of its digest
    lists it.

    Side effects: published versions are re-indexed; the program's public pages are rebuilt.
    """
    if segment is not None and segment.session_id != session.pk:
        raise ValidationError({"segment": _("Choose a scheduled segment of this session.")})
    values = _resource_values(
        kind=kind,
        url=url,
        title=title,
        language=language,
        start_seconds=start_seconds,
        end_seconds=end_seconds,
    )
    with transaction.atomic():
        resource = Resource.objects.create(session=session, segment=segment, **values)
        _touch_family(session)
    return resource


def delete_resource(*, resource: Resource) -> None:
    """Removes a resource from its session (and from any topic that shows it).

    Side effects: published versions are re-indexed; the program's public pages are rebuilt.
    """
    session = resource.session
    with transaction.atomic():
        resource.delete()
        _touch_family(session)


# --- Imports --------------------------------------------------------------------------------------


@dataclass
class ItemDraft:
    """An item to write (importers build these from what they read)."""

    kind: str
    text: str = ""
    speaker: Person | None = None
    speaker_label: str = ""
    children: list[ItemDraft] = field(default_factory=list)
    follow_up: dict[str, Any] | None = None  # as for add_item
    resource: dict[str, Any] | None = None


@dataclass
class TopicDraft:
    title: str
    kind: str = Topic.Kind.PARTICIPANTS
    body: str = ""
    items: list[ItemDraft] = field(default_factory=list)


def write_topics(*, digest: Digest, topics: Sequence[TopicDraft]) -> int:
    """Appends whole topics to a digest in a few statements (an import's hundreds of items
    at once), with the same checks as :func:`add_topic` and :func:`add_item`. Returns the
    number of items written.

    Side effects: see :func:`_changed`. Not for a version that has translations.
    """
    if digest.translations.exists():
        raise ValidationError(_("Topics are added one by one to a version that has translations."))
    position = _next_position(digest.topics.all())
    rows: list[Topic] = []
    for offset, draft in enumerate(topics):
        values = _check_topic_values(
            digest, {"title": draft.title, "body": draft.body, "kind": draft.kind}
        )
        rows.append(Topic(digest=digest, position=position + offset, **values))
    with transaction.atomic():
        created = Topic.objects.bulk_create(rows)
        level: list[tuple[Topic, Item | None, int, ItemDraft]] = [
            (topic, None, index, item)
            for topic, draft in zip(created, topics, strict=True)
            for index, item in enumerate(draft.items)
        ]
        count = 0
        depth = 0
        while level:
            if depth > MAX_DEPTH:
                raise ValidationError(
                    {
                        "parent": _("Replies nest at most %(count)d levels deep.")
                        % {"count": MAX_DEPTH}
                    }
                )
            items = [
                _draft_row(digest, topic, parent, index, draft)
                for topic, parent, index, draft in level
            ]
            saved = Item.objects.bulk_create(items)
            count += len(saved)
            level = [
                (topic, item, index, child)
                for (topic, _parent, _index, draft), item in zip(level, saved, strict=True)
                for index, child in enumerate(draft.children)
            ]
            depth += 1
        _changed(digest)
    return count


def _draft_row(
    digest: Digest, topic: Topic, parent: Item | None, position: int, draft: ItemDraft
) -> Item:
    if draft.kind not in Item.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of item this is.")})
    text = _check_text(draft.text)
    speaker, label, _level = _check_speaker(draft.speaker, draft.speaker_label, "")
    follow_up_row = None
    resource_row = None
    if draft.kind == Item.Kind.FOLLOW_UP:
        values = _follow_up_values(description=text, **(draft.follow_up or {}))
        if values["status"] != FollowUp.Status.OPEN:
            values["resolved_at"] = timezone.now()
        follow_up_row = FollowUp.objects.create(session=digest.session, **values)
    elif draft.kind == Item.Kind.RESOURCE:
        resource_row = Resource.objects.create(
            session=digest.session, topic=topic, **_resource_values(**(draft.resource or {}))
        )
    return Item(
        topic=topic,
        parent=parent,
        position=position,
        kind=draft.kind,
        text=text,
        speaker=speaker,
        speaker_label=label,
        follow_up=follow_up_row,
        resource=resource_row,
    )
