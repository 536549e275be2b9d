"""Reads a program's wiki page as rendered text (seed 001): its name, purpose, expected
conduct, cadence and call length, the upcoming calls with their scheduled segments, and the
archive table of past calls.

Pure: text in, :class:`ArchivePage` and problems out. The page gives upcoming calls without a
year; each is dated on the first day after the last archived call that falls on its weekday.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from clinicdesk.lib.languages import language_code_for_name, language_name
from clinicdesk.scheduling.importers.reading import (
    CallTime,
    LengthRange,
    Line,
    Parsed,
    Problem,
    find_call_times,
    first_date_after,
    paragraphs,
    prose,
    read_date,
    read_program_facts,
    split_lines,
)

# An upcoming call's year is the first after the last archived call; further than this, the
# weekday matches by accident rather than by intent.
YEAR_SEARCH_LIMIT = 7


@dataclass(frozen=True, slots=True)
class ArchiveRow:
    """One past call in the archive table."""

    number: int
    date: dt.date
    languages: tuple[str, ...]  # spoken on the call
    topics: Mapping[str, tuple[str, ...]]  # topic names by language, in the table's order
    line_number: int


@dataclass(frozen=True, slots=True)
class ScheduledSegment:
    title: str
    presenter: str  # empty when the page names nobody


@dataclass(frozen=True, slots=True)
class UpcomingCall:
    number: int
    call_time: CallTime
    date: dt.date
    title_prefix: str  # "Wikimedia Clinic" in "Wikimedia Clinic #010"; may be empty
    segments: tuple[ScheduledSegment, ...]
    line_number: int


@dataclass(frozen=True, slots=True)
class ArchivePage:
    name: str
    purpose: str  # paragraphs of "About the program"; bullets as lines starting with "* "
    conduct: str  # the "Expected conduct" section, in the same form
    cadence_text: str  # "two to three times a month"; empty when not stated
    alternating: bool  # "in alternating time zones"
    length: LengthRange | None  # "70-90 minutes"
    min_staff: int | None
    upcoming: tuple[UpcomingCall, ...]
    rows: tuple[ArchiveRow, ...]

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages calls were held in, the most used first."""
        counts = Counter(code for row in self.rows for code in row.languages)
        return tuple(sorted(counts, key=lambda code: -counts[code]))


def parse_archive_page(text: str) -> Parsed[ArchivePage]:
    """Reads the page; ``data`` is None when the text has no archive table at all."""
    lines = split_lines(text)
    problems: list[Problem] = []
    title = next((line for line in lines if not line.is_blank), None)
    if title is None:
        return Parsed(None, (Problem(0, "", "the text is empty"),))
    sections = _sections(lines)
    table = sections.get("archive") or _lines_after_table_header(lines)
    rows = _read_table(table, problems)
    if not rows:
        problems.append(
            Problem(
                0,
                "",
                "this is not a program page: it has no archive table of past calls (a header "
                "such as “# date topics language” and rows such as “001 15-Jun-2020 English”)",
            )
        )
        return Parsed(None, tuple(problems))
    if len(title.text) > 200:
        problems.append(Problem(title.number, title.raw, "a program name has at most 200 letters"))

    about = sections.get("about", [])
    conduct = sections.get("conduct", [])
    for kind, heading, what in (
        ("about", "About the program", "purpose"),
        ("conduct", "Expected conduct", "expected conduct"),
    ):
        if not any(not line.is_blank for line in sections.get(kind, [])):
            problems.append(
                Problem(
                    0,
                    "",
                    f"no “{heading}” section: the program's {what} is left as it is",
                    blocking=False,
                )
            )
    facts, fact_problems = read_program_facts(about or lines)
    problems.extend(fact_problems)

    last_date = max(row.date for row in rows)
    upcoming = _read_upcoming(sections.get("upcoming", []), last_date, problems)
    archived = {row.number for row in rows}
    for call in upcoming:
        if call.number in archived:
            problems.append(
                Problem(
                    call.line_number,
                    lines[call.line_number - 1].raw,
                    f"#{call.number:03d} is both an upcoming call and a row of the archive",
                )
            )
    page = ArchivePage(
        name=title.text[:200],
        purpose=prose(about),
        conduct=prose(conduct),
        cadence_text=facts.frequency,
        alternating=facts.alternating,
        length=facts.length,
        min_staff=facts.min_staff,
        upcoming=tuple(upcoming),
        rows=tuple(rows),
    )
    return Parsed(page, tuple(problems))


# --- Sections -----------------------------------------------------------------------------------

_SECTION_KINDS = (
    ("about", re.compile(r"^about\b", re.IGNORECASE)),
    ("conduct", re.compile(r"\b(?:expected|code of) conduct\b|\bfriendly space\b", re.IGNORECASE)),
    ("upcoming", re.compile(r"\bupcoming\b|\bnext calls\b", re.IGNORECASE)),
    ("archive", re.compile(r"^archive\b", re.IGNORECASE)),
)
# Headings recognised without the "[edit]" link a rendered page puts after them.
_BARE_HEADINGS = frozenset(
    {"about the program", "expected conduct", "upcoming calls", "archive of digests of past calls"}
)


def _section_kind(title: str) -> str | None:
    for kind, pattern in _SECTION_KINDS:
        if pattern.search(title):
            return kind
    return None


def _heading(line: Line) -> str | None:
    text = line.text
    if text.endswith("[edit]"):
        return text.removesuffix("[edit]").strip()
    # The mobile skin glues its "Edit" link to the heading: "Expected conductEdit".
    if text.endswith("Edit") and len(text) < 80:
        bare = text.removesuffix("Edit").strip()
        if _section_kind(bare) is not None:
            return bare
    if text.casefold() in _BARE_HEADINGS:
        return text
    return None


def _sections(lines: Sequence[Line]) -> dict[str, list[Line]]:
    """The lines under each known heading (the first of each kind); the rest is left out."""
    sections: dict[str, list[Line]] = {}
    current: list[Line] | None = None
    for line in lines:
        title = _heading(line)
        if title is not None:
            kind = _section_kind(title)
            current = None if kind is None or kind in sections else sections.setdefault(kind, [])
            continue
        if current is not None:
            current.append(line)
    return sections


_TABLE_HEADER = re.compile(r"^#\s+date\b", re.IGNORECASE)


def _lines_after_table_header(lines: Sequence[Line]) -> list[Line]:
    for index, line in enumerate(lines):
        if _TABLE_HEADER.match(line.text):
            following = []
            for after in lines[index:]:
                if after is not line and _heading(after) is not None:
                    break
                following.append(after)
            return following
    return []


# --- The archive table --------------------------------------------------------------------------

_ROW_START = re.compile(r"^(?P<number>\d{1,4})\s+(?P<rest>\S*\d\S*(?:\s.*)?)$")


@dataclass
class _RowDraft:
    number: int
    date: dt.date
    line: Line
    languages: list[str]  # named on the row's own line ("001 15-Jun-2020 English")
    topic_languages: list[str] = field(default_factory=list)  # a line naming topic columns
    topics: dict[str, list[str]] = field(default_factory=dict)
    language_cell: list[str] = field(default_factory=list)  # a languages line after the topics

    def row(self, problems: list[Problem]) -> ArchiveRow:
        # A row whose topics are listed under several languages ("Español English") and that
        # has no language cell of its own lists the call's language first and the
        # translation after it: #006 was held in Spanish, with English names added.
        spoken = self.language_cell or self.languages or self.topic_languages[:1]
        if not spoken:
            problems.append(
                Problem(
                    self.line.number,
                    self.line.raw,
                    "the row names no language; the call's languages are left empty",
                    blocking=False,
                )
            )
        return ArchiveRow(
            number=self.number,
            date=self.date,
            languages=tuple(spoken),
            topics={code: tuple(names) for code, names in self.topics.items()},
            line_number=self.line.number,
        )


def _language_codes(text: str) -> list[str] | None:
    """The codes when every word of ``text`` names a language ("Español English"), else None."""
    words = [w for w in re.split(r"[\s,;/]+", text) if w]
    codes = [language_code_for_name(w) for w in words]
    if not words or None in codes:
        return None
    return list(dict.fromkeys(c for c in codes if c is not None))


def _read_row_start(line: Line, rest: str) -> tuple[dt.date | None, list[str], str]:
    """The date, the languages named at the end and the topic text between them."""
    words = rest.split()
    for taken in (1, 3):  # "15-Jun-2020" or "15 June 2020"
        date = read_date(" ".join(words[:taken]))
        if date is not None:
            words = words[taken:]
            break
    else:
        return None, [], ""
    languages: list[str] = []
    while words and (code := language_code_for_name(words[-1].strip(",;/"))) is not None:
        languages.insert(0, code)
        words.pop()
    return date, list(dict.fromkeys(languages)), " ".join(words)


def _read_table(lines: Sequence[Line], problems: list[Problem]) -> list[ArchiveRow]:
    rows: list[ArchiveRow] = []
    numbers: set[int] = set()
    draft: _RowDraft | None = None
    skipping = False  # the lines under a row that could not be read
    started = False

    def finish() -> None:
        nonlocal draft
        if draft is not None:
            rows.append(draft.row(problems))
        draft = None

    for line in lines:
        if line.is_blank:
            finish()
            skipping = False
            continue
        if _TABLE_HEADER.match(line.text):
            started = True
            continue
        start = _ROW_START.match(line.text)
        if start is not None:
            finish()
            started = True
            skipping = True
            number = int(start["number"])
            date, languages, topic = _read_row_start(line, start["rest"])
            if date is None:
                problems.append(
                    Problem(
                        line.number,
                        line.raw,
                        f"#{number:03d}: “{start['rest'].split()[0]}” is not a date "
                        "like 15-Jun-2020",
                    )
                )
                continue
            if number in numbers:
                problems.append(
                    Problem(line.number, line.raw, f"#{number:03d} is listed twice in the archive")
                )
                continue
            numbers.add(number)
            skipping = False
            draft = _RowDraft(number, date, line, languages)
            if topic:
                _add_topic(draft, line, topic, languages, problems)
            continue
        if skipping:
            continue
        if draft is None:
            if started:
                problems.append(
                    Problem(
                        line.number,
                        line.raw,
                        "not a row of the archive table; left out",
                        blocking=False,
                    )
                )
            continue
        codes = _language_codes(line.text)
        if codes is not None and not draft.topics and not draft.topic_languages:
            draft.topic_languages = codes
        elif codes is not None and not draft.language_cell:
            draft.language_cell = codes
        else:
            _add_topic(draft, line, line.text, draft.topic_languages or draft.languages, problems)
    finish()
    return rows


def _add_topic(
    draft: _RowDraft, line: Line, text: str, languages: Sequence[str], problems: list[Problem]
) -> None:
    if not languages:
        problems.append(
            Problem(
                line.number,
                line.raw,
                f"#{draft.number:03d}: a topic without a language (name the language at the "
                "end of the row, e.g. “English”)",
            )
        )
        return
    names = split_topic_line(text, languages)
    if names is None:
        problems.append(
            Problem(
                line.number,
                line.raw,
                f"#{draft.number:03d}: cannot tell where the "
                + " and the ".join(language_name(code) for code in languages)
                + " names of this topic meet; put a tab between them",
            )
        )
        return
    for code, name in zip(languages, names, strict=True):
        draft.topics.setdefault(code, []).append(name)


# --- Splitting a line that holds one topic in two languages -------------------------------------


# Articles, prepositions and conjunctions: frequent enough to say which language a stretch of
# words is in, and words a topic name does not end with.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "a an the of on in and or to for from with by at as about into onto over under "
        "between through without within our your their"
    ),
    "es": _words(
        "el la los las un una unos unas de del al en y e o u que se por para con sin sobre "
        "entre desde hasta como su sus lo a ante tras según"
    ),
    "fr": _words(
        "le la les un une des du de d' l' au aux et ou en dans pour par sur avec sans sous "
        "entre que qui ce cette ces son sa ses notre nos votre vos leur leurs à"
    ),
    "de": _words(
        "der die das den dem des ein eine einen einem einer und oder in im am an auf aus bei "
        "mit nach von vom zu zum zur für über unter durch gegen ohne um"
    ),
    "pt": _words(
        "o a os as um uma de do da dos das em no na nos nas e ou que por para com sem sobre "
        "ao à pelo pela"
    ),
    "it": _words(
        "il lo la i gli le un uno una di del della dei delle da in nel nella e o che per con "
        "su tra fra al alla"
    ),
    # Cyrillic words, not Latin look-alikes.
    "ru": _words("и в во на с со по для от до из к о об или что как"),  # noqa: RUF001
    "ar": _words("في من على إلى عن مع و أو"),
}
# Letters one language uses and English does not; two languages sharing one cancel out.
LETTERS: dict[str, frozenset[str]] = {
    "es": frozenset("áéíóúñü¿¡"),
    "fr": frozenset("àâçéèêëîïôûùüÿœæ"),
    "de": frozenset("äöüß"),
    "pt": frozenset("ãõáâàçéêíóôú"),
    "it": frozenset("àèéìòù"),
}
_SCRIPTS = {"ar": "arabic", "fa": "arabic", "ru": "cyrillic", "uk": "cyrillic", "zh": "han"}
_ELISION = re.compile(r"^(\w+['\u2019])")


def _script(word: str) -> str:
    for char in word:
        if char.isalpha():
            name = unicodedata.name(char, "")
            if name.startswith("ARABIC"):
                return "arabic"
            if name.startswith("CYRILLIC"):
                return "cyrillic"
            if name.startswith("CJK"):
                return "han"
            return "latin"
    return ""


def _evidence(word: str, language: str) -> int:
    """How strongly one word points to ``language``: 0, 1 or 2."""
    bare = word.casefold().strip('.,;:!?¿¡()"“”«»')
    elided = _ELISION.match(bare)
    score = 0
    if bare in FUNCTION_WORDS.get(language, ()) or (
        elided is not None and elided[1].replace("\u2019", "'") in FUNCTION_WORDS.get(language, ())
    ):
        score += 1
    if LETTERS.get(language, frozenset()) & set(bare):
        score += 1
    script = _script(word)
    if script and script == _SCRIPTS.get(language.split("-")[0], "latin"):
        score += 1
    return score


def _is_function_word(word: str, language: str) -> bool:
    return word.casefold().strip(".,;:!?") in FUNCTION_WORDS.get(language, ())


def split_topic_line(text: str, languages: Sequence[str]) -> tuple[str, ...] | None:
    """One topic name per language from a line holding the same topic in each language
    ("Impacto de la pandemia en los afiliados Impact of the pandemic on affiliates").

    A tab is a definitive separator. Without one, two languages are split at the word
    boundary that puts the most of each language's function words and letters on its own
    side (and a name used in both, such as "Wikimedia", once on each), where the second name
    starts with a capital like the first and the first does not end with an article or
    preposition. None when no boundary is clearly best.
    """
    if len(languages) == 1:
        return (text.strip(),)
    if "\t" in text:
        parts = tuple(part.strip() for part in text.split("\t") if part.strip())
        return parts if len(parts) == len(languages) else None
    if len(languages) != 2:
        return None
    first, second = languages
    words = text.split()
    if len(words) < 2:
        return None
    half = len(words) // 2
    if len(words) % 2 == 0 and words[:half] == words[half:]:
        return (" ".join(words[:half]), " ".join(words[half:]))  # the same name in both

    lean = [_evidence(w, first) - _evidence(w, second) for w in words]
    names = [
        w if not _is_function_word(w, first) and not _is_function_word(w, second) else ""
        for w in words
    ]
    starts_capital = words[0][:1].isupper()
    scored: list[tuple[int, int]] = []
    for cut in range(1, len(words)):
        left_end, right_start = words[cut - 1], words[cut]
        if _is_function_word(left_end, first):
            continue
        if starts_capital and right_start[:1].islower():
            continue
        # A name left untranslated ("Wikimedia") appears once on each side.
        shared = len(({*names[:cut]} & {*names[cut:]}) - {""})
        scored.append((sum(lean[:cut]) - sum(lean[cut:]) + shared, cut))
    if not scored:
        return None
    scored.sort(reverse=True)
    best, cut = scored[0]
    if best < 0 or (len(scored) > 1 and scored[1][0] == best):
        return None
    return (" ".join(words[:cut]), " ".join(words[cut:]))


# --- Upcoming calls -----------------------------------------------------------------------------

_NUMBER = re.compile(r"^(?P<prefix>.*?)#\s*(?P<number>\d{1,4})\b")
_DATE_WORD = re.compile(
    r"\b(?:mon|tues?|wednes|thurs?|fri|satur|sun)day\b|\b(?:january|february|march|april|"
    r"june|july|august|september|october|november|december)\b",
    re.IGNORECASE,
)
_SCHEDULED = re.compile(
    r"\bscheduled\s+(?:topics?|segments?)\s*:\s*(?P<topics>.+?)\.?\s*(?:\([^)]*\)\s*)?$",
    re.IGNORECASE,
)
_PRESENTED = re.compile(r"^(?P<title>.+)\s+(?:with|by|presented by)\s+(?P<presenter>\S.*)$")


def _segments(text: str) -> tuple[ScheduledSegment, ...]:
    match = _SCHEDULED.search(text)
    if match is None:
        return ()
    segments = []
    for topic in match["topics"].split(";"):
        topic = topic.strip().rstrip(".")
        if not topic:
            continue
        presented = _PRESENTED.match(topic)
        if presented is not None and presented["presenter"][:1].isupper():
            segments.append(
                ScheduledSegment(presented["title"].strip(), presented["presenter"].strip())
            )
        else:
            segments.append(ScheduledSegment(topic, ""))
    return tuple(segments)


def _read_upcoming(
    lines: Sequence[Line], after: dt.date, problems: list[Problem]
) -> list[UpcomingCall]:
    calls: list[UpcomingCall] = []
    for run in paragraphs(lines):
        found = {match.line.number: match for match in find_call_times(run)}
        for line in run:
            text = line.without_bullet
            number = _NUMBER.match(text)
            match = found.get(line.number)
            if match is None:
                if number is not None and _DATE_WORD.search(text):
                    problems.append(
                        Problem(
                            line.number,
                            line.raw,
                            "cannot read this call's date and time (write them like "
                            "“Tuesday, September 15th, 13:00 UTC”)",
                        )
                    )
                continue
            if match.call is None:
                problems.append(Problem(line.number, line.raw, match.problem))
                continue
            if number is None:
                problems.append(
                    Problem(line.number, line.raw, "the call has no number such as #010")
                )
                continue
            date = first_date_after(match.call, after, years=YEAR_SEARCH_LIMIT)
            if date is None:
                problems.append(
                    Problem(
                        line.number,
                        line.raw,
                        f"no year within {YEAR_SEARCH_LIMIT} years after the last archived "
                        f"call ({after:%d %b %Y}) has this date on this weekday",
                    )
                )
                continue
            calls.append(
                UpcomingCall(
                    number=int(number["number"]),
                    call_time=match.call,
                    date=date,
                    title_prefix=number["prefix"].strip(" ,:-"),
                    segments=_segments(text),
                    line_number=line.number,
                )
            )
    return calls
