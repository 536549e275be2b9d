"""What both digest importers share: the digest as read, and the builder that turns a page's
lines (headings, bullets and paragraphs, in the Markdown subset) into topics and items.

The page's header gives the session ("Wikimedia Clinic #006, held on July 16th 2020, in
Spanish"), the version's language and its siblings ("This is the English version of the
digest. And here is the Spanish digest."), and the headcount ("attended by 7 members of
Wikimedia Foundation staff and 10 volunteers"); the rest of the header is the lead. Each
"Topic N: …" heading opens a topic (every heading does when none is numbered); the
introduction keeps its text as written; in other topics, bullets nested by depth become
statements with their points and replies, "Question: …" opens a question whose answers
follow, "(… --Ed.)" is an editor's note. A sentence that makes a commitment ("will relay this
message …") is proposed as a follow-up for the editor to confirm. Every line that could not be
placed is reported.

Pure: lines in, :class:`ImportedDigest` and problems out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from clinicdesk.digests.documents import (
    FOLLOW_UP,
    INTRODUCTION,
    NOTE,
    PARTICIPANTS,
    QUESTION,
    RESOURCE,
    STATEMENT,
    ResourceData,
)
from clinicdesk.digests.importers.speakers import SpeakerRef, split_speaker
from clinicdesk.lib.languages import language_code_for_name
from clinicdesk.scheduling.importers.reading import MONTHS, Parsed, Problem

HEADING = "heading"
BULLET = "bullet"
TEXT = "text"


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One line of the page as a front end read it; ``text`` is in the Markdown subset."""

    kind: str  # heading, bullet or text
    text: str
    number: int  # in the file, from 1
    raw: str
    depth: int = 0  # bullets: 1 for the top level; headings: their level (0 when unknown)


@dataclass(frozen=True, slots=True)
class ImportedFollowUp:
    """A follow-up the page itself records (as clinicdesk writes one)."""

    status: str
    due_date: dt.date | None = None
    resolution: str = ""


@dataclass(frozen=True, slots=True)
class ImportedItem:
    kind: str
    text: str
    line_number: int
    speaker: SpeakerRef | None = None
    children: tuple[ImportedItem, ...] = ()
    resource: ResourceData | None = None
    follow_up: ImportedFollowUp | None = None


@dataclass(frozen=True, slots=True)
class ImportedTopic:
    title: str
    line_number: int
    kind: str = PARTICIPANTS
    body: str = ""
    items: tuple[ImportedItem, ...] = ()


@dataclass(frozen=True, slots=True)
class FollowUpProposal:
    """A sentence that makes a commitment, for the editor to confirm as a follow-up."""

    path: tuple[int, ...]  # topic index, then item indexes down the tree
    owner: SpeakerRef | None
    requester: SpeakerRef | None
    description: str
    line_number: int
    status: str = "open"
    due_date: dt.date | None = None
    resolution: str = ""


@dataclass(frozen=True, slots=True)
class ImportedDigest:
    page_title: str = ""
    language: str = ""  # "" when the page does not say
    session_number: int | None = None
    session_title: str = ""
    session_date: dt.date | None = None
    spoken_languages: tuple[str, ...] = ()
    other_languages: tuple[str, ...] = ()
    staff_count: int | None = None
    volunteer_count: int | None = None
    staff_organization: str = ""
    lead: str = ""
    topics: tuple[ImportedTopic, ...] = ()
    resources: tuple[ResourceData, ...] = ()
    proposals: tuple[FollowUpProposal, ...] = ()

    @property
    def item_count(self) -> int:
        def count(items: tuple[ImportedItem, ...]) -> int:
            return sum(1 + count(item.children) for item in items)

        return sum(count(topic.items) for topic in self.topics)


# --- Escaping plain text into the Markdown subset -------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\*_\[\]<`])")
_MD_LINE_START = re.compile(r"^([#>+-]|\d+[.)])")


def md_escape(text: str, *, block: bool = False) -> str:
    """Plain text as the Markdown subset, so that it reads back exactly as written."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    if block:
        text = _MD_LINE_START.sub(r"\\\1", text, count=1)
    return text


def md_unescape(text: str) -> str:
    return re.sub(r"\\([\\*_\[\]<`#>+.)-])", r"\1", text)


# --- The header -----------------------------------------------------------------------------------

_TOPIC_HEADING = re.compile(
    r"^(?:Topic|Tema|Sujet|Thème|Thema|Тема)\s*#?\s*(?P<number>\d+)\s*[:.\-\u2013]\s*(?P<title>.*)$",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"^(?:Question|Pregunta|Frage|Вопрос)\s*:\s*(?P<text>.*)$", re.IGNORECASE)
_INTRODUCTION_TITLES = {
    "introduction",
    "introducción",
    "introduccion",
    "einführung",
    "введение",
    "introdução",
}
_RESOURCES_TITLES = {"resources", "recursos", "ressources", "ressourcen", "ресурсы"}

_DIGEST_SENTENCE = re.compile(
    r"This is a digest \(a processed, edited summary\) of the online conference call\s+"
    r"(?P<session>.+?)(?:,\s+held on\s+(?P<date>[^,]+?(?:,\s*\d{4})?))?"
    r"(?:,?\s+(?:held\s+)?in\s+(?P<languages>[\w\s,]+?))?\.(?=\s|$)"
    r"|Esto es un resumen \(editado y procesado\) de la llamada en línea\s+"
    r"(?P<session_es>.+?)(?:,\s+celebrada el\s+(?P<date_es>[^,]+?))?"
    r"(?:,?\s+en\s+(?P<languages_es>[\w\s,]+?))?\.(?=\s|$)",
    re.IGNORECASE,
)
_FIDELITY_SENTENCE = re.compile(
    r"It sacrifices fidelity to people's exact words in favou?r of clarity, brevity, and "
    r"digestibility\.|Sacrifica la fidelidad a las palabras exactas de las personas en favor de "
    r"la claridad, la brevedad y la digeribilidad\.",
    re.IGNORECASE,
)
_VERSION_SENTENCE = re.compile(
    r"This is the (?P<language>[\w\s]+?) version of the digest\."
    r"|Esta es la versión en (?P<language_es>[\w\s]+?) del resumen\.",
    re.IGNORECASE,
)
_OTHER_VERSIONS_SENTENCE = re.compile(
    r"And here is the (?P<one>[\w\s]+?) digest\.|It is also available in (?P<many>[\w\s,]+?)\."
    r"|Y aquí tienes el resumen en (?P<one_es>[\w\s]+?)\."
    r"|También está disponible en (?P<many_es>[\w\s,]+?)\.",
    re.IGNORECASE,
)
_HEADCOUNT_SENTENCE = re.compile(
    r"The call was attended by (?:(?P<staff>\d+) (?:members? of (?P<org>.+?) staff|staff"
    r"(?: members?)?))?(?: and )?(?:(?P<volunteers>\d+) volunteers?)?\."
    r"|A la llamada asisti(?:ó|eron) (?:(?P<staff_es>\d+) (?:miembros? del personal de "
    r"(?P<org_es>.+?)|personas? del personal))?(?: y )?(?:(?P<volunteers_es>\d+) personas? "
    r"voluntarias?)?\.",
    re.IGNORECASE,
)
_SESSION_NUMBER = re.compile(r"#\s*(\d{1,5})\b")
_PAGE_TITLE_PARTS = re.compile(r"/(?P<number>\d{1,5})(?:/(?P<language>[a-z]{2,3}(?:-\w+)?))?$")
_SPANISH_MONTHS = {
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
}
_MONTH_DAY_YEAR = re.compile(
    r"^(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})$"
)
_DAY_MONTH_YEAR = re.compile(
    r"^(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:de\s+)?(?P<month>[A-Za-zé]+)\.?,?\s+(?:de\s+)?(?P<year>\d{4})$"
)


def read_day(text: str) -> dt.date | None:
    """ "July 16th 2020", "July 16, 2020", "16 July 2020", "16 de julio de 2020"."""
    text = " ".join(text.split())
    match = _MONTH_DAY_YEAR.match(text) or _DAY_MONTH_YEAR.match(text)
    if match is None:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    month_name = match["month"].casefold()
    month = MONTHS.get(month_name) or _SPANISH_MONTHS.get(month_name)
    if month is None:
        return None
    try:
        return dt.date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        return None


def _languages(text: str) -> tuple[str, ...]:
    codes = []
    for name in re.split(r",\s*|\s+(?:and|y|et|und|и)\s+", text.strip()):
        code = language_code_for_name(name.strip()) if name.strip() else None
        if code:
            codes.append(code)
    return tuple(dict.fromkeys(codes))


@dataclass
class _Header:
    session_title: str = ""
    session_number: int | None = None
    session_date: dt.date | None = None
    spoken: tuple[str, ...] = ()
    language: str = ""
    others: tuple[str, ...] = ()
    staff: int | None = None
    volunteers: int | None = None
    organization: str = ""
    lead: list[str] = field(default_factory=list)


def _read_header_paragraph(text: str, header: _Header) -> None:
    """Takes the sentences clinicdesk writes itself out of a header paragraph; what remains
    is the digest's lead."""
    plain = md_unescape(text)

    def digest_sentence(match: re.Match[str]) -> str:
        session = match["session"] or match["session_es"] or ""
        header.session_title = session.strip()
        if number := _SESSION_NUMBER.search(session):
            header.session_number = int(number[1])
        date_text = match["date"] or match["date_es"]
        if date_text:
            header.session_date = read_day(date_text)
        languages = match["languages"] or match["languages_es"]
        if languages:
            header.spoken = _languages(languages)
        return ""

    def version_sentence(match: re.Match[str]) -> str:
        found = _languages(match["language"] or match["language_es"] or "")
        if found:
            header.language = found[0]
        return ""

    def others_sentence(match: re.Match[str]) -> str:
        header.others = _languages(
            match["one"] or match["many"] or match["one_es"] or match["many_es"] or ""
        )
        return ""

    def headcount_sentence(match: re.Match[str]) -> str:
        staff = match["staff"] or match["staff_es"]
        volunteers = match["volunteers"] or match["volunteers_es"]
        if staff is None and volunteers is None:
            return match[0]
        header.staff = int(staff) if staff else None
        header.volunteers = int(volunteers) if volunteers else None
        header.organization = (match["org"] or match["org_es"] or "").strip()
        return ""

    rest = _DIGEST_SENTENCE.sub(digest_sentence, plain, count=1)
    rest = _FIDELITY_SENTENCE.sub("", rest, count=1)
    rest = _VERSION_SENTENCE.sub(version_sentence, rest, count=1)
    rest = _OTHER_VERSIONS_SENTENCE.sub(others_sentence, rest, count=1)
    rest = _HEADCOUNT_SENTENCE.sub(headcount_sentence, rest, count=1)
    rest = " ".join(rest.split())
    if rest:
        header.lead.append(text if rest == " ".join(plain.split()) else md_escape(rest))


# --- Items ----------------------------------------------------------------------------------------

_NOTE = re.compile(
    r"^\((?P<text>.+?)\s*(?:--|—|\u2013)\s*(?:Ed\.|N\. del E\.)\)$"
    r"|^(?P<bare>.+?)\s*(?:--|—)\s*Ed\.$"
)
_FOLLOW_UP_SUFFIX = re.compile(
    r"\s+—\s+\*?(?:Follow-up|Seguimiento)(?:\s+(?:for|para)\s+[^:]+)?:\s*"
    r"(?P<status>open|done|dropped|abierto|hecho|descartado)"
    r"(?:,\s*(?:due|vence el)\s+(?P<due>[^.*]+))?"
    r"(?:\.\s*(?P<resolution>[^*]+))?\*?\s*$",
    re.IGNORECASE,
)
_STATUS_WORDS = {
    "open": "open",
    "abierto": "open",
    "done": "done",
    "hecho": "done",
    "dropped": "dropped",
    "descartado": "dropped",
}
_COMMITMENT = re.compile(
    r"^(?:(?:I|we|the team)\s+(?:will|shall|am going to|are going to|is going to)\s+\w+"
    r"|(?:I|we)['\u2019]ll\s+\w+|will\s+\w+"
    r"|(?:voy|vamos|van)\s+a\s+\w+|nos\s+comprometemos|me\s+comprometo)",
    re.IGNORECASE,
)
_SENTENCE_START = re.compile(r"(?:^|(?<=[.!?]))\s*")
_RESOURCE_KINDS = {
    "recording": "recording",
    "grabación": "recording",
    "slides": "slides",
    "diapositivas": "slides",
    "tool": "tool",
    "herramienta": "tool",
    "page": "page",
    "página": "page",
    "document": "document",
    "documento": "document",
}
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?"
_RESOURCE = re.compile(
    rf"^(?P<kind>{'|'.join(_RESOURCE_KINDS)})(?:\s*\((?P<start>{_CLOCK})(?:\s*[-\u2013]\s*(?P<end>{_CLOCK}))?\))?"
    r":\s*(?:\[(?P<title>[^\]]+)\]\((?P<url>https?://[^)\s]+)\)"
    r"|(?P<title2>.+?)\s*\((?P<url2>https?://[^)\s]+)\)|(?P<url3>https?://\S+))"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)


def seconds(clock: str | None) -> int | None:
    """ "5:30" -> 330, "1:05:30" -> 3930."""
    if not clock:
        return None
    parts = [int(part) for part in clock.split(":")]
    total = 0
    for part in parts:
        total = total * 60 + part
    return total


def read_resource(text: str, language: str = "") -> tuple[ResourceData, str] | None:
    """ "Recording (5:30-6:15): [title](url)" as a resource, and any text after it."""
    match = _RESOURCE.match(md_unescape(text).strip())
    if match is None:
        return None
    url = match["url"] or match["url2"] or match["url3"]
    title = (match["title"] or match["title2"] or url).strip()
    start, end = seconds(match["start"]), seconds(match["end"])
    if start is not None and end is not None and end <= start:
        end = None
    rest = match["rest"].strip().removeprefix(":").strip()
    kind = _RESOURCE_KINDS[match["kind"].casefold()]
    return ResourceData(kind, url, title, language, start, end), md_escape(rest) if rest else ""


def makes_commitment(text: str) -> bool:
    """Whether a sentence of ``text`` starts with a promise ("will relay …", "we will …")."""
    plain = md_unescape(text)
    return any(
        _COMMITMENT.match(sentence.strip())
        for sentence in re.split(r"(?<=[.!?])\s+", plain)
        if sentence.strip()
    )


@dataclass
class _Item:
    kind: str
    text: str
    line: SourceLine
    speaker: SpeakerRef | None = None
    children: list[_Item] = field(default_factory=list)
    resource: ResourceData | None = None
    follow_up: ImportedFollowUp | None = None

    def freeze(self) -> ImportedItem:
        return ImportedItem(
            self.kind,
            self.text,
            self.line.number,
            self.speaker,
            tuple(child.freeze() for child in self.children),
            self.resource,
            self.follow_up,
        )


@dataclass
class _Topic:
    title: str
    line: SourceLine
    kind: str = PARTICIPANTS
    body: list[str] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)
    # The open container (a question or a statement written as a paragraph) and the chain of
    # bullets above the current one, by depth.
    container: _Item | None = None
    chain: list[_Item] = field(default_factory=list)


def _item_from(line: SourceLine, known_names: frozenset[str], language: str) -> _Item:
    text = line.text.strip()
    if line.kind != HEADING and (note := _NOTE.match(md_unescape(text))):
        return _Item(NOTE, md_escape((note["text"] or note["bare"]).strip()), line)
    if question := _QUESTION.match(text):
        return _Item(QUESTION, question["text"].strip(), line)
    resource = read_resource(text, language)
    if resource is not None:
        return _Item(RESOURCE, resource[1], line, resource=resource[0])
    speaker, rest = split_speaker(text, known_names)
    follow_up = None
    if suffix := _FOLLOW_UP_SUFFIX.search(rest):
        follow_up = ImportedFollowUp(
            _STATUS_WORDS[suffix["status"].casefold()],
            read_day(suffix["due"]) if suffix["due"] else None,
            (suffix["resolution"] or "").strip(),
        )
        rest = rest[: suffix.start()]
    kind = FOLLOW_UP if follow_up else STATEMENT
    return _Item(kind, rest.strip(), line, speaker, follow_up=follow_up)


def build_digest(
    lines: Sequence[SourceLine],
    *,
    page_title: str = "",
    known_names: frozenset[str] = frozenset(),
    problems: list[Problem] | None = None,
) -> Parsed[ImportedDigest]:
    """The digest the lines make, with every line that could not be placed reported."""
    problems = list(problems or [])
    headings = [line for line in lines if line.kind == HEADING]
    numbered = any(_TOPIC_HEADING.match(line.text) for line in headings)
    levels = [line.depth for line in headings if line.depth]
    top_level = min(levels) if levels else 0

    def opens_topic(line: SourceLine) -> bool:
        if numbered:
            return bool(_TOPIC_HEADING.match(line.text))
        if _QUESTION.match(line.text):
            return False
        return not top_level or line.depth <= top_level

    header = _Header()
    if page_title and (parts := _PAGE_TITLE_PARTS.search(page_title)):
        header.session_number = int(parts["number"])
        header.language = parts["language"] or ""
    topics: list[_Topic] = []
    resources: list[ResourceData] = []
    in_resources = False
    paragraph: list[SourceLine] = []

    def flush_header() -> None:
        if paragraph:
            _read_header_paragraph(" ".join(line.text for line in paragraph), header)
            paragraph.clear()

    for line in lines:
        if line.kind == HEADING and opens_topic(line):
            flush_header()
            numbered_match = _TOPIC_HEADING.match(line.text)
            title = numbered_match["title"].strip() if numbered_match else line.text.strip()
            if md_unescape(title).casefold() in _RESOURCES_TITLES:
                in_resources = True
                continue
            in_resources = False
            kind = (
                INTRODUCTION
                if md_unescape(title).casefold() in _INTRODUCTION_TITLES
                else PARTICIPANTS
            )
            topics.append(_Topic(title, line, kind))
            continue
        if in_resources:
            found = read_resource(line.text, header.language) if line.kind == BULLET else None
            if found is not None:
                resources.append(found[0])
            elif line.text.strip():
                problems.append(
                    Problem(
                        line.number,
                        line.raw,
                        "not a resource (“Recording: title (address)”)",
                        blocking=False,
                    )
                )
            continue
        if not topics:
            if line.kind == TEXT:
                if line.text.strip():
                    paragraph.append(line)
                else:
                    flush_header()
            elif line.text.strip():
                flush_header()
                problems.append(
                    Problem(
                        line.number,
                        line.raw,
                        "not placed: it comes before the first topic",
                        blocking=False,
                    )
                )
            continue
        topic = topics[-1]
        if topic.kind == INTRODUCTION:
            _add_to_body(topic, line)
        else:
            _add_to_topic(topic, line, known_names, header.language, problems)
    flush_header()

    if not topics:
        problems.append(
            Problem(
                0,
                "",
                "this is not a digest: it has no topics (headings such as “Topic 2: Impact of "
                "the pandemic” or “== Impact of the pandemic ==”)",
            )
        )
        return Parsed(None, tuple(sorted(problems, key=lambda problem: problem.line_number)))
    frozen = tuple(
        ImportedTopic(
            topic.title,
            topic.line.number,
            topic.kind,
            "\n".join(topic.body).strip(),
            tuple(item.freeze() for item in topic.items),
        )
        for topic in topics
    )
    digest = ImportedDigest(
        page_title=page_title,
        language=header.language,
        session_number=header.session_number,
        session_title=header.session_title,
        session_date=header.session_date,
        spoken_languages=header.spoken,
        other_languages=tuple(code for code in header.others if code != header.language),
        staff_count=header.staff,
        volunteer_count=header.volunteers,
        staff_organization=header.organization,
        lead="\n\n".join(header.lead),
        topics=frozen,
        resources=tuple(resources),
        proposals=tuple(_proposals(frozen)),
    )
    return Parsed(digest, tuple(sorted(problems, key=lambda problem: problem.line_number)))


def _add_to_body(topic: _Topic, line: SourceLine) -> None:
    """The introduction is kept as written: subheadings, paragraphs and lists."""
    text = line.text.strip()
    if not text:
        if topic.body and topic.body[-1] != "":
            topic.body.append("")
        return
    if line.kind == HEADING:
        if topic.body and topic.body[-1] != "":
            topic.body.append("")
        topic.body += [f"### {text}", ""]
    elif line.kind == BULLET:
        if topic.body and topic.body[-1] != "" and not topic.body[-1].lstrip().startswith("* "):
            topic.body.append("")
        topic.body.append(f"{'  ' * (max(line.depth, 1) - 1)}* {text}")
    else:
        if topic.body and topic.body[-1] != "":
            topic.body.append("")
        topic.body.append(text if not _MD_LINE_START.match(text) else "\\" + text)


def _add_to_topic(
    topic: _Topic,
    line: SourceLine,
    known_names: frozenset[str],
    language: str,
    problems: list[Problem],
) -> None:
    text = line.text.strip()
    if not text:
        return
    item = _item_from(line, known_names, language)
    if line.kind == HEADING:
        if item.kind != QUESTION:
            problems.append(
                Problem(
                    line.number,
                    line.raw,
                    "a subheading inside a topic: kept as a line in bold",
                    blocking=False,
                )
            )
            item = _Item(STATEMENT, f"**{text}**", line)
        topic.items.append(item)
        topic.container, topic.chain = item, []
        return
    if line.kind == TEXT:
        if item.kind == STATEMENT and item.speaker is None and topic.chain:
            # A paragraph between bullets continues the line above.
            topic.chain[-1].text = f"{topic.chain[-1].text} {text}".strip()
            return
        if (
            item.kind in {STATEMENT, FOLLOW_UP}
            and item.speaker is not None
            and "?" in md_unescape(item.text)
        ):
            item.kind = QUESTION
        topic.items.append(item)
        topic.container, topic.chain = item, []
        return
    # A bullet: its depth counts from the open container, if any.
    depth = max(line.depth, 1)
    if depth > len(topic.chain) + 1:
        problems.append(
            Problem(
                line.number,
                line.raw,
                "indented deeper than the line above: placed one level below it",
                blocking=False,
            )
        )
        depth = len(topic.chain) + 1
    del topic.chain[depth - 1 :]
    if topic.chain:
        topic.chain[-1].children.append(item)
    elif topic.container is not None:
        topic.container.children.append(item)
    else:
        topic.items.append(item)
    topic.chain.append(item)


def _proposals(topics: tuple[ImportedTopic, ...]) -> list[FollowUpProposal]:
    found: list[FollowUpProposal] = []

    def visit(
        items: tuple[ImportedItem, ...], path: tuple[int, ...], asker: SpeakerRef | None
    ) -> None:
        for index, item in enumerate(items):
            here = (*path, index)
            if item.follow_up is not None:
                found.append(
                    FollowUpProposal(
                        here,
                        item.speaker,
                        asker,
                        item.text,
                        item.line_number,
                        item.follow_up.status,
                        item.follow_up.due_date,
                        item.follow_up.resolution,
                    )
                )
            elif item.kind == STATEMENT and item.text and makes_commitment(item.text):
                found.append(
                    FollowUpProposal(here, item.speaker, asker, item.text, item.line_number)
                )
            visit(item.children, here, item.speaker or asker)

    for index, topic in enumerate(topics):
        visit(topic.items, (index,), None)
    return found
