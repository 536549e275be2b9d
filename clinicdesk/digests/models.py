"""Digests: the edited summary of a session in one language, its topics and items,
follow-up commitments, resources, and the search documents of published digests.

A digest is the original or a translation of another version of the same session. Every
translatable unit (the digest's lead, a topic, an item) carries a ``revision`` that moves
when its text changes; a translated unit remembers its ``source`` and the source's revision
it was written against (``source_revision``, empty while untranslated), so a change to the
source marks each translated unit outdated on its own.

Speakers are people (``scheduling.Person``) or free labels. How a person is named is never
stored here: renderers read the person's consent at render time (see ``attribution.py``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clinicdesk.outbox.models import OutboxMessage
from clinicdesk.scheduling.models import ClinicSession, Person, Program, Segment


class TranslationState(models.TextChoices):
    """Where a translatable unit stands against the version it translates."""

    ORIGINAL = "original", pgettext_lazy("translation state", "original")
    UNTRANSLATED = "untranslated", pgettext_lazy("translation state", "untranslated")
    OUTDATED = "outdated", pgettext_lazy("translation state", "outdated")
    CURRENT = "current", pgettext_lazy("translation state", "up to date")


class AttributionLevel(models.TextChoices):
    """How far an editor names a speaker; never further than the person's own consent."""

    NAME = "name", _("by name")
    AFFILIATION = "affiliation", _("by affiliation only")
    ANONYMOUS = "anonymous", _("anonymously")


class Digest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("digest status", "draft")
        PUBLISHED = "published", pgettext_lazy("digest status", "published")

    session = models.ForeignKey(
        ClinicSession, on_delete=models.CASCADE, related_name="digests", verbose_name=_("session")
    )
    language = models.CharField(_("language"), max_length=20)
    source = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translation of"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    lead = models.TextField(
        _("lead"),
        blank=True,
        help_text=_(
            "Shown after the header, e.g. “Except for the introduction, the topics are "
            "brought up by volunteers participating in the calls.”"
        ),
    )
    lead_revision = models.PositiveIntegerField(default=1, editable=False)
    lead_source_revision = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Until attendance is recorded with registration, the headcount lives on the digest;
    # queries.headcount() is the one place that decides where it comes from.
    staff_count = models.PositiveSmallIntegerField(_("staff present"), null=True, blank=True)
    volunteer_count = models.PositiveSmallIntegerField(
        _("volunteers present"), null=True, blank=True
    )
    staff_organization = models.CharField(
        _("staff of"),
        max_length=200,
        blank=True,
        help_text=_("Whose staff the headcount counts, e.g. Wikimedia Foundation."),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "language"], name="digest_one_version_per_language"
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("id")), name="digest_not_its_own_source"
            ),
        ]
        indexes = [models.Index(fields=["status", "session"])]
        verbose_name = _("digest")
        verbose_name_plural = _("digests")

    def __str__(self) -> str:
        return f"{self.session} ({self.language})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Topic(models.Model):
    class Kind(models.TextChoices):
        INTRODUCTION = "introduction", pgettext_lazy("topic kind", "introduction")
        SEGMENT = "segment", pgettext_lazy("topic kind", "scheduled segment")
        PARTICIPANTS = "participants", pgettext_lazy("topic kind", "raised by participants")

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="topics")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.PARTICIPANTS
    )
    segment = models.ForeignKey(
        Segment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digest_topics",
        verbose_name=_("scheduled segment"),
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_(
            "Paragraphs, lists (“* ”) and subheadings (“### ”); *emphasis*, [links](https://…)."
        ),
    )
    revision = models.PositiveIntegerField(default=1, editable=False)
    source = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="translations"
    )
    source_revision = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["digest", "position", "pk"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.title


class FollowUp(models.Model):
    """A commitment made on a call: owned by a staff person, asked for by a speaker."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("follow-up status", "open")
        DONE = "done", pgettext_lazy("follow-up status", "done")
        DROPPED = "dropped", pgettext_lazy("follow-up status", "dropped")

    session = models.ForeignKey(ClinicSession, on_delete=models.CASCADE, related_name="follow_ups")
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="owned_follow_ups", verbose_name=_("owner")
    )
    requester = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requested_follow_ups",
        verbose_name=_("requested by"),
    )
    requester_label = models.CharField(_("requested by (as written)"), max_length=200, blank=True)
    requester_level = models.CharField(
        _("name the requester"), max_length=20, choices=AttributionLevel.choices, blank=True
    )
    description = models.TextField(_("description"))
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return self.description[:80]


class Resource(models.Model):
    """A typed link on a session, one of its segments, or a topic of a digest."""

    class Kind(models.TextChoices):
        RECORDING = "recording", pgettext_lazy("resource kind", "recording")
        SLIDES = "slides", pgettext_lazy("resource kind", "slides")
        TOOL = "tool", pgettext_lazy("resource kind", "tool")
        PAGE = "page", pgettext_lazy("resource kind", "page")
        DOCUMENT = "document", pgettext_lazy("resource kind", "document")

    session = models.ForeignKey(ClinicSession, on_delete=models.CASCADE, related_name="resources")
    segment = models.ForeignKey(
        Segment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("segment"),
    )
    # Set for a resource added to a topic: it then appears where its items are placed.
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="resources"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    url = models.URLField(_("address"), max_length=500)
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(_("language"), max_length=20, blank=True)
    start_seconds = models.PositiveIntegerField(null=True, blank=True)
    end_seconds = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "segment", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_seconds__isnull=True)
                | Q(start_seconds__isnull=False, end_seconds__gt=models.F("start_seconds")),
                name="resource_time_range_in_order",
            )
        ]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    """One entry of a topic: a statement, a question, an editor's note, a follow-up or a
    resource, with its nested points and replies as children."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", pgettext_lazy("item kind", "statement")
        QUESTION = "question", pgettext_lazy("item kind", "question")
        NOTE = "note", pgettext_lazy("item kind", "editor's note")
        FOLLOW_UP = "follow_up", pgettext_lazy("item kind", "follow-up")
        RESOURCE = "resource", pgettext_lazy("item kind", "resource")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STATEMENT)
    speaker = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digest_items",
        verbose_name=_("speaker"),
    )
    speaker_label = models.CharField(
        _("speaker (as written)"),
        max_length=200,
        blank=True,
        help_text=_("For someone who is not in the list of people, e.g. “a volunteer from Spain”."),
    )
    speaker_level = models.CharField(
        _("name the speaker"), max_length=20, choices=AttributionLevel.choices, blank=True
    )
    text = models.TextField(_("text"), blank=True)
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, null=True, blank=True, related_name="items"
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, null=True, blank=True, related_name="items"
    )
    revision = models.PositiveIntegerField(default=1, editable=False)
    source = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="translations"
    )
    source_revision = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["topic", "position", "pk"]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return self.text[:80] or self.get_kind_display()


class OwnerContact(models.Model):
    """Where a staff person's follow-up reminders are sent.

    ``scheduling.Person`` has no e-mail address; this keeps the one the organizers gave.
    """

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="follow_up_contact"
    )
    email = models.EmailField(_("e-mail for reminders"))

    class Meta:
        verbose_name = _("reminder address")
        verbose_name_plural = _("reminder addresses")

    def __str__(self) -> str:
        return self.email


class FollowUpReminder(OutboxMessage):
    """The e-mail reminding an owner of their overdue follow-ups (on the shared outbox).

    Written, with the follow-ups it names, in the transaction that decides it; composed at
    delivery from the record as it is then (a follow-up done meanwhile is left out, and the
    e-mail is skipped when none is left or the owner has no reminder address any more).
    ``key`` names the owner and the due state of those follow-ups (each one's due date and
    last reminder), so each reminder is written once however often the periodic work runs.
    """

    owner = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="follow_up_reminders",
        verbose_name=_("owner"),
    )
    follow_ups = models.ManyToManyField(
        FollowUp, related_name="reminders", verbose_name=_("follow-ups")
    )
    key = models.CharField(max_length=64, unique=True, editable=False)
    # What was sent (or tried), recorded at delivery.
    recipient = models.EmailField(_("sent to"), blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)

    class Meta(OutboxMessage.Meta):
        ordering = ["-created_at", "-pk"]
        verbose_name = _("follow-up reminder")
        verbose_name_plural = _("follow-up reminders")

    def __str__(self) -> str:
        return f"{self.owner} ({self.get_status_display()})"


class SearchDocument(models.Model):
    """The searchable text of a published digest (speaker names are never indexed).

    The full-text index is kept by the database itself (see migration 0002): on SQLite an
    FTS5 table ``digests_search`` filled by triggers on this table; on PostgreSQL a
    ``search`` tsvector column set by a trigger, under a GIN index.
    """

    digest = models.OneToOneField(Digest, on_delete=models.CASCADE, related_name="search_document")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=20)
    session_date = models.DateField(null=True, blank=True)
    # PostgreSQL text search configuration for the language ("english", "simple", ...).
    config = models.CharField(max_length=40, default="simple")
    title = models.CharField(max_length=500)
    body = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["program", "language", "session_date"])]

    def __str__(self) -> str:
        return self.title
