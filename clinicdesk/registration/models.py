"""Registration for sessions: settings per program and per session, registrations and their
private manage links, the e-mail outbox, attendance, what retention keeps, and API tokens.

Times a person types (registration opening and deadline) are stored as wall time + IANA zone,
with the UTC instant derived by the services, as for sessions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clinicdesk.outbox.models import OutboxMessage
from clinicdesk.scheduling.models import ClinicSession, Person, Program

DEFAULT_REMINDER_OFFSETS = [24 * 60, 60]  # minutes before the start: 24 hours and 1 hour


def default_reminder_offsets() -> list[int]:
    return list(DEFAULT_REMINDER_OFFSETS)


def default_retention_days() -> int:
    return int(settings.REGISTRATION_RETENTION_DAYS)


class ProgramRegistrationSettings(models.Model):
    """What a program sets for the registrations of all its sessions."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="registration_settings"
    )
    reminder_offsets = models.JSONField(
        _("reminders (minutes before the start)"), default=default_reminder_offsets
    )
    retention_days = models.PositiveSmallIntegerField(
        _("days registrations are kept after a session"), default=default_retention_days
    )

    class Meta:
        verbose_name = _("program registration settings")

    def __str__(self) -> str:
        return str(self.program)


class RegistrationSettings(models.Model):
    """Registration for one session: whether it is open, when, how many seats, what is offered.

    The row is also the session's seat counter: services lock it (``select_for_update``)
    before giving out a seat, so concurrent registrations are served one at a time.
    """

    session = models.OneToOneField(
        ClinicSession, on_delete=models.CASCADE, related_name="registration_settings"
    )
    is_open = models.BooleanField(_("registration is open"), default=True)
    capacity = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    time_zone = models.CharField(_("time zone of the dates below"), max_length=64)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    opens_time = models.TimeField(_("opens at"), null=True, blank=True)
    closes_on = models.DateField(_("deadline date"), null=True, blank=True)
    closes_time = models.TimeField(_("deadline time"), null=True, blank=True)
    # Derived by the services from the wall times above.
    opens_at = models.DateTimeField(null=True, blank=True, editable=False)
    closes_at = models.DateTimeField(null=True, blank=True, editable=False)
    offers_data_package = models.BooleanField(_("offers internet data packages"), default=True)
    offers_childcare = models.BooleanField(_("offers childcare"), default=True)
    # Kept in step by the services in the transaction that changes a registration.
    confirmed_count = models.PositiveIntegerField(default=0, editable=False)
    waitlisted_count = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registration settings")

    def __str__(self) -> str:
        return str(self.session_id)


class Registration(models.Model):
    """A participant's place in a session, without an account."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", pgettext_lazy("registration status", "confirmed")
        WAITLISTED = "waitlisted", pgettext_lazy("registration status", "on the waitlist")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "cancelled")

    session = models.ForeignKey(
        ClinicSession, on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    # The address as compared: one registration per address and session.
    email_key = models.CharField(max_length=254, editable=False)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    home_time_zone = models.CharField(_("home time zone"), max_length=64)
    language = models.CharField(_("preferred language"), max_length=20)
    interpretation_language = models.CharField(_("interpretation into"), max_length=20, blank=True)
    needs_data_package = models.BooleanField(_("internet data package"), default=False)
    needs_childcare = models.BooleanField(_("childcare"), default=False)
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    attribution = models.CharField(
        _("may be named in the digest"),
        max_length=20,
        choices=Person.Attribution.choices,
        default=Person.Attribution.ANONYMOUS,
    )
    topic = models.TextField(_("topic to raise"), blank=True)
    email_consent = models.BooleanField(_("reminders by e-mail"), default=False)
    conduct_acknowledged_at = models.DateTimeField(_("expected conduct acknowledged"))
    # Made when the participant is checked in, so that digests can name them as they agreed.
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="registrations"
    )
    queued_at = models.DateTimeField(
        _("in line since"), help_text=_("Waitlist order: the earliest is promoted first.")
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email_key"], name="registration_one_per_address"
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "queued_at"])]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


class ManageToken(models.Model):
    """One private manage link. Only the SHA-256 of the random token is stored; every e-mail
    carries a link of its own, and all of a registration's links work until it is deleted."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="manage_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("manage link")

    def __str__(self) -> str:
        return f"{self.registration_id}:{self.digest[:8]}"


class OutboundEmail(OutboxMessage):
    """One e-mail to a registrant, from the moment it is decided until it is delivered (the
    outbox's state machine: ``clinicdesk.outbox``). The message itself is rendered at
    delivery, with a fresh manage link.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("confirmation")
        WAITLISTED = "waitlisted", _("waitlist notice")
        PROMOTED = "promoted", _("promotion from the waitlist")
        UPDATED = "updated", _("registration updated")
        CANCELLED = "cancelled", _("cancellation")
        REMINDER = "reminder", _("reminder")
        SESSION_CANCELLED = "session-cancelled", _("session cancelled")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Makes an e-mail that must go only once (a reminder) unique per registration.
    key = models.CharField(max_length=100, blank=True)

    class Meta(OutboxMessage.Meta):
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "key"],
                condition=~Q(key=""),
                name="outbound_email_once_per_key",
            )
        ]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")

    def __str__(self) -> str:
        return f"{self.kind} to {self.registration_id} ({self.status})"


class CheckIn(models.Model):
    """Someone who was on the call: a registrant, a host, or a walk-in, as staff or volunteer."""

    session = models.ForeignKey(ClinicSession, on_delete=models.CASCADE, related_name="check_ins")
    registration = models.OneToOneField(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="check_in",
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="check_ins"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Person.Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(person__isnull=False),
                name="check_in_once_per_person",
            )
        ]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class Headcount(models.Model):
    """Who came to a session, by role: counted from the check-ins, or counted by hand.

    A count by hand (both numbers given) wins over the check-ins; it is how a call held
    without registration records "7 staff and 10 volunteers".
    """

    session = models.OneToOneField(
        ClinicSession, on_delete=models.CASCADE, related_name="headcount"
    )
    checked_in_staff = models.PositiveIntegerField(default=0)
    checked_in_volunteers = models.PositiveIntegerField(default=0)
    counted_staff = models.PositiveIntegerField(_("staff"), null=True, blank=True)
    counted_volunteers = models.PositiveIntegerField(_("volunteers"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("headcount")

    def __str__(self) -> str:
        return f"{self.staff} staff, {self.volunteers} volunteers"

    @property
    def is_counted_by_hand(self) -> bool:
        return self.counted_staff is not None and self.counted_volunteers is not None

    @property
    def staff(self) -> int:
        if self.is_counted_by_hand:
            return int(self.counted_staff or 0)
        return self.checked_in_staff

    @property
    def volunteers(self) -> int:
        if self.is_counted_by_hand:
            return int(self.counted_volunteers or 0)
        return self.checked_in_volunteers

    @property
    def total(self) -> int:
        return self.staff + self.volunteers


class RegistrationSummary(models.Model):
    """The aggregate counts of a session's registrations, kept when retention deletes them."""

    session = models.OneToOneField(
        ClinicSession, on_delete=models.CASCADE, related_name="registration_summary"
    )
    # clinicdesk.registration.needs.NeedsSummary.as_dict()
    needs = models.JSONField(default=dict)
    registrations_deleted = models.PositiveIntegerField(default=0)
    check_ins_deleted = models.PositiveIntegerField(default=0)
    erased_at = models.DateTimeField()

    class Meta:
        verbose_name = _("registration summary")

    def __str__(self) -> str:
        return str(self.session_id)


class ApiToken(models.Model):
    """A bearer token an organizer uses to read registrations through the API.

    Only its SHA-256 is stored; the token is shown once, when it is made.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ScheduledChore(models.Model):
    """The periodic work of the app (reminders, retention, the e-mail sweep): when it last
    ran and when it runs next. Its row is locked while the next run is queued, so that only
    one run is ever waiting."""

    name = models.CharField(max_length=50, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("scheduled chore")

    def __str__(self) -> str:
        return self.name
