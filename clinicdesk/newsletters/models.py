"""Newsletter issues compiled from the record, the opportunities they list, and subscribers.

An issue's compiled parts (past and upcoming sessions, open opportunities) are rows of
:class:`IssueItem` pointing at the record, so the editor's order, hiding and notes live on
those rows and survive the next compile. The written parts (the welcome, notes, stories) are
Markdown-subset texts (``digests.markup``) with a revision, and a version in another language
remembers the source revision it was translated from, as digests do.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clinicdesk.outbox.models import OutboxMessage
from clinicdesk.scheduling.models import ClinicSession, Program


class Opportunity(models.Model):
    """Something to apply for elsewhere in the movement, open until its deadline."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="opportunities", verbose_name=_("program")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    # The deadline as the organizers gave it: a day (and a time, else the end of that day) in
    # a zone; ``deadline_at`` is the UTC instant derived by the services.
    deadline_date = models.DateField(_("deadline"))
    deadline_time = models.TimeField(
        _("deadline time"), null=True, blank=True, help_text=_("Empty: the end of the day.")
    )
    time_zone = models.CharField(_("time zone of the deadline"), max_length=64, default="UTC")
    deadline_at = models.DateTimeField(editable=False)
    audience = models.CharField(
        _("audience or region"), max_length=200, blank=True, help_text=_("e.g. Central Asia")
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline_at", "pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")

    def __str__(self) -> str:
        return self.title


class Issue(models.Model):
    """One issue of a program's newsletter in one language."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("issue status", "draft")
        PUBLISHED = "published", pgettext_lazy("issue status", "published")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="newsletter_issues")
    # Other programs whose sessions and opportunities this issue also compiles.
    also_programs = models.ManyToManyField(
        Program, related_name="+", blank=True, verbose_name=_("also from programs")
    )
    number = models.PositiveIntegerField(_("number"))
    language = models.CharField(_("language"), max_length=20, default="en")
    source = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translated from"),
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    upcoming_until = models.DateField(
        _("upcoming sessions until"), help_text=_("The last day of upcoming sessions listed.")
    )
    issue_date = models.DateField(
        _("date of the issue"),
        help_text=_("Opportunities whose deadline has passed by this day are left out."),
    )
    # The written parts around the compiled ones: the welcome, the section headings the
    # editor chose (else the standard ones), and the words before the stories. One revision
    # for them all, compared by a translation with the source's.
    welcome_heading = models.CharField(_("welcome heading"), max_length=300, blank=True)
    welcome = models.TextField(_("welcome text"), blank=True)
    headings = models.JSONField(_("section headings"), default=dict, blank=True)
    stories_intro = models.TextField(_("before the stories"), blank=True)
    text_revision = models.PositiveIntegerField(default=1, editable=False)
    text_source_revision = models.PositiveIntegerField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    compiled_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "number", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "number", "language"], name="issue_number_language_unique"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="issue_period_in_order",
            ),
        ]
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse(
            "newsletters:issue",
            kwargs={"slug": self.program.slug, "number": self.number, "language": self.language},
        )

    @property
    def display_title(self) -> str:
        return self.title or f"{self.program.name} #{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class IssueItem(models.Model):
    """A compiled entry of an issue: a past or upcoming session, or an open opportunity, with
    the editor's order, visibility and note."""

    class Section(models.TextChoices):
        PAST = "past", _("past sessions")
        UPCOMING = "upcoming", _("upcoming sessions")
        OPPORTUNITY = "opportunity", _("opportunities")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(max_length=20, choices=Section.choices)
    session = models.ForeignKey(
        ClinicSession, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    hidden = models.BooleanField(_("hidden"), default=False)
    note = models.TextField(_("editor's note"), blank=True)
    note_revision = models.PositiveIntegerField(default=1, editable=False)
    note_source_revision = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Set when the editor moved, hid or annotated it: compiling never undoes that.
    edited = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["issue", "section", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "session"], name="issue_item_session_once"),
            models.UniqueConstraint(
                fields=["issue", "opportunity"], name="issue_item_opportunity_once"
            ),
            models.CheckConstraint(
                condition=(
                    Q(section="opportunity", opportunity__isnull=False, session__isnull=True)
                    | (
                        ~Q(section="opportunity")
                        & Q(session__isnull=False, opportunity__isnull=True)
                    )
                ),
                name="issue_item_points_at_its_kind",
            ),
        ]
        verbose_name = _("compiled item")

    def __str__(self) -> str:
        return str(self.session or self.opportunity)


class Story(models.Model):
    """A story written by the editor, with images by link."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="stories")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    # [{"url": "https://...", "alt": "..."}]: shown by link, never copied.
    images = models.JSONField(_("images"), default=list, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    revision = models.PositiveIntegerField(default=1, editable=False)
    source = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    source_revision = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["issue", "position", "pk"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    def __str__(self) -> str:
        return self.title


class Subscription(models.Model):
    """An address that asked for a program's newsletter in one language.

    Confirmed by a link sent to it (double opt-in); left by one link in every issue. Only
    SHA-256 digests of the links' tokens are stored.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("subscription", "waiting for confirmation")
        ACTIVE = "active", pgettext_lazy("subscription", "subscribed")
        LEFT = "left", pgettext_lazy("subscription", "unsubscribed")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="newsletter_subscriptions"
    )
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=20, default="en")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    confirm_digest = models.CharField(max_length=64, blank=True, db_index=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "language", "email"], name="subscription_once_per_language"
            )
        ]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self) -> str:
        return f"{self.email} ({self.language})"


class UnsubscribeLink(models.Model):
    """One e-mail's unsubscribe link: every e-mail gets its own, and every one keeps working
    (only the SHA-256 of its token is stored)."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="unsubscribe_links"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unsubscribe link")

    def __str__(self) -> str:
        return f"{self.subscription} ({self.created_at:%Y-%m-%d})"


class NewsletterSettings(models.Model):
    """A program's newsletter settings: how its wiki pages are named."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="newsletter_settings"
    )
    wiki_title_pattern = models.CharField(
        _("wiki page title"),
        max_length=300,
        default="{prefix}/Newsletter/Issue {number}",
        help_text=_(
            "May use {prefix} (the program's wiki page prefix), {program}, {number}, {year} "
            "and {language}; versions in other languages add /{language} unless it is used."
        ),
    )

    class Meta:
        verbose_name = _("newsletter settings")
        verbose_name_plural = _("newsletter settings")

    def __str__(self) -> str:
        return str(self.program)


class SubscriberEmail(OutboxMessage):
    """An e-mail to one subscriber: the confirmation request, or an issue (with its own
    unsubscribe link and the ``List-Unsubscribe`` headers). Composed at delivery."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", pgettext_lazy("subscriber e-mail", "confirmation")
        ISSUE = "issue", pgettext_lazy("subscriber e-mail", "issue")

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriber_emails"
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)

    class Meta(OutboxMessage.Meta):
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "issue"],
                condition=Q(kind="issue"),
                name="subscriber_email_issue_once",
            ),
            models.CheckConstraint(
                condition=Q(kind="confirmation") | Q(issue__isnull=False),
                name="subscriber_email_issue_has_issue",
            ),
        ]
        verbose_name = _("e-mail to a subscriber")
        verbose_name_plural = _("e-mails to subscribers")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.subscription}"
