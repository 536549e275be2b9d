"""The only way organizer views reach programs and sessions: every lookup checks the user."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from clinicdesk.scheduling.models import ClinicSession, Program

User = AuthUser | AnonymousUser


def programs_for_organizer(user: User) -> QuerySet[Program]:
    if not user.is_authenticated:
        return Program.objects.none()
    if getattr(user, "is_superuser", False):
        return Program.objects.all()
    return Program.objects.filter(organizers=user)


def can_organize(user: User, program: Program) -> bool:
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return program.organizers.filter(pk=user.pk).exists()


def can_create_programs(user: User) -> bool:
    return bool(
        user.is_authenticated
        and (getattr(user, "is_superuser", False) or user.has_perm("scheduling.add_program"))
    )


def get_program_for_organizer(user: User, slug: str) -> Program:
    """The program, or 404 when there is none and 403 when the user may not organize it."""
    program = get_object_or_404(Program, slug=slug)
    if not can_organize(user, program):
        raise PermissionDenied
    return program


def get_session_for_organizer(user: User, slug: str, number: int) -> ClinicSession:
    program = get_program_for_organizer(user, slug)
    session = get_object_or_404(
        ClinicSession.objects.select_related("program"), program=program, number=number
    )
    return session
