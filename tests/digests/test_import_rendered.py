"""Importing seed 002, the rendered text of #006's digest: topics, nested statements, speakers,
the question, the follow-up proposed; and what is not a digest."""

from __future__ import annotations

import datetime as dt

import pytest

from clinicdesk.digests.importers import RENDERED, WIKITEXT, guess_format, parse_digest
from clinicdesk.digests.importers.common import ImportedItem, read_day
from clinicdesk.digests.importers.rendered import parse_rendered
from clinicdesk.digests.importers.speakers import (
    KnownPerson,
    SpeakerRef,
    match_person,
    split_speaker,
)
from tests.digests.conftest import SEED_002


@pytest.fixture(scope="module")
def seed():
    parsed = parse_rendered(SEED_002)
    assert parsed.problems == ()
    return parsed.data


def _count(items: tuple[ImportedItem, ...]) -> int:
    return sum(1 + _count(item.children) for item in items)


def test_import_rendered_header(seed):
    assert seed.page_title == "Wikimedia Clinics/006/en"
    assert (seed.session_number, seed.language, seed.session_date) == (
        6,
        "en",
        dt.date(2020, 7, 16),
    )
    assert seed.session_title == "Wikimedia Clinic #006"
    assert seed.spoken_languages == ("es",)
    assert seed.other_languages == ("es",)
    assert (seed.staff_count, seed.volunteer_count, seed.staff_organization) == (
        7,
        10,
        "Wikimedia Foundation",
    )
    assert seed.lead == (
        "Except for the introduction, the topics are brought up by volunteers participating in "
        "the calls."
    )


def test_import_rendered_topics(seed):
    assert [(t.title, t.kind, _count(t.items)) for t in seed.topics] == [
        ("Introduction", "introduction", 0),
        ("Impact of the pandemic on affiliates", "participants", 22),
        ("Needed support from the Foundation", "participants", 21),
    ]


def test_import_rendered_introduction_keeps_its_text(seed):
    body = seed.topics[0].body
    assert body.startswith(
        "### quick principles\n\n* listen with patience and respect\n* share your experience, "
    )
    assert "\n\nThese calls are a Friendly Space.\n\n### Purpose of Wikimedia Clinics\n\n" in body
    assert body.endswith(
        "Examples of things the Clinics are not the place for:\n\n"
        "* complaints about interpersonal behavior - there are appropriate channels for this "
        "on-wiki, and there is the Trust and Safety team.\n"
        "* content or policy disputes on specific wikis. But it is okay to seek advice on how to "
        "better present one's positions."
    )


def test_import_rendered_statements_nest_by_indentation(seed):
    claudia, wikimujeres, venezuela, catalan, question = seed.topics[1].items
    assert claudia.speaker == SpeakerRef(
        "Claudia from Wikimedia Mexico", "Claudia", affiliation="Wikimedia Mexico"
    )
    assert claudia.text == ""
    assert [child.text[:30] for child in claudia.children] == [
        "Since March we have adapted ev",
        "In Mexico, the pandemic is res",
        "Museums used to only offering ",
    ]
    assert wikimujeres.speaker.written == "a volunteer from Wikimujeres"
    assert wikimujeres.speaker.names_someone is False
    assert venezuela.speaker.written == "volunteer from Wikimedia Venezuela"
    assert catalan.speaker.written == "a Catalan volunteer from Amical Wikimedia"
    assert catalan.children == ()
    assert question.kind == "question"
    assert question.speaker is None
    assert question.text == "How much support do you have to lead activities now?"
    constanza = question.children[1]
    assert constanza.speaker.written == "Constanza from Wikimedia Argentina"
    assert [len(child.children) for child in constanza.children] == [2, 0, 0, 0, 0, 0]


def test_import_rendered_question_asked_of_the_room(seed):
    [quim] = seed.topics[2].items
    assert quim.kind == "question"
    assert quim.speaker == SpeakerRef("Quim (WMF)", "Quim", organization="WMF", affiliation="WMF")
    assert [child.speaker.written for child in quim.children] == [
        "Catalan volunteer",
        "Volunteer from Venezuela",
        "volunteer from Spain",
        "Anna (Wikimedia Argentina)",
    ]
    sele = quim.children[0].children[1]
    # An editor's note inside a statement stays where it was written.
    assert (
        "(reminder: this is an English-language digest of a conversation that was held "
        "entirely in Spanish --Ed.)" in sele.text
    )


def test_import_rendered_proposes_the_commitment(seed):
    [proposal] = seed.proposals
    assert proposal.owner.written == "Quim (WMF)"
    assert proposal.requester.written == "volunteer from Spain"
    assert (
        proposal.description == "will relay this message to the relevant person at the Foundation."
    )
    assert proposal.line_number == 72
    assert proposal.path == (2, 0, 2, 0)


def test_import_rendered_reports_lines_it_cannot_place():
    text = (
        "Wikimedia Clinics/007/en\n"
        "From Meta, a Wikimedia project coordination wiki\n"
        "Jump to navigation Jump to search\n"
        "  • a bullet before any topic\n"
        "Topic 1: Tools\n"
        "  • Quim (WMF): hello\n"
        "        • far too deep\n"
        "Retrieved from https://meta.wikimedia.org/w/index.php?title=X\n"
    )
    parsed = parse_rendered(text)
    assert [(p.line_number, p.message) for p in parsed.problems] == [
        (2, "not placed: the wiki's page furniture"),
        (3, "not placed: the wiki's page furniture"),
        (4, "not placed: it comes before the first topic"),
        (8, "not placed: the wiki's page furniture"),
    ]
    [topic] = parsed.data.topics
    [quim] = topic.items
    assert [child.text for child in quim.children] == ["far too deep"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Dear all,\n\nThe next clinic is on Tuesday. See you there!\n",
        "Wikimedia Clinics\n\n# date topics language\n001 15-Jun-2020 English\n",
        "\x00\x01 binary",
    ],
)
def test_import_rendered_not_a_digest(text):
    parsed = parse_digest(text)
    assert parsed.data is None
    assert parsed.problems[-1].message.startswith("this is not a digest: it has no topics")
    assert parsed.problems[-1].blocking


def test_import_guesses_the_format():
    assert guess_format(SEED_002) == RENDERED
    assert guess_format("== Topic 1: A ==\n* '''Quim (WMF)''': hi\n") == WIKITEXT


@pytest.mark.parametrize(
    ("line", "written", "rest"),
    [
        ("Quim (WMF): hello", "Quim (WMF)", "hello"),
        ("Anna (Wikimedia Argentina): I am happy", "Anna (Wikimedia Argentina)", "I am happy"),
        ("Claudia from Wikimedia Mexico:", "Claudia from Wikimedia Mexico", ""),
        ("a volunteer from Wikimujeres: Before", "a volunteer from Wikimujeres", "Before"),
        ("Volunteer from Venezuela: Not a wish", "Volunteer from Venezuela", "Not a wish"),
        ("volunteer: I brought it up", "volunteer", "I brought it up"),
        ("Catalan volunteer: rethink", "Catalan volunteer", "rethink"),
        ("**Sele (WMF)**: One effort", "Sele (WMF)", "One effort"),
        ("**a volunteer**: yes", "a volunteer", "yes"),
        (
            "una persona voluntaria de Wikimedia Venezuela: hola",
            "una persona voluntaria de Wikimedia Venezuela",
            "hola",
        ),
    ],
)
def test_import_speakers(line, written, rest):
    speaker, remainder = split_speaker(line)
    assert (speaker.written, remainder) == (written, rest)


@pytest.mark.parametrize(
    "line",
    [
        "Since March we have adapted everything: our workshops are shorter",
        "this is a goal that has to start somewhere: The Community Relations team",
        "We (Wikimedia Argentina) don't try to offer complete solutions",
        "Examples of things the Clinics are not the place for:",
    ],
)
def test_import_text_with_a_colon_is_not_a_speaker(line):
    assert split_speaker(line) == (None, line)


def test_import_matches_a_speaker_to_the_one_person_who_fits():
    people = [
        KnownPerson(1, "Quim", "staff", organization="WMF"),
        KnownPerson(2, "Anna", "volunteer", affiliation="Wikimedia Argentina"),
        KnownPerson(3, "Anna", "volunteer", affiliation="Wikimedia Spain"),
    ]
    assert match_person(SpeakerRef("Quim (WMF)", "Quim", "WMF", "WMF"), people).id == 1
    assert (
        match_person(
            SpeakerRef(
                "Anna (Wikimedia Argentina)", "Anna", "Wikimedia Argentina", "Wikimedia Argentina"
            ),
            people,
        ).id
        == 2
    )
    assert match_person(SpeakerRef("Anna", "Anna"), people) is None  # two Annas
    assert match_person(SpeakerRef("a volunteer from Spain", affiliation="Spain"), people) is None
    assert match_person(SpeakerRef("Quim (WMDE)", "Quim", "WMDE", "WMDE"), people) is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("July 16th 2020", dt.date(2020, 7, 16)),
        ("July 16, 2020", dt.date(2020, 7, 16)),
        ("16 July 2020", dt.date(2020, 7, 16)),
        ("16 de julio de 2020", dt.date(2020, 7, 16)),
        ("2020-07-16", dt.date(2020, 7, 16)),
        ("February 30, 2020", None),
        ("soon", None),
    ],
)
def test_import_reads_dates(text, day):
    assert read_day(text) == day
