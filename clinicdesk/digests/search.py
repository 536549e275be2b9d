"""Full-text search over published digests: one interface, the database's own engine.

On SQLite, an FTS5 table (``porter unicode61 remove_diacritics 2``) ranked by BM25, the title
weighing four times the body; on PostgreSQL, a tsvector in the document's language (title
weight A, body B) under a GIN index, ranked by ``ts_rank_cd``, the query stemmed in the
languages of the interface and unstemmed. Both read the same query language: words (all must
appear), "quoted phrases" and -excluded words. The database ranks and returns one page of
documents; :func:`snippet` then cuts the same snippet from each on both, every match between
:data:`MARK_START` and :data:`MARK_END`, which :func:`highlight` turns into ``<mark>``
(cutting snippets in the database costs more than the search itself on long digests).

The index holds what a digest says, never who said it: a speaker's name is not searchable,
so a change of consent needs no re-indexing.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from clinicdesk.digests import documents as d
from clinicdesk.digests.markup import blocks_plain_text, parse_blocks, parse_inline, plain_text
from clinicdesk.digests.queries import search_config

MARK_START = "\ue000"
MARK_END = "\ue001"
MAX_TERMS = 12
MAX_QUERY_LENGTH = 300
SNIPPET_WORDS = 24
# Beyond this many matches, a query is ranked among the most recently indexed of them: a
# query that general is answered by recent digests as well as by old ones (see raw_sql).
MAX_RANKED = 1000
# On PostgreSQL ranking reads each document's whole tsvector (~15 µs each): fewer are ranked.
PG_MAX_RANKED = 250

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+")


class SearchUnavailable(Exception):
    """The database has no full-text index (neither SQLite nor PostgreSQL)."""


@dataclass(frozen=True, slots=True)
class Terms:
    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Nothing to look for: no word and no phrase (exclusions alone find nothing)."""
        return not self.words and not self.phrases


def parse_query(text: str) -> Terms:
    """A reader's query as words, phrases and exclusions, at most :data:`MAX_TERMS` in all.

    Only letters and digits count: every other character separates words, so nothing a
    reader types is ever read as the engine's own syntax.
    """
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[str] = []
    for match in _TOKEN.finditer(text[:MAX_QUERY_LENGTH]):
        negated = bool(match[1] or match[3])
        if match[2] is not None:  # a quoted phrase
            found = tuple(w.lower() for w in _WORD.findall(match[2]))
            if not found:
                continue
            if negated:
                excluded.extend(found)
            elif len(found) == 1:
                words.append(found[0])
            else:
                phrases.append(found)
        else:
            found = tuple(w.lower() for w in _WORD.findall(match[4]))
            (excluded if negated else words).extend(found)
    budget = MAX_TERMS
    words = list(dict.fromkeys(words))[:budget]
    budget -= len(words)
    phrases = phrases[: max(budget, 0)]
    budget -= len(phrases)
    excluded = list(dict.fromkeys(excluded))[: max(budget, 0)]
    return Terms(tuple(words), tuple(phrases), tuple(excluded))


def _quoted(words: Sequence[str]) -> str:
    return '"' + " ".join(words).replace('"', '""') + '"'


def fts5_expression(terms: Terms) -> str:
    """The FTS5 MATCH expression: every word and phrase quoted, so that none is an operator."""
    positive = [_quoted([word]) for word in terms.words] + [_quoted(p) for p in terms.phrases]
    expression = " AND ".join(positive)
    if terms.excluded:
        excluded = " OR ".join(_quoted([word]) for word in terms.excluded)
        expression = f"({expression}) NOT ({excluded})"
    return expression


def document_text(doc: d.DigestData) -> tuple[str, str]:
    """The searchable title and body of a digest: what it says, not who said it."""
    title = " · ".join([doc.session_title, *(topic.title for topic in doc.topics)])
    parts: list[str] = [plain_text(parse_inline(" ".join(doc.lead.split())))] if doc.lead else []
    for topic in doc.topics:
        parts.append(topic.title)
        if topic.body:
            parts.append(blocks_plain_text(parse_blocks(topic.body)))
        for item in d.walk_items(topic.items):
            if item.text:
                parts.append(plain_text(parse_inline(item.text)))
            if item.follow_up is not None and item.follow_up.resolution:
                parts.append(item.follow_up.resolution)
            if item.resource is not None:
                parts.append(item.resource.title)
    parts.extend(resource.title for resource in doc.resources)
    body = "\n".join(part for part in parts if part)
    return _unmarked(title), _unmarked(body)


def _unmarked(text: str) -> str:
    return text.replace(MARK_START, "").replace(MARK_END, "")


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str
    program_id: int | None = None
    language: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Hit:
    digest_id: int
    snippet: str  # plain text, each match between MARK_START and MARK_END
    score: float  # higher is better
    language: str = ""
    program_slug: str = ""
    program_name: str = ""
    session_number: int = 0
    session_title: str = ""  # as the session's pages name it
    session_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class SearchPage:
    terms: Terms
    hits: tuple[Hit, ...]
    has_more: bool


def _filters(query: SearchQuery, alias: str = "doc") -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if query.program_id is not None:
        where.append(f"{alias}.program_id = %s")
        params.append(query.program_id)
    if query.language:
        where.append(f"{alias}.language = %s")
        params.append(query.language)
    if query.date_from is not None:
        where.append(f"{alias}.session_date >= %s")
        params.append(query.date_from)
    if query.date_to is not None:
        where.append(f"{alias}.session_date <= %s")
        params.append(query.date_to)
    return where, params


# What a result shows, read with the page's documents (no second query).
_HIT_COLUMNS = (
    "doc.digest_id, doc.body, doc.language, doc.session_date, program.slug, program.name, "
    "program.session_title_pattern, session.number, session.title"
)
_HIT_JOINS = (
    "JOIN digests_digest digest ON digest.id = doc.digest_id "
    "JOIN scheduling_clinicsession session ON session.id = digest.session_id "
    "JOIN scheduling_program program ON program.id = session.program_id "
)


def setup_sql() -> list[str]:
    """Statements a search runs first, in its transaction.

    PostgreSQL's planner does not count the reading of a large (TOASTed) tsvector in what a
    sequential scan costs, so on a few thousand digests it reads every document rather than
    the GIN index; a search tells it not to.
    """
    return ["SET LOCAL enable_seqscan = off"] if connection.vendor == "postgresql" else []


def raw_sql(query: SearchQuery, terms: Terms, tsquery: str = "") -> tuple[str, list[Any]]:
    """The one statement that finds the page's documents on this database, best first, with
    their text (snippets are cut from it afterwards), and its parameters. On PostgreSQL it
    needs the query as :func:`pg_tsquery` writes it."""
    where, params = _filters(query)
    limit = [query.limit + 1, query.offset]
    if connection.vendor == "sqlite":
        join = "JOIN digests_searchdocument doc ON doc.id = digests_search.rowid " if where else ""
        conditions = " AND ".join(["digests_search MATCH %s", *where])
        # A query that matches more than MAX_RANKED documents is ranked among the most
        # recently indexed of them: finding where they start costs a walk down the rowids,
        # ranking every match costs a score each.
        cap = (
            "SELECT digests_search.rowid FROM digests_search "  # noqa: S608
            f"{join}WHERE {conditions} "
            f"ORDER BY digests_search.rowid DESC LIMIT 1 OFFSET {MAX_RANKED - 1}"
        )
        conditions += f" AND digests_search.rowid >= coalesce(({cap}), 0)"
        params = [*params, fts5_expression(terms), *params]
        # Fixed fragments only: every value is a parameter.
        sql = (
            f"SELECT {_HIT_COLUMNS}, found.score FROM ("  # noqa: S608
            "SELECT digests_search.rowid AS id, -bm25(digests_search, 4.0, 1.0) AS score "
            f"FROM digests_search {join}WHERE {conditions} "
            "ORDER BY score DESC, digests_search.rowid DESC LIMIT %s OFFSET %s) found "
            "JOIN digests_searchdocument doc ON doc.id = found.id "
            f"{_HIT_JOINS}"
            "ORDER BY found.score DESC, doc.session_date DESC"
        )
        return sql, [fts5_expression(terms), *params, *limit]
    if connection.vendor == "postgresql":
        conditions = " AND ".join(["doc.search @@ %s::tsquery", *where])
        # The matches are found in the GIN index (their ids only), the most recent
        # PG_MAX_RANKED of them ranked: ranking reads each document's whole tsvector. The query
        # is a literal where it is used (bound on the client), so the planner sees a constant.
        # Fixed fragments only: values are parameters.
        sql = (
            "WITH matches AS MATERIALIZED ("  # noqa: S608
            f"SELECT doc.id FROM digests_searchdocument doc WHERE {conditions}), "
            f"recent AS (SELECT id FROM matches ORDER BY id DESC "
            f"LIMIT {min(MAX_RANKED, PG_MAX_RANKED)}), "
            "found AS (SELECT doc.id, ts_rank_cd(doc.search, %s::tsquery) AS score "
            "FROM recent JOIN digests_searchdocument doc ON doc.id = recent.id "
            "ORDER BY score DESC, doc.session_date DESC NULLS LAST LIMIT %s OFFSET %s) "
            f"SELECT {_HIT_COLUMNS}, found.score FROM found "
            "JOIN digests_searchdocument doc ON doc.id = found.id "
            f"{_HIT_JOINS}"
            "ORDER BY found.score DESC, doc.session_date DESC NULLS LAST"
        )
        return sql, [tsquery, *params, tsquery, *limit]
    raise SearchUnavailable(connection.vendor)


def _pg_configs(language: str) -> list[str]:
    codes = [language] if language else [code for code, _name in settings.LANGUAGES]
    return list(dict.fromkeys([*(search_config(code) for code in codes), "simple"]))


def pg_tsquery(cursor: Any, query: SearchQuery, terms: Terms) -> str:
    """The query as one tsquery, as PostgreSQL writes it ("" when every word is a stop word):
    the words and phrases in any configuration (a document matches in its own language) and
    no excluded word in any of them, each distinct form once. The configurations stem most
    words alike, and every alternative written out is checked against each candidate and
    ranked: "online events" in seven configurations has three distinct forms."""
    configs = _pg_configs(query.language)
    columns: list[str] = []
    params: list[Any] = []
    for config in configs:
        parts: list[str] = []
        if terms.words:
            parts.append(f"plainto_tsquery('{config}', %s)")
            params.append(" ".join(terms.words))
        for phrase in terms.phrases:
            parts.append(f"phraseto_tsquery('{config}', %s)")
            params.append(" ".join(phrase))
        columns.append("(" + " && ".join(parts) + ")::text")
    for word in terms.excluded:
        for config in configs:
            columns.append(f"plainto_tsquery('{config}', %s)::text")
            params.append(word)
    # Fixed fragments only (the configurations come from SEARCH_CONFIGS): values are parameters.
    cursor.execute("SELECT " + ", ".join(columns), params)
    written = cursor.fetchone()
    alternatives = [text for text in dict.fromkeys(written[: len(configs)]) if text]
    excluded = [text for text in dict.fromkeys(written[len(configs) :]) if text]
    if not alternatives:
        return ""
    tsquery = " | ".join(f"( {text} )" for text in alternatives)
    if excluded:
        tsquery = f"( {tsquery} ) & !( " + " | ".join(f"( {text} )" for text in excluded) + " )"
    return tsquery


_PHRASE_OPERATOR = re.compile(r"<(?:-|[0-9]+)>")


def fetch_rows(cursor: Any, query: SearchQuery, terms: Terms) -> list[tuple[Any, ...]]:
    """The page's rows (one more than ``limit``, to tell whether there are more), on
    ``cursor``, inside the caller's transaction: what a search asks of the database."""
    for statement in setup_sql():
        cursor.execute(statement)
    tsquery = ""
    if connection.vendor == "postgresql":
        tsquery = pg_tsquery(cursor, query, terms)
        if not tsquery:
            return []
        if _PHRASE_OPERATOR.search(tsquery):
            return _pg_phrase_rows(cursor, query, tsquery)
    sql, params = raw_sql(query, terms, tsquery)
    cursor.execute(sql, params)
    return list(cursor.fetchall())


def _pg_phrase_rows(cursor: Any, query: SearchQuery, tsquery: str) -> list[tuple[Any, ...]]:
    """A query with a phrase on PostgreSQL: the same documents as :func:`raw_sql`'s single
    statement would rank, found by checking fewer of them.

    The GIN index knows which documents hold every word but not where, so each of those
    candidates must be read to check the phrase, and reading a digest's tsvector costs ~3 µs
    (it is stored out of line): a phrase of common words has thousands of candidates. So the
    candidates are listed from the index alone (the query with each phrase loosened to "all
    of its words", which the index answers exactly), then checked newest first, a growing
    chunk at a time, until :data:`PG_MAX_RANKED` match: these are the most recent matches
    that the single statement would rank. A phrase found in many of its candidates is done
    after a chunk or two; one whose words mostly stand apart still reads every candidate, by id,
    which costs a little more than the index's own recheck (measured on 10,000 digests:
    "online events" 30 → 12 ms, the rare "community foundation" 27 → 32 ms).
    """
    where, params = _filters(query)
    # A phrase implies all of its words: the phrase operators (<-> and <N>) become "and".
    loose = _PHRASE_OPERATOR.sub("&", tsquery)
    conditions = " AND ".join(["doc.search @@ %s::tsquery", *where])
    # Sorted here: asked to sort them, the planner walks the primary key and reads every row.
    cursor.execute(
        f"SELECT doc.id FROM digests_searchdocument doc WHERE {conditions}",  # noqa: S608
        [loose, *params],
    )
    candidates = sorted((row[0] for row in cursor.fetchall()), reverse=True)
    wanted = min(MAX_RANKED, PG_MAX_RANKED)
    found: list[int] = []
    start, size = 0, 2 * wanted
    while start < len(candidates) and len(found) < wanted:
        chunk = candidates[start : start + size]
        # ts_match_vq is @@ by its function's name: the planner then reads these rows by their
        # ids rather than the GIN index, which would recheck every candidate again.
        cursor.execute(
            "SELECT doc.id FROM digests_searchdocument doc "
            "WHERE doc.id = ANY(%s) AND ts_match_vq(doc.search, %s::tsquery)",
            [chunk, tsquery],
        )
        found.extend(row[0] for row in cursor.fetchall())
        start += size
        # The next chunk: as many as the rate so far says are still needed, and a quarter
        # more; twice as many as the last when none has matched yet.
        size = int((wanted - len(found)) * start / len(found) * 1.25) + 1 if found else 2 * size
    if not found:
        return []
    recent = sorted(found, reverse=True)[:wanted]
    cursor.execute(
        "WITH found AS (SELECT doc.id, ts_rank_cd(doc.search, %s::tsquery) AS score "  # noqa: S608
        "FROM digests_searchdocument doc WHERE doc.id = ANY(%s) "
        "ORDER BY score DESC, doc.session_date DESC NULLS LAST LIMIT %s OFFSET %s) "
        f"SELECT {_HIT_COLUMNS}, found.score FROM found "
        "JOIN digests_searchdocument doc ON doc.id = found.id "
        f"{_HIT_JOINS}"
        "ORDER BY found.score DESC, doc.session_date DESC NULLS LAST",
        [tsquery, recent, query.limit + 1, query.offset],
    )
    return list(cursor.fetchall())


def run_search(query: SearchQuery) -> SearchPage:
    """Published digests matching the query, best first, ``limit`` at a time."""
    terms = parse_query(query.text)
    if terms.is_empty:
        return SearchPage(terms, (), False)
    with transaction.atomic(), connection.cursor() as cursor:
        rows = fetch_rows(cursor, query, terms)
    hits = tuple(_hit(row, terms) for row in rows[: query.limit])
    return SearchPage(terms, hits, len(rows) > query.limit)


def _hit(row: tuple[Any, ...], terms: Terms) -> Hit:
    digest_id, body, language, session_date, slug, name, pattern, number, title, score = row
    if isinstance(session_date, str):  # SQLite returns dates as text to a raw cursor
        session_date = dt.date.fromisoformat(session_date)
    return Hit(
        digest_id=int(digest_id),
        snippet=snippet(str(body or ""), terms),
        score=float(score or 0),
        language=language,
        program_slug=slug,
        program_name=name,
        session_number=int(number),
        # ``ClinicSession.display_title`` on the row's columns (no model built per hit).
        session_title=title or pattern.format(program=name, number=f"{number:03d}"),
        session_date=session_date,
    )


# --- Snippets -------------------------------------------------------------------------------------

# A letter and its accented forms, so that a snippet finds "línea" for "linea" as the index
# does, without folding the whole text first.
_ACCENTED: dict[str, str] = {}
for _code in range(0x00C0, 0x0250):
    _base = unicodedata.normalize("NFD", chr(_code))[0].lower()
    if _base.isascii() and _base.isalpha() and _base != chr(_code).lower():
        _ACCENTED[_base] = _ACCENTED.get(_base, _base) + chr(_code).lower()
_SUFFIXES = ("ing", "ed", "es", "s", "ly")


def _stem(word: str) -> str:
    """A word without its commonest English endings: the snippet finds "event" for "events"
    as the index's stemmer does (only the marks depend on it, never what is found)."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _letters(word: str) -> str:
    folded = "".join(unicodedata.normalize("NFD", c)[0] for c in word.lower())
    return "".join(
        f"[{re.escape(_ACCENTED[c])}]" if c in _ACCENTED else re.escape(c) for c in folded
    )


@functools.lru_cache(maxsize=256)
def _pattern(terms: Terms) -> re.Pattern[str] | None:
    alternatives = [
        r"\W+".join(_letters(_stem(w)) + r"\w*" for w in phrase) for phrase in terms.phrases
    ]
    alternatives += [_letters(_stem(w)) + r"\w*" for w in terms.words]
    if not alternatives:
        return None
    return re.compile(r"\b(?:" + "|".join(alternatives) + ")")


_SPACE = re.compile(r"\s")


@functools.lru_cache(maxsize=256)
def _literals(terms: Terms) -> tuple[str, ...]:
    """What each match starts with when written without accents: found by ``str.find``, far
    faster than the pattern's own scan."""
    firsts = [phrase[0] for phrase in terms.phrases] + list(terms.words)
    return tuple(
        "".join(unicodedata.normalize("NFD", c)[0] for c in _stem(word.lower())) for word in firsts
    )


@functools.lru_cache(maxsize=1024)
def _plain_pattern(terms: Terms) -> re.Pattern[str] | None:
    """The query's words as written without accents: a pattern compiled in microseconds,
    where the one with every accented form of each letter (:func:`_pattern`) takes half a
    millisecond. It finds all but the accented spellings."""
    plain = [
        r"\W+".join(re.escape(_folded(_stem(w))) + r"\w*" for w in phrase)
        for phrase in terms.phrases
    ]
    plain += [re.escape(_folded(_stem(w))) + r"\w*" for w in terms.words]
    return re.compile(r"\b(?:" + "|".join(plain) + ")") if plain else None


def _folded(word: str) -> str:
    return "".join(unicodedata.normalize("NFD", c)[0] for c in word.lower())


@functools.lru_cache(maxsize=1024)
def _folded_words(terms: Terms) -> tuple[str, ...]:
    return tuple(
        _folded(_stem(w)) for w in (*(w for phrase in terms.phrases for w in phrase), *terms.words)
    )


def _holds_accented_spelling(lowered: str, terms: Terms) -> bool:
    """Whether ``lowered`` may spell a word of the query with an accent ("línea" for "linea"):
    without its accents (and anything else not ASCII) the text shows the word more often than
    as written. A quick, generous test: a yes only means the slower pattern looks."""
    if lowered.isascii():
        return False
    bare = unicodedata.normalize("NFD", lowered).encode("ascii", "ignore").decode()
    return any(bare.count(word) > lowered.count(word) for word in _folded_words(terms))


def _first_match(
    lowered: str, pattern: re.Pattern[str], literals: tuple[str, ...]
) -> re.Match[str] | None:
    """The first match of ``pattern`` that starts with one of the literals."""
    found: list[re.Match[str]] = []
    for literal in literals:
        position = lowered.find(literal)
        while position != -1:
            match = pattern.match(lowered, position)
            if match is not None:
                found.append(match)
                break
            position = lowered.find(literal, position + 1)
    return min(found, key=lambda match: match.start()) if found else None


# A long text is lowered a piece at a time, up to its first match only; pieces overlap by
# more than any match is long (a query has at most 300 characters).
_PIECE = 2048
_OVERLAP = 640


class _Unfoldable(Exception):
    """Lowering moved characters (a few letters such as "İ" lower to two)."""


def _lowered(body: str, begin: int, end: int) -> str:
    piece = body[begin:end]
    lowered = piece.lower()
    if len(lowered) != len(piece):
        raise _Unfoldable
    return lowered


def _first_span(body: str, terms: Terms) -> tuple[int, int] | None:
    """Where the first match is in ``body``: the first spelling as written, lowering the text
    a piece at a time (each piece keeps the character before it, so that a match never starts
    inside a word), else the first accented spelling."""
    plain, literals = _plain_pattern(terms), _literals(terms)
    if plain is None:
        return None
    for start in range(0, len(body), _PIECE):
        before = 1 if start else 0
        lowered = _lowered(body, start - before, start + _PIECE + _OVERLAP)
        match = _first_match(lowered, plain, literals)
        # A match from the character kept before belongs to the previous piece; one that
        # starts in the overlap is the next piece's.
        if match is not None and before <= match.start() < _PIECE + before:
            offset = start - before
            return offset + match.start(), offset + match.end()
    # No spelling as written anywhere: the whole text is scanned once for accented ones.
    lowered = _lowered(body, 0, len(body))
    pattern = _pattern(terms)
    if pattern is None or not _holds_accented_spelling(lowered, terms):
        return None
    found = pattern.search(lowered)
    return None if found is None else (found.start(), found.end())


def snippet(body: str, terms: Terms, *, words: int = SNIPPET_WORDS) -> str:
    """About ``words`` words of ``body`` around its first match, each match between
    :data:`MARK_START` and :data:`MARK_END`; "…" where the text was cut."""
    if _plain_pattern(terms) is None:
        return _cut(body, None, words)
    # Matched in lower case without IGNORECASE, several times faster, when lowering keeps
    # every character where it was (it does but for a few letters such as "İ").
    try:
        return _cut(body, _first_span(body, terms), words, terms)
    except _Unfoldable:
        careless = re.compile((_pattern(terms) or _NOTHING).pattern, re.IGNORECASE)
        found = careless.search(body)
        first = None if found is None else (found.start(), found.end())
        return _cut(body, first, words, terms, careless)


def _cut(
    body: str,
    first: tuple[int, int] | None,
    words: int,
    terms: Terms | None = None,
    careless: re.Pattern[str] | None = None,
) -> str:
    """A window of characters around the first match, cut at spaces, its matches marked
    (by ``careless``, an IGNORECASE pattern, when the text could not be lowered)."""
    width = words * 7
    begin = 0 if first is None else max(0, first[0] - width // 3)
    stop = min(len(body), begin + width)
    if begin > 0:
        space = _SPACE.search(body, begin, first[0] if first else stop)
        if space is not None:
            begin = space.end()
    if stop < len(body):
        cut = max(body.rfind(" ", begin, stop), body.rfind("\n", begin, stop))
        if cut > (first[1] if first else begin):
            stop = cut
    marked: list[str] = ["…" if begin > 0 else ""]
    position = begin
    if terms is not None:
        # The window alone is lowered, with the character before it for word boundaries;
        # the pattern with every accented form is compiled only for a window that needs it.
        offset = max(0, begin - 1)
        window, pattern = body[offset:stop], careless
        if pattern is None:
            try:
                window = _lowered(body, offset, stop)
            except _Unfoldable:
                pattern = re.compile((_pattern(terms) or _NOTHING).pattern, re.IGNORECASE)
            else:
                accented = _holds_accented_spelling(window, terms)
                pattern = (_pattern(terms) if accented else _plain_pattern(terms)) or _NOTHING
        for match in pattern.finditer(window, begin - offset):
            match_start, match_end = offset + match.start(), offset + match.end()
            marked += [body[position:match_start], MARK_START]
            marked += [body[match_start:match_end], MARK_END]
            position = match_end
    marked += [body[position:stop], "…" if stop < len(body) else ""]
    return " ".join("".join(marked).split())


_NOTHING = re.compile(r"(?!)")


def highlight(snippet: str) -> SafeString:
    """A snippet as HTML: escaped, each match in ``<mark>``."""
    html = str(escape(snippet))
    return mark_safe(html.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308 - escaped above
