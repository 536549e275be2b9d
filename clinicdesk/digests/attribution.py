"""How a speaker is named in a digest: never further than the person agreed to.

Staff are named with their organization ("Quim (WMF)"). A volunteer is named by name and
affiliation only with consent ("Claudia from Wikimedia Mexico"), else by affiliation ("a
volunteer from Wikimedia Venezuela"), else anonymously ("a volunteer"). An editor may choose
a lower level for one mention, never a higher one; a free label is kept as written.

Pure: plain data in, text out. Phrases are translated into the language active when called
(renderers activate the digest's language).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

NAME = "name"
AFFILIATION = "affiliation"
ANONYMOUS = "anonymous"
# From the least to the most exposure.
LEVELS = (ANONYMOUS, AFFILIATION, NAME)
STAFF = "staff"
VOLUNTEER = "volunteer"


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who spoke: a person (``is_person``) with their consent as it stands now, or a label."""

    is_person: bool = False
    label: str = ""  # a free label, when not a person
    name: str = ""
    role: str = VOLUNTEER
    organization: str = ""  # staff: "WMF"
    affiliation: str = ""  # volunteers: "Wikimedia Mexico"
    consent: str = ANONYMOUS  # the person's own, read at render time
    level: str = ""  # the editor's choice for this mention; "" = as far as consent goes

    @classmethod
    def free(cls, label: str) -> Speaker:
        return cls(is_person=False, label=label)


def rank(level: str) -> int:
    """0 for anonymous, 2 for by name; an unknown level counts as anonymous."""
    return LEVELS.index(level) if level in LEVELS else 0


def consented_level(speaker: Speaker) -> str:
    """The most a person may be named: staff by name, volunteers as they agreed."""
    if speaker.role == STAFF:
        return NAME
    return speaker.consent if speaker.consent in LEVELS else ANONYMOUS


def effective_level(speaker: Speaker) -> str:
    """The level a mention is rendered at: the editor's choice, capped by consent."""
    allowed = consented_level(speaker)
    if not speaker.level:
        return allowed
    return min(allowed, speaker.level, key=rank)


def may_choose(speaker: Speaker, level: str) -> bool:
    """Whether an editor may name this speaker at ``level`` (lowering only)."""
    return not level or (level in LEVELS and rank(level) <= rank(consented_level(speaker)))


def speaker_name(speaker: Speaker) -> str:
    """The name shown for the speaker, in the active language."""
    if not speaker.is_person:
        return speaker.label
    level = effective_level(speaker)
    if speaker.role == STAFF:
        organization = speaker.organization
        if level == NAME:
            return f"{speaker.name} ({organization})" if organization else speaker.name
        if level == AFFILIATION and organization:
            return _("a staff member of %(organization)s") % {"organization": organization}
        return _("a staff member")
    affiliation = speaker.affiliation
    if level == NAME:
        if affiliation:
            return _("%(name)s from %(affiliation)s") % {
                "name": speaker.name,
                "affiliation": affiliation,
            }
        return speaker.name
    if level == AFFILIATION and affiliation:
        return _("a volunteer from %(affiliation)s") % {"affiliation": affiliation}
    return _("a volunteer")
