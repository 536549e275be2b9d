"""Availability polls, their anonymous answers, and each program's planner settings.

An answer holds no name and no address: only the zone, the offset that zone had in the week of
answering, and the marked hours as ranges of UTC quarter-hours of the week (see
``core/weekgrid.py``). A private link (its token) lets the person who answered change it.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from clinicdesk.scheduling.models import Program


class AvailabilityPoll(models.Model):
    """A program's poll of the weekly hours its community can attend."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="availability_polls"
    )
    is_open = models.BooleanField(_("open for answers"), default=True)
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program"],
                condition=models.Q(is_open=True),
                name="poll_one_open_per_program",
            )
        ]
        verbose_name = _("availability poll")
        verbose_name_plural = _("availability polls")

    def __str__(self) -> str:
        return f"{self.program} ({self.opened_at:%Y-%m-%d})"


class PollAnswer(models.Model):
    """One person's weekly hours, stored in UTC with the offset they were marked in."""

    poll = models.ForeignKey(AvailabilityPoll, on_delete=models.CASCADE, related_name="answers")
    time_zone = models.CharField(_("time zone"), max_length=64)
    utc_offset_minutes = models.SmallIntegerField(
        _("UTC offset when answered (minutes)"),
        help_text=_("The zone's offset in the week of answering: the hours were marked in it."),
    )
    # [[start, end], ...]: UTC quarter-hours of the week, 0 = Monday 00:00 UTC, end exclusive.
    utc_quarters = models.JSONField(_("hours (UTC quarter-hours of the week)"), default=list)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["poll", "created_at", "pk"]
        verbose_name = _("poll answer")
        verbose_name_plural = _("poll answers")

    def __str__(self) -> str:
        return f"{self.time_zone} ({self.pk})"


class PlannerSettings(models.Model):
    """What the planner remembers for a program: the declared spread of hubs and the staff's
    working hours, as the organizer last ran it."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="planner_settings"
    )
    # [{"zone": "America/Mexico_City", "percent": 30.0, "region": ""}, ...]
    hubs = models.JSONField(_("declared spread of hubs"), default=list, blank=True)
    # [{"zone": "Europe/Madrid", "start": "09:00", "end": "17:00", "weekdays": [0, 1, 2, 3, 4]}]
    staff = models.JSONField(_("staff working hours"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("planner settings")
        verbose_name_plural = _("planner settings")

    def __str__(self) -> str:
        return str(self.program)
