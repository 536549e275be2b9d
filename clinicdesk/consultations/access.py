"""The only way organizer views reach consultations: through the program's access check."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from clinicdesk.consultations.models import Consultation, Initiative, InitiativeGroup, Submission
from clinicdesk.scheduling.access import User, get_program_for_organizer


def get_consultation_for_organizer(user: User, slug: str, consultation: str) -> Consultation:
    """The consultation, or 404 when there is none and 403 when the user may not organize its
    program."""
    program = get_program_for_organizer(user, slug)
    found = get_object_or_404(Consultation, program=program, slug=consultation)
    found.program = program
    return found


def get_initiative(consultation: Consultation, initiative_id: int) -> Initiative:
    return get_object_or_404(consultation.initiatives.all(), pk=initiative_id)


def get_group(consultation: Consultation, group_id: int) -> InitiativeGroup:
    return get_object_or_404(consultation.groups.all(), pk=group_id)


def get_submission(consultation: Consultation, submission_id: int) -> Submission:
    submission = get_object_or_404(consultation.submissions.all(), pk=submission_id)
    submission.consultation = consultation
    return submission
