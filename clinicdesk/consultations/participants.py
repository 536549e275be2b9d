"""Who may rank: the one seam between consultations and registration.

A participant is someone whose registration for one of the consultation's events is
confirmed. They reach their ballot through the private link of that registration: the ballot
page's address carries the registration's manage token, and :func:`participant_for_token` is
the one function that turns it into a :class:`Participant`. Nothing else in this app reads
registrations.

The participant's key is a hash of the consultation's own salt and their normalized e-mail
address: someone registered for two of the events (21 and 22 November) still has one ballot,
and the ballot says nothing about who they are, even to someone holding the registrations.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from clinicdesk.consultations.models import Consultation
from clinicdesk.consultations.regions import region_of_zone
from clinicdesk.registration.models import Registration
from clinicdesk.registration.services import registration_for_token


@dataclass(frozen=True, slots=True)
class Participant:
    key: str
    session_id: int | None = None  # the event they registered for
    region: str = ""
    language: str = ""  # the language group they followed the event in
    name: str = ""  # for greeting them on their ballot page; never stored with the ballot


def participant_key(consultation: Consultation, identity: str) -> str:
    """The key under which ``identity`` (a normalized e-mail address) ranks."""
    return hashlib.sha256(f"{consultation.ballot_salt}:{identity}".encode()).hexdigest()


def participant_for_token(consultation: Consultation, token: str) -> Participant | None:
    """The participant whose registration's manage link carries ``token``, when that
    registration is confirmed for one of the consultation's events; else None."""
    registration = registration_for_token(token)
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return None
    session = registration.session
    if not consultation.sessions.filter(pk=session.pk).exists():
        return None
    spoken = session.spoken_languages or session.program.default_languages or ["en"]
    return Participant(
        key=participant_key(consultation, registration.email_key),
        session_id=session.pk,
        region=region_of_zone(registration.home_time_zone),
        language=registration.interpretation_language or spoken[0],
        name=registration.name,
    )
