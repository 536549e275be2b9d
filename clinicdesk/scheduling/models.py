"""Programs, their numbered sessions (calls), segments, people and hosts.

A session's start is stored as its local wall time and IANA zone (``start_date``,
``start_time``, ``time_zone``); ``starts_at`` is the UTC instant derived from them by the
services, kept for ordering and queries. A session whose date or time of day is not known
says so (``start_time`` or ``start_date`` empty) rather than inventing one.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Program(models.Model):
    """A named programme run by one team, e.g. "Wikimedia Clinics"."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    purpose = models.TextField(_("purpose"), blank=True)
    conduct = models.TextField(
        _("expected conduct"),
        blank=True,
        help_text=_("What attendees are expected to do, e.g. the program's Friendly space text."),
    )
    default_languages = models.JSONField(_("default languages"), default=list, blank=True)
    community_zones = models.JSONField(
        _("community cities"),
        default=list,
        blank=True,
        help_text=_("IANA time zones of the community's cities, shown in the world clock."),
    )
    wiki_page_prefix = models.CharField(_("wiki page prefix"), max_length=200, blank=True)
    session_title_pattern = models.CharField(
        _("session title pattern"),
        max_length=200,
        default="{program} #{number}",
        help_text=_("How a session is named when it has no title of its own."),
    )
    default_duration_minutes = models.PositiveSmallIntegerField(
        _("default length (minutes)"), default=90
    )
    cadence_days = models.PositiveSmallIntegerField(
        _("minimum days between calls"),
        default=7,
        help_text=_(
            "Repeating a session takes the next slot of the rotation at least this many "
            "days after the previous call."
        ),
    )
    organizers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="organized_programs",
        blank=True,
        verbose_name=_("organizers"),
    )
    # Bumped by every service that changes the program or one of its sessions: public pages
    # and feeds are cached under it, so a change is visible at once on every app server.
    content_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scheduling:program", kwargs={"slug": self.slug})


class RotationSlot(models.Model):
    """One weekly call time of a program's rotation, in its own zone."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rotation")
    position = models.PositiveSmallIntegerField(default=0)
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    local_time = models.TimeField(_("time"))
    time_zone = models.CharField(_("time zone"), max_length=64)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("rotation slot")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.local_time:%H:%M} {self.time_zone}"


class Person(models.Model):
    """Someone who hosts, presents or speaks: staff of the organizing team or a volunteer."""

    class Role(models.TextChoices):
        STAFF = "staff", _("staff")
        VOLUNTEER = "volunteer", _("volunteer")

    name = models.CharField(_("name"), max_length=200)
    affiliation = models.CharField(
        _("affiliation"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Wikimedia Mexico"),
    )
    organization = models.CharField(
        _("organization tag"),
        max_length=40,
        blank=True,
        help_text=_("Short tag shown after a staff member's name, e.g. WMF."),
    )

    class Attribution(models.TextChoices):
        """How far a volunteer agreed to be named in a digest; staff are always named."""

        NAME = "name", _("by name and affiliation")
        AFFILIATION = "affiliation", _("by affiliation only")
        ANONYMOUS = "anonymous", _("anonymously")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VOLUNTEER)
    # The least exposure unless the person said otherwise.
    attribution_consent = models.CharField(
        _("may be named in digests"),
        max_length=20,
        choices=Attribution.choices,
        default=Attribution.ANONYMOUS,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        if self.role == self.Role.STAFF and self.organization:
            return f"{self.name} ({self.organization})"
        return self.name

    @property
    def is_staff_member(self) -> bool:
        return self.role == self.Role.STAFF


class ClinicSession(models.Model):
    """One numbered call of a program ("Wikimedia Clinic #010").

    Called ClinicSession in code to keep it apart from Django's own sessions.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("session status", "planned")
        OPEN = "open", pgettext_lazy("session status", "open for registration")
        HELD = "held", pgettext_lazy("session status", "held")
        CANCELLED = "cancelled", pgettext_lazy("session status", "cancelled")

    class DatePrecision(models.TextChoices):
        """How much of the date is known: the day, only the month, or nothing yet."""

        DAY = "day", pgettext_lazy("date precision", "on a date")
        MONTH = "month", pgettext_lazy("date precision", "month only")
        DISCUSSED = "discussed", pgettext_lazy("date precision", "date to be discussed")

    class Kind(models.TextChoices):
        CLINIC = "clinic", _("clinic call")
        LEARNING_CLINIC = "learning-clinic", _("learning clinic")
        EVENT = "event", _("event")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CLINIC)
    start_date = models.DateField(_("date"), null=True, blank=True)
    # Without a date: "month" says the session is in ``start_month`` (its first day);
    # "discussed" says the date is to be discussed, in ``start_month`` when one is expected.
    date_precision = models.CharField(
        _("date known"),
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    start_month = models.DateField(
        _("month"),
        null=True,
        blank=True,
        help_text=_("The month, when only the month is known (stored as its first day)."),
    )
    start_time = models.TimeField(
        _("local start time"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the time of day is not known."),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # Derived from the three fields above by the services; empty while the time is unknown.
    starts_at = models.DateTimeField(_("start (UTC)"), null=True, blank=True, editable=False)
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=90)
    spoken_languages = models.JSONField(_("spoken languages"), default=list, blank=True)
    interpretation_languages = models.JSONField(
        _("interpretation offered"), default=list, blank=True
    )
    # Topic names per language as listed in the archive, e.g. {"es": [...], "en": [...]}.
    archive_topics = models.JSONField(_("topics"), default=dict, blank=True)
    meeting_url = models.URLField(_("meeting link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    hosts = models.ManyToManyField(
        Person, related_name="hosted_sessions", blank=True, verbose_name=_("hosts")
    )
    is_demo = models.BooleanField(
        _("demo session"),
        default=False,
        help_text=_("Planned by the demo data so that the product shows upcoming calls."),
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="session_number_unique"),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True) | Q(start_date__isnull=False),
                name="session_time_needs_date",
            ),
            models.CheckConstraint(
                condition=Q(date_precision="day", start_month__isnull=True)
                | (~Q(date_precision="day") & Q(start_date__isnull=True)),
                name="session_month_only_without_date",
            ),
            models.CheckConstraint(
                condition=~Q(date_precision="month") | Q(start_month__isnull=False),
                name="session_month_only_has_month",
            ),
        ]
        indexes = [models.Index(fields=["program", "starts_at"])]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse(
            "scheduling:session",
            kwargs={"slug": self.program.slug, "number": self.number},
        )

    @property
    def label(self) -> str:
        """``#010``."""
        return f"#{self.number:03d}"

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        return self.program.session_title_pattern.format(
            program=self.program.name, number=f"{self.number:03d}"
        )

    @property
    def ends_at(self) -> dt.datetime | None:
        if self.starts_at is None:
            return None
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def month(self) -> dt.date | None:
        """The first day of the session's month, when its day or at least its month is known."""
        if self.start_date is not None:
            return self.start_date.replace(day=1)
        return self.start_month

    @property
    def is_dated(self) -> bool:
        return self.start_date is not None

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class Segment(models.Model):
    """A scheduled topic within a session; what is left of the session is open time."""

    session = models.ForeignKey(ClinicSession, on_delete=models.CASCADE, related_name="segments")
    title = models.CharField(_("title"), max_length=300)
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    start_offset_minutes = models.PositiveSmallIntegerField(
        _("starts after (minutes)"),
        default=0,
        help_text=_("Minutes after the start of the session."),
    )
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=30)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["session", "start_offset_minutes", "pk"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self) -> str:
        return self.title

    @property
    def end_offset_minutes(self) -> int:
        return self.start_offset_minutes + self.duration_minutes
