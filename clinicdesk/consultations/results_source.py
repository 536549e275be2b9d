"""The results as a publishing source (``clinicdesk.publishing.sources``): a results page per
consultation and language on each of the program's wikis, and a results e-mail to the
program's mailing lists. Registered by ``apps.ConsultationsConfig.ready``.

A consultation's results are published (listed) once organizers published them
(``services.publish_results``) and for as long as they are visible (ranking closed, or shown
early); a page no longer listed is withdrawn, left on the wiki as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from clinicdesk.consultations import outputs, queries
from clinicdesk.consultations.models import Ballot, Consultation
from clinicdesk.publishing import sources
from clinicdesk.publishing.content import title_prefix
from clinicdesk.publishing.markers import Part
from clinicdesk.publishing.models import ListMessage, WikiTarget
from clinicdesk.scheduling.models import Program

KIND = "consultation-results"
PART = "results"


def page_key(consultation: Consultation, language: str) -> str:
    return f"{consultation.pk}:{language}"


def page_languages(consultation: Consultation) -> list[str]:
    """The languages of its results pages: those its texts are written in."""
    return list(consultation.languages) or ["en"]


def page_keys(consultation: Consultation) -> list[str]:
    return [page_key(consultation, language) for language in page_languages(consultation)]


def page_title(target: WikiTarget, consultation: Consultation, language: str) -> str:
    """A subpage of the program's page on that wiki (else of the program's wiki prefix), e.g.
    "Wikimedia Clinics/Global Conversations/Results/es"."""
    parent = target.program_page_title or title_prefix(target.program)
    return f"{parent}/{consultation.title}/Results/{language}"


def is_published(consultation: Consultation, now: dt.datetime) -> bool:
    """Organizers published the results, and they are visible now."""
    return (
        consultation.results_published_at is not None
        and queries.phases_of(consultation, now).results_visible
    )


def _published(program_id: int) -> list[Consultation]:
    now = timezone.now()
    found = Consultation.objects.filter(
        program_id=program_id, results_published_at__isnull=False
    ).select_related("program")
    return [c for c in found if is_published(c, now)]


def _consultation_of(key: str) -> Consultation | None:
    number = key.split(":", 1)[0]
    if not number.isdigit():
        return None
    return Consultation.objects.select_related("program").filter(pk=int(number)).first()


def _micros(instant: dt.datetime | None) -> int:
    return int(instant.timestamp() * 1_000_000) if instant is not None else 0


class ResultsSource(sources.Source):
    kind = KIND
    label = pgettext_lazy("publishing source", "consultation results")

    def pages(self, target: WikiTarget) -> Sequence[sources.PageSpec]:
        return [
            sources.PageSpec(
                key=page_key(consultation, language),
                title=page_title(target, consultation, language),
                language=language,
            )
            for consultation in _published(target.program_id)
            for language in page_languages(consultation)
        ]

    def parts(self, target: WikiTarget, key: str) -> tuple[Part, ...] | None:
        consultation = _consultation_of(key)
        language = key.split(":", 1)[-1]
        if (
            consultation is None
            or consultation.program_id != target.program_id
            or language not in page_languages(consultation)
            or not is_published(consultation, timezone.now())
        ):
            return None
        return (Part(PART, outputs.results_wikitext(consultation, language=language)),)

    def stamp(self, target: WikiTarget) -> str:
        """Moves with the program's content version (texts, initiatives, settings), the
        consultations' own changes (publishing, hiding) and every ballot."""
        mine = Q(consultation__program_id=target.program_id)
        ballots = Ballot.objects.filter(mine).aggregate(count=Count("pk"), latest=Max("updated_at"))
        changed = Consultation.objects.filter(program_id=target.program_id).aggregate(
            latest=Max("updated_at")
        )["latest"]
        version = (
            Program.objects.filter(pk=target.program_id)
            .values_list("content_version", flat=True)
            .first()
        )
        return ".".join(
            str(value)
            for value in (version, ballots["count"], _micros(ballots["latest"]), _micros(changed))
        )

    def compose(self, message: ListMessage) -> sources.MailContent:
        consultation = _consultation_of(message.source_key)
        if consultation is None:
            raise LookupError(_("The consultation of this e-mail no longer exists."))
        subject, text, html = outputs.results_email(
            consultation, language=message.mailing_list.language
        )
        return sources.MailContent(
            subject=subject, text=text, html=html, headers={"Auto-Submitted": "auto-generated"}
        )

    def still_wanted(self, message: ListMessage, now: dt.datetime) -> bool:
        consultation = _consultation_of(message.source_key)
        return consultation is not None and is_published(consultation, now)
