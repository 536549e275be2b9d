"""Saves an imported digest through the digests services, in one transaction per text.

The adapter between the pure parsers and the database: it maps each speaker that names
someone to the one person who fits (the others stay labels, as written), turns the follow-up
proposals the editor confirmed into follow-ups, and reports everything it did and every line
it could not place. A text that is not a digest saves nothing; with ``dry_run`` everything is
done and rolled back, so the report is exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from clinicdesk.digests import services
from clinicdesk.digests.importers import AUTO, parse_digest
from clinicdesk.digests.importers.common import (
    FollowUpProposal,
    ImportedDigest,
    ImportedItem,
)
from clinicdesk.digests.importers.speakers import KnownPerson, SpeakerRef, match_person
from clinicdesk.digests.models import Digest, FollowUp, Item
from clinicdesk.lib.languages import is_language
from clinicdesk.scheduling.importers.reading import Problem
from clinicdesk.scheduling.models import ClinicSession, Person, Program

ALL = "all"
# A confirmed follow-up with no due date of its own is due this long after the call.
DEFAULT_DUE_DAYS = 14


@dataclass
class DigestImportReport:
    """What an import did, or would do, for the editor or operator to read."""

    dry_run: bool = False
    session: str = ""  # "#006"
    language: str = ""
    digest_id: int | None = None
    topics: int = 0
    items: int = 0
    people: list[str] = field(default_factory=list)  # "Quim (WMF) → Quim (WMF)"
    labels: list[str] = field(default_factory=list)  # kept as written
    proposals: list[FollowUpProposal] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failure: str = ""
    parsed: ImportedDigest | None = None

    @property
    def ok(self) -> bool:
        return not self.failure

    def lines(self) -> list[str]:
        lines: list[str] = []
        if self.ok:
            verb = "would import" if self.dry_run else "imported"
            lines.append(
                f"{verb}: the {self.language} digest of {self.session}: "
                f"{self.topics} topic(s), {self.items} item(s)"
            )
        lines += [f"speaker: {entry}" for entry in self.people]
        if self.labels:
            lines.append("kept as written: " + "; ".join(self.labels))
        for index, proposal in enumerate(self.proposals, start=1):
            owner = proposal.owner.written if proposal.owner else "nobody"
            lines.append(
                f"proposed follow-up {index} (line {proposal.line_number}): {owner}: "
                f"{proposal.description}"
            )
        lines += [f"follow-up confirmed: {entry}" for entry in self.confirmed]
        lines += [f"{_kind_of(problem)}: {problem}" for problem in self.problems]
        if self.failure:
            lines.append(f"nothing was saved: {self.failure}")
        elif self.dry_run:
            lines.append("dry run: nothing was saved")
        return lines

    def fail(self, reason: str) -> DigestImportReport:
        self.failure = reason
        self.digest_id = None
        return self


def _kind_of(problem: Problem) -> str:
    if problem.blocking:
        return "problem"
    return "not placed" if "not placed" in problem.message else "warning"


def known_people() -> list[KnownPerson]:
    return [
        KnownPerson(p.pk, p.name, p.role, p.organization, p.affiliation)
        for p in Person.objects.order_by("name")
    ]


def import_digest(
    text: str,
    *,
    program: Program,
    session_number: int | None = None,
    language: str = "",
    source_format: str = AUTO,
    confirm: Collection[int] | str = (),
    replace: bool = False,
    publish: bool = False,
    dry_run: bool = False,
) -> DigestImportReport:
    """Imports a digest of one of ``program``'s sessions.

    The session and language come from the text ("Wikimedia Clinics/006/en", "This is the
    English version …") unless given. ``confirm`` names the follow-up proposals (numbered
    from 1, or ``"all"``) to save as follow-ups; ``replace`` deletes a version already in
    that language first; ``publish`` publishes the result.

    Side effects: those of the digests services (search index, archive topics, public pages
    when published).
    """
    report = DigestImportReport(dry_run=dry_run)
    people = known_people()
    names = frozenset(person.name.casefold() for person in people)
    parsed = parse_digest(text, source_format=source_format, known_names=names)
    report.problems = list(parsed.problems)
    report.parsed = parsed.data
    if parsed.data is None:
        return report.fail("this text is not a digest (see the problems above)")
    data = parsed.data
    report.proposals = list(data.proposals)
    number = session_number or data.session_number
    if number is None:
        return report.fail(
            "the text does not say which session it is a digest of: give the session number"
        )
    session = (
        ClinicSession.objects.select_related("program")
        .filter(program=program, number=number)
        .first()
    )
    report.session = f"#{number:03d}"
    if session is None:
        return report.fail(
            f"{program.name} has no session #{number:03d}: import the program's page or "
            "schedule the session first"
        )
    language = language or data.language
    if not language or not is_language(language):
        return report.fail(
            "the text does not say which language it is written in: give the language"
        )
    report.language = language
    by_id = {person.id: person for person in people}
    persons = {p.pk: p for p in Person.objects.filter(pk__in=by_id)}
    chosen = _chosen(confirm, len(data.proposals))
    try:
        with transaction.atomic():
            existing = Digest.objects.filter(session=session, language=language).first()
            if existing is not None:
                if not replace:
                    raise ValidationError(
                        f"{session.label} already has a digest in this language ({language}); "
                        "replace it to import again"
                    )
                services.unpublish_digest(digest=existing)
                services.delete_digest(digest=existing)
            digest = services.create_digest(
                session=session,
                language=language,
                lead=data.lead,
                staff_count=data.staff_count,
                volunteer_count=data.volunteer_count,
                staff_organization=data.staff_organization,
                introduction=False,
            )
            speakers = _Speakers(people, persons, report)
            follow_ups = _follow_ups(data, chosen, speakers, session, report)
            drafts = [
                services.TopicDraft(
                    title=topic.title,
                    kind=topic.kind,
                    body=topic.body,
                    items=[
                        _draft(item, (index, position), speakers, follow_ups)
                        for position, item in enumerate(topic.items)
                    ],
                )
                for index, topic in enumerate(data.topics)
            ]
            report.items = services.write_topics(digest=digest, topics=drafts)
            report.topics = len(drafts)
            for resource in data.resources:
                services.add_resource(
                    session=session,
                    kind=resource.kind,
                    url=resource.url,
                    title=resource.title,
                    language=resource.language,
                    start_seconds=resource.start_seconds,
                    end_seconds=resource.end_seconds,
                )
            if publish:
                services.publish_digest(digest=digest)
            report.digest_id = digest.pk
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as error:
        return report.fail(" ".join(error.messages))
    if dry_run:
        report.digest_id = None
    return report


def _chosen(confirm: Collection[int] | str, count: int) -> set[int]:
    if confirm == ALL:
        return set(range(1, count + 1))
    if isinstance(confirm, str):
        return set()
    return {number for number in confirm if 1 <= number <= count}


class _Speakers:
    """Maps each speaker to a person once, and notes it in the report."""

    def __init__(
        self, people: list[KnownPerson], persons: dict[int, Person], report: DigestImportReport
    ) -> None:
        self.people = people
        self.persons = persons
        self.report = report
        self.seen: dict[str, Person | None] = {}

    def person(self, ref: SpeakerRef | None) -> Person | None:
        if ref is None:
            return None
        if ref.written not in self.seen:
            known = match_person(ref, self.people)
            person = self.persons.get(known.id) if known else None
            self.seen[ref.written] = person
            if person is not None:
                self.report.people.append(f"“{ref.written}” is {person}")
            else:
                self.report.labels.append(ref.written)
        return self.seen[ref.written]

    def draft_speaker(self, ref: SpeakerRef | None) -> tuple[Person | None, str]:
        person = self.person(ref)
        if person is not None:
            return person, ""
        return None, ref.written if ref else ""


def _follow_ups(
    data: ImportedDigest,
    chosen: set[int],
    speakers: _Speakers,
    session: ClinicSession,
    report: DigestImportReport,
) -> dict[tuple[int, ...], dict[str, object]]:
    """The confirmed proposals as follow-up values, by the path of their item."""
    found: dict[tuple[int, ...], dict[str, object]] = {}
    for number, proposal in enumerate(data.proposals, start=1):
        if number not in chosen:
            continue
        owner = speakers.person(proposal.owner)
        if owner is None or not owner.is_staff_member:
            who = proposal.owner.written if proposal.owner else "nobody"
            report.problems.append(
                Problem(
                    proposal.line_number,
                    "",
                    f"follow-up {number} not confirmed: its owner ({who}) is not a staff member "
                    "in the list of people",
                    blocking=False,
                )
            )
            continue
        requester, requester_label = speakers.draft_speaker(proposal.requester)
        due = proposal.due_date
        if due is None and proposal.status == FollowUp.Status.OPEN and session.start_date:
            due = session.start_date + dt.timedelta(days=DEFAULT_DUE_DAYS)
        found[proposal.path] = {
            "owner": owner,
            "due_date": due,
            "status": proposal.status,
            "resolution": proposal.resolution,
            "requester": requester,
            "requester_label": requester_label,
            "requester_level": "",
        }
        report.confirmed.append(f"{owner}: {proposal.description}")
    return found


def _draft(
    item: ImportedItem,
    path: tuple[int, ...],
    speakers: _Speakers,
    follow_ups: dict[tuple[int, ...], dict[str, object]],
) -> services.ItemDraft:
    person, label = speakers.draft_speaker(item.speaker)
    follow_up = follow_ups.get(path)
    kind = Item.Kind.FOLLOW_UP if follow_up else item.kind
    if kind == Item.Kind.FOLLOW_UP and follow_up is None:
        kind = Item.Kind.STATEMENT  # a recorded follow-up the editor did not confirm
    resource = None
    if item.resource is not None:
        r = item.resource
        resource = {
            "kind": r.kind,
            "url": r.url,
            "title": r.title,
            "language": r.language,
            "start_seconds": r.start_seconds,
            "end_seconds": r.end_seconds,
        }
    return services.ItemDraft(
        kind=kind,
        text=item.text,
        speaker=person,
        speaker_label=label,
        children=[
            _draft(child, (*path, index), speakers, follow_ups)
            for index, child in enumerate(item.children)
        ],
        follow_up=dict(follow_up) if follow_up else None,
        resource=resource,
    )
