"""Attribution: every role, consent and editor's level, in every output format; never more
than the person agreed to."""

from __future__ import annotations

import datetime as dt

import pytest

from clinicdesk.digests import documents as d
from clinicdesk.digests.attribution import (
    Speaker,
    consented_level,
    effective_level,
    may_choose,
    speaker_name,
)
from clinicdesk.digests.renderers import RENDERERS

QUIM = dict(is_person=True, name="Quim", role="staff", organization="WMF")
CLAUDIA = dict(is_person=True, name="Claudia", role="volunteer", affiliation="Wikimedia Mexico")
ROSA = dict(is_person=True, name="Rosa", role="volunteer", affiliation="Wikimedia Venezuela")

# (speaker, editor's level) -> the name every output shows.
CASES = [
    # Staff are named with their organization, whatever consent says; an editor may lower.
    (Speaker(**QUIM, consent="anonymous"), "", "Quim (WMF)"),
    (Speaker(**QUIM, consent="anonymous"), "name", "Quim (WMF)"),
    (Speaker(**QUIM), "affiliation", "a staff member of WMF"),
    (Speaker(**QUIM), "anonymous", "a staff member"),
    # A volunteer who agreed to be named.
    (Speaker(**CLAUDIA, consent="name"), "", "Claudia from Wikimedia Mexico"),
    (Speaker(**CLAUDIA, consent="name"), "name", "Claudia from Wikimedia Mexico"),
    (Speaker(**CLAUDIA, consent="name"), "affiliation", "a volunteer from Wikimedia Mexico"),
    (Speaker(**CLAUDIA, consent="name"), "anonymous", "a volunteer"),
    # By affiliation only: an editor's "name" cannot raise it.
    (Speaker(**ROSA, consent="affiliation"), "", "a volunteer from Wikimedia Venezuela"),
    (Speaker(**ROSA, consent="affiliation"), "name", "a volunteer from Wikimedia Venezuela"),
    (Speaker(**ROSA, consent="affiliation"), "anonymous", "a volunteer"),
    # Anonymously: nothing raises it.
    (Speaker(**ROSA, consent="anonymous"), "", "a volunteer"),
    (Speaker(**ROSA, consent="anonymous"), "name", "a volunteer"),
    (Speaker(**ROSA, consent="anonymous"), "affiliation", "a volunteer"),
    # Without an affiliation there is nothing to name it by.
    (Speaker(is_person=True, name="Ana", consent="name"), "", "Ana"),
    (Speaker(is_person=True, name="Ana", consent="affiliation"), "", "a volunteer"),
    # A free label is kept as written.
    (Speaker.free("volunteer from Spain"), "", "volunteer from Spain"),
    (
        Speaker.free("a Catalan volunteer from Amical Wikimedia"),
        "",
        "a Catalan volunteer from Amical Wikimedia",
    ),
]


def _with_level(speaker: Speaker, level: str) -> Speaker:
    return Speaker(**{**{f: getattr(speaker, f) for f in Speaker.__slots__}, "level": level})


@pytest.mark.parametrize(("speaker", "level", "expected"), CASES)
def test_attribution_name_never_exceeds_consent(speaker, level, expected):
    assert speaker_name(_with_level(speaker, level)) == expected


def _document(speaker: Speaker) -> d.DigestData:
    return d.DigestData(
        language="en",
        session_title="Wikimedia Clinic #006",
        session_date=dt.date(2020, 7, 16),
        topics=(
            d.TopicData(
                title="Impact",
                items=(d.ItemData(kind=d.STATEMENT, text="We adapted.", speaker=speaker),),
            ),
        ),
    )


EXPECTED_IN = {
    "html": "<strong>{}</strong>: We adapted.",
    "wikitext": "* '''{}''': We adapted.",
    "markdown": "- **{}**: We adapted.",
    "text": "  • {}: We adapted.",
}


@pytest.mark.parametrize("output", sorted(RENDERERS))
@pytest.mark.parametrize(("speaker", "level", "expected"), CASES)
def test_attribution_in_every_output_format(output, speaker, level, expected):
    rendered = RENDERERS[output](_document(_with_level(speaker, level)))
    assert EXPECTED_IN[output].format(expected) in rendered
    if speaker.is_person and expected != speaker_name(_with_level(speaker, "name")):
        # Lowered or limited: the person's name appears nowhere.
        assert speaker.name not in rendered


def test_attribution_follow_up_requester_follows_consent_in_every_format():
    owner = Speaker(**QUIM)
    requester = Speaker(**ROSA, consent="anonymous")
    doc = d.DigestData(
        language="en",
        session_title="Wikimedia Clinic #006",
        topics=(
            d.TopicData(
                title="Support",
                items=(
                    d.ItemData(
                        kind=d.FOLLOW_UP,
                        text="will relay this message",
                        speaker=owner,
                        follow_up=d.FollowUpData(
                            owner=owner,
                            description="will relay",
                            status="open",
                            requester=requester,
                        ),
                    ),
                ),
            ),
        ),
    )
    for output, render in RENDERERS.items():
        rendered = render(doc)
        assert "Follow-up for a volunteer: open" in rendered, output
        assert "Rosa" not in rendered, output


def test_attribution_levels_order_and_choices():
    claudia = Speaker(**CLAUDIA, consent="affiliation")
    assert consented_level(claudia) == "affiliation"
    assert consented_level(Speaker(**QUIM, consent="anonymous")) == "name"
    assert effective_level(_with_level(claudia, "name")) == "affiliation"
    assert [may_choose(claudia, level) for level in ("", "anonymous", "affiliation", "name")] == [
        True,
        True,
        True,
        False,
    ]
    assert effective_level(Speaker(is_person=True, consent="bogus")) == "anonymous"


def test_attribution_phrases_in_the_digests_language():
    from django.utils import translation

    with translation.override("es"):
        assert speaker_name(Speaker(**ROSA, consent="affiliation")) == (
            "una persona voluntaria de Wikimedia Venezuela"
        )
        assert speaker_name(Speaker(**ROSA, consent="anonymous")) == "una persona voluntaria"
        assert speaker_name(Speaker(**CLAUDIA, consent="name")) == "Claudia de Wikimedia Mexico"
        assert speaker_name(Speaker(**QUIM, level="anonymous")) == "una persona del equipo"
    doc = _document(Speaker(**ROSA, consent="affiliation"))
    spanish = d.DigestData(
        **{**{f: getattr(doc, f) for f in d.DigestData.__slots__}, "language": "es"}
    )
    for output, render in RENDERERS.items():
        assert "una persona voluntaria de Wikimedia Venezuela" in render(spanish), output
