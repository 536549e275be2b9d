"""Renderers: wikitext that no user text can break (proved with mwparserfromhell), HTML,
Markdown and plain text of the same digest."""

from __future__ import annotations

import datetime as dt

import mwparserfromhell
import pytest
from markdown_it import MarkdownIt

from clinicdesk.digests import documents as d
from clinicdesk.digests.attribution import Speaker
from clinicdesk.digests.renderers import (
    render_html,
    render_markdown,
    render_text,
    render_wikitext,
)
from clinicdesk.digests.renderers.wikitext import escape

QUIM = Speaker(is_person=True, name="Quim", role="staff", organization="WMF")
CLAUDIA = Speaker(is_person=True, name="Claudia", affiliation="Wikimedia Mexico", consent="name")


def digest(**changes) -> d.DigestData:
    base = d.DigestData(
        language="en",
        session_title="Wikimedia Clinic #006",
        session_date=dt.date(2020, 7, 16),
        spoken_languages=("es",),
        wiki_title="Wikimedia Clinics/006/en",
        url="https://clinics.example.org/programs/wikimedia-clinics/sessions/6/digests/en/",
        lead="Except for the introduction, the topics are brought up by volunteers.",
        staff_count=7,
        volunteer_count=10,
        staff_organization="Wikimedia Foundation",
        topics=(
            d.TopicData(
                title="Introduction",
                kind=d.INTRODUCTION,
                body=(
                    "### quick principles\n\n* listen with patience\n* share\n\n"
                    "These calls are a Friendly Space."
                ),
            ),
            d.TopicData(
                title="Impact of the pandemic on affiliates",
                items=(
                    d.ItemData(
                        kind=d.STATEMENT,
                        speaker=CLAUDIA,
                        children=(
                            d.ItemData(kind=d.STATEMENT, text="Since March we are *online*."),
                            d.ItemData(kind=d.STATEMENT, text="Museums ask us for ideas."),
                        ),
                    ),
                    d.ItemData(
                        kind=d.QUESTION,
                        text="How much support do you have?",
                        children=(
                            d.ItemData(
                                kind=d.STATEMENT,
                                speaker=Speaker.free("volunteer from Venezuela"),
                                text="We have more volunteers outside the country.",
                            ),
                        ),
                    ),
                ),
            ),
            d.TopicData(
                title="Needed support from the Foundation",
                items=(
                    d.ItemData(
                        kind=d.QUESTION,
                        speaker=QUIM,
                        text="If you asked the Foundation for one thing, what would it be?",
                        children=(
                            d.ItemData(
                                kind=d.STATEMENT,
                                speaker=Speaker.free("volunteer from Spain"),
                                text="I wish financing were easier.",
                                children=(
                                    d.ItemData(
                                        kind=d.FOLLOW_UP,
                                        speaker=QUIM,
                                        text="will relay this message",
                                        follow_up=d.FollowUpData(
                                            owner=QUIM,
                                            description="will relay this message",
                                            status="done",
                                            requester=Speaker.free("volunteer from Spain"),
                                            resolution="Sent to the grants team.",
                                        ),
                                    ),
                                ),
                            ),
                            d.ItemData(kind=d.NOTE, text="this call was held in Spanish"),
                            d.ItemData(
                                kind=d.RESOURCE,
                                resource=d.ResourceData(
                                    "recording",
                                    "https://example.org/rec",
                                    "The recording",
                                    "es",
                                    330,
                                    375,
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
        resources=(d.ResourceData("slides", "https://example.org/slides", "Slides of the call"),),
        other_versions=(
            d.VersionLink(
                "es",
                "https://clinics.example.org/programs/wikimedia-clinics/sessions/6/digests/es/",
                "Wikimedia Clinics/006/es",
            ),
        ),
    )
    return d.DigestData(**{**{f: getattr(base, f) for f in d.DigestData.__slots__}, **changes})


def test_wikitext_whole_digest():
    assert render_wikitext(digest()) == (
        "This is a digest (a processed, edited summary) of the online conference call Wikimedia "
        "Clinic #006, held on July 16, 2020, in Spanish. It sacrifices fidelity to people's exact "
        "words in favor of clarity, brevity, and digestibility. This is the English version of "
        "the digest. And here is the [[Wikimedia Clinics/006/es|Spanish digest]].\n"
        "\n"
        "Except for the introduction, the topics are brought up by volunteers.\n"
        "\n"
        "The call was attended by 7 members of Wikimedia Foundation staff and 10 volunteers.\n"
        "\n"
        "== Topic 1: Introduction ==\n"
        "=== quick principles ===\n"
        "* listen with patience\n"
        "* share\n"
        "\n"
        "These calls are a Friendly Space.\n"
        "\n"
        "== Topic 2: Impact of the pandemic on affiliates ==\n"
        "* '''Claudia from Wikimedia Mexico''':\n"
        "** Since March we are ''online''.\n"
        "** Museums ask us for ideas.\n"
        "\n"
        "=== Question: How much support do you have? ===\n"
        "* '''volunteer from Venezuela''': We have more volunteers outside the country.\n"
        "\n"
        "== Topic 3: Needed support from the Foundation ==\n"
        "\n"
        "'''Quim (WMF)''': If you asked the Foundation for one thing, what would it be?\n"
        "* '''volunteer from Spain''': I wish financing were easier.\n"
        "** '''Quim (WMF)''': will relay this message — ''Follow-up for volunteer from Spain: "
        "done. Sent to the grants team.''\n"
        "* (this call was held in Spanish --Ed.)\n"
        "* Recording (5:30-6:15): [https://example.org/rec The recording] (in Spanish)\n"
        "\n"
        "== Resources ==\n"
        "* Slides: [https://example.org/slides Slides of the call]\n"
    )


def test_wikitext_structure_parses_as_headings_and_nested_bullets():
    code = mwparserfromhell.parse(render_wikitext(digest()))
    assert [str(h.title).strip() for h in code.filter_headings()] == [
        "Topic 1: Introduction",
        "quick principles",
        "Topic 2: Impact of the pandemic on affiliates",
        "Question: How much support do you have?",
        "Topic 3: Needed support from the Foundation",
        "Resources",
    ]
    assert [str(link.title) for link in code.filter_wikilinks()] == ["Wikimedia Clinics/006/es"]
    assert [str(link.url) for link in code.filter_external_links()] == [
        "https://example.org/rec",
        "https://example.org/slides",
    ]
    assert code.filter_templates() == []


HOSTILE = [
    "[[Special:Random|x]]",
    "{{delete|now}}",
    "{| class=wikitable\n|-\n| cell\n|}",
    "''italic'' and '''bold'''",
    "<ref>a source</ref>",
    "~~~~",
    "* a bullet",
    "# a numbered line",
    "== a heading ==",
    "= one =",
    "__NOTOC__",
    "----",
    ": indented",
    "; term : definition",
    " leading space",
    "<nowiki>x</nowiki> &amp; <b>b</b>",
    "[https://evil.example click]",
    "it's Claudia's'",
    "{{{param}}} |} {|",
]


def _count_structure(code) -> tuple[int, int, int, int, int]:
    tags = [t for t in code.filter_tags() if str(t.tag) not in {"li", "b", "i", "br"}]
    # A bare address typed in the text is a link to itself; a link with a label of its own is
    # only ever one the renderer made.
    labelled = [
        link
        for link in code.filter_external_links()
        if link.title and str(link.title).strip() != str(link.url)
    ]
    return (
        len(code.filter_templates()),
        len(code.filter_wikilinks()),
        len(labelled),
        len(code.filter_headings()),
        len(tags),
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_wikitext_user_text_cannot_break_the_structure(text):
    hostile = digest(
        session_title=text,
        lead=text,
        staff_organization=text,
        topics=(
            d.TopicData(
                title=text,
                body=f"Typed: {text}",
                items=(
                    d.ItemData(
                        kind=d.STATEMENT,
                        speaker=Speaker.free(text),
                        text=text,
                        children=(d.ItemData(kind=d.STATEMENT, text=text),),
                    ),
                    d.ItemData(kind=d.QUESTION, text=text),
                    d.ItemData(kind=d.NOTE, text=text),
                    d.ItemData(
                        kind=d.RESOURCE,
                        resource=d.ResourceData("page", "https://example.org/p", text),
                    ),
                ),
            ),
        ),
        resources=(),
    )
    code = mwparserfromhell.parse(render_wikitext(hostile))
    templates, wikilinks, external, headings, other_tags = _count_structure(code)
    assert templates == 0
    assert wikilinks == 1  # the link to the Spanish version
    assert external == 1  # the resource, with its title
    assert headings == 2  # the topic and the question
    assert other_tags == 0
    # Every bullet is where the renderer put it: two at depth 1... as many as it wrote.
    lines = [line for line in str(code).splitlines() if line.startswith("*")]
    assert [len(line) - len(line.lstrip("*")) for line in lines] == [1, 2, 1, 1]
    # And the text reads as typed (entities decoded): once per place it was written.
    shown = code.strip_code(normalize=True, collapse=True)
    flat = " ".join(text.split())
    assert " ".join(shown.split()).count(flat.lstrip("*#:; ").strip()) >= 3


def test_wikitext_escape_keeps_plain_text_plain():
    assert escape("We adapted everything: online-only, 100%.") == (
        "We adapted everything: online-only, 100%."
    )
    assert escape("it's") == "it's"
    assert escape("''x''") == "&#39;&#39;x&#39;&#39;"
    assert escape("* x", line_start=True) == "&#42; x"


def test_html_whole_structure():
    html = render_html(digest())
    assert html.startswith(
        '<div class="digest" lang="en">\n<p class="digest-header">This is a digest'
    )
    assert (
        '<a href="https://clinics.example.org/programs/wikimedia-clinics/sessions/6/digests/es/" '
        'hreflang="es" rel="noopener noreferrer nofollow">Spanish digest</a>'
    ) in html
    assert "<h2>Topic 2: Impact of the pandemic on affiliates</h2>" in html
    assert (
        '<ul class="items">\n<li class="statement">'
        "<strong>Claudia from Wikimedia Mexico</strong>:\n"
        '<ul>\n<li class="statement">Since March we are <em>online</em>.\n</li>\n'
        '<li class="statement">Museums ask us for ideas.\n</li></ul>\n</li></ul>'
    ) in html
    assert '<h3 class="question">Question: How much support do you have?</h3>' in html
    assert (
        '<p class="question"><strong>Quim (WMF)</strong>: If you asked the Foundation for one '
        "thing, what would it be?</p>"
    ) in html


def test_html_marks_untranslated_items_with_their_language():
    doc = digest(
        language="es",
        topics=(
            d.TopicData(
                title="Impacto",
                items=(
                    d.ItemData(
                        kind=d.STATEMENT,
                        text="Since March.",
                        state=d.UNTRANSLATED,
                        text_language="en",
                    ),
                    d.ItemData(kind=d.STATEMENT, text="Desde marzo.", state=d.OUTDATED),
                ),
            ),
        ),
    )
    html = render_html(doc)
    assert '<li class="statement untranslated" lang="en">Since March.' in html
    assert '<li class="statement outdated">Desde marzo.' in html


def test_markdown_parses_back_into_the_same_lists():
    rendered = render_markdown(digest())
    assert rendered.startswith("# Wikimedia Clinics/006/en\n\nThis is a digest")
    assert "- **Claudia from Wikimedia Mexico**:\n  - Since March we are *online*.\n" in rendered
    assert (
        "### Question: How much support do you have?\n\n- **volunteer from Venezuela**:" in rendered
    )
    tokens = MarkdownIt("commonmark").parse(rendered)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[1:4] == [
        "Topic 1: Introduction",
        "quick principles",
        "Topic 2: Impact of the pandemic on affiliates",
    ]


def test_markdown_escapes_user_markup():
    doc = digest(
        topics=(
            d.TopicData(
                title="# not a heading",
                items=(
                    d.ItemData(kind=d.STATEMENT, text="1. not a list", speaker=Speaker.free("*x*")),
                ),
            ),
        )
    )
    rendered = render_markdown(doc)
    assert "## Topic 1: # not a heading" in rendered
    assert "- **\\*x\\***: 1. not a list" in rendered


def test_text_for_email():
    text = render_text(digest())
    assert text.startswith("Wikimedia Clinics/006/en\n\nThis is a digest")
    assert "And here is the Spanish digest (https://clinics.example.org/" in text
    assert (
        "Topic 2: Impact of the pandemic on affiliates\n\n  • Claudia from Wikimedia Mexico:\n"
        "    • Since March we are online.\n" in text
    )
    assert (
        "Question: How much support do you have?\n\n  • volunteer from Venezuela: We have" in text
    )
    assert "  • Recording (5:30-6:15): The recording (https://example.org/rec) (in Spanish)" in text
    assert "Resources\n\n  • Slides: Slides of the call (https://example.org/slides)" in text


def test_header_without_date_languages_or_headcount():
    doc = d.DigestData(language="en", session_title="Clinic #001")
    assert render_text(doc) == (
        "Clinic #001\n\nThis is a digest (a processed, edited summary) of the online conference "
        "call Clinic #001. It sacrifices fidelity to people's exact words in favor of clarity, "
        "brevity, and digestibility. This is the English version of the digest.\n"
    )


@pytest.mark.parametrize(
    ("language", "languages", "expected"),
    [
        ("en", (), "of the online conference call Clinic #001, held in September 2024. It"),
        (
            "es",
            ("es",),
            "de la llamada en línea Clinic #001, celebrada en septiembre de 2024, en español.",
        ),
    ],
)
def test_header_of_a_session_known_only_by_its_month(language, languages, expected):
    doc = d.DigestData(
        language=language,
        session_title="Clinic #001",
        session_month=dt.date(2024, 9, 1),
        spoken_languages=languages,
    )
    assert expected in render_text(doc)


def test_header_names_several_other_versions():
    doc = digest(
        other_versions=(
            d.VersionLink("es", "/es/", "P/006/es"),
            d.VersionLink("fr", "/fr/", "P/006/fr"),
        )
    )
    assert (
        "It is also available in [[P/006/es|Spanish]] and [[P/006/fr|French]]."
        in render_wikitext(doc)
    )
