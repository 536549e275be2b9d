"""Priority consultations: initiatives in groups, communities' submissions before the event,
participants' ballots during it.

Opening and closing times are stored as wall time + IANA zone (one zone per consultation),
with the UTC instants derived by the services, as for sessions. Texts organizers write for
participants (group names, initiative titles and descriptions) are kept per language:
``{"en": {"title": ..., "description": ...}, "es": {...}}``.

A ballot belongs to a participant through ``participant_key``, a hash of who they are (see
``participants.py``): it keeps one ballot per person without storing who that is, and it
outlives the registration it came from, which retention deletes.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clinicdesk.scheduling.models import ClinicSession, Program


def new_salt() -> str:
    return secrets.token_hex(32)


class Consultation(models.Model):
    """A priorities exercise of a program, like Global Conversations."""

    class Method(models.TextChoices):
        BORDA = "borda", _("Borda count")
        APPROVAL = "approval", _("Approval count")
        SCHULZE = "schulze", _("Schulze method")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="consultations")
    slug = models.SlugField(_("short name in addresses"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(
        _("question"),
        blank=True,
        help_text=_("What participants are asked, e.g. which initiatives matter most to them."),
    )
    about = models.TextField(_("about this consultation"), blank=True)
    # The languages initiative texts are written in; the first is the one every text has.
    languages = models.JSONField(_("languages of the texts"), default=list)
    sessions = models.ManyToManyField(
        ClinicSession,
        related_name="consultations",
        blank=True,
        verbose_name=_("events where ranking happens"),
    )
    method = models.CharField(
        _("method that combines the rankings"),
        max_length=20,
        choices=Method.choices,
        default=Method.BORDA,
    )
    max_choices = models.PositiveSmallIntegerField(_("choices per ballot, at most"), default=5)
    suppression_threshold = models.PositiveSmallIntegerField(
        _("smallest count published"),
        default=5,
        help_text=_("Counts below this are never published, in any breakdown or in raw data."),
    )
    time_zone = models.CharField(_("time zone of the times below"), max_length=64, default="UTC")
    submissions_opens_on = models.DateField(_("submissions open on"), null=True, blank=True)
    submissions_opens_time = models.TimeField(_("submissions open at"), null=True, blank=True)
    submissions_closes_on = models.DateField(_("submissions close on"), null=True, blank=True)
    submissions_closes_time = models.TimeField(_("submissions close at"), null=True, blank=True)
    ranking_opens_on = models.DateField(_("ranking opens on"), null=True, blank=True)
    ranking_opens_time = models.TimeField(_("ranking opens at"), null=True, blank=True)
    ranking_closes_on = models.DateField(_("ranking closes on"), null=True, blank=True)
    ranking_closes_time = models.TimeField(_("ranking closes at"), null=True, blank=True)
    # Derived by the services from the wall times above and the zone.
    submissions_opens_at = models.DateTimeField(null=True, blank=True, editable=False)
    submissions_closes_at = models.DateTimeField(null=True, blank=True, editable=False)
    ranking_opens_at = models.DateTimeField(null=True, blank=True, editable=False)
    ranking_closes_at = models.DateTimeField(null=True, blank=True, editable=False)
    results_published_early = models.BooleanField(
        _("results shown before ranking closes"), default=False
    )
    # When organizers last published the results to the program's wikis and mailing lists
    # (through the publishing app); empty until they do.
    results_published_at = models.DateTimeField(
        _("results published to wikis and lists"), null=True, blank=True, editable=False
    )
    # Mixed into every participant key, so keys mean nothing outside this consultation.
    ballot_salt = models.CharField(max_length=64, default=new_salt, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "slug"], name="consultation_slug_unique_in_program"
            ),
        ]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "consultations:detail",
            kwargs={"slug": self.program.slug, "consultation": self.slug},
        )

    @property
    def source_language(self) -> str:
        return self.languages[0] if self.languages else "en"


class InitiativeGroup(models.Model):
    """A group of initiatives, such as one of the Movement Strategy recommendations."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveSmallIntegerField(default=0)
    texts = models.JSONField(_("name in each language"), default=dict)

    class Meta:
        ordering = ["consultation", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "code"], name="initiative_group_code_unique"
            ),
        ]
        verbose_name = _("group of initiatives")
        verbose_name_plural = _("groups of initiatives")

    def __str__(self) -> str:
        return self.code


class Initiative(models.Model):
    """One thing participants may choose as a priority."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="initiatives"
    )
    group = models.ForeignKey(
        InitiativeGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("group"),
    )
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveSmallIntegerField(default=0)
    texts = models.JSONField(_("title and description in each language"), default=dict)

    class Meta:
        ordering = ["consultation", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "code"], name="initiative_code_unique"),
        ]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")

    def __str__(self) -> str:
        return self.code


class Community(models.Model):
    """A community or affiliate that may submit its priorities."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="communities"
    )
    name = models.CharField(_("name"), max_length=200)
    # The name as compared: case, accents of spacing and punctuation do not make another one.
    name_key = models.CharField(max_length=200, editable=False)
    region = models.CharField(_("region"), max_length=30)
    country = models.CharField(_("country"), max_length=2, blank=True)
    # Listed by organizers, or accepted with a submission; an unlisted one was proposed in a
    # submission still waiting for review.
    is_listed = models.BooleanField(_("listed"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["consultation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "name_key"], name="community_name_unique"
            ),
        ]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    """A community's ordered priorities, sent before the event and reviewed by organizers."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("submission status", "waiting for review")
        ACCEPTED = "accepted", pgettext_lazy("submission status", "accepted")
        REJECTED = "rejected", pgettext_lazy("submission status", "not accepted")
        REPLACED = "replaced", pgettext_lazy("submission status", "replaced by a later one")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="submissions"
    )
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="submissions")
    contact_name = models.CharField(_("contact name"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"), max_length=254)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    review_note = models.TextField(_("note from the organizers"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["consultation", "-created_at", "pk"]
        indexes = [models.Index(fields=["consultation", "status"])]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"{self.community} ({self.get_status_display()})"


class SubmissionChoice(models.Model):
    """One priority of a submission, in its place, with the community's comment."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="choices")
    place = models.PositiveSmallIntegerField(_("place"))
    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="submission_choices"
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["submission", "place"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "place"], name="submission_place_unique"),
            models.UniqueConstraint(
                fields=["submission", "initiative"], name="submission_initiative_unique"
            ),
        ]
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")

    def __str__(self) -> str:
        return f"{self.place}: {self.initiative_id}"


class Ballot(models.Model):
    """A participant's ranking: one per participant and consultation, changed in place.

    ``choices`` are initiative ids, best first. ``region`` and ``language`` are copied from
    the participant's registration when they rank, for the breakdowns; nothing else about
    them is kept here.
    """

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="ballots")
    participant_key = models.CharField(max_length=64)
    session = models.ForeignKey(
        ClinicSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ballots",
    )
    region = models.CharField(_("region"), max_length=30, blank=True)
    language = models.CharField(_("language group"), max_length=20, blank=True)
    choices = models.JSONField(_("ranking"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Export order: by key, a hash, so the file's order says nothing about who or when.
        ordering = ["consultation", "participant_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "participant_key"], name="ballot_one_per_participant"
            ),
        ]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return f"{self.consultation_id}:{self.participant_key[:8]}"
