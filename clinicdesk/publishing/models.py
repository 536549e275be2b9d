"""Where a program is published, and the record of publishing it.

* :class:`WikiTarget`: a MediaWiki a program publishes to (several are allowed), its page
  titles, edit summary and flags. The bot login is never stored: it is read from the
  environment (``CLINICDESK_WIKI_<NAME>_USERNAME`` and ``..._PASSWORD``) when publishing.
* :class:`WikiPage`: one page clinicdesk keeps on a target (the program page or one digest
  version): where it stands, the revision it last saved and the fingerprint of each part it
  wrote, so that a hand edit inside a generated part is noticed.
* :class:`PublishAttempt`: every attempt to publish a page, with its result, for organizers.
* :class:`MailingList`, :class:`ListSender` and :class:`ListMessage`: the program's mailing
  lists, who writes to them, and each e-mail to a list from decision to delivery (an outbox).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clinicdesk.digests.models import Digest
from clinicdesk.outbox.models import OutboxMessage
from clinicdesk.scheduling.models import ClinicSession, Program


class WikiTarget(models.Model):
    """A MediaWiki a program publishes to, through its Action API."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="wiki_targets")
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. Meta-Wiki"))
    api_url = models.URLField(
        _("API address"),
        max_length=300,
        help_text=_("The wiki's api.php, e.g. https://meta.wikimedia.org/w/api.php"),
    )
    credentials_name = models.CharField(
        _("credentials name"),
        max_length=40,
        help_text=_(
            "The bot password is read from the server's environment, never stored: for META, "
            "CLINICDESK_WIKI_META_USERNAME (e.g. ClinicBot@clinicdesk) and "
            "CLINICDESK_WIKI_META_PASSWORD."
        ),
    )
    language = models.CharField(
        _("language of the wiki"),
        max_length=20,
        default="en",
        help_text=_("The language of the headings, dates and labels clinicdesk writes."),
    )
    program_page_title = models.CharField(
        _("program page"),
        max_length=255,
        blank=True,
        help_text=_(
            "The page that gets the upcoming calls and the archive table, e.g. Wikimedia "
            "Clinics. Leave empty to leave the program page alone."
        ),
    )
    digest_title_pattern = models.CharField(
        _("digest page titles"),
        max_length=255,
        blank=True,
        default="{prefix}/{number}/{language}",
        help_text=_(
            "e.g. Wikimedia Clinics/{number}/{language}; {prefix} is the program's wiki page "
            "prefix (or its name), {number} the session number (006), {language} the "
            "digest's language code. Leave empty not to publish digests here."
        ),
    )
    edit_summary = models.CharField(
        _("edit summary"), max_length=200, default="Updated from clinicdesk"
    )
    mark_bot = models.BooleanField(_("mark edits as bot edits"), default=True)
    mark_minor = models.BooleanField(_("mark edits as minor"), default=False)
    max_lag_seconds = models.SmallIntegerField(
        _("maximum replication lag (seconds)"),
        default=5,
        help_text=_("The wiki is asked to refuse an edit while its replicas lag more than this."),
    )
    republish_on_change = models.BooleanField(
        _("republish when the record changes"),
        default=True,
        help_text=_(
            "Sessions, digests and attribution preferences are published again a minute "
            "after they change."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="wiki_target_name_unique")
        ]
        verbose_name = _("wiki")
        verbose_name_plural = _("wikis")

    def __str__(self) -> str:
        return self.name


class WikiPage(models.Model):
    """One page clinicdesk keeps on a wiki: the program page, one digest version, or a page of
    another app's source (``sources.py``: ``source_kind`` names it, ``source_key`` the page)."""

    class Kind(models.TextChoices):
        PROGRAM = "program", pgettext_lazy("wiki page kind", "program page")
        DIGEST = "digest", pgettext_lazy("wiki page kind", "digest")
        SOURCE = "source", pgettext_lazy("wiki page kind", "from another app")

    class State(models.TextChoices):
        NEW = "new", pgettext_lazy("wiki page state", "not published yet")
        PENDING = "pending", pgettext_lazy("wiki page state", "waiting to be published")
        PUBLISHING = "publishing", pgettext_lazy("wiki page state", "being published")
        RETRYING = "retrying", pgettext_lazy("wiki page state", "will try again")
        PUBLISHED = "published", pgettext_lazy("wiki page state", "up to date")
        CONFLICT = "conflict", pgettext_lazy("wiki page state", "edited by hand on the wiki")
        FAILED = "failed", pgettext_lazy("wiki page state", "failed")
        WITHDRAWN = "withdrawn", pgettext_lazy("wiki page state", "no longer published")

    target = models.ForeignKey(WikiTarget, on_delete=models.CASCADE, related_name="pages")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The digest version this page shows; kept (empty) in the record if the digest is deleted.
    digest = models.ForeignKey(
        Digest, on_delete=models.SET_NULL, null=True, blank=True, related_name="wiki_pages"
    )
    # A page of another app's source: its registered kind and the source's key for the page.
    source_kind = models.CharField(max_length=50, blank=True)
    source_key = models.CharField(max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=255)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.NEW)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # What went wrong last, for organizers ("" when all is well), and its kind (wiki.Problem).
    problem = models.CharField(max_length=40, blank=True)
    message = models.TextField(_("message"), blank=True)
    # The page's revision clinicdesk last saved or found up to date.
    revision_id = models.PositiveBigIntegerField(_("revision"), null=True, blank=True)
    # {part name: fingerprint of the text clinicdesk last wrote between its markers}.
    written_parts = models.JSONField(default=dict, blank=True)
    # The title the parts were written under: a new title is a new page.
    written_title = models.CharField(max_length=255, blank=True)
    # Parts found edited by hand at the last attempt, and those an organizer then decided to
    # overwrite (used once).
    conflict_parts = models.JSONField(default=list, blank=True)
    overwrite_parts = models.JSONField(default=list, blank=True)
    # Queued by an organizer (not by the sweep): a page deleted on the wiki since clinicdesk
    # published it may be created again. The sweep never recreates what people deleted.
    may_create = models.BooleanField(default=True)
    # The state of the record (program content version, people) last published.
    source_stamp = models.CharField(max_length=100, blank=True)
    published_at = models.DateTimeField(_("last published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target", "kind", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["target"],
                condition=Q(kind="program"),
                name="wiki_page_one_program_page",
            ),
            models.UniqueConstraint(
                fields=["target", "digest"],
                condition=Q(digest__isnull=False),
                name="wiki_page_one_per_digest",
            ),
            models.UniqueConstraint(
                fields=["target", "source_kind", "source_key"],
                condition=Q(kind="source"),
                name="wiki_page_one_per_source_key",
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        verbose_name = _("wiki page")
        verbose_name_plural = _("wiki pages")

    def __str__(self) -> str:
        return self.title

    @property
    def is_busy(self) -> bool:
        return self.state in {self.State.PENDING, self.State.PUBLISHING, self.State.RETRYING}

    @property
    def kind_label(self) -> str:
        """What kind of page this is, for organizers (a source's own label)."""
        if self.kind == self.Kind.SOURCE:
            from clinicdesk.publishing.sources import label_of

            return label_of(self.source_kind)
        return str(self.get_kind_display())


class PublishAttempt(models.Model):
    """One attempt to publish a page, and how it ended."""

    class Outcome(models.TextChoices):
        PUBLISHED = "published", pgettext_lazy("publish outcome", "published")
        UNCHANGED = "unchanged", pgettext_lazy("publish outcome", "already up to date")
        CONFLICT = "conflict", pgettext_lazy("publish outcome", "edit conflict")
        RETRYING = "retrying", pgettext_lazy("publish outcome", "will try again")
        FAILED = "failed", pgettext_lazy("publish outcome", "failed")
        WITHDRAWN = "withdrawn", pgettext_lazy("publish outcome", "no longer published")

    page = models.ForeignKey(WikiPage, on_delete=models.CASCADE, related_name="attempts_log")
    # Kept on the row so that a program's log is one query.
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=255)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    outcome = models.CharField(_("result"), max_length=20, choices=Outcome.choices)
    revision_id = models.PositiveBigIntegerField(_("revision"), null=True, blank=True)
    problem = models.CharField(max_length=40, blank=True)
    message = models.TextField(_("message"), blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["program", "-started_at"])]
        verbose_name = _("publish attempt")
        verbose_name_plural = _("publish attempts")

    def __str__(self) -> str:
        return f"{self.title}: {self.outcome}"


class ListSender(models.Model):
    """Who the program's e-mails to mailing lists come from."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="list_sender")
    name = models.CharField(_("sender name"), max_length=100, help_text=_("e.g. Wikimedia Clinics"))
    address = models.EmailField(
        _("sender address"),
        help_text=_("An address the lists accept mail from (lists often refuse strangers)."),
    )

    class Meta:
        verbose_name = _("mailing list sender")

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class MailingList(models.Model):
    """A mailing list a program writes to."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mailing_lists")
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. Wikimedia-l"))
    address = models.EmailField(_("list address"))
    language = models.CharField(_("language of the e-mails"), max_length=20, default="en")
    announces_digests = models.BooleanField(
        _("announce published digests"),
        default=True,
        help_text=_("An e-mail when the first digest of a session is published."),
    )
    sends_reminders = models.BooleanField(_("send “call starts soon” reminders"), default=False)
    reminder_minutes = models.PositiveIntegerField(
        _("reminder (minutes before the call)"), default=60
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "address"], name="mailing_list_address_unique"
            )
        ]
        verbose_name = _("mailing list")
        verbose_name_plural = _("mailing lists")

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class ListMessage(OutboxMessage):
    """One e-mail to a mailing list, from the moment it is decided until it is delivered (the
    outbox's state machine: ``clinicdesk.outbox``). The message itself is composed from the
    record at delivery.
    """

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", pgettext_lazy("list e-mail kind", "announcement")
        DIGEST = "digest", pgettext_lazy("list e-mail kind", "digest published")
        REMINDER = "reminder", pgettext_lazy("list e-mail kind", "call starts soon")
        SOURCE = "source", pgettext_lazy("list e-mail kind", "from another app")

    mailing_list = models.ForeignKey(MailingList, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The calls an announcement gives, or the session of a reminder or digest notice.
    sessions = models.ManyToManyField(ClinicSession, related_name="list_messages", blank=True)
    digest = models.ForeignKey(
        Digest, on_delete=models.SET_NULL, null=True, blank=True, related_name="list_messages"
    )
    # An e-mail of another app's source (``sources.py``): its kind and the object's key.
    source_kind = models.CharField(max_length=50, blank=True)
    source_key = models.CharField(max_length=100, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    # Makes an e-mail that must go only once (a reminder, a digest notice) unique per list.
    key = models.CharField(max_length=100, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(OutboxMessage.Meta):
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailing_list", "key"],
                condition=~Q(key=""),
                name="list_message_once_per_key",
            )
        ]
        verbose_name = _("e-mail to a list")
        verbose_name_plural = _("e-mails to lists")

    def __str__(self) -> str:
        return f"{self.kind} to {self.mailing_list_id} ({self.status})"

    @property
    def kind_label(self) -> str:
        """What kind of e-mail this is, for organizers (a source's own label)."""
        if self.kind == self.Kind.SOURCE:
            from clinicdesk.publishing.sources import label_of

            return label_of(self.source_kind)
        return str(self.get_kind_display())


class PublishingChore(models.Model):
    """The periodic sweep (republish what changed, queue reminders and digest notices): when it
    ran and runs next. Its row is locked while the next run is queued, so only one waits."""

    name = models.CharField(max_length=50, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("publishing chore")

    def __str__(self) -> str:
        return self.name
