"""The Markdown subset: emphasis, links and lists only, and nothing unsafe ever renders."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinicdesk.digests import documents as d
from clinicdesk.digests.attribution import Speaker
from clinicdesk.digests.markup import (
    Emphasis,
    Heading,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Strong,
    Text,
    parse_blocks,
    parse_inline,
    plain_text,
)
from clinicdesk.digests.renderers import render_html


def test_markup_plain_text_is_one_node():
    assert parse_inline("We adapted everything -- online.") == (
        Text("We adapted everything -- online."),
    )


def test_markup_emphasis_strong_and_links():
    assert parse_inline("*new* **bold** [site](https://example.org/a)") == (
        Emphasis((Text("new"),)),
        Text(" "),
        Strong((Text("bold"),)),
        Text(" "),
        Link("https://example.org/a", (Text("site"),)),
    )


def test_markup_bare_address_becomes_a_link():
    assert parse_inline("see https://meta.wikimedia.org/wiki/IdeaLab.") == (
        Text("see "),
        Link(
            "https://meta.wikimedia.org/wiki/IdeaLab",
            (Text("https://meta.wikimedia.org/wiki/IdeaLab"),),
        ),
        Text("."),
    )


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        "[x](file:///etc/passwd)",
    ],
)
def test_markup_link_to_an_unsafe_scheme_is_text(text):
    nodes = parse_inline(text)
    assert not any(isinstance(node, Link) for node in nodes)
    assert plain_text(nodes).startswith("x") or "[x]" in plain_text(nodes)


def test_markup_html_is_text():
    assert parse_inline("<script>alert(1)</script>") == (Text("<script>alert(1)</script>"),)


def test_markup_hard_break():
    assert parse_inline("one  \ntwo") == (Text("one"), LineBreak(), Text("two"))


def test_markup_blocks_paragraphs_lists_and_subheadings():
    assert parse_blocks("### quick principles\n\n* listen\n  * share\n* serve\n\nThese calls.") == (
        Heading((Text("quick principles"),)),
        ListBlock(
            (
                d_item("listen", ListBlock((d_item("share"),))),
                d_item("serve"),
            )
        ),
        Paragraph((Text("These calls."),)),
    )


def d_item(text, *sublists):
    from clinicdesk.digests.markup import ListItem

    return ListItem((Text(text),), tuple(sublists))


HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    '<svg onload="alert(1)"></svg>',
    '"><iframe src="https://evil.example"></iframe>',
    "<p style=\"color:red\" onclick='alert(1)'>x</p>",
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add(name)
            if name == "href":
                self.hrefs.append(value or "")

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("text", HOSTILE)
def test_markup_script_and_event_handlers_never_reach_html(text):
    doc = d.DigestData(
        language="en",
        session_title=text,
        lead=text,
        topics=(
            d.TopicData(
                title=text,
                body=f"{text}\n\n* {text}",
                items=(
                    d.ItemData(kind=d.STATEMENT, text=text, speaker=Speaker.free(text)),
                    d.ItemData(kind=d.NOTE, text=text),
                ),
            ),
        ),
    )
    found = _Tags()
    found.feed(render_html(doc))
    assert found.tags <= {"div", "section", "h2", "h3", "p", "ul", "li", "strong", "em", "a"}
    assert found.attributes <= {"class", "lang", "href", "hreflang", "rel"}
    assert all(href.startswith(("http://", "https://", "mailto:", "/")) for href in found.hrefs)
    # What was typed shows as text, in the title, the lead, the speaker and the item.
    assert "".join(found.text).count(plain_text(parse_inline(text))) >= 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a * b * c", (Text("a * b * c"),)),
        ("snake_case_name", (Text("snake_case_name"),)),
        (
            "_under_ and *star*",
            (Emphasis((Text("under"),)), Text(" and "), Emphasis((Text("star"),))),
        ),
        ("**unclosed", (Text("**unclosed"),)),
        ("*a **b** c*", (Emphasis((Text("a "), Strong((Text("b"),)), Text(" c"))),)),
        ("***both***", (Emphasis((Strong((Text("both"),)),)),)),
        (r"\*not\* \[a\](link)", (Text("*not* [a](link)"),)),
        ("[a \\] b](https://e.org)", (Link("https://e.org", (Text("a ] b"),)),)),
        ("<https://e.org/x>", (Link("https://e.org/x", (Text("https://e.org/x"),)),)),
        ("[x](javascript:alert(1))", (Text("[x](javascript:alert(1))"),)),
        ("[**b**](https://e.org)", (Link("https://e.org", (Strong((Text("b"),)),)),)),
        ("2 * 3 = 6, 4*5", (Text("2 * 3 = 6, 4*5"),)),
    ],
)
def test_markup_inline_edge_cases(text, expected):
    assert parse_inline(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=120))
def test_markup_escaped_text_reads_back_exactly(text):
    from clinicdesk.digests.importers.common import md_escape

    assert plain_text(parse_inline(md_escape(text))) == text
