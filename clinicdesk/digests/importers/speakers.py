"""Speakers as digests write them, and which known person each one is.

"Quim (WMF):", "Anna (Wikimedia Argentina):", "Claudia from Wikimedia Mexico:", "a volunteer
from Wikimujeres:", "Catalan volunteer:", or a name in bold ("'''Sele (WMF)''':" in wikitext).
A speaker that names someone is matched to a person when exactly one fits; anything else is
kept as a label, as written.

Pure: text in, dataclasses out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_CAPITAL = r"[A-ZÀ-ÖØ-ÞĀ-Ž]"
_NAME_WORD = rf"{_CAPITAL}[\w.'\u2019-]*"
_PARTICLE = r"(?:de|da|del|di|van|von|la|le|dos|das)"
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{0,3}}"
_FROM = r"(?:from|de|del|de la)"
_VOLUNTEER_WORDS = (
    r"(?:volunteers?|voluntari[oa]s?|personas?\s+voluntarias?|participants?|participantes?"
    r"|attendees?|b[ée]n[ée]voles?|staff\s+members?|community\s+members?)"
)

_BOLD = re.compile(r"^\*\*(?P<inner>[^*]{1,200}?)\*\*\s*:\s*|^\*\*(?P<inner2>[^*]{1,200}?):\*\*\s*")
_ANONYMOUS = re.compile(
    rf"^(?P<label>(?:[\w\u2019'-]+\s+){{0,3}}?{_VOLUNTEER_WORDS}"
    rf"(?:\s+{_FROM}\s+(?P<affiliation>[^:\n]{{1,80}}?))?)\s*:\s*",
    re.IGNORECASE,
)
_NAMED_ORG = re.compile(rf"^(?P<name>{_NAME})\s*\((?P<org>[^()\n:]{{1,80}})\)\s*:\s*")
_NAMED_FROM = re.compile(rf"^(?P<name>{_NAME})\s+{_FROM}\s+(?P<affiliation>[^:\n]{{1,80}}?)\s*:\s*")
_BARE_NAME = re.compile(rf"^(?P<name>{_NAME})\s*:\s*")


@dataclass(frozen=True, slots=True)
class SpeakerRef:
    """A speaker as the text writes them."""

    written: str  # "Claudia from Wikimedia Mexico", kept as a label when no person matches
    name: str = ""  # "Claudia"; empty when nobody is named ("a volunteer from Spain")
    organization: str = ""  # "WMF" in "Quim (WMF)"
    affiliation: str = ""  # "Wikimedia Mexico"

    @property
    def names_someone(self) -> bool:
        return bool(self.name)


@dataclass(frozen=True, slots=True)
class KnownPerson:
    """A person the import may map speakers to."""

    id: int
    name: str
    role: str  # staff or volunteer
    organization: str = ""
    affiliation: str = ""


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _ref_from(written: str, known_names: frozenset[str]) -> SpeakerRef:
    """What a speaker written in bold says about them."""
    written = written.strip()
    if match := _ANONYMOUS.fullmatch(written + ":"):
        return SpeakerRef(written, affiliation=(match["affiliation"] or "").strip())
    if match := _NAMED_ORG.fullmatch(written + ":"):
        org = match["org"].strip()
        return SpeakerRef(written, match["name"], organization=org, affiliation=org)
    if match := _NAMED_FROM.fullmatch(written + ":"):
        return SpeakerRef(written, match["name"], affiliation=match["affiliation"].strip())
    return SpeakerRef(written, written if _BARE_NAME.fullmatch(written + ":") else "")


def split_speaker(
    text: str, known_names: frozenset[str] = frozenset()
) -> tuple[SpeakerRef | None, str]:
    """The speaker that opens a line, if any, and the rest of the line.

    ``text`` is in the Markdown subset (importers escape the plain text they read), so a
    speaker in bold is a speaker whatever it says; otherwise only the usual forms count, or a
    bare name that is one of ``known_names`` (case-insensitive).
    """
    if match := _BOLD.match(text):
        written = _unescape(match["inner"] or match["inner2"])
        return _ref_from(written, known_names), text[match.end() :]
    if match := _ANONYMOUS.match(text):
        written = _unescape(match["label"])
        affiliation = _unescape(match["affiliation"] or "").strip()
        return SpeakerRef(written, affiliation=affiliation), text[match.end() :]
    if match := _NAMED_ORG.match(text):
        org = _unescape(match["org"]).strip()
        written = _unescape(match[0].rstrip().rstrip(":").rstrip())
        return SpeakerRef(written, match["name"], organization=org, affiliation=org), text[
            match.end() :
        ]
    if match := _NAMED_FROM.match(text):
        written = _unescape(match[0].rstrip().rstrip(":").rstrip())
        affiliation = _unescape(match["affiliation"]).strip()
        return SpeakerRef(written, match["name"], affiliation=affiliation), text[match.end() :]
    if (match := _BARE_NAME.match(text)) and match["name"].casefold() in known_names:
        return SpeakerRef(match["name"], match["name"]), text[match.end() :]
    return None, text


def match_person(ref: SpeakerRef, people: Sequence[KnownPerson]) -> KnownPerson | None:
    """The one person the speaker names, or None (nobody named, nobody fits, or several do)."""
    if not ref.names_someone:
        return None
    name = ref.name.casefold()
    candidates = [person for person in people if person.name.casefold() == name]
    told = (ref.organization or ref.affiliation).casefold()
    if told:
        candidates = [
            person
            for person in candidates
            if told in {person.organization.casefold(), person.affiliation.casefold()}
            or not (person.organization or person.affiliation)
        ]
    return candidates[0] if len(candidates) == 1 else None
